"""The meal-log HTTP API on SQLite and PostgreSQL: CRUD, restore, days, auth, idempotency, errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from meallog.app import build_services, create_app
from meallog.clock import FrozenClock
from meallog.settings import Settings
from meallog.store.db import session_scope
from meallog.store.models import IngestRequest, MealLog


@pytest.fixture
def client(make_settings: Callable[..., Settings], engine: Engine, clock: FrozenClock) -> Iterator[TestClient]:
    settings = make_settings()
    services = build_services(settings, engine=engine, clock=clock)
    with TestClient(create_app(settings, services=services)) as c:
        yield c


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def count_logs(engine: Engine) -> int:
    with session_scope(engine) as s:
        return int(s.scalar(select(func.count()).select_from(MealLog)) or 0)


def test_create_read_list_delete_restore(client: TestClient, add_user: Callable[..., str]) -> None:
    h = auth(add_user())
    r = client.post("/logs", json={"text": "ご飯 1杯と味噌汁、焼き鮭 1切れ"}, headers=h)
    assert r.status_code == 201, r.text
    log = r.json()
    assert {"id", "text", "eaten_at", "meal_type", "items", "totals", "deleted_at"} <= log.keys()
    assert log["meal_type"] == "lunch"  # 12:00 in Tokyo
    assert log["local_date"] == "2026-11-20"
    assert log["totals"]["kcal"] > 0 and len(log["items"]) == 3

    assert client.get(f"/logs/{log['id']}", headers=h).json()["text"] == log["text"]
    day = client.get("/logs", params={"date": "2026-11-20"}, headers=h).json()
    assert [x["id"] for x in day] == [log["id"]]

    deleted = client.delete(f"/logs/{log['id']}", headers=h)
    assert deleted.status_code == 200 and deleted.json()["deleted_at"] is not None
    assert client.get("/logs", params={"date": "2026-11-20"}, headers=h).json() == []
    assert client.get("/days/2026-11-20", headers=h).json()["count"] == 0

    restored = client.post(f"/logs/{log['id']}/restore", headers=h)
    assert restored.status_code == 200 and restored.json()["deleted_at"] is None
    again = client.post(f"/logs/{log['id']}/restore", headers=h)
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    day = client.get("/days/2026-11-20", headers=h).json()
    assert day["count"] == 1 and day["totals"]["kcal"] == log["totals"]["kcal"]


def test_patch_reparses_text(client: TestClient, add_user: Callable[..., str]) -> None:
    h = auth(add_user())
    log = client.post("/logs", json={"text": "ご飯 1杯"}, headers=h).json()
    r = client.patch(f"/logs/{log['id']}", json={"text": "ご飯 2杯"}, headers=h)
    assert r.status_code == 200
    assert r.json()["version"] == 2
    assert r.json()["totals"]["kcal"] > log["totals"]["kcal"]
    assert client.patch(f"/logs/{log['id']}", json={}, headers=h).status_code == 422


def test_day_is_the_users_time_zone(client: TestClient, add_user: Callable[..., str]) -> None:
    h = auth(add_user())
    # 23:30 UTC on the 20th is 08:30 on the 21st in Tokyo
    r = client.post("/logs", json={"text": "卵 1個", "eaten_at": "2026-11-20T23:30:00Z"}, headers=h)
    assert r.json()["local_date"] == "2026-11-21" and r.json()["meal_type"] == "breakfast"
    assert len(client.get("/logs", params={"date": "2026-11-21"}, headers=h).json()) == 1
    assert client.get("/logs", params={"date": "2026-11-20"}, headers=h).json() == []
    # a naive time is read in the user's zone
    r = client.post("/logs", json={"text": "卵 1個", "eaten_at": "2026-11-20T19:00:00"}, headers=h)
    assert r.json()["local_date"] == "2026-11-20" and r.json()["meal_type"] == "dinner"


def test_users_never_see_each_others_logs(client: TestClient, add_user: Callable[..., str]) -> None:
    alice, bob = auth(add_user("alice")), auth(add_user("bob"))
    log = client.post("/logs", json={"text": "natto 1 pack"}, headers=alice).json()
    for method, url in [("GET", f"/logs/{log['id']}"), ("PATCH", f"/logs/{log['id']}"),
                        ("DELETE", f"/logs/{log['id']}"), ("POST", f"/logs/{log['id']}/restore")]:
        r = client.request(method, url, headers=bob, json={"text": "x"} if method == "PATCH" else None)
        assert r.status_code == 404, (method, r.text)
    assert client.get("/logs", params={"date": "2026-11-20"}, headers=bob).json() == []
    assert client.post("/logs/999999/restore", headers=alice).status_code == 404


def test_auth_required(client: TestClient) -> None:
    assert client.get("/logs").status_code == 401
    r = client.get("/logs", headers=auth("nope"))
    assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"
    assert client.get("/healthz").json()["status"] == "ok"
    assert client.get("/readyz").json()["status"] == "ready"


def test_idempotency_key_replays_and_conflicts(client: TestClient, add_user: Callable[..., str],
                                               engine: Engine, clock: FrozenClock) -> None:
    h = {**auth(add_user()), "Idempotency-Key": "k-1"}
    first = client.post("/logs", json={"text": "卵 2個"}, headers=h)
    clock.advance(timedelta(seconds=5))
    second = client.post("/logs", json={"text": "卵 2個"}, headers=h)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert count_logs(engine) == 1
    other = client.post("/logs", json={"text": "卵 3個"}, headers=h)
    assert other.status_code == 409 and other.json()["errors"][0]["field"] == "Idempotency-Key"
    assert count_logs(engine) == 1
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(IngestRequest)) == 1


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"text": ""}, 422, "text"),
        ({"text": "   "}, 422, "text"),
        ({"text": "a" * 2000}, 422, "text"),
        ({"text": "ok", "colour": "red"}, 422, "colour"),
        ({"text": "ok", "eaten_at": "yesterday"}, 422, "eaten_at"),
        ({"text": "ok", "meal_type": "brunch"}, 422, "meal_type"),
        ({"text": 5}, 422, "text"),
        ({}, 422, "text"),
    ],
)
def test_bad_input_is_a_4xx_naming_the_field(client: TestClient, add_user: Callable[..., str], engine: Engine,
                                             body: dict[str, object], status: int, field: str) -> None:
    r = client.post("/logs", json=body, headers=auth(add_user()))
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert field in {e["field"] for e in r.json()["errors"]}
    assert count_logs(engine) == 0


def test_malformed_bodies(client: TestClient, add_user: Callable[..., str], engine: Engine) -> None:
    h = {**auth(add_user()), "Content-Type": "application/json"}
    assert client.post("/logs", content=b'{"text": ', headers=h).status_code == 400
    assert client.post("/logs", content=b'{"text": "\xff\xfe"}', headers=h).status_code == 400
    assert client.post("/logs", content=b"[1,2]", headers=h).status_code == 422
    big = client.post("/logs", content=b'{"text": "' + b"a" * 70_000 + b'"}', headers=h)
    assert big.status_code == 413 and big.headers["content-type"] == "application/problem+json"
    assert client.get("/logs", params={"date": "2026-13-45"}, headers=h).status_code == 422
    assert client.get("/days/not-a-date", headers=h).status_code == 422
    assert client.get("/logs/abc", headers=h).status_code == 422
    assert count_logs(engine) == 0
