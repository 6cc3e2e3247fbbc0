"""Dual-read mismatches: structural vs nutrition, stored once per (log, version), counted, listed."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, date, datetime

from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from meallog.app import create_app
from meallog.cli.main import app as cli
from meallog.clock import FrozenClock
from meallog.logs.service import LogView
from meallog.migration.diff import Thresholds
from meallog.migration.read_mismatch import classify, record_read_mismatch
from meallog.observability.metrics import CommonLabels, Metrics
from meallog.settings import Settings
from meallog.store.db import session_scope
from meallog.store.models import ReadMismatch
from tests.migration.helpers import ADMIN, make_services

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
LEGACY = LogView(id=7, text="ご飯 1杯", eaten_at=NOW, local_date=date(2026, 11, 20), meal_type="lunch",
                 items=[{"name": "ご飯"}], totals={"kcal": 234.0, "protein_g": 3.8, "fat_g": 0.5, "carbs_g": 55.7},
                 deleted_at=None, created_at=NOW, updated_at=NOW, version=1)


def test_classify() -> None:
    t = Thresholds()
    assert classify(LEGACY, dataclasses.replace(LEGACY, source="adapter"), t) == (None, [])
    assert classify(LEGACY, dataclasses.replace(LEGACY, text="ご飯 2杯"), t)[0] == "structural"
    assert classify(LEGACY, dataclasses.replace(LEGACY, items=[]), t) == ("structural", ["items"])
    assert classify(LEGACY, dataclasses.replace(LEGACY, deleted_at=NOW), t) == ("structural", ["deleted"])
    assert classify(LEGACY, dataclasses.replace(LEGACY, local_date=date(2026, 11, 21)), t)[1] == ["local_date"]
    more = dataclasses.replace(LEGACY, totals={**LEGACY.totals, "kcal": 400.0})
    assert classify(LEGACY, more, t) == ("nutrition", ["totals.kcal"])
    assert classify(LEGACY, dataclasses.replace(more, meal_type="dinner"), t) == (
        "structural", ["meal_type", "totals.kcal"])


def test_stored_once_per_log_version_and_counted(engine: Engine) -> None:
    registry = CollectorRegistry()
    metrics = Metrics(labels=CommonLabels(env="local", shadow_version="v2.0.0", ai_provider="offline",
                                          model="offline", app_version="test"), registry=registry)
    adapted = dataclasses.replace(LEGACY, text="other", source="adapter")
    with session_scope(engine) as s:
        for _ in range(3):
            kind = record_read_mismatch(s, user_id=1, legacy=LEGACY, adapted=adapted, thresholds=Thresholds(),
                                        now=NOW, metrics=metrics)
            assert kind == "structural"
        v2 = dataclasses.replace(adapted, version=2, text=LEGACY.text, totals={**LEGACY.totals, "kcal": 999.0})
        assert record_read_mismatch(s, user_id=1, legacy=dataclasses.replace(LEGACY, version=2), adapted=v2,
                                    thresholds=Thresholds(), now=NOW, metrics=metrics) == "nutrition"
        assert record_read_mismatch(s, user_id=1, legacy=LEGACY, adapted=LEGACY, thresholds=Thresholds(),
                                    now=NOW, metrics=metrics) is None
    with session_scope(engine) as s:
        rows = [(r.log_id, r.log_version, r.kind) for r in s.scalars(select(ReadMismatch).order_by(ReadMismatch.id))]
    assert rows == [(7, 1, "structural"), (7, 2, "nutrition")]
    labels = {"env": "local", "shadow_version": "v2.0.0", "ai_provider": "offline", "model": "offline",
              "app_version": "test"}
    assert registry.get_sample_value("meal_log_read_mismatch_total", {**labels, "kind": "structural"}) == 1
    assert registry.get_sample_value("meal_log_read_mismatch_total", {**labels, "kind": "nutrition"}) == 1


def test_p2_reads_store_one_row_per_log_and_the_cli_lists_them(
    make_settings: Callable[..., Settings], engine: Engine, clock: FrozenClock, add_user: Callable[..., str],
    db_url: str,
) -> None:
    settings = make_settings(dual_read_v2=0, dual_read_compare_sample=1.0)  # compare every read
    services = make_services(settings, engine, clock)
    h = {"Authorization": f"Bearer {add_user()}"}
    with TestClient(create_app(settings, services=services)) as c:
        for name, value in (("NORMALIZE_V2_SHADOW", "on"), ("DUAL_WRITE_V2", "on"), ("DUAL_READ_V2", "10"),
                            ("DUAL_READ_V2", "50"), ("DUAL_READ_V2", "100")):
            assert c.put(f"/admin/flags/{name}", json={"value": value, "why": "test"}, headers=ADMIN).status_code == 200
        ids = [c.post("/logs", json={"text": f"ビール {n}缶"}, headers=h).json()["id"] for n in (1, 2, 3)]
        for _ in range(3):
            assert c.get("/logs", params={"date": "2026-11-20"}, headers=h).status_code == 200
            for i in ids:
                assert c.get(f"/logs/{i}", headers=h).status_code == 200
    services.worker.drain()  # the comparisons are the worker's (outbox kind `compare`), not the GET's
    with session_scope(engine) as s:
        per_log = dict(s.execute(select(ReadMismatch.log_id, func.count()).group_by(ReadMismatch.log_id)).all())
        kinds = set(s.scalars(select(ReadMismatch.kind)))
    assert per_log and all(n == 1 for n in per_log.values()), per_log
    assert kinds == {"nutrition"}
    r = CliRunner().invoke(cli, ["mismatches", "--since", "30d", "--json"], env={"DATABASE_URL": db_url})
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["counts"] == {"structural": 0, "nutrition": len(per_log)} and data["database"]
    assert {row["log_id"] for row in data["rows"]} == set(per_log)
