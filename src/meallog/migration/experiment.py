"""The observation core, in the spirit of github/scientist: one place runs the candidate (v2),
compares it with the control (legacy), publishes, and routes every v2 failure through `raised`.

The caller always gets the control's result: a candidate that raises, hangs past the guard's
budget, finds its table missing or its pool full becomes `None` here, one counted `raised(operation,
error)`, and the write or read carries on without v2 (the worker completes it later).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

import structlog
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from meallog.logs.service import LogView
from meallog.migration.diff import Thresholds
from meallog.migration.read_mismatch import classify, record_read_mismatch
from meallog.observability.metrics import Metrics

log = structlog.get_logger("meallog.migration")
T = TypeVar("T")


class Operation(StrEnum):
    """Every place v2 can fail on the user's path (the `operation` label of meal_log_v2_raised_total)."""

    COMPUTE = "compute"  # v2 normalization of a written version, under the guard's budget
    WRITE_V2 = "write_v2"  # saving the v2 record in the user's transaction
    READ_V2 = "read_v2"  # reading v2 records for an adapter read
    COMPARE = "compare"  # the dual-read comparison and its mismatch row
    ENQUEUE = "enqueue"  # the outbox row (shadow or v2_sync job) in the user's transaction


class Shed(Exception):
    """The guard's pool is full: the work goes to the worker at once."""


@dataclass
class Guard:
    """Runs v2 computations off the request thread with a time budget and a bounded pool.

    When every slot is busy (a hang, an overload) the work is shed at once, so the user path never
    waits for v2 longer than `budget_s`.
    """

    budget_s: float = 0.05
    slots: int = 4

    def __post_init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=self.slots, thread_name_prefix="v2-inline")
        self._busy = threading.BoundedSemaphore(self.slots)

    def run(self, fn: Callable[..., T], *args: Any, **kw: Any) -> T:
        """fn(*args) within the budget; raises TimeoutError, `Shed`, or whatever fn raised."""
        if not self._busy.acquire(blocking=False):
            raise Shed("inline v2 pool full")

        def task() -> T:
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


class Observer:
    def __init__(self, *, metrics: Metrics, guard: Guard, thresholds: Thresholds, compare_sample: float = 0.05,
                 rng: random.Random | None = None) -> None:
        self.metrics = metrics
        self.guard = guard
        self.thresholds = thresholds
        self.compare_sample = compare_sample
        self.rng = rng or random.Random()

    def raised(self, operation: Operation, error: BaseException) -> None:
        """The one place a v2 failure on the user's path is counted and logged."""
        self.metrics.v2_raised(operation.value, type(error).__name__)
        log.warning("v2 raised", operation=operation.value, error=repr(error)[:300])

    def candidate(self, operation: Operation, fn: Callable[..., T], *args: Any, **kw: Any) -> T | None:
        """Run a v2 computation within the guard's budget; None when it fails in any way."""
        try:
            return self.guard.run(fn, *args, **kw)
        except Exception as exc:
            self.raised(operation, exc)
            return None

    def savepoint(self, s: Session, operation: Operation, fn: Callable[[], T]) -> T | None:
        """Run a v2 database step in a SAVEPOINT: a failure rolls back only that step."""
        try:
            with s.begin_nested():
                out = fn()
                s.flush()
            return out
        except DBAPIError as exc:
            if exc.connection_invalidated:  # the connection is gone, not v2: the whole request fails (503)
                raise
            self.raised(operation, exc)
            return None
        except Exception as exc:
            self.raised(operation, exc)
            return None

    def sampled(self) -> bool:
        """Whether this P2 adapter read is one of the `compare_sample` share that gets compared."""
        return self.compare_sample > 0 and self.rng.random() < self.compare_sample

    def compare(self, s: Session, *, user_id: int, legacy: LogView, adapted: LogView, now: datetime) -> None:
        """P2: compare the adapter's view with legacy; store a mismatch once per version (the worker's job)."""
        kind, _ = classify(legacy, adapted, self.thresholds)
        self.metrics.dual_read("mismatch" if kind else "match")
        if kind is not None:
            self.savepoint(s, Operation.COMPARE, lambda: record_read_mismatch(
                s, user_id=user_id, legacy=legacy, adapted=adapted, thresholds=self.thresholds, now=now,
                metrics=self.metrics))
