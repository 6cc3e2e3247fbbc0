from __future__ import annotations

import pytest

from meallog.nutrition.foods import attribution, load_foods, normalize_name
from tests.nutrition.conftest import FIXTURE_CSV


@pytest.mark.parametrize(
    ("raw", "norm"),
    [("ゴハン", "ごはん"), ("ｺﾞﾊﾝ", "ごはん"), ("Ｒｉｃｅ", "rice"), ("White  Rice!", "whiterice"),
     ("焼き魚定食（鮭）", "焼き魚定食鮭"), ("ハム・エッグ", "はむえっぐ"), ("コーヒー", "こーひー")],
)
def test_normalize_name(raw: str, norm: str) -> None:
    assert normalize_name(raw) == norm


def test_loader_reads_fixture_rows(small_table) -> None:  # type: ignore[no-untyped-def]
    assert [f.food_id for f in small_table.foods] == ["rice_cooked", "egg_raw", "water", "set_a"]
    rice = small_table.get("rice_cooked")
    assert rice is not None and rice.portion("杯") == 150 and rice.density_g_per_ml is None
    assert small_table.get("water").zero_calorie is True  # type: ignore[union-attr]
    assert small_table.get("set_a").set_components == (("rice_cooked", 150.0), ("egg_raw", 50.0))  # type: ignore[union-attr]
    assert small_table.version == "2026.02"


def test_loader_is_cached_per_path() -> None:
    assert load_foods(FIXTURE_CSV) is load_foods(FIXTURE_CSV)
    assert load_foods() is load_foods()


@pytest.mark.parametrize("alias", ["ご飯", "ゴハン", "ｺﾞﾊﾝ", "RICE", " white rice "])
def test_lookup_by_alias(small_table, alias: str) -> None:  # type: ignore[no-untyped-def]
    food = small_table.lookup(alias)
    assert food is not None and food.food_id == "rice_cooked"


def test_lookup_never_returns_a_near_food(small_table) -> None:  # type: ignore[no-untyped-def]
    assert small_table.lookup("ご飯大盛り") is None
    assert small_table.lookup("") is None


def test_shipped_table_loads_with_unique_ids(table) -> None:  # type: ignore[no-untyped-def]
    assert len(table.foods) >= 40
    assert len(table.by_id) == len(table.foods)
    assert table.version


def test_attribution_names_sources_and_version() -> None:
    a = attribution()
    assert a["mext"] == "日本食品標準成分表（八訂）増補2023年から引用"
    assert a["mext_modified"] == "日本食品標準成分表（八訂）増補2023年を加工して作成"
    assert "public domain" in a["usda"]
    assert a["table_version"] == load_foods().version
