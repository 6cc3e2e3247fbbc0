"""Engine and transactions. The caller owns the transaction: services take a Session, never commit."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic_core import to_json
from sqlalchemy import DateTime, Engine, MetaData, create_engine, event, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def normalize_url(url: str) -> str:
    """Accept plain `postgresql://` URLs and route them to psycopg 3."""
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    return u.render_as_string(hide_password=False)


PING_IDLE_S = 2.0  # a pooled PostgreSQL connection idle for longer is pinged before it is used


def make_engine(url: str, *, pool_size: int = 10, max_overflow: int = 20, echo: bool = False,
                ping_idle_s: float = PING_IDLE_S) -> Engine:
    """An engine on `url`. On PostgreSQL each process keeps up to `pool_size` connections open and
    opens up to `max_overflow` more under a burst (`MEALLOG_DB_POOL_SIZE`, `MEALLOG_DB_MAX_OVERFLOW`);
    a connection that sat in the pool for `ping_idle_s` or more is pinged at checkout (`_ping_when_idle`)."""
    url = normalize_url(url)
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30, "check_same_thread": False})
        _tune_sqlite(engine)
        return engine
    engine = create_engine(url, echo=echo, pool_size=pool_size, max_overflow=max_overflow)
    _ping_when_idle(engine, ping_idle_s)
    return engine


def _ping_when_idle(engine: Engine, idle_s: float) -> None:
    """Pessimistic disconnect handling for idle connections only.

    `pool_pre_ping` pays a round trip on every checkout: two per request, ≈ 9 % of a POST's time
    under load, where connections come back within milliseconds. A connection idle for `idle_s` or
    more (a failover or restart may have closed it meanwhile) is pinged with the dialect's own ping;
    if that finds it gone, DisconnectionError makes the pool replace it before the caller sees it.
    A connection closed while busy still fails its statement, and the pool then drops every
    connection opened before it (SQLAlchemy's invalidation), as it did with `pool_pre_ping`.
    """

    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < idle_s:
            return  # just connected, or back from use a moment ago
        try:
            alive = engine.dialect.do_ping(dbapi)
        except Exception as exc:
            if engine.dialect.is_disconnect(exc, dbapi, None):  # type: ignore[arg-type]
                raise DisconnectionError() from exc
            raise
        if not alive:
            raise DisconnectionError()


def _tune_sqlite(engine: Engine) -> None:
    # pysqlite's implicit BEGIN is deferred: two writers can both read, then deadlock on upgrade.
    # Taking the write lock up front (BEGIN IMMEDIATE) makes concurrent writers queue on busy_timeout.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def is_postgres(engine_or_session: Engine | Session) -> bool:
    bind = engine_or_session.get_bind() if isinstance(engine_or_session, Session) else engine_or_session
    return bind.dialect.name == "postgresql"


def insert_ignore(s: Session, model: Any, values: dict[str, Any], conflict: Sequence[str]) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING on both backends. True when a row was inserted."""
    return insert_ignore_pk(s, model, values, conflict) is not None


def insert_ignore_pk(s: Session, model: Any, values: dict[str, Any], conflict: Sequence[str]) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING the primary key: the new row's key, or None."""
    stmt = _statement(s, "ignore", model, tuple(values), tuple(conflict), None)
    return s.connection().execute(stmt, values).scalar()


def upsert_newer(s: Session, model: Any, values: dict[str, Any], *, key: Sequence[str], version: str) -> bool:
    """Insert the row, or replace the stored one only when `values[version]` is newer. One statement.

    Concurrent writers of one row (a request, the worker, a back-write) can then never move it back
    to an older version, whatever order they commit in. True when the row was written.
    """
    # RETURNING yields a row only for a row inserted or updated; `rowcount` cannot tell on PostgreSQL,
    # where SQLAlchemy's implicit RETURNING makes it -1 whatever happened.
    stmt = _statement(s, "newer", model, tuple(values), tuple(key), version)
    return s.connection().execute(stmt, values).first() is not None


def insert_many(s: Session, model: Any, rows: Sequence[dict[str, Any]], *, key: Sequence[str],
                returning: Sequence[str], newer: str | None = None) -> set[tuple[Any, ...]]:
    """Many rows in one statement: INSERT ... ON CONFLICT (key) DO NOTHING or, given `newer` (a
    version column), `upsert_newer` of every row: the stored row is replaced only by a newer version.
    Returns the `returning` values of the rows written. Every row has the same columns.

    On PostgreSQL the rows go as one json parameter expanded by `json_to_recordset` with the table's
    column types: the statement text is the same for every call, so psycopg parses and the server plans
    it once (a multi-row VALUES statement has a placeholder per value, and psycopg re-parses such a
    long query on every execution), and the server converts every column in C in one pass (twice as
    fast as an array of row arrays picked apart with `->>` and a cast per column, faster than
    executemany). On SQLite, one statement with the rows as parameters (SQLAlchemy's insertmanyvalues).
    """
    if not rows:
        return set()
    table = model.__table__
    names = tuple(rows[0])
    if not is_postgres(s):
        stmt = _statement(s, "ignore" if newer is None else "newer", model, names, tuple(key), newer,
                          returning=tuple(returning))
        return {tuple(r) for r in s.connection().execute(stmt, list(rows))}
    stamps = [n for n in names if isinstance(table.c[n].type, UTCDateTime)]
    for r in rows:  # pydantic_core writes a naive datetime without an offset: PostgreSQL would take it as local
        for n in stamps:
            if r[n] is not None and r[n].tzinfo is None:
                raise ValueError(f"naive datetime given to {table.name}.{n}")
    sql = _recordset_sql(s, table, names, tuple(key), tuple(returning), newer)
    payload = to_json(list(rows), inf_nan_mode="strings").decode()  # Rust; ISO dates with their offset
    return {tuple(r) for r in s.execute(text(sql), {"rows": payload})}


_RECORDSET_SQL: dict[tuple[Any, ...], str] = {}


def _recordset_sql(s: Session, table: Any, names: tuple[str, ...], key: tuple[str, ...], returning: tuple[str, ...],
                   newer: str | None) -> str:
    shape = (table.name, names, key, returning, newer)
    sql = _RECORDSET_SQL.get(shape)
    if sql is None:
        dialect = s.get_bind().dialect
        columns = ", ".join(f'"{n}"' for n in names)
        types = ", ".join(f'"{n}" {table.c[n].type.compile(dialect=dialect)}' for n in names)
        if newer is None:
            conflict = "DO NOTHING"
        else:
            changed = ", ".join(f'"{n}" = EXCLUDED."{n}"' for n in names if n not in key)
            conflict = f'DO UPDATE SET {changed} WHERE {table.name}."{newer}" < EXCLUDED."{newer}"'
        sql = (f"INSERT INTO {table.name} ({columns}) SELECT {columns} FROM json_to_recordset(CAST(:rows AS json)) "
               f"AS r({types}) ON CONFLICT ({', '.join(key)}) {conflict} RETURNING {', '.join(returning)}")
        _RECORDSET_SQL[shape] = sql
    return sql


_STATEMENTS: dict[tuple[Any, ...], Any] = {}


def _statement(s: Session, kind: str, model: Any, columns: tuple[str, ...], key: tuple[str, ...],
               version: str | None, *, returning: tuple[str, ...] | None = None) -> Any:
    """The statement of one shape, built once per process (the values are bound per call): building
    and cache-keying a fresh `insert().values(...)` per write was most of a write's CPU. It returns
    the primary key, or the `returning` columns."""
    dialect = "postgresql" if is_postgres(s) else "sqlite"
    shape = (kind, dialect, model, columns, key, version, returning)
    stmt = _STATEMENTS.get(shape)
    if stmt is None:
        table = model.__table__
        ins = (pg_insert if dialect == "postgresql" else sqlite_insert)(model)
        if version is None:
            stmt = ins.on_conflict_do_nothing(index_elements=list(key))
        else:
            changed = {k: ins.excluded[k] for k in columns if k not in key}
            stmt = ins.on_conflict_do_update(index_elements=list(key), set_=changed,
                                             where=table.c[version] < ins.excluded[version])
        stmt = stmt.returning(*(table.primary_key.columns if returning is None else [table.c[n] for n in returning]))
        _STATEMENTS[shape] = stmt
    return stmt


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session] | Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any exception."""
    session = factory() if isinstance(factory, sessionmaker) else Session(factory, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
