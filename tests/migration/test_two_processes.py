"""Two API processes and two workers on one PostgreSQL (SPEC §2's layout): writes in P0 and P2 from
several threads, then the workers drain. Every log version has exactly one shadow row and one diff
row, no job is lost or left undone, and every accepted log is stored once."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from meallog.store.db import make_engine, session_scope
from meallog.store.migrate import upgrade
from meallog.store.models import Diff, LogKey, OutboxJob, ShadowRecord
from tests import pg
from tests.migration.helpers import MEALS
from tests.serving import add_user_token, serve_command, wait_until

ADMIN = "two-processes-admin"
POSTS_PER_PHASE = 120
THREADS = 4


def put_flag(http: httpx.Client, name: str, value: str) -> None:
    r = http.put(f"/admin/flags/{name}", json={"value": value, "why": "two processes test"},
                 headers={"Authorization": f"Bearer {ADMIN}"})
    assert r.status_code == 200, r.text


def workers(url: str, tmp_path: Path, n: int) -> list[subprocess.Popen[bytes]]:
    env = {**os.environ, "DATABASE_URL": url, "AI_PROVIDER": "offline"}
    procs = []
    for i in range(n):
        with open(tmp_path / f"worker{i}.log", "wb") as log:  # the child keeps its own copy of the file
            procs.append(subprocess.Popen([sys.executable, "-m", "meallog.cli.main", "worker", "--batch", "20"],
                                          env=env, stdout=subprocess.DEVNULL, stderr=log))
    return procs


@pytest.mark.slow
@pytest.mark.pg
def test_two_api_processes_and_two_workers(pg_admin_url: str, tmp_path: Path) -> None:
    with pg.fresh_database(pg_admin_url) as url:
        engine = make_engine(url)
        upgrade(engine)
        tokens = [add_user_token(engine, f"eater-{i}") for i in range(3)]
        procs = workers(url, tmp_path, 2)
        keys = itertools.count()
        try:
            with serve_command(url, tmp_path, "--workers", "2", "--no-worker", "--no-scheduler",
                               env={"MEALLOG_ADMIN_TOKEN": ADMIN, "MEALLOG_DUAL_READ_COMPARE_SAMPLE": "1"}
                               ) as (_serve, base), httpx.Client(base_url=base, timeout=60) as admin:

                def write(i: int) -> tuple[int, int]:
                    token = tokens[i % len(tokens)]
                    h = {"Authorization": f"Bearer {token}", "Idempotency-Key": f"k-{next(keys)}"}
                    with httpx.Client(base_url=base, timeout=60) as http:
                        r = http.post("/logs", json={"text": MEALS[i % len(MEALS)]}, headers=h)
                        if r.status_code == 201 and i % 5 == 0:  # a second version of some logs
                            edit = http.patch(f"/logs/{r.json()['id']}", json={"text": MEALS[(i + 1) % len(MEALS)]},
                                              headers={"Authorization": f"Bearer {token}"})
                            assert edit.status_code == 200, edit.text
                        if i % 7 == 0:  # in P2, reads through the adapter are compared by the workers
                            day = http.get("/logs", params={"date": r.json()["local_date"]},
                                           headers={"Authorization": f"Bearer {token}"})
                            assert day.status_code == 200, day.text
                        return r.status_code, r.json().get("id", -1)

                statuses: Counter[int] = Counter()
                with ThreadPoolExecutor(max_workers=THREADS) as pool:
                    put_flag(admin, "NORMALIZE_V2_SHADOW", "on")  # P0
                    statuses.update(s for s, _ in pool.map(write, range(POSTS_PER_PHASE)))
                    put_flag(admin, "DUAL_WRITE_V2", "on")  # P1
                    for share in ("10", "50", "100"):  # P2, every user reading through the adapter
                        put_flag(admin, "DUAL_READ_V2", share)
                    statuses.update(s for s, _ in pool.map(write, range(POSTS_PER_PHASE, 2 * POSTS_PER_PHASE)))
                assert statuses == {201: 2 * POSTS_PER_PHASE}

            def drained() -> bool:
                with session_scope(engine) as s:
                    return not s.scalar(select(func.count()).select_from(OutboxJob).where(OutboxJob.state != "done"))

            wait_until(drained, 180, "two workers drain the outbox")
        finally:
            for p in procs:
                p.send_signal(signal.SIGTERM)
            for p in procs:
                p.wait(timeout=30)

        with session_scope(engine) as s:
            logs = s.execute(select(LogKey.id, LogKey.version, LogKey.created_phase)).all()
            shadow = Counter(s.execute(select(ShadowRecord.log_id, ShadowRecord.log_version,
                                              ShadowRecord.pipeline_version)).all())
            diffs = Counter(s.execute(select(Diff.log_id, Diff.log_version, Diff.pipeline_version)).all())
            jobs = Counter(s.execute(select(OutboxJob.kind, OutboxJob.state)).all())
        engine.dispose()

    assert len(logs) == 2 * POSTS_PER_PHASE  # every accepted log stored once
    assert {phase for _, _, phase in logs} == {"P0", "P2"}
    assert max(shadow.values()) == 1 and max(diffs.values()) == 1  # no duplicate per (log, version, pipeline)
    expected = {(log_id, v) for log_id, version, _ in logs for v in range(1, version + 1)}
    assert {(log_id, v) for log_id, v, _ in shadow} == expected  # no lost job: every version measured
    assert {(log_id, v) for log_id, v, _ in diffs} == expected
    assert sum(1 for _, version, _ in logs if version == 2) == 2 * POSTS_PER_PHASE // 5
    assert {state for _, state in jobs} == {"done"}
    assert jobs[("shadow", "done")] == len(expected) and jobs[("compare", "done")] > 0, jobs
