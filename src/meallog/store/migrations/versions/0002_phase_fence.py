"""phase fence and the log's current state on log_keys

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 23:40:00

`migration_state` is the one-row phase fence. `log_keys` gains the log's current version, day and
deletion, filled from whichever store holds the newest version of each log (legacy first, then v2
where it is ahead, as P3 leaves it), so databases in the field keep reading what users last wrote.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import meallog.store.db

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "migration_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("epoch", Id, nullable=False),
        sa.Column("phase", sa.String(length=8), nullable=False),
        sa.Column("updated_at", meallog.store.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_migration_state")),
    )
    with op.batch_alter_table("log_keys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("local_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("deleted_at", meallog.store.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("updated_at", meallog.store.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_log_keys_user_day", ["user_id", "local_date"], unique=False)
    # The legacy row first, then the v2 record wherever it is ahead (written in P3).
    op.execute(
        """
        UPDATE log_keys SET
          version = (SELECT m.version FROM meal_logs m WHERE m.id = log_keys.id),
          local_date = (SELECT m.local_date FROM meal_logs m WHERE m.id = log_keys.id),
          deleted_at = (SELECT m.deleted_at FROM meal_logs m WHERE m.id = log_keys.id),
          updated_at = (SELECT m.updated_at FROM meal_logs m WHERE m.id = log_keys.id)
        WHERE EXISTS (SELECT 1 FROM meal_logs m WHERE m.id = log_keys.id)
        """
    )
    newest_v2 = (
        "(SELECT v.{col} FROM meal_logs_v2 v WHERE v.log_id = log_keys.id "
        "ORDER BY v.log_version DESC, v.updated_at DESC LIMIT 1)"
    )
    op.execute(
        f"""
        UPDATE log_keys SET
          local_date = {newest_v2.format(col="local_date")},
          deleted_at = {newest_v2.format(col="deleted_at")},
          updated_at = {newest_v2.format(col="updated_at")},
          version = {newest_v2.format(col="log_version")}
        WHERE EXISTS (SELECT 1 FROM meal_logs_v2 v WHERE v.log_id = log_keys.id)
          AND (NOT EXISTS (SELECT 1 FROM meal_logs m WHERE m.id = log_keys.id)
           OR (SELECT max(v.log_version) FROM meal_logs_v2 v WHERE v.log_id = log_keys.id)
              > (SELECT m.version FROM meal_logs m WHERE m.id = log_keys.id))
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("log_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_log_keys_user_day")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("deleted_at")
        batch_op.drop_column("local_date")
        batch_op.drop_column("version")
    op.drop_table("migration_state")
