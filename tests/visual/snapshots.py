"""Screenshot comparison for the visual regression (Python Playwright has no screenshot assertion).

`Snapshots.check(name, png)` compares a screenshot with `baselines/NAME.png` pixel by pixel
(pixelmatch, threshold 0: any changed pixel counts). On a difference it writes
`test-results/NAME-expected.png`, `-actual.png` and `-diff.png`, and `playwright-report/index.html`
shows the three side by side. `--update-snapshots` (or UPDATE_SNAPSHOTS=1) rewrites the baseline.
"""

from __future__ import annotations

import html
import io
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageChops
from pixelmatch.contrib.PIL import pixelmatch

HERE = Path(__file__).resolve().parent
BASELINES = HERE / "baselines"


@dataclass(frozen=True, slots=True)
class Mismatch:
    name: str
    detail: str
    expected: Path | None
    actual: Path
    diff: Path | None


def _load(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGBA")


def diff_pixels(a: Image.Image, b: Image.Image, diff_path: Path | None = None) -> int:
    """Changed pixels between two images (a size change counts every pixel of the larger canvas)."""
    w, h = max(a.width, b.width), max(a.height, b.height)
    if a.size != b.size:
        canvas_a, canvas_b = Image.new("RGBA", (w, h), "white"), Image.new("RGBA", (w, h), "white")
        canvas_a.paste(a, (0, 0))
        canvas_b.paste(b, (0, 0))
        a, b = canvas_a, canvas_b
    bbox = ImageChops.difference(a, b).convert("RGB").getbbox()  # RGBA getbbox would look at alpha only
    if bbox is None:
        return 0
    # pixelmatch is pure Python: run it on the changed box only; outside it the images are equal.
    box_diff = Image.new("RGBA", (bbox[2] - bbox[0], bbox[3] - bbox[1]))
    n = int(pixelmatch(a.crop(bbox), b.crop(bbox), box_diff, threshold=0.0, includeAA=True))
    if diff_path is not None and n:
        faded = Image.blend(a.convert("L").convert("RGBA"), Image.new("RGBA", a.size, "white"), 0.85)
        faded.paste(box_diff, bbox[:2])
        faded.save(diff_path)
    return n


@dataclass
class Snapshots:
    baselines: Path
    results: Path  # test-results/
    report: Path  # playwright-report/
    update: bool = False
    mismatches: list[Mismatch] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def check(self, name: str, png: bytes) -> Mismatch | None:
        """Compare with the baseline (or write it when updating); a mismatch is recorded and returned."""
        self.checked.append(name)
        baseline = self.baselines / f"{name}.png"
        if self.update:
            baseline.parent.mkdir(parents=True, exist_ok=True)
            baseline.write_bytes(png)
            return None
        if not baseline.exists():
            return self._fail(name, png, None, f"no baseline {baseline.name}: run with --update-snapshots")
        expected, actual = _load(baseline.read_bytes()), _load(png)
        self.results.mkdir(parents=True, exist_ok=True)
        n = diff_pixels(expected, actual, self.results / f"{name}-diff.png")
        if n == 0:
            return None
        size = "" if expected.size == actual.size else f" (size {expected.size} -> {actual.size})"
        return self._fail(name, png, baseline, f"{n} pixels differ from the baseline{size}")

    def same(self, name: str, left: bytes, right: bytes, *, left_label: str, right_label: str) -> Mismatch | None:
        """Two renders of one page must be the same picture (legacy vs adapter)."""
        self.results.mkdir(parents=True, exist_ok=True)
        a, b = _load(left), _load(right)
        n = diff_pixels(a, b, self.results / f"{name}-diff.png")
        if n == 0:
            return None
        expected = self.results / f"{name}-expected.png"
        expected.write_bytes(left)
        return self._fail(name, right, expected, f"{n} pixels differ between {left_label} (expected) and "
                                                 f"{right_label} (actual)")

    def _fail(self, name: str, png: bytes, expected: Path | None, detail: str) -> Mismatch:
        self.results.mkdir(parents=True, exist_ok=True)
        actual = self.results / f"{name}-actual.png"
        actual.write_bytes(png)
        exp_copy = None
        if expected is not None:
            exp_copy = self.results / f"{name}-expected.png"
            if expected.resolve() != exp_copy.resolve():
                shutil.copyfile(expected, exp_copy)
        diff = self.results / f"{name}-diff.png"
        m = Mismatch(name, detail, exp_copy, actual, diff if diff.exists() else None)
        self.mismatches.append(m)
        self.write_report()
        return m

    def write_report(self) -> Path:
        """playwright-report/index.html: one row per mismatch, expected | actual | diff."""
        data = self.report / "data"
        data.mkdir(parents=True, exist_ok=True)
        rows = []
        for m in self.mismatches:
            cells = []
            for label, path in (("expected", m.expected), ("actual", m.actual), ("diff", m.diff)):
                if path is None:
                    cells.append(f"<td><em>no {label}</em></td>")
                    continue
                shutil.copyfile(path, data / path.name)
                cells.append(f'<td><div>{label}</div><a href="data/{html.escape(path.name)}">'
                             f'<img src="data/{html.escape(path.name)}" alt="{label}"></a></td>')
            rows.append(f"<tr><th colspan=3>{html.escape(m.name)}: {html.escape(m.detail)}</th></tr>"
                        f"<tr>{''.join(cells)}</tr>")
        page = ("<!doctype html><meta charset=utf-8><title>visual regression report</title><style>"
                "body{font-family:sans-serif;margin:24px}img{max-width:100%;border:1px solid #ccc}"
                "td{vertical-align:top;width:33%;padding:6px}th{text-align:left;padding-top:18px}</style>"
                f"<h1>Visual regression: {len(self.mismatches)} mismatch(es) of {len(self.checked)} checks</h1>"
                f"<table>{''.join(rows)}</table>")
        path = self.report / "index.html"
        path.write_text(page, encoding="utf-8")
        return path
