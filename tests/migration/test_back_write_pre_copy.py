"""Leaving P3 writes back what P3 wrote before it takes the fence (PostgreSQL), so writes wait only for
the logs written since; on SQLite (one writer) the whole back-write stays inside the fence."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, func, select

from meallog.clock import FrozenClock
from meallog.settings import Settings
from meallog.store.db import session_scope
from meallog.store.models import LogKey, MealLog, PhaseEvent
from tests.migration.helpers import client_for, make_services
from tests.migration.test_phase_correctness import P3_FLAGS, rollback, walk


def test_leaving_p3_pre_copies_outside_the_fence_and_loses_nothing(
        make_settings: Callable[..., Settings], engine: Engine, clock: FrozenClock,
        add_user: Callable[..., str]) -> None:
    services = make_services(make_settings(), engine, clock)
    services.migration.control.pre_copy_batch = 7  # several batches of its own
    h = {"Authorization": f"Bearer {add_user()}"}
    with client_for(services) as client:
        walk(client, P3_FLAGS)
        ids = [client.post("/logs", json={"text": f"納豆 {i % 3 + 1}パック"}, headers=h).json()["id"]
               for i in range(40)]
        client.patch(f"/logs/{ids[0]}", json={"text": "ご飯 1杯"}, headers=h)
        back = rollback(client)
    with session_scope(services.sessions) as s:
        event = s.scalars(select(PhaseEvent).order_by(PhaseEvent.id.desc()).limit(1)).one()
        behind = s.scalar(select(func.count()).select_from(LogKey).outerjoin(MealLog, MealLog.id == LogKey.id)
                          .where((MealLog.id.is_(None)) | (MealLog.version < LogKey.version)))
        first = s.get(MealLog, ids[0])
    assert (event.from_phase, event.to_phase) == ("P3", "P2") and behind == 0
    assert first is not None and first.text == "ご飯 1杯"
    assert back["back_written"] == 40
    split = (event.report["pre_copied"], event.report["in_fence"])
    assert split == ((40, 0) if engine.dialect.name == "postgresql" else (0, 40))
