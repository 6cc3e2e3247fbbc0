"""The realistic benchmark set (bench/nutrition/realistic_meals.jsonl) as a regression guard."""

from __future__ import annotations

from typing import Any

import pytest
from bench.nutrition.run import REALISTIC, TARGETS, evaluate_realistic, load

# The target for within-range (0.90), which v2 meets on table 2026.12: never fall below it.
WITHIN_RANGE_FLOOR = TARGETS["within_range"]


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    return evaluate_realistic(load(REALISTIC))


def test_the_set_is_big_and_mostly_japanese() -> None:
    meals = load(REALISTIC)
    assert len(meals) >= 250
    share_ja = sum(m["locale"] == "ja" for m in meals) / len(meals)
    assert 0.55 <= share_ja <= 0.65
    for m in meals:
        lo, hi = m["kcal"]
        assert 0 <= lo <= hi and m["source"] and m["source_text"], m


def test_no_silent_substitution_and_no_item_over_its_cap(result: dict[str, Any]) -> None:
    assert result["silent_substitutions"] == [] and result["over_cap"] == []


def test_matched_or_honestly_estimated(result: dict[str, Any]) -> None:
    assert result["honest"]["v2"] >= TARGETS["honest"]


def test_within_range_does_not_regress_and_beats_legacy(result: dict[str, Any]) -> None:
    assert result["within_range"]["v2"] >= WITHIN_RANGE_FLOOR
    assert result["within_range"]["v2"] > result["within_range"]["legacy"]
