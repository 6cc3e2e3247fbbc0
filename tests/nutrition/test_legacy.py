from __future__ import annotations

from meallog.nutrition.dto import NutritionV1
from meallog.nutrition.legacy import compute_legacy
from meallog.nutrition.types import ProviderItem, ProviderResult


def result(*items: ProviderItem) -> ProviderResult:
    return ProviderResult(items=items, provider="offline", model="m")


def test_trusts_provider_kcal_as_is() -> None:
    out = compute_legacy(result(ProviderItem(name="x", kcal=123.4, protein_g=1, fat_g=1, carbs_g=1)))
    assert out.items[0].kcal == 123 and out.totals.kcal == 123


def test_missing_kcal_is_4_4_9_without_alcohol() -> None:
    out = compute_legacy(result(ProviderItem(name="beer", protein_g=1, fat_g=0, carbs_g=10, alcohol_g=14)))
    assert out.totals.kcal == 44  # 4*1 + 4*10; the 14 g alcohol has no term in legacy


def test_missing_values_are_zero() -> None:
    out = compute_legacy(result(ProviderItem(name="ビビンバ")))
    assert out.items[0].kcal == 0 and out.items[0].grams is None
    assert out.totals.model_dump() == {"kcal": 0, "protein_g": 0, "fat_g": 0, "carbs_g": 0}


def test_sums_then_rounds() -> None:
    a = ProviderItem(name="a", kcal=10.4, protein_g=0.04, fat_g=0.04, carbs_g=0.04, grams=10.04)
    out = compute_legacy(result(a, a))
    assert out.totals.kcal == 21  # round(20.8), not 10 + 10
    assert out.totals.protein_g == 0.1  # round(0.08, 1)
    assert out.items[0].grams == 10.0


def test_negative_and_nan_are_clamped() -> None:
    out = compute_legacy(result(ProviderItem(name="bad", kcal=-5, protein_g=float("nan"), fat_g=-1)))
    assert out.totals.kcal == 0 and out.totals.protein_g == 0


def test_returns_dto_v1(offline) -> None:  # type: ignore[no-untyped-def]
    out = compute_legacy(offline.parse("ご飯 1杯と味噌汁"))
    assert isinstance(out, NutritionV1)
    NutritionV1.model_validate(out.model_dump())
    assert set(out.model_dump()) == {"items", "totals"}


def test_offline_rice_is_4_4_9_not_the_listed_energy(offline, table) -> None:  # type: ignore[no-untyped-def]
    out = compute_legacy(offline.parse("ご飯 1杯"))
    rice = table.get("rice_cooked")
    listed = rice.kcal * 1.5
    assert out.totals.kcal != round(listed)
    assert out.totals.kcal == round(4 * 3.8 + 4 * 55.7 + 9 * 0.4)
