"""The meal-log paths of every phase, wired: the fence, the write path and the read path.

What a phase does is `migration.plan.PLAN`; how a write and a read do it is `write_path` and
`read_path`; v2 failures stay off the user's path through `experiment.Observer`. A unit of work
first takes the fence (`begin`), and every decision in it uses that one `Fenced` value.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy.orm import Session

from meallog.logs.schemas import LogCreate, LogUpdate
from meallog.logs.service import LogView
from meallog.migration.adapter_cache import AdapterCache
from meallog.migration.diff import Thresholds
from meallog.migration.experiment import Guard, Observer, Shed
from meallog.migration.fence import Fence, Fenced
from meallog.migration.read_path import ReadPath
from meallog.migration.shadow import ComputeV2, compute_v2
from meallog.migration.write_path import WritePath, v2_options
from meallog.nutrition.types import ProviderResult
from meallog.observability.metrics import Metrics
from meallog.store.models import User

__all__ = ["Guard", "PhasePaths", "Shed", "v2_options"]


class PhasePaths:
    def __init__(self, *, fence: Fence, metrics: Metrics, pipeline_version: str, adapter_cache: AdapterCache,
                 now: Callable[[], datetime], guard: Guard | None = None, thresholds: Thresholds | None = None,
                 compare_sample: float = 0.05, shed_depth: int = 100_000, depth: Callable[[], int] | None = None,
                 rng: random.Random | None = None, compute: ComputeV2 = compute_v2) -> None:
        self.fence = fence
        self.observer = Observer(metrics=metrics, guard=guard or Guard(), thresholds=thresholds or Thresholds(),
                                 compare_sample=compare_sample, rng=rng)
        self.writes = WritePath(observer=self.observer, metrics=metrics, pipeline_version=pipeline_version,
                                compute=compute, depth=depth or (lambda: 0), shed_depth=shed_depth)
        self.reads = ReadPath(observer=self.observer, metrics=metrics, pipeline_version=pipeline_version,
                              adapter_cache=adapter_cache, now=now)

    def begin(self, s: Session, *, write: bool) -> Fenced:
        """The first step of every unit of work: the phase it runs under (writes hold it until commit)."""
        return self.fence.hold(s, write=write)

    def create(self, s: Session, fenced: Fenced, *, user: User, payload: LogCreate, parsed: ProviderResult,
               now: datetime) -> LogView:
        return self.writes.create(s, fenced, user=user, payload=payload, parsed=parsed, now=now)

    def update(self, s: Session, fenced: Fenced, *, user: User, log_id: int, payload: LogUpdate,
               parsed: ProviderResult | None, now: datetime) -> LogView:
        return self.writes.update(s, fenced, user=user, log_id=log_id, payload=payload, parsed=parsed, now=now)

    def delete(self, s: Session, fenced: Fenced, *, user: User, log_id: int, now: datetime) -> LogView:
        return self.writes.delete(s, fenced, user=user, log_id=log_id, now=now)

    def restore(self, s: Session, fenced: Fenced, *, user: User, log_id: int, now: datetime) -> LogView:
        return self.writes.restore(s, fenced, user=user, log_id=log_id, now=now)

    def read(self, s: Session, fenced: Fenced, *, user: User, log_id: int) -> LogView:
        return self.reads.one(s, fenced, user=user, log_id=log_id)

    def list_day(self, s: Session, fenced: Fenced, *, user: User, day: date, include_deleted: bool) -> list[LogView]:
        return self.reads.day(s, fenced, user=user, day=day, include_deleted=include_deleted)
