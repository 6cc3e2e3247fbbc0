"""Accuracy benchmark of legacy vs v2 nutrition over labelled_meals.jsonl: `make bench-nutrition`.

Prints, for legacy and v2 (NEVER_ZERO_MODE safe, and off/strict for comparison): the median
absolute percentage error (MdAPE) of meal kcal and of each macro against the reference, the share
of items tagged unknown (legacy: items the provider gave no numbers for), and the share of real
foods logged at 0 kcal (must be 0 for v2 in safe mode). `--json` prints the numbers as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from statistics import median
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from meallog.nutrition.dto import UNKNOWN_TAGS  # noqa: E402
from meallog.nutrition.legacy import compute_legacy  # noqa: E402
from meallog.nutrition.normalize_v2 import V2Options, normalize  # noqa: E402
from meallog.providers.offline import OfflineProvider  # noqa: E402

FIELDS = ("kcal", "protein_g", "fat_g", "carbs_g")
MIN_REF = {"kcal": 1.0, "protein_g": 1.0, "fat_g": 1.0, "carbs_g": 1.0}  # skip near-zero references
LABELS = Path(__file__).resolve().parent / "labelled_meals.jsonl"


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(meals: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    provider = OfflineProvider()
    systems = ("legacy", "v2_safe", "v2_off", "v2_strict")
    errors: dict[str, dict[str, list[float]]] = {s: {f: [] for f in FIELDS} for s in systems}
    unknown = dict.fromkeys(systems, 0)
    zero_real = dict.fromkeys(systems, 0)
    items_total = real_total = misaligned = 0
    for meal in meals:
        parsed = provider.parse(meal["text"])
        outputs: dict[str, tuple[dict[str, float], list[float], int]] = {}
        legacy = compute_legacy(parsed)
        no_numbers = sum(
            1
            for i in parsed.items
            if all(getattr(i, f) is None for f in ("kcal", "protein_g", "fat_g", "carbs_g"))
        )
        outputs["legacy"] = (legacy.totals.model_dump(), [i.kcal for i in legacy.items], no_numbers)
        for mode in ("safe", "off", "strict"):
            rec = normalize(parsed, options=V2Options(never_zero_mode=mode), pipeline_version="bench")  # type: ignore[arg-type]
            tagged = sum(1 for i in rec.items if set(i.tags) & set(UNKNOWN_TAGS))
            outputs[f"v2_{mode}"] = (rec.totals.model_dump(), [i.kcal for i in rec.items], tagged)
        labels = meal["items"]
        items_total += len(parsed.items)
        aligned = len(labels) == len(parsed.items)
        misaligned += not aligned
        real_total += sum(1 for lab in labels if lab["real"])
        for system, (totals, item_kcals, n_unknown) in outputs.items():
            unknown[system] += n_unknown
            if aligned:
                zero_real[system] += sum(
                    1 for lab, k in zip(labels, item_kcals, strict=True) if lab["real"] and k == 0
                )
            ref = meal.get("ref_totals")
            if ref:
                for f in FIELDS:
                    if ref[f] >= MIN_REF[f]:
                        errors[system][f].append(abs(totals[f] - ref[f]) / ref[f] * 100.0)
    out: dict[str, dict[str, Any]] = {}
    for s in systems:
        out[s] = {
            **{f"mdape_{f}": round(median(errors[s][f]), 2) if errors[s][f] else None for f in FIELDS},
            "unknown_item_share": round(unknown[s] / items_total, 4) if items_total else 0.0,
            "real_food_zero_kcal_share": round(zero_real[s] / real_total, 4) if real_total else 0.0,
        }
    out["_meta"] = {
        "meals": len(meals),
        "items": items_total,
        "real_items": real_total,
        "meals_scored": len(errors["legacy"]["kcal"]),
        "misaligned_meals": misaligned,
    }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--labels", type=Path, default=LABELS)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    result = evaluate(load(args.labels))
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        meta = result["_meta"]
        print(
            f"meals {meta['meals']} (scored {meta['meals_scored']}), items {meta['items']}, "
            f"real items {meta['real_items']}, misaligned meals {meta['misaligned_meals']}"
        )
        cols = [
            "mdape_kcal",
            "mdape_protein_g",
            "mdape_fat_g",
            "mdape_carbs_g",
            "unknown_item_share",
            "real_food_zero_kcal_share",
        ]
        print(f"{'system':<10} " + " ".join(f"{c:>26}" for c in cols))
        for s in ("legacy", "v2_safe", "v2_off", "v2_strict"):
            row = result[s]
            print(f"{s:<10} " + " ".join(f"{'-' if row[c] is None else row[c]:>26}" for c in cols))
    ok = result["v2_safe"]["real_food_zero_kcal_share"] == 0
    if not ok:
        print("FAIL: v2 (safe) logged a real food at 0 kcal", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
