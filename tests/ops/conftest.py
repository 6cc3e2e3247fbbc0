"""Fixtures for the shadow data operations: seeded months, an archive folder, a real S3 on loopback."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session, sessionmaker

from meallog.clock import FrozenClock
from meallog.observability.metrics import CommonLabels, Metrics
from meallog.ops.partitions import Month
from meallog.ops.scheduler import OpsScheduler
from meallog.ops.store import ObjectStore
from meallog.store.db import Base, make_sessionmaker, session_scope

LABELS = CommonLabels(env="prod", shadow_version="v2.0.0", ai_provider="offline", model="offline", app_version="0.1.0")
NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # 12:00 JST; Sep and Oct 2026 are closed months


@pytest.fixture
def metrics() -> Metrics:
    return Metrics(labels=LABELS, registry=CollectorRegistry())


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_sessionmaker(engine)


@pytest.fixture
def archive_store(tmp_path: Path) -> ObjectStore:
    return ObjectStore.from_url(f"file://{tmp_path}/archive")


def shadow_row(i: int, at: datetime) -> dict[str, Any]:
    return {"log_id": i, "log_version": 1, "pipeline_version": "v2.0.0", "user_id": 1 + i % 7,
            "record": {"items": [{"name": "ご飯", "grams": 150 + i % 50}], "i": i},
            "totals": {"kcal": 252.0 + i % 13, "protein_g": 3.75}, "created_at": at}


def diff_row(i: int, at: datetime) -> dict[str, Any]:
    row: dict[str, Any] = {"ts": at, "log_id": i, "log_version": 1, "user_id": 1 + i % 7, "pipeline_version": "v2.0.0",
                           "local_date": at.date() if i % 5 else None, "legacy_totals": {"kcal": 250.0},
                           "v2_totals": {"kcal": 252.0 + i % 13}, "breach": i % 11 == 0,
                           "breach_fields": "kcal" if i % 11 == 0 else "", "unknown_kinds": "",
                           "item_count": 1 + i % 3, "unknown_count": 0, "ignore_rule_id": None,
                           "triage": "accepted_change" if i % 17 == 0 else None,
                           "triage_note": "改行\nと \"引用\", カンマ" if i % 17 == 0 else None}
    for f in ("kcal", "protein_g", "fat_g", "carbs_g"):
        row[f"{f}_abs"], row[f"{f}_rel"] = (i % 13) * 1.1, (i % 13) / 250.0
    return row


def seed_month(engine: Engine, month: Month, n: int, *, start: int = 1, chunk: int = 5_000) -> None:
    """n shadow rows and n diff rows spread over `month`."""
    span = (month.end - month.start).total_seconds()
    shadow, diffs = Base.metadata.tables["meal_logs_v2_shadow"], Base.metadata.tables["diffs"]
    for lo in range(start, start + n, chunk):
        ids = range(lo, min(lo + chunk, start + n))
        ats = [month.start + timedelta(seconds=int(span * ((i * 7919) % n) / n)) for i in ids]
        with engine.begin() as conn:
            conn.execute(insert(shadow), [shadow_row(i, at) for i, at in zip(ids, ats, strict=True)])
            conn.execute(insert(diffs), [diff_row(i, at) for i, at in zip(ids, ats, strict=True)])


@pytest.fixture
def seed(engine: Engine) -> Callable[..., None]:
    def _seed(month: str, n: int, start: int = 1) -> None:
        seed_month(engine, Month.parse(month), n, start=start)

    return _seed


def month_rows(engine: Engine, name: str, month: str) -> list[tuple[Any, ...]]:
    table = Base.metadata.tables[name]
    col = table.c["created_at" if name == "meal_logs_v2_shadow" else "ts"]
    m = Month.parse(month)
    with session_scope(engine) as s:
        return [tuple(r) for r in s.execute(select(table).where(col >= m.start, col < m.end).order_by(table.c.id))]


@pytest.fixture
def ops(sessions: sessionmaker[Session], metrics: Metrics, archive_store: ObjectStore) -> Callable[..., OpsScheduler]:
    def _make(now: datetime = NOW, store: ObjectStore | None = None) -> OpsScheduler:
        return OpsScheduler(sessions=sessions, clock=FrozenClock(now), metrics=metrics, store=store or archive_store)

    return _make


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class MotoServer:
    """moto's standalone S3 server on a loopback port, as a child process of the test."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(self.url, timeout=1.0)
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("moto server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None


@pytest.fixture(scope="session")
def moto_s3() -> Iterator[MotoServer]:
    pytest.importorskip("moto")
    server = MotoServer()
    server.start()
    yield server
    server.stop()


S3_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture
def s3_store(moto_s3: MotoServer, monkeypatch: pytest.MonkeyPatch) -> ObjectStore:
    for k, v in S3_ENV.items():
        monkeypatch.setenv(k, v)
    bucket = f"meallog-archive-{uuid.uuid4().hex[:12]}"
    httpx.put(f"{moto_s3.url}/{bucket}", timeout=10.0).raise_for_status()
    return ObjectStore.from_url(f"s3://{bucket}/shadow", endpoint_url=moto_s3.url, skip_instance_cache=True)


def read_manifest(store: ObjectStore, name: str, month: str) -> dict[str, Any]:
    return json.loads(store.read_bytes(f"{name}/{month}/manifest.json"))  # type: ignore[no-any-return]

