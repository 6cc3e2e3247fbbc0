"""The P2 dual read, off the request path: a sampled adapter read leaves one `compare` job, and the
worker compares the adapter's view of each (log, version) with legacy through `Observer.compare`.

The GET stays a read (its one write is that outbox row); a version replaced before the worker
reaches it is not compared (neither store may hold it any more), which is counted, not guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from meallog.logs.service import view_of_legacy
from meallog.migration.adapter_cache import adapt
from meallog.migration.experiment import Observer
from meallog.migration.outbox import ClaimedJob
from meallog.store.models import MealLog, MealLogV2


def compare_payload(user_id: int, served: Sequence[tuple[int, int]]) -> dict[str, Any]:
    """What a compare job needs: whose read it was and which (log id, version) pairs it served."""
    return {"user_id": user_id, "logs": [[log_id, version] for log_id, version in served]}


def compare_reads(s: Session, job: ClaimedJob, *, observer: Observer, pipeline_version: str, now: datetime) -> int:
    """Compare each (log, version) of the job's read; returns how many could be compared."""
    pairs = {(int(a), int(b)) for a, b in job.payload.get("logs", [])}
    if not pairs:
        return 0
    user_id = int(job.payload["user_id"])
    ids = {log_id for log_id, _ in pairs}
    legacy = {r.id: r for r in s.scalars(select(MealLog).where(MealLog.id.in_(ids)))}
    v2 = {r.log_id: r for r in s.scalars(select(MealLogV2).where(MealLogV2.log_id.in_(ids),
                                                                  MealLogV2.pipeline_version == pipeline_version))}
    compared = 0
    for log_id, version in sorted(pairs):
        old, row = legacy.get(log_id), v2.get(log_id)
        if old is None or row is None or old.version != version or row.log_version != version:
            observer.metrics.shadow_shed("compare_version_gone")
            continue
        observer.compare(s, user_id=user_id, legacy=view_of_legacy(old), adapted=adapt(row), now=now)
        compared += 1
    return compared
