"""Golden DTO fixtures of the dual read (runbook §8): NAME.v2.json through the adapter == NAME.legacy.json.

No database: runs in the CI=1 DB-less run (`CI=1 pytest tests/golden`). `UPDATE_GOLDEN=1 pytest
tests/golden` rewrites the expected legacy JSON from the adapter (review the diff before committing it).
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from meallog.nutrition.adapter import to_legacy_view
from meallog.nutrition.dto import NutritionV1, RecordV2
from tests.golden.broken import adapter_drops_last_item, adapter_one_number_off

HERE = Path(__file__).resolve().parent
PAIRS = sorted(p.name[: -len(".v2.json")] for p in HERE.glob("*.v2.json"))
UPDATE = os.environ.get("UPDATE_GOLDEN", "").lower() in ("1", "true", "yes")
Adapter = Callable[[RecordV2], NutritionV1]


def dump(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def golden_diff(name: str, adapter: Adapter = to_legacy_view) -> str:
    """A unified diff of NAME.legacy.json (expected) against adapter(NAME.v2.json); empty when equal."""
    record = RecordV2.model_validate_json((HERE / f"{name}.v2.json").read_text(encoding="utf-8"))
    got = dump(adapter(record).model_dump(mode="json"))
    expected = (HERE / f"{name}.legacy.json").read_text(encoding="utf-8")
    return "".join(difflib.unified_diff(expected.splitlines(keepends=True), got.splitlines(keepends=True),
                                        fromfile=f"{name}.legacy.json (expected)",
                                        tofile=f"adapter({name}.v2.json)"))


def test_there_are_enough_golden_pairs() -> None:
    assert len(PAIRS) >= 8


@pytest.mark.parametrize("name", PAIRS)
def test_adapter_matches_golden(name: str) -> None:
    record = RecordV2.model_validate_json((HERE / f"{name}.v2.json").read_text(encoding="utf-8"))
    got = to_legacy_view(record).model_dump(mode="json")
    expected_path = HERE / f"{name}.legacy.json"
    if UPDATE or not expected_path.exists():
        if not UPDATE:
            pytest.fail(f"{expected_path.name} is missing: run with UPDATE_GOLDEN=1 to create it")
        expected_path.write_text(dump(got), encoding="utf-8")
    NutritionV1.model_validate(json.loads(expected_path.read_text(encoding="utf-8")))  # valid DTO v1 itself
    diff = golden_diff(name)
    assert not diff, f"the adapter's legacy view of {name} differs from the golden file:\n{diff}"


def test_an_adapter_one_number_off_fails_with_a_readable_diff() -> None:
    diff = golden_diff("ja_breakfast", adapter_one_number_off)
    assert '-      "kcal": 234.0,' in diff and '+      "kcal": 334.0,' in diff
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed == ['-      "kcal": 234.0,', '+      "kcal": 334.0,']  # the one changed line, nothing else
    assert "--- ja_breakfast.legacy.json (expected)" in diff


def test_an_adapter_that_drops_an_item_fails_with_a_readable_diff() -> None:
    diff = golden_diff("ja_breakfast", adapter_drops_last_item)
    assert '-      "name": "焼き鮭",' in diff  # the dropped item's name, readable (not \\u escaped)
