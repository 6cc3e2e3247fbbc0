"""Accuracy benchmark of legacy vs v2 nutrition: `make bench-nutrition`.

Two sets. ``realistic_meals.jsonl`` (texts as people type them, each with a referenced kcal range):
per system the share of texts whose total is within range, of texts whose every item is matched or
honestly estimated, the silent substitutions (an ``ok`` item whose food is not the one named), the
items over their cap, and the ten worst texts. ``labelled_meals.jsonl`` (the table's own portion
conventions), as before:

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

from meallog.nutrition.categories import item_cap_kcal  # noqa: E402
from meallog.nutrition.dto import UNKNOWN_TAGS  # noqa: E402
from meallog.nutrition.foods import normalize_name  # noqa: E402
from meallog.nutrition.legacy import compute_legacy  # noqa: E402
from meallog.nutrition.normalize_v2 import V2Options, normalize  # noqa: E402
from meallog.nutrition.parser import parse_text  # noqa: E402
from meallog.providers.offline import OfflineProvider  # noqa: E402

FIELDS = ("kcal", "protein_g", "fat_g", "carbs_g")
MIN_REF = {"kcal": 1.0, "protein_g": 1.0, "fat_g": 1.0, "carbs_g": 1.0}  # skip near-zero references
LABELS = Path(__file__).resolve().parent / "labelled_meals.jsonl"
REALISTIC = Path(__file__).resolve().parent / "realistic_meals.jsonl"
TARGETS = {"within_range": 0.90, "honest": 0.95, "silent_substitutions": 0, "over_cap": 0}
HONEST = frozenset({"ok", "estimated", "amount_unknown"})


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


def _miss(kcal: float, lo: float, hi: float) -> float:
    """How far outside [lo, hi] a total is, relative to the nearer bound (0 inside)."""
    if lo <= kcal <= hi:
        return 0.0
    bound = lo if kcal < lo else hi
    return abs(kcal - bound) / max(bound, 50.0)


def evaluate_realistic(meals: list[dict[str, Any]]) -> dict[str, Any]:
    """Within range, matched-or-honest, silent substitutions and caps, legacy beside v2 (safe)."""
    provider = OfflineProvider()
    table = provider.foods
    aliases = {f.food_id: {normalize_name(a) for a in f.aliases} for f in table.foods}
    within = {"legacy": 0, "v2": 0}
    honest = {"legacy": 0, "v2": 0}
    silent: list[str] = []
    over_cap: list[str] = []
    worst: list[tuple[float, str, float, float, int, int]] = []
    for meal in meals:
        lo, hi = meal["kcal"]
        parsed = provider.parse(meal["text"])
        phrases = parse_text(meal["text"], table)
        legacy = compute_legacy(parsed)
        rec = normalize(parsed, options=V2Options(never_zero_mode="safe"), pipeline_version="bench")
        within["legacy"] += lo <= legacy.totals.kcal <= hi
        within["v2"] += lo <= rec.totals.kcal <= hi
        honest["legacy"] += all(
            any(getattr(i, f) is not None for f in FIELDS) or i.kcal == 0 and hi == 0 for i in parsed.items
        )
        honest["v2"] += all(i.status in HONEST for i in rec.items)
        for item, phrase in zip(rec.items, phrases, strict=False):
            if item.status == "ok" and item.food_id and normalize_name(phrase.name) not in aliases[item.food_id]:
                silent.append(f"{meal['text']}: {phrase.name!r} -> {item.food_id}")
            if item.kcal > item_cap_kcal(item.category):
                over_cap.append(f"{meal['text']}: {item.name} {item.kcal:.0f} kcal")
        worst.append((_miss(rec.totals.kcal, lo, hi), meal["text"], legacy.totals.kcal, rec.totals.kcal, lo, hi))
    n = len(meals)
    worst.sort(key=lambda w: -w[0])
    return {
        "meals": n,
        "ja": sum(1 for m in meals if m["locale"] == "ja"),
        "within_range": {k: round(v / n, 4) for k, v in within.items()},
        "honest": {k: round(v / n, 4) for k, v in honest.items()},
        "silent_substitutions": silent,
        "over_cap": over_cap,
        "worst": [
            {"text": t, "legacy": lg, "v2": v2, "range": [lo, hi], "miss": round(m, 3)}
            for m, t, lg, v2, lo, hi in worst[:10]
        ],
    }


def realistic_ok(r: dict[str, Any]) -> bool:
    return (
        r["within_range"]["v2"] >= TARGETS["within_range"]
        and r["honest"]["v2"] >= TARGETS["honest"]
        and len(r["silent_substitutions"]) == TARGETS["silent_substitutions"]
        and len(r["over_cap"]) == TARGETS["over_cap"]
    )


def print_realistic(r: dict[str, Any]) -> None:
    print(f"realistic set: {r['meals']} texts ({r['ja']} JA, {r['meals'] - r['ja']} EN)")
    print("| measure | legacy | v2 (safe) | target |")
    print("|---|---|---|---|")
    pct = "{:.1%}".format
    print(f"| total within range | {pct(r['within_range']['legacy'])} | {pct(r['within_range']['v2'])} | >= 90 % |")
    print(f"| every item matched or honestly estimated | {pct(r['honest']['legacy'])} | {pct(r['honest']['v2'])} "
          "| >= 95 % |")
    print(f"| silent substitutions | - | {len(r['silent_substitutions'])} | 0 |")
    print(f"| items over their cap | - | {len(r['over_cap'])} | 0 |")
    for line in r["silent_substitutions"] + r["over_cap"]:
        print(f"  ! {line}")
    print("ten worst (v2 total vs range):")
    for w in r["worst"]:
        print(f"  {w['text']}: v2 {w['v2']:.0f}, legacy {w['legacy']:.0f}, range {w['range'][0]}-{w['range'][1]}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--labels", type=Path, default=LABELS)
    ap.add_argument("--realistic", type=Path, default=REALISTIC)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    result = evaluate(load(args.labels))
    realistic = evaluate_realistic(load(args.realistic))
    if args.json:
        print(json.dumps({"realistic": realistic, "labelled": result}, ensure_ascii=False, indent=2))
    else:
        print_realistic(realistic)
        print()
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
    if not realistic_ok(realistic):
        print("FAIL: v2 misses a target of the realistic set", file=sys.stderr)
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
