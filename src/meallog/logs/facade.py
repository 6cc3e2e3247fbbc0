"""Use cases of the meal log API, one transaction each. The migration harness decides per phase
which store is written and read; this module owns transactions and idempotency."""

from __future__ import annotations

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
from meallog.store.db import session_scope
from meallog.store.models import IngestRequest, User


class MealLogs:
    def __init__(self, *, sessions: sessionmaker[Session], service: LogService, clock: Clock, paths: Any) -> None:
        self.sessions = sessions
        self.service = service
        self.clock = clock
        # `paths` is the phase-aware write/read path (meallog.migration.paths.PhasePaths).
        self.paths = paths

    def create(self, *, user_id: int, payload: LogCreate, idempotency_key: str | None) -> tuple[int, dict[str, Any]]:
        body_hash = request_hash(payload.model_dump(mode="json"))
        with session_scope(self.sessions) as s:
            user = _user(s, user_id)
            parsed = self.service.parse(payload.text, user=user)
        with session_scope(self.sessions) as s:
            user = _user(s, user_id)
            now = self.clock.now()
            ingest: IngestRequest | None = None
            if idempotency_key is not None:
                claim = claim_idempotency_key(s, user=user, key=idempotency_key, body_hash=body_hash, now=now)
                if isinstance(claim, Replay):
                    return claim.status_code, claim.body
                ingest = claim
            with self.paths.unit_of_work(s):
                view = self.paths.create(s, user=user, payload=payload, parsed=parsed, now=now)
            body = view.to_json()
            if ingest is not None:
                ingest.status_code, ingest.response, ingest.log_id = 201, body, view.id
            return 201, body

    def get(self, *, user_id: int, log_id: int) -> LogView:
        with session_scope(self.sessions) as s, self.paths.unit_of_work(s):
            return self.paths.read(s, user=_user(s, user_id), log_id=log_id)

    def list_day(self, *, user_id: int, day: date | None, include_deleted: bool = False) -> list[LogView]:
        with session_scope(self.sessions) as s, self.paths.unit_of_work(s):
            user = _user(s, user_id)
            day = day or self.clock.now().astimezone(zone_of(user)).date()
            return self.paths.list_day(s, user=user, day=day, include_deleted=include_deleted)

    def day(self, *, user_id: int, day: date) -> dict[str, Any]:
        with session_scope(self.sessions) as s, self.paths.unit_of_work(s):
            user = _user(s, user_id)
            views = self.paths.list_day(s, user=user, day=day, include_deleted=False)
            return {
                "date": day.isoformat(),
                "time_zone": user.time_zone,
                "count": len(views),
                "totals": sum_totals(views),
                "logs": [v.to_json() for v in views],
            }

    def update(self, *, user_id: int, log_id: int, payload: LogUpdate) -> LogView:
        parsed = None
        if payload.text is not None:
            with session_scope(self.sessions) as s:
                parsed = self.service.parse(payload.text, user=_user(s, user_id))
        with session_scope(self.sessions) as s, self.paths.unit_of_work(s):
            user = _user(s, user_id)
            return self.paths.update(s, user=user, log_id=log_id, payload=payload, parsed=parsed, now=self.clock.now())

    def delete(self, *, user_id: int, log_id: int) -> LogView:
        with session_scope(self.sessions) as s, self.paths.unit_of_work(s):
            return self.paths.delete(s, user=_user(s, user_id), log_id=log_id, now=self.clock.now())

    def restore(self, *, user_id: int, log_id: int) -> LogView:
        with session_scope(self.sessions) as s, self.paths.unit_of_work(s):
            return self.paths.restore(s, user=_user(s, user_id), log_id=log_id, now=self.clock.now())


def _user(s: Session, user_id: int) -> User:
    user = s.get(User, user_id)
    if user is None:  # deleted between auth and use
        from meallog.errors import Unauthorized

        raise Unauthorized("unknown user")
    return user
