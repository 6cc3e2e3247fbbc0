"""The konbini / chain products table (data/products.csv): published values, kept apart from generic foods."""

from __future__ import annotations

import csv

import pytest

from meallog.nutrition.foods import DEFAULT_PATH, PRODUCTS_PATH, FoodTable, normalize_name

PRODUCTS = list(csv.DictReader(PRODUCTS_PATH.read_text(encoding="utf-8").splitlines()))
FOODS = list(csv.DictReader(DEFAULT_PATH.read_text(encoding="utf-8").splitlines()))


def _aliases(row: dict[str, str]) -> set[str]:
    names = [row["name_ja"], row["name_en"], *row["aliases_ja"].split("|"), *row["aliases_en"].split("|")]
    return {normalize_name(a) for a in names if a.strip()}


def test_every_product_names_its_brand_source_and_date() -> None:
    assert len(PRODUCTS) >= 10
    for r in PRODUCTS:
        assert r["source"] == "PUBLISHED" and r["energy_basis"] == "published", r["food_id"]
        assert r["brand"] and r["source_date"] and r["source_id"].startswith(r["brand"]), r["food_id"]


def test_per_100_g_values_are_the_published_serving_scaled() -> None:
    for r in PRODUCTS:
        k = 100.0 / float(r["serving_g"])
        for col in ("kcal", "protein_g", "fat_g", "carbs_g"):
            assert float(r[col]) == pytest.approx(float(r[f"serving_{col}"]) * k, abs=0.06), (r["food_id"], col)


def test_products_share_no_alias_with_generic_foods() -> None:
    generic = set().union(*(_aliases(r) for r in FOODS))
    ids = {r["food_id"] for r in FOODS}
    for r in PRODUCTS:
        assert r["food_id"] not in ids
        assert not (_aliases(r) & generic), (r["food_id"], _aliases(r) & generic)


def test_products_are_loaded_but_left_out_of_category_estimates(table: FoodTable) -> None:
    from meallog.nutrition.categories import category_estimates

    big_mac = table.lookup("big mac")
    assert big_mac is not None and big_mac.brand == "McDonald's Japan" and big_mac.source_date
    dish_rows = category_estimates(table)["dish"].rows
    assert dish_rows == sum(1 for f in table.foods if f.category == "dish" and not f.brand and f.kcal > 0)
