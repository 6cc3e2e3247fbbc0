"""Every table of meallog (SPEC §8). Table names are the runbook's: keep them.

`log_keys` is the identity of a meal log, independent of its representation: the legacy row
(`meal_logs`) and the v2 record (`meal_logs_v2`) both hang off it, so a log keeps its id whether it
was written in P0 (legacy only), P1–P2 (both) or P3 (v2 only).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from meallog.store.db import Base, UTCDateTime

OUTBOX_LIVE = "state IN ('pending', 'running', 'dead')"  # the outbox jobs not done

# BigInteger ids on PostgreSQL, INTEGER PRIMARY KEY (rowid) on SQLite.
Id = BigInteger().with_variant(Integer, "sqlite")
JSONType = JSON()

# The exactly-once keys of the shadow tables: every `INSERT ... ON CONFLICT DO NOTHING` names these.
# They end in the partition key (PostgreSQL needs it in every unique constraint of a partitioned
# table); the shadow job writes the log version's write time there, the same on every retry.
SHADOW_UNIQUE: tuple[str, ...] = ("log_id", "log_version", "pipeline_version", "created_at")
DIFF_UNIQUE: tuple[str, ...] = ("log_id", "log_version", "pipeline_version", "ts")
# Monthly partitions (PostgreSQL) or month ranges (SQLite): table -> partition key column.
PARTITIONED: dict[str, str] = {"meal_logs_v2_shadow": "created_at", "diffs": "ts"}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    time_zone: Mapped[str] = mapped_column(String(64), default="Asia/Tokyo")
    locale: Mapped[str] = mapped_column(String(8), default="ja")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LogKey(Base):
    """The log itself: identity, owner, and the state every read checks against.

    `version` is the log's current (last acknowledged) version, `local_date` and `deleted_at` where
    and whether it is listed. Every write locks this row and moves it in the same transaction as the
    store it writes, so "the row at the log's current version" is one comparison, whichever store
    (legacy, v2, or both) the phase wrote.
    """

    __tablename__ = "log_keys"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_phase: Mapped[str] = mapped_column(String(8), default="OFF")
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    local_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (Index("ix_log_keys_user_day", "user_id", "local_date"),)


class MigrationState(Base):
    """The phase fence: one row. Writes hold its advisory lock shared, transitions exclusively (PostgreSQL).

    `phase` is the phase every write and read runs under; `epoch` moves on every flag change, so a
    process's cached flag snapshot of another epoch is reloaded, never used.
    """

    __tablename__ = "migration_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    epoch: Mapped[int] = mapped_column(Id)
    phase: Mapped[str] = mapped_column(String(8))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MealLog(Base):
    """The legacy record: what production shows until P3."""

    __tablename__ = "meal_logs"

    id: Mapped[int] = mapped_column(Id, ForeignKey("log_keys.id"), primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    eaten_at: Mapped[datetime] = mapped_column(UTCDateTime)
    local_date: Mapped[date] = mapped_column(Date)
    meal_type: Mapped[str | None] = mapped_column(String(16), nullable=True)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    totals: Mapped[dict[str, float]] = mapped_column(JSONType)
    provider_result: Mapped[dict[str, Any]] = mapped_column(JSONType)
    version: Mapped[int] = mapped_column(Integer, default=1)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    origin: Mapped[str] = mapped_column(String(16), default="legacy")

    __table_args__ = (Index("ix_meal_logs_user_day", "user_id", "local_date"),)


class MealLogV2(Base):
    """The v2 record (DTO v2) of a log: written from P1, primary in P3."""

    __tablename__ = "meal_logs_v2"

    log_id: Mapped[int] = mapped_column(Id, ForeignKey("log_keys.id"), primary_key=True)
    pipeline_version: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    eaten_at: Mapped[datetime] = mapped_column(UTCDateTime)
    local_date: Mapped[date] = mapped_column(Date)
    meal_type: Mapped[str | None] = mapped_column(String(16), nullable=True)
    record: Mapped[dict[str, Any]] = mapped_column(JSONType)
    provider_result: Mapped[dict[str, Any]] = mapped_column(JSONType)
    log_version: Mapped[int] = mapped_column(Integer, default=1)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    written_phase: Mapped[str] = mapped_column(String(8))

    __table_args__ = (
        Index("ix_meal_logs_v2_user_day", "user_id", "local_date"),
        Index("ix_meal_logs_v2_updated_at", "updated_at"),
    )


class ShadowRecord(Base):
    """Append-only v2 computations of P0–P2, one per (log, log version, pipeline version)."""

    __tablename__ = "meal_logs_v2_shadow"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    log_id: Mapped[int] = mapped_column(Id, index=True)
    log_version: Mapped[int] = mapped_column(Integer)
    pipeline_version: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int] = mapped_column(Id)
    record: Mapped[dict[str, Any]] = mapped_column(JSONType)
    totals: Mapped[dict[str, float]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    # On PostgreSQL the table is partitioned by month of created_at and its primary key is (id, created_at).
    __table_args__ = (UniqueConstraint(*SHADOW_UNIQUE, name="uq_meal_logs_v2_shadow_dedup"),)


class Diff(Base):
    """One row per shadow computation: legacy vs v2, per field. The runbook's on-call query reads it."""

    __tablename__ = "diffs"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    ts: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    log_id: Mapped[int] = mapped_column(Id, index=True)
    log_version: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(Id)
    pipeline_version: Mapped[str] = mapped_column(String(32))
    local_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    kcal_abs: Mapped[float] = mapped_column(Float)
    kcal_rel: Mapped[float] = mapped_column(Float)
    protein_g_abs: Mapped[float] = mapped_column(Float)
    protein_g_rel: Mapped[float] = mapped_column(Float)
    fat_g_abs: Mapped[float] = mapped_column(Float)
    fat_g_rel: Mapped[float] = mapped_column(Float)
    carbs_g_abs: Mapped[float] = mapped_column(Float)
    carbs_g_rel: Mapped[float] = mapped_column(Float)
    legacy_totals: Mapped[dict[str, float]] = mapped_column(JSONType)
    v2_totals: Mapped[dict[str, float]] = mapped_column(JSONType)
    breach: Mapped[bool] = mapped_column(Boolean, default=False)
    breach_fields: Mapped[str] = mapped_column(String(64), default="")
    unknown_kinds: Mapped[str] = mapped_column(String(128), default="")
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    unknown_count: Mapped[int] = mapped_column(Integer, default=0)
    ignore_rule_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    triage: Mapped[str | None] = mapped_column(String(32), nullable=True)
    triage_note: Mapped[str | None] = mapped_column(Text, nullable=True)

    # On PostgreSQL the table is partitioned by month of ts and its primary key is (id, ts).
    __table_args__ = (UniqueConstraint(*DIFF_UNIQUE, name="uq_diffs_dedup"),)


class OutboxJob(Base):
    """Shadow and v2 jobs, written in the user's transaction (transactional outbox)."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    log_id: Mapped[int] = mapped_column(Id)
    log_version: Mapped[int] = mapped_column(Integer, default=1)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    locked_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_outbox_state_next", "state", "next_attempt_at"),
        # The live queue: a day of done jobs waits for the nightly cleanup beside it, and a claim
        # must not read them (ORDER BY id LIMIT n over this index reads only jobs not done).
        Index("ix_outbox_live", "id", postgresql_where=text(OUTBOX_LIVE), sqlite_where=text(OUTBOX_LIVE)),
    )


class IngestRequest(Base):
    """The idempotency record of `POST /logs` (Idempotency-Key). Cleaned nightly after 90 days."""

    __tablename__ = "ingest_requests"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    response: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    log_id: Mapped[int | None] = mapped_column(Id, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    __table_args__ = (UniqueConstraint("user_id", "key"),)


class FeatureFlag(Base):
    __tablename__ = "feature_flags"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(100))


class FlagAudit(Base):
    __tablename__ = "flag_audit"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    ts: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    name: Mapped[str] = mapped_column(String(64))
    old: Mapped[str | None] = mapped_column(String(64), nullable=True)
    new: Mapped[str | None] = mapped_column(String(64), nullable=True)
    actor: Mapped[str] = mapped_column(String(100))
    why: Mapped[str | None] = mapped_column(Text, nullable=True)


class PhaseEvent(Base):
    __tablename__ = "phase_events"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    ts: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    from_phase: Mapped[str] = mapped_column(String(8))
    to_phase: Mapped[str] = mapped_column(String(8))
    cause: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    forced: Mapped[bool] = mapped_column(Boolean, default=False)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)


class AlertReceipt(Base):
    """Alertmanager deliveries are at-least-once: one row per (fingerprint, startsAt) episode."""

    __tablename__ = "alert_receipts"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[str] = mapped_column(String(64))
    alertname: Mapped[str] = mapped_column(String(128))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    action: Mapped[str] = mapped_column(String(32))

    __table_args__ = (UniqueConstraint("fingerprint", "starts_at"),)


class ReadMismatch(Base):
    """A P2 dual read where the adapter's view differed from legacy: once per (log, log version)."""

    __tablename__ = "read_mismatches"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    ts: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    log_id: Mapped[int] = mapped_column(Id)
    log_version: Mapped[int] = mapped_column(Integer, default=0)
    user_id: Mapped[int] = mapped_column(Id)
    kind: Mapped[str] = mapped_column(String(16), default="structural")  # structural | nutrition
    fields: Mapped[list[str]] = mapped_column(JSONType)
    legacy: Mapped[dict[str, Any]] = mapped_column(JSONType)
    adapted: Mapped[dict[str, Any]] = mapped_column(JSONType)

    __table_args__ = (UniqueConstraint("log_id", "log_version"),)


class IgnoreRule(Base):
    __tablename__ = "ignore_rules"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    field: Mapped[str] = mapped_column(String(16))
    predicate: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(100))
    expires_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class NpsSample(Base):
    __tablename__ = "nps_samples"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    ts: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    phase: Mapped[str] = mapped_column(String(8))
    score: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(64), default="manual")


class BaselineSummary(Base):
    """Weekly IQR baseline summaries (runbook §6); the gate needs two weeks before DUAL_WRITE_V2."""

    __tablename__ = "baseline_summaries"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    week_start: Mapped[date] = mapped_column(Date)
    env: Mapped[str] = mapped_column(String(16))
    field: Mapped[str] = mapped_column(String(16))
    samples: Mapped[int] = mapped_column(Integer)
    median: Mapped[float] = mapped_column(Float)
    iqr: Mapped[float] = mapped_column(Float)
    threshold: Mapped[float] = mapped_column(Float)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(255), default="")

    __table_args__ = (UniqueConstraint("week_start", "env", "field"),)


class VisualRun(Base):
    __tablename__ = "visual_runs"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    ts: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    env: Mapped[str] = mapped_column(String(16))
    passed: Mapped[bool] = mapped_column(Boolean)
    report: Mapped[str] = mapped_column(Text, default="")


class Calibration(Base):
    """A/A noise floor per field (legacy vs legacy, v2 vs v2 on the same inputs)."""

    __tablename__ = "calibrations"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    ts: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(16))
    field: Mapped[str] = mapped_column(String(16))
    floor_abs: Mapped[float] = mapped_column(Float)
    floor_rel: Mapped[float] = mapped_column(Float)
    samples: Mapped[int] = mapped_column(Integer)


class OpsJobRun(Base):
    __tablename__ = "ops_job_runs"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    job: Mapped[str] = mapped_column(String(64), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    outcome: Mapped[str] = mapped_column(String(16), default="running")
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)


class ArchiveManifest(Base):
    __tablename__ = "archive_manifests"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    table_name: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(16))
    path: Mapped[str] = mapped_column(Text)
    rows: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # `meallog shadow restore-archive` loaded the month back at restored_at; retention keeps it
    # until held_until (or until `meallog ops retention --release MONTH` clears it).
    restored_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    held_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (UniqueConstraint("table_name", "period"),)


class OpsLock(Base):
    """SQLite's stand-in for a PostgreSQL advisory lock: one row per running ops job."""

    __tablename__ = "ops_locks"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    pid: Mapped[int] = mapped_column(Integer)
    host: Mapped[str] = mapped_column(String(128))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class BackfillCursor(Base):
    """Where a resumable batch job (backfill, reconcile) stopped."""

    __tablename__ = "backfill_cursors"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_id: Mapped[int] = mapped_column(Id, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
