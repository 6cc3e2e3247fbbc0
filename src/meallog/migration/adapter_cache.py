"""Adapter cache: v2 record -> legacy view (DTO v1), memoised per (log, version, pipeline, generation).

`meallog adapter invalidate` bumps the generation stored with the flags; every process sees the new
generation with its next flag snapshot, so old entries are never served again (runbook §8).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from meallog.logs.service import LogView
from meallog.migration.records import adapter_view, state_of_v2
from meallog.nutrition.dto import RecordV2
from meallog.store.models import MealLogV2

CacheKey = tuple[int, int, str, int]


class AdapterCache:
    def __init__(self, *, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self._items: OrderedDict[CacheKey, LogView] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: CacheKey) -> LogView | None:
        """The cached view of (log, version, pipeline, generation), or None: a read can check the
        cache knowing only a record's version, before it loads (and decodes) the record."""
        with self._lock:
            cached = self._items.get(key)
            if cached is not None:
                self._items.move_to_end(key)
                self.hits += 1
            return cached

    def view(self, row: MealLogV2, generation: int) -> LogView:
        cached = self.get((row.log_id, row.log_version, row.pipeline_version, generation))
        if cached is not None:
            return cached
        key = (row.log_id, row.log_version, row.pipeline_version, generation)
        view = adapt(row)
        with self._lock:
            self.misses += 1
            self._items[key] = view
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)
        return view

    def clear(self) -> int:
        with self._lock:
            n = len(self._items)
            self._items.clear()
            return n

    def __len__(self) -> int:
        return len(self._items)


def adapt(row: MealLogV2) -> LogView:
    """The legacy view of a v2 record, with the log's metadata."""
    return adapter_view(state_of_v2(row), RecordV2.model_validate(row.record))
