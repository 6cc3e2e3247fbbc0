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
from meallog.nutrition.normalize_v2 import V2Options
from meallog.nutrition.types import ProviderItem
from meallog.store.db import make_sessionmaker, session_scope
from meallog.store.models import BackfillCursor, MealLog, MealLogV2
from tests.migration.helpers import RICE_ITEM, seed_legacy_log

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
        log = s.get_one(MealLog, ids[1])
        log.deleted_at, log.version, log.updated_at = clock.now(), 2, clock.now()
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
    ids = seed_logs(engine, clock, 6)
    run(engine, clock, batch=10)
    with session_scope(make_sessionmaker(engine)) as s:
        s.delete(s.get_one(MealLogV2, (ids[0], PV)))  # missing
        s.get_one(MealLog, ids[1]).version = 2  # stale version
        s.get_one(MealLog, ids[2]).deleted_at = clock.now()  # deletion disagrees at the same version
        row = s.get_one(MealLogV2, (ids[3], PV))
        row.record = {**row.record, "stale_field": "from an older pipeline"}  # stale pipeline
        ahead = s.get_one(MealLogV2, (ids[4], PV))
        ahead.log_version = 3  # written in P3 after legacy: not a problem to repair

    with session_scope(make_sessionmaker(engine)) as s:
        report = reconcile(s, pipeline_version=PV, options=OPTIONS, fix=False, now=clock.now())
    assert report.checked == 6 and report.v2_ahead == 1
    assert {(i.log_id, i.kind) for i in report.issues} == {
        (ids[0], "missing"),
        (ids[1], "stale_version"),
        (ids[2], "deleted_mismatch"),
        (ids[3], "stale_pipeline"),
    }
    assert report.fixed == 0
    assert count_v2(engine) == 5  # nothing written without fix

    with session_scope(make_sessionmaker(engine)) as s:
        fixed = reconcile(s, pipeline_version=PV, options=OPTIONS, fix=True, now=clock.now(), chunk=2)
    assert fixed.fixed == 4 and fixed.to_json()["counts"]["missing"] == 1
    with session_scope(make_sessionmaker(engine)) as s:
        after = reconcile(s, pipeline_version=PV, options=OPTIONS, fix=False, now=clock.now())
        assert after.issues == [] and after.v2_ahead == 1
        assert s.get_one(MealLogV2, (ids[2], PV)).deleted_at == clock.now()
        assert "stale_field" not in s.get_one(MealLogV2, (ids[3], PV)).record


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
        s.get_one(MealLog, ids[0]).deleted_at = clock.now()
    r = cli("reconcile")
    assert r.exit_code == 1 and "deleted_mismatch 1" in r.output
    r = cli("reconcile", "--fix")
    assert r.exit_code == 0 and "fixed 1" in r.output
    assert cli("reconcile").exit_code == 0
