"""What was seen in "Phase correctness" (issue 8), one test each: a user reads exactly what they last
wrote, whatever the phase and whichever way it moves; the harness never acts on the wrong signal."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy import Engine, select, text
from typer.testing import CliRunner

from meallog.cli.main import app as cli
from meallog.clock import FrozenClock
from meallog.migration.paths import Guard
from meallog.migration.shadow import compute_v2
from meallog.settings import Settings
from meallog.store.db import session_scope
from meallog.store.models import Diff, MealLog
from tests.migration.helpers import ADMIN, client_for, make_services

P3_FLAGS = (("NORMALIZE_V2_SHADOW", "on"), ("DUAL_WRITE_V2", "on"), ("DUAL_READ_V2", "10"),
            ("DUAL_READ_V2", "50"), ("DUAL_READ_V2", "100"), ("SWITCH_V2", "on"))


def walk(client: Any, flags: tuple[tuple[str, str], ...]) -> None:
    for name, value in flags:
        r = client.put(f"/admin/flags/{name}", json={"value": value, "why": "test"}, headers=ADMIN)
        assert r.status_code == 200, r.text


def rollback(client: Any) -> dict[str, Any]:
    r = client.post("/admin/phase/rollback", json={"why": "test"}, headers=ADMIN)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_p3_edit_moving_a_log_to_another_day_lists_it_once(make_settings: Callable[..., Settings], engine: Engine,
                                                           clock: FrozenClock, add_user: Callable[..., str]) -> None:
    services = make_services(make_settings(), engine, clock)
    h = {"Authorization": f"Bearer {add_user()}"}
    with client_for(services) as client:
        walk(client, P3_FLAGS[:2])  # P1: the log has a legacy row and a v2 record
        log = client.post("/logs", json={"text": "納豆 1パック", "eaten_at": "2026-11-20T08:00:00"}, headers=h).json()
        walk(client, P3_FLAGS[2:])  # P3
        r = client.patch(f"/logs/{log['id']}", json={"eaten_at": "2026-11-21T08:00:00"}, headers=h)
        assert r.status_code == 200 and r.json()["local_date"] == "2026-11-21"
        before = client.get("/days/2026-11-20", headers=h).json()
        after = client.get("/days/2026-11-21", headers=h).json()
    assert before["count"] == 0 and before["logs"] == []
    assert after["count"] == 1 and [x["id"] for x in after["logs"]] == [log["id"]]
    assert after["totals"]["kcal"] == after["logs"][0]["totals"]["kcal"]


def test_back_to_p0_then_edit_then_p1_never_serves_the_stale_v2_record(
        make_settings: Callable[..., Settings], engine: Engine, clock: FrozenClock, add_user: Callable[..., str],
        db_url: str) -> None:
    services = make_services(make_settings(), engine, clock)
    h = {"Authorization": f"Bearer {add_user()}"}
    with client_for(services) as client:
        walk(client, P3_FLAGS[:2])
        log = client.post("/logs", json={"text": "納豆 1パック", "eaten_at": "2026-11-20T08:00:00"}, headers=h).json()
        assert CliRunner().invoke(cli, ["backfill"], env={"DATABASE_URL": db_url}).exit_code == 0  # as the runbook
        rollback(client)  # P1 -> P0: the v2 record stays at version 1
        clock.advance(timedelta(minutes=1))
        client.patch(f"/logs/{log['id']}", json={"text": "カレーライス 1皿", "eaten_at": "2026-11-21T12:00:00"},
                     headers=h)
        client.delete(f"/logs/{log['id']}", headers=h)
        walk(client, P3_FLAGS[1:2])  # P1 again
        result = CliRunner().invoke(cli, ["backfill"], env={"DATABASE_URL": db_url})
        assert result.exit_code == 0, result.output
        walk(client, P3_FLAGS[2:])  # P3
        body = client.get(f"/logs/{log['id']}", headers=h).json()
        day = client.get("/days/2026-11-20", headers=h).json()
        moved = client.get("/days/2026-11-21", headers=h).json()
    assert body["text"] == "カレーライス 1皿" and body["deleted_at"] is not None and body["version"] == 3
    assert day["count"] == 0 and moved["count"] == 0  # deleted: on no day


class FlakyFlagStore:
    """A flag store that starts failing once told to: the phase must not fall back to OFF."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.failing = inner, False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def snapshot(self, s: Any) -> Any:
        if self.failing:
            raise RuntimeError("feature service unavailable")
        return self.inner.snapshot(s)


def test_a_flag_store_error_keeps_the_last_good_phase(make_settings: Callable[..., Settings], engine: Engine,
                                                      clock: FrozenClock, add_user: Callable[..., str]) -> None:
    services = make_services(make_settings(), engine, clock)
    h = {"Authorization": f"Bearer {add_user()}"}
    with client_for(services) as client:
        walk(client, P3_FLAGS)
        log = client.post("/logs", json={"text": "納豆 1パック"}, headers=h).json()
        flaky = FlakyFlagStore(services.migration.flags)
        services.migration.fence.flags = flaky  # type: ignore[assignment]
        services.migration.features.store = flaky  # type: ignore[assignment]
        services.migration.snapshots.invalidate()
        flaky.failing = True
        with engine.begin() as conn:  # another process changed a flag: this one must reload, and cannot
            conn.execute(text("UPDATE migration_state SET epoch = epoch + 1"))
        r = client.patch(f"/logs/{log['id']}", json={"text": "カレーライス 1皿"}, headers=h)
        assert r.status_code == 200, r.text
        body = client.get(f"/logs/{log['id']}", headers=h).json()
    assert body["text"] == "カレーライス 1皿" and body["source"] == "adapter"
    assert services.metrics.registry.get_sample_value(
        "meal_log_flag_errors_total", {**services.metrics.labels.as_dict(), "source": "store"}) >= 1


def test_p3_update_keeps_the_guard_budget(make_settings: Callable[..., Settings], engine: Engine,
                                          clock: FrozenClock, add_user: Callable[..., str]) -> None:
    release = threading.Event()
    hang = {"on": False}

    def compute(*a: Any, **kw: Any) -> Any:
        if hang["on"]:
            release.wait(10)
        return compute_v2(*a, **kw)

    services = make_services(make_settings(), engine, clock, compute=compute, guard=Guard(budget_s=0.05))
    h = {"Authorization": f"Bearer {add_user()}"}
    try:
        with client_for(services) as client:
            walk(client, P3_FLAGS)
            log = client.post("/logs", json={"text": "納豆 1パック"}, headers=h).json()
            hang["on"] = True
            started = time.monotonic()
            r = client.patch(f"/logs/{log['id']}", json={"text": "カレーライス 1皿"}, headers=h)
            waited = time.monotonic() - started
            hang["on"] = False
            body = client.get(f"/logs/{log['id']}", headers=h).json()
    finally:
        release.set()
    assert r.status_code == 200, r.text
    assert waited < 5  # the hang lasts 10 s; the budget is 50 ms (a generous bound, not a timing claim)
    assert body["text"] == "カレーライス 1皿" and body["version"] == 2


def test_the_shadow_measures_every_version_even_when_the_worker_lags(
        make_settings: Callable[..., Settings], engine: Engine, clock: FrozenClock,
        add_user: Callable[..., str]) -> None:
    services = make_services(make_settings(), engine, clock)
    h = {"Authorization": f"Bearer {add_user()}"}
    with client_for(services) as client:
        walk(client, P3_FLAGS[:1])  # P0
        log = client.post("/logs", json={"text": "納豆 1パック"}, headers=h).json()
        for text in ("カレーライス 1皿", "牛丼 1杯", "banana"):
            clock.advance(timedelta(minutes=1))
            client.patch(f"/logs/{log['id']}", json={"text": text}, headers=h)
    services.worker.drain()  # the worker runs only now: four versions are waiting
    with session_scope(engine) as s:
        rows = {d.log_version: d for d in s.scalars(select(Diff).where(Diff.log_id == log["id"]))}
    assert sorted(rows) == [1, 2, 3, 4]
    assert len({round(r.legacy_totals["kcal"]) for r in rows.values()}) == 4  # each measured its own text


def test_patch_on_a_deleted_log_is_refused(make_settings: Callable[..., Settings], engine: Engine,
                                           clock: FrozenClock, add_user: Callable[..., str]) -> None:
    services = make_services(make_settings(), engine, clock)
    h = {"Authorization": f"Bearer {add_user()}"}
    with client_for(services) as client:
        seen = []
        for flags in ((), P3_FLAGS[:2], P3_FLAGS[2:]):  # OFF, P1, P3
            walk(client, flags)
            log = client.post("/logs", json={"text": "納豆 1パック"}, headers=h).json()
            client.delete(f"/logs/{log['id']}", headers=h)
            r = client.patch(f"/logs/{log['id']}", json={"text": "カレーライス 1皿"}, headers=h)
            body = client.get(f"/logs/{log['id']}", headers=h).json()
            seen.append((r.status_code, r.headers["content-type"], body["text"], body["version"]))
    assert seen == [(409, "application/problem+json", "納豆 1パック", 2)] * 3


def firing(payload: dict[str, Any], **labels: str) -> dict[str, Any]:
    alert = {"status": "firing", "labels": {"alertname": "MealLogShadowDiffBreachBurst", "severity": "page",
                                             **labels},
             "startsAt": "2026-11-20T02:55:00Z", "fingerprint": "f" + "".join(sorted(labels.values()))}
    return {**payload, "version": "4", "status": "firing", "alerts": [alert]}


def test_an_alert_of_another_env_is_ignored(make_settings: Callable[..., Settings], engine: Engine,
                                            clock: FrozenClock) -> None:
    services = make_services(make_settings(metric_env="local"), engine, clock)
    with client_for(services) as client:
        walk(client, P3_FLAGS[:2])
        answer = client.post("/admin/alerts", json=firing({}, env="prod"), headers=ADMIN).json()
        phase = client.get("/admin/phase", headers=ADMIN).json()["phase"]
    assert answer["action"] == "ignored_env" and "prod" in answer["detail"]
    assert phase == "P1"


def test_an_alert_rate_limited_in_the_cooldown_acts_when_redelivered_after_it(
        make_settings: Callable[..., Settings], engine: Engine, clock: FrozenClock) -> None:
    services = make_services(make_settings(metric_env="local"), engine, clock)
    with client_for(services) as client:
        walk(client, P3_FLAGS[:2])
        first = client.post("/admin/alerts", json=firing({}, env="local", team="a"), headers=ADMIN).json()
        clock.advance(timedelta(minutes=1))
        second = client.post("/admin/alerts", json=firing({}, env="local", team="b"), headers=ADMIN).json()
        clock.advance(timedelta(minutes=2))
        again = client.post("/admin/alerts", json=firing({}, env="local", team="b"), headers=ADMIN).json()
        clock.advance(timedelta(minutes=10))
        after = client.post("/admin/alerts", json=firing({}, env="local", team="b"), headers=ADMIN).json()
        once_more = client.post("/admin/alerts", json=firing({}, env="local", team="b"), headers=ADMIN).json()
        phase = client.get("/admin/phase", headers=ADMIN).json()["phase"]
    assert [first["action"], second["action"], again["action"], after["action"], once_more["action"]] == \
        ["stepped_back", "rate_limited", "rate_limited", "stepped_back", "duplicate"]
    assert phase == "OFF"


def test_switch_needs_the_full_ramp(make_settings: Callable[..., Settings], engine: Engine,
                                    clock: FrozenClock) -> None:
    services = make_services(make_settings(), engine, clock)
    with client_for(services) as client:
        walk(client, P3_FLAGS[:3])  # P2 at 10 %
        early = client.put("/admin/flags/SWITCH_V2", json={"value": "on", "why": "x"}, headers=ADMIN)
        jump = client.put("/admin/flags/DUAL_READ_V2", json={"value": "100", "why": "x"}, headers=ADMIN)
        unforced = client.put("/admin/flags/DUAL_READ_V2", json={"value": "100", "force": True}, headers=ADMIN)
        forced = client.put("/admin/flags/DUAL_READ_V2", json={"value": "100", "force": True, "why": "incident 7"},
                            headers=ADMIN)
    assert early.status_code == 409 and "100" in early.json()["detail"]
    assert jump.status_code == 409 and "50" in jump.json()["detail"]
    assert unforced.status_code == 422 and unforced.json()["errors"][0]["field"] == "why"
    assert forced.status_code == 200


def test_rollback_with_a_failing_check_exits_non_zero_and_says_what_next(
        make_settings: Callable[..., Settings], engine: Engine, clock: FrozenClock, db_url: str) -> None:
    runner = CliRunner()
    env = {"DATABASE_URL": db_url, "PAGERDUTY_EVENTS_URL": "", "SLACK_WEBHOOK_URL": ""}
    for name, value in P3_FLAGS[:2]:
        assert runner.invoke(cli, ["flags", "set", name, value, "--why", "test"], env=env).exit_code == 0
    with structlog.testing.capture_logs() as logs:
        # nothing listens on port 9: the /metrics smoke check fails
        result = runner.invoke(cli, ["phase", "rollback", "--why", "drill", "--url", "http://127.0.0.1:9"], env=env)
    assert "P1 -> P0" in result.output and "FAILED" in result.output
    assert result.exit_code == 6, result.output
    assert "next:" in result.output.lower()
    assert "no pager configured" in result.output.lower()
    assert any(e["event"] == "rollback not paged" and e["log_level"] == "warning" for e in logs), logs
    with session_scope(engine) as s:
        assert s.scalar(select(MealLog.id).limit(1)) is None  # nothing else happened


def test_every_phase_change_logs_a_warning_with_cause_actor_and_reason(
        make_settings: Callable[..., Settings], engine: Engine, clock: FrozenClock) -> None:
    services = make_services(make_settings(), engine, clock)
    with client_for(services) as client, structlog.testing.capture_logs() as logs:
        walk(client, P3_FLAGS[:2])
        answer = client.post("/admin/alerts", json=firing({}, env="local"), headers=ADMIN).json()
    changes = [e for e in logs if e["event"] == "phase change"]
    assert [(e["log_level"], e["from_phase"], e["to_phase"], e["cause"]) for e in changes] == [
        ("warning", "OFF", "P0", "manual"), ("warning", "P0", "P1", "manual"), ("warning", "P1", "P0", "alert")]
    assert changes[-1]["actor"] == "alertmanager" and changes[-1]["reason"] == "MealLogShadowDiffBreachBurst"
    assert answer["paged"] is False and "no pager configured" in answer["detail"]
