"""Shadow and v2 writes: measure one log version (shadow row + diff row), sync the v2 record.

Every write here is idempotent on (log id, log version, pipeline version): a retried or replayed
job, or two workers racing on the same log, never stores a second row.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pydantic_core import to_json
from sqlalchemy import ARRAY, BigInteger, Date, bindparam, func, select, tuple_
from sqlalchemy.orm import Session

from meallog.migration.diff import FieldDiff, Thresholds, breached, diff_totals
from meallog.migration.ignore import IgnoreMatcher
from meallog.migration.records import put_v2, state_of_legacy
from meallog.nutrition.dto import RecordV2
from meallog.nutrition.normalize_v2 import V2Options, normalize
from meallog.nutrition.types import FIELDS, Field, ProviderResult
from meallog.store.db import insert_ignore, insert_many, is_postgres
from meallog.store.models import DIFF_UNIQUE, SHADOW_UNIQUE, Diff, LogKey, MealLog, MealLogV2, ShadowRecord

__all__ = ["Measurement", "MeasuredVersion", "V2Fault", "V2Memo", "V2Result", "compute_v2", "day_totals_many",
           "faulty_compute", "insert_ignore", "measure", "store_measurements", "sync_v2", "unknown_tags"]

UNKNOWN_KINDS = ("unknown_food", "unknown_unit", "unknown_portion")


def compute_v2(parsed: ProviderResult, *, options: V2Options, pipeline_version: str) -> RecordV2:
    return normalize(parsed, options=options, pipeline_version=pipeline_version)


ComputeV2 = Callable[..., RecordV2]  # compute_v2's signature; injected so tests can make v2 fail or hang


class V2Fault(RuntimeError):
    """v2 made to fail on purpose (the test-only MEALLOG_TEST_V2_FAULT of `meallog worker`)."""


def faulty_compute(fault: str, *, hang_s: float = 3600.0, slow_s: float = 0.005) -> ComputeV2:
    """TEST ONLY: a v2 computation that raises (`raise`), hangs for `hang_s` (`hang`), or answers
    right after `slow_s` (`slow`: keeps a worker mid-batch long enough for a test to kill it)."""
    def compute(parsed: ProviderResult, *, options: V2Options, pipeline_version: str) -> RecordV2:
        if fault == "slow":
            time.sleep(slow_s)
            return compute_v2(parsed, options=options, pipeline_version=pipeline_version)
        if fault == "hang":
            time.sleep(hang_s)
        raise V2Fault(f"v2 {fault} (MEALLOG_TEST_V2_FAULT, test only)")

    if fault not in ("raise", "hang", "slow"):
        raise ValueError(f"unknown v2 fault {fault!r}")
    return compute


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
class V2Result:
    """What the shadow and diff rows keep of one v2 computation: the record as JSON and its totals."""

    record: dict[str, Any]
    totals: dict[str, float]
    unknown: list[str]
    item_count: int


class V2Memo:
    """v2 computed once per distinct provider parse. `normalize` is pure (same parse, options and
    pipeline version, same record), and a batch shares its options and pipeline version, so a
    batch's memo gives the very record a fresh computation would. A computation that raises is not
    kept: the next job with that parse computes (and may fail) on its own."""

    def __init__(self, compute: ComputeV2, *, options: V2Options, pipeline_version: str) -> None:
        self.compute = compute
        self.options = options
        self.pipeline_version = pipeline_version
        self._done: dict[bytes, V2Result] = {}

    def __call__(self, provider_result: dict[str, Any]) -> V2Result:
        key = to_json(provider_result)  # a parse stored in another key order is only a miss
        hit = self._done.get(key)
        if hit is not None:
            return hit
        record = self.compute(ProviderResult.from_dict(provider_result), options=self.options,
                              pipeline_version=self.pipeline_version)
        tags = unknown_tags(record)
        out = V2Result(record=record.model_dump(mode="json"), totals=record.totals.model_dump(), unknown=tags,
                       item_count=len(record.items))
        self._done[key] = out
        return out


@dataclass(frozen=True, slots=True)
class Measurement:
    """v2 computed for one version, and the shadow + diff rows that record it (not yet stored)."""

    version: MeasuredVersion
    diffs: dict[Field, FieldDiff]
    breached: list[Field]
    unknown: list[str]
    ignore_rule_id: int | None
    shadow_row: dict[str, Any]
    diff_row: dict[str, Any]

    @property
    def key(self) -> tuple[int, int]:
        return self.version.log_id, self.version.log_version


def measure(version: MeasuredVersion, *, options: V2Options, pipeline_version: str, thresholds: Thresholds,
            ignore: IgnoreMatcher, compute: ComputeV2 = compute_v2, memo: V2Memo | None = None) -> Measurement:
    """Compute v2 for this version (through `memo`, a batch's, when given) and build its rows; touches
    no database (runs under the job timeout)."""
    v2 = (memo or V2Memo(compute, options=options, pipeline_version=pipeline_version))(version.provider_result)
    v2_totals, tags = v2.totals, v2.unknown
    diffs = diff_totals(version.legacy_totals, v2_totals)
    over = breached(diffs, thresholds)
    rule_id = ignore.match(version.text, diffs, tags, today=version.ts.date())
    shadow_row = {"log_id": version.log_id, "log_version": version.log_version, "pipeline_version": pipeline_version,
                  "user_id": version.user_id, "record": v2.record, "totals": v2_totals, "created_at": version.ts}
    row: dict[str, Any] = {"log_id": version.log_id, "log_version": version.log_version,
                           "pipeline_version": pipeline_version, "ts": version.ts, "user_id": version.user_id,
                           "local_date": version.local_date, "legacy_totals": version.legacy_totals,
                           "v2_totals": v2_totals, "breach": bool(over), "breach_fields": ",".join(over),
                           "unknown_kinds": ",".join(sorted(set(tags))), "item_count": v2.item_count,
                           "unknown_count": len(tags), "ignore_rule_id": rule_id}
    for f in FIELDS:
        d = diffs[f]
        row[f"{f}_abs"], row[f"{f}_rel"] = d.abs, d.rel
    return Measurement(version=version, diffs=diffs, breached=over, unknown=tags, ignore_rule_id=rule_id,
                       shadow_row=shadow_row, diff_row=row)


def store_measurements(s: Session, measured: Sequence[Measurement]) -> set[tuple[int, int]]:
    """Store shadow and diff rows: one multi-row INSERT ... ON CONFLICT DO NOTHING per table.

    Returns the (log id, log version) pairs whose rows were both new: a replayed version returns
    nothing, so its metrics are not counted twice.
    """
    if not measured:
        return set()
    returning = ("log_id", "log_version")
    shadow = insert_many(s, ShadowRecord, [m.shadow_row for m in measured], key=SHADOW_UNIQUE, returning=returning)
    diffs = insert_many(s, Diff, [m.diff_row for m in measured], key=DIFF_UNIQUE, returning=returning)
    return {(int(a), int(b)) for a, b in shadow & diffs}


DayKey = tuple[int, date]


def day_totals_many(s: Session, days: set[DayKey], *, pipeline_version: str) -> dict[DayKey, tuple[dict[str, float],
                                                                                                 dict[str, float]]]:
    """Legacy and v2 totals of each user-day, from the diff row of each live log's current version, in
    one query (the worker's once-per-batch day diff). The database sums them: one row per user-day comes
    back, not every log of every day."""
    out: dict[DayKey, tuple[dict[str, float], dict[str, float]]] = {
        d: ({f: 0.0 for f in FIELDS}, {f: 0.0 for f in FIELDS}) for d in days}
    if not days:
        return out
    keys = sorted(days)
    if is_postgres(s):  # the user-days as two array parameters: a short statement psycopg parses once
        rows = s.execute(_day_totals_pg(), {"users": [u for u, _ in keys], "dates": [d for _, d in keys],
                                            "pipeline_version": pipeline_version}).all()
    else:
        query = select(LogKey.user_id, LogKey.local_date, *_day_sums()).where(
            tuple_(LogKey.user_id, LogKey.local_date).in_(keys))
        rows = s.execute(_day_totals_of(query).params(pipeline_version=pipeline_version)).all()
    n = len(FIELDS)
    for user_id, local_date, *values in rows:
        legacy_sum, v2_sum = out[(user_id, local_date)]  # type: ignore[index]  # the join makes it non-null
        for i, f in enumerate(FIELDS):
            legacy_sum[f] = float(values[i])
            v2_sum[f] = float(values[n + i])
    return out


def _day_sums() -> list[Any]:
    return [func.coalesce(func.sum(col[f].as_float()), 0.0) for col in (Diff.legacy_totals, Diff.v2_totals)
            for f in FIELDS]


def _day_totals_of(query: Any) -> Any:
    return (query.join(Diff, (LogKey.id == Diff.log_id) & (LogKey.version == Diff.log_version))
            .where(LogKey.deleted_at.is_(None), Diff.pipeline_version == bindparam("pipeline_version"))
            .group_by(LogKey.user_id, LogKey.local_date))


_DAY_TOTALS_PG: list[Any] = []


def _day_totals_pg() -> Any:
    """The PostgreSQL day-totals statement, built once per process (its values are bound per call)."""
    if not _DAY_TOTALS_PG:
        wanted = func.unnest(bindparam("users", type_=ARRAY(BigInteger)), bindparam("dates", type_=ARRAY(Date))
                             ).table_valued("user_id", "local_date").render_derived(name="wanted")
        in_days: Any = (LogKey.user_id == wanted.c.user_id) & (LogKey.local_date == wanted.c.local_date)
        _DAY_TOTALS_PG.append(_day_totals_of(select(LogKey.user_id, LogKey.local_date, *_day_sums())
                                             .select_from(wanted).join(LogKey, in_days)))
    return _DAY_TOTALS_PG[0]


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
