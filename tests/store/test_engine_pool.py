"""The PostgreSQL connection pool of a process follows MEALLOG_DB_POOL_SIZE and MEALLOG_DB_MAX_OVERFLOW."""

from __future__ import annotations

import pytest
from sqlalchemy import QueuePool

from meallog.app import build_services
from meallog.cli.common import open_services
from meallog.settings import Settings


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
