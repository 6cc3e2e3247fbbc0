"""Shadow and v2 writes: compute v2 for a log, store the shadow row, the diff row and the v2 record.

Every write here is idempotent on (log id, log version, pipeline version): a retried or replayed
job, or two workers racing on the same log, never stores a second row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from meallog.migration.diff import FieldDiff, Thresholds, breached, diff_totals
from meallog.migration.ignore import IgnoreMatcher
from meallog.nutrition.dto import RecordV2
from meallog.nutrition.normalize_v2 import V2Options, normalize
from meallog.nutrition.types import FIELDS, Field, ProviderResult
from meallog.store.db import is_postgres
from meallog.store.models import DIFF_UNIQUE, SHADOW_UNIQUE, Diff, MealLog, MealLogV2, ShadowRecord

UNKNOWN_KINDS = ("unknown_food", "unknown_unit", "unknown_portion")


def insert_ignore(s: Session, model: Any, values: dict[str, Any], conflict: Sequence[str]) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING on both backends. True when a row was inserted."""
    ins = pg_insert if is_postgres(s) else sqlite_insert
    stmt = ins(model).values(**values).on_conflict_do_nothing(index_elements=list(conflict))
    return bool(s.execute(stmt).rowcount)  # type: ignore[attr-defined]


def compute_v2(parsed: ProviderResult, *, options: V2Options, pipeline_version: str) -> RecordV2:
    return normalize(parsed, options=options, pipeline_version=pipeline_version)


ComputeV2 = Callable[..., RecordV2]  # compute_v2's signature; injected so tests can make v2 fail or hang


def unknown_tags(record: RecordV2) -> list[str]:
    return [t for item in record.items for t in item.tags if t in UNKNOWN_KINDS]


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
    log: MealLog,
    *,
    options: V2Options,
    pipeline_version: str,
    thresholds: Thresholds,
    ignore: IgnoreMatcher,
    now: datetime,
    compute: ComputeV2 = compute_v2,
) -> ShadowOutcome:
    """Compute v2 for the log's current version; store shadow + diff rows unless they exist."""
    record = compute(ProviderResult.from_dict(log.provider_result), options=options,
                        pipeline_version=pipeline_version)
    v2_totals = record.totals.model_dump()
    diffs = diff_totals(log.totals, v2_totals)
    over = breached(diffs, thresholds)
    tags = unknown_tags(record)
    rule_id = ignore.match(log.text, diffs, tags, today=now.date())
    key = {"log_id": log.id, "log_version": log.version, "pipeline_version": pipeline_version}
    inserted = insert_ignore(s, ShadowRecord, {**key, "user_id": log.user_id, "record": record.model_dump(mode="json"),
                                               "totals": v2_totals, "created_at": now}, SHADOW_UNIQUE)
    row: dict[str, Any] = {**key, "ts": now, "user_id": log.user_id, "local_date": log.local_date,
                           "legacy_totals": dict(log.totals), "v2_totals": v2_totals, "breach": bool(over),
                           "breach_fields": ",".join(over), "unknown_kinds": ",".join(sorted(set(tags))),
                           "item_count": len(record.items), "unknown_count": len(tags), "ignore_rule_id": rule_id}
    for f in FIELDS:
        row[f"{f}_abs"], row[f"{f}_rel"] = diffs[f].abs, diffs[f].rel
    inserted = insert_ignore(s, Diff, row, DIFF_UNIQUE) and inserted
    return ShadowOutcome(inserted=inserted, diffs=diffs, breached=over, unknown=tags, record=record,
                         ignore_rule_id=rule_id)


def day_totals(s: Session, *, user_id: int, local_date: Any, pipeline_version: str) -> tuple[dict[str, float],
                                                                                              dict[str, float]]:
    """Legacy and v2 totals of one user-day, from the latest diff row of each live log."""
    rows = s.execute(
        select(Diff.log_id, Diff.log_version, Diff.legacy_totals, Diff.v2_totals)
        .join(MealLog, MealLog.id == Diff.log_id)
        .where(Diff.user_id == user_id, Diff.local_date == local_date, Diff.pipeline_version == pipeline_version,
               MealLog.deleted_at.is_(None))
    ).all()
    latest: dict[int, tuple[int, dict[str, float], dict[str, float]]] = {}
    for log_id, version, legacy, v2 in rows:
        if log_id not in latest or version > latest[log_id][0]:
            latest[log_id] = (version, legacy, v2)
    legacy_sum: dict[str, float] = {f: float(sum(float(x[1].get(f, 0)) for x in latest.values())) for f in FIELDS}
    v2_sum: dict[str, float] = {f: float(sum(float(x[2].get(f, 0)) for x in latest.values())) for f in FIELDS}
    return legacy_sum, v2_sum


# ---- the v2 record (meal_logs_v2) ---------------------------------------------------------------
def upsert_v2_from_legacy(
    s: Session, log: MealLog, *, options: V2Options, pipeline_version: str, phase: str, now: datetime,
    record: RecordV2 | None = None,
    compute: ComputeV2 = compute_v2,
) -> MealLogV2:
    """Make the v2 record of `log` current (same version, text, deletion state). Idempotent."""
    row = s.get(MealLogV2, (log.id, pipeline_version))
    if row is not None and row.log_version >= log.version:
        return row
    if record is None:
        if row is not None and row.provider_result == log.provider_result:
            record = RecordV2.model_validate(row.record)  # same parse: only metadata or deletion changed
        else:
            record = compute(ProviderResult.from_dict(log.provider_result), options=options,
                             pipeline_version=pipeline_version)
    if row is None:
        values = {
            "log_id": log.id, "pipeline_version": pipeline_version, "user_id": log.user_id, "text": log.text,
            "eaten_at": log.eaten_at, "local_date": log.local_date, "meal_type": log.meal_type,
            "record": record.model_dump(mode="json"), "provider_result": dict(log.provider_result),
            "log_version": log.version, "deleted_at": log.deleted_at, "created_at": log.created_at,
            "updated_at": now, "written_phase": phase,
        }
        insert_ignore(s, MealLogV2, values, ["log_id", "pipeline_version"])
        row = s.get(MealLogV2, (log.id, pipeline_version), populate_existing=True)
        assert row is not None
        return row
    row.text, row.eaten_at, row.local_date, row.meal_type = log.text, log.eaten_at, log.local_date, log.meal_type
    row.record, row.provider_result = record.model_dump(mode="json"), dict(log.provider_result)
    row.log_version, row.deleted_at, row.updated_at = log.version, log.deleted_at, now
    return row


def v2_is_current(row: MealLogV2 | None, log: MealLog) -> bool:
    return row is not None and row.log_version == log.version
