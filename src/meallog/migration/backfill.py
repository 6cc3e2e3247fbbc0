"""Backfill and reconcile of v2 records (`meal_logs_v2`) from the legacy logs (SPEC §4, entering P1).

`backfill` walks `meal_logs` by id in batches from the cursor row `v2_backfill`; each batch writes
its v2 records and moves the cursor in one transaction, so a crash or a Ctrl-C loses at most the
batch in flight and a rerun carries on where the last commit stopped (and does nothing once done).

`reconcile` is the full check: every log whose v2 record is missing, behind the legacy version,
disagrees on deletion, or differs from a fresh recompute (stale pipeline); `fix` repairs them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from meallog.migration.shadow import compute_v2, insert_ignore, upsert_v2_from_legacy
from meallog.nutrition.normalize_v2 import V2Options
from meallog.nutrition.types import ProviderResult
from meallog.store.db import is_postgres, session_scope
from meallog.store.models import BackfillCursor, MealLog, MealLogV2

CURSOR = "v2_backfill"
BACKFILL_PHASE = "P1"  # v2 records are backfilled on entering Dual Write


@dataclass(frozen=True, slots=True)
class BackfillProgress:
    """What the caller's progress callback sees after each committed batch."""

    batch: int
    cursor: int
    scanned: int
    created: int
    refreshed: int
    remaining: int


@dataclass(frozen=True, slots=True)
class BackfillReport:
    batches: int
    scanned: int
    created: int
    refreshed: int
    skipped: int
    start_cursor: int
    cursor: int

    def to_json(self) -> dict[str, int]:
        return asdict(self)


def _now(now: datetime | Callable[[], datetime]) -> datetime:
    return now() if callable(now) else now


def read_cursor(s: Session, name: str = CURSOR, *, lock: bool = False) -> int:
    stmt = select(BackfillCursor).where(BackfillCursor.name == name)
    if lock and is_postgres(s):
        stmt = stmt.with_for_update()  # two backfills at once queue here rather than race
    row = s.scalars(stmt).one_or_none()
    return row.last_id if row is not None else 0


def _move_cursor(s: Session, last_id: int, now: datetime, name: str = CURSOR) -> None:
    insert_ignore(s, BackfillCursor, {"name": name, "last_id": 0, "updated_at": now}, ["name"])
    row = s.get(BackfillCursor, name, populate_existing=True)
    assert row is not None
    row.last_id, row.updated_at = max(row.last_id, last_id), now


def remaining(s: Session, *, cursor: int) -> int:
    return int(s.scalar(select(func.count()).select_from(MealLog).where(MealLog.id > cursor)) or 0)


def backfill(
    s_factory: sessionmaker[Session],
    *,
    batch: int = 500,
    pipeline_version: str,
    options_from_flags: Callable[[Session], V2Options],
    now: datetime | Callable[[], datetime],
    progress: Callable[[BackfillProgress], None] | None = None,
    restart: bool = False,
    phase: str = BACKFILL_PHASE,
) -> BackfillReport:
    """Create or refresh the v2 record of every legacy log past the cursor; one transaction per batch."""
    if batch < 1:
        raise ValueError("batch must be at least 1")
    if restart:
        with session_scope(s_factory) as s:
            _move_cursor(s, 0, _now(now))
            s.get_one(BackfillCursor, CURSOR).last_id = 0  # _move_cursor only moves forward
    with session_scope(s_factory) as s:
        start = read_cursor(s)
    batches = scanned = created = refreshed = skipped = 0
    cursor = start
    while True:
        with session_scope(s_factory) as s:
            cursor = read_cursor(s, lock=True)
            logs = list(
                s.scalars(select(MealLog).where(MealLog.id > cursor).order_by(MealLog.id).limit(batch))
            )
            if not logs:
                break
            at = _now(now)
            options = options_from_flags(s)
            for log in logs:
                before = s.get(MealLogV2, (log.id, pipeline_version))
                old_version = before.log_version if before is not None else None
                if old_version is not None and old_version >= log.version:
                    skipped += 1
                    continue
                upsert_v2_from_legacy(
                    s, log, options=options, pipeline_version=pipeline_version, phase=phase, now=at
                )
                if old_version is None:
                    created += 1
                else:
                    refreshed += 1
            cursor = logs[-1].id
            _move_cursor(s, cursor, at)
            left = remaining(s, cursor=cursor) if progress is not None else 0
        batches += 1
        scanned += len(logs)
        if progress is not None:
            # after the commit: a callback that raises (Ctrl-C, a test) keeps this batch
            progress(
                BackfillProgress(
                    batch=batches,
                    cursor=cursor,
                    scanned=scanned,
                    created=created,
                    refreshed=refreshed,
                    remaining=left,
                )
            )
        if len(logs) < batch:
            break
    return BackfillReport(
        batches=batches,
        scanned=scanned,
        created=created,
        refreshed=refreshed,
        skipped=skipped,
        start_cursor=start,
        cursor=cursor,
    )


# ---- reconcile ------------------------------------------------------------------------------------
ISSUE_KINDS = ("missing", "stale_version", "deleted_mismatch", "stale_pipeline")


@dataclass(frozen=True, slots=True)
class ReconcileIssue:
    log_id: int
    kind: str
    detail: str
    fixed: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"log_id": self.log_id, "kind": self.kind, "detail": self.detail, "fixed": self.fixed}


@dataclass(frozen=True, slots=True)
class ReconcileReport:
    checked: int
    issues: list[ReconcileIssue] = field(default_factory=list)
    v2_ahead: int = 0  # written in P3 after the legacy row: v2 is the truth there, nothing to repair

    @property
    def counts(self) -> dict[str, int]:
        return {k: sum(1 for i in self.issues if i.kind == k) for k in ISSUE_KINDS}

    @property
    def fixed(self) -> int:
        return sum(1 for i in self.issues if i.fixed)

    def to_json(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "counts": self.counts,
            "fixed": self.fixed,
            "v2_ahead": self.v2_ahead,
            "issues": [i.to_json() for i in self.issues],
        }


def _pairs(s: Session, pipeline_version: str, chunk: int) -> Iterator[tuple[MealLog, MealLogV2 | None]]:
    last = 0
    while True:
        logs = list(s.scalars(select(MealLog).where(MealLog.id > last).order_by(MealLog.id).limit(chunk)))
        if not logs:
            return
        ids = [log.id for log in logs]
        v2 = {
            r.log_id: r
            for r in s.scalars(
                select(MealLogV2).where(
                    MealLogV2.log_id.in_(ids), MealLogV2.pipeline_version == pipeline_version
                )
            )
        }
        for log in logs:
            yield log, v2.get(log.id)
        last = ids[-1]
        # repairs of this chunk are written to the transaction; drop the objects so memory stays flat
        s.flush()
        s.expunge_all()


def reconcile(
    s: Session,
    *,
    pipeline_version: str,
    options: V2Options,
    fix: bool,
    now: datetime,
    chunk: int = 500,
) -> ReconcileReport:
    """Compare every legacy log with its v2 record (and a fresh recompute); repair them when `fix`."""
    issues: list[ReconcileIssue] = []
    checked = ahead = 0
    for log, row in _pairs(s, pipeline_version, chunk):
        checked += 1
        if row is None:
            if fix:
                upsert_v2_from_legacy(
                    s, log, options=options, pipeline_version=pipeline_version, phase=BACKFILL_PHASE, now=now
                )
            issues.append(ReconcileIssue(log.id, "missing", "no v2 record", fix))
            continue
        if row.log_version > log.version:
            ahead += 1
            continue
        if row.log_version < log.version:
            detail = f"v2 at version {row.log_version}, legacy at {log.version}"
            if fix:
                upsert_v2_from_legacy(
                    s, log, options=options, pipeline_version=pipeline_version, phase=BACKFILL_PHASE, now=now
                )
            issues.append(ReconcileIssue(log.id, "stale_version", detail, fix))
            continue
        if row.deleted_at != log.deleted_at:
            detail = f"v2 deleted_at {row.deleted_at}, legacy {log.deleted_at}"
            if fix:
                row.deleted_at, row.updated_at = log.deleted_at, now
            issues.append(ReconcileIssue(log.id, "deleted_mismatch", detail, fix))
        fresh = compute_v2(
            ProviderResult.from_dict(log.provider_result), options=options, pipeline_version=pipeline_version
        ).model_dump(mode="json")
        if fresh != row.record or row.provider_result != log.provider_result:
            changed = sorted(k for k in set(fresh) | set(row.record) if fresh.get(k) != row.record.get(k))
            detail = "stored record differs from a fresh recompute" + (
                f" ({', '.join(changed)})" if changed else ""
            )
            if fix:
                row.record, row.provider_result, row.updated_at = fresh, dict(log.provider_result), now
            issues.append(ReconcileIssue(log.id, "stale_pipeline", detail, fix))
    if fix:
        s.flush()
    return ReconcileReport(checked=checked, issues=issues, v2_ahead=ahead)
