from __future__ import annotations

import pytest

from meallog.nutrition.units import CUP_ML, grams_for


def test_cup_follows_locale_for_liquids(table) -> None:  # type: ignore[no-untyped-def]
    milk = table.get("milk")
    density = milk.density_g_per_ml
    assert grams_for(milk, 1, "cup", locale="ja").grams == pytest.approx(200 * density)
    assert grams_for(milk, 1, "カップ", locale="en").grams == pytest.approx(240 * density)
    assert CUP_ML == {"ja": 200.0, "en": 240.0}


def test_cup_of_a_solid_scales_the_table_cup_by_locale(table) -> None:  # type: ignore[no-untyped-def]
    rice = table.get("rice_cooked")
    us = grams_for(rice, 1, "cup", locale="en").grams
    ja = grams_for(rice, 1, "cup", locale="ja").grams
    assert us == pytest.approx(rice.portion("cup"))
    assert ja == pytest.approx(us * 200 / 240)


def test_go_is_180_ml_or_the_listed_measure(table) -> None:  # type: ignore[no-untyped-def]
    assert grams_for(table.get("sake"), 1, "合", locale="ja").grams == pytest.approx(180)
    water = table.get("water")
    assert grams_for(water, 1, "合", locale="ja").grams == pytest.approx(180 * water.density_g_per_ml)
    assert grams_for(table.get("rice_raw"), 1, "合", locale="ja").grams == table.get("rice_raw").portion("合")


@pytest.mark.parametrize(
    ("food_id", "qty", "unit", "grams"),
    [
        ("rice_cooked", 150, "g", 150), ("rice_cooked", 0.2, "kg", 200), ("rice_cooked", 2, "杯", 300),
        ("egg_raw", 2, None, 100), ("egg_raw", 3, "個", 150), ("bread_shokupan", 2, "枚", 120),
        ("bread_shokupan", 1, "slice", 60), ("natto", 1, "パック", 45),
    ],
)
def test_units_and_counters(table, food_id: str, qty: float, unit: str | None, grams: float) -> None:  # type: ignore[no-untyped-def]
    assert grams_for(table.get(food_id), qty, unit, locale="ja").grams == pytest.approx(grams)


def test_spoons_prefer_household_measure(table) -> None:  # type: ignore[no-untyped-def]
    oil = table.get("olive_oil")
    assert grams_for(oil, 1, "大さじ", locale="ja").grams == oil.portion("大さじ")
    assert grams_for(oil, 1, "tbsp", locale="en").grams == oil.portion("tbsp")


def test_unknown_unit_and_default(table) -> None:  # type: ignore[no-untyped-def]
    rice = table.get("rice_cooked")
    assert grams_for(rice, 1, "缶", locale="ja").how == "unknown_unit"
    assert grams_for(rice, None, None, locale="ja").grams == rice.default_portion_g
    assert grams_for(rice, None, "少し", locale="ja").how == "vague"
