"""Retention of the shadow tables (runbook §1 "P3: keep shadow 90 days", §5) and restore from the archive.

A month of `meal_logs_v2_shadow` or `diffs` is dropped only when all of these hold:
- the phase is P3 (the latest `phase_events` row goes to P3) and has been for 90 days: below P3, or
  within 90 days of the switch, a rollback could need the shadow data;
- the month ended more than 90 days ago;
- its archive verifies now: the stored file's SHA-256 and content equal the manifest, and the
  database's month still equals the archive (a late or triaged row means: archive again first).
- it is not held: `restore_month` loads an archived month back (after a drop, or to inspect it;
  rerunning it adds nothing) and holds it for RESTORE_HOLD (30 days), so the next nightly run does
  not drop what someone just asked for; `release_hold` (`meallog ops retention --release MONTH`)
  ends the hold early.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy import Column, MetaData, Table, cast, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.types import JSON, Text, TypeDecorator

from meallog.ops.archive import (
    FORMAT,
    ArchiveError,
    Manifest,
    manifest_key,
    utc_manifest_key,
    verify_archive,
    verify_stored,
)
from meallog.ops.partitions import Month, create_month, in_month, list_partitions, months_with_rows, table_of
from meallog.ops.store import ObjectStore
from meallog.store.db import is_postgres
from meallog.store.models import PARTITIONED, ArchiveManifest, PhaseEvent

RETENTION = timedelta(days=90)
RESTORE_HOLD = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class Decision:
    table: str
    month: str
    rows: int
    drop: bool
    reason: str


@dataclass(frozen=True, slots=True)
class RetentionPlan:
    phase: str
    p3_since: datetime | None
    cutoff: datetime | None
    decisions: tuple[Decision, ...]
    errors: tuple[str, ...]

    @property
    def droppable(self) -> tuple[Decision, ...]:
        return tuple(d for d in self.decisions if d.drop)


def p3_since(s: Session) -> tuple[str, datetime | None]:
    """The current phase per `phase_events` and, when it is P3, since when."""
    last = s.scalars(select(PhaseEvent).order_by(PhaseEvent.ts.desc(), PhaseEvent.id.desc()).limit(1)).first()
    if last is None:
        return "OFF", None
    return last.to_phase, (last.ts if last.to_phase == "P3" else None)


def plan_retention(s: Session, store: ObjectStore, *, now: datetime, retention: timedelta = RETENTION,
                   verify: bool = True) -> RetentionPlan:
    """Which months may be dropped now, each re-verified against the store and the database."""
    phase, since = p3_since(s)
    if since is None:
        return RetentionPlan(phase, None, None, (), ())
    if now < since + retention:
        return RetentionPlan(phase, since, None, (), ())
    cutoff = now - retention
    decisions: list[Decision] = []
    errors: list[str] = []
    archives = {(m.table_name, m.period): m for m in s.scalars(select(ArchiveManifest))}
    verified = {k for k, m in archives.items() if m.verified_at is not None}
    for name in PARTITIONED:
        table, col = table_of(name)
        months = set(months_with_rows(s, name))
        if is_postgres(s):
            months |= {p.month for p in list_partitions(s, tables=(name,), count=False) if p.month is not None}
        for month in sorted(months):
            if month.end > cutoff:
                continue
            rows = int(s.execute(select(func.count()).select_from(table).where(in_month(col, month))).scalar_one())
            if rows == 0:
                decisions.append(Decision(name, str(month), 0, True, "empty"))
                continue
            held = archives.get((name, str(month)))
            if held is not None and held.held_until is not None and held.held_until > now:
                restored = held.restored_at or held.held_until
                decisions.append(Decision(name, str(month), rows, False,
                                          f"restored {restored:%Y-%m-%d %H:%M} UTC: held until "
                                          f"{held.held_until:%Y-%m-%d %H:%M} UTC (end it early: meallog ops "
                                          f"retention --release {month})"))
                continue
            if (name, str(month)) not in verified:
                decisions.append(Decision(name, str(month), rows, False, "no verified archive yet"))
                continue
            if verify:
                try:
                    verify_archive(s, store, name, month)
                except ArchiveError as exc:
                    errors.append(str(exc))
                    decisions.append(Decision(name, str(month), rows, False, f"archive does not verify: {exc}"))
                    continue
            decisions.append(Decision(name, str(month), rows, True, "archive verified"))
    return RetentionPlan(phase, since, cutoff, tuple(decisions), tuple(errors))


def mark_stale(s: Session, name: str, month: Month) -> None:
    """The archive no longer matches the database: the next archive run writes it again."""
    row = s.scalar(select(ArchiveManifest).where(ArchiveManifest.table_name == name,
                                                 ArchiveManifest.period == str(month)))
    if row is not None:
        row.verified_at = None


# ---- restore ---------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RestoreReport:
    table: str
    month: str
    archived_rows: int
    inserted: int
    already_present: int
    held_until: datetime | None = None


class _PgJSONText(TypeDecorator[str]):
    """JSON text bound as is and cast to json by the server (no decode and re-encode on the way)."""

    impl = Text
    cache_ok = True

    def bind_expression(self, bindvalue: Any) -> Any:
        return cast(bindvalue, JSON)


def _text_json_twin(name: str, *, pg: bool) -> Table:
    """The table with JSON columns as text: archived JSON goes back byte for byte."""
    table, _ = table_of(name)
    as_text = _PgJSONText() if pg else Text()
    cols = [Column(c.name, as_text if isinstance(c.type, JSON) else c.type, primary_key=c.primary_key)
            for c in table.columns]
    return Table(name, MetaData(), *cols)


def restore_sources(store: ObjectStore, name: str, month: Month) -> list[Manifest]:
    """The archives that hold the JST month's rows, each verified against the store: its own (format
    2: exactly the month); or, where the month was archived as a UTC month (format 1, before the
    JST months), the UTC months before it and itself, since the JST month starts 9 h before the
    UTC one (each kept at `utc_manifest_key` once the JST month was archived over it)."""
    own = _manifest(store, manifest_key(name, month))
    if own is not None and own.format >= FORMAT:
        return [verify_stored(store, own)]
    found = [m for m in (_utc_month(store, name, month.prev()), _utc_month(store, name, month)) if m is not None]
    if not found:
        if own is None:
            raise ArchiveError(f"{name} {month}: no archive at {store.uri(manifest_key(name, month))}")
        return [verify_stored(store, own)]
    return [verify_stored(store, m) for m in found]


def _manifest(store: ObjectStore, key: str) -> Manifest | None:
    return Manifest.from_json(store.read_bytes(key)) if store.exists(key) else None


def _utc_month(store: ObjectStore, name: str, month: Month) -> Manifest | None:
    for key in (utc_manifest_key(name, month), manifest_key(name, month)):
        m = _manifest(store, key)
        if m is not None and m.format < FORMAT:
            return m
    return None


def restore_month(s: Session, store: ObjectStore, name: str, month: Month, *, now: datetime,
                  hold: timedelta = RESTORE_HOLD, batch_rows: int = 5_000) -> RestoreReport:
    """Insert the archived rows of one JST month that are not in the table, and hold the month against
    retention until `now + hold`. Only the month's own rows: a UTC month's archive (format 1) also
    holds 9 h of the next JST month, which stay out (restore that month for them). Idempotent; the
    caller commits."""
    sources = restore_sources(store, name, month)
    table, col = table_of(name)
    create_month(s, name, month)
    before = int(s.execute(select(func.count()).select_from(table).where(in_month(col, month))).scalar_one())
    twin = _text_json_twin(name, pg=is_postgres(s))
    ins = (pg_insert if is_postgres(s) else sqlite_insert)(twin).on_conflict_do_nothing()
    start, end = (pa.scalar(t, pa.timestamp("us", tz="UTC")) for t in (month.start, month.end))
    archived = 0
    for manifest in sources:
        with store.open(manifest.files[0].key, "rb") as f:
            for batch in pq.ParquetFile(f).iter_batches(batch_size=batch_rows):
                ts = batch.column(col.name)
                rows = batch.filter(pc.and_(pc.greater_equal(ts, start), pc.less(ts, end))).to_pylist()
                archived += len(rows)
                if rows:
                    s.execute(ins, rows)
    after = int(s.execute(select(func.count()).select_from(table).where(in_month(col, month))).scalar_one())
    row = s.scalar(select(ArchiveManifest).where(ArchiveManifest.table_name == name,
                                                 ArchiveManifest.period == str(month)))
    if row is None:  # restored into a database that never archived it (a rebuilt one): record the archive
        own = sources[-1]
        row = ArchiveManifest(table_name=name, period=str(month), path=store.uri(manifest_key(name, month)),
                              rows=own.rows, sha256=own.files[0].sha256, created_at=now,
                              verified_at=now if len(sources) == 1 and own.format >= FORMAT else None)
        s.add(row)
    row.restored_at, row.held_until = now, now + hold
    s.flush()
    return RestoreReport(table=name, month=str(month), archived_rows=archived, inserted=after - before,
                         already_present=archived - (after - before), held_until=row.held_until)


def release_hold(s: Session, month: Month, *, tables: tuple[str, ...] = tuple(PARTITIONED)) -> list[str]:
    """End the restore hold of `month`: the next retention run may drop it again. Returns what was held."""
    released = []
    for row in s.scalars(select(ArchiveManifest).where(ArchiveManifest.period == str(month),
                                                       ArchiveManifest.table_name.in_(tables),
                                                       ArchiveManifest.held_until.is_not(None))
                         .order_by(ArchiveManifest.table_name)):
        row.held_until = None
        released.append(f"{row.table_name}/{month}")
    s.flush()
    return released
