"""Ops jobs at fixed JST times (Asia/Tokyo), in-process by default (APScheduler) or `meallog scheduler`."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import structlog
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.orm import Session, sessionmaker

from meallog.clock import Clock
from meallog.observability.metrics import Metrics
from meallog.ops.cleanup import cleanup_ingest_requests
from meallog.store.db import session_scope
from meallog.store.models import OpsJobRun

log = structlog.get_logger("meallog.ops")
JST = "Asia/Tokyo"


def run_job(name: str, fn: Callable[[Session], dict[str, Any]], *, sessions: sessionmaker[Session], clock: Clock,
            metrics: Metrics) -> dict[str, Any]:
    """Run one ops job: record it in `ops_job_runs`, measure it, log it. Never raises."""
    started = time.perf_counter()
    with session_scope(sessions) as s:
        run = OpsJobRun(job=name, started_at=clock.now(), outcome="running")
        s.add(run)
        s.flush()
        run_id = run.id
    outcome, detail = "ok", {}
    try:
        with session_scope(sessions) as s:
            detail = fn(s)
    except Exception as exc:
        outcome, detail = "error", {"error": repr(exc)}
        log.error("ops job failed", job=name, error=repr(exc))
    seconds = time.perf_counter() - started
    with session_scope(sessions) as s:
        finished = s.get(OpsJobRun, run_id)
        if finished is not None:
            finished.outcome, finished.finished_at, finished.detail = outcome, clock.now(), detail
    metrics.ops_job(name, outcome, seconds)
    log.info("ops job finished", job=name, outcome=outcome, seconds=round(seconds, 3), **detail)
    return {"job": name, "outcome": outcome, **detail}


def cleanup_job(clock: Clock) -> Callable[[Session], dict[str, Any]]:
    def _run(s: Session) -> dict[str, Any]:
        total = 0
        while True:
            report = cleanup_ingest_requests(s, now=clock.now())
            total += report.deleted
            s.commit()
            if report.deleted == 0:
                return {"deleted": total, "cutoff": report.cutoff.isoformat()}

    return _run


class OpsScheduler:
    """02:45 JST nightly: ingest_requests cleanup. Started and stopped with the API process."""

    def __init__(self, *, sessions: sessionmaker[Session], clock: Clock, metrics: Metrics) -> None:
        self.sessions, self.clock, self.metrics = sessions, clock, metrics
        self.scheduler = BackgroundScheduler(timezone=JST)
        self.scheduler.add_job(self.run, CronTrigger(hour=2, minute=45, timezone=JST), args=["cleanup_ingest_requests"],
                               id="cleanup_ingest_requests", coalesce=True, max_instances=1, misfire_grace_time=3600)

    def jobs(self) -> dict[str, Callable[[Session], dict[str, Any]]]:
        return {"cleanup_ingest_requests": cleanup_job(self.clock)}

    def run(self, name: str) -> dict[str, Any]:
        return run_job(name, self.jobs()[name], sessions=self.sessions, clock=self.clock, metrics=self.metrics)

    def start(self) -> None:
        self.scheduler.start()

    def stop(self) -> None:
        self.scheduler.shutdown(wait=False)
