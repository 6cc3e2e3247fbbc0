"""The series budget is written down, agrees with the code, and holds when every cap is exceeded."""

from __future__ import annotations

import re
from collections import Counter

from meallog.observability.metrics import FIELDS, HTTP_METHODS, SERIES_BUDGET, Metrics

from .conftest import REPO

DOC = REPO / "observability" / "SERIES_BUDGET.md"


def _documented() -> dict[str, int]:
    rows = re.findall(r"^\| `(\w+)` \| (\d+) \|", DOC.read_text(), flags=re.M)
    return {name: int(n) for name, n in rows}


def _flood(m: Metrics) -> None:
    m.set_phase("P1")
    m.set_shadow_lag(1.0)
    m.set_dead_letters(1)
    m.set_default_partition_rows("diffs", 1)
    m.set_default_partition_rows("meal_logs_v2_shadow", 1)
    m.shadow_diff({f: (1.0, 0.1) for f in FIELDS}, FIELDS)
    m.day_diff({f: 1.0 for f in FIELDS})
    for i in range(60):
        m.set_flag(f"FLAG_{i}", 1)
        m.set_outbox_depth(f"state{i}", 1)
        m.shadow_shed(f"reason{i}")
        m.shadow_job(f"outcome{i}", 0.1)
        m.phase_change(f"cause{i}")
        m.flag_error("store")
        m.read_version_miss()
        for op in ("compute", "write_v2", "read_v2", "compare", "enqueue"):
            m.v2_raised(op, f"Error{i}")
        for j in range(8):
            m.ops_job(f"job{i}", f"outcome{j}", 1.0)
        m.ops_job_work(f"job{i}", rows=1, nbytes=1)
        m.set_ops_last_success(f"job{i}", 1.0)
        for method in (*HTTP_METHODS, "BREW"):
            for status in range(200, 240):
                m.http_request(f"/route/{i}", method, status, 0.1)


def _counts(m: Metrics) -> Counter[str]:
    counts: Counter[str] = Counter()
    for family in m.registry.collect():
        name = family.name + "_total" if family.type == "counter" else family.name
        counts[name] += len(family.samples)
    return counts


def test_doc_and_code_agree() -> None:
    documented = _documented()
    assert documented == dict(SERIES_BUDGET)
    total = re.search(r"\*\*total\*\* \| \*\*(\d+)\*\*", DOC.read_text())
    assert total and int(total.group(1)) == sum(SERIES_BUDGET.values())


def test_every_metric_has_a_budget(metrics: Metrics) -> None:
    assert set(_counts(metrics)) <= set(SERIES_BUDGET)
    _flood(metrics)
    assert set(_counts(metrics)) == set(SERIES_BUDGET)


def test_flooded_metrics_stay_within_budget(metrics: Metrics) -> None:
    _flood(metrics)
    counts = _counts(metrics)
    for name, budget in SERIES_BUDGET.items():
        assert counts[name] <= budget, (name, counts[name], budget)
    assert sum(counts.values()) <= sum(SERIES_BUDGET.values())


def test_nutrition_series_do_not_depend_on_traffic(metrics: Metrics) -> None:
    before = _counts(metrics)
    _flood(metrics)
    after = _counts(metrics)
    for name in (
        "meal_log_shadow_diff_abs",
        "meal_log_shadow_diff_rel",
        "meal_log_day_diff_abs",
        "meal_log_shadow_diff_breach_total",
        "meal_log_ai_parse_total",
        "meal_log_ai_retry_total",
        "meal_log_unknown_total",
    ):
        assert before[name] == after[name] == SERIES_BUDGET[name], name
