#!/usr/bin/env python3
"""Write a SIMULATED 4-week pull (pull_demo_20250920.json) shaped like pull_shadow_metrics.sh output.

Not real data (runbook §4: as of 2025-09-20 no retraining on real data has happened). Daily P95
values every 6 h for prod and stg, seeded, so the summary CSV beside it is reproducible:

    python3 make_demo_input.py            # or: make_demo_input.py OUT.json
    python3 ../../../scripts/prometheus/compute_shadow_thresholds.py pull_demo_20250920.json \
        --min-samples 100 --csv baseline_summary_20250920.csv
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

END = 1758326400  # 2025-09-20T00:00:00Z
STEP = 6 * 3600
POINTS = 28 * 4
# (metric, field) -> (typical daily P95, day-to-day spread)
SHAPE = {
    ("abs", "kcal"): (42.0, 9.0),
    ("abs", "protein_g"): (6.5, 1.6),
    ("abs", "fat_g"): (7.8, 2.1),
    ("abs", "carbs_g"): (9.4, 2.4),
    ("rel", "kcal"): (0.085, 0.02),
    ("rel", "protein_g"): (0.11, 0.03),
    ("rel", "fat_g"): (0.13, 0.035),
    ("rel", "carbs_g"): (0.095, 0.025),
}


def main(out: Path) -> None:
    rng = random.Random(20250920)
    results: dict[str, list[dict]] = {}
    for env, scale in (("prod", 1.0), ("stg", 1.3)):
        for (metric, field), (center, spread) in SHAPE.items():
            values = []
            for i in range(POINTS):
                weekly = 1.0 + 0.08 * ((i // 4) % 7 in (5, 6))  # weekends eat out more
                v = max(0.0, rng.gauss(center * scale * weekly, spread))
                values.append([END - STEP * (POINTS - 1 - i), f"{v:.4f}"])
            name = f"env_field:meal_log_shadow_diff_{metric}:p95_1d"
            results.setdefault(name, []).append({"metric": {"__name__": name, "env": env, "field": field},
                                                 "values": values})  # fmt: skip
    doc = {
        "prom_url": "simulated",
        "start": END - STEP * (POINTS - 1),
        "end": END,
        "step": STEP,
        "env": None,
        "series": {
            k: {"status": "success", "data": {"resultType": "matrix", "result": v}}
            for k, v in results.items()
        },  # fmt: skip
    }
    out.write_text(json.dumps(doc) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("pull_demo_20250920.json"))
