"""PLAYWRIGHT_BASE_URL mode: masked comparison and numeric differences against the §4 thresholds.

Against a deployment: PLAYWRIGHT_BASE_URL, PLAYWRIGHT_USER_TOKEN (whose days are compared),
PLAYWRIGHT_ADMIN_TOKEN (for ?view=), PLAYWRIGHT_DAYS (comma-separated, default today in Tokyo).
Without PLAYWRIGHT_BASE_URL that test is skipped and the same comparison runs against a local app whose
v2 records differ from legacy the way real ones do."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from meallog.app import create_app
from meallog.store.db import session_scope
from meallog.users import add_user
from tests.serving import serve
from tests.visual.conftest import make_services
from tests.visual.deployment import compare_day, describe, write_report
from tests.visual.fixture_days import Meal, add_meal, golden
from tests.visual.snapshots import BASELINES, Snapshots

pytestmark = pytest.mark.xdist_group("visual")
BASE_URL = os.environ.get("PLAYWRIGHT_BASE_URL", "")


@pytest.mark.skipif(not BASE_URL, reason="PLAYWRIGHT_BASE_URL is not set: no deployment to compare")
def test_deployment_days(context_for: Callable[..., Any], snapshots: Snapshots) -> None:
    ctx = context_for(token=os.environ["PLAYWRIGHT_USER_TOKEN"], admin=True,
                      admin_token=os.environ["PLAYWRIGHT_ADMIN_TOKEN"])
    days = os.environ.get("PLAYWRIGHT_DAYS") or datetime.now(ZoneInfo("Asia/Tokyo")).date().isoformat()
    reports = [compare_day(ctx, BASE_URL, day.strip(), snapshots) for day in days.split(",")]
    path = write_report(reports, snapshots.results)
    text = "\n".join(describe(r) for r in reports)
    print(text)
    assert not any(r.masked or r.only_in_one or r.breaches for r in reports), f"{text}\n(see {path})"


def test_masked_comparison_lists_numeric_differences(tmp_path: Path, sqlite_template: Path,
                                                     context_for: Callable[..., Any]) -> None:
    services = make_services(tmp_path / "dep.sqlite3", sqlite_template)
    day = datetime(2026, 11, 20).date()
    with session_scope(services.sessions) as s:
        user, token = add_user(s, name="kenji", now=services.clock.now(), locale="ja")
        add_meal(s, user, day, Meal("ja_breakfast", "breakfast", "07:30"))  # same numbers in both
        legacy, record = golden("ja_beer_alcohol")
        record["items"][0]["kcal"] += 120.0  # v2 says 120 kcal more for the beer: a breach (> 80 kcal)
        record["totals"]["kcal"] += 120.0
        record["items"][1]["protein_g"] += 2.0  # and 2 g more protein in the edamame: listed, no breach
        record["totals"]["protein_g"] += 2.0
        add_meal(s, user, day, Meal("ja_beer_alcohol", "dinner", "19:40"), legacy=legacy, record=record)
    snaps = Snapshots(baselines=BASELINES, results=tmp_path / "test-results", report=tmp_path / "report")
    with serve(create_app(services=services)) as url:
        ctx = context_for(token=token, admin=True)
        report = compare_day(ctx, url, day.isoformat(), snaps)
    services.engine.dispose()
    assert report.masked is None, report.masked  # numbers blanked and masked: the same picture
    assert report.only_in_one == []
    by_key = {d.key: d for d in report.differences}
    beer, meal, total = by_key["meal:2:0:kcal"], by_key["meal:2:kcal"], by_key["total:kcal"]
    assert (beer.legacy, beer.adapter, beer.abs, beer.breach) == (302.0, 422.0, 120.0, True)
    assert meal.breach and total.breach and total.abs == 120.0
    protein = by_key["meal:2:1:protein_g"]
    assert (protein.abs, protein.breach) == (2.0, False)
    assert not any(k.startswith("meal:1:") for k in by_key)  # the unchanged meal lists nothing
    assert write_report([report], snaps.results).exists() and "BREACH" in describe(report)
