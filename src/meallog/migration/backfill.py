"""Backfill and reconcile of v2 records (`meal_logs_v2`) from the legacy logs (SPEC §4, entering P1).

`backfill` walks the logs (`log_keys`) by id in pages from the cursor row `v2_backfill`. A page is one
transaction: its keys, legacy rows and v2 record versions are read in one query, v2 is computed once
per distinct provider parse, the records are written with one multi-row upsert that never moves a
record back to an older version, and the cursor moves. A crash, a SIGKILL or a Ctrl-C loses at most
the page in flight, and a rerun carries on where the last commit stopped (and does nothing once done).

`reconcile` is the full check of both stores against each log's current version: missing, stale,
ahead, deletion disagreeing, or a record that differs from a fresh recompute; `fix` repairs them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from meallog.migration.control import write_back
from meallog.migration.phases import Phase
from meallog.migration.records import LogState, put_v2_many, v2_values
from meallog.migration.shadow import ComputeV2, V2Memo, compute_v2, sync_v2
from meallog.nutrition.dto import RecordV2
from meallog.nutrition.normalize_v2 import V2Options
from meallog.nutrition.types import ProviderResult
from meallog.store.db import insert_ignore, is_postgres, session_scope
from meallog.store.models import BackfillCursor, LogKey, MealLog, MealLogV2

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
    return int(s.scalar(select(func.count()).select_from(LogKey).where(LogKey.id > cursor)) or 0)


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
    compute: ComputeV2 = compute_v2,
) -> BackfillReport:
    """Create or refresh the v2 record of every log past the cursor; one transaction per page of
    `batch` logs.

    A v2 record behind its log's current version is refreshed, not only a missing one created; the
    cursor starts again at 0 each time the migration enters P1, so edits made in OFF or P0 after an
    earlier backfill are carried too. A log whose current version is not in the legacy row (written
    in P3), or whose record is current, is skipped, as is one a concurrent write moved on first.
    """
    if batch < 1:
        raise ValueError("batch must be at least 1")
    if restart:
        with session_scope(s_factory) as s:
            _move_cursor(s, 0, _now(now))
            s.get_one(BackfillCursor, CURSOR).last_id = 0  # _move_cursor only moves forward
    with session_scope(s_factory) as s:
        start = read_cursor(s)
        left = remaining(s, cursor=start) if progress is not None else 0  # counted once, then counted down
    batches = scanned = created = refreshed = skipped = 0
    cursor = start
    while True:
        with session_scope(s_factory) as s:
            cursor = read_cursor(s, lock=True)
            page = _page(s, cursor=cursor, limit=batch, pipeline_version=pipeline_version)
            if not page:
                break
            at = _now(now)
            memo = V2Memo(compute, options=options_from_flags(s), pipeline_version=pipeline_version)
            rows, had_record = _plan(s, page, memo=memo, pipeline_version=pipeline_version, phase=phase)
            written = put_v2_many(s, rows)
            created += sum(1 for log_id in written if not had_record[log_id])
            refreshed += sum(1 for log_id in written if had_record[log_id])
            skipped += len(page) - len(written)
            cursor = page[-1].id
            _move_cursor(s, cursor, at)
        batches += 1
        scanned += len(page)
        left = max(left - len(page), 0)
        if progress is not None:
            # after the commit: a callback that raises (Ctrl-C, a test) keeps this page
            progress(BackfillProgress(batch=batches, cursor=cursor, scanned=scanned, created=created,
                                      refreshed=refreshed, remaining=left))
        if len(page) < batch:
            break
    return BackfillReport(batches=batches, scanned=scanned, created=created, refreshed=refreshed, skipped=skipped,
                          start_cursor=start, cursor=cursor)


_K, _L, _V = LogKey.__table__, MealLog.__table__, MealLogV2.__table__


def _page(s: Session, *, cursor: int, limit: int, pipeline_version: str) -> list[Any]:
    """The next `limit` logs past the cursor: each key with its legacy row (if any) and the version of
    its v2 record (if any), in one query (Core rows: no ORM identity map)."""
    on_v2 = (_V.c.log_id == _K.c.id) & (_V.c.pipeline_version == pipeline_version)
    query = (select(_K.c.id, _K.c.version, _L.c.version.label("legacy_version"), _L.c.user_id, _L.c.text,
                    _L.c.eaten_at, _L.c.local_date, _L.c.meal_type, _L.c.provider_result, _L.c.deleted_at,
                    _L.c.created_at, _L.c.updated_at, _V.c.log_version.label("v2_version"))
             .select_from(_K.outerjoin(_L, _L.c.id == _K.c.id).outerjoin(_V, on_v2))
             .where(_K.c.id > cursor).order_by(_K.c.id).limit(limit))
    return list(s.execute(query))


def _plan(s: Session, page: list[Any], *, memo: V2Memo, pipeline_version: str,
          phase: str) -> tuple[list[dict[str, Any]], dict[int, bool]]:
    """The v2 rows to write for a page (what `sync_v2` would write for each log), and whether each of
    those logs already had a record. A stale record whose provider parse is unchanged keeps its
    record (only metadata or deletion changed); every other one is computed (once per parse)."""
    todo = [r for r in page if r.legacy_version == r.version and (r.v2_version is None or r.v2_version < r.version)]
    stale = [r.id for r in todo if r.v2_version is not None]
    kept: dict[int, dict[str, Any]] = {}
    if stale:
        for log_id, provider_result, record in s.execute(select(_V.c.log_id, _V.c.provider_result, _V.c.record).where(
                _V.c.log_id.in_(stale), _V.c.pipeline_version == pipeline_version)):
            kept[log_id] = {"provider_result": provider_result, "record": record}
    rows: list[dict[str, Any]] = []
    for r in todo:
        state = LogState(id=r.id, user_id=r.user_id, version=r.version, text=r.text, eaten_at=r.eaten_at,
                         local_date=r.local_date, meal_type=r.meal_type, provider_result=dict(r.provider_result),
                         deleted_at=r.deleted_at, created_at=r.created_at, updated_at=r.updated_at)
        old = kept.get(r.id)
        if old is not None and old["provider_result"] == state.provider_result:
            record = RecordV2.model_validate(old["record"]).model_dump(mode="json")
        else:
            record = memo(state.provider_result).record
        rows.append(v2_values(state, record, pipeline_version=pipeline_version, phase=phase))
    return rows, {r.id: r.v2_version is not None for r in todo}


# ---- reconcile ------------------------------------------------------------------------------------
ISSUE_KINDS = ("missing", "stale", "ahead", "deleted_mismatch", "stale_pipeline")


@dataclass(frozen=True, slots=True)
class ReconcileIssue:
    log_id: int
    kind: str
    detail: str
    fixed: bool = False
    store: str = "v2"  # "legacy" or "v2": which store disagrees with the log's current version

    def to_json(self) -> dict[str, Any]:
        return {"log_id": self.log_id, "store": self.store, "kind": self.kind, "detail": self.detail,
                "fixed": self.fixed}


@dataclass(frozen=True, slots=True)
class ReconcileReport:
    checked: int
    issues: list[ReconcileIssue] = field(default_factory=list)
    # P3: logs whose current version only the v2 record holds; written back to legacy on leaving P3
    pending_back_write: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {k: sum(1 for i in self.issues if i.kind == k) for k in ISSUE_KINDS}

    @property
    def by_store(self) -> dict[str, dict[str, int]]:
        return {store: {k: sum(1 for i in self.issues if i.kind == k and i.store == store) for k in ISSUE_KINDS}
                for store in ("legacy", "v2")}

    @property
    def fixed(self) -> int:
        return sum(1 for i in self.issues if i.fixed)

    @property
    def unfixed(self) -> int:
        return sum(1 for i in self.issues if not i.fixed)

    def to_json(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "counts": self.counts,
            "by_store": self.by_store,
            "fixed": self.fixed,
            "pending_back_write": self.pending_back_write,
            "issues": [i.to_json() for i in self.issues],
        }


def _rows(s: Session, pipeline_version: str, chunk: int
          ) -> Iterator[tuple[LogKey, MealLog | None, MealLogV2 | None]]:
    last = 0
    while True:
        keys = list(s.scalars(select(LogKey).where(LogKey.id > last).order_by(LogKey.id).limit(chunk)))
        if not keys:
            return
        ids = [k.id for k in keys]
        legacy = {r.id: r for r in s.scalars(select(MealLog).where(MealLog.id.in_(ids)))}
        v2 = {r.log_id: r for r in s.scalars(select(MealLogV2).where(
            MealLogV2.log_id.in_(ids), MealLogV2.pipeline_version == pipeline_version))}
        for key in keys:
            yield key, legacy.get(key.id), v2.get(key.id)
        last = ids[-1]
        # repairs of this chunk are written to the transaction; drop the objects so memory stays flat
        s.flush()
        s.expunge_all()


def _version_issue(store: str, row_version: int | None, key: LogKey) -> tuple[str, str] | None:
    if row_version is None:
        return "missing", f"no {store} row for version {key.version}"
    if row_version < key.version:
        return "stale", f"{store} at version {row_version}, the log at {key.version}"
    if row_version > key.version:
        return "ahead", f"{store} at version {row_version}, ahead of the log's {key.version}"
    return None


def reconcile(
    s: Session,
    *,
    pipeline_version: str,
    options: V2Options,
    fix: bool,
    now: datetime,
    phase: Phase = Phase.P1,
    chunk: int = 500,
) -> ReconcileReport:
    """Compare every log's current version with its legacy row and its v2 record; repair when `fix`.

    Legacy must hold the current version in every phase but P3 (there it is written back on leaving);
    the v2 record must hold it too, equal to a fresh recompute. "ahead" (a row newer than the log)
    is never repaired automatically: it means a write escaped the fence.
    """
    issues: list[ReconcileIssue] = []
    checked = pending = 0
    for key, legacy, v2 in _rows(s, pipeline_version, chunk):
        checked += 1
        legacy_issue = _version_issue("legacy", legacy.version if legacy else None, key)
        v2_issue = _version_issue("v2", v2.log_version if v2 else None, key)
        if legacy_issue is not None:
            if phase is Phase.P3 and legacy_issue[0] != "ahead" and v2_issue is None:
                pending += 1
            else:
                repaired = fix and legacy_issue[0] != "ahead" and v2_issue is None and v2 is not None
                if repaired:
                    assert v2 is not None
                    write_back(s, v2)
                issues.append(ReconcileIssue(key.id, legacy_issue[0], legacy_issue[1], repaired, "legacy"))
        if v2_issue is not None:
            repaired = fix and v2_issue[0] != "ahead" and legacy_issue is None
            if repaired:
                sync_v2(s, key, options=options, pipeline_version=pipeline_version, phase=BACKFILL_PHASE)
            issues.append(ReconcileIssue(key.id, v2_issue[0], v2_issue[1], repaired, "v2"))
            continue
        assert v2 is not None
        if legacy_issue is None and legacy is not None:
            issues += _same_version_checks(legacy, v2, options=options, pipeline_version=pipeline_version,
                                           fix=fix, now=now)
    if fix:
        s.flush()
    return ReconcileReport(checked=checked, issues=issues, pending_back_write=pending)


def _same_version_checks(legacy: MealLog, v2: MealLogV2, *, options: V2Options, pipeline_version: str, fix: bool,
                         now: datetime) -> list[ReconcileIssue]:
    """Both stores hold the current version: their metadata must agree and the record be fresh."""
    out = []
    if v2.deleted_at != legacy.deleted_at or v2.text != legacy.text or v2.local_date != legacy.local_date:
        detail = f"v2 deleted_at {v2.deleted_at}, legacy {legacy.deleted_at}"
        if fix:
            v2.text, v2.local_date, v2.eaten_at = legacy.text, legacy.local_date, legacy.eaten_at
            v2.deleted_at, v2.updated_at = legacy.deleted_at, now
        out.append(ReconcileIssue(legacy.id, "deleted_mismatch", detail, fix))
    fresh = compute_v2(ProviderResult.from_dict(legacy.provider_result), options=options,
                       pipeline_version=pipeline_version).model_dump(mode="json")
    if fresh != v2.record or v2.provider_result != legacy.provider_result:
        changed = sorted(k for k in set(fresh) | set(v2.record) if fresh.get(k) != v2.record.get(k))
        detail = "stored record differs from a fresh recompute" + (f" ({', '.join(changed)})" if changed else "")
        if fix:
            v2.record, v2.provider_result, v2.updated_at = fresh, dict(legacy.provider_result), now
        out.append(ReconcileIssue(legacy.id, "stale_pipeline", detail, fix))
    return out
