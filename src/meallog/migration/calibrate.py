"""A/A noise floor: how far a pipeline disagrees with itself on the same input.

For the last `sample` legacy logs, the stored provider result goes through legacy twice and through
v2 twice; the P95 of each field's abs and rel diff is that pipeline's floor. A deterministic
pipeline has a floor of 0; a floor above 0 (non-determinism, float order, a time-dependent rule)
is noise that the Diff-Gate must not blame on the migration: the gate subtracts the larger floor.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from meallog.migration.diff import diff_totals
from meallog.migration.gate import percentile
from meallog.migration.shadow import compute_v2
from meallog.nutrition.legacy import compute_legacy
from meallog.nutrition.normalize_v2 import V2Options
from meallog.nutrition.types import FIELDS, ProviderResult
from meallog.store.models import Calibration, MealLog

KINDS = ("legacy_aa", "v2_aa")


@dataclass(frozen=True, slots=True)
class FieldFloor:
    kind: str
    field: str
    floor_abs: float
    floor_rel: float
    samples: int


@dataclass(frozen=True, slots=True)
class CalibrationReport:
    samples: int
    floors: list[FieldFloor]
    failed: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "samples": self.samples,
            "failed": self.failed,
            "floors": [
                {
                    "kind": f.kind,
                    "field": f.field,
                    "floor_abs": f.floor_abs,
                    "floor_rel": f.floor_rel,
                    "samples": f.samples,
                }
                for f in self.floors
            ],
        }


def _totals(obj: Any) -> Mapping[str, float]:
    t = obj.totals
    return t.model_dump() if hasattr(t, "model_dump") else dict(t)


def calibrate(
    s: Session, *, sample: int, now: datetime, options: V2Options, pipeline_version: str
) -> CalibrationReport:
    """Measure and store the legacy A/A and v2 A/A floors (P95 per field) over the last `sample` logs."""
    logs = list(s.scalars(select(MealLog).order_by(MealLog.id.desc()).limit(sample)))
    runs: dict[str, Callable[[ProviderResult], Mapping[str, float]]] = {
        "legacy_aa": lambda p: _totals(compute_legacy(p)),
        "v2_aa": lambda p: _totals(compute_v2(p, options=options, pipeline_version=pipeline_version)),
    }
    abs_: dict[tuple[str, str], list[float]] = {(k, f): [] for k in KINDS for f in FIELDS}
    rel: dict[tuple[str, str], list[float]] = {(k, f): [] for k in KINDS for f in FIELDS}
    n = failed = 0
    for log in logs:
        parsed = ProviderResult.from_dict(log.provider_result)
        try:
            pairs = {k: (run(parsed), run(parsed)) for k, run in runs.items()}
        except Exception:  # a log the pipeline cannot compute says nothing about its noise
            failed += 1
            continue
        n += 1
        for kind, (a, b) in pairs.items():
            for f, d in diff_totals(a, b).items():
                abs_[(kind, f)].append(d.abs)
                rel[(kind, f)].append(d.rel)
    floors: list[FieldFloor] = []
    if n:
        for kind in KINDS:
            for f in FIELDS:
                fl = FieldFloor(
                    kind,
                    f,
                    round(percentile(abs_[(kind, f)], 0.95), 3),
                    round(percentile(rel[(kind, f)], 0.95), 4),
                    n,
                )
                floors.append(fl)
                s.add(
                    Calibration(
                        ts=now, kind=kind, field=f, floor_abs=fl.floor_abs, floor_rel=fl.floor_rel, samples=n
                    )
                )
        s.flush()
    return CalibrationReport(samples=n, floors=floors, failed=failed)
