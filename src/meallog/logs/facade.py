"""Use cases of the meal log API, one transaction each. The migration harness decides per phase
which store is written and read; this module owns transactions and idempotency.

A request is one transaction: its user comes from the user cache (no query on a hit), the
provider parses before the transaction (slow and remote: no lock held meanwhile), then the fence,
the idempotency claim and the write share one session and one commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from meallog.clock import Clock
from meallog.logs.schemas import LogCreate, LogUpdate
from meallog.logs.service import (
    LogService,
    LogView,
    Replay,
    claim_idempotency_key,
    record_response,
    request_hash,
    sum_totals,
    zone_of,
)
from meallog.migration.outbox import EnqueueFailed
from meallog.migration.write_path import V2WriteFailed
from meallog.store.db import session_scope
from meallog.store.models import User
from meallog.users import UserCache

T = TypeVar("T")


class MealLogs:
    def __init__(self, *, sessions: sessionmaker[Session], service: LogService, clock: Clock, paths: Any,
                 users: UserCache | None = None) -> None:
        self.sessions = sessions
        self.service = service
        self.clock = clock
        # `paths` is the phase-aware write/read path (meallog.migration.paths.PhasePaths).
        self.paths = paths
        self.users = users or UserCache(sessions=sessions, ttl_s=0.0)

    @contextmanager
    def _unit(self, *, write: bool) -> Iterator[tuple[Session, Any]]:
        """One transaction whose first statement takes the phase fence (shared, for writes)."""
        with session_scope(self.sessions) as s:
            yield s, self.paths.begin(s, write=write)

    def _written(self, work: Callable[[Session, Any], T]) -> T:
        """A write's unit of work. Its outbox insert and its inline v2 save have no savepoint (the hot
        path); when one fails, the transaction is rolled back and the write runs again, whole, without
        that step (at most once each): the user's write stands and a v2 failure never reaches them."""
        outbox, inline_v2 = True, True
        while True:
            try:
                with self._unit(write=True) as (s, fenced):
                    fenced = fenced if outbox else fenced.without_outbox()
                    return work(s, fenced if inline_v2 else fenced.without_inline_v2())
            except EnqueueFailed:
                if not outbox:
                    raise
                outbox = False
            except V2WriteFailed:
                if not inline_v2:
                    raise
                inline_v2 = False

    def _user(self, s: Session | None, user_id: int) -> User:
        return self.users.by_id(user_id, s)

    def create(self, *, user_id: int, payload: LogCreate, idempotency_key: str | None) -> tuple[int, dict[str, Any]]:
        body_hash = request_hash(payload.model_dump(mode="json"))
        user = self._user(None, user_id)
        parsed = self.service.parse(payload.text, user=user)

        def work(s: Session, fenced: Any) -> tuple[int, dict[str, Any]]:
            now = self.clock.now()
            ingest_id: int | None = None
            if idempotency_key is not None:
                claim = claim_idempotency_key(s, user=user, key=idempotency_key, body_hash=body_hash, now=now)
                if isinstance(claim, Replay):
                    return claim.status_code, claim.body
                ingest_id = claim
            view = self.paths.create(s, fenced, user=user, payload=payload, parsed=parsed, now=now)
            body = view.to_json()
            if ingest_id is not None:
                record_response(s, ingest_id, status_code=201, body=body, log_id=view.id)
            return 201, body

        return self._written(work)

    def get(self, *, user_id: int, log_id: int) -> LogView:
        with self._unit(write=False) as (s, fenced):
            return self.paths.read(s, fenced, user=self._user(s, user_id),  # type: ignore[no-any-return]
                                   log_id=log_id)

    def list_day(self, *, user_id: int, day: date | None, include_deleted: bool = False) -> list[LogView]:
        with self._unit(write=False) as (s, fenced):
            user = self._user(s, user_id)
            day = day or self.clock.now().astimezone(zone_of(user)).date()
            return self.paths.list_day(s, fenced, user=user, day=day,  # type: ignore[no-any-return]
                                       include_deleted=include_deleted)

    def day(self, *, user_id: int, day: date) -> dict[str, Any]:
        with self._unit(write=False) as (s, fenced):
            user = self._user(s, user_id)
            views = self.paths.list_day(s, fenced, user=user, day=day, include_deleted=False)
            return {
                "date": day.isoformat(),
                "time_zone": user.time_zone,
                "count": len(views),
                "totals": sum_totals(views),
                "logs": [v.to_json() for v in views],
            }

    def update(self, *, user_id: int, log_id: int, payload: LogUpdate) -> LogView:
        user = self._user(None, user_id)
        parsed = self.service.parse(payload.text, user=user) if payload.text is not None else None
        return self._written(lambda s, fenced: self.paths.update(
            s, fenced, user=user, log_id=log_id, payload=payload, parsed=parsed, now=self.clock.now()))

    def delete(self, *, user_id: int, log_id: int) -> LogView:
        return self._written(lambda s, fenced: self.paths.delete(
            s, fenced, user=self._user(s, user_id), log_id=log_id, now=self.clock.now()))

    def restore(self, *, user_id: int, log_id: int) -> LogView:
        return self._written(lambda s, fenced: self.paths.restore(
            s, fenced, user=self._user(s, user_id), log_id=log_id, now=self.clock.now()))
