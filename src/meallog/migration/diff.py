"""Field diffs between the legacy and the v2 computation of one log, and breach rules. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from meallog.nutrition.types import FIELDS, Field

EPS = 1e-9


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Production thresholds stay at the legacy values (runbook §4): 80 kcal / 15 g / 18 %.

    A relative breach needs a minimum absolute size too, so that 2 kcal vs 3 kcal (50 %) on a cup
    of tea is not a breach.
    """

    kcal_abs: float = 80.0
    macro_abs: float = 15.0
    rel: float = 0.18
    rel_floor_kcal: float = 20.0
    rel_floor_g: float = 3.0

    def abs_limit(self, field: Field) -> float:
        return self.kcal_abs if field == "kcal" else self.macro_abs

    def rel_floor(self, field: Field) -> float:
        return self.rel_floor_kcal if field == "kcal" else self.rel_floor_g


@dataclass(frozen=True, slots=True)
class FieldDiff:
    field: Field
    legacy: float
    v2: float
    abs: float
    rel: float


def field_diff(field: Field, legacy: float, v2: float) -> FieldDiff:
    a = abs(v2 - legacy)
    base = max(abs(legacy), abs(v2))
    rel = 0.0 if a < EPS else a / max(base, EPS)
    return FieldDiff(field=field, legacy=legacy, v2=v2, abs=round(a, 3), rel=round(rel, 4))


def diff_totals(legacy: Mapping[str, float], v2: Mapping[str, float]) -> dict[Field, FieldDiff]:
    return {f: field_diff(f, float(legacy.get(f, 0.0) or 0.0), float(v2.get(f, 0.0) or 0.0)) for f in FIELDS}


def breached(diffs: Mapping[Field, FieldDiff], t: Thresholds) -> list[Field]:
    out: list[Field] = []
    for f, d in diffs.items():
        if d.abs > t.abs_limit(f) or (d.rel > t.rel and d.abs >= t.rel_floor(f)):
            out.append(f)
    return out
