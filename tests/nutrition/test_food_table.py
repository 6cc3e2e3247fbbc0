"""Checks of the shipped food composition table (src/meallog/nutrition/data/foods.csv).

Reads the CSV with the csv module only, so it runs without the app installed.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

import pytest

CSV_PATH = Path(__file__).resolve().parents[2] / "src" / "meallog" / "nutrition" / "data" / "foods.csv"
COLUMNS = [
    "food_id", "name_ja", "name_en", "aliases_ja", "aliases_en", "category",
    "kcal", "protein_g", "fat_g", "carbs_g", "alcohol_g", "energy_basis",
    "source", "source_id", "source_name", "modified", "portions",
    "default_portion_g", "density_g_per_ml", "zero_calorie", "set_components",
    "table_version",
]
CATEGORIES = {"grain", "bread", "noodle", "egg", "fish", "meat", "soy", "vegetable", "fruit",
              "dairy", "drink", "alcohol", "soup", "dish", "set_meal", "snack", "sweet",
              "condiment", "fat"}
BASIS_BY_SOURCE = {"MEXT8_2023": "mext8_listed", "USDA_SR": "usda_sr_listed",
                   "USDA_FNDDS": "usda_fndds_listed", "COMPOSED": "composed"}
# Documented exceptions to the Atwater band (see data/README.md "Sources and method"):
# alcoholic drinks whose alcohol_g is not yet transcribed (empty), and rows whose
# energy is tiny (|kcal| <= 10: rounding dominates, e.g. tea, dashi, konnyaku).
ATWATER_EXEMPT_CATEGORIES = {"alcohol"}
# MEXT 炭水化物 of dried seaweed is mostly dietary fibre (カットわかめ: 42.1 g, of which
# 39.2 g fibre), which 八訂 energy does not count at 4 kcal/g.
ATWATER_EXEMPT_IDS = {"wakame_dried"}


def _rows() -> list[dict[str, str]]:
    with CSV_PATH.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == COLUMNS
        return list(reader)


ROWS = _rows()
BY_ID = {r["food_id"]: r for r in ROWS}


def _f(value: str) -> float:
    return float(value) if value != "" else 0.0


def normalize_alias(text: str) -> str:
    """An alias as the loader keys it; a leading "~" (a family name) is no part of it."""
    text = unicodedata.normalize("NFKC", text).casefold().strip().removeprefix("~").strip()
    return "".join(chr(ord(ch) - 0x60) if "\u30a1" <= ch <= "\u30f6" else ch for ch in text)


def _spec(value: str) -> list[tuple[str, float]]:
    out = []
    for part in value.split("|"):
        fid, grams = part.rsplit(":", 1)
        out.append((fid, float(grams)))
    return out


def test_at_least_200_rows_and_unique_ids():
    assert len(ROWS) >= 200
    ids = [r["food_id"] for r in ROWS]
    assert len(ids) == len(set(ids))
    for fid in ids:
        assert re.fullmatch(r"[a-z0-9_]+", fid), fid


def test_required_fields_and_enums():
    for r in ROWS:
        assert r["name_ja"] and r["name_en"] and r["aliases_ja"] and r["aliases_en"], r["food_id"]
        assert r["category"] in CATEGORIES, r["food_id"]
        assert BASIS_BY_SOURCE[r["source"]] == r["energy_basis"], r["food_id"]
        assert r["modified"] in ("true", "false")
        assert r["zero_calorie"] in ("true", "false")
        assert r["table_version"] == "2026.12"
        assert (r["modified"] == "true") == (r["source"] == "COMPOSED"), r["food_id"]


def test_aliases_unique_across_foods():
    seen: dict[str, str] = {}
    for r in ROWS:
        for alias in r["aliases_ja"].split("|") + r["aliases_en"].split("|"):
            assert alias.strip() == alias and alias, (r["food_id"], alias)
            key = normalize_alias(alias)
            owner = seen.setdefault(key, r["food_id"])
            assert owner == r["food_id"], f"alias {alias!r} of {r['food_id']} already used by {owner}"


def test_numbers_in_range():
    for r in ROWS:
        kcal = float(r["kcal"])
        assert 0 <= kcal <= 900, r["food_id"]
        for col in ("protein_g", "fat_g", "carbs_g", "alcohol_g"):
            v = _f(r[col])
            assert 0 <= v <= 100, (r["food_id"], col)
        assert _f(r["protein_g"]) + _f(r["fat_g"]) + _f(r["carbs_g"]) + _f(r["alcohol_g"]) <= 101
        assert 0 < float(r["default_portion_g"]) <= 1000, r["food_id"]
        if r["density_g_per_ml"]:
            assert 0.5 <= float(r["density_g_per_ml"]) <= 1.5, r["food_id"]
        for part in r["portions"].split("|") if r["portions"] else []:
            unit, grams = part.split("=")
            assert unit and 0 < float(grams) <= 2000, (r["food_id"], part)


def test_liquids_have_density():
    for r in ROWS:
        if r["category"] in ("drink", "alcohol"):
            assert r["density_g_per_ml"], r["food_id"]


def test_atwater_band():
    """4P+4C+9F+7A within a plausible band of listed kcal.

    MEXT 八訂 energy is computed from component-specific factors (amino-acid protein,
    fatty-acid TAG, available carbohydrate, fibre, organic acids), and USDA uses
    food-specific Atwater factors, so listed kcal differs from 4/4/9/7 over the
    printed macros; the band allows 35 % or 20 kcal.
    """
    for r in ROWS:
        kcal = float(r["kcal"])
        if r["category"] in ATWATER_EXEMPT_CATEGORIES and r["alcohol_g"] == "":
            continue
        if kcal <= 10 or r["food_id"] in ATWATER_EXEMPT_IDS:
            continue
        est = 4 * _f(r["protein_g"]) + 4 * _f(r["carbs_g"]) + 9 * _f(r["fat_g"]) + 7 * _f(r["alcohol_g"])
        assert abs(est - kcal) <= max(20.0, 0.35 * kcal), (r["food_id"], kcal, round(est, 1))


def test_source_ids():
    for r in ROWS:
        if r["source"] == "MEXT8_2023":
            assert re.fullmatch(r"\d{5}", r["source_id"]), r["food_id"]
            assert r["source_name"], r["food_id"]
        elif r["source"].startswith("USDA_"):
            assert re.fullmatch(r"\d{5,7}", r["source_id"]), r["food_id"]
            assert r["source_name"], r["food_id"]
        else:
            assert r["source"] == "COMPOSED"
            for fid, grams in _spec(r["source_id"]):
                assert fid in BY_ID and fid != r["food_id"], (r["food_id"], fid)
                assert grams > 0


def test_set_meals_have_existing_components():
    for r in ROWS:
        if r["category"] == "set_meal":
            assert r["set_components"], r["food_id"]
        if r["set_components"]:
            assert r["category"] == "set_meal", r["food_id"]
            comps = _spec(r["set_components"])
            assert len(comps) >= 2
            for fid, _grams in comps:
                assert fid in BY_ID, (r["food_id"], fid)
                assert BY_ID[fid]["category"] != "set_meal"


def test_composed_rows_equal_weighted_sum():
    for r in ROWS:
        if r["source"] != "COMPOSED":
            continue
        comps = _spec(r["source_id"])
        total = sum(g for _, g in comps)
        for col, tol in (("kcal", 0.51), ("protein_g", 0.051), ("fat_g", 0.051),
                         ("carbs_g", 0.051), ("alcohol_g", 0.051)):
            expected = sum(_f(BY_ID[fid][col]) * g for fid, g in comps) / total
            # components are themselves rounded; allow that rounding to propagate
            assert abs(_f(r[col]) - expected) <= tol + 0.01 * len(comps), (r["food_id"], col, expected)
        assert float(r["default_portion_g"]) > 0


def test_zero_calorie_rows():
    zero = {r["food_id"] for r in ROWS if r["zero_calorie"] == "true"}
    assert {"water", "coffee_black", "green_tea", "black_tea"} <= zero
    for fid in zero:
        assert float(BY_ID[fid]["kcal"]) <= 5, fid
        assert BY_ID[fid]["category"] == "drink"


def _alias_owner(alias: str) -> str:
    key = normalize_alias(alias)
    for r in ROWS:
        if key in {normalize_alias(a) for a in r["aliases_ja"].split("|") + r["aliases_en"].split("|")}:
            return r["food_id"]
    raise KeyError(alias)


@pytest.mark.parametrize("alias,food_id", [
    ("ご飯", "rice_cooked"), ("ごはん", "rice_cooked"), ("ライス", "rice_cooked"),
    ("味噌汁", "miso_soup"), ("焼き鮭", "salmon_grilled"), ("eggs", "egg_raw"),
    ("toast", "bread_shokupan"), ("butter", "butter"), ("black coffee", "coffee_black"),
    ("beer", "beer"), ("ビール", "beer"), ("カレーライス", "curry_rice"),
    ("唐揚げ定食", "karaage_teishoku"), ("唐揚げ", "karaage"), ("ナットウ", "natto"),
    ("burger meal", "burger_meal"), ("ラーメン", "ramen"), ("water", "water"),
])
def test_key_aliases_resolve(alias, food_id):
    assert _alias_owner(alias) == food_id


@pytest.mark.parametrize("food_id,source_id,kcal,p,f,c", [
    ("rice_cooked", "01088", 156, 2.5, 0.3, 37.1),
    ("egg_raw", "12004", 142, 12.2, 10.2, 0.4),
    ("bread_shokupan", "01026", 248, 8.9, 4.1, 46.4),
    ("salmon_raw", "10134", 124, 22.3, 4.1, 0.1),
    ("tofu_momen", "04032", 73, 7.0, 4.9, 1.5),
    ("chicken_thigh", "11221", 190, 16.6, 14.2, 0),
    ("butter", "14017", 700, 0.6, 81.0, 0.2),
    ("egg_boiled", "173424", 155, 12.58, 10.61, 1.12),
    ("beer", "168746", 43, 0.46, 0, 3.55),
    ("coffee_black", "171890", 1, 0.12, 0.02, 0),
])
def test_spot_checks_of_transcribed_figures(food_id, source_id, kcal, p, f, c):
    r = BY_ID[food_id]
    assert r["source_id"] == source_id
    assert float(r["kcal"]) == kcal
    assert (float(r["protein_g"]), float(r["fat_g"]), float(r["carbs_g"])) == (p, f, c)


def test_default_portions_from_the_issue():
    def unit(fid, u):
        return dict(p.split("=") for p in BY_ID[fid]["portions"].split("|"))[u]
    assert unit("rice_cooked", "杯") == "150"
    assert unit("bread_shokupan", "枚") == "60"
    assert unit("egg_raw", "個") == "50"
    assert unit("salmon_grilled", "切れ") == "80"
    assert unit("natto", "パック") == "45"
    assert round(float(unit("beer", "缶")) / float(BY_ID["beer"]["density_g_per_ml"])) == 350
