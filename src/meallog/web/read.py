"""The two reads the web page can render side by side (`?view=legacy|adapter`), and what v2 knows
about a log's items (status, set-meal proposals) — the same for both views, so the pages differ only
where the adapter's DTO v1 differs from the legacy record.

Reads only; never writes, never commits. The normal day view reads through `services.logs`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from meallog.logs.service import LogService, LogView, view_of_legacy
from meallog.migration.adapter_cache import adapt
from meallog.nutrition.dto import RecordV2, SetProposal
from meallog.store.models import MealLogV2, User

View = Literal["legacy", "adapter"]
VIEWS: tuple[View, ...] = ("legacy", "adapter")
Adapt = Callable[[MealLogV2], LogView]


@dataclass(frozen=True, slots=True)
class ItemNote:
    status: str  # ok | estimated | amount_unknown | unmatched (DTO v2 statuses)
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LogNotes:
    """What the v2 record says beyond DTO v1, for one log at one version."""

    items: tuple[ItemNote, ...] = ()
    proposals: tuple[SetProposal, ...] = ()
    input_names: tuple[str, ...] = ()

    def item(self, index: int) -> ItemNote | None:
        return self.items[index] if index < len(self.items) else None


def _v2_rows(s: Session, *, user: User, day: date, pipeline_version: str, include_deleted: bool
             ) -> list[MealLogV2]:
    stmt = select(MealLogV2).where(MealLogV2.user_id == user.id, MealLogV2.local_date == day,
                                   MealLogV2.pipeline_version == pipeline_version)
    if not include_deleted:
        stmt = stmt.where(MealLogV2.deleted_at.is_(None))
    return list(s.scalars(stmt.order_by(MealLogV2.eaten_at, MealLogV2.log_id)))


def read_day(s: Session, *, user: User, day: date, view: View, pipeline_version: str,
             include_deleted: bool = True, adapter: Adapt = adapt) -> list[LogView]:
    """A day read from the legacy records, or from adapter(v2 record) — never mixed."""
    if view == "legacy":
        return [view_of_legacy(r) for r in LogService.list_legacy(s, user=user, day=day,
                                                                  include_deleted=include_deleted)]
    return [adapter(r) for r in _v2_rows(s, user=user, day=day, pipeline_version=pipeline_version,
                                         include_deleted=include_deleted)]


def notes_for(s: Session, views: Iterable[LogView], *, pipeline_version: str) -> Mapping[int, LogNotes]:
    """Item statuses and proposals from each log's v2 record, when it is at the log's version."""
    wanted = {v.id: v.version for v in views}
    if not wanted:
        return {}
    rows = s.scalars(select(MealLogV2).where(MealLogV2.log_id.in_(wanted),
                                             MealLogV2.pipeline_version == pipeline_version))
    out: dict[int, LogNotes] = {}
    for row in rows:
        if row.log_version != wanted[row.log_id]:
            continue  # a stale v2 record says nothing about the current items
        record = RecordV2.model_validate(row.record)
        out[row.log_id] = LogNotes(
            items=tuple(ItemNote(status=i.status, tags=tuple(i.tags)) for i in record.items),
            proposals=tuple(record.proposals) if record.options.set_proposal_ui else (),
            input_names=tuple(i.input_name or i.name for i in record.items),
        )
    return out


def split_text(view: LogView, notes: LogNotes, proposal: SetProposal, *, locale: str) -> str:
    """The meal text with one set meal replaced by its proposed components ("ご飯 150g、唐揚げ 150g…")."""
    parts: list[str] = []
    for i, item in enumerate(view.items):
        if i == proposal.item_index:
            parts.extend(f"{c.name} {c.grams:g}g" for c in proposal.components)
            continue
        name = notes.input_names[i] if i < len(notes.input_names) else str(item.get("name", ""))
        grams = item.get("grams")
        parts.append(f"{name} {float(grams):g}g" if grams else name)
    return ("、" if locale == "ja" else ", ").join(parts)
