"""Fault injection: nothing in v2 (exception, hang, missing table, database error on the shadow
side) changes a user's response or makes the user wait beyond the outbox insert."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text

from meallog.clock import FrozenClock
from meallog.migration.outbox import retry_dead
from meallog.migration.paths import Guard
from meallog.migration.shadow import compute_v2
from meallog.settings import Settings
from meallog.store.db import session_scope
from meallog.store.models import Diff, MealLog, MealLogV2, OutboxJob, ShadowRecord
from tests.migration.helpers import ADMIN, client_for, make_services

TEXT = "ご飯 1杯と味噌汁、焼き鮭 1切れ"


def n(engine: Engine, model: type, *where: Any) -> int:
    with session_scope(engine) as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def exploding(*_: Any, **__: Any) -> Any:
    raise RuntimeError("v2 exploded")


@contextmanager
def table_gone(engine: Engine, name: str) -> Iterator[None]:
    with engine.begin() as conn:
        conn.execute(text(f"ALTER TABLE {name} RENAME TO {name}_gone"))
    try:
        yield
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"ALTER TABLE {name}_gone RENAME TO {name}"))


def baseline_body(client: Any, h: dict[str, str]) -> dict[str, Any]:
    """What the user sees for TEXT in phase OFF (no v2 at all)."""
    body: dict[str, Any] = client.post("/logs", json={"text": TEXT}, headers=h).json()
    return {k: body[k] for k in ("items", "totals", "text", "meal_type", "source")}


def same_view(body: dict[str, Any], expected: dict[str, Any]) -> bool:
    return {k: body[k] for k in expected} == expected


@pytest.mark.parametrize("phase_flags", [["NORMALIZE_V2_SHADOW"], ["NORMALIZE_V2_SHADOW", "DUAL_WRITE_V2"]])
def test_v2_exception_never_reaches_the_user(make_settings: Callable[..., Settings], engine: Engine,
                                             clock: FrozenClock, add_user: Callable[..., str],
                                             phase_flags: list[str]) -> None:
    services = make_services(make_settings(), engine, clock, compute=exploding)
    h = {"Authorization": f"Bearer {add_user()}"}
    with client_for(services) as client:
        expected = baseline_body(client, h)
        for f in phase_flags:
            client.put(f"/admin/flags/{f}", json={"value": "on"}, headers=ADMIN)
        r = client.post("/logs", json={"text": TEXT}, headers=h)
        assert r.status_code == 201 and same_view(r.json(), expected)
        log_id = r.json()["id"]
        assert client.get(f"/logs/{log_id}", headers=h).status_code == 200

    # the worker keeps failing -> retries with backoff -> dead letter; nothing written twice
    w = services.worker
    for _ in range(w.config.retry.max_attempts):
        w.run_once()
        clock.advance(timedelta(seconds=w.config.retry.cap_s + 1))
    assert n(engine, OutboxJob, OutboxJob.state == "dead") >= 1
    assert n(engine, ShadowRecord) == 0

    # the bug is fixed, dead letters are replayed, and the shadow side catches up exactly once
    w.compute = compute_v2
    with session_scope(engine) as s:
        assert retry_dead(s, now=clock.now()) >= 1
    w.drain()
    w.drain()
    assert n(engine, ShadowRecord, ShadowRecord.log_id == log_id) == 1
    assert n(engine, Diff, Diff.log_id == log_id) == 1
    if "DUAL_WRITE_V2" in phase_flags:
        assert n(engine, MealLogV2, MealLogV2.log_id == log_id) == 1


def test_v2_hang_does_not_hold_the_user(make_settings: Callable[..., Settings], engine: Engine, clock: FrozenClock,
                                        add_user: Callable[..., str]) -> None:
    release, finished = threading.Event(), threading.Event()

    def hanging(*args: Any, **kw: Any) -> Any:
        release.wait(30)
        finished.set()
        return compute_v2(*args, **kw)

    services = make_services(make_settings(), engine, clock, compute=hanging, guard=Guard(budget_s=0.05, slots=2))
    h = {"Authorization": f"Bearer {add_user()}"}
    try:
        with client_for(services) as client:
            expected = baseline_body(client, h)
            client.put("/admin/flags/NORMALIZE_V2_SHADOW", json={"value": "on"}, headers=ADMIN)
            client.put("/admin/flags/DUAL_WRITE_V2", json={"value": "on"}, headers=ADMIN)
            responses = [client.post("/logs", json={"text": TEXT}, headers=h) for _ in range(4)]
            # every response came back while v2 was still hanging: nobody waited for it
            assert not finished.is_set()
            assert all(r.status_code == 201 and same_view(r.json(), expected) for r in responses)
            assert n(engine, MealLogV2) == 0
            assert n(engine, OutboxJob, OutboxJob.kind == "v2_sync") == 4
    finally:
        release.set()
    services.worker.compute = compute_v2
    services.worker.drain()
    assert n(engine, MealLogV2) == 4  # the outbox completed every v2 record
    assert n(engine, MealLog) == 5


@pytest.mark.parametrize("table", ["meal_logs_v2", "meal_logs_v2_shadow", "diffs", "outbox"])
def test_missing_v2_side_table(make_settings: Callable[..., Settings], engine: Engine, clock: FrozenClock,
                               add_user: Callable[..., str], table: str) -> None:
    services = make_services(make_settings(), engine, clock)
    h = {"Authorization": f"Bearer {add_user()}"}
    with client_for(services) as client:
        expected = baseline_body(client, h)
        client.put("/admin/flags/NORMALIZE_V2_SHADOW", json={"value": "on"}, headers=ADMIN)
        client.put("/admin/flags/DUAL_WRITE_V2", json={"value": "on"}, headers=ADMIN)
        with table_gone(engine, table):
            r = client.post("/logs", json={"text": TEXT}, headers=h)
            assert r.status_code == 201 and same_view(r.json(), expected)
            patched = client.patch(f"/logs/{r.json()['id']}", json={"text": "卵 1個"}, headers=h)
            assert patched.status_code == 200
            assert client.delete(f"/logs/{r.json()['id']}", headers=h).status_code == 200
            if table != "outbox":
                services.worker.run_once()  # fails on the missing table; the job stays for later
        assert n(engine, MealLog) == 2
        if table != "outbox":  # the jobs survive the outage and complete afterwards
            clock.advance(timedelta(minutes=10))
            services.worker.drain()
            log_id = r.json()["id"]  # the first log was written in OFF, before any v2
            assert n(engine, MealLogV2) == 1 and n(engine, MealLogV2, MealLogV2.log_id == log_id) == 1
            assert n(engine, ShadowRecord, ShadowRecord.log_id == log_id) >= 1
            assert n(engine, OutboxJob, OutboxJob.state != "done") == 0


def test_a_failed_outbox_insert_reruns_the_write_once_without_jobs(
        make_settings: Callable[..., Settings], engine: Engine, clock: FrozenClock,
        add_user: Callable[..., str]) -> None:
    """The outbox insert has no savepoint: when it fails, the write is run again, whole, without jobs.
    The user gets their 201 once, the log and its idempotency record are stored once, a replay of the
    key answers the same body, and the shed is counted."""
    from meallog.store.models import IngestRequest

    services = make_services(make_settings(), engine, clock)
    h = {"Authorization": f"Bearer {add_user()}"}
    with client_for(services) as client:
        client.put("/admin/flags/NORMALIZE_V2_SHADOW", json={"value": "on"}, headers=ADMIN)  # P0: every write enqueues
        with table_gone(engine, "outbox"):
            first = client.post("/logs", json={"text": TEXT}, headers={**h, "Idempotency-Key": "k-1"})
            again = client.post("/logs", json={"text": TEXT}, headers={**h, "Idempotency-Key": "k-1"})
        metrics = client.get("/metrics").text
        after = client.post("/logs", json={"text": TEXT}, headers=h)  # the outbox is back: jobs again
    assert first.status_code == 201 and again.status_code == 201 and again.json() == first.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert n(engine, MealLog) == 1 + 1 and n(engine, IngestRequest) == 1
    assert n(engine, OutboxJob) == 1 and after.status_code == 201
    shed = [ln for ln in metrics.splitlines() if ln.startswith("meal_log_shadow_shed_total{")
            and 'reason="enqueue_failed"' in ln]
    assert shed and float(shed[0].rsplit(" ", 1)[1]) == 1.0
    raised = [ln for ln in metrics.splitlines() if ln.startswith("meal_log_v2_raised_total{")
              and 'operation="enqueue"' in ln]
    assert raised and float(raised[0].rsplit(" ", 1)[1]) == 1.0


def test_a_failed_inline_v2_save_reruns_the_write_once_without_v2(
        make_settings: Callable[..., Settings], engine: Engine, clock: FrozenClock,
        add_user: Callable[..., str]) -> None:
    """P1's v2 save has no savepoint: when it fails, the write is run again, whole, without the v2
    save. The user gets their legacy 201 once, the log and its idempotency record are stored once,
    a v2_sync job is left behind (beside the shadow job), and the failure is counted once."""
    from meallog.store.models import IngestRequest

    services = make_services(make_settings(), engine, clock)
    h = {"Authorization": f"Bearer {add_user()}"}
    with client_for(services) as client:
        expected = baseline_body(client, h)
        for f in ("NORMALIZE_V2_SHADOW", "DUAL_WRITE_V2"):
            client.put(f"/admin/flags/{f}", json={"value": "on"}, headers=ADMIN)
        with table_gone(engine, "meal_logs_v2"):
            first = client.post("/logs", json={"text": TEXT}, headers={**h, "Idempotency-Key": "k-1"})
            again = client.post("/logs", json={"text": TEXT}, headers={**h, "Idempotency-Key": "k-1"})
        metrics = client.get("/metrics").text
    assert first.status_code == 201 and same_view(first.json(), expected) and first.json()["source"] == "legacy"
    assert again.json() == first.json() and again.headers.get("Idempotent-Replayed") == "true"
    assert n(engine, MealLog) == 1 + 1 and n(engine, IngestRequest) == 1
    assert n(engine, OutboxJob, OutboxJob.kind == "v2_sync") == 1
    assert n(engine, OutboxJob, OutboxJob.kind == "shadow") == 1
    raised = [ln for ln in metrics.splitlines() if ln.startswith("meal_log_v2_raised_total{")
              and 'operation="write_v2"' in ln]
    assert raised and float(raised[0].rsplit(" ", 1)[1]) == 1.0
    services.worker.drain()
    assert n(engine, MealLogV2, MealLogV2.log_id == first.json()["id"]) == 1  # the v2_sync job completed it
