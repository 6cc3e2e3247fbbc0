"""The OpenAPI document tells the truth: problem+json errors, no empty PATCH, 405 with Allow, offline docs."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from meallog.app import build_services, create_app
from meallog.clock import FrozenClock
from meallog.settings import Settings


@pytest.fixture
def client(make_settings: Callable[..., Settings], engine: Engine, clock: FrozenClock) -> Iterator[TestClient]:
    settings = make_settings()
    with TestClient(create_app(settings, services=build_services(settings, engine=engine, clock=clock))) as c:
        yield c


def test_every_error_status_is_documented_as_problem_json(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    for path, item in doc["paths"].items():
        for method, op in item.items():
            codes = {c for c in op["responses"] if int(c) >= 400}
            assert "500" in codes and "422" in codes | ({"422"} if path.startswith(("/healthz", "/readyz", "/meta"))
                                                        else set()), (method, path)
            for c in codes:
                assert list(op["responses"][c]["content"]) == ["application/problem+json"], (method, path, c)
    logs = doc["paths"]["/logs/{log_id}"]
    assert {"401", "404", "422"} <= set(logs["get"]["responses"])
    assert {"400", "401", "404", "413", "422"} <= set(logs["patch"]["responses"])
    assert {"409", "413"} <= set(doc["paths"]["/logs"]["post"]["responses"])
    assert "HTTPValidationError" not in doc["components"]["schemas"]


def test_the_schema_excludes_an_empty_patch(client: TestClient, add_user: Callable[..., str]) -> None:
    doc = client.get("/openapi.json").json()
    update = doc["components"]["schemas"]["LogUpdate"]
    assert update["minProperties"] == 1
    assert all("null" not in str(p) for p in update["properties"].values())
    h = {"Authorization": f"Bearer {add_user()}"}
    log = client.post("/logs", json={"text": "卵 1個"}, headers=h).json()
    assert client.patch(f"/logs/{log['id']}", json={}, headers=h).status_code == 422
    r = client.patch(f"/logs/{log['id']}", json={"text": None}, headers=h)
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"


def test_405_carries_allow(client: TestClient) -> None:
    r = client.put("/logs", json={})
    assert r.status_code == 405 and r.headers["content-type"] == "application/problem+json"
    assert set(re.split(r",\s*", r.headers["Allow"])) == {"GET", "HEAD", "POST"}
    r = client.put("/logs/1")
    assert r.status_code == 405 and set(re.split(r",\s*", r.headers["Allow"])) == {"GET", "HEAD", "PATCH", "DELETE"}


def test_docs_are_served_offline(client: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        html = client.get(page).text
        scripts = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert scripts and all(s.startswith("/") for s in scripts), (page, scripts)
        for s in scripts:
            if not s.startswith("/openapi"):
                assert client.get(s).status_code == 200, s
