"""Deliberately broken adapters: they must make the golden test and the visual test fail (each test
of the dual read can fail). One changes one number, one drops one item."""

from __future__ import annotations

from dataclasses import replace

from meallog.logs.service import LogView
from meallog.migration.adapter_cache import adapt
from meallog.nutrition.adapter import to_legacy_view
from meallog.nutrition.dto import NutritionV1, RecordV2
from meallog.store.models import MealLogV2

WRONG_KCAL = 100.0


def adapter_one_number_off(record: RecordV2) -> NutritionV1:
    """The first item's kcal is 100 too high."""
    view = to_legacy_view(record)
    if view.items:
        view.items[0] = view.items[0].model_copy(update={"kcal": view.items[0].kcal + WRONG_KCAL})
    return view


def adapter_drops_last_item(record: RecordV2) -> NutritionV1:
    view = to_legacy_view(record)
    return view.model_copy(update={"items": view.items[:-1]})


def adapt_one_number_off(row: MealLogV2) -> LogView:
    """The web read's twin of `adapter_one_number_off` (a LogView from a v2 row)."""
    view = adapt(row)
    items = [dict(i) for i in view.items]
    if items:
        items[0]["kcal"] = float(items[0]["kcal"]) + WRONG_KCAL
    return replace(view, items=items)
