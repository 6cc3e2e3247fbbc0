"""shadow months are JST months; archive_manifests holds a restore hold

The business day is JST (Asia/Tokyo), so a month of the shadow tables is a JST month: from
`YYYY-MM-01 00:00+09:00` to the next one. 0004 bounded the partitions at UTC midnight, 9 hours
late. On PostgreSQL each month partition `<table>_pYYYY_MM` is re-bounded in place, in the
migration's one transaction, table by table: DETACH every month partition, move out the rows that now belong to another
month (the last 9 hours of each UTC month, about 1.2 % of the rows) and everything in DEFAULT into
a temporary table, ATTACH each partition again with JST bounds, insert the moved rows through the
parent (they land in their JST month; a month that had none gets a partition, rows that were
in DEFAULT stay there unless their month has one). Writers wait on that transaction for as long as
the move and the ATTACH checks take. On SQLite nothing moves: months are ranges of one table.

Archives written before this revision are UTC months: `verified_at` is cleared on all of them so
the next archive run writes every month that still holds rows again, with JST bounds, and
retention drops nothing until it has. Archives of months already dropped stay restorable.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 02:30:00
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op
from sqlalchemy import text

import meallog.store.db

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

KEYS = {"meal_logs_v2_shadow": "created_at", "diffs": "ts"}
NAME = re.compile(r"^(?P<table>\w+)_p(?P<y>\d{4})_(?P<m>\d{2})$")


def _bounds(y: int, m: int, tz: timezone) -> tuple[str, str]:
    start = datetime(y, m, 1, tzinfo=tz)
    end = datetime(y + 1, 1, 1, tzinfo=tz) if m == 12 else datetime(y, m + 1, 1, tzinfo=tz)
    return start.isoformat(), end.isoformat()


def upgrade() -> None:
    with op.batch_alter_table("archive_manifests") as batch:
        batch.add_column(sa.Column("restored_at", meallog.store.db.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("held_until", meallog.store.db.UTCDateTime(timezone=True), nullable=True))
    op.execute("UPDATE archive_manifests SET verified_at = NULL")
    if op.get_bind().dialect.name == "postgresql":
        _rebound(timezone(timedelta(hours=9)))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _rebound(UTC)
    op.execute("UPDATE archive_manifests SET verified_at = NULL")
    with op.batch_alter_table("archive_manifests") as batch:
        batch.drop_column("held_until")
        batch.drop_column("restored_at")


def _rebound(tz: timezone) -> None:
    """Every month partition of both tables bounded by months in `tz`, rows moved to match."""
    conn = op.get_bind()
    conn.execute(text("SET LOCAL lock_timeout = '30s'"))
    for table, key in KEYS.items():
        conn.execute(text(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
        children = list(conn.execute(text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = :t ORDER BY c.relname"), {"t": table}).scalars())
        months = [(child, int(hit.group("y")), int(hit.group("m"))) for child in children
                  if (hit := NAME.match(child))]
        moving = f"{table}__moving"
        conn.execute(text(f"CREATE TEMP TABLE {moving} (LIKE {table}) ON COMMIT DROP"))
        for child, _, _ in months:
            conn.execute(text(f"ALTER TABLE {table} DETACH PARTITION {child}"))
        for child, y, m in months:
            lo, hi = _bounds(y, m, tz)
            conn.execute(text(f"WITH gone AS (DELETE FROM {child} WHERE NOT ({key} >= :lo AND {key} < :hi) "
                              f"RETURNING *) INSERT INTO {moving} SELECT * FROM gone"), {"lo": lo, "hi": hi})
        # A row moved out of a month partition whose new month has none yet gets one (as 0004 did for
        # months with rows); rows that were in DEFAULT go back to DEFAULT unless their month has one.
        zone = "Asia/Tokyo" if tz.utcoffset(None) else "UTC"
        need = {(int(y), int(m)) for y, m in conn.execute(text(
            f"SELECT DISTINCT extract(year FROM {key} AT TIME ZONE '{zone}')::int, "
            f"extract(month FROM {key} AT TIME ZONE '{zone}')::int FROM {moving}")).all()}
        if f"{table}_default" in children:
            conn.execute(text(f"WITH gone AS (DELETE FROM {table}_default RETURNING *) "
                              f"INSERT INTO {moving} SELECT * FROM gone"))
        for child, y, m in months:
            lo, hi = _bounds(y, m, tz)
            conn.execute(text(f"ALTER TABLE {table} ATTACH PARTITION {child} FOR VALUES FROM ('{lo}') TO ('{hi}')"))
        for y, m in sorted(need - {(y, m) for _, y, m in months}):
            lo, hi = _bounds(y, m, tz)
            conn.execute(text(f"CREATE TABLE {table}_p{y:04d}_{m:02d} PARTITION OF {table} "
                              f"FOR VALUES FROM ('{lo}') TO ('{hi}')"))
        conn.execute(text(f"INSERT INTO {table} SELECT * FROM {moving}"))
        conn.execute(text(f"DROP TABLE {moving}"))
