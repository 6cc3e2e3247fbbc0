"""Shadow and v2 writes: measure one log version (shadow row + diff row), sync the v2 record.

Every write here is idempotent on (log id, log version, pipeline version): a retried or replayed
job, or two workers racing on the same log, never stores a second row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from meallog.migration.diff import FieldDiff, Thresholds, breached, diff_totals
from meallog.migration.ignore import IgnoreMatcher
from meallog.migration.records import put_v2, state_of_legacy
from meallog.nutrition.dto import RecordV2
from meallog.nutrition.normalize_v2 import V2Options, normalize
from meallog.nutrition.types import FIELDS, Field, ProviderResult
from meallog.store.db import insert_ignore, is_postgres
from meallog.store.models import DIFF_UNIQUE, SHADOW_UNIQUE, Diff, LogKey, MealLog, MealLogV2, ShadowRecord

__all__ = ["Measurement", "MeasuredVersion", "compute_v2", "day_totals_many", "insert_ignore", "measure",
           "store_measurements", "sync_v2", "unknown_tags"]

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
class Measurement:
    """v2 computed for one version, and the shadow + diff rows that record it (not yet stored)."""

    version: MeasuredVersion
    diffs: dict[Field, FieldDiff]
    breached: list[Field]
    unknown: list[str]
    record: RecordV2
    ignore_rule_id: int | None
    shadow_row: dict[str, Any]
    diff_row: dict[str, Any]

    @property
    def key(self) -> tuple[int, int]:
        return self.version.log_id, self.version.log_version


def measure(version: MeasuredVersion, *, options: V2Options, pipeline_version: str, thresholds: Thresholds,
            ignore: IgnoreMatcher, compute: ComputeV2 = compute_v2) -> Measurement:
    """Compute v2 for this version and build its rows; touches no database (runs under the job timeout)."""
    record = compute(ProviderResult.from_dict(version.provider_result), options=options,
                     pipeline_version=pipeline_version)
    v2_totals = record.totals.model_dump()
    diffs = diff_totals(version.legacy_totals, v2_totals)
    over = breached(diffs, thresholds)
    tags = unknown_tags(record)
    rule_id = ignore.match(version.text, diffs, tags, today=version.ts.date())
    key = {"log_id": version.log_id, "log_version": version.log_version, "pipeline_version": pipeline_version}
    shadow_row = {**key, "user_id": version.user_id, "record": record.model_dump(mode="json"), "totals": v2_totals,
                  "created_at": version.ts}
    row: dict[str, Any] = {**key, "ts": version.ts, "user_id": version.user_id, "local_date": version.local_date,
                           "legacy_totals": dict(version.legacy_totals), "v2_totals": v2_totals,
                           "breach": bool(over), "breach_fields": ",".join(over),
                           "unknown_kinds": ",".join(sorted(set(tags))), "item_count": len(record.items),
                           "unknown_count": len(tags), "ignore_rule_id": rule_id}
    for f in FIELDS:
        row[f"{f}_abs"], row[f"{f}_rel"] = diffs[f].abs, diffs[f].rel
    return Measurement(version=version, diffs=diffs, breached=over, unknown=tags, record=record,
                       ignore_rule_id=rule_id, shadow_row=shadow_row, diff_row=row)


def store_measurements(s: Session, measured: Sequence[Measurement]) -> set[tuple[int, int]]:
    """Store shadow and diff rows: one multi-row INSERT ... ON CONFLICT DO NOTHING per table.

    Returns the (log id, log version) pairs whose rows were both new: a replayed version returns
    nothing, so its metrics are not counted twice.
    """
    if not measured:
        return set()
    shadow = _insert_many(s, ShadowRecord, [m.shadow_row for m in measured], SHADOW_UNIQUE)
    diffs = _insert_many(s, Diff, [m.diff_row for m in measured], DIFF_UNIQUE)
    return shadow & diffs


def _insert_many(s: Session, model: Any, rows: list[dict[str, Any]], conflict: Sequence[str]) -> set[tuple[int, int]]:
    # Core, one statement with the rows as parameters: SQLAlchemy's "insertmanyvalues" sends it as
    # multi-row VALUES pages and caches its compilation (a `.values(rows)` statement is compiled anew
    # each time, which cost more than the rows themselves).
    ins = pg_insert if is_postgres(s) else sqlite_insert
    table = model.__table__
    stmt = (ins(table).on_conflict_do_nothing(index_elements=list(conflict))
            .returning(table.c.log_id, table.c.log_version))
    return {(int(a), int(b)) for a, b in s.connection().execute(stmt, rows)}


DayKey = tuple[int, date]


def day_totals_many(s: Session, days: set[DayKey], *, pipeline_version: str) -> dict[DayKey, tuple[dict[str, float],
                                                                                                 dict[str, float]]]:
    """Legacy and v2 totals of each user-day, from the diff row of each live log's current version, in
    one query (the worker's once-per-batch day diff)."""
    out: dict[DayKey, tuple[dict[str, float], dict[str, float]]] = {
        d: ({f: 0.0 for f in FIELDS}, {f: 0.0 for f in FIELDS}) for d in days}
    if not days:
        return out
    rows = s.execute(
        select(LogKey.user_id, LogKey.local_date, Diff.legacy_totals, Diff.v2_totals)
        .join(LogKey, (LogKey.id == Diff.log_id) & (LogKey.version == Diff.log_version))
        .where(tuple_(LogKey.user_id, LogKey.local_date).in_(sorted(days)), LogKey.deleted_at.is_(None),
               Diff.pipeline_version == pipeline_version)
    ).all()
    for user_id, local_date, lg, v2 in rows:
        legacy_sum, v2_sum = out[(user_id, local_date)]  # type: ignore[index]  # the join makes it non-null
        for f in FIELDS:
            legacy_sum[f] += float(lg.get(f, 0))
            v2_sum[f] += float(v2.get(f, 0))
    return out


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
