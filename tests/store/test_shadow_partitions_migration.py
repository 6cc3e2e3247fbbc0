"""Revision 0004 converts the shadow tables that already hold rows: same rows after, partitioned on PG."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, insert, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from meallog.store.db import Base, is_postgres, make_engine, session_scope
from meallog.store.migrate import alembic_config, downgrade, upgrade
from meallog.store.models import DIFF_UNIQUE, SHADOW_UNIQUE, Diff
from tests import pg
from tests.ops.conftest import diff_row, shadow_row

MONTHS = [datetime(2026, 3, 9, tzinfo=UTC), datetime(2026, 4, 30, 23, 59, tzinfo=UTC),
          datetime(2026, 11, 1, tzinfo=UTC), datetime(2033, 1, 1, tzinfo=UTC)]


def _before_0004(url: str) -> str:
    rev = ScriptDirectory.from_config(alembic_config(url)).get_revision("0004")
    assert rev is not None and isinstance(rev.down_revision, str)
    return rev.down_revision


def insert_ignore(s: Session, name: str, values: dict[str, Any], conflict: tuple[str, ...]) -> bool:
    """ON CONFLICT (the model's unique key) DO NOTHING; True when a row came back from RETURNING."""
    ins = pg_insert if is_postgres(s) else sqlite_insert
    table = Base.metadata.tables[name]
    stmt = ins(table).values(**values).on_conflict_do_nothing(index_elements=list(conflict)).returning(table.c.id)
    return s.execute(stmt).first() is not None


def _rows(engine: Engine, name: str) -> list[tuple[object, ...]]:
    table = Base.metadata.tables[name]
    with session_scope(engine) as s:
        return [tuple(r) for r in s.execute(select(table).order_by(table.c.id))]


def test_0004_keeps_every_row_and_dedup_still_holds(blank_url: str) -> None:
    engine = make_engine(blank_url)
    try:
        upgrade(engine, _before_0004(blank_url))
        with engine.begin() as conn:
            for i in range(1, 121):
                at = MONTHS[i % len(MONTHS)]
                conn.execute(insert(Base.metadata.tables["meal_logs_v2_shadow"]), [shadow_row(i, at)])
                conn.execute(insert(Base.metadata.tables["diffs"]), [diff_row(i, at)])
        before = {n: _rows(engine, n) for n in ("meal_logs_v2_shadow", "diffs")}
        upgrade(engine, "0004")
        assert {n: _rows(engine, n) for n in before} == before
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                kinds = dict(conn.execute(text("SELECT relname, relkind FROM pg_class WHERE relname IN "
                                               "('meal_logs_v2_shadow', 'diffs')")).all())
                parts = set(conn.execute(text(
                    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                    "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'diffs'")).scalars())
                where = dict(conn.execute(text("SELECT id, tableoid::regclass::text FROM diffs")).all())
            assert kinds == {"meal_logs_v2_shadow": "p", "diffs": "p"}
            assert {"diffs_p2026_03", "diffs_p2026_04", "diffs_p2026_11", "diffs_p2033_01", "diffs_default"} <= parts
            assert "diffs_p2026_05" not in parts and "diffs_p2032_12" not in parts  # no empty month between
            assert where[4] == "diffs_p2026_03" and where[1] == "diffs_p2026_04"
        # exactly-once on the new keys; new rows continue the id sequence
        with session_scope(engine) as s:
            assert not insert_ignore(s, "meal_logs_v2_shadow", shadow_row(1, MONTHS[1]), SHADOW_UNIQUE)
            assert not insert_ignore(s, "diffs", diff_row(1, MONTHS[1]), DIFF_UNIQUE)
            assert insert_ignore(s, "diffs", diff_row(500, MONTHS[2]), DIFF_UNIQUE)
            assert max(s.scalars(select(Diff.id))) > 120  # PG spends a sequence value on the conflict
        downgrade(engine, _before_0004(blank_url))
        assert _rows(engine, "meal_logs_v2_shadow") == before["meal_logs_v2_shadow"]
        upgrade(engine)
        assert len(_rows(engine, "diffs")) == 121
    finally:
        engine.dispose()


JST_EDGE = datetime(2026, 10, 31, 15, 30, tzinfo=UTC)  # = 2026-11-01 00:30 JST: November's


@pytest.mark.pg
def test_0005_rebounds_utc_months_to_jst_months_with_their_rows(pg_admin_url: str) -> None:
    with pg.fresh_database(pg_admin_url) as url:
        engine = make_engine(url)
        try:
            upgrade(engine, "0004")
            ats = [datetime(2026, 10, 31, 14, 59, tzinfo=UTC), JST_EDGE, datetime(2026, 10, 15, tzinfo=UTC),
                   datetime(2026, 9, 30, 15, 0, tzinfo=UTC), datetime(2040, 1, 1, tzinfo=UTC)]
            with engine.begin() as conn:
                conn.execute(text("CREATE TABLE IF NOT EXISTS diffs_p2026_09 PARTITION OF diffs "
                                  "FOR VALUES FROM ('2026-09-01 00:00+00') TO ('2026-10-01 00:00+00')"))
                conn.execute(text("CREATE TABLE IF NOT EXISTS diffs_p2026_10 PARTITION OF diffs "
                                  "FOR VALUES FROM ('2026-10-01 00:00+00') TO ('2026-11-01 00:00+00')"))
                conn.execute(text("CREATE TABLE IF NOT EXISTS diffs_p2026_12 PARTITION OF diffs "
                                  "FOR VALUES FROM ('2026-12-01 00:00+00') TO ('2027-01-01 00:00+00')"))
                for i, at in enumerate(ats, start=1):
                    conn.execute(insert(Base.metadata.tables["diffs"]), [diff_row(i, at)])
                    conn.execute(insert(Base.metadata.tables["meal_logs_v2_shadow"]), [shadow_row(i, at)])
                where = dict(conn.execute(text("SELECT id, tableoid::regclass::text FROM diffs")).all())
            assert where[2] == "diffs_p2026_10"  # 0004's UTC month
            before = {n: _rows(engine, n) for n in ("meal_logs_v2_shadow", "diffs")}
            upgrade(engine)
            assert {n: _rows(engine, n) for n in before} == before
            with engine.connect() as conn:
                where = dict(conn.execute(text("SELECT id, tableoid::regclass::text FROM diffs")).all())
                bound = conn.execute(text("SELECT pg_get_expr(relpartbound, oid) FROM pg_class "
                                          "WHERE relname = 'diffs_p2026_11'")).scalar_one()
            assert where == {1: "diffs_p2026_10", 2: "diffs_p2026_11", 3: "diffs_p2026_10", 4: "diffs_p2026_10",
                             5: "diffs_default"}
            assert "2026-10-31 15:00:00+00" in bound and "2026-11-30 15:00:00+00" in bound
            with engine.begin() as conn:  # new rows follow the JST bounds too
                conn.execute(insert(Base.metadata.tables["diffs"]),
                             [diff_row(9, datetime(2026, 11, 30, 15, 0, tzinfo=UTC))])
                assert conn.execute(text("SELECT tableoid::regclass::text FROM diffs WHERE log_id = 9")).scalar_one() \
                    == "diffs_p2026_12"
            downgrade(engine, "0004")
            with engine.connect() as conn:
                assert conn.execute(text("SELECT tableoid::regclass::text FROM diffs WHERE log_id = 2")).scalar_one() \
                    == "diffs_p2026_10"
        finally:
            engine.dispose()
