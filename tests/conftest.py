"""Shared fixtures: every database test runs on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine, text

from meallog.clock import FrozenClock
from meallog.settings import Settings
from meallog.store.db import Base, make_engine, make_sessionmaker, session_scope
from meallog.store.migrate import upgrade
from tests import pg

# Property tests run beside PostgreSQL and subprocess tests on 2 cores: judge them, not their speed.
hypothesis_settings.register_profile("meallog", deadline=None, print_blob=True)
hypothesis_settings.load_profile("meallog")

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
BACKENDS = ["sqlite", pytest.param("pg", marks=pytest.mark.pg)]


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    with pg.server_url() as url:
        if url is None:
            if IN_CI:
                pytest.fail("CI=true but no PostgreSQL could be found or started: PostgreSQL tests must run in CI")
            pytest.skip("no PostgreSQL server available (set MEALLOG_TEST_PG_URL)")
        yield url


@pytest.fixture(scope="session")
def pg_database_url(pg_admin_url: str) -> Iterator[str]:
    with pg.fresh_database(pg_admin_url) as url:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # closing the last connection checkpoints the WAL into the file
    return path


def _truncate_all(url: str) -> None:
    engine = make_engine(url)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    if request.param == "sqlite":
        target = tmp_path / "meallog.sqlite3"
        shutil.copyfile(sqlite_template, target)
        return f"sqlite:///{target}"
    url: str = request.getfixturevalue("pg_database_url")
    _truncate_all(url)
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 11, 20, 3, 0, tzinfo=UTC))  # 12:00 in Tokyo


@pytest.fixture
def make_settings(db_url: str) -> Callable[..., Settings]:
    def _make(**overrides: Any) -> Settings:
        base: dict[str, Any] = {"database_url": db_url, "admin_token": "admin-secret", "run_worker": False,
                                "run_scheduler": False}
        base.update(overrides)
        return Settings.model_validate(base)

    return _make


@pytest.fixture
def add_user(engine: Engine, clock: FrozenClock) -> Callable[..., str]:
    from meallog.users import add_user as _add

    def _make(name: str = "alice", **kw: Any) -> str:
        with session_scope(make_sessionmaker(engine)) as s:
            _, token = _add(s, name=name, now=clock.now(), **kw)
        return token

    return _make


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """`logging_setup.configure()` (serve, log tests) changes process-wide logging: undo it after each test."""
    import logging

    import structlog

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:], root.level = handlers, level
    structlog.reset_defaults()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-snapshots", action="store_true", default=False,
                     help="rewrite the visual regression baselines in tests/visual/baselines (or UPDATE_SNAPSHOTS=1)")
