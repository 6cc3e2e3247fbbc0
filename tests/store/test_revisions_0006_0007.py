"""Revisions 0006 (the live outbox index) and 0007 (the fence function) on databases that hold rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from meallog.migration.outbox import claim_batch, stats
from meallog.store.db import is_postgres, make_engine, session_scope
from meallog.store.migrate import downgrade, upgrade


def _index_sql(conn: object, url: str) -> str | None:
    q = ("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_outbox_live'" if url.startswith("postgresql")
         else "SELECT sql FROM sqlite_master WHERE name = 'ix_outbox_live'")
    return conn.execute(text(q)).scalar()  # type: ignore[attr-defined, no-any-return]


def test_0006_indexes_the_jobs_not_done_and_the_queue_reads_the_same(blank_url: str) -> None:
    engine = make_engine(blank_url)
    now = datetime(2026, 12, 2, 4, 0, tzinfo=UTC)
    try:
        upgrade(engine, "0005")
        with engine.begin() as conn:
            for state, n in (("done", 30), ("pending", 5), ("dead", 2), ("running", 1)):
                for i in range(n):
                    conn.execute(text(
                        "INSERT INTO outbox (kind, log_id, log_version, payload, state, attempts, "
                        "next_attempt_at, locked_until, created_at, updated_at) "
                        "VALUES ('shadow', :i, 1, '{}', :state, 0, :t, :t, :t, :t)"),
                        {"i": i, "state": state, "t": now})
            assert _index_sql(conn, blank_url) is None
        upgrade(engine)
        with engine.begin() as conn:
            sql = _index_sql(conn, blank_url)
            assert sql is not None and "pending" in sql and "done" not in sql, sql
            if is_postgres(conn):  # type: ignore[arg-type]
                assert conn.execute(text("SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                                         "WHERE c.relname = 'ix_outbox_live'")).scalar() is True
        with session_scope(engine) as s:
            st = stats(s)
            assert (st.pending, st.running, st.dead) == (5, 1, 2)
            jobs = claim_batch(s, worker_id="w", now=now + timedelta(seconds=1), batch=100, lease_s=60)
            assert len(jobs) == 5 + 1  # pending, and running whose lease has run out; never done or dead
        upgrade(engine)  # again: nothing to do
        downgrade(engine, "0005")
        with engine.begin() as conn:
            assert _index_sql(conn, blank_url) is None
    finally:
        engine.dispose()


@pytest.mark.pg
def test_0007_adds_the_fence_function_and_takes_it_away(pg_admin_url: str) -> None:
    from tests import pg

    with pg.fresh_database(pg_admin_url) as url:
        engine = make_engine(url)
        try:
            upgrade(engine)
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO migration_state (id, epoch, phase, updated_at) "
                                  "VALUES (1, 7, 'P2', now())"))
                assert conn.execute(text("SELECT * FROM meallog_fence_shared(1)")).one() == (7, "P2")
                assert conn.execute(text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND "
                                         "mode = 'ShareLock' AND pid = pg_backend_pid()")).scalar_one() == 1
            downgrade(engine, "0006")
            with engine.begin() as conn:
                assert conn.execute(text("SELECT count(*) FROM pg_proc WHERE proname = 'meallog_fence_shared'")
                                    ).scalar_one() == 0
        finally:
            engine.dispose()
