"""View models of the day page: plain frozen values the template renders, built from LogViews."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from meallog.logs.service import LogView, sum_totals
from meallog.nutrition.dto import (
    TAG_FUZZY_MATCH,
    TAG_NEVER_ZERO,
    TAG_PARENT_MODIFIER,
    TAG_PIECE_ESTIMATE,
    TAG_PROVIDER_VALUES,
    TAG_VARIANT,
    TAG_ZERO_CALORIE,
    SetProposal,
)
from meallog.web.read import ItemNote, LogNotes, split_text

# Macro targets as shares of the energy target (15 % protein, 25 % fat, 60 % carbohydrate).
MACRO_SHARE = {"protein_g": (0.15, 4.0), "fat_g": (0.25, 9.0), "carbs_g": (0.60, 4.0)}
MEAL_TIMES = {"breakfast": "08:00", "lunch": "12:30", "snack": "15:00", "dinner": "19:00"}

# Why an item is not a plain table value, in the legend's order: an estimate says which kind of guess
# it is (v2's tags), most specific first; "estimated" is the fallback for an estimate with no known tag.
ESTIMATE_REASONS: tuple[str, ...] = (TAG_VARIANT, TAG_PARENT_MODIFIER, TAG_FUZZY_MATCH, TAG_PIECE_ESTIMATE,
                                     TAG_PROVIDER_VALUES, TAG_NEVER_ZERO, TAG_ZERO_CALORIE)
REASONS: tuple[str, ...] = (*ESTIMATE_REASONS, "estimated", "amount_unknown", "unmatched")


def reason_of(note: ItemNote | None) -> str:
    """The legend line of one item: "" for a plain table value (or an item v2 does not describe)."""
    if note is None or note.status == "ok":
        return ""
    if note.status == "estimated":
        return next((r for r in ESTIMATE_REASONS if r in note.tags), "estimated")
    return note.status if note.status in REASONS else ""


@dataclass(frozen=True, slots=True)
class WebUser:
    id: int
    name: str
    locale: str
    time_zone: str

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone or "Asia/Tokyo")


@dataclass(frozen=True, slots=True)
class ItemRow:
    index: int
    name: str
    amount: str
    grams: float | None
    kcal: float
    protein_g: float
    fat_g: float
    carbs_g: float
    status: str  # "" when ok or unknown to v2
    reason: str = ""  # one of REASONS ("" when status is ""): which legend line explains the badge


@dataclass(frozen=True, slots=True)
class Proposal:
    item_index: int
    name: str
    components: tuple[tuple[str, float], ...]
    text: str  # the meal text after the split


@dataclass(frozen=True, slots=True)
class MealCard:
    id: int
    meal_type: str
    time: str
    text: str
    items: tuple[ItemRow, ...]
    totals: Mapping[str, float]
    proposals: tuple[Proposal, ...]
    deleted: bool


@dataclass(frozen=True, slots=True)
class Target:
    kcal: float
    macros: Mapping[str, float]

    @classmethod
    def of(cls, kcal: float) -> Target:
        return cls(kcal=kcal, macros={k: round(kcal * share / per) for k, (share, per) in MACRO_SHARE.items()})


@dataclass(frozen=True, slots=True)
class DayPage:
    day: date
    today: date
    meals: tuple[MealCard, ...]
    deleted: tuple[MealCard, ...]
    totals: Mapping[str, float]
    target: Target
    legend: tuple[LegendLine, ...]  # each reason of a live meal's items once, in REASONS order

    @property
    def prev(self) -> date:
        return self.day - timedelta(days=1)

    @property
    def next(self) -> date:
        return self.day + timedelta(days=1)

    def share(self, key: str) -> float:
        """Percent of the target eaten, for the bar width (capped at 100)."""
        goal = self.target.kcal if key == "kcal" else self.target.macros[key]
        return min(100.0, 100.0 * float(self.totals[key]) / goal) if goal else 0.0


def amount_of(item: Mapping[str, Any]) -> str:
    """'2 slice', '1杯', '少し' (no space before a Japanese counter)."""
    q, unit = item.get("quantity"), str(item.get("unit") or "")
    if q is None and not unit:
        return ""
    qty = "" if q is None else f"{float(q):g}"
    return f"{qty} {unit}".strip() if unit.isascii() else f"{qty}{unit}"


def _card(view: LogView, notes: LogNotes | None, *, zone: ZoneInfo, locale: str) -> MealCard:
    rows = []
    for i, item in enumerate(view.items):
        note = notes.item(i) if notes else None
        rows.append(ItemRow(
            index=i, name=str(item.get("name", "")), amount=amount_of(item),
            grams=None if item.get("grams") is None else float(item["grams"]),
            kcal=float(item.get("kcal", 0.0)), protein_g=float(item.get("protein_g", 0.0)),
            fat_g=float(item.get("fat_g", 0.0)), carbs_g=float(item.get("carbs_g", 0.0)),
            status="" if note is None or note.status == "ok" else note.status, reason=reason_of(note),
        ))
    proposals = () if notes is None else tuple(_proposal(view, notes, p, locale=locale) for p in notes.proposals
                                               if p.item_index < len(view.items))
    return MealCard(id=view.id, meal_type=view.meal_type or "snack",
                    time=view.eaten_at.astimezone(zone).strftime("%H:%M"), text=view.text, items=tuple(rows),
                    totals=view.totals, proposals=proposals, deleted=view.deleted_at is not None)


def _proposal(view: LogView, notes: LogNotes, p: SetProposal, *, locale: str) -> Proposal:
    return Proposal(item_index=p.item_index, name=p.name,
                    components=tuple((c.name, c.grams) for c in p.components),
                    text=split_text(view, notes, p, locale=locale))


def day_page(views: Sequence[LogView], notes: Mapping[int, LogNotes], *, user: WebUser, day: date,
             now: datetime, target_kcal: float) -> DayPage:
    cards = [_card(v, notes.get(v.id), zone=user.zone, locale=user.locale) for v in views]
    live = [v for v in views if v.deleted_at is None]
    meals = tuple(c for c in cards if not c.deleted)
    return DayPage(day=day, today=now.astimezone(user.zone).date(), meals=meals,
                   deleted=tuple(c for c in cards if c.deleted), totals=sum_totals(live),
                   target=Target.of(target_kcal),
                   legend=legend_of(meals))


@dataclass(frozen=True, slots=True)
class LegendLine:
    reason: str  # one of REASONS: the words are the locale's "why_<reason>"
    status: str  # the badge it explains: estimated | amount_unknown | unmatched
    names: tuple[str, ...]  # the items it explains, each once, in page order


def legend_of(meals: Sequence[MealCard]) -> tuple[LegendLine, ...]:
    lines = []
    for reason in REASONS:
        rows = [r for c in meals for r in c.items if r.reason == reason]
        if rows:
            lines.append(LegendLine(reason=reason, status=rows[0].status,
                                    names=tuple(dict.fromkeys(r.name for r in rows))))
    return tuple(lines)


def eaten_at_of(day: date, time_text: str, meal_type: str | None, *, user: WebUser, now: datetime) -> datetime:
    """The form's day and HH:MM in the user's zone; no time means now today, else the meal's usual time."""
    if not time_text:
        local_now = now.astimezone(user.zone)
        if day == local_now.date() and not meal_type:
            return local_now.replace(second=0, microsecond=0)
        time_text = MEAL_TIMES.get(meal_type or "", "12:00")
    hh, mm = time_text.split(":", 1)
    return datetime(day.year, day.month, day.day, int(hh), int(mm[:2]), tzinfo=user.zone)
