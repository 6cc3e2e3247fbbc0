"""One instance of an ops job at a time across processes and replicas.

PostgreSQL: a session advisory lock on a connection of its own, held for the job; a killed process
loses its connection and with it the lock. SQLite: a row in `ops_locks` with the holder's pid, host
and a lease; a row whose holder is a dead process on this host, or whose lease ran out, is taken over.
"""

from __future__ import annotations

import hashlib
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, select, text
from sqlalchemy.orm import Session

from meallog.store.models import OpsLock

LEASE = timedelta(hours=6)


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory lock key for a job name (hashlib, never hash())."""
    return int.from_bytes(hashlib.sha256(f"meallog.ops:{name}".encode()).digest()[:8], "big", signed=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def job_lock(engine: Engine, name: str, *, now: datetime, lease: timedelta = LEASE) -> Iterator[bool]:
    """Yields True when this process holds the job's lock, False when another instance runs it."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": lock_key(name)}).scalar_one())
            conn.commit()
            try:
                yield got
            finally:
                if got:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": lock_key(name)})
                    conn.commit()
        return
    me, host = os.getpid(), socket.gethostname()
    with Session(engine) as s, s.begin():
        row = s.get(OpsLock, name)
        free = (row is None or row.expires_at <= now or (row.host == host and not _alive(row.pid))
                or (row.host == host and row.pid == me))
        if free:
            if row is not None:
                s.delete(row)
                s.flush()
            s.add(OpsLock(name=name, holder=f"{host}:{me}", pid=me, host=host, acquired_at=now,
                          expires_at=now + lease))
    try:
        yield free
    finally:
        if free:
            with Session(engine) as s, s.begin():
                s.execute(delete(OpsLock).where(OpsLock.name == name, OpsLock.pid == me, OpsLock.host == host))


def holders(engine: Engine) -> list[OpsLock]:
    if engine.dialect.name == "postgresql":
        return []
    with Session(engine) as s:
        return list(s.scalars(select(OpsLock)))
