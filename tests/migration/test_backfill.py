"""v2 backfill (resumable, batched) and reconcile (find and --fix), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from meallog.clock import FrozenClock
from meallog.migration.backfill import CURSOR, BackfillProgress, backfill, read_cursor, reconcile
from meallog.migration.phases import Phase
from meallog.migration.records import put_v2, state_of_legacy
from meallog.migration.shadow import compute_v2
from meallog.nutrition.normalize_v2 import V2Options
from meallog.nutrition.types import ProviderItem
from meallog.store.db import make_engine, make_sessionmaker, session_scope
from meallog.store.migrate import upgrade
from meallog.store.models import BackfillCursor, LogKey, MealLog, MealLogV2
from tests import pg
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


# ---- SIGKILL mid-page ----------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.pg
def test_backfill_killed_mid_page_resumes_without_duplicates_or_gaps(pg_admin_url: str, clock: FrozenClock,
                                                                     tmp_path: Path) -> None:
    """`meallog backfill` SIGKILLed while a page is being written keeps every committed page, and a
    rerun starts at the cursor, writes each remaining log once, and leaves every log with one record
    at its current version. The kill lands mid-page without timing: the test holds the row lock of
    one stale v2 record in page 5, so that page's upsert waits on it until the process is killed."""
    with pg.fresh_database(pg_admin_url) as url:
        engine = make_engine(url)
        try:
            upgrade(engine)
            ids = seed_logs(engine, clock, 300)
            blocker = ids[230]  # page 5 of 50 logs: ids[200:250]
            with session_scope(make_sessionmaker(engine)) as s:
                state = state_of_legacy(s.get_one(MealLog, blocker))
                put_v2(s, state, compute_v2(state.parsed(), options=OPTIONS, pipeline_version=PV), pipeline_version=PV,
                       phase="P1")
                edit_legacy_behind_v2(s, blocker, text="ご飯 2杯")  # its record is now stale: page 5 rewrites it
            with engine.connect() as holder:
                holder.execute(select(MealLogV2.log_id).where(MealLogV2.log_id == blocker).with_for_update())
                env = {**os.environ, "DATABASE_URL": url, "SHADOW_PIPELINE_VERSION": PV}
                with open(tmp_path / "backfill.log", "wb") as log_file:
                    proc = subprocess.Popen([sys.executable, "-m", "meallog.cli.main", "backfill", "--batch", "50"],
                                            env=env, stdout=subprocess.DEVNULL, stderr=log_file)
                try:
                    deadline = time.monotonic() + 120
                    while not (cursor_of(engine) == ids[199] and lock_waits(engine) > 0):
                        assert proc.poll() is None, (tmp_path / "backfill.log").read_text()[-2000:]
                        assert time.monotonic() < deadline, "the backfill never reached page 5"
                        time.sleep(0.05)
                    proc.send_signal(signal.SIGKILL)
                    proc.wait(timeout=30)
                finally:
                    if proc.poll() is None:
                        proc.kill()
                        proc.wait(timeout=30)
                holder.rollback()
            assert cursor_of(engine) == ids[199]  # pages 1-4 committed, page 5 lost whole
            assert count_v2(engine) == 201  # their 200 records and the stale one, untouched

            report = run(engine, clock, batch=50)
            assert (report.start_cursor, report.cursor) == (ids[199], ids[-1])
            assert (report.scanned, report.created, report.refreshed, report.skipped) == (100, 99, 1, 0)
            with Session(engine) as s:
                rows = s.execute(select(MealLogV2.log_id, MealLogV2.log_version, LogKey.version)
                                 .join(LogKey, LogKey.id == MealLogV2.log_id).order_by(MealLogV2.log_id)).all()
            assert [r.log_id for r in rows] == ids  # one record per log: no gap, no duplicate
            assert all(r.log_version == r.version for r in rows)
        finally:
            engine.dispose()


def cursor_of(engine: Engine) -> int:
    with Session(engine) as s:
        return read_cursor(s)


def lock_waits(engine: Engine) -> int:
    """Backends of this database waiting for a lock (the backfill's upsert on the held row)."""
    with engine.connect() as conn:
        return int(conn.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                    "AND datname = current_database()")) or 0)
