"""Writes the golden v2 inputs (NAME.v2.json) from meal texts: `python tests/golden/build_inputs.py`.

The inputs are fixtures: rebuild them only on purpose (a DTO v2 change), then run the golden test
with UPDATE_GOLDEN=1 and review both diffs.
"""

from __future__ import annotations

import json
from pathlib import Path

from meallog.nutrition.normalize_v2 import V2Options, normalize
from meallog.nutrition.types import ProviderItem, ProviderResult
from meallog.providers.offline import OfflineProvider

HERE = Path(__file__).resolve().parent
PV = "v2.0.0"

TEXTS: dict[str, tuple[str, V2Options]] = {
    "ja_breakfast": ("ご飯 1杯と味噌汁、焼き鮭", V2Options()),
    "en_breakfast": ("2 eggs, toast with butter, black coffee", V2Options()),
    "ja_beer_alcohol": ("ビール2缶と枝豆", V2Options()),
    "set_meal_proposal": ("唐揚げ定食", V2Options(set_proposal_ui=True)),
    "set_meal_no_ui": ("唐揚げ定食 2人前", V2Options(set_proposal_ui=False)),
    "never_zero_safe": ("ビビンバと麦茶", V2Options(never_zero_mode="safe")),
    "never_zero_off": ("ビビンバと麦茶", V2Options(never_zero_mode="off")),
    "never_zero_strict": ("mystery thing and water", V2Options(never_zero_mode="strict")),
    "unknown_unit_portion": ("ご飯 1缶、納豆少し", V2Options()),
    "cup_ja": ("牛乳 1カップ", V2Options()),
    "cup_en": ("1 cup of milk", V2Options()),
    "fullwidth_fraction": ("卵２個、豆腐 1/2丁、ご飯大盛り", V2Options()),
    "empty": ("", V2Options()),
}


def provider_values_record() -> dict:
    """A Gemini-like result with provider numbers for a name the table lacks, scaled by Atwater."""
    result = ProviderResult(
        items=(
            ProviderItem(name="chicken tikka masala", quantity=1, unit="plate", grams=350, kcal=520,
                         protein_g=32, fat_g=26, carbs_g=36),
            ProviderItem(name="roti", food_id=None, quantity=1, unit="piece", grams=90, kcal=262,
                         protein_g=8.7, fat_g=5.1, carbs_g=45.4),
        ),
        provider="gemini",
        model="gemini-2.5-flash",
        locale="en",
    )
    opts = V2Options(atwater_simple_scale=True)
    return normalize(result, options=opts, pipeline_version=PV).model_dump(mode="json")


def main() -> None:
    provider = OfflineProvider()
    for name, (text, opts) in TEXTS.items():
        record = normalize(provider.parse(text), options=opts, pipeline_version=PV)
        write(name, record.model_dump(mode="json"))
    write("provider_values_scaled", provider_values_record())


def write(name: str, data: dict) -> None:
    path = HERE / f"{name}.v2.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(path.name)


if __name__ == "__main__":
    main()
