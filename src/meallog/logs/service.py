"""Meal log domain: the view clients see, time and day rules, idempotency. Takes a Session; never commits."""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from meallog.errors import IdempotencyConflict, InvalidInput
from meallog.nutrition.types import Provider, ProviderResult
from meallog.store.db import insert_ignore_pk
from meallog.store.models import IngestRequest, MealLog, User


@dataclass(frozen=True, slots=True)
class LogView:
    """A log as the API shows it (legacy view), whichever store it was read from."""

    id: int
    text: str
    eaten_at: datetime
    local_date: date
    meal_type: str | None
    items: list[dict[str, Any]]
    totals: dict[str, float]
    deleted_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int
    source: str = "legacy"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "eaten_at": self.eaten_at.isoformat(),
            "local_date": self.local_date.isoformat(),
            "meal_type": self.meal_type,
            "items": self.items,
            "totals": self.totals,
            "deleted_at": self.deleted_at.isoformat() if self.deleted_at else None,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "version": self.version,
            "source": self.source,
        }


def view_of_legacy(log: MealLog) -> LogView:
    return LogView(
        id=log.id,
        text=log.text,
        eaten_at=log.eaten_at,
        local_date=log.local_date,
        meal_type=log.meal_type,
        items=list(log.items),
        totals=dict(log.totals),
        deleted_at=log.deleted_at,
        created_at=log.created_at,
        updated_at=log.updated_at,
        version=log.version,
        source="legacy",
    )


def zone_of(user: User) -> ZoneInfo:
    return ZoneInfo(user.time_zone or "Asia/Tokyo")


def resolve_eaten_at(value: datetime | None, *, user: User, now: datetime) -> datetime:
    """Naive times are in the user's zone; no time means now."""
    if value is None:
        return now
    if value.tzinfo is None:
        return value.replace(tzinfo=zone_of(user))
    return value


def infer_meal_type(local: datetime) -> str:
    h = local.hour
    if 4 <= h < 11:
        return "breakfast"
    if 11 <= h < 16:
        return "lunch"
    if 16 <= h < 22:
        return "dinner"
    return "snack"


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, start + timedelta(days=1)


def request_hash(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _finite(x: Any) -> float:
    try:
        value = float(x or 0.0)
    except (TypeError, ValueError):
        return 0.0
    return value if math.isfinite(value) else 0.0


def sum_totals(views: list[LogView]) -> dict[str, float]:
    """Day totals; a non-finite stored number (written before quantities were bounded) counts as 0."""
    out = {"kcal": 0.0, "protein_g": 0.0, "fat_g": 0.0, "carbs_g": 0.0}
    for v in views:
        for k in out:
            out[k] += _finite(v.totals.get(k, 0.0))
    return {"kcal": round(out["kcal"]), **{k: round(out[k], 1) for k in ("protein_g", "fat_g", "carbs_g")}}


# Bounds of one item, well past any real meal: beyond them a number is a typo or an attack, never food.
MAX_QUANTITY = 10_000.0
MAX_GRAMS = 10_000.0


def check_parsed(parsed: ProviderResult) -> ProviderResult:
    """Refuse (422 on `text`, naming the item) quantities that are not finite or past the bounds."""
    for item in parsed.items:
        for what, value, limit in (("quantity", item.quantity, MAX_QUANTITY), ("grams", item.grams, MAX_GRAMS)):
            if value is None:
                continue
            if not math.isfinite(value) or abs(value) > limit:
                shown = f"{value:.3g}" if math.isfinite(value) else "not a finite number"
                raise InvalidInput(
                    f"item {item.name!r}: quantity {shown} ({what}) is out of range; "
                    f"at most {limit:g} {'g' if what == 'grams' else 'units'} per item",
                    field="text",
                )
    return parsed


class LogService:
    """The provider side of the meal log: parse text; list a day's legacy rows (the legacy view).

    Writes and version-checked reads of every phase live in `meallog.migration` (write_path,
    read_path), which owns what each phase stores.
    """

    def __init__(self, *, provider: Provider) -> None:
        self.provider = provider

    def parse(self, text: str, *, user: User) -> ProviderResult:
        return check_parsed(self.provider.parse(text, locale=None))

    @staticmethod
    def list_legacy(s: Session, *, user: User, day: date, include_deleted: bool = False) -> list[MealLog]:
        stmt = select(MealLog).where(MealLog.user_id == user.id, MealLog.local_date == day)
        if not include_deleted:
            stmt = stmt.where(MealLog.deleted_at.is_(None))
        return list(s.scalars(stmt.order_by(MealLog.eaten_at, MealLog.id)))


# ---- idempotency (Idempotency-Key, stored in ingest_requests) -------------------------------
class ReplayedBody(dict[str, Any]):
    """The stored response of an earlier request with the same Idempotency-Key (the API marks it replayed)."""


@dataclass(frozen=True, slots=True)
class Replay:
    status_code: int
    body: dict[str, Any]


def claim_idempotency_key(
    s: Session, *, user: User, key: str, body_hash: str, now: datetime
) -> int | Replay:
    """Insert the key first, inside the caller's transaction; the new row's id, or the replay.

    A concurrent request with the same key blocks on the unique index (PostgreSQL) or the write
    lock (SQLite) until the first one commits, then inserts nothing and replays its response.
    One statement (`ON CONFLICT DO NOTHING`): no savepoint around it.
    """
    row_id = insert_ignore_pk(s, IngestRequest, {"user_id": user.id, "key": key, "request_hash": body_hash,
                                                 "created_at": now}, ["user_id", "key"])
    if row_id is not None:
        return int(row_id)
    existing = s.scalars(
        select(IngestRequest).where(IngestRequest.user_id == user.id, IngestRequest.key == key)
    ).one()
    return replay_of(existing, body_hash=body_hash)


_INGEST = cast(Table, IngestRequest.__table__)
_RECORD_RESPONSE = (update(_INGEST).where(_INGEST.c.id == bindparam("ingest_id"))
                    .values(status_code=bindparam("b_status"), log_id=bindparam("b_log_id"),
                            response=bindparam("b_response", type_=_INGEST.c.response.type)))


def record_response(s: Session, ingest_id: int, *, status_code: int, body: dict[str, Any], log_id: int) -> None:
    """The claimed key now answers with this response (one UPDATE built once, no ORM object)."""
    s.connection().execute(_RECORD_RESPONSE, {"ingest_id": ingest_id, "b_status": status_code,
                                              "b_response": body, "b_log_id": log_id})


def replay_of(existing: IngestRequest, *, body_hash: str) -> Replay:
    if existing.request_hash != body_hash:
        raise IdempotencyConflict(
            "this Idempotency-Key was already used with a different request body", field="Idempotency-Key"
        )
    return Replay(status_code=existing.status_code or 201, body=ReplayedBody(existing.response or {}))
