"""Bad input that used to get through (500s, stored Infinity): each is a 4xx problem+json naming the field,
with nothing stored."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from meallog.app import build_services, create_app
from meallog.clock import FrozenClock
from meallog.logs.service import LogView, sum_totals
from meallog.settings import Settings
from meallog.store.db import session_scope
from meallog.store.models import AlertReceipt, IngestRequest, MealLog, MealLogV2

ADMIN = {"Authorization": "Bearer admin-secret"}


@pytest.fixture
def client(make_settings: Callable[..., Settings], engine: Engine, clock: FrozenClock) -> Iterator[TestClient]:
    settings = make_settings()
    services = build_services(settings, engine=engine, clock=clock)
    with TestClient(create_app(settings, services=services), raise_server_exceptions=False) as c:
        yield c


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def stored(engine: Engine) -> int:
    with session_scope(engine) as s:
        return sum(int(s.scalar(select(func.count()).select_from(t)) or 0) for t in (MealLog, MealLogV2))


def assert_problem(r: object, status: int, field: str) -> None:
    assert r.status_code == status, r.text  # type: ignore[attr-defined]
    assert r.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    assert field in {e["field"] for e in r.json()["errors"]}, r.text  # type: ignore[attr-defined]


@pytest.mark.parametrize("text", ["9" * 400 + " g rice", "999999999 杯 ご飯", "ご飯 5000杯", "rice 50000 kg"])
def test_absurd_or_infinite_quantities_are_a_422_naming_the_item(
    client: TestClient, add_user: Callable[..., str], engine: Engine, text: str
) -> None:
    h = auth(add_user())
    r = client.post("/logs", json={"text": text}, headers=h)
    assert_problem(r, 422, "text")
    assert "quantity" in r.json()["detail"]
    assert stored(engine) == 0
    assert client.get("/days/2026-11-20", headers=h).status_code == 200


def test_absurd_quantity_in_an_edit_changes_nothing(client: TestClient, add_user: Callable[..., str]) -> None:
    h = auth(add_user())
    log = client.post("/logs", json={"text": "ご飯 1杯"}, headers=h).json()
    r = client.patch(f"/logs/{log['id']}", json={"text": "9" * 400 + " g rice"}, headers=h)
    assert_problem(r, 422, "text")
    assert client.get(f"/logs/{log['id']}", headers=h).json()["version"] == 1


@pytest.mark.parametrize("eaten_at", ["0001-01-01T00:00:00", "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00Z"])
def test_eaten_at_out_of_range_is_a_422(client: TestClient, add_user: Callable[..., str], engine: Engine,
                                        eaten_at: str) -> None:
    h = auth(add_user())
    assert_problem(client.post("/logs", json={"text": "ご飯 1杯", "eaten_at": eaten_at}, headers=h), 422, "eaten_at")
    assert stored(engine) == 0
    log = client.post("/logs", json={"text": "ご飯 1杯"}, headers=h).json()
    assert_problem(client.patch(f"/logs/{log['id']}", json={"eaten_at": eaten_at}, headers=h), 422, "eaten_at")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"alerts": None}, "alerts"),
        ({"alerts": "x"}, "alerts"),
        ({"alerts": [{"status": "firing", "labels": "severity=page"}]}, "alerts.0.labels"),
        ({"alerts": [{"status": "firing", "labels": {"severity": 5}}]}, "alerts.0.labels.severity"),
        ({"alerts": [None]}, "alerts.0"),
    ],
)
def test_malformed_alertmanager_payloads_are_a_422(client: TestClient, engine: Engine, payload: dict[str, object],
                                                   field: str) -> None:
    assert_problem(client.post("/admin/alerts", json=payload, headers=ADMIN), 422, field)
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(AlertReceipt)) == 0


def test_nothing_non_finite_is_summed() -> None:
    from datetime import UTC, date, datetime

    now = datetime(2026, 11, 20, tzinfo=UTC)
    bad = LogView(id=1, text="x", eaten_at=now, local_date=date(2026, 11, 20), meal_type=None, items=[],
                  totals={"kcal": math.inf, "protein_g": math.nan, "fat_g": 1.0, "carbs_g": 2.0},
                  deleted_at=None, created_at=now, updated_at=now, version=1)
    totals = sum_totals([bad])
    assert all(math.isfinite(v) for v in totals.values())
    json.dumps(totals, allow_nan=False)


def test_unexpected_errors_are_problem_json_with_a_request_id(
    make_settings: Callable[..., Settings], engine: Engine, clock: FrozenClock, add_user: Callable[..., str],
    capsys: pytest.CaptureFixture[str]
) -> None:
    from meallog.logging_setup import configure

    settings = make_settings()
    services = build_services(settings, engine=engine, clock=clock)

    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("disk on fire")

    services.logs.get = boom  # type: ignore[method-assign]
    configure("INFO")
    token = add_user()
    with TestClient(create_app(settings, services=services), raise_server_exceptions=False) as c:
        r = c.get("/logs/1", headers=auth(token))
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/problem+json"
    rid = r.json()["request_id"]
    assert rid and r.headers["X-Request-ID"] == rid
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.strip()]
    errors = [x for x in lines if x.get("request_id") == rid and x.get("level") == "error"]
    assert errors and "disk on fire" in json.dumps(errors[0])
    access = [x for x in lines if x.get("event") == "request" and x.get("request_id") == rid]
    assert len(access) == 1
    assert access[0]["status"] == 500 and access[0]["route"] == "/logs/{log_id}" and access[0]["method"] == "GET"
    assert token not in json.dumps(lines)


def test_replays_carry_idempotent_replayed(client: TestClient, add_user: Callable[..., str], engine: Engine) -> None:
    h = {**auth(add_user()), "Idempotency-Key": "k-1"}
    first = client.post("/logs", json={"text": "卵 2個"}, headers=h)
    second = client.post("/logs", json={"text": "卵 2個"}, headers=h)
    assert "Idempotent-Replayed" not in first.headers
    assert second.headers["Idempotent-Replayed"] == "true" and second.json() == first.json()
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(IngestRequest)) == 1


def test_blank_idempotency_key_is_refused_by_the_schema(client: TestClient, add_user: Callable[..., str]) -> None:
    r = client.post("/logs", json={"text": "卵"}, headers={**auth(add_user()), "Idempotency-Key": "  "})
    assert_problem(r, 422, "Idempotency-Key")
    spec = client.get("/openapi.json").json()
    param = next(p for p in spec["paths"]["/logs"]["post"]["parameters"] if p["name"].lower() == "idempotency-key")
    assert param["schema"].get("pattern") or param["schema"].get("anyOf", [{}])[0].get("pattern")
