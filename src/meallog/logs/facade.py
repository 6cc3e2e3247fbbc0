"""Use cases of the meal log API, one transaction each. The migration harness decides per phase
which store is written and read; this module owns transactions and idempotency."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from meallog.clock import Clock
from meallog.logs.schemas import LogCreate, LogUpdate
from meallog.logs.service import (
    LogService,
    LogView,
    Replay,
    claim_idempotency_key,
    request_hash,
    sum_totals,
    zone_of,
)
from meallog.nutrition.types import ProviderResult
from meallog.store.db import session_scope
from meallog.store.models import IngestRequest, User


class MealLogs:
    def __init__(self, *, sessions: sessionmaker[Session], service: LogService, clock: Clock, paths: Any) -> None:
        self.sessions = sessions
        self.service = service
        self.clock = clock
        # `paths` is the phase-aware write/read path (meallog.migration.paths.PhasePaths).
        self.paths = paths

    @contextmanager
    def _unit(self, *, write: bool) -> Iterator[tuple[Session, Any]]:
        """One transaction whose first statement takes the phase fence (shared, for writes)."""
        with session_scope(self.sessions) as s:
            yield s, self.paths.begin(s, write=write)

    def _parse(self, user_id: int, text: str) -> ProviderResult:
        # The provider is slow and remote: parse before the write transaction, holding no lock.
        with session_scope(self.sessions) as s:
            return self.service.parse(text, user=_user(s, user_id))

    def create(self, *, user_id: int, payload: LogCreate, idempotency_key: str | None) -> tuple[int, dict[str, Any]]:
        body_hash = request_hash(payload.model_dump(mode="json"))
        parsed = self._parse(user_id, payload.text)
        with self._unit(write=True) as (s, fenced):
            user = _user(s, user_id)
            now = self.clock.now()
            ingest: IngestRequest | None = None
            if idempotency_key is not None:
                claim = claim_idempotency_key(s, user=user, key=idempotency_key, body_hash=body_hash, now=now)
                if isinstance(claim, Replay):
                    return claim.status_code, claim.body
                ingest = claim
            view = self.paths.create(s, fenced, user=user, payload=payload, parsed=parsed, now=now)
            body = view.to_json()
            if ingest is not None:
                ingest.status_code, ingest.response, ingest.log_id = 201, body, view.id
            return 201, body

    def get(self, *, user_id: int, log_id: int) -> LogView:
        with self._unit(write=False) as (s, fenced):
            return self.paths.read(s, fenced, user=_user(s, user_id), log_id=log_id)  # type: ignore[no-any-return]

    def list_day(self, *, user_id: int, day: date | None, include_deleted: bool = False) -> list[LogView]:
        with self._unit(write=False) as (s, fenced):
            user = _user(s, user_id)
            day = day or self.clock.now().astimezone(zone_of(user)).date()
            return self.paths.list_day(s, fenced, user=user, day=day,  # type: ignore[no-any-return]
                                       include_deleted=include_deleted)

    def day(self, *, user_id: int, day: date) -> dict[str, Any]:
        with self._unit(write=False) as (s, fenced):
            user = _user(s, user_id)
            views = self.paths.list_day(s, fenced, user=user, day=day, include_deleted=False)
            return {
                "date": day.isoformat(),
                "time_zone": user.time_zone,
                "count": len(views),
                "totals": sum_totals(views),
                "logs": [v.to_json() for v in views],
            }

    def update(self, *, user_id: int, log_id: int, payload: LogUpdate) -> LogView:
        parsed = self._parse(user_id, payload.text) if payload.text is not None else None
        with self._unit(write=True) as (s, fenced):
            user = _user(s, user_id)
            return self.paths.update(s, fenced, user=user, log_id=log_id,  # type: ignore[no-any-return]
                                     payload=payload, parsed=parsed, now=self.clock.now())

    def delete(self, *, user_id: int, log_id: int) -> LogView:
        with self._unit(write=True) as (s, fenced):
            return self.paths.delete(s, fenced, user=_user(s, user_id),  # type: ignore[no-any-return]
                                     log_id=log_id, now=self.clock.now())

    def restore(self, *, user_id: int, log_id: int) -> LogView:
        with self._unit(write=True) as (s, fenced):
            return self.paths.restore(s, fenced, user=_user(s, user_id),  # type: ignore[no-any-return]
                                      log_id=log_id, now=self.clock.now())


def _user(s: Session, user_id: int) -> User:
    user = s.get(User, user_id)
    if user is None:  # deleted between auth and use
        from meallog.errors import Unauthorized

        raise Unauthorized("unknown user")
    return user
