"""Provider ``offline``: a deterministic parser over the shipped food table, standing in for an LLM.

Like the LLM it emulates, it answers macros (protein, fat, carbohydrate scaled from the table by
its own gram estimate) and no kcal, except for true zero-calorie items (water, black coffee, tea),
whose listed kcal it gives. Legacy therefore recomputes energy as 4/4/9, so the documented legacy
vs v2 differences appear (八訂 energy is not 4/4/9; legacy has no alcohol term). A name it cannot
match comes back with every number ``None``: legacy logs it at 0 kcal (the bug v2 fixes).
"""

from __future__ import annotations

from pathlib import Path

from meallog.nutrition.categories import category_estimates
from meallog.nutrition.foods import FoodTable, load_foods
from meallog.nutrition.matching import warm
from meallog.nutrition.parser import Phrase, detect_locale, parse_text
from meallog.nutrition.types import ProviderItem, ProviderResult
from meallog.nutrition.units import grams_for

CONFIDENCE = {"alias": 0.9, "product": 0.9, "variant": 0.7, "parent": 0.6, "fuzzy": 0.5, "none": 0.0}


def _r1(x: float) -> float:
    return round(x, 1) + 0.0


class OfflineProvider:
    """Provider ``offline`` (model ``offline-table-<table version>``). Never raises."""

    name = "offline"

    def __init__(self, *, foods: FoodTable | None = None, foods_path: str | Path | None = None) -> None:
        self.foods = foods if foods is not None else load_foods(foods_path)
        warm(self.foods)  # the matcher's indexes and category estimates: built here, not in a request
        category_estimates(self.foods)
        self.model = f"offline-table-{self.foods.version or 'unknown'}"

    def parse(self, text: str, *, locale: str | None = None) -> ProviderResult:
        loc = locale if locale in ("ja", "en") else detect_locale(text or "")
        items = tuple(self._item(p, loc) for p in parse_text(text or "", self.foods))
        return ProviderResult(items=items, provider=self.name, model=self.model, locale=loc)

    def _item(self, phrase: Phrase, locale: str) -> ProviderItem:
        food = phrase.food
        if food is None:
            return ProviderItem(name=phrase.name or phrase.raw, quantity=phrase.quantity, unit=phrase.unit,
                                confidence=CONFIDENCE["none"], raw=phrase.raw)
        amount = grams_for(food, phrase.quantity, phrase.unit, locale=locale)
        grams = amount.grams
        if grams is None:  # a unit the table cannot convert: guess servings, as an LLM would
            grams = food.default_portion_g * (phrase.quantity if phrase.quantity is not None else 1.0)
        n = food.per(grams)
        alcohol = n["alcohol_g"]
        return ProviderItem(
            name=food.name(locale) if phrase.found.sure else phrase.name,  # "とんこつラーメン" stays itself
            food_id=food.food_id,
            quantity=phrase.quantity,
            unit=phrase.unit,
            grams=_r1(grams),
            kcal=_r1(n["kcal"] or 0.0) if food.zero_calorie else None,
            protein_g=_r1(n["protein_g"] or 0.0),
            fat_g=_r1(n["fat_g"] or 0.0),
            carbs_g=_r1(n["carbs_g"] or 0.0),
            alcohol_g=None if alcohol is None else _r1(alcohol),
            confidence=CONFIDENCE[phrase.match],
            raw=phrase.raw,
            match=phrase.match,
            match_note=phrase.found.why(),
        )
