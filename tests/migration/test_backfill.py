"""v2 backfill (resumable, batched) and reconcile (find and --fix), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from meallog.clock import FrozenClock
from meallog.migration.backfill import CURSOR, BackfillProgress, backfill, read_cursor, reconcile
from meallog.migration.phases import Phase
from meallog.nutrition.normalize_v2 import V2Options
from meallog.nutrition.types import ProviderItem
from meallog.store.db import make_sessionmaker, session_scope
from meallog.store.models import BackfillCursor, LogKey, MealLog, MealLogV2
from tests.migration.helpers import RICE_ITEM, edit_legacy_behind_v2, seed_legacy_log

PV = "v2.0.0"
OPTIONS = V2Options(never_zero_mode="safe", atwater_simple_scale=False, set_proposal_ui=True)
MEALS = [
    (
        "ご飯 1杯",
        RICE_ITEM,
    ),
    (
        "卵 2個",
        ProviderItem(
            name="卵",
            food_id="egg_raw",
            quantity=2,
            unit="個",
            grams=100,
            kcal=142,
            protein_g=12.2,
            fat_g=10.2,
            carbs_g=0.4,
        ),
    ),
    ("味噌汁", ProviderItem(name="味噌汁", food_id="miso_soup", quantity=1, unit="杯", kcal=None)),
]




def seed_logs(engine: Engine, clock: FrozenClock, n: int) -> list[int]:
    """n legacy logs (P0-era: no v2 record) with real legacy totals from their provider result."""
    with session_scope(make_sessionmaker(engine)) as s:
        return [seed_legacy_log(s, clock=clock, items=(MEALS[i % len(MEALS)][1],), text=MEALS[i % len(MEALS)][0])
                for i in range(n)]


def count_v2(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.scalar(select(func.count()).select_from(MealLogV2)) or 0)


class Stop(Exception):
    pass


def run(engine: Engine, clock: FrozenClock, **kw: Any) -> Any:
    return backfill(
        make_sessionmaker(engine),
        pipeline_version=PV,
        options_from_flags=lambda s: OPTIONS,
        now=clock.now,
        **kw,
    )


def test_backfill_is_resumable_and_idempotent(engine: Engine, clock: FrozenClock) -> None:
    ids = seed_logs(engine, clock, 7)
    seen: list[BackfillProgress] = []

    def stop_after_first(p: BackfillProgress) -> None:
        seen.append(p)
        raise Stop

    with pytest.raises(Stop):
        run(engine, clock, batch=3, progress=stop_after_first)
    assert seen[0].scanned == 3 and seen[0].created == 3 and seen[0].remaining == 4
    with Session(engine) as s:
        assert read_cursor(s) == ids[2]
    assert count_v2(engine) == 3

    report = run(engine, clock, batch=3)
    assert (report.start_cursor, report.cursor) == (ids[2], ids[-1])
    assert report.created == 4 and report.scanned == 4 and report.batches == 2
    assert count_v2(engine) == 7
    with Session(engine) as s:
        rows = list(s.scalars(select(MealLogV2).order_by(MealLogV2.log_id)))
    assert [r.log_id for r in rows] == ids
    assert all(r.log_version == 1 and r.pipeline_version == PV and r.written_phase == "P1" for r in rows)

    again = run(engine, clock, batch=3)
    assert (again.scanned, again.created, again.refreshed, again.batches) == (0, 0, 0, 0)
    assert count_v2(engine) == 7


def test_backfill_refreshes_stale_records_and_copies_deletion(engine: Engine, clock: FrozenClock) -> None:
    ids = seed_logs(engine, clock, 4)
    run(engine, clock, batch=10)
    clock.advance(timedelta(minutes=5))
    with session_scope(make_sessionmaker(engine)) as s:
        edit_legacy_behind_v2(s, ids[1], deleted_at=clock.now(), updated_at=clock.now())
    new = seed_logs(engine, clock, 1)
    report = run(engine, clock, batch=10)
    assert (report.scanned, report.created) == (1, 1)  # only past the cursor
    report = run(engine, clock, batch=2, restart=True)
    assert (report.scanned, report.created, report.refreshed, report.skipped) == (5, 0, 1, 4)
    with Session(engine) as s:
        row = s.get_one(MealLogV2, (ids[1], PV))
        assert row.log_version == 2 and row.deleted_at == clock.now()
        assert s.get_one(BackfillCursor, CURSOR).last_id == new[0]


def test_reconcile_finds_and_fixes(engine: Engine, clock: FrozenClock) -> None:
    ids = seed_logs(engine, clock, 7)
    run(engine, clock, batch=10)
    with session_scope(make_sessionmaker(engine)) as s:
        s.delete(s.get_one(MealLogV2, (ids[0], PV)))  # missing
        edit_legacy_behind_v2(s, ids[1], text="ご飯 2杯")  # v2 stale: an edit made in P0
        s.get_one(MealLog, ids[2]).deleted_at = clock.now()  # deletion disagrees at the same version
        row = s.get_one(MealLogV2, (ids[3], PV))
        row.record = {**row.record, "stale_field": "from an older pipeline"}  # stale pipeline
        ahead = s.get_one(MealLogV2, (ids[4], PV))  # a P3 edit: the v2 record holds the current version
        ahead.log_version = s.get_one(LogKey, ids[4]).version = 2
        s.get_one(MealLogV2, (ids[5], PV)).log_version = 5  # newer than the log itself: escaped the fence

    with session_scope(make_sessionmaker(engine)) as s:
        in_p3 = reconcile(s, pipeline_version=PV, options=OPTIONS, fix=False, now=clock.now(), phase=Phase.P3)
        report = reconcile(s, pipeline_version=PV, options=OPTIONS, fix=False, now=clock.now(), phase=Phase.P1)
    assert in_p3.pending_back_write == 1 and (ids[4], "stale") not in {(i.log_id, i.kind) for i in in_p3.issues}
    assert report.checked == 7 and report.pending_back_write == 0
    assert {(i.log_id, i.store, i.kind) for i in report.issues} == {
        (ids[0], "v2", "missing"),
        (ids[1], "v2", "stale"),
        (ids[2], "v2", "deleted_mismatch"),
        (ids[3], "v2", "stale_pipeline"),
        (ids[4], "legacy", "stale"),
        (ids[5], "v2", "ahead"),
    }
    assert report.fixed == 0
    assert count_v2(engine) == 6  # nothing written without fix

    with session_scope(make_sessionmaker(engine)) as s:
        fixed = reconcile(s, pipeline_version=PV, options=OPTIONS, fix=True, now=clock.now(), chunk=2)
    assert fixed.fixed == 5 and fixed.unfixed == 1 and fixed.to_json()["counts"]["missing"] == 1
    with session_scope(make_sessionmaker(engine)) as s:
        after = reconcile(s, pipeline_version=PV, options=OPTIONS, fix=False, now=clock.now())
        assert [(i.log_id, i.kind) for i in after.issues] == [(ids[5], "ahead")]  # reported, never "repaired"
        assert s.get_one(MealLogV2, (ids[2], PV)).deleted_at == clock.now()
        assert "stale_field" not in s.get_one(MealLogV2, (ids[3], PV)).record
        assert s.get_one(MealLogV2, (ids[1], PV)).text == "ご飯 2杯"
        assert s.get_one(MealLog, ids[4]).version == 2 and s.get_one(MealLog, ids[4]).origin == "v2_backwrite"


# ---- CLI -----------------------------------------------------------------------------------------
@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    import typer
    from typer.testing import CliRunner

    from meallog.cli.migration_ops import register

    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("SHADOW_PIPELINE_VERSION", PV)
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def test_cli_backfill_and_reconcile(cli: Callable[..., Any], engine: Engine, clock: FrozenClock) -> None:
    ids = seed_logs(engine, clock, 5)
    r = cli("reconcile", "--json")
    assert r.exit_code == 1, r.output  # problems found and not fixed
    assert json.loads(r.output)["counts"]["missing"] == 5
    r = cli("backfill", "--batch", "2")
    assert r.exit_code == 0, r.output
    assert "created 5" in r.output and f"cursor 0 -> {ids[-1]}" in r.output
    r = cli("backfill")
    assert "scanned 0" in r.output
    with session_scope(make_sessionmaker(engine)) as s:
        s.get_one(MealLog, ids[0]).deleted_at = clock.now()  # disagrees with v2 at the same version
    r = cli("reconcile")
    assert r.exit_code == 1 and "deleted_mismatch 1" in r.output
    r = cli("reconcile", "--fix")
    assert r.exit_code == 0 and "fixed 1" in r.output
    assert cli("reconcile").exit_code == 0
