"""The outbox worker: claims jobs, computes v2, writes shadow/diff rows and v2 records.

Under `meallog serve` it runs in the background child process (nice 10, never a
thread of an API process); `meallog worker` processes run more of them.
Shadow jobs go in batches: one statement claims N (the flags and ignore rules are read in the same
transaction), v2 runs once per distinct provider parse of the batch (every job under its own timeout,
in a one-slot pool), one transaction marks the batch done and stores its shadow and diff rows with
one statement each, and metrics and the day diff are updated once per batch per user-day.
While a batch is stored (a thread of its own, mostly database time), the next one is claimed and
computed. The batch size adapts to how long a batch takes. A job whose computation fails or hangs
fails alone (retry with backoff, then dead letter); when hung jobs have used half the lease, the
untried rest is handed back; a batch whose store fails is stored job by job. v2_sync and compare
jobs are rare and run one at a time.
"""

from __future__ import annotations

import os
import random
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field

import structlog
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from meallog.clock import Clock
from meallog.migration.compare import compare_reads
from meallog.migration.diff import Thresholds
from meallog.migration.experiment import Guard, Observer
from meallog.migration.fence import stored_phase
from meallog.migration.flags import FlagStore
from meallog.migration.ignore import IgnoreMatcher
from meallog.migration.outbox import (
    ClaimedJob,
    JobKind,
    RetryPolicy,
    claim_batch,
    complete,
    complete_many,
    fail,
    release,
    stats,
)
from meallog.migration.phases import Phase
from meallog.migration.shadow import (
    ComputeV2,
    MeasuredVersion,
    Measurement,
    V2Memo,
    compute_v2,
    day_totals_many,
    measure,
    store_measurements,
    sync_v2,
)
from meallog.migration.write_path import v2_options
from meallog.nutrition.normalize_v2 import V2Options
from meallog.observability.metrics import Metrics
from meallog.store.db import is_postgres, session_scope
from meallog.store.models import IgnoreRule, LogKey, MealLog, OutboxJob

log = structlog.get_logger("meallog.worker")


@dataclass
class WorkerConfig:
    batch: int = 50  # the first batch; then adapted between batch_min and batch_max
    batch_min: int = 10
    batch_max: int = 500
    target_batch_s: float = 0.5  # a full batch faster than this grows the next one, a slower one shrinks it
    lease_s: float = 60.0
    job_timeout_s: float = 10.0
    idle_sleep_s: float = 0.5
    gauges_every_s: float = 1.0  # queue gauges scan the outbox: at most this often while busy
    # Share of wall time the background loop may spend working. Below 1 it rests after each batch
    # (busy time x (1 - duty) / duty), so an in-process worker leaves the GIL and the cores to requests.
    duty: float = 1.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)


@dataclass(frozen=True, slots=True)
class BatchReport:
    claimed: int
    done: int
    failed: int
    dead: int


@dataclass(frozen=True, slots=True)
class _Outcome:
    """One job's computation: a measurement, nothing to store (version gone), or the error."""

    job: ClaimedJob
    measured: Measurement | None = None
    error: BaseException | None = None


@dataclass
class _Batch:
    """A claimed batch on its way: its store may still be running in the store thread."""

    started: float
    jobs: list[ClaimedJob]
    failures: list[tuple[ClaimedJob, BaseException]] = field(default_factory=list)
    good: list[_Outcome] = field(default_factory=list)
    done: int = 0
    stored: Future[int] | None = None


class OutboxWorker:
    def __init__(self, *, sessions: sessionmaker[Session], flags: FlagStore, metrics: Metrics, clock: Clock,
                 pipeline_version: str, config: WorkerConfig | None = None, thresholds: Thresholds | None = None,
                 worker_id: str | None = None, rng: random.Random | None = None,
                 compute: ComputeV2 = compute_v2, observer: Observer | None = None) -> None:
        self.compute = compute
        self.sessions = sessions
        self.flags = flags
        self.metrics = metrics
        self.clock = clock
        self.pipeline_version = pipeline_version
        self.config = config or WorkerConfig()
        self.thresholds = thresholds or Thresholds()
        self.observer = observer or Observer(metrics=metrics, guard=Guard(slots=1), thresholds=self.thresholds)
        self.worker_id = worker_id or f"{socket.gethostname()}-{os.getpid()}-{threading.get_ident() % 10_000}"
        self.rng = rng or random.Random()
        self.batch = max(self.config.batch_min, min(self.config.batch, self.config.batch_max))
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="v2-job")
        self._store_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="shadow-store")
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._gauges_at = -float("inf")
        self.last_depth = 0

    # ---- one batch -----------------------------------------------------------------------------
    def run_once(self) -> BatchReport:
        """Claim a batch, measure its shadow jobs together, run the others one by one, store, report."""
        return self._finish(self._begin())

    def _begin(self) -> _Batch:
        """Claim and compute a batch, and hand its store to the store thread (it runs while the caller
        claims and computes the next batch: the database's time overlaps v2's)."""
        started = time.perf_counter()
        with session_scope(self.sessions) as s:  # the claim and what measuring needs: one transaction
            _no_commit_wait(s)
            jobs = claim_batch(s, worker_id=self.worker_id, now=self.clock.now(), batch=self.batch,
                               lease_s=self.config.lease_s)
            shadow = [j for j in jobs if j.kind == JobKind.SHADOW.value]
            if shadow:
                options = v2_options(self.flags.snapshot(s))
                rules = IgnoreMatcher.from_rows(list(s.scalars(select(IgnoreRule))))
                versions = self._versions(s, shadow)
        batch = _Batch(started=started, jobs=jobs)
        if shadow:
            batch.good = self._measure_batch(shadow, batch.failures, versions, options=options, rules=rules)
            if batch.good:
                batch.stored = self._store_pool.submit(self._store_or_one_by_one, batch.good, batch.failures)
        for job in jobs:
            if job.kind == JobKind.SHADOW.value:
                continue
            try:
                self._run_with_timeout(job)
                batch.done += 1
            except Exception as exc:
                batch.failures.append((job, exc))
        return batch

    def _finish(self, batch: _Batch) -> BatchReport:
        """Wait for the batch's store, then retry or dead-letter its failures, adapt, update metrics."""
        jobs = batch.jobs
        if batch.stored is not None:
            batch.done += batch.stored.result()
        dead = self._fail(batch.failures, per_job_s=(time.perf_counter() - batch.started) / max(len(jobs), 1))
        elapsed = time.perf_counter() - batch.started
        if batch.done:
            self.metrics.shadow_jobs("ok", batch.done, elapsed * batch.done / len(jobs))
        self._adapt(len(jobs), elapsed, failed=bool(batch.failures))
        self.refresh_gauges(force=not jobs)
        return BatchReport(claimed=len(jobs), done=batch.done, failed=len(batch.failures), dead=dead)

    def run_overlapped(self, *, max_batches: int, stop: Callable[[], bool] = lambda: False) -> Iterator[BatchReport]:
        """Batches back to back, each one's store overlapping the next one's claim and compute (at most
        one store in flight, so at most two batches are leased at once). Yields each batch's report."""
        pending: _Batch | None = None
        try:
            for _ in range(max_batches):
                if stop():
                    break
                batch = self._begin()
                if pending is not None:
                    yield self._finish(pending)
                pending = batch
                if not batch.jobs:
                    break
        finally:
            if pending is not None:
                report = self._finish(pending)
        if pending is not None:
            yield report

    def _adapt(self, claimed: int, elapsed: float, *, failed: bool) -> None:
        """Additive growth while full batches stay under the target time; halve when slow or failing."""
        c = self.config
        if failed or elapsed > min(c.target_batch_s, c.lease_s / 4):  # a batch stays well inside its lease
            self.batch = max(c.batch_min, self.batch // 2)
        elif claimed >= self.batch:
            self.batch = min(c.batch_max, self.batch + max(c.batch_min, self.batch // 2))

    def _measure_batch(self, jobs: list[ClaimedJob], failures: list[tuple[ClaimedJob, BaseException]],
                       versions: dict[int, MeasuredVersion], *, options: V2Options,
                       rules: IgnoreMatcher) -> list[_Outcome]:
        """Measure every job (v2 under its timeout); failures go to `failures`, the rest are returned."""
        released: list[ClaimedJob] = []
        outcomes = self._compute_all(jobs, versions, options=options, rules=rules, released=released)
        if released:
            with session_scope(self.sessions) as s:
                n = release(s, [j.id for j in released], worker_id=self.worker_id, now=self.clock.now())
            log.warning("v2 hung past half the lease: jobs handed back", released=n)
        failures.extend((o.job, o.error) for o in outcomes if o.error is not None)
        return [o for o in outcomes if o.error is None]

    def _store_or_one_by_one(self, good: list[_Outcome], failures: list[tuple[ClaimedJob, BaseException]]) -> int:
        """Store rows and mark done in one transaction; returns jobs done."""
        try:
            return self._store(good)
        except Exception as exc:  # one bad row must not hold back the others: store them one by one
            log.warning("shadow batch store failed; storing job by job", jobs=len(good), error=repr(exc))
            done = 0
            for o in good:
                try:
                    done += self._store([o])
                except Exception as one:
                    failures.append((o.job, one))
            return done

    def _versions(self, s: Session, jobs: list[ClaimedJob]) -> dict[int, MeasuredVersion]:
        """The version each job was queued for: its payload, or (older jobs) the legacy row, in one query."""
        out = {j.id: MeasuredVersion.from_payload(j.log_id, j.log_version, j.payload) for j in jobs if j.payload}
        bare = [j for j in jobs if not j.payload]
        if bare:
            legacy = {r.id: r for r in s.scalars(select(MealLog).where(MealLog.id.in_({j.log_id for j in bare})))}
            for j in bare:
                row = legacy.get(j.log_id)
                if row is not None and row.version == j.log_version:
                    out[j.id] = MeasuredVersion.from_legacy(row)
                else:  # queued before payloads; that version is no longer stored
                    self.metrics.shadow_shed("version_gone")
        return out

    def _compute_all(self, jobs: list[ClaimedJob], versions: dict[int, MeasuredVersion], *, options: V2Options,
                     rules: IgnoreMatcher, released: list[ClaimedJob] | None = None) -> list[_Outcome]:
        """v2 for each job in the worker's pool; a job over its timeout fails alone, the rest go on.

        Hung jobs must not run the batch past its lease (another claim would then take, and count an
        attempt for, jobs this one still holds): once timeouts have used half the lease, the jobs not
        yet computed go to `released`, to be handed back without an attempt counted.

        v2 runs once per distinct provider parse of the batch (`V2Memo`): the same meal logged by
        many users at lunch is computed once."""
        memo = V2Memo(self.compute, options=options, pipeline_version=self.pipeline_version)

        def one(job: ClaimedJob) -> _Outcome:
            version = versions.get(job.id)
            if version is None:
                return _Outcome(job)
            try:
                return _Outcome(job, measure(version, options=options, pipeline_version=self.pipeline_version,
                                             thresholds=self.thresholds, ignore=rules, memo=memo))
            except Exception as exc:
                return _Outcome(job, error=exc)

        outcomes: list[_Outcome] = []
        rest = jobs
        budget = self.config.job_timeout_s
        started = time.monotonic()
        while rest:
            progress = _Progress()
            fut = self._pool.submit(progress.run, one, rest)
            while not fut.done():
                try:
                    fut.result(timeout=max(progress.remaining(budget), 0.001))
                except FutureTimeout:
                    if progress.remaining(budget) <= 0 and not fut.done():
                        break
            if fut.done():
                outcomes.extend(progress.results)
                break
            # The pool has one slot: the hung computation is abandoned, a fresh pool takes the rest.
            progress.cancelled = True
            finished = list(progress.results)
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="v2-job")
            hung = rest[len(finished)]
            outcomes.extend(finished)
            outcomes.append(_Outcome(hung, error=TimeoutError(f"job {hung.id} over {budget}s")))
            rest = rest[len(finished) + 1:]
            if rest and released is not None and time.monotonic() - started > self.config.lease_s / 2:
                released.extend(rest)
                break
        return outcomes

    def _store(self, outcomes: list[_Outcome]) -> int:
        """Mark done the jobs still leased to this worker, store their rows, observe once: one transaction."""
        now = self.clock.now()
        with session_scope(self.sessions) as s:
            _no_commit_wait(s)
            held = complete_many(s, [o.job.id for o in outcomes], worker_id=self.worker_id, now=now)
            lost = [o.job.id for o in outcomes if o.job.id not in held]
            if lost:  # another worker took over an expired lease: it measures those versions
                log.warning("lost the lease on jobs", job_ids=lost[:20], n=len(lost))
            unique: dict[tuple[int, int], Measurement] = {}
            for o in outcomes:
                if o.job.id in held and o.measured is not None:
                    unique.setdefault(o.measured.key, o.measured)
            inserted = store_measurements(s, list(unique.values()))
            fresh = [m for k, m in unique.items() if k in inserted and not m.version.deleted]  # deletions: not measured
            for m in fresh:
                self.metrics.shadow_diff({f: (d.abs, d.rel) for f, d in m.diffs.items()}, m.breached)
                for kind in m.unknown:
                    self.metrics.unknown(kind)
            days = day_totals_many(s, {(m.version.user_id, m.version.local_date) for m in fresh},
                                   pipeline_version=self.pipeline_version)
            for legacy_day, v2_day in days.values():
                self.metrics.day_diff({f: abs(v2_day[f] - legacy_day[f]) for f in legacy_day})
        return len(held)

    def _fail(self, failures: list[tuple[ClaimedJob, BaseException]], *, per_job_s: float) -> int:
        """Retry with backoff or dead-letter each failed job, as a job of its own."""
        dead = 0
        if not failures:
            return 0
        with session_scope(self.sessions) as s:
            for job, exc in failures:
                state = fail(s, job.id, worker_id=self.worker_id, now=self.clock.now(), error=repr(exc),
                             policy=self.config.retry, rng=self.rng)
                dead += state == "dead"
                self.metrics.shadow_job("dead" if state == "dead" else "retry", per_job_s)
                log.warning("outbox job failed", job_id=job.id, kind=job.kind, log_id=job.log_id, state=state,
                            error=repr(exc))
        return dead

    # ---- rare kinds, one job at a time --------------------------------------------------------
    def _run_with_timeout(self, job: ClaimedJob) -> None:
        fut = self._pool.submit(self._run_job, job)
        try:
            fut.result(timeout=self.config.job_timeout_s)
        except FutureTimeout:
            # The pool has one slot: a hung job is abandoned, and a fresh pool takes over.
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="v2-job")
            raise TimeoutError(f"job {job.id} over {self.config.job_timeout_s}s") from None

    def _run_job(self, job: ClaimedJob) -> None:
        with session_scope(self.sessions) as s:
            now = self.clock.now()
            snap = self.flags.snapshot(s)
            if job.kind == JobKind.V2_SYNC.value:
                key = s.get(LogKey, job.log_id)
                if key is not None:
                    sync_v2(s, key, options=v2_options(snap), pipeline_version=self.pipeline_version,
                            phase=Phase(snap.phase).value, compute=self.compute)
            elif job.kind == JobKind.COMPARE.value:
                compare_reads(s, job, observer=self.observer, pipeline_version=self.pipeline_version, now=now)
            if not complete(s, job.id, worker_id=self.worker_id, now=now):
                raise RuntimeError(f"lost the lease on job {job.id}")

    def refresh_gauges(self, *, force: bool = True) -> None:
        """Queue depth, lag, dead letters, phase. They scan the outbox, so a busy worker refreshes them
        at most every `gauges_every_s`."""
        if not force and time.monotonic() - self._gauges_at < self.config.gauges_every_s:
            return
        self._gauges_at = time.monotonic()
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
        return sum(report.done for report in self.run_overlapped(max_batches=max_batches))

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
        self._store_pool.shutdown(wait=True)

    def rest_after(self, busy_s: float) -> float:
        """How long the background loop rests after a batch that took `busy_s` (the duty cycle)."""
        duty = min(max(self.config.duty, 0.01), 1.0)
        return busy_s * (1 - duty) / duty

    def _loop(self) -> None:
        while not self._stop.is_set():
            started = time.perf_counter()
            claimed = 0
            try:
                for report in self.run_overlapped(max_batches=1_000_000, stop=self._stop.is_set):
                    claimed += report.claimed
                    rest = self.rest_after(time.perf_counter() - started)
                    if report.claimed and rest > 0:  # the duty cycle: rest, then start afresh
                        break
                    started = time.perf_counter()
            except Exception as exc:  # database down: keep trying, never crash the API process
                log.error("worker batch failed", error=repr(exc))
            rest = self.rest_after(time.perf_counter() - started)
            if claimed and rest > 0:
                self._stop.wait(rest)
            if not claimed:
                self._stop.wait(self.config.idle_sleep_s)


def _no_commit_wait(s: Session) -> None:
    """The worker's claim and store transactions do not wait for the WAL flush (PostgreSQL
    `synchronous_commit = off`, this transaction only). Safe here and only here: a commit lost in a
    database crash leaves its jobs leased or pending, so they are claimed again and measured again,
    and every row is idempotent on (log, version, pipeline version). A user's write still waits."""
    if is_postgres(s):
        s.execute(text("SET LOCAL synchronous_commit = off"))


def pending_jobs(s: Session) -> list[OutboxJob]:
    return list(s.scalars(select(OutboxJob).where(OutboxJob.state != "done").order_by(OutboxJob.id)))


class _Progress:
    """Which job of a batch the pool is computing, and since when (the per-job timeout)."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.results: list[_Outcome] = []
        self.cancelled = False  # set when the batch gave up on a hung job: compute nothing more

    def run(self, one: Callable[[ClaimedJob], _Outcome], jobs: list[ClaimedJob]) -> None:
        for job in jobs:
            if self.cancelled:
                return
            self.started = time.monotonic()
            self.results.append(one(job))

    def remaining(self, budget_s: float) -> float:
        return budget_s - (time.monotonic() - self.started)
