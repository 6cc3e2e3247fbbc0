"""A request whose database connection is cut mid-transaction (pg_terminate_backend, a failover)
answers 503 problem+json with Retry-After, stores nothing, and the client's retry with the same
Idempotency-Key is stored once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from sqlalchemy import func, select

from meallog.clock import FrozenClock
from meallog.migration.shadow import compute_v2
from meallog.settings import Settings
from meallog.store.db import make_engine, make_sessionmaker, session_scope
from meallog.store.models import MealLog
from meallog.users import add_user
from tests.migration.helpers import ADMIN, client_for, make_services


@pytest.mark.parametrize("db_url", ["pg"], indirect=True)  # a fresh (truncated) PostgreSQL database
def test_a_connection_cut_mid_write_is_a_503_and_the_keyed_retry_is_stored_once(db_url: str) -> None:
    url = db_url
    admin = url.replace("postgresql+psycopg://", "postgresql://")
    cut = {"armed": False, "done": 0}

    def compute_then_cut(*a: Any, **kw: Any) -> Any:
        if cut["armed"]:  # the request's transaction holds the fence: cut exactly that backend
            cut["armed"] = False
            with psycopg.connect(admin, autocommit=True) as c:
                cut["done"] = c.execute(  # this test's database only: pg_locks is cluster-wide
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                    "AND pid <> pg_backend_pid()").fetchone()[0]
        return compute_v2(*a, **kw)

    engine = make_engine(url)
    clock = FrozenClock(datetime(2026, 11, 20, 3, 0, tzinfo=UTC))
    settings = Settings.model_validate({"database_url": url, "admin_token": "admin-secret", "run_worker": False,
                                        "run_scheduler": False})
    services = make_services(settings, engine, clock, compute=compute_then_cut)
    try:
        with session_scope(make_sessionmaker(engine)) as s:
            user, token = add_user(s, name=f"cut-{uuid.uuid4().hex[:8]}", now=clock.now())
        h = {"Authorization": f"Bearer {token}", "Idempotency-Key": "cut-1"}
        with client_for(services) as client:
            for flag in ("NORMALIZE_V2_SHADOW", "DUAL_WRITE_V2"):  # P1: v2 is computed inside the write
                assert client.put(f"/admin/flags/{flag}", json={"value": "on", "why": "t"},
                                  headers=ADMIN).status_code == 200
            cut["armed"] = True
            first = client.post("/logs", json={"text": "納豆 1パック"}, headers=h)
            retry = client.post("/logs", json={"text": "納豆 1パック"}, headers=h)
            again = client.post("/logs", json={"text": "納豆 1パック"}, headers=h)
        with session_scope(make_sessionmaker(engine)) as s:
            stored = s.scalar(select(func.count()).select_from(MealLog).where(MealLog.user_id == user.id))
    finally:
        services.engine.dispose()
        engine.dispose()
    assert cut["done"] == 1
    assert first.status_code == 503 and first.headers["content-type"].startswith("application/problem+json")
    assert first.headers["Retry-After"] == "1" and "retry" in first.json()["detail"]
    assert retry.status_code == 201 and again.status_code == 201 and again.json() == retry.json()
    assert again.headers.get("Idempotent-Replayed") == "true" and stored == 1


