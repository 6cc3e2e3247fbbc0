"""Shadow and v2 writes: measure one log version (shadow row + diff row), sync the v2 record.

Every write here is idempotent on (log id, log version, pipeline version): a retried or replayed
job, or two workers racing on the same log, never stores a second row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from meallog.migration.diff import FieldDiff, Thresholds, breached, diff_totals
from meallog.migration.ignore import IgnoreMatcher
from meallog.migration.records import put_v2, state_of_legacy
from meallog.nutrition.dto import RecordV2
from meallog.nutrition.normalize_v2 import V2Options, normalize
from meallog.nutrition.types import FIELDS, Field, ProviderResult
from meallog.store.db import insert_ignore
from meallog.store.models import DIFF_UNIQUE, SHADOW_UNIQUE, Diff, LogKey, MealLog, MealLogV2, ShadowRecord

__all__ = ["MeasuredVersion", "ShadowOutcome", "compute_v2", "day_totals", "insert_ignore", "sync_v2",
           "unknown_tags", "write_shadow"]

UNKNOWN_KINDS = ("unknown_food", "unknown_unit", "unknown_portion")


def compute_v2(parsed: ProviderResult, *, options: V2Options, pipeline_version: str) -> RecordV2:
    return normalize(parsed, options=options, pipeline_version=pipeline_version)


ComputeV2 = Callable[..., RecordV2]  # compute_v2's signature; injected so tests can make v2 fail or hang


def unknown_tags(record: RecordV2) -> list[str]:
    return [t for item in record.items for t in item.tags if t in UNKNOWN_KINDS]


@dataclass(frozen=True, slots=True)
class MeasuredVersion:
    """One version of a log as the shadow job measures it: what the user wrote and legacy computed.

    Kept in the job's payload, so a version replaced before the worker reached it is still measured.
    """

    log_id: int
    log_version: int
    user_id: int
    text: str
    local_date: date
    deleted: bool
    provider_result: dict[str, Any]
    legacy_totals: dict[str, float]
    ts: datetime  # when the version was written: the same on every retry of its job

    @classmethod
    def from_payload(cls, log_id: int, log_version: int, p: dict[str, Any]) -> MeasuredVersion:
        ts = datetime.fromisoformat(p["ts"])
        return cls(log_id=log_id, log_version=log_version, user_id=int(p["user_id"]), text=p["text"],
                   local_date=date.fromisoformat(p["local_date"]), deleted=bool(p["deleted"]),
                   provider_result=p["provider_result"], legacy_totals=p["legacy_totals"],
                   ts=ts if ts.tzinfo else ts.replace(tzinfo=UTC))

    @classmethod
    def from_legacy(cls, row: MealLog) -> MeasuredVersion:
        """A job queued before payloads existed: the legacy row, when it still holds that version."""
        return cls(log_id=row.id, log_version=row.version, user_id=row.user_id, text=row.text,
                   local_date=row.local_date, deleted=row.deleted_at is not None,
                   provider_result=dict(row.provider_result), legacy_totals=dict(row.totals), ts=row.updated_at)


@dataclass(frozen=True, slots=True)
class ShadowOutcome:
    inserted: bool
    diffs: dict[Field, FieldDiff]
    breached: list[Field]
    unknown: list[str]
    record: RecordV2
    ignore_rule_id: int | None


def write_shadow(
    s: Session,
    version: MeasuredVersion,
    *,
    options: V2Options,
    pipeline_version: str,
    thresholds: Thresholds,
    ignore: IgnoreMatcher,
    compute: ComputeV2 = compute_v2,
) -> ShadowOutcome:
    """Compute v2 for this version; store its shadow + diff rows unless they exist (idempotent)."""
    record = compute(ProviderResult.from_dict(version.provider_result), options=options,
                     pipeline_version=pipeline_version)
    v2_totals = record.totals.model_dump()
    diffs = diff_totals(version.legacy_totals, v2_totals)
    over = breached(diffs, thresholds)
    tags = unknown_tags(record)
    rule_id = ignore.match(version.text, diffs, tags, today=version.ts.date())
    key = {"log_id": version.log_id, "log_version": version.log_version, "pipeline_version": pipeline_version}
    inserted = insert_ignore(s, ShadowRecord, {**key, "user_id": version.user_id,
                                               "record": record.model_dump(mode="json"), "totals": v2_totals,
                                               "created_at": version.ts}, SHADOW_UNIQUE)
    row: dict[str, Any] = {**key, "ts": version.ts, "user_id": version.user_id, "local_date": version.local_date,
                           "legacy_totals": dict(version.legacy_totals), "v2_totals": v2_totals,
                           "breach": bool(over), "breach_fields": ",".join(over),
                           "unknown_kinds": ",".join(sorted(set(tags))), "item_count": len(record.items),
                           "unknown_count": len(tags), "ignore_rule_id": rule_id}
    for f in FIELDS:
        row[f"{f}_abs"], row[f"{f}_rel"] = diffs[f].abs, diffs[f].rel
    inserted = insert_ignore(s, Diff, row, DIFF_UNIQUE) and inserted
    return ShadowOutcome(inserted=inserted, diffs=diffs, breached=over, unknown=tags, record=record,
                         ignore_rule_id=rule_id)


def day_totals(s: Session, *, user_id: int, local_date: Any, pipeline_version: str) -> tuple[dict[str, float],
                                                                                              dict[str, float]]:
    """Legacy and v2 totals of one user-day: the diff row of each live log's current version."""
    rows = s.execute(
        select(Diff.legacy_totals, Diff.v2_totals)
        .join(LogKey, (LogKey.id == Diff.log_id) & (LogKey.version == Diff.log_version))
        .where(LogKey.user_id == user_id, LogKey.local_date == local_date, LogKey.deleted_at.is_(None),
               Diff.pipeline_version == pipeline_version)
    ).all()
    legacy_sum: dict[str, float] = {f: float(sum(float(lg.get(f, 0)) for lg, _ in rows)) for f in FIELDS}
    v2_sum: dict[str, float] = {f: float(sum(float(v2.get(f, 0)) for _, v2 in rows)) for f in FIELDS}
    return legacy_sum, v2_sum


# ---- the v2 record (meal_logs_v2) ---------------------------------------------------------------
def sync_v2(s: Session, key: LogKey, *, options: V2Options, pipeline_version: str, phase: str,
            compute: ComputeV2 = compute_v2) -> str:
    """Bring the log's v2 record to its current version from the legacy row. Idempotent.

    Returns "created", "refreshed", "current" (nothing to do), or "not_legacy" (the current version
    is not in the legacy row: it was written in P3, where the v2 record is the truth).
    """
    legacy = s.get(MealLog, key.id, populate_existing=True)
    if legacy is None or legacy.version != key.version:
        return "not_legacy"
    row = s.get(MealLogV2, (key.id, pipeline_version), populate_existing=True)
    if row is not None and row.log_version >= key.version:
        return "current"
    state = state_of_legacy(legacy)
    if row is not None and row.provider_result == state.provider_result:
        record = RecordV2.model_validate(row.record)  # same parse: only metadata or deletion changed
    else:
        record = compute(state.parsed(), options=options, pipeline_version=pipeline_version)
    put_v2(s, state, record, pipeline_version=pipeline_version, phase=phase)
    return "created" if row is None else "refreshed"
