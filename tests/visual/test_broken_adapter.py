"""The visual test can fail: an adapter that gets one number wrong renders a page that differs from
the legacy render and from the baseline, and leaves a diff image and the HTML report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image

from meallog.app import create_app
from tests.golden.broken import adapt_one_number_off
from tests.serving import serve
from tests.visual.conftest import shot
from tests.visual.fixture_days import DAYS
from tests.visual.snapshots import BASELINES, Snapshots

# No xdist group: nothing here writes the shared artifacts folder, so it may run beside the baseline tests.


def test_a_broken_adapter_fails_with_a_diff_image(visual_site: dict[str, Any], context_for: Callable[..., Any],
                                                  tmp_path: Path) -> None:
    app = create_app(services=visual_site["services"])
    app.state.web.adapter = adapt_one_number_off
    snaps = Snapshots(baselines=BASELINES, results=tmp_path / "test-results", report=tmp_path / "playwright-report")
    day = DAYS["ja"]
    ctx = context_for(token=visual_site["tokens"][day.user], admin=True, locale="ja-JP")
    with serve(app) as url:
        legacy = shot(ctx, f"{url}/day/{day.day.isoformat()}?view=legacy")
        broken = shot(ctx, f"{url}/day/{day.day.isoformat()}?view=adapter")

    assert snaps.check("day-ja-desktop", legacy) is None  # the legacy read is untouched
    pair = snaps.same("day-ja-desktop-legacy-vs-adapter", legacy, broken, left_label="legacy", right_label="adapter")
    baseline = snaps.check("day-ja-desktop", broken)
    assert pair is not None and baseline is not None
    assert "pixels differ between legacy (expected) and adapter (actual)" in pair.detail
    for m in (pair, baseline):
        assert m.diff is not None and m.diff.name.endswith("-diff.png") and m.diff.parent.name == "test-results"
        assert m.expected is not None and m.expected.exists() and m.actual.exists()
        with Image.open(m.diff) as diff:  # pixelmatch paints changed pixels red
            red = sum(1 for r, g, b, *_ in diff.convert("RGBA").get_flattened_data() if r > 200 and g < 80 and b < 80)
        assert red > 0
    report = (tmp_path / "playwright-report" / "index.html").read_text(encoding="utf-8")
    assert "2 mismatch(es)" in report and "day-ja-desktop-legacy-vs-adapter" in report
    assert (tmp_path / "playwright-report" / "data" / "day-ja-desktop-diff.png").exists()
