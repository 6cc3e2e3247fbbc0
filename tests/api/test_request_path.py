"""The lean request path: one transaction per request, users from a short cache, rotation within its TTL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from meallog.app import build_services, create_app
from meallog.clock import FrozenClock
from meallog.settings import Settings
from meallog.store.db import is_postgres, make_sessionmaker, session_scope
from meallog.users import rotate_token


class Ticks:
    """A monotonic clock that only moves when told to."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()


@pytest.fixture
def client(make_settings: Callable[..., Settings], engine: Engine, clock: FrozenClock,
           ticks: Ticks) -> Iterator[TestClient]:
    settings = make_settings(token_cache_ttl_s=5.0)
    services = build_services(settings, engine=engine, clock=clock, monotonic=ticks)
    with TestClient(create_app(settings, services=services)) as c:
        yield c


@pytest.fixture
def transactions(engine: Engine) -> Iterator[list[str]]:
    """Every transaction begun on the engine (one entry per BEGIN), and the statements."""
    seen: list[str] = []

    def on_begin(_conn: Any) -> None:
        seen.append("BEGIN")

    event.listen(engine, "begin", on_begin)
    yield seen
    event.remove(engine, "begin", on_begin)


def auth(token: str, **more: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **more}


@pytest.mark.parametrize("key", [None, "k-1"])
def test_a_post_is_one_transaction(client: TestClient, add_user: Callable[..., str], transactions: list[str],
                                   key: str | None) -> None:
    token = add_user()
    warm = client.post("/logs", json={"text": "納豆 1パック"}, headers=auth(token))  # fills the user cache
    assert warm.status_code == 201
    transactions.clear()
    headers = auth(token, **({"Idempotency-Key": key} if key else {}))
    r = client.post("/logs", json={"text": "ご飯 1杯"}, headers=headers)
    assert r.status_code == 201, r.text
    assert transactions == ["BEGIN"]  # auth, idempotency claim and write share one transaction
    if key:
        transactions.clear()
        again = client.post("/logs", json={"text": "ご飯 1杯"}, headers=headers)
        assert again.json() == r.json() and again.headers["Idempotent-Replayed"] == "true"
        assert transactions == ["BEGIN"]


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    """Every statement sent on the engine, as SQL text."""
    seen: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    yield seen
    event.remove(engine, "before_cursor_execute", before)


@pytest.mark.parametrize("flags", [[], ["NORMALIZE_V2_SHADOW"], ["NORMALIZE_V2_SHADOW", "DUAL_WRITE_V2"],
                                   ["NORMALIZE_V2_SHADOW", "DUAL_WRITE_V2", "DUAL_READ_V2=10", "DUAL_READ_V2=50",
                                    "DUAL_READ_V2=100", "SWITCH_V2"]])
def test_a_post_takes_no_savepoint_and_inserts_its_key_once(client: TestClient, add_user: Callable[..., str],
                                                            statements: list[str], flags: list[str]) -> None:
    """OFF to P3: the outbox row and the inline v2 save run without a SAVEPOINT (a failure reruns the
    write instead), and a new log's key is one INSERT, never updated in the same request."""
    for flag in flags:
        name, _, value = flag.partition("=")
        r = client.put(f"/admin/flags/{name}", json={"value": value or "on", "why": "test"},
                       headers={"Authorization": "Bearer admin-secret"})
        assert r.status_code == 200, r.text
    token = add_user()
    assert client.post("/logs", json={"text": "納豆 1パック"}, headers=auth(token)).status_code == 201
    statements.clear()
    r = client.post("/logs", json={"text": "ご飯 1杯"}, headers=auth(token, **{"Idempotency-Key": "k-1"}))
    assert r.status_code == 201, r.text
    sql = [st.lstrip().upper() for st in statements]
    assert not [st for st in sql if "SAVEPOINT" in st], statements
    assert len([st for st in sql if st.startswith("INSERT INTO LOG_KEYS")]) == 1, statements
    assert not [st for st in sql if st.startswith("UPDATE LOG_KEYS")], statements


def test_reads_and_edits_are_one_transaction(client: TestClient, add_user: Callable[..., str],
                                             transactions: list[str]) -> None:
    h = auth(add_user())
    log = client.post("/logs", json={"text": "納豆 1パック"}, headers=h).json()
    for method, path, body in (("GET", f"/logs/{log['id']}", None), ("GET", "/logs?date=2026-11-20", None),
                               ("GET", "/days/2026-11-20", None), ("PATCH", f"/logs/{log['id']}", {"text": "卵 2個"}),
                               ("DELETE", f"/logs/{log['id']}", None), ("POST", f"/logs/{log['id']}/restore", None)):
        transactions.clear()
        r = client.request(method, path, json=body, headers=h)
        assert r.status_code == 200, (method, path, r.text)
        assert transactions == ["BEGIN"], (method, path)


def test_a_rotated_token_is_refused_once_the_cache_ttl_passed(client: TestClient, engine: Engine,
                                                               add_user: Callable[..., str], ticks: Ticks) -> None:
    old = add_user("bob")
    assert client.get("/logs?date=2026-11-20", headers=auth(old)).status_code == 200
    with session_scope(make_sessionmaker(engine)) as s:
        _, new = rotate_token(s, name="bob")
    ticks.t += 4.9  # within the TTL the process may still answer the old token from memory
    assert client.get("/logs?date=2026-11-20", headers=auth(old)).status_code == 200
    ticks.t += 0.2  # past the TTL: the old token is looked up again, and refused
    refused = client.get("/logs?date=2026-11-20", headers=auth(old))
    assert refused.status_code == 401 and refused.headers["content-type"] == "application/problem+json"
    assert client.get("/logs?date=2026-11-20", headers=auth(new)).status_code == 200
    ticks.t += 60  # a refused token is never cached: still refused, and the new one still works
    assert client.get("/logs?date=2026-11-20", headers=auth(old)).status_code == 401
    assert client.get("/logs?date=2026-11-20", headers=auth(new)).status_code == 200


def test_the_user_cache_is_bounded(engine: Engine, add_user: Callable[..., str], ticks: Ticks) -> None:
    from meallog.users import UserCache

    cache = UserCache(sessions=make_sessionmaker(engine), ttl_s=5.0, max_size=2, now=ticks)
    tokens = [add_user(f"u{i}") for i in range(3)]
    users = [cache.by_token(t) for t in tokens]
    assert [u.name for u in users] == ["u0", "u1", "u2"]
    assert len(cache._by_token) == 2 and len(cache._by_id) == 2  # the least recently used one went


def test_an_api_process_keeps_the_outbox_depth_fresh(make_settings: Callable[..., Settings], engine: Engine,
                                                       clock: FrozenClock, add_user: Callable[..., str]) -> None:
    """No worker runs in an API process; the depth its writes shed by still follows the outbox."""
    import time

    from meallog.app import DepthProbe

    settings = make_settings(normalize_v2_shadow=True)  # P0: every write leaves a shadow job
    services = build_services(settings, engine=engine, clock=clock)
    with TestClient(create_app(settings, services=services)) as c:
        h = auth(add_user())
        for text in ("納豆 1パック", "ご飯 1杯", "banana"):
            assert c.post("/logs", json={"text": text}, headers=h).status_code == 201
    assert services.worker.last_depth == 0  # nothing measured it yet
    probe = DepthProbe(services.worker, every_s=0.05)
    probe.start()
    try:
        deadline = time.monotonic() + 10
        while services.worker.last_depth != 3 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        probe.stop()
    assert services.worker.last_depth == 3


def test_a_token_the_cache_has_not_seen_is_read_outside_the_write_transaction(
        client: TestClient, engine: Engine, add_user: Callable[..., str]) -> None:
    """Most requests of a lunch peak come from a user the 5 s cache has not seen: the token's SELECT
    runs in autocommit (no BEGIN and COMMIT round trips around it), the write in its one transaction."""
    if not is_postgres(engine):  # SQLite: no round trips to save; the token's own short transaction, then the write
        began: list[str] = []
        headers = auth(add_user())
        def on_begin(_conn: Any) -> None:
            began.append("BEGIN")

        event.listen(engine, "begin", on_begin)
        try:
            r = client.post("/logs", json={"text": "ご飯 1杯"}, headers=headers)
        finally:
            event.remove(engine, "begin", on_begin)
        assert r.status_code == 201, r.text
        assert began == ["BEGIN", "BEGIN"], began
        return
    seen: list[tuple[str, bool]] = []

    def before(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append((statement.lstrip().split("\n")[0][:40].upper(), bool(conn.connection.dbapi_connection.autocommit)))

    token = add_user()
    event.listen(engine, "before_cursor_execute", before)
    try:
        r = client.post("/logs", json={"text": "ご飯 1杯"}, headers=auth(token))
    finally:
        event.remove(engine, "before_cursor_execute", before)
    assert r.status_code == 201, r.text
    token_reads = [autocommit for sql, autocommit in seen if "FROM USERS" in sql or sql.startswith("SELECT USERS")]
    assert token_reads == [True], seen
    assert all(not autocommit for sql, autocommit in seen if sql.startswith("INSERT")), seen
