"""Transactional outbox: jobs written in the user's transaction, claimed by workers with a lease.

States: pending -> running (leased) -> done | pending (retry with backoff) | dead (dead letter,
replayed by `meallog shadow retry`). A worker killed mid-batch leaves `running` rows whose lease
expires; they are claimed again, and the job handlers are idempotent on (log, version, pipeline
version), so nothing is lost or written twice. PostgreSQL claims with FOR UPDATE SKIP LOCKED so
many workers share one table; SQLite serialises writers (BEGIN IMMEDIATE).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ARRAY, BigInteger, any_, bindparam, func, insert, or_, select, text, update
from sqlalchemy.orm import Session

from meallog.store.db import is_postgres
from meallog.store.models import OUTBOX_LIVE, OutboxJob


class JobKind(StrEnum):
    SHADOW = "shadow"  # P0-P2: compute v2 from the legacy log, write shadow row + diff row
    V2_SYNC = "v2_sync"  # P1+: complete or refresh the v2 record when the inline write did not
    COMPARE = "compare"  # P2: a sampled adapter read, compared with legacy off the request path


class JobState(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    DEAD = "dead"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 5
    base_s: float = 2.0
    cap_s: float = 300.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Exponential backoff with full jitter: uniform(0, min(cap, base * 2**attempt))."""
        return rng.uniform(0, min(self.cap_s, self.base_s * 2 ** max(attempt - 1, 0)))


def enqueue(s: Session, *, kind: JobKind, log_id: int, log_version: int, now: datetime,
            payload: dict[str, Any] | None = None) -> None:
    """A job for one version of a log; `payload` keeps what the job needs of that version. One INSERT
    run at once (no ORM object, no flush): it is on every write's path."""
    s.execute(insert(OutboxJob), {"kind": kind.value, "log_id": log_id, "log_version": log_version,
                                  "payload": payload or {}, "state": JobState.PENDING.value, "attempts": 0,
                                  "next_attempt_at": now, "created_at": now, "updated_at": now})


class EnqueueFailed(Exception):
    """The outbox insert of a write failed. On PostgreSQL the transaction is then aborted, so the
    write is run again, whole, without its outbox jobs (`Fenced.without_outbox`)."""


@dataclass(frozen=True, slots=True)
class ClaimedJob:
    """A leased job as the worker sees it: plain values, no ORM identity."""

    id: int
    kind: str
    log_id: int
    log_version: int
    payload: dict[str, Any]
    attempts: int


def claim_statement(*, worker_id: str, now: datetime, batch: int, lease_s: float, postgres: bool) -> Any:
    """UPDATE ... WHERE id = ANY(ARRAY(SELECT ... LIMIT batch [FOR UPDATE SKIP LOCKED])) RETURNING the jobs.

    The SELECT names the live states first, so it walks `ix_outbox_live` (the jobs not done), never
    the day of done jobs beside them; `= ANY(ARRAY(...))` makes the UPDATE fetch those ids by the
    primary key (`IN (SELECT ...)` let the planner hash-join the whole table).
    """
    due = or_(
        (OutboxJob.state == JobState.PENDING.value) & (OutboxJob.next_attempt_at <= now),
        (OutboxJob.state == JobState.RUNNING.value) & (OutboxJob.locked_until < now),
    )
    live = text(OUTBOX_LIVE)  # the index's own predicate, as constants: the planner proves it at once
    ids = select(OutboxJob.id).where(live, due).order_by(OutboxJob.id).limit(batch)
    t: Any = OutboxJob.__table__
    if postgres:
        ids = ids.with_for_update(skip_locked=True)
        chosen = t.c.id == any_(func.array(ids.scalar_subquery()))
    else:
        chosen = t.c.id.in_(ids.scalar_subquery())
    return (update(t).where(chosen)  # Core: no ORM bulk-update bookkeeping
            .values(state=JobState.RUNNING.value, locked_by=worker_id, locked_until=now + timedelta(seconds=lease_s),
                    updated_at=now, attempts=t.c.attempts + 1)
            .returning(t.c.id, t.c.kind, t.c.log_id, t.c.log_version, t.c.payload, t.c.attempts))


def claim_batch(s: Session, *, worker_id: str, now: datetime, batch: int, lease_s: float) -> list[ClaimedJob]:
    """Lease up to `batch` due jobs in one statement (`claim_statement`).

    On PostgreSQL concurrent workers skip each other's rows; SQLite holds the write lock (BEGIN
    IMMEDIATE) for the statement, which serialises claims the same way.
    """
    stmt = claim_statement(worker_id=worker_id, now=now, batch=batch, lease_s=lease_s, postgres=is_postgres(s))
    rows = s.connection().execute(stmt).all()
    return sorted((ClaimedJob(id=r[0], kind=r[1], log_id=r[2], log_version=r[3], payload=dict(r[4] or {}),
                              attempts=r[5]) for r in rows), key=lambda j: j.id)


def complete_many(s: Session, job_ids: list[int], *, worker_id: str, now: datetime) -> set[int]:
    """Mark done in one statement the jobs this worker still holds; returns their ids."""
    if not job_ids:
        return set()
    t: Any = OutboxJob.__table__
    res = s.connection().execute(  # Core: no ORM bulk-update bookkeeping
        update(t)
        .where(_id_in(s, t.c.id, job_ids), t.c.locked_by == worker_id, t.c.state == JobState.RUNNING.value)
        .values(state=JobState.DONE.value, locked_by=None, locked_until=None, updated_at=now, last_error=None)
        .returning(t.c.id)
    )
    return {int(r[0]) for r in res}


def _id_in(s: Session, column: Any, ids: list[int]) -> Any:
    """`column IN ids`; on PostgreSQL `= ANY(array)`, one parameter: a statement with hundreds of
    placeholders is parsed again by psycopg on every execution."""
    if is_postgres(s):
        return column == any_(bindparam("ids", list(ids), type_=ARRAY(BigInteger)))
    return column.in_(ids)


def release(s: Session, job_ids: list[int], *, worker_id: str, now: datetime) -> int:
    """Hand back leased jobs that were not tried (their batch ran out of time): pending again, the
    attempt their claim counted taken back."""
    if not job_ids:
        return 0
    t: Any = OutboxJob.__table__
    res = s.connection().execute(
        update(t)
        .where(_id_in(s, t.c.id, job_ids), t.c.locked_by == worker_id, t.c.state == JobState.RUNNING.value)
        .values(state=JobState.PENDING.value, locked_by=None, locked_until=None, updated_at=now, next_attempt_at=now,
                attempts=func.greatest(t.c.attempts - 1, 0) if is_postgres(s) else func.max(t.c.attempts - 1, 0))
        .returning(t.c.id)
    )
    return len(res.all())


def complete(s: Session, job_id: int, *, worker_id: str, now: datetime) -> bool:
    """Mark done, only if this worker still holds the lease."""
    res = s.execute(
        update(OutboxJob)
        .where(OutboxJob.id == job_id, OutboxJob.locked_by == worker_id, OutboxJob.state == JobState.RUNNING.value)
        .values(state=JobState.DONE.value, locked_by=None, locked_until=None, updated_at=now, last_error=None)
    )
    return bool(res.rowcount)  # type: ignore[attr-defined]


def fail(s: Session, job_id: int, *, worker_id: str, now: datetime, error: str, policy: RetryPolicy,
         rng: random.Random) -> str:
    """Schedule a retry with backoff, or dead-letter the job after `max_attempts`."""
    job = s.get(OutboxJob, job_id)
    if job is None or job.locked_by != worker_id:
        return "lost-lease"
    job.last_error, job.locked_by, job.locked_until, job.updated_at = error[:2000], None, None, now
    if job.attempts >= policy.max_attempts:
        job.state = JobState.DEAD.value
    else:
        job.state = JobState.PENDING.value
        job.next_attempt_at = now + timedelta(seconds=policy.delay(job.attempts, rng))
    return job.state


def retry_dead(s: Session, *, now: datetime, job_ids: list[int] | None = None) -> int:
    """Replay dead letters: back to pending with a fresh attempt budget."""
    stmt = update(OutboxJob).where(OutboxJob.state == JobState.DEAD.value)
    if job_ids:
        stmt = stmt.where(OutboxJob.id.in_(job_ids))
    res = s.execute(stmt.values(state=JobState.PENDING.value, attempts=0, next_attempt_at=now, updated_at=now))
    return int(res.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class QueueStats:
    """The live queue: jobs not done (done jobs are not counted: a day of them awaits the cleanup)."""

    pending: int
    running: int
    dead: int
    oldest_pending_at: datetime | None

    def lag_seconds(self, now: datetime) -> float:
        return max((now - self.oldest_pending_at).total_seconds(), 0.0) if self.oldest_pending_at else 0.0


def stats(s: Session) -> QueueStats:
    """Counts and the oldest waiting job, read through `ix_outbox_live` (never the done jobs)."""
    live = text(OUTBOX_LIVE)
    counts = {state: n for state, n in s.execute(select(OutboxJob.state, func.count()).where(live)
                                                 .group_by(OutboxJob.state)).all()}
    oldest = s.scalar(select(func.min(OutboxJob.created_at)).where(live, OutboxJob.state.in_(
        [JobState.PENDING.value, JobState.RUNNING.value])))
    if oldest is not None and oldest.tzinfo is None:
        from datetime import UTC

        oldest = oldest.replace(tzinfo=UTC)
    return QueueStats(pending=counts.get("pending", 0), running=counts.get("running", 0),
                      dead=counts.get("dead", 0), oldest_pending_at=oldest)
