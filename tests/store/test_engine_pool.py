"""The PostgreSQL connection pool of a process follows MEALLOG_DB_POOL_SIZE and MEALLOG_DB_MAX_OVERFLOW."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import Engine, QueuePool, text

from meallog.app import build_services
from meallog.cli.common import open_services
from meallog.settings import Settings
from meallog.store.db import make_engine


@pytest.mark.pg
def test_the_pool_size_comes_from_the_settings(pg_database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEALLOG_DB_POOL_SIZE", "3")
    monkeypatch.setenv("MEALLOG_DB_MAX_OVERFLOW", "1")
    monkeypatch.setenv("DATABASE_URL", pg_database_url)
    settings = Settings().model_copy(update={"run_worker": False, "run_scheduler": False})
    for services in (build_services(settings), open_services()):  # serve's processes, and the CLI's worker
        pool = services.engine.pool
        try:
            assert isinstance(pool, QueuePool) and pool.size() == 3 and pool._max_overflow == 1
        finally:
            services.engine.dispose()


def test_the_defaults_are_ten_and_twenty() -> None:
    settings = Settings()
    assert (settings.db_pool_size, settings.db_max_overflow) == (10, 20)


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


@pytest.mark.pg
def test_a_connection_idle_past_the_threshold_whose_backend_died_is_replaced(pg_database_url: str) -> None:
    """The pool pings a connection that sat idle (a restart or failover may have closed it meanwhile)."""
    engine = make_engine(pg_database_url, pool_size=1, max_overflow=0, ping_idle_s=0.0)
    admin = make_engine(pg_database_url)
    try:
        pid = _backend_pid(engine)
        with admin.connect() as conn:
            assert conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar_one() is True
        time.sleep(0.2)
        assert _backend_pid(engine) != pid  # replaced at checkout, no error reached the caller
    finally:
        engine.dispose()
        admin.dispose()


@pytest.mark.pg
def test_a_connection_back_from_use_a_moment_ago_is_not_pinged(pg_database_url: str,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Under load every checkout would pay a round trip for the ping: only idle connections get one."""
    engine = make_engine(pg_database_url, pool_size=1, max_overflow=0, ping_idle_s=60.0)
    pings: list[object] = []
    real = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda c: pings.append(c) or real(c))
    try:
        for _ in range(5):
            _backend_pid(engine)
        assert pings == []
        engine.pool._pool.queue[0].info["idle_since"] -= 61  # type: ignore[attr-defined]  # sat idle past 60 s
        _backend_pid(engine)
        assert len(pings) == 1
    finally:
        engine.dispose()
