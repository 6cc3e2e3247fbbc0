"""Under load, with faults: writes acknowledged while the worker dies, v2 raises and hangs, and the
API's PostgreSQL connections are terminated are each stored once, and every shadow job completes.

`meallog serve --no-worker` and a separate `meallog worker` run as real processes on loopback. A few
client threads POST (each with its own Idempotency-Key) and PATCH their own logs in P0, retrying on
connection errors and 5xx with the same key. While they run: the worker is SIGKILLed and another
started; a worker whose v2 raises, then one whose v2 hangs (the test-only MEALLOG_TEST_V2_FAULT); the
API's connections are terminated twice with `pg_terminate_backend`. Afterwards a healthy worker
drains the outbox, and:

- every acknowledged POST is stored once under its key, and no log exists that no POST acknowledged;
- every acknowledged PATCH is the log's last text, at a version no older than acknowledged;
- every shadow job is done (none dead, pending or running) and each (log, version) has exactly one
  shadow row and one diff row;
- no request got a 5xx outside the seconds after a `pg_terminate_backend` (the only fault here that
  reaches the API); each class of retry is counted and printed.

Each fault waits for the worker to be seen working (or failing) first, so a slow machine delays
the sequence instead of skipping a fault. Bounded: one sequence, at most 1,000 ops
(MEALLOG_LOAD_FAULTS_CYCLES=N runs the sequence N times, for a longer profile).
"""

from __future__ import annotations

import itertools
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, func, select, text

from meallog.store.db import make_engine, session_scope
from meallog.store.models import Diff, IngestRequest, MealLog, OutboxJob, ShadowRecord
from meallog.users import add_user
from tests.serving import free_port

pytestmark = [pytest.mark.pg, pytest.mark.slow]

CYCLES = int(os.environ.get("MEALLOG_LOAD_FAULTS_CYCLES", "1"))  # the fault sequence, this many times
MAX_OPS = 1000 * CYCLES  # a bound on the load whatever the machine's speed
STEP_TIMEOUT_S = 45.0  # each step of the sequence waits at most this long for what it waits for
CLIENTS = 4
TEXTS = ("ご飯 1杯と味噌汁", "納豆 1パック", "カレーライス 1皿", "2 eggs, toast with butter", "banana", "牛丼 1杯")
ADMIN = "admin-secret"
# A 5xx this long after a pg_terminate_backend is the fault's; any other 5xx fails the test.
TERMINATE_GRACE_S = 3.0


@dataclass
class Client:
    tid: int
    token: str
    rng: random.Random
    keys: dict[str, int] = field(default_factory=dict)  # acknowledged Idempotency-Key -> log id
    texts: dict[int, tuple[str, int]] = field(default_factory=dict)  # log id -> (last acked text, version)
    ops: Counter[str] = field(default_factory=Counter)
    retries: list[tuple[float, str]] = field(default_factory=list)  # (monotonic time, class)
    errors: list[str] = field(default_factory=list)
    n: itertools.count[int] = field(default_factory=itertools.count)

    def h(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **extra}

    def call(self, http: httpx.Client, method: str, url: str, **kw: Any) -> httpx.Response | None:
        """One request, retried with the same headers on connection errors and 5xx."""
        for attempt in range(30):
            try:
                r = http.request(method, url, **kw)
            except httpx.TransportError as exc:
                self.retries.append((time.monotonic(), f"connection error ({type(exc).__name__})"))
            else:
                if r.status_code < 500:
                    return r
                self.retries.append((time.monotonic(), f"{r.status_code} {r.text[:120]}"))
            time.sleep(min(0.05 * (attempt + 1), 0.5))
        self.errors.append(f"{method} {url}: gave up after 30 attempts")
        return None

    def step(self, http: httpx.Client) -> None:
        if not self.texts or self.rng.random() < 0.65:
            key = f"lf-{self.tid}-{next(self.n)}"
            body = {"text": self.rng.choice(TEXTS)}
            r = self.call(http, "POST", "/logs", headers=self.h(**{"Idempotency-Key": key}), json=body)
            if r is None:
                return
            if r.status_code not in (200, 201):
                self.errors.append(f"POST {r.status_code} {r.text[:200]}")
                return
            out = r.json()
            self.keys[key] = out["id"]
            self.texts[out["id"]] = (body["text"], out["version"])
            self.ops["post"] += 1
        else:
            log_id = self.rng.choice(sorted(self.texts))
            new_text = self.rng.choice(TEXTS)
            r = self.call(http, "PATCH", f"/logs/{log_id}", headers=self.h(), json={"text": new_text})
            if r is None:
                return
            if r.status_code != 200:
                self.errors.append(f"PATCH {r.status_code} {r.text[:200]}")
                return
            self.texts[log_id] = (new_text, r.json()["version"])
            self.ops["patch"] += 1


@pytest.fixture
def pg_engine(pg_database_url: str) -> Iterator[Engine]:
    from tests.conftest import _truncate_all

    _truncate_all(pg_database_url)
    engine = make_engine(pg_database_url)
    yield engine
    engine.dispose()


def with_app_name(url: str, name: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}application_name={name}"


class Procs:
    """The real processes of the test; every one is stopped at the end, by its own pid."""

    def __init__(self, tmp: Path, url: str) -> None:
        self.tmp, self.url, self.all = tmp, url, []  # type: ignore[var-annotated]
        self.worker: subprocess.Popen[bytes] | None = None
        self.worker_log = tmp / "none.log"
        self.n = 0

    def start(self, args: list[str], env: dict[str, str], name: str) -> subprocess.Popen[bytes]:
        with open(self.tmp / f"{name}.log", "wb") as out:
            proc = subprocess.Popen([sys.executable, "-m", "meallog.cli.main", *args], env=env, stdout=out,
                                    stderr=subprocess.STDOUT)
        self.all.append(proc)
        return proc

    def start_worker(self, fault: str = "") -> None:
        self.n += 1
        env = {**os.environ, "DATABASE_URL": with_app_name(self.url, "lf-worker"), "MEALLOG_TEST_V2_FAULT": fault,
               "AI_PROVIDER": "offline"}
        self.worker_log = self.tmp / f"worker{self.n}-{fault or 'healthy'}.log"
        self.worker = self.start(["worker", "--batch", "20", "--lease", "2", "--job-timeout", "1"], env,
                                 self.worker_log.stem)

    def wait_worker_log(self, needle: str) -> None:
        """Until the current worker's log shows `needle` (it is running, or a fault has hit a job)."""
        deadline = time.monotonic() + STEP_TIMEOUT_S
        while needle not in self.worker_log.read_text(errors="replace"):
            assert self.worker is not None and self.worker.poll() is None, self.worker_log.read_text()[-3000:]
            assert time.monotonic() < deadline, f"no {needle!r} in {self.worker_log.name} within {STEP_TIMEOUT_S}s"
            time.sleep(0.1)

    def stop_worker(self, sig: signal.Signals) -> None:
        assert self.worker is not None
        assert self.worker.poll() is None, "the worker died on its own"
        self.worker.send_signal(sig)
        try:
            self.worker.wait(timeout=15)
        except subprocess.TimeoutExpired:  # a hung v2 thread can hold a graceful exit
            self.worker.kill()
            self.worker.wait()

    def close(self) -> None:
        for proc in self.all:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def states(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as s:
        rows = s.execute(select(OutboxJob.state, func.count()).group_by(OutboxJob.state))
        return {state: int(n) for state, n in rows}


def terminate_api(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = 'lf-api' AND datname = current_database()")).scalar_one())


def test_acknowledged_writes_and_shadow_jobs_survive_the_faults(pg_engine: Engine, tmp_path: Path) -> None:
    engine = pg_engine
    url = engine.url.render_as_string(hide_password=False)
    with session_scope(engine) as s:
        users = [add_user(s, name=f"lf{i}", now=datetime.now(UTC)) for i in range(CLIENTS)]
        ids, tokens = [u.id for u, _ in users], [t for _, t in users]
    procs = Procs(tmp_path, url)
    port = free_port()
    api_env = {**os.environ, "DATABASE_URL": with_app_name(url, "lf-api"), "MEALLOG_ADMIN_TOKEN": ADMIN,
               "AI_PROVIDER": "offline"}
    try:
        procs.start_worker()  # it starts (imports) while the API does
        api = procs.start(["serve", "--host", "127.0.0.1", "--port", str(port), "--no-worker", "--no-scheduler",
                           "--log-level", "warning"], api_env, "api")
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert api.poll() is None and time.monotonic() < deadline, (tmp_path / "api.log").read_text()[-3000:]
            time.sleep(0.2)
        r = httpx.put(base + "/admin/flags/NORMALIZE_V2_SHADOW", json={"value": "on", "why": "load with faults"},
                      headers={"Authorization": f"Bearer {ADMIN}"}, timeout=30)
        assert r.status_code == 200, r.text

        clients = [Client(tid=i, token=t, rng=random.Random(i)) for i, t in enumerate(tokens)]
        stop = threading.Event()
        budget = threading.Semaphore(MAX_OPS)

        def drive(c: Client) -> None:
            with httpx.Client(base_url=base, timeout=15) as http:
                while not stop.is_set() and budget.acquire(blocking=False):
                    c.step(http)

        threads = [threading.Thread(target=drive, args=(c,), daemon=True) for c in clients]
        started = time.monotonic()
        for t in threads:
            t.start()

        terminated: list[tuple[float, int]] = []
        faults: Counter[str] = Counter()

        def done_jobs() -> int:
            return states(engine).get("done", 0)

        def wait_done_beyond(n: int) -> None:
            deadline = time.monotonic() + STEP_TIMEOUT_S
            while done_jobs() <= n:
                assert time.monotonic() < deadline, f"the worker did no job within {STEP_TIMEOUT_S}s"
                time.sleep(0.1)

        for _ in range(CYCLES):
            procs.wait_worker_log("running")
            wait_done_beyond(done_jobs())  # a healthy worker at work ...
            procs.stop_worker(signal.SIGKILL)  # ... killed mid-batch
            faults["worker SIGKILL"] += 1
            procs.start_worker("raise")
            faults["v2 raises (worker)"] += 1
            procs.wait_worker_log("V2Fault")  # jobs fail and go back with backoff
            terminated.append((time.monotonic(), terminate_api(engine)))
            time.sleep(0.5)
            procs.stop_worker(signal.SIGTERM)
            procs.start_worker("hang")
            faults["v2 hangs (worker)"] += 1
            procs.wait_worker_log("over 1.0s")  # a hung job fails alone after its timeout
            terminated.append((time.monotonic(), terminate_api(engine)))
            time.sleep(0.5)
            procs.stop_worker(signal.SIGKILL)
            faults["worker SIGKILL"] += 1
            procs.start_worker()
            procs.wait_worker_log("running")
        time.sleep(1.0)  # the healthy worker under load for a moment
        stop.set()
        for t in threads:
            t.join(timeout=60)
        assert not any(t.is_alive() for t in threads)
        load_s = time.monotonic() - started

        # drain: the healthy worker finishes every job (retries of the fault workers' jobs included)
        deadline = time.monotonic() + 60
        while (st := states(engine)).get("pending", 0) + st.get("running", 0) and time.monotonic() < deadline:
            time.sleep(0.5)
        procs.stop_worker(signal.SIGTERM)
        assert api.poll() is None, "the API died"
    finally:
        procs.close()

    # ---- what the clients were told, against what is stored --------------------------------------
    acked_keys = {(ids[c.tid], k): v for c in clients for k, v in c.keys.items()}
    acked_texts = {log_id: tv for c in clients for log_id, tv in c.texts.items()}
    retries = [(when, what) for c in clients for when, what in c.retries]
    ops = sum((c.ops for c in clients), Counter())

    def justified(when: float) -> bool:
        return any(t <= when <= t + TERMINATE_GRACE_S for t, _ in terminated)

    classes = Counter(what.split(" {")[0][:60] + (" (after pg_terminate_backend)" if justified(when) else
                                                   " (NOT justified by a fault)") for when, what in retries)
    with session_scope(engine) as s:
        stored_keys = {(r.user_id, r.key): r.log_id for r in s.scalars(select(IngestRequest))}
        logs = {r.id: (r.text, r.version) for r in s.scalars(select(MealLog))}
        jobs = s.execute(select(OutboxJob.log_id, OutboxJob.log_version, OutboxJob.state)
                         .where(OutboxJob.kind == "shadow")).all()
        diffs = Counter((r.log_id, r.log_version) for r in s.execute(select(Diff.log_id, Diff.log_version)))
        shadows = Counter((r.log_id, r.log_version) for r in s.execute(select(ShadowRecord.log_id,
                                                                              ShadowRecord.log_version)))
    job_states = Counter(state for _, _, state in jobs)
    report = {"load_s": round(load_s, 1), "ops": dict(ops), "faults": dict(faults),
              "api connections terminated": [n for _, n in terminated], "retries by class": dict(classes),
              "logs stored": len(logs), "keys acknowledged": len(acked_keys), "shadow jobs": dict(job_states),
              "diff rows": sum(diffs.values()), "shadow rows": sum(shadows.values())}
    print("load with faults:", report)

    errors = [e for c in clients for e in c.errors]
    assert errors == [], errors
    assert ops["post"] >= 50 and ops["patch"] >= 10, report  # the load ran through the faults
    assert all(n >= 1 for _, n in terminated), f"no API connection to terminate: {terminated}"
    # every acknowledged POST is stored once, under its key; no log that nobody acknowledged
    assert {k: stored_keys.get(k) for k in acked_keys} == acked_keys
    assert set(logs) == set(acked_keys.values()), "a log stored that no acknowledged POST made, or one lost"
    assert len(stored_keys) == len(acked_keys)
    # every acknowledged PATCH holds: the last text, at the acknowledged version or later (a retried PATCH
    # whose first answer was lost writes the same text again)
    for log_id, (want, version) in acked_texts.items():
        have, stored_version = logs[log_id]
        assert have == want and stored_version >= version, (log_id, have, want, stored_version, version)
    # every shadow job done; one shadow row and one diff row per measured (log, version)
    assert job_states == Counter(done=len(jobs)), job_states
    versions = {(a, b) for a, b, _ in jobs}
    assert set(diffs) == versions and set(shadows) == versions
    assert max(diffs.values()) == 1 and max(shadows.values()) == 1, "a duplicate shadow or diff row"
    # the worker's faults never reach the API; only the terminated connections may cost a retry
    unjustified = [what for when, what in retries if not justified(when)]
    assert unjustified == [], unjustified
