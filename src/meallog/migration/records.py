"""One log version, whichever store holds it, and the mapping legacy <-> v2, written once.

A `LogState` is what a user wrote at one version: text, time, day, meal type, the provider's
parse, deletion. The legacy row (`meal_logs`) adds legacy nutrition, the v2 record (`meal_logs_v2`)
adds the v2 DTO; both are written with `upsert_newer`, so no writer ever moves a row back to an
older version. `LogKey.version` says which version is current; a row at any other is never served.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from meallog.logs.service import LogView
from meallog.nutrition.adapter import to_legacy_view
from meallog.nutrition.dto import NutritionV1, RecordV2
from meallog.nutrition.legacy import compute_legacy
from meallog.nutrition.types import ProviderResult
from meallog.store.db import insert_many, upsert_newer
from meallog.store.models import LogKey, MealLog, MealLogV2


@dataclass(frozen=True, slots=True)
class LogState:
    id: int
    user_id: int
    version: int
    text: str
    eaten_at: datetime
    local_date: date
    meal_type: str | None
    provider_result: dict[str, Any]
    deleted_at: datetime | None
    created_at: datetime
    updated_at: datetime

    def next(self, *, now: datetime, **changes: Any) -> LogState:
        """The next version with `changes` applied."""
        return replace(self, version=self.version + 1, updated_at=now, **changes)

    def parsed(self) -> ProviderResult:
        return ProviderResult.from_dict(self.provider_result)


def state_of_legacy(row: MealLog) -> LogState:
    return LogState(id=row.id, user_id=row.user_id, version=row.version, text=row.text, eaten_at=row.eaten_at,
                    local_date=row.local_date, meal_type=row.meal_type, provider_result=dict(row.provider_result),
                    deleted_at=row.deleted_at, created_at=row.created_at, updated_at=row.updated_at)


def state_of_v2(row: MealLogV2) -> LogState:
    return LogState(id=row.log_id, user_id=row.user_id, version=row.log_version, text=row.text,
                    eaten_at=row.eaten_at, local_date=row.local_date, meal_type=row.meal_type,
                    provider_result=dict(row.provider_result), deleted_at=row.deleted_at, created_at=row.created_at,
                    updated_at=row.updated_at)


def legacy_nutrition(state: LogState) -> NutritionV1:
    return compute_legacy(state.parsed())


def view(state: LogState, nutrition: NutritionV1, *, source: str) -> LogView:
    """The API's view (DTO v1) of one version with the given nutrition."""
    return LogView(id=state.id, text=state.text, eaten_at=state.eaten_at, local_date=state.local_date,
                   meal_type=state.meal_type, items=[i.model_dump() for i in nutrition.items],
                   totals=nutrition.totals.model_dump(), deleted_at=state.deleted_at, created_at=state.created_at,
                   updated_at=state.updated_at, version=state.version, source=source)


def adapter_view(state: LogState, record: RecordV2) -> LogView:
    return view(state, to_legacy_view(record), source="adapter")


def put_legacy(s: Session, state: LogState, nutrition: NutritionV1, *, origin: str) -> bool:
    """Write this version to `meal_logs` unless the row already holds it or a newer one."""
    values = {"id": state.id, "user_id": state.user_id, "text": state.text, "eaten_at": state.eaten_at,
              "local_date": state.local_date, "meal_type": state.meal_type,
              "items": [i.model_dump() for i in nutrition.items], "totals": nutrition.totals.model_dump(),
              "provider_result": state.provider_result, "version": state.version, "deleted_at": state.deleted_at,
              "created_at": state.created_at, "updated_at": state.updated_at, "origin": origin}
    return upsert_newer(s, MealLog, values, key=["id"], version="version")


def put_v2(s: Session, state: LogState, record: RecordV2 | dict[str, Any], *, pipeline_version: str,
           phase: str) -> bool:
    """Write this version to `meal_logs_v2` unless the record already holds it or a newer one."""
    body = record.model_dump(mode="json") if isinstance(record, RecordV2) else record
    values = v2_values(state, body, pipeline_version=pipeline_version, phase=phase)
    return upsert_newer(s, MealLogV2, values, key=["log_id", "pipeline_version"], version="log_version")


def v2_values(state: LogState, record: dict[str, Any], *, pipeline_version: str, phase: str) -> dict[str, Any]:
    """The `meal_logs_v2` row of this version with its record (as JSON)."""
    return {"log_id": state.id, "pipeline_version": pipeline_version, "user_id": state.user_id,
            "text": state.text, "eaten_at": state.eaten_at, "local_date": state.local_date,
            "meal_type": state.meal_type, "record": record, "provider_result": state.provider_result,
            "log_version": state.version, "deleted_at": state.deleted_at, "created_at": state.created_at,
            "updated_at": state.updated_at, "written_phase": phase}


def put_v2_many(s: Session, rows: list[dict[str, Any]]) -> set[int]:
    """`put_v2` of many versions (rows of `v2_values`, distinct logs) in one statement: each record is
    written unless it already holds its version or a newer one. Returns the log ids written."""
    written = insert_many(s, MealLogV2, rows, key=["log_id", "pipeline_version"], returning=["log_id"],
                          newer="log_version")
    return {int(r[0]) for r in written}


def move_key(key: LogKey, state: LogState) -> None:
    """The log's current state is now `state` (the caller holds the key's row lock)."""
    key.version, key.local_date, key.deleted_at, key.updated_at = (state.version, state.local_date,
                                                                   state.deleted_at, state.updated_at)
