"""Revision 0004 copies the shadow tables while the service keeps writing to them: inserts, triage
updates and deletes that land during the batched copy are all in the partitioned tables after the
swap, each row exactly once (the copy's trigger records them; the swap copies them again)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from bench.ops_archive import seed_pg
from sqlalchemy import Engine, delete, insert, text, update

from meallog.store.db import Base, make_engine
from meallog.store.migrate import upgrade
from tests import pg
from tests.ops.conftest import diff_row, shadow_row
from tests.store.test_shadow_partitions_migration import _before_0004

SEEDED = 6_000
AT = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)


class Writer(threading.Thread):
    """Writes the way the shadow worker and triage do, one autocommit statement at a time, until told
    to stop; remembers what it did, and how much of it happened while the copy was running."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(daemon=True, name="writer")
        self.engine, self.stop = engine, threading.Event()
        self.inserted: list[int] = []
        self.updated: set[int] = set()
        self.deleted: set[int] = set()
        self.during_copy = 0
        self.errors: list[str] = []

    def run(self) -> None:
        diffs, shadow = Base.metadata.tables["diffs"], Base.metadata.tables["meal_logs_v2_shadow"]
        i = 0
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            while not self.stop.is_set():
                i += 1
                copying = conn.execute(text("SELECT to_regclass('diffs__delta') IS NOT NULL")).scalar_one()
                victim = 1 + (i * 7919) % SEEDED
                try:
                    conn.execute(insert(diffs), [diff_row(100_000 + i, AT)])
                    conn.execute(insert(shadow), [shadow_row(100_000 + i, AT)])
                    self.inserted.append(100_000 + i)
                    if i % 3 == 0 and victim not in self.deleted:
                        conn.execute(update(diffs).where(diffs.c.log_id == victim).values(triage="v2_bug"))
                        self.updated.add(victim)
                    elif i % 5 == 0:
                        conn.execute(delete(diffs).where(diffs.c.log_id == victim))
                        conn.execute(delete(shadow).where(shadow.c.log_id == victim))
                        self.deleted.add(victim)
                except Exception as exc:  # noqa: BLE001 - recorded and asserted on below
                    self.errors.append(repr(exc))
                    return
                self.during_copy += bool(copying)


@pytest.mark.pg
def test_writes_during_the_0004_copy_are_in_the_partitioned_tables_exactly_once(
        pg_admin_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEALLOG_0004_COPY_BATCH", "37")  # many small batches: the copy takes a while
    with pg.fresh_database(pg_admin_url) as url:
        engine = make_engine(url)
        try:
            upgrade(engine, _before_0004(url))
            seed_pg(url, SEEDED)
            writer = Writer(engine)
            writer.start()
            try:
                upgrade(engine, "0004")
            finally:
                writer.stop.set()
                writer.join(timeout=60)
            print(f"writes: {len(writer.inserted)} inserts ({writer.during_copy} while copying), "
                  f"{len(writer.updated)} updates, {len(writer.deleted)} deletes")
            assert writer.errors == []
            assert writer.during_copy >= 10, "the writer must have written while the copy ran"
            with engine.connect() as conn:
                assert conn.execute(text("SELECT relkind FROM pg_class WHERE relname = 'diffs'")).scalar_one() == "p"
                for table in ("diffs", "meal_logs_v2_shadow"):
                    counts = dict(conn.execute(text(f"SELECT log_id, count(*) FROM {table} GROUP BY log_id")).all())
                    expected = (set(range(1, SEEDED + 1)) - writer.deleted) | set(writer.inserted)
                    assert set(counts) == expected, (table, sorted(set(counts) ^ expected)[:10])
                    assert set(counts.values()) == {1}, table
                triaged = set(conn.execute(text("SELECT log_id FROM diffs WHERE triage = 'v2_bug'")).scalars())
            assert triaged == writer.updated - writer.deleted
        finally:
            engine.dispose()
