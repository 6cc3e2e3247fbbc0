"""insert_ignore and upsert_newer say truthfully whether they wrote, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, select

from meallog.store.db import insert_ignore, make_sessionmaker, session_scope, upsert_newer
from meallog.store.models import MigrationState

NOW = datetime(2026, 11, 20, tzinfo=UTC)


def row(epoch: int, phase: str) -> dict[str, object]:
    return {"id": 1, "epoch": epoch, "phase": phase, "updated_at": NOW}


def test_writes_are_reported_and_never_go_back(engine: Engine) -> None:
    with session_scope(make_sessionmaker(engine)) as s:
        assert insert_ignore(s, MigrationState, row(1, "OFF"), ["id"]) is True
        assert insert_ignore(s, MigrationState, row(1, "P0"), ["id"]) is False  # a duplicate, not a write
        assert upsert_newer(s, MigrationState, row(1, "P1"), key=["id"], version="epoch") is False  # same version
        assert upsert_newer(s, MigrationState, row(3, "P2"), key=["id"], version="epoch") is True
        assert upsert_newer(s, MigrationState, row(2, "P1"), key=["id"], version="epoch") is False  # older
        assert s.execute(select(MigrationState.epoch, MigrationState.phase)).one() == (3, "P2")
