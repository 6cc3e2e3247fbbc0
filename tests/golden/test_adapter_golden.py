"""Golden DTO fixtures of the dual read (runbook §8): NAME.v2.json through the adapter == NAME.legacy.json.

No database: runs in the CI=1 DB-less run. `UPDATE_GOLDEN=1 pytest tests/golden` rewrites the
expected legacy JSON from the adapter (review the diff before committing it).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from meallog.nutrition.adapter import to_legacy_view
from meallog.nutrition.dto import NutritionV1, RecordV2

HERE = Path(__file__).resolve().parent
PAIRS = sorted(p.name[: -len(".v2.json")] for p in HERE.glob("*.v2.json"))
UPDATE = os.environ.get("UPDATE_GOLDEN", "").lower() in ("1", "true", "yes")


def dump(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


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
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert got == expected
    NutritionV1.model_validate(expected)  # the expected view is itself valid DTO v1
    assert dump(got) == expected_path.read_text(encoding="utf-8")  # byte-exact JSON too
