"""A worker killed with SIGKILL mid-batch loses no job and writes no duplicate shadow row."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from meallog.clock import SystemClock
from meallog.logs.schemas import LogCreate
from meallog.settings import Settings
from meallog.store.db import session_scope
from meallog.store.models import Diff, OutboxJob, ShadowRecord
from tests.migration.helpers import MEALS, make_services

N = 400


def states(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as s:
        rows = s.execute(select(OutboxJob.state, func.count()).group_by(OutboxJob.state)).all()
        return {state: n for state, n in rows}


def worker_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "meallog.cli.main", "worker", "--batch", "50", "--lease", "1", *args]


@pytest.mark.slow
def test_sigkill_mid_batch(make_settings: Callable[..., Settings], engine: Engine, db_url: str,
                           add_user: Callable[..., str], tmp_path: Path) -> None:
    services = make_services(make_settings(), engine, SystemClock())  # type: ignore[arg-type]
    add_user("eater")
    with session_scope(engine) as s:
        services.migration.control.set_flag(s, "NORMALIZE_V2_SHADOW", "on", actor="test", why=None,
                                            now=SystemClock().now())
    services.migration.snapshots.invalidate()
    for i in range(N):
        services.logs.create(user_id=1, payload=LogCreate(text=MEALS[i % len(MEALS)]), idempotency_key=None)
    assert states(engine) == {"pending": N}

    # v2 5 ms slower (test-only setting): a batch of 50 takes long enough to be caught mid-way
    env = {**os.environ, "DATABASE_URL": db_url, "MEALLOG_TEST_V2_FAULT": "slow"}
    log_path = tmp_path / "worker.log"
    with open(log_path, "wb") as log_file:
        proc = subprocess.Popen(worker_cmd(), env=env, stdout=subprocess.DEVNULL, stderr=log_file)
    try:
        deadline = time.monotonic() + 60
        while True:
            st = states(engine)
            if st.get("done", 0) > 0 and st.get("running", 0) >= 10:
                proc.send_signal(signal.SIGKILL)
                break
            assert proc.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, f"worker made no progress: {st}"
            time.sleep(0.005)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    after_kill = states(engine)
    assert after_kill.get("running", 0) > 0, after_kill  # jobs were leased by the dead worker
    assert after_kill.get("done", 0) < N

    # A fresh worker takes over the expired leases and finishes everything.
    deadline = time.monotonic() + 60
    while states(engine) != {"done": N}:
        assert time.monotonic() < deadline, states(engine)
        subprocess.run(worker_cmd("--once"), env={**env, "MEALLOG_TEST_V2_FAULT": ""}, check=True,
                       capture_output=True, timeout=120)
        time.sleep(0.2)

    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(ShadowRecord)) == N
        assert s.scalar(select(func.count()).select_from(Diff)) == N
        dupes = s.execute(select(ShadowRecord.log_id, ShadowRecord.log_version, ShadowRecord.pipeline_version)
                          .group_by(ShadowRecord.log_id, ShadowRecord.log_version, ShadowRecord.pipeline_version)
                          .having(func.count() > 1)).all()
        assert dupes == []
