"""One log, a day, day totals: one view per log id, the one at the log's current version.

The log's key row says which version is current, which day it is on and whether it is deleted, so a
day lists each log once, on its day, whichever store wrote it last. A reader through the adapter
serves the v2 record only when it holds the current version; otherwise it serves the legacy row and
leaves a `v2_sync` job. A v2 failure on a read (error, missing table) serves legacy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from meallog.errors import LogNotFound
from meallog.logs.service import LogView
from meallog.logs.service import view_of_legacy as legacy_view
from meallog.migration.adapter_cache import AdapterCache
from meallog.migration.compare import compare_payload
from meallog.migration.experiment import Observer, Operation
from meallog.migration.fence import Fenced
from meallog.migration.outbox import JobKind, JobState, enqueue
from meallog.migration.phases import Phase
from meallog.observability.metrics import Metrics
from meallog.store.models import LogKey, MealLog, MealLogV2, OutboxJob, User

log = structlog.get_logger("meallog.migration")


class ReadPath:
    def __init__(self, *, observer: Observer, metrics: Metrics, pipeline_version: str, adapter_cache: AdapterCache,
                 now: Callable[[], datetime]) -> None:
        self.observer = observer
        self.metrics = metrics
        self.pipeline_version = pipeline_version
        self.adapter_cache = adapter_cache
        self.now = now

    def one(self, s: Session, fenced: Fenced, *, user: User, log_id: int) -> LogView:
        key = s.scalars(select(LogKey).where(LogKey.id == log_id, LogKey.user_id == user.id)).one_or_none()
        if key is None:
            raise LogNotFound(f"log {log_id} not found")
        return self._views(s, fenced, user, [key])[0]

    def day(self, s: Session, fenced: Fenced, *, user: User, day: date, include_deleted: bool) -> list[LogView]:
        stmt = select(LogKey).where(LogKey.user_id == user.id, LogKey.local_date == day)
        if not include_deleted:
            stmt = stmt.where(LogKey.deleted_at.is_(None))
        views = self._views(s, fenced, user, list(s.scalars(stmt.order_by(LogKey.id))))
        return sorted(views, key=lambda v: (v.eaten_at, v.id))

    # ---- mechanism ------------------------------------------------------------------------------
    def _v2_rows(self, s: Session, ids: Sequence[int]) -> list[MealLogV2]:
        """Every pipeline's v2 record of these logs (the rare path: no store holds the version)."""
        if not ids:
            return []
        rows = self.observer.savepoint(
            s, Operation.READ_V2, lambda: list(s.scalars(select(MealLogV2).where(MealLogV2.log_id.in_(ids)))))
        return rows or []

    def _v2_at_version(self, s: Session, keys: Sequence[LogKey], generation: int) -> dict[int, LogView]:
        """Adapter views of this pipeline's v2 records that hold each key's current version.

        The versions are read first, with no record decoded; only the records the adapter cache lacks
        are loaded. One savepoint around both: a v2 failure (error, missing table) returns nothing
        and the caller serves legacy."""
        if not keys:
            return {}
        version = {k.id: k.version for k in keys}
        pipeline = self.pipeline_version

        def load() -> dict[int, LogView]:
            heads = s.execute(select(MealLogV2.log_id, MealLogV2.log_version).where(
                MealLogV2.log_id.in_(list(version)), MealLogV2.pipeline_version == pipeline))
            views: dict[int, LogView] = {}
            missing: list[int] = []
            for log_id, log_version in heads:
                if log_version != version[log_id]:
                    continue  # lags (or, for an instant, leads): legacy is served below
                cached = self.adapter_cache.get((log_id, log_version, pipeline, generation))
                if cached is None:
                    missing.append(log_id)
                else:
                    views[log_id] = cached
            if missing:
                for row in s.scalars(select(MealLogV2).where(MealLogV2.log_id.in_(missing),
                                                              MealLogV2.pipeline_version == pipeline)):
                    if row.log_version == version[row.log_id]:  # re-checked: a write may have moved it
                        views[row.log_id] = self.adapter_cache.view(row, generation)
            return views

        return self.observer.savepoint(s, Operation.READ_V2, load) or {}

    @staticmethod
    def _legacy_rows(s: Session, ids: Sequence[int]) -> dict[int, MealLog]:
        if not ids:
            return {}
        return {r.id: r for r in s.scalars(select(MealLog).where(MealLog.id.in_(ids)))}

    def _views(self, s: Session, fenced: Fenced, user: User, keys: list[LogKey]) -> list[LogView]:
        adapter = fenced.reads_through_adapter(user.id)
        generation = fenced.flags.cache_generation
        v2 = self._v2_at_version(s, keys, generation) if adapter else {}
        legacy = self._legacy_rows(s, [k.id for k in keys if k.id not in v2])
        views, behind, adapted = [], [], []
        for key in keys:
            served, old = v2.get(key.id), legacy.get(key.id)
            if served is not None:
                views.append(served)
                adapted.append((key.id, key.version))
            elif old is not None and old.version == key.version:
                if adapter:  # the v2 record lags (inline v2 failed, or written before P1): legacy is the truth
                    self.metrics.shadow_shed("dual_read_fallback")
                    behind.append(key)
                views.append(legacy_view(old))
            else:
                views.append(self._other_store(s, fenced, key, old))
        if behind and fenced.plan.writes_v2:
            self._sync(s, behind)
        if adapted and fenced.phase is Phase.P2 and self.observer.sampled():
            self._compare_later(s, user, adapted)
        return views

    def _compare_later(self, s: Session, user: User, served: list[tuple[int, int]]) -> None:
        """P2's dual read: one `compare` job for the worker; the GET itself compares and records nothing."""
        def add() -> None:
            enqueue(s, kind=JobKind.COMPARE, log_id=served[0][0], log_version=served[0][1], now=self.now(),
                    payload=compare_payload(user.id, served))

        self.observer.savepoint(s, Operation.ENQUEUE, add)

    def _other_store(self, s: Session, fenced: Fenced, key: LogKey, old: MealLog | None) -> LogView:
        """Neither the preferred store nor legacy holds the current version: look at every v2 record."""
        rows = sorted(self._v2_rows(s, [key.id]), key=lambda r: r.log_version, reverse=True)
        generation = fenced.flags.cache_generation
        at = [r for r in rows if r.log_version == key.version]
        if at:
            return self.adapter_cache.view(at[0], generation)
        self.metrics.read_version_miss()
        log.error("no store holds the log's current version", log_id=key.id, version=key.version)
        if rows and (old is None or rows[0].log_version > old.version):
            return self.adapter_cache.view(rows[0], generation)
        if old is not None:
            return legacy_view(old)
        raise LogNotFound(f"log {key.id} not found")

    def _sync(self, s: Session, keys: list[LogKey]) -> None:
        """Ask the worker to bring lagging v2 records to the current version (once per version)."""
        def add() -> None:
            # rows unpack as tuples (Result.tuples() is deprecated in SQLAlchemy 2.1: a warning here
            # made the enqueue fail in its savepoint whenever warnings are errors, as in the tests)
            waiting = {(log_id, version) for log_id, version in s.execute(
                select(OutboxJob.log_id, OutboxJob.log_version).where(
                    OutboxJob.kind == JobKind.V2_SYNC.value, OutboxJob.state == JobState.PENDING.value,
                    OutboxJob.log_id.in_([k.id for k in keys])))}
            for k in keys:
                if (k.id, k.version) not in waiting:
                    enqueue(s, kind=JobKind.V2_SYNC, log_id=k.id, log_version=k.version, now=self.now())

        self.observer.savepoint(s, Operation.ENQUEUE, add)
