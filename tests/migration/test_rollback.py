"""Rollback triggers: Alertmanager webhook (firing only, once per episode, rate-limited), NPS drop,
paging SRE through PagerDuty Events v2 and a Slack-style webhook on a local receiver."""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from meallog.clock import FrozenClock
from meallog.migration.rollback import Pager
from meallog.settings import Settings
from meallog.store.db import session_scope
from meallog.store.models import AlertReceipt, PhaseEvent
from tests.migration.helpers import ADMIN, client_for, make_services

PAYLOAD = json.loads((Path(__file__).parent.parent / "fixtures" / "alertmanager_v4_firing.json").read_text())


class Receiver:
    """A local HTTP receiver standing in for PagerDuty and Slack."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.got = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append((self.path, body))
                outer.got.set()
                self.send_response(202)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def services_with_pager(make_settings: Callable[..., Settings], engine: Engine, clock: FrozenClock,
                        receiver: Receiver) -> Any:
    # the fixture's alerts carry env="prod": this deployment is prod
    services = make_services(make_settings(metric_env="prod"), engine, clock)
    services.migration.procedure.pager = Pager(pagerduty_url=receiver.url + "/v2/enqueue", routing_key="rk-1",
                                               slack_url=receiver.url + "/slack", background=False)
    return services


def to_p2(client: Any) -> None:
    for name, value in [("NORMALIZE_V2_SHADOW", "on"), ("DUAL_WRITE_V2", "on"), ("DUAL_READ_V2", "10")]:
        assert client.put(f"/admin/flags/{name}", json={"value": value}, headers=ADMIN).status_code == 200


def test_firing_alert_steps_back_once_and_pages(make_settings: Callable[..., Settings], engine: Engine,
                                               clock: FrozenClock, receiver: Receiver) -> None:
    services = services_with_pager(make_settings, engine, clock, receiver)
    with client_for(services) as client:
        to_p2(client)
        r = client.post("/admin/alerts", json=PAYLOAD, headers=ADMIN)
        assert r.status_code == 200
        assert r.json()["action"] == "stepped_back" and r.json()["change"] == {"from": "P2", "to": "P1"}
        # at-least-once delivery: the same episode again does nothing
        again = client.post("/admin/alerts", json=PAYLOAD, headers=ADMIN).json()
        assert again["action"] == "duplicate"
        assert client.get("/admin/phase", headers=ADMIN).json()["phase"] == "P1"

        # a new episode of the same alert inside the cool-down is rate-limited
        later = copy.deepcopy(PAYLOAD)
        later["alerts"][0]["startsAt"] = "2026-11-20T03:15:00.000Z"
        clock.advance(timedelta(minutes=5))
        assert client.post("/admin/alerts", json=later, headers=ADMIN).json()["action"] == "rate_limited"
        # after the cool-down, a new episode steps back once more; shadow data is kept
        later["alerts"][0]["startsAt"] = "2026-11-20T03:40:00.000Z"
        clock.advance(timedelta(minutes=30))
        assert client.post("/admin/alerts", json=later, headers=ADMIN).json()["change"] == {"from": "P1", "to": "P0"}

        resolved = copy.deepcopy(PAYLOAD)
        for a in resolved["alerts"]:
            a["status"] = "resolved"
        clock.advance(timedelta(minutes=30))
        assert client.post("/admin/alerts", json=resolved, headers=ADMIN).json()["action"] == "ignored"
        assert client.post("/admin/alerts", json=PAYLOAD).status_code == 401

    paths = [p for p, _ in receiver.requests]
    assert paths.count("/v2/enqueue") == 2 and paths.count("/slack") == 2
    pd = next(b for p, b in receiver.requests if p == "/v2/enqueue")
    assert pd["routing_key"] == "rk-1" and pd["event_action"] == "trigger"
    assert "P2 -> P1" in pd["payload"]["summary"] and pd["payload"]["severity"] == "critical"
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(AlertReceipt)) == 3
        causes = [e.cause for e in s.scalars(select(PhaseEvent).where(PhaseEvent.cause == "alert"))]
    assert causes == ["alert", "alert"]


def test_p2_rollback_invalidates_adapter_cache_and_reports_checks(
        make_settings: Callable[..., Settings], engine: Engine, clock: FrozenClock, receiver: Receiver) -> None:
    services = services_with_pager(make_settings, engine, clock, receiver)
    with client_for(services) as client:
        to_p2(client)
        before = services.migration.flags
        with session_scope(engine) as s:
            gen0 = before.snapshot(s).cache_generation
        report = client.post("/admin/phase/rollback", json={"why": "visual regression"}, headers=ADMIN).json()
    assert (report["from"], report["to"]) == ("P2", "P1")
    assert set(report["report"]["checks"]) == {"metrics_smoke", "shadow_diff_check"}
    assert report["report"]["checks"]["metrics_smoke"]["ok"] is True
    with session_scope(engine) as s:
        assert before.snapshot(s).cache_generation == gen0 + 1
        assert before.snapshot(s).value("DUAL_READ_V2") == 0


def test_nps_drop_of_three_points_steps_back(make_settings: Callable[..., Settings], engine: Engine,
                                             clock: FrozenClock, receiver: Receiver) -> None:
    services = services_with_pager(make_settings, engine, clock, receiver)
    with client_for(services) as client:
        client.put("/admin/flags/NORMALIZE_V2_SHADOW", json={"value": "on"}, headers=ADMIN)
        for score in (41, 43):  # P0 baseline 42
            assert client.post("/admin/nps", json={"score": score}, headers=ADMIN).json()["stepped_back"] is False
        clock.advance(timedelta(days=1))
        client.put("/admin/flags/DUAL_WRITE_V2", json={"value": "on"}, headers=ADMIN)
        d = client.post("/admin/nps", json={"score": 40}, headers=ADMIN).json()
        assert d == {"phase": "P1", "baseline": 42.0, "current": 40.0, "samples": 1, "stepped_back": False}
        d = client.post("/admin/nps", json={"score": 38}, headers=ADMIN).json()  # mean 39: exactly -3
        assert d["stepped_back"] is True
        assert client.get("/admin/phase", headers=ADMIN).json()["phase"] == "P0"
        assert client.post("/admin/nps", json={"score": 500}, headers=ADMIN).status_code == 422
    assert any(p == "/slack" for p, _ in receiver.requests)
