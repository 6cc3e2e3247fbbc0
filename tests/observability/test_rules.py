"""The rule files pass `promtool check rules --lint=all --lint-fatal` and their unit tests."""

from __future__ import annotations

import re
import subprocess

import pytest
import yaml

from meallog.observability.metrics import ABS_BUCKETS, DAY_BUCKETS, REL_BUCKETS

from .conftest import PROM_DIR

RULE_FILES = sorted(PROM_DIR.glob("*.yml"))
TEST_FILES = sorted((PROM_DIR / "tests").glob("*.yml"))
ALERTS = {
    "MealLogAIParseFailHigh",
    "MealLogAIRetrySuccessLow",
    "MealLogDayDiffP90Breach",
    "MealLogShadowDiffBreachBurst",
    "MealLogShadowDiffBreachDaily",
    "MealLogShadowDiffP95High",
    "MealLogShadowDiffRelHigh",
    "MealLogUnknownSurge",
    "MealLogAIParseBudgetBurn",
    "MealLogShadowBreachBudgetBurn",
    "MealLogArchiveStale",
    "MealLogShadowDefaultPartitionRows",
    "MealLogStructuralReadMismatch",
}


def _rules(kind: str) -> list[dict]:
    out = []
    for f in RULE_FILES:
        for group in yaml.safe_load(f.read_text())["groups"]:
            out += [r for r in group["rules"] if kind in r]
    return out


def test_rule_files_exist() -> None:
    names = {f.name for f in RULE_FILES}
    assert {"shadow-diff-alerts.yml", "shadow-diff-recording-rules.yml"} <= names
    assert TEST_FILES


def test_promtool_check_rules_lint_fatal(promtool: str) -> None:
    proc = subprocess.run(
        [promtool, "check", "rules", "--lint=all", "--lint-fatal", *map(str, RULE_FILES)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("test_file", TEST_FILES, ids=lambda p: p.name)
def test_promtool_test_rules(promtool: str, test_file) -> None:
    proc = subprocess.run(
        [promtool, "test", "rules", test_file.name],
        cwd=test_file.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_alert_is_named_and_labelled() -> None:
    alerts = _rules("alert")
    assert {a["alert"] for a in alerts} == ALERTS
    for a in alerts:
        assert a["labels"]["severity"] == "page", a["alert"]
        assert a.get("for"), f"{a['alert']} needs a `for` so one bad evaluation does not page"
        ann = a["annotations"]
        assert ann["summary"] and ann["description"]
        assert ann["runbook_url"] == f"docs/ops/RUNBOOK.md#alert-{a['alert'].lower()}"
        assert "{{ $labels.env }}" in ann["summary"], a["alert"]


def test_every_alert_is_tested_firing_pending_and_quiet() -> None:
    tested: dict[str, list[list]] = {}
    pending: set[str] = set()
    for f in TEST_FILES:
        for case in yaml.safe_load(f.read_text())["tests"]:
            assert case.get("interval"), f"{f.name}: promtool 2.42 needs `interval:` in every test group"
            for t in case.get("alert_rule_test", []):
                tested.setdefault(t["alertname"], []).append(t["exp_alerts"])
            for t in case.get("promql_expr_test", []):
                for s in t.get("exp_samples", []):
                    m = re.search(r'alertname="(\w+)",alertstate="pending"', s["labels"])
                    if m:
                        pending.add(m.group(1))
    assert set(tested) == ALERTS
    assert pending == ALERTS
    for name, expectations in tested.items():
        assert any(e for e in expectations), f"{name} never fires in a test"
        assert any(not e for e in expectations), f"{name} is never quiet in a test"


def test_every_aggregation_keeps_env() -> None:
    for f in RULE_FILES:
        text = f.read_text()
        for by in re.findall(r"\b(?:sum|max|min|avg|count) by \(([^)]*)\)", text):
            assert "env" in [x.strip() for x in by.split(",")], f"{f.name}: by ({by}) drops env"


def test_bucket_bounds_read_by_alerts_exist() -> None:
    text = (PROM_DIR / "shadow-diff-alerts.yml").read_text()
    bounds = {
        "meal_log_shadow_diff_abs": ABS_BUCKETS,
        "meal_log_shadow_diff_rel": REL_BUCKETS,
        "meal_log_day_diff_abs": DAY_BUCKETS,
    }
    found = re.findall(r'env_field_le:(\w+)_bucket:\w+\{[^}]*le="([^"]+)"', text)
    assert found
    for metric, le in found:
        if le != "+Inf":
            assert float(le) in bounds[metric], (metric, le)
            assert le == repr(float(le)), f"prometheus_client writes le as a float: {le}"
    assert 80.0 in ABS_BUCKETS and 15.0 in ABS_BUCKETS and 0.18 in REL_BUCKETS
    assert 80.0 in DAY_BUCKETS and 15.0 in DAY_BUCKETS


def test_recording_rules_cover_p50_p90_p95_by_env_and_field() -> None:
    records = {r["record"] for r in _rules("record")}
    for metric in ("abs", "rel"):
        for q in (50, 90, 95):
            for window in ("5m", "1d"):
                assert f"env_field:meal_log_shadow_diff_{metric}:p{q}_{window}" in records
    assert "env_field:meal_log_shadow_diff_breach:increase15m" in records
    assert "env_field:meal_log_shadow_diff_breach:increase1d" in records
