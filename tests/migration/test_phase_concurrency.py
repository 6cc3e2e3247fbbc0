"""Concurrent writers over HTTP on PostgreSQL while the phase moves P2 -> P3 -> P2 -> P1.

Eight clients create, edit, move, delete and restore their own logs through a real uvicorn server
while the admin API switches to P3 and steps back twice. Afterwards every acknowledged write reads
back as acknowledged (text, day, deletion, version), each log is listed once on its day, and
`reconcile` finds nothing missing, stale or ahead. The fence is what makes this hold: a write of
the phase being left either commits before the transition (and the back-write sees it) or runs
after it under the new phase.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from meallog.app import build_services, create_app
from meallog.clock import SystemClock
from meallog.migration.backfill import reconcile
from meallog.migration.phases import Phase
from meallog.migration.write_path import v2_options
from meallog.settings import Settings
from meallog.store.db import make_engine, session_scope
from meallog.users import add_user
from tests.migration.helpers import ADMIN
from tests.serving import serve

pytestmark = pytest.mark.pg

WRITERS = 8
TEXTS = ("ご飯 1杯と味噌汁", "納豆 1パック", "カレーライス 1皿", "2 eggs, toast with butter", "banana")
DAYS = ("2026-11-19", "2026-11-20", "2026-11-21")
# (seconds after the writers start, admin call); the writers run until the last move plus a margin
MOVES = ((1.5, ("PUT", "/admin/flags/SWITCH_V2", {"value": "on", "why": "load test"})),
         (3.5, ("POST", "/admin/phase/rollback", {"why": "load test"})),
         (5.5, ("POST", "/admin/phase/rollback", {"why": "load test"})))
RUN_S = 7.0


@dataclass
class Writer:
    token: str
    rng: random.Random
    acked: dict[int, dict[str, Any]] = field(default_factory=dict)
    ops: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def h(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def step(self, http: httpx.Client) -> None:
        live = [k for k, v in self.acked.items() if v["deleted_at"] is None]
        dead = [k for k, v in self.acked.items() if v["deleted_at"] is not None]
        roll = self.rng.random()
        if not self.acked or roll < 0.3:
            op, r = "create", http.post("/logs", headers=self.h(), json={
                "text": self.rng.choice(TEXTS), "eaten_at": f"{self.rng.choice(DAYS)}T12:00:00"})
        elif live and roll < 0.55:
            op, r = "edit", http.patch(f"/logs/{self.rng.choice(live)}", headers=self.h(),
                                       json={"text": self.rng.choice(TEXTS)})
        elif live and roll < 0.7:
            op, r = "move", http.patch(f"/logs/{self.rng.choice(live)}", headers=self.h(),
                                       json={"eaten_at": f"{self.rng.choice(DAYS)}T19:00:00"})
        elif live and roll < 0.85:
            op, r = "delete", http.delete(f"/logs/{self.rng.choice(live)}", headers=self.h())
        elif dead:
            op, r = "restore", http.post(f"/logs/{self.rng.choice(dead)}/restore", headers=self.h())
        else:
            return
        if r.status_code not in (200, 201):
            self.errors.append(f"{op} {r.status_code} {r.text[:200]}")
            return
        body = r.json()
        self.acked[body["id"]] = body
        self.ops[op] += 1


@pytest.fixture
def pg_engine(pg_database_url: str) -> Iterator[Engine]:
    from tests.conftest import _truncate_all

    _truncate_all(pg_database_url)
    engine = make_engine(pg_database_url, pool_size=WRITERS + 4)
    yield engine
    engine.dispose()


def test_writes_acknowledged_while_the_phase_moves_are_never_lost(pg_engine: Engine) -> None:
    engine = pg_engine
    settings = Settings.model_validate({"database_url": engine.url.render_as_string(hide_password=False),
                                        "admin_token": "admin-secret", "run_worker": False, "run_scheduler": False})
    services = build_services(settings, engine=engine, clock=SystemClock(), snapshot_ttl_s=0.5)
    with session_scope(services.sessions) as s:
        tokens = [add_user(s, name=f"w{i}", now=SystemClock().now())[1] for i in range(WRITERS)]
    writers = [Writer(token, random.Random(i)) for i, token in enumerate(tokens)]
    stop = threading.Event()
    moves: list[tuple[float, int, str]] = []

    with serve(create_app(settings, services=services)) as base, \
            httpx.Client(base_url=base, timeout=60) as admin:
        for name, value in (("NORMALIZE_V2_SHADOW", "on"), ("DUAL_WRITE_V2", "on"), ("DUAL_READ_V2", "10"),
                            ("DUAL_READ_V2", "50"), ("DUAL_READ_V2", "100")):
            assert admin.put(f"/admin/flags/{name}", json={"value": value, "why": "setup"},
                             headers=ADMIN).status_code == 200

        def run(w: Writer) -> None:
            with httpx.Client(base_url=base, timeout=60) as http:
                while not stop.is_set():
                    w.step(http)

        threads = [threading.Thread(target=run, args=(w,)) for w in writers]
        started = time.monotonic()
        for t in threads:
            t.start()
        for at, (method, path, body) in MOVES:
            time.sleep(max(0.0, at - (time.monotonic() - started)))
            r = admin.request(method, path, json=body, headers=ADMIN)
            moves.append((round(time.monotonic() - started, 2), r.status_code, r.text[:300]))
        time.sleep(max(0.0, RUN_S - (time.monotonic() - started)))
        stop.set()
        for t in threads:
            t.join(timeout=60)

        assert [m[1] for m in moves] == [200, 200, 200], moves
        phase = admin.get("/admin/phase", headers=ADMIN).json()["phase"]
        assert phase == "P1"
        services.worker.drain()

        # every acknowledged write reads back exactly as acknowledged, and is listed once on its day
        wrong = []
        with httpx.Client(base_url=base, timeout=60) as http:
            for w in writers:
                for log_id, body in w.acked.items():
                    got = http.get(f"/logs/{log_id}", headers=w.h()).json()
                    keys = ("text", "local_date", "deleted_at", "version")
                    if {k: got.get(k) for k in keys} != {k: body[k] for k in keys}:
                        wrong.append((log_id, body, got))
                for day in DAYS:
                    listed = [x["id"] for x in http.get(f"/days/{day}", headers=w.h()).json()["logs"]]
                    want = sorted(k for k, v in w.acked.items() if v["local_date"] == day and not v["deleted_at"])
                    if sorted(listed) != want:
                        wrong.append((day, listed, want))

    with session_scope(services.sessions) as s:
        report = reconcile(s, pipeline_version=settings.shadow_pipeline_version,
                           options=v2_options(services.migration.flags.snapshot(s)), fix=False,
                           now=SystemClock().now(), phase=Phase.P1)
    ops = sum((w.ops for w in writers), Counter())
    logs = sum(len(w.acked) for w in writers)
    print(f"\nconcurrency: {WRITERS} writers, {sum(ops.values())} acknowledged writes {dict(ops)} on {logs} logs; "
          f"moves {moves}; wrong {len(wrong)}; reconcile {report.counts}")
    assert [e for w in writers for e in w.errors] == []
    assert wrong == []
    assert report.issues == [] and report.pending_back_write == 0
    assert ops["create"] > 20 and ops["edit"] + ops["move"] + ops["delete"] + ops["restore"] > 20
