"""A tiny app-client harness for migration tests: users, traffic, and an expected-state ledger."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from meallog.app import Services, build_services, create_app
from meallog.clock import FrozenClock
from meallog.migration.paths import Guard
from meallog.nutrition.legacy import compute_legacy
from meallog.nutrition.types import ProviderItem, ProviderResult
from meallog.settings import Settings
from meallog.store.models import LogKey, MealLog

ADMIN = {"Authorization": "Bearer admin-secret"}
MEALS = ["ご飯 1杯と味噌汁、焼き鮭 1切れ", "2 eggs, toast with butter, black coffee", "カレーライス 1皿",
         "納豆 1パック", "ビール 1缶", "唐揚げ定食", "banana", "ラーメン 大盛り", "caesar salad", "牛丼 1杯"]


def make_services(settings: Settings, engine: Engine, clock: FrozenClock, **kw: Any) -> Services:
    """Services for a migration test. v2 gets a budget a loaded CI machine never misses, so a test sees
    the path its phase takes; the tests of the budget itself pass their own `Guard`."""
    kw.setdefault("guard", Guard(budget_s=5.0))
    return build_services(settings, engine=engine, clock=clock, snapshot_ttl_s=0.0, **kw)


@dataclass
class Ledger:
    """What every log should look like, as the clients wrote it."""

    logs: dict[int, dict[str, Any]] = field(default_factory=dict)
    phase_of_write: dict[int, set[str]] = field(default_factory=dict)

    def wrote(self, log_id: int, phase: str, **state: Any) -> None:
        self.logs.setdefault(log_id, {}).update(state)
        self.phase_of_write.setdefault(log_id, set()).add(phase)


class Driver:
    def __init__(self, client: TestClient, clock: FrozenClock, tokens: dict[int, str]) -> None:
        self.client, self.clock, self.tokens = client, clock, tokens
        self.ledger = Ledger()
        self.meals = itertools.cycle(MEALS)
        self.owner: dict[int, int] = {}

    def h(self, user: int) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def flag(self, name: str, value: str) -> dict[str, Any]:
        r = self.client.put(f"/admin/flags/{name}", json={"value": value, "why": "test"}, headers=ADMIN)
        assert r.status_code == 200, r.text
        return r.json()

    def create(self, user: int, phase: str) -> dict[str, Any]:
        self.clock.advance(timedelta(minutes=1))
        text = next(self.meals)
        r = self.client.post("/logs", json={"text": text}, headers=self.h(user))
        assert r.status_code == 201, r.text
        body = r.json()
        self.owner[body["id"]] = user
        self.ledger.wrote(body["id"], phase, text=text, deleted=False, user=user)
        return body

    def edit(self, log_id: int, phase: str) -> None:
        self.clock.advance(timedelta(minutes=1))
        text = next(self.meals) + " と 卵 1個"
        r = self.client.patch(f"/logs/{log_id}", json={"text": text}, headers=self.h(self.owner[log_id]))
        assert r.status_code == 200, r.text
        self.ledger.wrote(log_id, phase, text=text)

    def delete(self, log_id: int, phase: str) -> None:
        self.clock.advance(timedelta(minutes=1))
        r = self.client.delete(f"/logs/{log_id}", headers=self.h(self.owner[log_id]))
        assert r.status_code == 200 and r.json()["deleted_at"], r.text
        self.ledger.wrote(log_id, phase, deleted=True)

    def restore(self, log_id: int, phase: str) -> None:
        self.clock.advance(timedelta(minutes=1))
        r = self.client.post(f"/logs/{log_id}/restore", headers=self.h(self.owner[log_id]))
        assert r.status_code == 200 and r.json()["deleted_at"] is None, r.text
        self.ledger.wrote(log_id, phase, deleted=False)

    def traffic(self, phase: str, users: list[int]) -> list[int]:
        """Each user creates two logs, edits one, deletes and restores an older one, deletes another."""
        new = []
        for u in users:
            a, b = self.create(u, phase), self.create(u, phase)
            new += [a["id"], b["id"]]
            self.edit(a["id"], phase)
            older = [lid for lid, st in self.ledger.logs.items() if st["user"] == u and lid not in (a["id"], b["id"])]
            if older:
                self.delete(older[0], phase)
                self.restore(older[0], phase)
            if len(older) > 1:
                self.delete(older[-1], phase)
        return new

    def check_all_readable(self) -> None:
        for log_id, st in self.ledger.logs.items():
            r = self.client.get(f"/logs/{log_id}", headers=self.h(st["user"]))
            assert r.status_code == 200, (log_id, r.text)
            body = r.json()
            assert body["text"] == st["text"], (log_id, body["text"], st["text"])
            assert (body["deleted_at"] is not None) == st["deleted"], (log_id, body)


def client_for(services: Services) -> TestClient:
    return TestClient(create_app(services.settings, services=services))


UserFactory = Callable[..., str]

# One bowl of rice as a provider would report it: the shared fixture of the backfill and triage tests.
RICE_ITEM = ProviderItem(name="ご飯", food_id="rice_cooked", quantity=1, unit="杯", grams=150, kcal=234,
                         protein_g=3.8, fat_g=0.5, carbs_g=55.7)


def seed_legacy_log(s: Session, *, clock: FrozenClock, items: tuple[ProviderItem, ...], text: str) -> int:
    """A P0-era legacy log (no v2 record) written straight to the tables, with real legacy totals."""
    from meallog.users import add_user

    user = s.scalar(select(LogKey.user_id).limit(1))
    if user is None:
        user = add_user(s, name="alice", now=clock.now())[0].id
    parsed = ProviderResult(items=items, provider="offline", model="offline-test")
    legacy = compute_legacy(parsed)
    key = LogKey(user_id=user, created_at=clock.now(), created_phase="P0", version=1, local_date=clock.now().date(),
                 updated_at=clock.now())
    s.add(key)
    s.flush()
    s.add(MealLog(id=key.id, user_id=user, text=text, eaten_at=clock.now(), local_date=clock.now().date(),
                  meal_type="lunch", items=[x.model_dump() for x in legacy.items], totals=legacy.totals.model_dump(),
                  provider_result=parsed.to_dict(), version=1, created_at=clock.now(), updated_at=clock.now()))
    s.flush()
    return key.id


def edit_legacy_behind_v2(s: Session, log_id: int, **changes: Any) -> MealLog:
    """An OFF/P0-era edit made straight in the tables: the legacy row and the log move on, v2 stays behind."""
    log = s.get_one(MealLog, log_id)
    for name, value in changes.items():
        setattr(log, name, value)
    log.version += 1
    key = s.get_one(LogKey, log_id)
    key.version, key.deleted_at, key.local_date = log.version, log.deleted_at, log.local_date
    return log
