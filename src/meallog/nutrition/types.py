"""Values shared by every nutrition computation: the provider's parse, totals, field names.

This module is the contract between the providers (offline, Gemini), the legacy computation, the
v2 normalization and the migration harness. It is pure: no I/O, no settings, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Literal, Protocol

Field = Literal["kcal", "protein_g", "fat_g", "carbs_g"]
FIELDS: tuple[Field, ...] = ("kcal", "protein_g", "fat_g", "carbs_g")
MACRO_FIELDS: tuple[Field, ...] = ("protein_g", "fat_g", "carbs_g")


@dataclass(frozen=True, slots=True)
class Totals:
    """Nutrition of a meal or an item: kcal and grams of protein, fat and carbohydrate."""

    kcal: float = 0.0
    protein_g: float = 0.0
    fat_g: float = 0.0
    carbs_g: float = 0.0

    def to_dict(self) -> dict[str, float]:
        return {"kcal": self.kcal, "protein_g": self.protein_g, "fat_g": self.fat_g, "carbs_g": self.carbs_g}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Totals:
        return cls(**{f: float(data.get(f) or 0.0) for f in FIELDS})

    def get(self, name: Field) -> float:
        return float(getattr(self, name))

    def __add__(self, other: Totals) -> Totals:
        return Totals(*(self.get(f) + other.get(f) for f in FIELDS))


@dataclass(frozen=True, slots=True)
class ProviderItem:
    """One food item as a provider read it from the meal text.

    Numbers are the provider's own (for the whole portion, not per 100 g); ``None`` means the
    provider gave none. ``food_id`` is the food table id when the provider matched one.
    """

    name: str
    food_id: str | None = None
    quantity: float | None = None
    unit: str | None = None
    grams: float | None = None
    kcal: float | None = None
    protein_g: float | None = None
    fat_g: float | None = None
    carbs_g: float | None = None
    alcohol_g: float | None = None
    confidence: float = 1.0
    raw: str = ""
    match: str = ""  # how the provider matched food_id: alias, product, parent, fuzzy ("" = not said)
    match_note: str = ""  # its evidence, for people ("fuzzy 'banana' 92")

    def to_dict(self) -> dict[str, Any]:
        # Every field is a str, float or None: a flat copy is `asdict` without its recursive deep copy
        # (it runs on every write, where `asdict` cost more than the offline parse itself).
        return {name: getattr(self, name) for name in _ITEM_FIELDS}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProviderItem:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


_ITEM_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(ProviderItem))


@dataclass(frozen=True, slots=True)
class ProviderResult:
    """What a provider returns for one meal text. Stored with the log so v2 can be recomputed."""

    items: tuple[ProviderItem, ...]
    provider: str
    model: str
    locale: str = "ja"
    attempts: int = 1
    fallback: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": [i.to_dict() for i in self.items],
            "provider": self.provider,
            "model": self.model,
            "locale": self.locale,
            "attempts": self.attempts,
            "fallback": self.fallback,
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ProviderResult:
        return cls(
            items=tuple(ProviderItem.from_dict(i) for i in data.get("items", [])),
            provider=str(data.get("provider", "offline")),
            model=str(data.get("model", "")),
            locale=str(data.get("locale", "ja")),
            attempts=int(data.get("attempts", 1)),
            fallback=bool(data.get("fallback", False)),
            notes=tuple(data.get("notes", ())),
        )


class Provider(Protocol):
    """Reads a meal text into items. Implementations: offline (default) and gemini."""

    name: str
    model: str

    def parse(self, text: str, *, locale: str | None = None) -> ProviderResult: ...
