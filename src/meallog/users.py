"""Users and their tokens. `meallog users add NAME` prints the token once; only its hash is kept."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from meallog.api.auth import hash_token, new_token
from meallog.errors import Conflict, InvalidInput
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
