from __future__ import annotations

import pytest

from meallog.nutrition.types import Provider
from meallog.providers.factory import UnknownProvider, build_provider
from meallog.providers.offline import OfflineProvider


def test_build_offline(table) -> None:  # type: ignore[no-untyped-def]
    p = build_provider(name="offline")
    assert isinstance(p, OfflineProvider)
    assert p.name == "offline" and p.model == f"offline-table-{table.version}"
    _: Provider = p


def test_build_ignores_gemini_keywords_for_offline() -> None:
    assert (
        build_provider(name="offline", model="x", api_key=None, base_url=None, metrics=None).name == "offline"
    )


def test_build_gemini_uses_factory_with_offline_fallback_and_matcher() -> None:
    seen: dict = {}

    def factory(**kw):  # type: ignore[no-untyped-def]
        seen.update(kw)
        return OfflineProvider()

    build_provider(name="gemini", model="gemini-x", gemini_factory=factory, api_key="k")
    assert seen["model"] == "gemini-x" and seen["api_key"] == "k"
    assert isinstance(seen["fallback"], OfflineProvider)
    assert seen["match_food"]("ご飯") == "rice_cooked" and seen["match_food"]("ビビンバ") is None
    # a family name is no sure food: the provider's own numbers for "カレー" beat the table's one member
    assert seen["match_food"]("カレー") is None and seen["match_food"]("カレーライス") == "curry_rice"


def test_unknown_provider() -> None:
    with pytest.raises(UnknownProvider):
        build_provider(name="nope")


def test_macros_from_table_without_kcal(offline, table) -> None:  # type: ignore[no-untyped-def]
    r = offline.parse("卵 2個")
    (item,) = r.items
    egg = table.get("egg_raw")
    assert item.food_id == "egg_raw" and item.grams == 100 and item.quantity == 2 and item.unit == "個"
    assert item.kcal is None
    assert item.protein_g == pytest.approx(egg.protein_g, abs=0.05)
    assert item.name == egg.name_ja


def test_zero_calorie_items_get_listed_kcal(offline) -> None:  # type: ignore[no-untyped-def]
    (item,) = offline.parse("water").items
    assert item.kcal == 0 and item.name == "Water"


def test_unmatched_item_has_no_numbers(offline) -> None:  # type: ignore[no-untyped-def]
    (item,) = offline.parse("ビビンバ 1枚").items
    assert item.name == "ビビンバ" and item.food_id is None and item.quantity == 1 and item.unit == "枚"
    assert (item.grams, item.kcal, item.protein_g, item.fat_g, item.carbs_g) == (None,) * 5


@pytest.mark.parametrize(("text", "locale"), [("ご飯", "ja"), ("rice", "en")])
def test_locale_detected(offline, text: str, locale: str) -> None:  # type: ignore[no-untyped-def]
    assert offline.parse(text).locale == locale
    assert offline.parse(text, locale="en").locale == "en"


def test_cup_grams_follow_locale(offline) -> None:  # type: ignore[no-untyped-def]
    ja = offline.parse("牛乳 1カップ").items[0].grams
    en = offline.parse("1 cup of milk").items[0].grams
    assert en == pytest.approx(ja * 240 / 200, abs=0.2)
