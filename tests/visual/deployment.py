"""Against a running deployment (PLAYWRIGHT_BASE_URL) real days differ in their numbers by design: the
two views are compared with every numeric cell blanked and masked (layout, items, statuses must be the
same picture), and the numeric differences are listed against the §4 thresholds (80 kcal / 15 g / 18 %)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext

from meallog.migration.diff import Thresholds, breached, field_diff
from meallog.nutrition.types import FIELDS
from tests.visual.snapshots import Mismatch, Snapshots

BLANK = "document.querySelectorAll('[data-num]').forEach(e => { e.textContent = '0'; })"
NUMBERS = "Array.from(document.querySelectorAll('[data-key]')).map(e => [e.dataset.key, e.dataset.value])"


@dataclass(frozen=True, slots=True)
class NumericDiff:
    key: str  # "meal:12:0:kcal", "meal:12:total:fat_g", "total:kcal"
    legacy: float
    adapter: float
    abs: float
    rel: float
    breach: bool


@dataclass(frozen=True, slots=True)
class DeploymentReport:
    day: str
    masked: Mismatch | None  # the masked pages differ: structure, not numbers
    only_in_one: list[str]  # numeric cells one view has and the other lacks (an item dropped or added)
    differences: list[NumericDiff]

    @property
    def breaches(self) -> list[NumericDiff]:
        return [d for d in self.differences if d.breach]

    def to_json(self) -> dict[str, Any]:
        return {"day": self.day, "masked_mismatch": self.masked.detail if self.masked else None,
                "only_in_one": self.only_in_one, "differences": [asdict(d) for d in self.differences]}


def _render(ctx: BrowserContext, url: str) -> tuple[bytes, dict[str, str]]:
    page = ctx.new_page()
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, f"GET {url}: {response.status if response else '-'}"
    numbers = {k: v for k, v in page.evaluate(NUMBERS)}
    page.evaluate(BLANK)  # same text everywhere, so number widths cannot move the layout
    page.evaluate("document.fonts.ready")
    png = page.screenshot(full_page=True, animations="disabled", caret="hide", mask=[page.locator("[data-num]")],
                          mask_color="#ff00ff")
    page.close()
    return png, numbers


def _field(key: str) -> str | None:
    name = key.rsplit(":", 1)[-1]
    return name if name in FIELDS else None  # grams and "left" are listed, not judged


def compare_day(ctx: BrowserContext, base_url: str, day: str, snapshots: Snapshots, *,
                thresholds: Thresholds = Thresholds()) -> DeploymentReport:
    url = f"{base_url.rstrip('/')}/day/{day}?view="
    legacy_png, legacy = _render(ctx, url + "legacy")
    adapter_png, adapter = _render(ctx, url + "adapter")
    masked = snapshots.same(f"deployment-{day}-masked", legacy_png, adapter_png, left_label="legacy (masked)",
                            right_label="adapter (masked)")
    diffs = []
    for key in sorted(legacy.keys() & adapter.keys()):
        a, b = legacy[key], adapter[key]
        if a == b or key == "total:left":
            continue
        lv, av = float(a or 0), float(b or 0)
        f = _field(key)
        d = field_diff(f or "kcal", lv, av)  # type: ignore[arg-type]
        hit = bool(f) and bool(breached({d.field: d}, thresholds))
        diffs.append(NumericDiff(key, lv, av, d.abs, d.rel, hit))
    return DeploymentReport(day=day, masked=masked, only_in_one=sorted(legacy.keys() ^ adapter.keys()),
                            differences=diffs)


def write_report(reports: list[DeploymentReport], results: Path) -> Path:
    results.mkdir(parents=True, exist_ok=True)
    path = results / "deployment-numbers.json"
    path.write_text(json.dumps([r.to_json() for r in reports], indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def describe(r: DeploymentReport) -> str:
    lines = [f"{r.day}: masked pages {'differ: ' + r.masked.detail if r.masked else 'identical'}"]
    lines += [f"  only in one view: {k}" for k in r.only_in_one]
    lines += [f"  {d.key}: legacy {d.legacy:g} adapter {d.adapter:g} (|Δ| {d.abs:g}, {d.rel:.0%})"
              f"{'  BREACH' if d.breach else ''}" for d in r.differences]
    return "\n".join(lines)
