"""Users and their tokens. `meallog users add NAME` prints the token once; only its hash is kept.

`UserCache` answers the request path's user look-ups (token -> user, id -> user) from memory for a
few seconds (`MEALLOG_TOKEN_CACHE_TTL_S`), so a request pays no query for them. A rotated token is
therefore refused at most that long after `meallog users rotate`; an unknown token is never cached.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from meallog.api.auth import hash_token, new_token
from meallog.errors import Conflict, InvalidInput, NotFound, Unauthorized
from meallog.store.db import is_postgres, session_scope
from meallog.store.models import User


def add_user(
    s: Session, *, name: str, now: datetime, time_zone: str = "Asia/Tokyo", locale: str = "ja"
) -> tuple[User, str]:
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput("name must be 1-100 characters", field="name")
    try:
        ZoneInfo(time_zone)
    except Exception as exc:  # ZoneInfoNotFoundError, ValueError
        raise InvalidInput(f"unknown time zone {time_zone!r}", field="time_zone") from exc
    if s.scalars(select(User).where(User.name == name)).first() is not None:
        raise Conflict(f"user {name!r} already exists", field="name")
    token = new_token()
    user = User(name=name, token_hash=hash_token(token), time_zone=time_zone, locale=locale, created_at=now)
    s.add(user)
    s.flush()
    return user, token


def rotate_token(s: Session, *, name: str) -> tuple[User, str]:
    """Give the user a new token; the old one is refused (after the token cache's TTL)."""
    user = s.scalars(select(User).where(User.name == name.strip())).one_or_none()
    if user is None:
        raise NotFound(f"no user {name!r}", field="name")
    token = new_token()
    s.execute(update(User).where(User.id == user.id).values(token_hash=hash_token(token)))
    return user, token


def _detached(user: Any) -> User:
    """A copy bound to no session (of a User, or of a row with its columns): safe to share between
    threads and requests (read only)."""
    return User(id=user.id, name=user.name, token_hash=user.token_hash, time_zone=user.time_zone,
                locale=user.locale, created_at=user.created_at)


TOKEN_CACHE_SIZE = 10_000  # users per process; the least recently used one goes first


class UserCache:
    """token hash -> user and id -> user, each entry good for `ttl_s` seconds (0: no cache)."""

    def __init__(self, *, sessions: sessionmaker[Session], ttl_s: float = 5.0, max_size: int = TOKEN_CACHE_SIZE,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.sessions = sessions
        self.ttl_s = ttl_s
        self.max_size = max_size
        self._now = now
        self._lock = threading.Lock()
        self._by_token: OrderedDict[Hashable, tuple[float, User]] = OrderedDict()
        self._by_id: OrderedDict[Hashable, tuple[float, User]] = OrderedDict()

    def by_token(self, token: str) -> User:
        """The token's user; a miss reads the database in a short transaction of its own."""
        digest = hash_token(token)
        user = self._get(self._by_token, digest)
        if user is None:
            found = self._read_token(digest)
            if found is None:
                raise Unauthorized("unknown token", field="Authorization")
            user = self._remember(found)
        return user

    def _read_token(self, digest: str) -> Any:
        """The token's user row (a User, or a Core row with the same attributes), or None. One SELECT;
        on PostgreSQL outside any transaction (autocommit: no BEGIN and COMMIT round trips around
        it; most requests of a lunch peak come from a user the cache has not seen)."""
        engine = self.sessions.kw.get("bind")
        if isinstance(engine, Engine) and is_postgres(engine):
            t = User.__table__
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                return conn.execute(select(t).where(t.c.token_hash == digest)).one_or_none()
        with session_scope(self.sessions) as s:
            return s.scalars(select(User).where(User.token_hash == digest)).one_or_none()

    def by_id(self, user_id: int, s: Session | None = None) -> User:
        """The user of an id; a miss reads it in the caller's transaction `s` (else in one of its own)."""
        user = self._get(self._by_id, user_id)
        if user is not None:
            return user
        if s is None:
            with session_scope(self.sessions) as own:
                return self.by_id(user_id, own)
        found = s.get(User, user_id)
        if found is None:  # deleted between auth and use
            raise Unauthorized("unknown user")
        return self._remember(found)

    def forget(self) -> None:
        with self._lock:
            self._by_token.clear()
            self._by_id.clear()

    def _get(self, table: OrderedDict[Hashable, tuple[float, User]], key: Hashable) -> User | None:
        with self._lock:
            entry = table.get(key)
            if entry is None:
                return None
            if entry[0] <= self._now():
                del table[key]
                return None
            table.move_to_end(key)
            return entry[1]

    def _remember(self, found: Any) -> User:
        user = _detached(found)
        if self.ttl_s <= 0:
            return user
        expires = self._now() + self.ttl_s
        with self._lock:
            keys: tuple[tuple[OrderedDict[Hashable, tuple[float, User]], Hashable], ...] = (
                (self._by_token, user.token_hash), (self._by_id, user.id))
            for table, key in keys:
                table[key] = (expires, user)
                table.move_to_end(key)
                while len(table) > self.max_size:
                    table.popitem(last=False)
        return user
