"""The adapter: a v2 record (DTO v2) -> the legacy view (DTO v1) that old clients and the web view read.

Pure and total: every v2 item becomes one v1 item (same order, so item counts match legacy), with
kcal rounded to an integer and grams to 0.1 g; totals are the record's own (already rounded).
v2-only fields (status, tags, proposals, food ids, alcohol) have no place in v1 and are dropped.
"""

from __future__ import annotations

from meallog.nutrition.dto import ItemV1, ItemV2, NutritionV1, RecordV2, TotalsV1


def _g(x: float | None) -> float:
    return round(max(float(x or 0.0), 0.0), 1) + 0.0


def item_to_v1(item: ItemV2) -> ItemV1:
    return ItemV1(
        name=item.name,
        quantity=item.quantity,
        unit=item.unit,
        grams=None if item.grams is None else _g(item.grams),
        kcal=float(round(max(item.kcal, 0.0))) + 0.0,
        protein_g=_g(item.protein_g),
        fat_g=_g(item.fat_g),
        carbs_g=_g(item.carbs_g),
    )


def to_legacy_view(record: RecordV2) -> NutritionV1:
    """DTO v1 of a v2 record (the dual read's view)."""
    t = record.totals
    return NutritionV1(
        items=[item_to_v1(i) for i in record.items],
        totals=TotalsV1(kcal=float(round(t.kcal)) + 0.0, protein_g=_g(t.protein_g), fat_g=_g(t.fat_g),
                        carbs_g=_g(t.carbs_g)),
    )
