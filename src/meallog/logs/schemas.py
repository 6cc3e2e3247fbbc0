"""Request and response bodies of the meal-log API (DTO v1 is the legacy view)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator


def _iso_date_only(v: Any) -> Any:
    # pydantic would also read numbers as Unix timestamps (`?date=5e-91` is 1970-01-01): the API takes YYYY-MM-DD
    if isinstance(v, str) and not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", v):
        raise ValueError("a date is YYYY-MM-DD")
    return v


IsoDate = Annotated[date, BeforeValidator(_iso_date_only)]
MealType = Literal["breakfast", "lunch", "dinner", "snack"]
MAX_TEXT = 1999
# Any zone's offset keeps these inside datetime's range, so the UTC conversion can never overflow.
EATEN_AT_MIN = datetime(1900, 1, 1)
EATEN_AT_MAX = datetime(2100, 12, 31, 23, 59, 59)
# Not blank (Python's idea of whitespace, as the validators below) and no NUL: in the schema, checked below.
TEXT_PATTERN = r"^[^\x00]*\S[^\x00]*$"
# The same bounds as a pattern, so the OpenAPI schema itself excludes the years the API refuses.
EATEN_AT_PATTERN = r"^(19[0-9]{2}|20[0-9]{2}|2100)-"
EATEN_AT_HELP = ("When eaten (ISO 8601, 1900-01-01 to 2100-12-31); a time without an offset is in the user's zone; "
                 "default now")


def _eaten_at_in_range(v: datetime | None) -> datetime | None:
    if v is None:
        return v
    wall = v.replace(tzinfo=None)
    if not EATEN_AT_MIN <= wall <= EATEN_AT_MAX:
        raise ValueError("eaten_at must be between 1900-01-01 and 2100-12-31")
    return v


class LogCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_TEXT, description="Free meal text, e.g. 'ご飯 1杯と味噌汁'",
                      json_schema_extra={"pattern": TEXT_PATTERN})
    eaten_at: datetime | None = Field(default=None, description=EATEN_AT_HELP,
                                      json_schema_extra={"pattern": EATEN_AT_PATTERN})
    meal_type: MealType | None = None

    @field_validator("eaten_at")
    @classmethod
    def _eaten_at(cls, v: datetime | None) -> datetime | None:
        return _eaten_at_in_range(v)

    @field_validator("text")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("text must not be blank")
        if "\x00" in v:
            raise ValueError("text must not contain NUL characters")
        return v


def _update_schema(schema: dict[str, Any]) -> None:
    """An edit changes at least one field and never sets one to null: say so in the OpenAPI schema."""
    schema["minProperties"] = 1
    for prop in schema.get("properties", {}).values():
        options = [o for o in prop.pop("anyOf", []) if o.get("type") != "null"]
        if len(options) == 1:
            prop.update(options[0])
        elif options:
            prop["anyOf"] = options
        prop.pop("default", None)


class LogUpdate(BaseModel):
    """A partial edit: give at least one of text, eaten_at, meal_type (none of them null)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_update_schema)

    @model_validator(mode="before")
    @classmethod
    def _something_not_null(cls, data: Any) -> Any:
        if isinstance(data, dict):
            nulls = [k for k, v in data.items() if v is None]
            if nulls:
                raise ValueError(f"{', '.join(nulls)} must not be null (leave a field out to keep it)")
            if not data:
                raise ValueError("nothing to change: give text, eaten_at or meal_type")
        return data

    text: str | None = Field(default=None, min_length=1, max_length=MAX_TEXT,
                             json_schema_extra={"pattern": TEXT_PATTERN})
    eaten_at: datetime | None = Field(default=None, description=EATEN_AT_HELP,
                                      json_schema_extra={"pattern": EATEN_AT_PATTERN})
    meal_type: MealType | None = None

    @field_validator("eaten_at")
    @classmethod
    def _eaten_at(cls, v: datetime | None) -> datetime | None:
        return _eaten_at_in_range(v)

    @field_validator("text")
    @classmethod
    def _not_blank(cls, v: str | None) -> str | None:
        if v is not None and not v.strip():
            raise ValueError("text must not be blank")
        if v is not None and "\x00" in v:
            raise ValueError("text must not contain NUL characters")
        return v


class TotalsOut(BaseModel):
    kcal: float
    protein_g: float
    fat_g: float
    carbs_g: float


class LogOut(BaseModel):
    """The log as clients have always seen it (legacy view, DTO v1 nutrition)."""

    id: int
    text: str
    eaten_at: datetime
    local_date: date
    meal_type: str | None
    items: list[dict[str, Any]]
    totals: TotalsOut
    deleted_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int
    source: Literal["legacy", "adapter", "v2"] = "legacy"


class DayOut(BaseModel):
    date: date
    time_zone: str
    count: int
    totals: TotalsOut
    logs: list[LogOut]
