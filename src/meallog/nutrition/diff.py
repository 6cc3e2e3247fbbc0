"""Field diffs between two nutrition totals (legacy vs v2). Pure."""

from __future__ import annotations

from meallog.nutrition.types import FIELDS, Field, Totals

EPS = 1e-9


def field_diffs(legacy: Totals, v2: Totals, *, eps: float = EPS) -> dict[Field, tuple[float, float]]:
    """Per field: (abs, rel) with abs = |v2 - legacy| and rel = abs / max(|legacy|, eps)."""
    out: dict[Field, tuple[float, float]] = {}
    for f in FIELDS:
        a, b = legacy.get(f), v2.get(f)
        diff = abs(b - a)
        out[f] = (diff, diff / max(abs(a), eps))
    return out
