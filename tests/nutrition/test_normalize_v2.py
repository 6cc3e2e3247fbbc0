from __future__ import annotations

import pytest

from meallog.nutrition.adapter import to_legacy_view
from meallog.nutrition.normalize_v2 import V2Options, normalize
from meallog.nutrition.types import ProviderItem, ProviderResult

PV = "v2.test"
SAFE = V2Options()


def v2(offline, text: str, **opts):  # type: ignore[no-untyped-def]
    return normalize(offline.parse(text), options=V2Options(**opts), pipeline_version=PV)


def gemini(*items: ProviderItem, locale: str = "en") -> ProviderResult:
    return ProviderResult(items=items, provider="gemini", model="gemini-2.5-flash", locale=locale)


def test_table_items_use_listed_values(offline, table) -> None:  # type: ignore[no-untyped-def]
    rec = v2(offline, "ご飯 1杯")
    (item,) = rec.items
    rice = table.get("rice_cooked")
    assert item.status == "ok" and item.tags == [] and item.food_id == "rice_cooked"
    assert item.kcal == round(rice.kcal * 1.5)  # 八訂 listed energy, not 4/4/9
    assert item.energy_basis == "mext8_listed" and item.source == "MEXT8_2023" and item.source_id == "01088"
    assert rec.pipeline_version == PV and rec.table_version == table.version and rec.schema_version == "2"


def test_provider_food_id_wins_over_name(table) -> None:  # type: ignore[no-untyped-def]
    rec = normalize(
        gemini(ProviderItem(name="steamed stuff", food_id="rice_cooked", grams=100)),
        options=SAFE,
        pipeline_version=PV,
    )
    assert rec.items[0].food_id == "rice_cooked" and rec.items[0].kcal == 156


def test_unmatched_is_never_swapped_for_a_near_food(offline) -> None:  # type: ignore[no-untyped-def]
    (item,) = v2(offline, "mystery thing", never_zero_mode="off").items
    assert item.status == "unmatched" and item.food_id is None and item.tags == ["unknown_food"]
    assert item.kcal == 0 and item.name == "mystery thing"


def test_cup_by_locale(offline) -> None:  # type: ignore[no-untyped-def]
    ja = v2(offline, "牛乳 1カップ").items[0]
    en = v2(offline, "1 cup of milk").items[0]
    assert en.grams == pytest.approx(ja.grams * 1.2, abs=0.1)
    forced = normalize(offline.parse("牛乳 1カップ"), options=V2Options(locale="en"), pipeline_version=PV)
    assert forced.items[0].grams == en.grams and forced.locale == "en"


def test_unknown_unit_and_portion_tags(offline) -> None:  # type: ignore[no-untyped-def]
    a, b = v2(offline, "ご飯 1缶、納豆少し").items
    assert a.status == "amount_unknown" and "unknown_unit" in a.tags and a.kcal > 0
    assert b.status == "amount_unknown" and "unknown_portion" in b.tags and b.kcal > 0


def test_never_zero_off_safe_strict(offline) -> None:  # type: ignore[no-untyped-def]
    off = v2(offline, "ビビンバ、water、mystery thing", never_zero_mode="off").items
    safe = v2(offline, "ビビンバ、water、mystery thing", never_zero_mode="safe").items
    strict = v2(offline, "ビビンバ、water、mystery thing", never_zero_mode="strict").items
    assert [i.kcal > 0 for i in off] == [False, False, False]
    assert [i.kcal > 0 for i in safe] == [True, False, False]
    assert [i.kcal > 0 for i in strict] == [True, False, True]
    assert safe[0].status == "estimated" and {"unknown_food", "never_zero_estimate"} <= set(safe[0].tags)
    assert safe[0].food_id is None  # estimated from the category, not swapped for a food
    assert safe[1].status == "ok" and safe[1].kcal == 0 and "zero_calorie" in safe[1].tags  # water stays 0
    assert safe[2].status == "unmatched"
    assert strict[2].status == "estimated" and strict[2].confidence < safe[0].confidence


@pytest.mark.parametrize("mode", ["off", "safe", "strict"])
def test_zero_calorie_drinks_stay_zero(offline, mode: str) -> None:  # type: ignore[no-untyped-def]
    rec = v2(offline, "水、麦茶、black coffee", never_zero_mode=mode)
    assert rec.items[0].kcal == 0 and rec.items[1].kcal == 0
    assert rec.items[2].kcal <= 5


def test_atwater_check_recorded_per_item(offline) -> None:  # type: ignore[no-untyped-def]
    rec = v2(offline, "ご飯 1杯、カットわかめ 10g")
    rice, wakame = rec.items
    assert (
        rice.atwater_ratio is not None
        and 0.9 < rice.atwater_ratio < 1.1
        and "atwater_mismatch" not in rice.tags
    )
    assert "atwater_mismatch" in wakame.tags  # documented exception: fibre-rich seaweed


def test_atwater_scale_only_for_provider_estimated_items_within_tolerance() -> None:
    close = ProviderItem(name="tikka masala", grams=300, kcal=520, protein_g=32, fat_g=26, carbs_g=36)  # 506
    far = ProviderItem(name="odd thing", grams=100, kcal=500, protein_g=10, fat_g=1, carbs_g=10)  # 89
    table_item = ProviderItem(name="ご飯", grams=150, kcal=999, protein_g=1, fat_g=1, carbs_g=1)
    on = normalize(
        gemini(close, far, table_item), options=V2Options(atwater_simple_scale=True), pipeline_version=PV
    )
    off = normalize(
        gemini(close, far, table_item), options=V2Options(atwater_simple_scale=False), pipeline_version=PV
    )
    c, f, t = on.items
    assert "atwater_scaled" in c.tags and c.kcal == 520
    assert 4 * c.protein_g + 4 * c.carbs_g + 9 * c.fat_g == pytest.approx(520, abs=1)
    assert "atwater_scaled" not in f.tags and "atwater_mismatch" in f.tags and f.protein_g == 10
    assert "atwater_scaled" not in t.tags and t.kcal == 234  # table-backed: listed values, never scaled
    assert "atwater_scaled" not in off.items[0].tags and off.items[0].protein_g == 32


def test_provider_values_for_unknown_food_without_kcal_use_4_4_9_7() -> None:
    rec = normalize(
        gemini(ProviderItem(name="whisky sour", protein_g=0, fat_g=0, carbs_g=10, alcohol_g=14)),
        options=SAFE,
        pipeline_version=PV,
    )
    (item,) = rec.items
    assert item.status == "estimated" and item.kcal == 40 + 98 and "unknown_food" in item.tags


def test_set_proposals_follow_the_flag(offline) -> None:  # type: ignore[no-untyped-def]
    on = v2(offline, "唐揚げ定食 2人前", set_proposal_ui=True)
    off = v2(offline, "唐揚げ定食 2人前", set_proposal_ui=False)
    assert off.proposals == [] and "set_meal" not in off.items[0].tags
    (p,) = on.proposals
    assert p.food_id == "karaage_teishoku" and p.item_index == 0
    assert {c.food_id for c in p.components} == {"rice_cooked", "karaage", "cabbage", "miso_soup"}
    assert sum(c.grams for c in p.components) == pytest.approx(on.items[0].grams, abs=0.5)
    assert on.totals == off.totals  # a proposal changes nothing until the client confirms it
    assert on.options.set_proposal_ui is True and off.options.set_proposal_ui is False


def test_confidence_orders_resolutions(offline) -> None:  # type: ignore[no-untyped-def]
    ok, unit, est = v2(offline, "ご飯 1杯、ご飯 1缶、ビビンバ").items
    assert ok.confidence > unit.confidence > est.confidence > 0


def test_totals_rounded_like_legacy(offline) -> None:  # type: ignore[no-untyped-def]
    rec = v2(offline, "ご飯 1杯と味噌汁、焼き鮭、卵 2個")
    assert rec.totals.kcal == int(rec.totals.kcal)
    for f in ("protein_g", "fat_g", "carbs_g"):
        assert getattr(rec.totals, f) == round(getattr(rec.totals, f), 1)


def test_deterministic(offline) -> None:  # type: ignore[no-untyped-def]
    a = v2(offline, "ご飯 1杯と味噌汁、唐揚げ定食、ビビンバ").model_dump_json()
    b = v2(offline, "ご飯 1杯と味噌汁、唐揚げ定食、ビビンバ").model_dump_json()
    assert a == b


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValueError):
        V2Options(never_zero_mode="maybe")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        V2Options(locale="fr")


def test_adapter_keeps_items_and_totals(offline) -> None:  # type: ignore[no-untyped-def]
    rec = v2(offline, "ご飯 1杯と味噌汁、ビビンバ")
    view = to_legacy_view(rec)
    assert len(view.items) == len(rec.items)
    assert view.totals.model_dump() == rec.totals.model_dump()
    assert [i.name for i in view.items] == [i.name for i in rec.items]
