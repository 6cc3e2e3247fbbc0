"""Fixture days of the visual regression, built from the golden pairs (tests/golden): each meal is a
legacy record holding NAME.legacy.json and a v2 record holding NAME.v2.json, so the page rendered from
either read must be the same picture."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from meallog.store.models import LogKey, MealLog, MealLogV2, User
from tests.golden.build_inputs import TEXTS

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
PIPELINE = "v2.0.0"
JST = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # 21:00 in Tokyo: every fixture meal is in the past
TEXT_OF = {**{k: v[0] for k, v in TEXTS.items()}, "provider_values_scaled": "chicken tikka masala and naan",
           "empty": "あとで書く"}


@dataclass(frozen=True, slots=True)
class Meal:
    pair: str
    meal_type: str
    at: str  # HH:MM in Tokyo


@dataclass(frozen=True, slots=True)
class FixtureDay:
    name: str
    user: str
    day: date
    meals: tuple[Meal, ...]
    deleted: tuple[Meal, ...] = ()


USERS = {"hanako": "ja", "emma": "en"}
DAYS: dict[str, FixtureDay] = {d.name: d for d in (
    FixtureDay("ja", "hanako", date(2026, 11, 20), (
        Meal("ja_breakfast", "breakfast", "07:30"), Meal("set_meal_proposal", "lunch", "12:15"),
        Meal("ja_beer_alcohol", "dinner", "19:40")), deleted=(Meal("cup_ja", "snack", "15:00"),)),
    FixtureDay("en", "emma", date(2026, 11, 20), (
        Meal("en_breakfast", "breakfast", "08:10"), Meal("provider_values_scaled", "lunch", "13:00"),
        Meal("cup_en", "snack", "16:30"), Meal("never_zero_strict", "dinner", "19:30"))),
    FixtureDay("empty", "hanako", date(2026, 11, 21), ()),
    FixtureDay("unknown", "hanako", date(2026, 11, 17), (
        Meal("unknown_unit_portion", "breakfast", "08:00"), Meal("never_zero_off", "lunch", "12:40"),
        Meal("empty", "snack", "16:00"))),
    FixtureDay("estimated", "emma", date(2026, 11, 18), (
        Meal("never_zero_strict", "lunch", "12:00"), Meal("never_zero_safe", "dinner", "19:00"))),
    FixtureDay("set", "hanako", date(2026, 11, 19), (
        Meal("set_meal_proposal", "lunch", "12:00"), Meal("set_meal_no_ui", "dinner", "19:00"))),
    FixtureDay("long", "hanako", date(2026, 11, 16), tuple(
        Meal(pair, ("breakfast", "lunch", "snack", "dinner")[i * 4 // 14], f"{6 + i:02d}:{(i * 7) % 60:02d}")
        for i, pair in enumerate(sorted(p.name[: -len(".v2.json")] for p in GOLDEN.glob("*.v2.json"))))),
)}


def golden(pair: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(legacy view, v2 record) of a golden pair."""
    legacy, record = (json.loads((GOLDEN / f"{pair}.{kind}.json").read_text(encoding="utf-8"))
                      for kind in ("legacy", "v2"))
    return legacy, record


def add_meal(s: Session, user: User, day: date, meal: Meal, *, deleted: bool = False,
             legacy: dict[str, Any] | None = None, record: dict[str, Any] | None = None) -> int:
    """One log with its legacy record and its v2 record at version 1 (as written in P1)."""
    lj, vj = golden(meal.pair)
    legacy, record = legacy or lj, record or vj
    hh, mm = (int(x) for x in meal.at.split(":"))
    eaten = datetime.combine(day, time(hh, mm), tzinfo=JST).astimezone(UTC)
    gone = NOW if deleted else None
    key = LogKey(user_id=user.id, created_at=NOW, created_phase="P1", version=1, local_date=day, deleted_at=gone,
                 updated_at=NOW)
    s.add(key)
    s.flush()
    common: dict[str, Any] = dict(user_id=user.id, text=TEXT_OF[meal.pair], eaten_at=eaten, local_date=day,
                                  meal_type=meal.meal_type, provider_result={}, deleted_at=gone, created_at=NOW,
                                  updated_at=NOW)
    s.add(MealLog(id=key.id, items=legacy["items"], totals=legacy["totals"], version=1, origin="legacy", **common))
    s.add(MealLogV2(log_id=key.id, pipeline_version=PIPELINE, record=record, log_version=1, written_phase="P1",
                    **common))
    s.flush()
    return key.id


def seed(s: Session, tokens: dict[str, str]) -> None:
    """Users (hanako: ja, emma: en) and every fixture day. `tokens` maps user name -> token."""
    from meallog.users import add_user

    users: dict[str, User] = {}
    for name, locale in USERS.items():
        users[name], tokens[name] = add_user(s, name=name, now=NOW, locale=locale)
    for d in DAYS.values():
        for meal in d.meals:
            add_meal(s, users[d.user], d.day, meal)
        for meal in d.deleted:
            add_meal(s, users[d.user], d.day, meal, deleted=True)
