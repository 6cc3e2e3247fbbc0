"""Weekly VACUUM (ANALYZE) of the shadow tables (runbook §5)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from meallog.store.models import PARTITIONED


@dataclass(frozen=True, slots=True)
class VacuumReport:
    statements: tuple[str, ...]
    dry_run: bool


def statements_for(dialect: str) -> tuple[str, ...]:
    if dialect == "postgresql":
        return tuple(f"VACUUM (ANALYZE) {name}" for name in PARTITIONED)  # recurses into the partitions
    return ("VACUUM", *(f"ANALYZE {name}" for name in PARTITIONED))


def vacuum(engine: Engine, *, dry_run: bool = False) -> VacuumReport:
    """Run the statements on their own autocommit connection: VACUUM cannot run inside a transaction."""
    stmts = statements_for(engine.dialect.name)
    if not dry_run:
        raw = engine.raw_connection()
        try:
            dbapi = raw.dbapi_connection
            assert dbapi is not None
            if engine.dialect.name == "postgresql":
                dbapi.autocommit = True  # type: ignore[attr-defined]
            for stmt in stmts:
                cur = dbapi.cursor()
                cur.execute(stmt)
                cur.close()
        finally:
            if engine.dialect.name == "postgresql" and raw.dbapi_connection is not None:
                raw.dbapi_connection.autocommit = False  # type: ignore[attr-defined]
            raw.close()
    return VacuumReport(statements=stmts, dry_run=dry_run)
