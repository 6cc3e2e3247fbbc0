"""The legacy write and read path (phase OFF). The migration harness extends it per phase."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from datetime import date, datetime

from sqlalchemy.orm import Session

from meallog.logs.schemas import LogCreate, LogUpdate
from meallog.logs.service import LogService, LogView, restore, soft_delete, view_of_legacy
from meallog.nutrition.types import ProviderResult
from meallog.store.models import MealLog, User


class LegacyPaths:
    """Write and read the legacy table only; `after_write` is called in the same transaction."""

    def __init__(self, *, service: LogService) -> None:
        self.service = service

    def unit_of_work(self, s: Session) -> AbstractContextManager[object]:
        """Context for one request's work on `s` (the migration pins its flag snapshot here)."""
        return nullcontext()

    def after_write(self, s: Session, log: MealLog, parsed: ProviderResult | None, op: str) -> None:
        """Hook for the migration harness (outbox row, inline v2 write). No-op in phase OFF."""

    def create(self, s: Session, *, user: User, payload: LogCreate, parsed: ProviderResult, now: datetime) -> LogView:
        key = self.service.new_key(s, user=user, now=now, phase="OFF")
        log = self.service.create_legacy(s, user=user, payload=payload, now=now, log_id=key.id, parsed=parsed)
        self.after_write(s, log, parsed, "create")
        return view_of_legacy(log)

    def read(self, s: Session, *, user: User, log_id: int) -> LogView:
        return view_of_legacy(self.service.get_legacy(s, user=user, log_id=log_id))

    def list_day(self, s: Session, *, user: User, day: date, include_deleted: bool) -> list[LogView]:
        return [view_of_legacy(x) for x in self.service.list_legacy(s, user=user, day=day,
                                                                     include_deleted=include_deleted)]

    def update(self, s: Session, *, user: User, log_id: int, payload: LogUpdate,
               parsed: ProviderResult | None, now: datetime) -> LogView:
        log = self.service.get_legacy(s, user=user, log_id=log_id, for_update=True)
        self.service.update_legacy(log, user=user, payload=payload, now=now, parsed=parsed)
        self.after_write(s, log, parsed, "update")
        return view_of_legacy(log)

    def delete(self, s: Session, *, user: User, log_id: int, now: datetime) -> LogView:
        log = self.service.get_legacy(s, user=user, log_id=log_id, for_update=True)
        if log.deleted_at is None:
            soft_delete(log, now=now)
            self.after_write(s, log, None, "delete")
        return view_of_legacy(log)

    def restore(self, s: Session, *, user: User, log_id: int, now: datetime) -> LogView:
        log = self.service.get_legacy(s, user=user, log_id=log_id, for_update=True)
        restore(log, now=now)
        self.after_write(s, log, None, "restore")
        return view_of_legacy(log)
