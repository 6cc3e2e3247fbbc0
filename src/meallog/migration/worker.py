"""The outbox worker: claims jobs, computes v2, writes shadow/diff rows and v2 records.

In-process by default (a thread started by `meallog serve`); `meallog worker` runs more of them.
Each job runs with a timeout in a bounded pool; a job that keeps failing is dead-lettered.
"""

from __future__ import annotations

import os
import random
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from meallog.clock import Clock
from meallog.migration.diff import Thresholds
from meallog.migration.fence import stored_phase
from meallog.migration.flags import FlagStore
from meallog.migration.ignore import IgnoreMatcher
from meallog.migration.outbox import JobKind, RetryPolicy, claim, complete, fail, stats
from meallog.migration.phases import Phase
from meallog.migration.shadow import ComputeV2, MeasuredVersion, compute_v2, day_totals, sync_v2, write_shadow
from meallog.migration.write_path import v2_options
from meallog.observability.metrics import Metrics
from meallog.store.db import session_scope
from meallog.store.models import IgnoreRule, LogKey, MealLog, OutboxJob

log = structlog.get_logger("meallog.worker")


@dataclass
class WorkerConfig:
    batch: int = 50
    lease_s: float = 60.0
    job_timeout_s: float = 10.0
    idle_sleep_s: float = 0.5
    retry: RetryPolicy = field(default_factory=RetryPolicy)


@dataclass(frozen=True, slots=True)
class BatchReport:
    claimed: int
    done: int
    failed: int
    dead: int


class OutboxWorker:
    def __init__(self, *, sessions: sessionmaker[Session], flags: FlagStore, metrics: Metrics, clock: Clock,
                 pipeline_version: str, config: WorkerConfig | None = None, thresholds: Thresholds | None = None,
                 worker_id: str | None = None, rng: random.Random | None = None,
                 compute: ComputeV2 = compute_v2) -> None:
        self.compute = compute
        self.sessions = sessions
        self.flags = flags
        self.metrics = metrics
        self.clock = clock
        self.pipeline_version = pipeline_version
        self.config = config or WorkerConfig()
        self.thresholds = thresholds or Thresholds()
        self.worker_id = worker_id or f"{socket.gethostname()}-{os.getpid()}-{threading.get_ident() % 10_000}"
        self.rng = rng or random.Random()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="v2-job")
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_depth = 0

    # ---- one batch -----------------------------------------------------------------------------
    def run_once(self) -> BatchReport:
        with session_scope(self.sessions) as s:
            jobs = [(j.id, j.kind, j.log_id) for j in claim(s, worker_id=self.worker_id, now=self.clock.now(),
                                                           batch=self.config.batch, lease_s=self.config.lease_s)]
        done = failed = dead = 0
        for job_id, kind, log_id in jobs:
            started = time.perf_counter()
            try:
                self._run_with_timeout(job_id, kind, log_id)
                done += 1
                self.metrics.shadow_job("ok", time.perf_counter() - started)
            except Exception as exc:
                with session_scope(self.sessions) as s:
                    state = fail(s, job_id, worker_id=self.worker_id, now=self.clock.now(), error=repr(exc),
                                 policy=self.config.retry, rng=self.rng)
                failed += 1
                dead += state == "dead"
                self.metrics.shadow_job("dead" if state == "dead" else "retry", time.perf_counter() - started)
                log.warning("outbox job failed", job_id=job_id, kind=kind, log_id=log_id, state=state, error=repr(exc))
        self.refresh_gauges()
        return BatchReport(claimed=len(jobs), done=done, failed=failed, dead=dead)

    def _run_with_timeout(self, job_id: int, kind: str, log_id: int) -> None:
        fut = self._pool.submit(self._run_job, job_id, kind, log_id)
        try:
            fut.result(timeout=self.config.job_timeout_s)
        except FutureTimeout:
            # The pool has one slot: a hung job is abandoned, and a fresh pool takes over.
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="v2-job")
            raise TimeoutError(f"job {job_id} over {self.config.job_timeout_s}s") from None

    def _run_job(self, job_id: int, kind: str, log_id: int) -> None:
        with session_scope(self.sessions) as s:
            now = self.clock.now()
            job = s.get(OutboxJob, job_id)
            snap = self.flags.snapshot(s)
            options = v2_options(snap)
            if job is not None and kind == JobKind.SHADOW.value:
                version = self._version(s, job)
                if version is not None:
                    rules = IgnoreMatcher.from_rows(list(s.scalars(select(IgnoreRule))))
                    out = write_shadow(s, version, options=options, pipeline_version=self.pipeline_version,
                                       thresholds=self.thresholds, ignore=rules, compute=self.compute)
                    if out.inserted and not version.deleted:  # a deletion is recorded, not measured
                        self._observe(s, version, out)
            elif kind == JobKind.V2_SYNC.value:
                key = s.get(LogKey, log_id)
                if key is not None:
                    sync_v2(s, key, options=options, pipeline_version=self.pipeline_version,
                            phase=Phase(snap.phase).value, compute=self.compute)
            if not complete(s, job_id, worker_id=self.worker_id, now=now):
                raise RuntimeError(f"lost the lease on job {job_id}")

    def _version(self, s: Session, job: OutboxJob) -> MeasuredVersion | None:
        """The version this job was queued for: from its payload, or (older jobs) the legacy row."""
        if job.payload:
            return MeasuredVersion.from_payload(job.log_id, job.log_version, job.payload)
        legacy = s.get(MealLog, job.log_id)
        if legacy is not None and legacy.version == job.log_version:
            return MeasuredVersion.from_legacy(legacy)
        self.metrics.shadow_shed("version_gone")  # queued before payloads; that version is no longer stored
        return None

    def _observe(self, s: Session, version: MeasuredVersion, out: Any) -> None:
        self.metrics.shadow_diff({f: (d.abs, d.rel) for f, d in out.diffs.items()}, out.breached)
        for kind in out.unknown:
            self.metrics.unknown(kind)
        legacy_day, v2_day = day_totals(s, user_id=version.user_id, local_date=version.local_date,
                                        pipeline_version=self.pipeline_version)
        self.metrics.day_diff({f: abs(v2_day[f] - legacy_day[f]) for f in legacy_day})

    def refresh_gauges(self) -> None:
        with session_scope(self.sessions) as s:
            st = stats(s)
            phase = stored_phase(s) or self.flags.snapshot(s).phase  # the fenced phase, once there is one
        self.last_depth = st.pending + st.running
        for state in ("pending", "running", "dead"):
            self.metrics.set_outbox_depth(state, getattr(st, state))
        self.metrics.set_dead_letters(st.dead)
        self.metrics.set_shadow_lag(st.lag_seconds(self.clock.now()))
        self.metrics.set_phase(phase.value)

    def drain(self, *, max_batches: int = 1000) -> int:
        """Run batches until nothing is due (tests, `meallog worker --once`). Returns jobs done."""
        total = 0
        for _ in range(max_batches):
            report = self.run_once()
            total += report.done
            if report.claimed == 0:
                break
        return total

    # ---- background thread --------------------------------------------------------------------
    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="outbox-worker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=15)
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                report = self.run_once()
            except Exception as exc:  # database down: keep trying, never crash the API process
                log.error("worker batch failed", error=repr(exc))
                report = BatchReport(0, 0, 0, 0)
            if report.claimed == 0:
                self._stop.wait(self.config.idle_sleep_s)


def pending_jobs(s: Session) -> list[OutboxJob]:
    return list(s.scalars(select(OutboxJob).where(OutboxJob.state != "done").order_by(OutboxJob.id)))
