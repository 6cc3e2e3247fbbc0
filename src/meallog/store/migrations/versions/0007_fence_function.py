"""the fence's shared lock and the phase read in one round trip (PostgreSQL)

Every write took the fence in two statements: `SELECT pg_advisory_xact_lock_shared(k)`, then the
`migration_state` row, each a round trip. One statement that did both would read the row with a
snapshot taken before it waited on the lock, and a write that waited on a transition would run under
the phase it left. `meallog_fence_shared(k)` is a VOLATILE PL/pgSQL function: each query in it
takes a fresh snapshot (READ COMMITTED), so its read, after the lock, sees the last transition.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 13:50:00
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE OR REPLACE FUNCTION meallog_fence_shared(k bigint)
            RETURNS TABLE (fence_epoch bigint, fence_phase text)
            LANGUAGE plpgsql VOLATILE AS $$
            BEGIN
                PERFORM pg_advisory_xact_lock_shared(k);
                -- a query of its own, so a snapshot of its own: taken after the lock was granted
                RETURN QUERY SELECT m.epoch::bigint, m.phase::text FROM migration_state m WHERE m.id = 1;
            END
            $$""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS meallog_fence_shared(bigint)")
