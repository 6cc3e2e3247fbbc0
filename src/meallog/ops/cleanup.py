"""Nightly cleanup (runbook §5, 02:45 JST): delete `ingest_requests` older than 90 days, in batches."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from meallog.store.models import IngestRequest

RETENTION = timedelta(days=90)


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
