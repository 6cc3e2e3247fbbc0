"""shadow tables: monthly partitions on PostgreSQL, partition key in the dedup key; ops_locks

On PostgreSQL `meal_logs_v2_shadow` (by created_at) and `diffs` (by ts) become declarative range
partitions by month, converted WITH their rows: a partitioned twin is created with a partition per
month that holds rows plus the current and next two months and a DEFAULT partition; rows are
copied in id batches that commit one by one while the old table keeps taking writes (a trigger
records the id of every row inserted, updated or deleted meanwhile); one short transaction then
locks the old table, copies those rows again from the old table (deleting their earlier copy), and
swaps the names. `MEALLOG_0004_COPY_BATCH` sets the rows per batch (default 20,000). Rerunning
after a crash starts the copy over. On SQLite the unique key gains the partition key too (month
ranges of one table stand in for partitions). Depends only on the 0001 schema of these two tables.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 23:30:00
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

import meallog.store.db

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

KEYS = {"meal_logs_v2_shadow": "created_at", "diffs": "ts"}
BASE_UNIQUE = ("log_id", "log_version", "pipeline_version")
OLD_UNIQUE = {t: f"uq_{t}_log_id_log_version_pipeline_version" for t in KEYS}
NEW_UNIQUE = {t: f"uq_{t}_dedup" for t in KEYS}
BATCH = 20_000
AHEAD = 2


def _month(d: datetime) -> tuple[int, int]:
    return d.year, d.month


def _next(ym: tuple[int, int]) -> tuple[int, int]:
    y, m = ym
    return (y + 1, 1) if m == 12 else (y, m + 1)


def _bound(ym: tuple[int, int]) -> str:
    return f"{ym[0]:04d}-{ym[1]:02d}-01 00:00:00+00"


def upgrade() -> None:
    op.create_table(
        "ops_locks",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=128), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=128), nullable=False),
        sa.Column("acquired_at", meallog.store.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", meallog.store.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_ops_locks")),
    )
    if op.get_bind().dialect.name == "postgresql":
        _pg_upgrade()
        return
    for table, key in KEYS.items():
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(OLD_UNIQUE[table], type_="unique")
            batch.create_unique_constraint(NEW_UNIQUE[table], [*BASE_UNIQUE, key])


def _pg_upgrade() -> None:
    conn = op.get_bind()
    now = _month(datetime.now(UTC))
    for table, key in KEYS.items():
        new = f"{table}__part"
        _pg_drop_leftovers(conn, table)
        conn.execute(text(f"CREATE TABLE {new} (LIKE {table} INCLUDING DEFAULTS) PARTITION BY RANGE ({key})"))
        conn.execute(text(f"ALTER TABLE {new} ADD CONSTRAINT {new}_pkey PRIMARY KEY (id, {key})"))
        conn.execute(text(f"ALTER TABLE {new} ADD CONSTRAINT {new}_dedup UNIQUE ({', '.join(BASE_UNIQUE)}, {key})"))
        conn.execute(text(f"CREATE INDEX {new}_ix_key ON {new} ({key})"))
        conn.execute(text(f"CREATE INDEX {new}_ix_log_id ON {new} (log_id)"))
        # A partition for each month that holds rows, and the current and next two months: a stray
        # far-past or far-future row costs one partition, not one per month in between.
        months = {(int(y), int(m)) for y, m in conn.execute(text(
            f"SELECT DISTINCT extract(year FROM {key} AT TIME ZONE 'UTC'), "
            f"extract(month FROM {key} AT TIME ZONE 'UTC') FROM {table}")).all()}
        ym = now
        for _ in range(AHEAD + 1):
            months.add(ym)
            ym = _next(ym)
        for ym in sorted(months):
            conn.execute(text(f"CREATE TABLE {table}_p{ym[0]:04d}_{ym[1]:02d} PARTITION OF {new} "
                              f"FOR VALUES FROM ('{_bound(ym)}') TO ('{_bound(_next(ym))}')"))
        conn.execute(text(f"CREATE TABLE {table}_default PARTITION OF {new} DEFAULT"))
        # Rows inserted, updated (triage) or deleted from here on are copied again at the swap: a batch
        # may have missed them (an insert that committed after its batch ran) or copied a stale version.
        # CREATE TRIGGER waits for the writes in flight and holds new ones until this transaction
        # commits; every later write fires it, so the batches below miss nothing the swap does not redo.
        conn.execute(text(f"CREATE TABLE {table}__delta (id bigint NOT NULL)"))
        conn.execute(text(f"CREATE FUNCTION {table}__conv() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                          f"INSERT INTO {table}__delta VALUES (CASE WHEN TG_OP = 'INSERT' THEN NEW.id "
                          f"ELSE OLD.id END); RETURN NULL; END $$"))
        conn.execute(text(f"CREATE TRIGGER {table}__conv AFTER INSERT OR UPDATE OR DELETE ON {table} "
                          f"FOR EACH ROW EXECUTE FUNCTION {table}__conv()"))
    # The batches commit one by one: writers keep using the old tables meanwhile.
    batch = int(os.environ.get("MEALLOG_0004_COPY_BATCH", BATCH))
    with op.get_context().autocommit_block():
        conn = op.get_bind()
        for table in KEYS:
            copy_in_batches(conn, table, batch)
    conn = op.get_bind()
    conn.execute(text("SET LOCAL lock_timeout = '30s'"))
    for table, key in KEYS.items():
        new = f"{table}__part"
        conn.execute(text(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
        conn.execute(text(f"DELETE FROM {new} WHERE id IN (SELECT id FROM {table}__delta)"))
        conn.execute(text(f"INSERT INTO {new} SELECT * FROM {table} WHERE id IN (SELECT id FROM {table}__delta)"))
        seq = conn.execute(text(f"SELECT pg_get_serial_sequence('{table}', 'id')")).scalar_one()
        if seq is not None:
            conn.execute(text(f"ALTER SEQUENCE {seq} OWNED BY {new}.id"))
        _pg_drop_leftovers(conn, table, keep_new=True)
        conn.execute(text(f"DROP TABLE {table}"))
        conn.execute(text(f"ALTER TABLE {new} RENAME TO {table}"))
        conn.execute(text(f"ALTER TABLE {table} RENAME CONSTRAINT {new}_pkey TO pk_{table}"))
        conn.execute(text(f"ALTER TABLE {table} RENAME CONSTRAINT {new}_dedup TO {NEW_UNIQUE[table]}"))
        conn.execute(text(f"ALTER INDEX {new}_ix_key RENAME TO ix_{table}_{key}"))
        conn.execute(text(f"ALTER INDEX {new}_ix_log_id RENAME TO ix_{table}_log_id"))


def copy_in_batches(conn: sa.Connection, table: str, batch: int) -> None:
    """Copy the rows that exist now into `<table>__part`, `batch` ids per statement (autocommit)."""
    top = conn.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar_one()
    start = 0
    while start < top:
        conn.execute(text(f"INSERT INTO {table}__part SELECT * FROM {table} WHERE id > :a AND id <= :b"),
                     {"a": start, "b": start + batch})
        start += batch


def _pg_drop_leftovers(conn: sa.Connection, table: str, *, keep_new: bool = False) -> None:
    """What an interrupted earlier run (or the copy itself) left behind."""
    conn.execute(text(f"DROP TRIGGER IF EXISTS {table}__conv ON {table}"))
    conn.execute(text(f"DROP FUNCTION IF EXISTS {table}__conv()"))
    conn.execute(text(f"DROP TABLE IF EXISTS {table}__delta"))
    if not keep_new:
        conn.execute(text(f"DROP TABLE IF EXISTS {table}__part CASCADE"))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        conn = op.get_bind()
        for table, key in KEYS.items():
            plain = f"{table}__plain"
            conn.execute(text(f"CREATE TABLE {plain} (LIKE {table} INCLUDING DEFAULTS)"))
            conn.execute(text(f"INSERT INTO {plain} SELECT * FROM {table} ORDER BY id"))
            seq = conn.execute(text(f"SELECT pg_get_serial_sequence('{table}', 'id')")).scalar_one()
            if seq is not None:
                conn.execute(text(f"ALTER SEQUENCE {seq} OWNED BY {plain}.id"))
            conn.execute(text(f"DROP TABLE {table} CASCADE"))
            conn.execute(text(f"ALTER TABLE {plain} RENAME TO {table}"))
            conn.execute(text(f"ALTER TABLE {table} ADD CONSTRAINT pk_{table} PRIMARY KEY (id)"))
            conn.execute(text(f"ALTER TABLE {table} ADD CONSTRAINT {OLD_UNIQUE[table]} UNIQUE "
                              f"({', '.join(BASE_UNIQUE)})"))
            conn.execute(text(f"CREATE INDEX ix_{table}_{key} ON {table} ({key})"))
            conn.execute(text(f"CREATE INDEX ix_{table}_log_id ON {table} (log_id)"))
    else:
        for table in KEYS:
            with op.batch_alter_table(table) as batch:
                batch.drop_constraint(NEW_UNIQUE[table], type_="unique")
                batch.create_unique_constraint(OLD_UNIQUE[table], list(BASE_UNIQUE))
    op.drop_table("ops_locks")
