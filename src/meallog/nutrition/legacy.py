"""The legacy nutrition computation: what production shows today. FROZEN: do not change its behaviour.

``compute_legacy(result)`` trusts the provider's per-item numbers as they are. Where the provider
gives no kcal, energy is 4P + 4C + 9F (no alcohol term); any other missing value is 0; items and
the sum are rounded (kcal to an integer, grams to one decimal). Negative numbers are clamped to 0
(DTO v1 cannot carry them); NaN, infinities and absurd values (> 1e7) would crash the sum, so they
count as missing / are capped. Its differences from v2 are what the migration's diffs measure.
"""

from __future__ import annotations

import math

from meallog.nutrition.dto import ItemV1, NutritionV1, TotalsV1
from meallog.nutrition.types import ProviderItem, ProviderResult


def _g(x: float) -> float:
    return round(x, 1) + 0.0  # + 0.0 turns -0.0 into 0.0


def _kcal(x: float) -> float:
    return float(round(x)) + 0.0


MAX_VALUE = 1e7  # a provider number beyond this (or not finite) would overflow the sums


def _pos(x: float | None) -> float:
    return min(max(float(x), 0.0), MAX_VALUE) if x is not None and math.isfinite(x) else 0.0


def item_numbers(item: ProviderItem) -> tuple[float, float, float, float]:
    """(kcal, protein, fat, carbs) of one provider item under the legacy rules, unrounded."""
    p, f, c = _pos(item.protein_g), _pos(item.fat_g), _pos(item.carbs_g)
    kcal = _pos(item.kcal) if item.kcal is not None else 4 * p + 4 * c + 9 * f
    return kcal, p, f, c


def compute_legacy(result: ProviderResult) -> NutritionV1:
    """Frozen legacy nutrition of a provider result (DTO v1)."""
    items: list[ItemV1] = []
    sums = [0.0, 0.0, 0.0, 0.0]
    for it in result.items:
        kcal, p, f, c = item_numbers(it)
        for i, v in enumerate((kcal, p, f, c)):
            sums[i] += v
        grams = None if it.grams is None or not math.isfinite(it.grams) else _g(_pos(it.grams))
        items.append(ItemV1(name=it.name, quantity=it.quantity, unit=it.unit, grams=grams,
                            kcal=_kcal(kcal), protein_g=_g(p), fat_g=_g(f), carbs_g=_g(c)))
    totals = TotalsV1(kcal=_kcal(sums[0]), protein_g=_g(sums[1]), fat_g=_g(sums[2]), carbs_g=_g(sums[3]))
    return NutritionV1(items=items, totals=totals)
