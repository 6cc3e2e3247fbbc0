"""Nightly cleanup (runbook §5, 02:45 JST), in batches: `ingest_requests` older than 90 days, and
outbox jobs done for more than a day (their results are the shadow rows, diffs and v2 records)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from meallog.store.models import IngestRequest, OutboxJob

RETENTION = timedelta(days=90)
DONE_JOBS_RETENTION = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class CleanupReport:
    deleted: int
    cutoff: datetime


def cleanup_ingest_requests(s: Session, *, now: datetime, batch: int = 5_000,
                            retention: timedelta = RETENTION) -> CleanupReport:
    """`DELETE FROM ingest_requests WHERE created_at < now() - interval '90 days'`, batch by batch.

    Safe to rerun and to crash mid-way: each batch is a plain delete of rows past the cutoff.
    The caller commits; the scheduler's cleanup job commits per batch, so no lock is held for long.
    """
    cutoff = now - retention
    ids = list(s.scalars(select(IngestRequest.id).where(IngestRequest.created_at < cutoff)
                         .order_by(IngestRequest.id).limit(batch)))
    if ids:
        s.execute(delete(IngestRequest).where(IngestRequest.id.in_(ids)))
    return CleanupReport(deleted=len(ids), cutoff=cutoff)


def count_expired(s: Session, *, now: datetime, retention: timedelta = RETENTION) -> tuple[int, datetime]:
    """What a cleanup would delete now (for `--dry-run`)."""
    cutoff = now - retention
    n = s.scalar(select(func.count()).select_from(IngestRequest).where(IngestRequest.created_at < cutoff))
    return int(n or 0), cutoff


def cleanup_done_jobs(s: Session, *, now: datetime, batch: int = 5_000,
                      retention: timedelta = DONE_JOBS_RETENTION) -> CleanupReport:
    """`DELETE FROM outbox WHERE state = 'done' AND updated_at < now() - interval '1 day'`, one batch.

    Pending, running (leased) and dead (dead-letter, replayed by `meallog shadow retry`) jobs stay.
    A done job is never claimed again, and the worker's exactly-once rests on the result rows' keys
    (log, version, pipeline), not on the job row, so deleting it loses nothing."""
    cutoff = now - retention
    ids = list(s.scalars(select(OutboxJob.id).where(OutboxJob.state == "done", OutboxJob.updated_at < cutoff)
                         .order_by(OutboxJob.id).limit(batch)))
    if ids:
        s.execute(delete(OutboxJob).where(OutboxJob.id.in_(ids)))
    return CleanupReport(deleted=len(ids), cutoff=cutoff)


def count_done_jobs(s: Session, *, now: datetime, retention: timedelta = DONE_JOBS_RETENTION) -> int:
    cutoff = now - retention
    return int(s.scalar(select(func.count()).select_from(OutboxJob).where(
        OutboxJob.state == "done", OutboxJob.updated_at < cutoff)) or 0)
