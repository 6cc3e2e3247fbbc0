"""Ops jobs at fixed JST times (Asia/Tokyo), in-process by default (APScheduler) or `meallog scheduler`.

| job | when (JST) | does |
|---|---|---|
| partitions | daily 02:15 | current + next 2 months of partitions; DEFAULT rows to the metric |
| archive | daily 02:30 | closed months -> Parquet on ARCHIVE_URL, read back, verified, manifest |
| cleanup_ingest_requests | daily 02:45 | `ingest_requests` > 90 days, outbox jobs done > 1 day; short batches |
| retention | daily 03:15 | months 90 days past P3 with a verified archive: DETACH + DROP |
| vacuum | Sundays 04:00 | VACUUM (ANALYZE) of the shadow tables |

Every run takes the job's cross-process lock (another instance running it means "skipped"), is
recorded in `ops_job_runs`, logged, and measured (runs, duration, rows, bytes, last success).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import structlog
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from meallog.clock import Clock
from meallog.observability.metrics import Metrics
from meallog.ops import archive as archive_mod
from meallog.ops.cleanup import cleanup_done_jobs, cleanup_ingest_requests, count_done_jobs, count_expired
from meallog.ops.locks import job_lock
from meallog.ops.partitions import Month, default_rows, drop_month, ensure_partitions
from meallog.ops.retention import mark_stale, plan_retention
from meallog.ops.store import ObjectStore
from meallog.ops.vacuum import vacuum
from meallog.store.db import session_scope
from meallog.store.models import OpsJobRun

log = structlog.get_logger("meallog.ops")
JST = "Asia/Tokyo"

SCHEDULE: dict[str, dict[str, Any]] = {
    "partitions": {"hour": 2, "minute": 15},
    "archive": {"hour": 2, "minute": 30},
    "cleanup_ingest_requests": {"hour": 2, "minute": 45},
    "retention": {"hour": 3, "minute": 15},
    "vacuum": {"day_of_week": "sun", "hour": 4, "minute": 0},
}


class JobFailed(Exception):
    """A job that did part of its work and then failed; `detail` says what it did before."""

    def __init__(self, message: str, detail: dict[str, Any]) -> None:
        super().__init__(message)
        self.detail = detail


@dataclass(frozen=True, slots=True)
class JobResult:
    job: str
    outcome: str  # ok | error | skipped | dry-run
    seconds: float
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return int(self.detail.get("rows", 0) or 0)

    @property
    def bytes(self) -> int:
        return int(self.detail.get("bytes", 0) or 0)

    def as_dict(self) -> dict[str, Any]:
        return {"job": self.job, "outcome": self.outcome, "seconds": round(self.seconds, 3), **self.detail}


JobFn = Callable[[bool], dict[str, Any]]  # dry_run -> detail (with "rows" and "bytes" where it has them)


def last_success(s: Session, job: str) -> datetime | None:
    return s.scalar(select(func.max(OpsJobRun.finished_at)).where(OpsJobRun.job == job, OpsJobRun.outcome == "ok"))


def run_job(name: str, fn: JobFn, *, sessions: sessionmaker[Session], clock: Clock, metrics: Metrics,
            dry_run: bool = False) -> JobResult:
    """Run one ops job under its lock: record it, measure it, log it. Never raises; see `outcome`."""
    engine: Engine = sessions.kw["bind"]
    started = time.perf_counter()
    if dry_run:
        try:
            detail = fn(True)
            outcome = "dry-run"
        except Exception as exc:
            outcome, detail = "error", {"error": repr(exc)}
            log.error("ops job dry run failed", job=name, error=repr(exc))
        result = JobResult(name, outcome, time.perf_counter() - started, detail)
        log.info("ops job dry run", **result.as_dict())
        return result
    with job_lock(engine, name, now=clock.now()) as held:
        if not held:
            result = JobResult(name, "skipped", time.perf_counter() - started, {"reason": "running elsewhere"})
            metrics.ops_job(name, "skipped", result.seconds)
            log.info("ops job skipped", **result.as_dict())
            return result
        with session_scope(sessions) as s:
            # We hold the lock, so a run still marked running was killed mid-way: say so.
            killed = s.execute(update(OpsJobRun).where(OpsJobRun.job == name, OpsJobRun.outcome == "running")
                               .values(outcome="abandoned", finished_at=clock.now())).rowcount  # type: ignore[attr-defined]
            if killed:
                log.error("ops job run abandoned: an earlier run died mid-way; this run redoes its work",
                          job=name, runs=killed)
            run = OpsJobRun(job=name, started_at=clock.now(), outcome="running")
            s.add(run)
            s.flush()
            run_id = run.id
        outcome, detail = "ok", {}
        try:
            detail = fn(False)
        except JobFailed as exc:
            outcome, detail = "error", {**exc.detail, "error": str(exc)}
        except Exception as exc:
            outcome, detail = "error", {"error": repr(exc)}
        seconds = time.perf_counter() - started
        with session_scope(sessions) as s:
            finished = s.get(OpsJobRun, run_id)
            if finished is not None:
                finished.outcome, finished.finished_at, finished.detail = outcome, clock.now(), detail
        with session_scope(sessions) as s:
            ok_at = last_success(s, name)
    result = JobResult(name, outcome, seconds, detail)
    metrics.ops_job(name, outcome, seconds)
    metrics.ops_job_work(name, rows=result.rows, nbytes=result.bytes)
    if ok_at is not None:
        metrics.set_ops_last_success(name, ok_at.timestamp())
    if outcome == "error":
        log.error("ops job failed", **result.as_dict())
    else:
        log.info("ops job finished", **result.as_dict())
    return result


class OpsJobs:
    """The job bodies, wired to their collaborators. Each commits in short steps of its own."""

    def __init__(self, *, sessions: sessionmaker[Session], clock: Clock, metrics: Metrics,
                 store: Callable[[], ObjectStore]) -> None:
        self.sessions, self.clock, self.metrics, self.store = sessions, clock, metrics, store

    @property
    def engine(self) -> Engine:
        return self.sessions.kw["bind"]  # type: ignore[no-any-return]

    def all(self) -> dict[str, JobFn]:
        return {"partitions": self.partitions, "archive": self.archive,
                "cleanup_ingest_requests": self.cleanup, "retention": self.retention, "vacuum": self.vacuum}

    def partitions(self, dry_run: bool) -> dict[str, Any]:
        with session_scope(self.sessions) as s:
            report = ensure_partitions(s, now=self.clock.now(), dry_run=dry_run)
        for table, n in report.default_rows.items():
            self.metrics.set_default_partition_rows(table, n)
        return report.as_dict()

    def archive(self, dry_run: bool) -> dict[str, Any]:
        with session_scope(self.sessions) as s:
            pending = archive_mod.pending_months(s, now=self.clock.now())
        keys = [f"{name}/{month}" for name, month in pending]
        if dry_run:
            return {"pending": keys, "rows": 0, "bytes": 0, "store": self.store().url}
        store = self.store()
        done: list[dict[str, Any]] = []
        failed: list[str] = []
        for name, month in pending:
            try:
                with session_scope(self.sessions) as s:
                    m = archive_mod.write_month(s, store, name, month, now=self.clock.now())
                done.append({"table": name, "month": str(month), "rows": m.rows, "bytes": m.files[0].bytes,
                             "manifest": store.uri(archive_mod.manifest_key(name, month))})
            except archive_mod.ArchiveError as exc:  # this month did not verify: try the others
                failed.append(f"{name}/{month}: {exc}")
                log.error("archive of a month did not verify", table=name, month=str(month), error=str(exc))
            except Exception as exc:  # the store or the database is failing: the other months would too
                failed.append(f"{name}/{month}: {exc!r}")
                log.error("archive of a month failed", table=name, month=str(month), error=repr(exc))
                break
        detail = {"archived": done, "rows": sum(d["rows"] for d in done), "bytes": sum(d["bytes"] for d in done),
                  "failed": failed}
        if failed:
            raise JobFailed(f"{len(failed)} of {len(pending)} months not archived: {failed[0]}", detail)
        return detail

    def cleanup(self, dry_run: bool) -> dict[str, Any]:
        now = self.clock.now()
        if dry_run:
            with session_scope(self.sessions) as s:
                n, cutoff = count_expired(s, now=now)
                jobs = count_done_jobs(s, now=now)
            return {"would_delete": n, "cutoff": cutoff.isoformat(), "outbox_would_delete": jobs, "rows": 0}
        detail: dict[str, Any] = {}
        for name, step in (("", cleanup_ingest_requests), ("outbox_", cleanup_done_jobs)):
            total = batches = 0
            while True:
                with session_scope(self.sessions) as s:  # one short transaction per batch
                    report = step(s, now=now)
                total += report.deleted
                if report.deleted == 0:
                    break
                batches += 1
            detail.update({f"{name}deleted": total, f"{name}batches": batches,
                           f"{name}cutoff": report.cutoff.isoformat()})
        detail["rows"] = detail["deleted"] + detail["outbox_deleted"]
        return detail

    def retention(self, dry_run: bool) -> dict[str, Any]:
        store = self.store()
        with session_scope(self.sessions) as s:
            plan = plan_retention(s, store, now=self.clock.now())
            if not dry_run:
                for e in plan.errors:
                    log.error("archive does not verify; marked for re-archiving", error=e)
                for d in plan.decisions:
                    if not d.drop and d.reason.startswith("archive does not verify"):
                        mark_stale(s, d.table, Month.parse(d.month))
        detail: dict[str, Any] = {
            "phase": plan.phase, "p3_since": plan.p3_since.isoformat() if plan.p3_since else None,
            "cutoff": plan.cutoff.isoformat() if plan.cutoff else None,
            "decisions": [{"table": d.table, "month": d.month, "rows": d.rows, "drop": d.drop, "reason": d.reason}
                          for d in plan.decisions], "dropped": [], "rows": 0}
        if not dry_run:
            for d in plan.droppable:
                with session_scope(self.sessions) as s:  # one partition per transaction
                    rows = drop_month(s, d.table, Month.parse(d.month))
                detail["dropped"].append(f"{d.table}/{d.month}")
                detail["rows"] += rows
                log.info("shadow month dropped", table=d.table, month=d.month, rows=rows)
        if plan.errors:
            raise JobFailed(f"{len(plan.errors)} archives do not verify: {plan.errors[0]}", detail)
        return detail

    def vacuum(self, dry_run: bool) -> dict[str, Any]:
        report = vacuum(self.engine, dry_run=dry_run)
        return {"statements": list(report.statements), "rows": 0}


class OpsScheduler:
    """The ops jobs on their JST schedule. Started and stopped with the API process or `meallog scheduler`."""

    def __init__(self, *, sessions: sessionmaker[Session], clock: Clock, metrics: Metrics,
                 archive_url: str = "file://var/archive", s3_endpoint_url: str | None = None,
                 store: ObjectStore | None = None) -> None:
        self.sessions, self.clock, self.metrics = sessions, clock, metrics
        self._store = store
        self.archive_url, self.s3_endpoint_url = archive_url, s3_endpoint_url
        self.ops = OpsJobs(sessions=sessions, clock=clock, metrics=metrics, store=self.store)
        self.scheduler = BackgroundScheduler(timezone=JST)
        for name, when in SCHEDULE.items():
            self.scheduler.add_job(self.run, CronTrigger(timezone=JST, **when), args=[name], id=name,
                                   coalesce=True, max_instances=1, misfire_grace_time=3600)

    def store(self) -> ObjectStore:
        if self._store is None:
            self._store = ObjectStore.from_url(self.archive_url, endpoint_url=self.s3_endpoint_url)
        return self._store

    def jobs(self) -> dict[str, JobFn]:
        return self.ops.all()

    def run(self, name: str, *, dry_run: bool = False) -> dict[str, Any]:
        return self.run_result(name, dry_run=dry_run).as_dict()

    def run_result(self, name: str, *, dry_run: bool = False) -> JobResult:
        return run_job(name, self.jobs()[name], sessions=self.sessions, clock=self.clock, metrics=self.metrics,
                       dry_run=dry_run)

    def next_runs(self, now: datetime) -> dict[str, datetime | None]:
        out: dict[str, datetime | None] = {}
        for job in self.scheduler.get_jobs():
            out[job.id] = job.trigger.get_next_fire_time(None, now.astimezone(job.trigger.timezone))
        return out

    def prime_metrics(self) -> None:
        """Last-success times from `ops_job_runs` and DEFAULT rows, so a restart does not reset what the
        alerts read."""
        with session_scope(self.sessions) as s:
            for name in SCHEDULE:
                ok_at = last_success(s, name)
                if ok_at is not None:
                    self.metrics.set_ops_last_success(name, ok_at.timestamp())
            for table, n in default_rows(s).items():
                self.metrics.set_default_partition_rows(table, n)

    def start(self) -> None:
        self.prime_metrics()
        self.scheduler.start()

    def stop(self) -> None:
        self.scheduler.shutdown(wait=False)
