"""read mismatches once per (log, log version), with their kind

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 23:45:00

Rows stored before this revision have no version: they get log_version 0 and kind "structural"
(the old comparison did not tell kinds apart), and repeated reads of one log keep only the first.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # the old read path added a row on every read: keep the first per log before the unique constraint
    op.execute(
        "DELETE FROM read_mismatches WHERE id NOT IN "
        "(SELECT keep FROM (SELECT MIN(id) AS keep FROM read_mismatches GROUP BY log_id) AS firsts)"
    )
    with op.batch_alter_table("read_mismatches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("log_version", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("kind", sa.String(length=16), nullable=False, server_default="structural"))
        batch_op.create_unique_constraint(
            batch_op.f("uq_read_mismatches_log_id_log_version"), ["log_id", "log_version"]
        )


def downgrade() -> None:
    with op.batch_alter_table("read_mismatches", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_read_mismatches_log_id_log_version"), type_="unique")
        batch_op.drop_column("kind")
        batch_op.drop_column("log_version")
