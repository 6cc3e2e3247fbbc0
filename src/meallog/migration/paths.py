"""The write and read path of each phase (SPEC §4). The user's result never depends on v2 working.

| phase | write | read |
| OFF | legacy | legacy |
| P0  | legacy + outbox row (shadow job) | legacy |
| P1  | legacy + v2 inline within a budget (else outbox v2_sync) + shadow job | legacy |
| P2  | as P1 | adapter(v2) for the DUAL_READ_V2 share, sampled comparison with legacy |
| P3  | v2 only (legacy row only as a fallback when v2 fails) | adapter(v2) |

Every v2 step runs inside a SAVEPOINT and behind `guard`: an exception, a hang past the budget or a
database error on the v2 side rolls back only that savepoint and becomes a job for the worker.
"""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from meallog.errors import LogNotFound, Unavailable
from meallog.logs.paths import LegacyPaths
from meallog.logs.schemas import LogCreate, LogUpdate
from meallog.logs.service import (
    LogService,
    LogView,
    infer_meal_type,
    resolve_eaten_at,
    restore,
    soft_delete,
    view_of_legacy,
    zone_of,
)
from meallog.migration.adapter_cache import AdapterCache
from meallog.migration.diff import Thresholds, breached, diff_totals
from meallog.migration.flags import FeatureService, FlagSnapshot
from meallog.migration.outbox import JobKind, enqueue
from meallog.migration.phases import Phase
from meallog.migration.shadow import ComputeV2, compute_v2, upsert_v2_from_legacy
from meallog.nutrition.dto import RecordV2
from meallog.nutrition.normalize_v2 import V2Options
from meallog.nutrition.types import ProviderResult
from meallog.observability.metrics import Metrics
from meallog.store.models import MealLog, MealLogV2, User

log = structlog.get_logger("meallog.migration")


def v2_options(snap: FlagSnapshot) -> V2Options:
    return V2Options(
        never_zero_mode=str(snap.value("NEVER_ZERO_MODE")),  # type: ignore[arg-type]
        atwater_simple_scale=bool(snap.value("ATWATER_SIMPLE_SCALE")),
        set_proposal_ui=bool(snap.value("SET_PROPOSAL_UI")),
    )


@dataclass
class Guard:
    """Runs v2 computations off the request thread with a time budget and a bounded pool.

    When every slot is busy (a hang, an overload) the work is shed to the outbox at once, so the
    user path never waits for v2 longer than `budget_s`.
    """

    budget_s: float = 0.05
    slots: int = 4

    def __post_init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=self.slots, thread_name_prefix="v2-inline")
        self._busy = threading.BoundedSemaphore(self.slots)

    def run(self, fn: Any, *args: Any, **kw: Any) -> Any:
        """fn(*args) within the budget; raises TimeoutError/any error of fn, or `Shed` when full."""
        if not self._busy.acquire(blocking=False):
            raise Shed("inline v2 pool full")

        def task() -> Any:
            try:
                return fn(*args, **kw)
            finally:
                self._busy.release()

        fut = self._pool.submit(task)
        try:
            return fut.result(timeout=self.budget_s)
        except FutureTimeout:
            raise TimeoutError(f"v2 computation over its {self.budget_s * 1000:.0f} ms budget") from None

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


class Shed(Exception):
    pass


class PhasePaths(LegacyPaths):
    def __init__(
        self,
        *,
        service: LogService,
        features: FeatureService,
        metrics: Metrics,
        pipeline_version: str,
        adapter_cache: AdapterCache,
        guard: Guard | None = None,
        thresholds: Thresholds | None = None,
        compare_sample: float = 1.0,
        shed_depth: int = 100_000,
        depth: Any = None,
        rng: random.Random | None = None,
        compute: ComputeV2 = compute_v2,
    ) -> None:
        super().__init__(service=service)
        self.compute = compute
        self.features = features
        self.metrics = metrics
        self.pipeline_version = pipeline_version
        self.adapter_cache = adapter_cache
        self.guard = guard or Guard()
        self.thresholds = thresholds or Thresholds()
        self.compare_sample = compare_sample
        self.shed_depth = shed_depth
        # A callable giving the last measured outbox depth (the worker measures it); no COUNT per write.
        self.depth = depth or (lambda: 0)
        self.rng = rng or random.Random()
        self._phase = threading.local()

    def unit_of_work(self, s: Session) -> AbstractContextManager[object]:
        return self.features.snapshots.pinned(self.features.store.snapshot(s))

    # ---- helpers -----------------------------------------------------------------------------
    def _enqueue(self, s: Session, kind: JobKind, log_id: int, version: int, now: datetime) -> None:
        """Add an outbox row in a savepoint; if even that fails, the user's write still stands."""
        if kind is JobKind.SHADOW and self.depth() >= self.shed_depth:
            self.metrics.shadow_shed("queue_full")
            return
        try:
            with s.begin_nested():
                enqueue(s, kind=kind, log_id=log_id, log_version=version, now=now)
                s.flush()
        except Exception as exc:  # the shadow side must never fail the user's write
            self.metrics.shadow_shed("outbox_error")
            log.warning("outbox insert failed", kind=kind.value, log_id=log_id, error=repr(exc))

    def _inline_v2(self, s: Session, legacy: MealLog, parsed: ProviderResult | None, snap: FlagSnapshot,
                   phase: Phase, now: datetime) -> MealLogV2 | None:
        """P1+: save the v2 record with the legacy save; on any failure leave it to a v2_sync job."""
        try:
            record = None
            if parsed is not None:
                record = self.guard.run(self.compute, parsed, options=v2_options(snap),
                                        pipeline_version=self.pipeline_version)
            with s.begin_nested():
                row = upsert_v2_from_legacy(s, legacy, options=v2_options(snap), pipeline_version=self.pipeline_version,
                                            phase=phase.value, now=now, record=record, compute=self.compute)
                s.flush()
            return row
        except Exception as exc:  # exception, timeout, shed or database error: the worker completes it
            self.metrics.shadow_shed("inline_v2_" + type(exc).__name__.lower()[:24])
            log.warning("inline v2 write deferred", log_id=legacy.id, error=repr(exc))
            self._enqueue(s, JobKind.V2_SYNC, legacy.id, legacy.version, now)
            return None

    def after_write(self, s: Session, log_: MealLog, parsed: ProviderResult | None, op: str) -> None:
        snap = self.features.snapshot()
        phase = snap.phase
        now = log_.updated_at
        if phase is Phase.OFF:
            return
        # every write in P0-P2 gets a shadow row and a diff row for the log's new version
        self._enqueue(s, JobKind.SHADOW, log_.id, log_.version, now)
        if phase in (Phase.P1, Phase.P2, Phase.P3):
            self._inline_v2(s, log_, parsed, snap, phase, now)

    # ---- writes ------------------------------------------------------------------------------
    def create(self, s: Session, *, user: User, payload: LogCreate, parsed: ProviderResult, now: datetime) -> LogView:
        snap = self.features.snapshot()
        phase = snap.phase
        key = self.service.new_key(s, user=user, now=now, phase=phase.value)
        if phase is Phase.P3:
            view = self._create_v2_only(s, user=user, payload=payload, parsed=parsed, now=now, key_id=key.id, snap=snap)
            if view is not None:
                return view
        legacy = self.service.create_legacy(s, user=user, payload=payload, now=now, log_id=key.id, parsed=parsed)
        if phase is Phase.P3:  # v2 failed in P3: keep the legacy row and let the worker build v2
            self._enqueue(s, JobKind.V2_SYNC, legacy.id, legacy.version, now)
            return view_of_legacy(legacy)
        self.after_write(s, legacy, parsed, "create")
        return self._view_after_write(s, user, legacy, phase)

    def _create_v2_only(self, s: Session, *, user: User, payload: LogCreate, parsed: ProviderResult,
                        now: datetime, key_id: int, snap: FlagSnapshot) -> LogView | None:
        try:
            record = self.guard.run(self.compute, parsed, options=v2_options(snap),
                                    pipeline_version=self.pipeline_version)
            eaten_at = resolve_eaten_at(payload.eaten_at, user=user, now=now)
            local = eaten_at.astimezone(zone_of(user))
            row = MealLogV2(log_id=key_id, pipeline_version=self.pipeline_version, user_id=user.id, text=payload.text,
                            eaten_at=eaten_at, local_date=local.date(),
                            meal_type=payload.meal_type or infer_meal_type(local),
                            record=record.model_dump(mode="json"), provider_result=parsed.to_dict(), log_version=1,
                            deleted_at=None, created_at=now, updated_at=now, written_phase=Phase.P3.value)
            with s.begin_nested():
                s.add(row)
                s.flush()
            return self.adapter_cache.view(row, snap.cache_generation)
        except Exception as exc:
            self.metrics.shadow_shed("p3_v2_" + type(exc).__name__.lower()[:24])
            log.error("P3 v2 write failed; saved through legacy", error=repr(exc))
            return None

    def _view_after_write(self, s: Session, user: User, legacy: MealLog, phase: Phase) -> LogView:
        if phase is Phase.P2 and self.features.reads_through_adapter(user.id):
            return self._adapter_read(s, user, legacy.id, legacy=legacy)
        return view_of_legacy(legacy)

    def _v2_row(self, s: Session, user: User, log_id: int, *, for_update: bool = False) -> MealLogV2 | None:
        stmt = select(MealLogV2).where(MealLogV2.log_id == log_id, MealLogV2.user_id == user.id,
                                       MealLogV2.pipeline_version == self.pipeline_version)
        if for_update:
            stmt = stmt.with_for_update()
        return s.scalars(stmt).one_or_none()

    def _p3_row(self, s: Session, user: User, log_id: int, now: datetime) -> MealLogV2:
        """The v2 record to change in P3; built from legacy first if it lags (before the worker caught up)."""
        row = self._v2_row(s, user, log_id, for_update=True)
        legacy = s.scalars(select(MealLog).where(MealLog.id == log_id, MealLog.user_id == user.id)).one_or_none()
        if legacy is not None and (row is None or row.log_version < legacy.version):
            snap = self.features.snapshot()
            row = upsert_v2_from_legacy(s, legacy, options=v2_options(snap), pipeline_version=self.pipeline_version,
                                        phase=Phase.P3.value, now=now)
        if row is None:
            raise LogNotFound(f"log {log_id} not found")
        return row

    def update(self, s: Session, *, user: User, log_id: int, payload: LogUpdate,
               parsed: ProviderResult | None, now: datetime) -> LogView:
        snap = self.features.snapshot()
        if snap.phase is not Phase.P3:
            view = super().update(s, user=user, log_id=log_id, payload=payload, parsed=parsed, now=now)
            return self._reread(s, user, view, snap.phase)
        row = self._p3_row(s, user, log_id, now)
        if payload.text is not None and parsed is not None:
            try:
                record = self.compute(parsed, options=v2_options(snap), pipeline_version=self.pipeline_version)
            except Exception as exc:  # P3 has no legacy path to fall back on: change nothing, say so
                raise Unavailable("nutrition v2 failed; nothing was changed, retry the request") from exc
            row.text, row.record, row.provider_result = payload.text, record.model_dump(mode="json"), parsed.to_dict()
        if payload.eaten_at is not None:
            row.eaten_at = resolve_eaten_at(payload.eaten_at, user=user, now=now)
            row.local_date = row.eaten_at.astimezone(zone_of(user)).date()
        if payload.meal_type is not None:
            row.meal_type = payload.meal_type
        row.log_version += 1
        row.updated_at, row.written_phase = now, Phase.P3.value
        s.flush()
        return self.adapter_cache.view(row, snap.cache_generation)

    def delete(self, s: Session, *, user: User, log_id: int, now: datetime) -> LogView:
        snap = self.features.snapshot()
        if snap.phase is not Phase.P3:
            return self._reread(s, user, super().delete(s, user=user, log_id=log_id, now=now), snap.phase)
        row = self._p3_row(s, user, log_id, now)
        if row.deleted_at is None:
            soft_delete(row, now=now)
            row.written_phase = Phase.P3.value
        return self.adapter_cache.view(row, snap.cache_generation)

    def restore(self, s: Session, *, user: User, log_id: int, now: datetime) -> LogView:
        snap = self.features.snapshot()
        if snap.phase is not Phase.P3:
            return self._reread(s, user, super().restore(s, user=user, log_id=log_id, now=now), snap.phase)
        row = self._p3_row(s, user, log_id, now)
        restore(row, now=now)
        row.written_phase = Phase.P3.value
        return self.adapter_cache.view(row, snap.cache_generation)

    def _reread(self, s: Session, user: User, view: LogView, phase: Phase) -> LogView:
        if phase is Phase.P2 and self.features.reads_through_adapter(user.id):
            return self._adapter_read(s, user, view.id)
        return view

    # ---- reads -------------------------------------------------------------------------------
    def read(self, s: Session, *, user: User, log_id: int) -> LogView:
        phase = self.features.phase()
        if phase is Phase.P3 or (phase is Phase.P2 and self.features.reads_through_adapter(user.id)):
            return self._adapter_read(s, user, log_id)
        return super().read(s, user=user, log_id=log_id)

    def list_day(self, s: Session, *, user: User, day: date, include_deleted: bool) -> list[LogView]:
        phase = self.features.phase()
        if not (phase is Phase.P3 or (phase is Phase.P2 and self.features.reads_through_adapter(user.id))):
            return super().list_day(s, user=user, day=day, include_deleted=include_deleted)
        snap = self.features.snapshot()
        stmt = select(MealLogV2).where(MealLogV2.user_id == user.id, MealLogV2.local_date == day,
                                       MealLogV2.pipeline_version == self.pipeline_version)
        v2_rows = {r.log_id: r for r in s.scalars(stmt)}
        legacy_rows = {r.id: r for r in self.service.list_legacy(s, user=user, day=day, include_deleted=True)}
        views = []
        for log_id in sorted(set(v2_rows) | set(legacy_rows)):
            v2, legacy = v2_rows.get(log_id), legacy_rows.get(log_id)
            if v2 is not None and (legacy is None or v2.log_version >= legacy.version):
                view = self.adapter_cache.view(v2, snap.cache_generation)
                if legacy is not None and phase is Phase.P2:
                    self._maybe_compare(s, user, view, view_of_legacy(legacy))
            else:  # v2 missing or stale: the legacy row is the truth (and a v2_sync job is pending)
                assert legacy is not None
                view = view_of_legacy(legacy)
            if include_deleted or view.deleted_at is None:
                views.append(view)
        # a log moved to another day in v2 but not in legacy (or back) would show twice; keep the newest
        return sorted(views, key=lambda v: (v.eaten_at, v.id))

    def _adapter_read(self, s: Session, user: User, log_id: int, legacy: MealLog | None = None) -> LogView:
        snap = self.features.snapshot()
        row = self._v2_row(s, user, log_id)
        if legacy is None:
            legacy = s.scalars(select(MealLog).where(MealLog.id == log_id, MealLog.user_id == user.id)).one_or_none()
        if row is None or (legacy is not None and row.log_version < legacy.version):
            if legacy is None:
                raise LogNotFound(f"log {log_id} not found")
            self.metrics.shadow_shed("dual_read_fallback")
            return view_of_legacy(legacy)
        view = self.adapter_cache.view(row, snap.cache_generation)
        if legacy is not None and snap.phase is Phase.P2:
            self._maybe_compare(s, user, view, view_of_legacy(legacy))
        return view

    def _maybe_compare(self, s: Session, user: User, adapted: LogView, legacy: LogView) -> None:
        if self.rng.random() >= self.compare_sample:
            return
        from meallog.migration.read_mismatch import record_read_mismatch

        kind = record_read_mismatch(s, user_id=user.id, legacy=legacy, adapted=adapted, thresholds=self.thresholds,
                                    now=adapted.updated_at, metrics=self.metrics)
        self.metrics.dual_read("mismatch" if kind else "match")


def compare_views(legacy: LogView, adapted: LogView, t: Thresholds) -> list[str]:
    """Fields where the adapter's view differs from legacy beyond what the migration expects.

    Metadata must be identical; nutrition may differ (that is the migration) but not past the
    breach thresholds, and the item count must match.
    """
    out = [f for f in ("text", "eaten_at", "meal_type", "deleted_at", "local_date")
           if getattr(legacy, f) != getattr(adapted, f)]
    if len(legacy.items) != len(adapted.items):
        out.append("items")
    out += [f"totals.{f}" for f in breached(diff_totals(legacy.totals, adapted.totals), t)]
    return out


def record_of(row: MealLogV2) -> RecordV2:
    return RecordV2.model_validate(row.record)
