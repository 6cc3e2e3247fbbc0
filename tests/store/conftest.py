"""Fixtures of the schema tests: an empty database on each backend, for migrations to run on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import pg


@pytest.fixture(params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
def blank_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables yet (SQLite file, or a fresh PostgreSQL database dropped after)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'm.sqlite3'}"
        return
    with pg.fresh_database(request.getfixturevalue("pg_admin_url")) as url:
        yield url
