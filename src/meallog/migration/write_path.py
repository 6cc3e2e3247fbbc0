"""Create, edit, delete, restore: one path for every phase, driven by its `PhasePlan`.

Each write runs under the fence the caller holds (`Fenced`), locks the log's key row, reads the
log at its current version from whichever store holds it, derives the next version (pure), writes
it where the plan says, and moves the key. v2 runs through the observer: a v2 failure leaves the
legacy write standing (in P3 the legacy row takes the version instead) and a `v2_sync` job behind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

import structlog
from sqlalchemy import Table, insert, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from meallog.errors import LogDeleted, LogNotFound, NotDeleted
from meallog.logs.schemas import LogCreate, LogUpdate
from meallog.logs.service import LogView, infer_meal_type, resolve_eaten_at, zone_of
from meallog.migration.experiment import Observer, Operation
from meallog.migration.fence import Fenced
from meallog.migration.flags import FlagSnapshot
from meallog.migration.outbox import EnqueueFailed, JobKind, enqueue
from meallog.migration.records import (
    LogState,
    adapter_view,
    legacy_nutrition,
    move_key,
    put_legacy,
    put_v2,
    state_of_legacy,
    state_of_v2,
    view,
)
from meallog.migration.shadow import ComputeV2
from meallog.nutrition.dto import NutritionV1, RecordV2
from meallog.nutrition.normalize_v2 import V2Options
from meallog.nutrition.types import ProviderResult
from meallog.observability.metrics import Metrics
from meallog.store.models import LogKey, MealLog, MealLogV2, User

log = structlog.get_logger("meallog.migration")
_LOG_KEYS = cast(Table, LogKey.__table__)
_NEW_KEY = insert(_LOG_KEYS).returning(_LOG_KEYS.c.id)  # built once: a new log's key row


class V2WriteFailed(Exception):
    """The inline v2 save of a write failed. On PostgreSQL the transaction is then aborted, so the
    write is run again, whole, without the inline v2 save (`Fenced.without_inline_v2`)."""


def v2_options(snap: FlagSnapshot) -> V2Options:
    return V2Options(
        never_zero_mode=str(snap.value("NEVER_ZERO_MODE")),  # type: ignore[arg-type]
        atwater_simple_scale=bool(snap.value("ATWATER_SIMPLE_SCALE")),
        set_proposal_ui=bool(snap.value("SET_PROPOSAL_UI")),
    )


def shadow_payload(state: LogState, legacy: NutritionV1) -> dict[str, Any]:
    """What a shadow job needs to measure this version, even after later versions replaced it."""
    return {"user_id": state.user_id, "text": state.text, "local_date": state.local_date.isoformat(),
            "deleted": state.deleted_at is not None, "provider_result": state.provider_result,
            "legacy_totals": legacy.totals.model_dump(), "ts": state.updated_at.isoformat()}


class WritePath:
    def __init__(self, *, observer: Observer, metrics: Metrics, pipeline_version: str, compute: ComputeV2,
                 depth: Callable[[], int], shed_depth: int = 100_000) -> None:
        self.observer = observer
        self.metrics = metrics
        self.pipeline_version = pipeline_version
        self.compute = compute
        self.depth = depth  # the worker's last measured outbox depth: no COUNT per write
        self.shed_depth = shed_depth

    # ---- the four writes ------------------------------------------------------------------------
    def create(self, s: Session, fenced: Fenced, *, user: User, payload: LogCreate, parsed: ProviderResult,
               now: datetime) -> LogView:
        eaten_at = resolve_eaten_at(payload.eaten_at, user=user, now=now)
        local = eaten_at.astimezone(zone_of(user))
        # Born at version 1, the version this transaction writes, so there is no key to move: one
        # INSERT, no ORM object and no flush (no other transaction sees the row before the commit).
        key_id = s.connection().execute(_NEW_KEY, {
            "user_id": user.id, "created_at": now, "created_phase": fenced.phase.value, "version": 1,
            "local_date": local.date(), "deleted_at": None, "updated_at": now}).scalar_one()
        state = LogState(id=key_id, user_id=user.id, version=1, text=payload.text, eaten_at=eaten_at,
                         local_date=local.date(), meal_type=payload.meal_type or infer_meal_type(local),
                         provider_result=parsed.to_dict(), deleted_at=None, created_at=now, updated_at=now)
        return self._write(s, fenced, user, None, state, parsed=parsed, v2_before=None)

    def update(self, s: Session, fenced: Fenced, *, user: User, log_id: int, payload: LogUpdate,
               parsed: ProviderResult | None, now: datetime) -> LogView:
        key = self._lock(s, user, log_id)
        current, v2_before = self._current(s, fenced, key)
        if current.deleted_at is not None:
            raise LogDeleted(f"log {log_id} is deleted; restore it first (POST /logs/{log_id}/restore)")
        changes: dict[str, Any] = {}
        if payload.text is not None and parsed is not None:
            changes.update(text=payload.text, provider_result=parsed.to_dict())
        if payload.eaten_at is not None:
            eaten_at = resolve_eaten_at(payload.eaten_at, user=user, now=now)
            changes.update(eaten_at=eaten_at, local_date=eaten_at.astimezone(zone_of(user)).date())
        if payload.meal_type is not None:
            changes["meal_type"] = payload.meal_type
        return self._write(s, fenced, user, key, current.next(now=now, **changes), parsed=parsed,
                           v2_before=v2_before)

    def delete(self, s: Session, fenced: Fenced, *, user: User, log_id: int, now: datetime) -> LogView:
        key = self._lock(s, user, log_id)
        current, v2_before = self._current(s, fenced, key)
        if current.deleted_at is not None:  # deleting twice is the same request twice: nothing changes
            return view(current, legacy_nutrition(current), source="legacy")
        return self._write(s, fenced, user, key, current.next(now=now, deleted_at=now), parsed=None,
                           v2_before=v2_before)

    def restore(self, s: Session, fenced: Fenced, *, user: User, log_id: int, now: datetime) -> LogView:
        """Runbook §7: `POST /logs/{id}/restore`. 409 when the log is not deleted."""
        key = self._lock(s, user, log_id)
        current, v2_before = self._current(s, fenced, key)
        if current.deleted_at is None:
            raise NotDeleted(f"log {log_id} is not deleted")
        return self._write(s, fenced, user, key, current.next(now=now, deleted_at=None), parsed=None,
                           v2_before=v2_before)

    # ---- mechanism ------------------------------------------------------------------------------
    @staticmethod
    def _lock(s: Session, user: User, log_id: int) -> LogKey:
        """The log's key row, locked: every writer of one log queues here, whatever store it writes."""
        key = s.scalars(select(LogKey).where(LogKey.id == log_id, LogKey.user_id == user.id)
                        .with_for_update().execution_options(populate_existing=True)).one_or_none()
        if key is None:
            raise LogNotFound(f"log {log_id} not found")
        return key

    def _current(self, s: Session, fenced: Fenced, key: LogKey) -> tuple[LogState, MealLogV2 | None]:
        """The log at its current version (and the v2 record, whose DTO a metadata edit can reuse)."""
        legacy = s.get(MealLog, key.id, populate_existing=True)
        v2 = None
        if fenced.plan.touches_v2 or legacy is None or legacy.version != key.version:
            v2 = self.observer.savepoint(s, Operation.READ_V2, lambda: s.get(
                MealLogV2, (key.id, self.pipeline_version), populate_existing=True))
        for row, state_of in ((legacy, state_of_legacy), (v2, state_of_v2)):
            if row is not None and state_of(row).version == key.version:  # type: ignore[arg-type]
                return state_of(row), v2  # type: ignore[arg-type]
        # No store holds the current version: a bug or lost data. Carry on from the newest there is.
        self.metrics.read_version_miss()
        candidates = [state_of_legacy(legacy)] if legacy is not None else []
        candidates += [state_of_v2(v2)] if v2 is not None else []
        if not candidates:
            raise LogNotFound(f"log {key.id} not found")
        newest = max(candidates, key=lambda c: c.version)
        log.error("no store holds the log's current version", log_id=key.id, version=key.version,
                  newest=newest.version)
        return replace(newest, version=key.version), v2

    def _record(self, fenced: Fenced, state: LogState, parsed: ProviderResult | None,
                v2_before: MealLogV2 | None) -> RecordV2 | None:
        """The v2 DTO of this version: reused when the parse did not change, else computed in budget."""
        if v2_before is not None and v2_before.provider_result == state.provider_result:
            try:
                return RecordV2.model_validate(v2_before.record)
            except Exception as exc:  # a stored record this release cannot read: compute afresh
                self.observer.raised(Operation.COMPUTE, exc)
        return self.observer.candidate(Operation.COMPUTE, self.compute, parsed or state.parsed(),
                                       options=v2_options(fenced.flags), pipeline_version=self.pipeline_version)

    def _write(self, s: Session, fenced: Fenced, user: User, key: LogKey | None, state: LogState, *,
               parsed: ProviderResult | None, v2_before: MealLogV2 | None) -> LogView:
        """Write `state` where the plan says and move the locked `key` to it (None: a new log, whose
        key row was inserted at this version)."""
        plan = fenced.plan
        record: RecordV2 | None = None
        if plan.writes_v2 and fenced.inline_v2:
            record = self._record(fenced, state, parsed, v2_before)
            if record is not None:
                self._put_v2(s, fenced, state, record)
        legacy = legacy_nutrition(state)
        if plan.writes_legacy or record is None:  # P3 writes legacy only when v2 failed
            put_legacy(s, state, legacy, origin="legacy" if plan.writes_legacy else "p3_fallback")
        if plan.writes_v2 and record is None:
            self._enqueue(s, fenced, JobKind.V2_SYNC, state, {})
        if plan.shadow_job:
            self._enqueue(s, fenced, JobKind.SHADOW, state, shadow_payload(state, legacy))
        if key is not None:
            move_key(key, state)
            s.flush()
        if record is not None and fenced.reads_through_adapter(user.id):
            return adapter_view(state, record)
        return view(state, legacy, source="legacy")

    def _put_v2(self, s: Session, fenced: Fenced, state: LogState, record: RecordV2) -> None:
        """The inline v2 save: one upsert, no savepoint (two round trips fewer per P1-P3 write). If it
        fails, the unit of work is run again without it (`V2WriteFailed`): the legacy write stands (in
        P3 the legacy row takes the version) and a v2_sync job completes v2 later."""
        try:
            put_v2(s, state, record, pipeline_version=self.pipeline_version, phase=fenced.phase.value)
        except DBAPIError as exc:
            if exc.connection_invalidated:  # the connection is gone, not v2: the whole request fails (503)
                raise
            self.observer.raised(Operation.WRITE_V2, exc)
            raise V2WriteFailed(f"v2 save failed: {exc!r}") from exc
        except Exception as exc:
            self.observer.raised(Operation.WRITE_V2, exc)
            raise V2WriteFailed(f"v2 save failed: {exc!r}") from exc

    def _enqueue(self, s: Session, fenced: Fenced, kind: JobKind, state: LogState, payload: dict[str, Any]) -> None:
        """An outbox row: one INSERT, no savepoint (two round trips fewer per write). If it fails, the
        unit of work is run again without outbox jobs (`EnqueueFailed`), so the user's write stands."""
        if kind is JobKind.SHADOW and self.depth() >= self.shed_depth:
            self.metrics.shadow_shed("queue_full")
            return
        if not fenced.outbox:
            self.metrics.shadow_shed("enqueue_failed")
            return
        try:
            enqueue(s, kind=kind, log_id=state.id, log_version=state.version, now=state.updated_at,
                        payload=payload)
        except Exception as exc:
            self.observer.raised(Operation.ENQUEUE, exc)
            raise EnqueueFailed(f"outbox insert failed: {exc!r}") from exc
