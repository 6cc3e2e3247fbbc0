"""`CI=1 pytest tests/golden` is the DB-less golden run of runbook §8: the tests here that need a
database (they take the `engine` fixture) are skipped and the pure golden tests run. `CI=true`, what
CI systems set, keeps its meaning for the whole suite (PostgreSQL must be there)."""

from __future__ import annotations

import os

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("CI") != "1":
        return
    skip = pytest.mark.skip(reason="CI=1: the DB-less golden run skips tests that need a database")
    for item in items:
        if "tests/golden/" in item.nodeid and "engine" in getattr(item, "fixturenames", ()):
            item.add_marker(skip)
