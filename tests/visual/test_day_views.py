"""Runbook §8 visual regression: each fixture day rendered from the legacy records and from
adapter(v2 records) is the same picture, and equals its committed baseline (tests/visual/baselines)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.visual.conftest import DESKTOP, PHONE, shot
from tests.visual.fixture_days import DAYS, USERS
from tests.visual.snapshots import Mismatch, Snapshots

pytestmark = pytest.mark.xdist_group("visual")

CASES = [("ja", "desktop"), ("ja", "phone"), ("en", "desktop"), ("en", "phone"), ("empty", "desktop"),
         ("unknown", "desktop"), ("estimated", "desktop"), ("set", "desktop"), ("long", "desktop"),
         ("long", "phone")]
LOCALES = {"ja": "ja-JP", "en": "en-GB"}


def explain(problems: list[Mismatch]) -> str:
    return "\n".join(f"{m.name}: {m.detail}; diff image {m.diff}" for m in problems)


@pytest.mark.parametrize(("name", "width"), CASES, ids=[f"{n}-{w}" for n, w in CASES])
def test_legacy_and_adapter_render_the_baseline(visual_site: dict[str, Any], context_for: Callable[..., Any],
                                                snapshots: Snapshots, name: str, width: str) -> None:
    day = DAYS[name]
    ctx = context_for(token=visual_site["tokens"][day.user], admin=True,
                      viewport=PHONE if width == "phone" else DESKTOP, locale=LOCALES[USERS[day.user]])
    url = f"{visual_site['url']}/day/{day.day.isoformat()}?view="
    legacy, adapter = shot(ctx, url + "legacy"), shot(ctx, url + "adapter")
    key = f"day-{name}-{width}"
    problems = [m for m in (snapshots.same(f"{key}-legacy-vs-adapter", legacy, adapter, left_label="legacy",
                                           right_label="adapter"),
                            snapshots.check(key, legacy)) if m is not None]
    assert not problems, explain(problems)


def test_the_normal_read_renders_the_same_page(visual_site: dict[str, Any], context_for: Callable[..., Any],
                                               snapshots: Snapshots) -> None:
    """Without ?view= the page reads through services.logs (legacy in this phase's share): same picture."""
    day = DAYS["ja"]
    ctx = context_for(token=visual_site["tokens"][day.user], admin=True, locale="ja-JP")
    normal = shot(ctx, f"{visual_site['url']}/day/{day.day.isoformat()}")
    m = snapshots.check("day-ja-desktop", normal)
    assert m is None, explain([m])


def test_ops_page_matches_its_baseline(visual_site: dict[str, Any], context_for: Callable[..., Any],
                                       snapshots: Snapshots) -> None:
    ctx = context_for(admin=True, locale="en-GB")
    m = snapshots.check("ops-desktop", shot(ctx, f"{visual_site['url']}/ops"))
    assert m is None, explain([m])
