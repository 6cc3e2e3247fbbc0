"""Every Metrics method records what it says, on a fresh registry; NullMetrics records nothing."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import textwrap

import pytest
from prometheus_client import CollectorRegistry

from meallog.observability.metrics import (
    ABS_BUCKETS,
    FIELDS,
    PHASES,
    REL_BUCKETS,
    UNKNOWN_KINDS,
    CommonLabels,
    Metrics,
    NullMetrics,
)

from .conftest import LABELS, REPO

C = {
    "env": "prod",
    "shadow_version": "v2.0.0",
    "ai_provider": "gemini",
    "model": "gemini-2.5-flash",
    "app_version": "0.1.0",
}


def val(m: Metrics, metric: str, **labels: str) -> float | None:
    return m.registry.get_sample_value(metric, {**C, **labels})


def test_series_exist_at_zero_before_any_event(metrics: Metrics) -> None:
    # verify-deploy greps meal_log_shadow_diff_abs_bucket right after start (runbook §6)
    for f in FIELDS:
        assert val(metrics, "meal_log_shadow_diff_abs_bucket", field=f, le="80.0") == 0
        assert val(metrics, "meal_log_shadow_diff_rel_bucket", field=f, le="0.18") == 0
        assert val(metrics, "meal_log_day_diff_abs_bucket", field=f, le="15.0") == 0
        assert val(metrics, "meal_log_shadow_diff_breach_total", field=f) == 0
    for k in UNKNOWN_KINDS:
        assert val(metrics, "meal_log_unknown_total", kind=k) == 0
    assert val(metrics, "meal_log_ai_parse_total", outcome="fail") == 0
    assert val(metrics, "meal_log_ai_retry_total", outcome="success") == 0
    assert val(metrics, "meal_log_dual_read_total", outcome="mismatch") == 0
    assert val(metrics, "meal_log_build_info") == 1


def test_shadow_diff_observes_abs_rel_and_breaches(metrics: Metrics) -> None:
    metrics.shadow_diff(
        {"kcal": (90.0, 0.25), "protein_g": (-3.0, 0.1), "fat_g": (2.0, float("inf"))},
        breached=["kcal", "kcal"],
    )
    assert val(metrics, "meal_log_shadow_diff_abs_bucket", field="kcal", le="80.0") == 0
    assert val(metrics, "meal_log_shadow_diff_abs_bucket", field="kcal", le="100.0") == 1
    assert val(metrics, "meal_log_shadow_diff_abs_sum", field="protein_g") == 3.0
    assert val(metrics, "meal_log_shadow_diff_rel_bucket", field="kcal", le="0.18") == 0
    assert val(metrics, "meal_log_shadow_diff_rel_bucket", field="protein_g", le="0.18") == 1
    # a non-finite relative diff (legacy 0) is skipped; the abs diff still counts
    assert val(metrics, "meal_log_shadow_diff_rel_count", field="fat_g") == 0
    assert val(metrics, "meal_log_shadow_diff_abs_count", field="fat_g") == 1
    assert val(metrics, "meal_log_shadow_diff_breach_total", field="kcal") == 1
    assert val(metrics, "meal_log_shadow_diff_breach_total", field="protein_g") == 0


def test_day_diff(metrics: Metrics) -> None:
    metrics.day_diff({"kcal": 81.0, "carbs_g": 15.0})
    assert val(metrics, "meal_log_day_diff_abs_bucket", field="kcal", le="80.0") == 0
    assert val(metrics, "meal_log_day_diff_abs_bucket", field="kcal", le="100.0") == 1
    assert val(metrics, "meal_log_day_diff_abs_bucket", field="carbs_g", le="15.0") == 1


def test_ai_parse_retry_and_unknown(metrics: Metrics) -> None:
    metrics.ai_parse("ok")
    metrics.ai_parse("fail")
    metrics.ai_parse("fail")
    metrics.ai_retry("success")
    metrics.unknown("unknown_unit")
    assert val(metrics, "meal_log_ai_parse_total", outcome="ok") == 1
    assert val(metrics, "meal_log_ai_parse_total", outcome="fail") == 2
    assert val(metrics, "meal_log_ai_retry_total", outcome="success") == 1
    assert val(metrics, "meal_log_ai_retry_total", outcome="fail") == 0
    assert val(metrics, "meal_log_unknown_total", kind="unknown_unit") == 1


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.shadow_diff({"sugar_g": (1.0, 0.1)}, []),
        lambda m: m.shadow_diff({}, ["sodium"]),
        lambda m: m.day_diff({"kcals": 1.0}),
        lambda m: m.ai_parse("error"),
        lambda m: m.ai_retry("ok"),
        lambda m: m.unknown("unknown_brand"),
        lambda m: m.set_phase("P4"),
        lambda m: m.dual_read("same"),
    ],
)
def test_closed_label_sets_refuse_unknown_values(metrics: Metrics, call) -> None:
    with pytest.raises(ValueError):
        call(metrics)


def test_phase_is_one_hot(metrics: Metrics) -> None:
    metrics.set_phase("P1")
    metrics.set_phase("P2")
    assert {p: val(metrics, "meal_log_phase", phase=p) for p in PHASES} == {
        "OFF": 0,
        "P0": 0,
        "P1": 0,
        "P2": 1,
        "P3": 0,
    }


def test_migration_state_gauges_and_counters(metrics: Metrics) -> None:
    metrics.set_flag("DUAL_READ_V2", 50)
    metrics.set_outbox_depth("pending", 12)
    metrics.set_shadow_lag(3.5)
    metrics.set_dead_letters(2)
    metrics.dual_read("match")
    metrics.dual_read("mismatch")
    metrics.shadow_shed("queue_full")
    metrics.shadow_job("ok", 0.02)
    metrics.phase_change("alert")
    assert val(metrics, "meal_log_flag_state", name="DUAL_READ_V2") == 50
    assert val(metrics, "meal_log_outbox_depth", state="pending") == 12
    assert val(metrics, "meal_log_shadow_lag_seconds") == 3.5
    assert val(metrics, "meal_log_dead_letters") == 2
    assert val(metrics, "meal_log_dual_read_total", outcome="mismatch") == 1
    assert val(metrics, "meal_log_shadow_shed_total", reason="queue_full") == 1
    assert val(metrics, "meal_log_shadow_jobs_total", outcome="ok") == 1
    assert val(metrics, "meal_log_shadow_job_duration_seconds_bucket", le="0.025") == 1
    assert val(metrics, "meal_log_phase_changes_total", cause="alert") == 1


def test_ops_jobs_and_http(metrics: Metrics) -> None:
    metrics.ops_job("cleanup_ingest_requests", "ok", 4.0)
    metrics.ops_job("archive", "fail", 0.3)
    metrics.http_request("/logs/{log_id}", "get", 200, 0.03)
    assert val(metrics, "meal_log_ops_job_runs_total", job="cleanup_ingest_requests", outcome="ok") == 1
    assert val(metrics, "meal_log_ops_job_duration_seconds_bucket", job="archive", le="0.5") == 1
    assert val(metrics, "meal_log_ops_job_last_success_timestamp_seconds", job="cleanup_ingest_requests") > 0
    assert val(metrics, "meal_log_ops_job_last_success_timestamp_seconds", job="archive") is None
    assert (
        val(metrics, "meal_log_http_requests_total", route="/logs/{log_id}", method="GET", status="200") == 1
    )
    assert (
        val(metrics, "meal_log_http_request_duration_seconds_bucket", route="/logs/{log_id}", le="0.05") == 1
    )


def test_open_label_sets_are_capped(metrics: Metrics) -> None:
    for i in range(100):
        metrics.http_request(f"/raw/path/{i}", "BREW", 200, 0.01)
    routes = {
        s.labels["route"]
        for fam in metrics.registry.collect()
        if fam.name == "meal_log_http_requests"
        for s in fam.samples
    }
    assert "other" in routes and len(routes) <= 33
    assert val(metrics, "meal_log_http_requests_total", route="other", method="other", status="200") == 68


def test_no_created_series_and_common_labels_everywhere(metrics: Metrics) -> None:
    metrics.ai_parse("ok")
    body, content_type = metrics.render()
    text = body.decode()
    assert "_created" not in text
    assert content_type.startswith("text/plain; version=0.0.4")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            for name, value in C.items():
                assert f'{name}="{value}"' in line, line


def test_two_instances_do_not_share_state() -> None:
    a = Metrics(labels=LABELS)
    b = Metrics(labels=LABELS)
    a.ai_parse("fail")
    assert val(a, "meal_log_ai_parse_total", outcome="fail") == 1
    assert val(b, "meal_log_ai_parse_total", outcome="fail") == 0
    assert a.registry is not b.registry


def test_common_labels_from_settings() -> None:
    class S:
        metric_env = "stg"
        shadow_pipeline_version = "v2.1.0"
        ai_provider = "gemini"
        gemini_model = "gemini-2.5-pro"
        app_version = "1.2.3"

    assert CommonLabels.from_settings(S()) == CommonLabels(
        "stg", "v2.1.0", "gemini", "gemini-2.5-pro", "1.2.3"
    )


def test_null_metrics_overrides_every_public_method() -> None:
    public = {n for n, f in inspect.getmembers(Metrics, inspect.isfunction) if not n.startswith("_")}
    for name in public:
        assert getattr(NullMetrics, name) is not getattr(Metrics, name), name
    null = NullMetrics()
    null.shadow_diff({"kcal": (1.0, 0.1)}, ["kcal"])
    null.unknown("anything")  # the null twin never raises
    null.http_request("/x", "GET", 200, 0.1)
    assert null.render()[0] == b""
    assert list(null.registry.collect()) == []


def test_promtool_check_metrics_accepts_exposition(promtool: str, metrics: Metrics) -> None:
    metrics.shadow_diff({f: (20.0, 0.2) for f in FIELDS}, breached=["kcal"])
    metrics.day_diff({f: 5.0 for f in FIELDS})
    metrics.ai_parse("ok")
    metrics.ai_retry("fail")
    metrics.unknown("unknown_food")
    metrics.set_phase("P0")
    metrics.set_flag("NORMALIZE_V2_SHADOW", 1)
    metrics.set_outbox_depth("pending", 3)
    metrics.set_shadow_lag(1.0)
    metrics.set_dead_letters(0)
    metrics.dual_read("match")
    metrics.shadow_shed("overload")
    metrics.shadow_job("ok", 0.1)
    metrics.phase_change("manual")
    metrics.ops_job("vacuum", "ok", 2.0)
    metrics.http_request("/metrics", "GET", 200, 0.002)
    body, _ = metrics.render()
    proc = subprocess.run([promtool, "check", "metrics"], input=body, capture_output=True, timeout=30)
    # promtool exits 0 when clean and 3 for lint warnings only; show either way
    assert proc.returncode == 0, (proc.stdout + proc.stderr).decode()


def test_multiprocess_render_merges_processes(tmp_path) -> None:
    # prometheus_client picks its value store at import, so run in fresh interpreters
    code = textwrap.dedent(
        """
        import sys
        from meallog.observability.metrics import CommonLabels, Metrics
        m = Metrics(labels=CommonLabels("prod", "v2.0.0", "offline", "offline", "0.1.0"))
        m.ai_parse("fail")
        m.set_phase("P1")
        if sys.argv[1] == "render":
            sys.stdout.write(m.render()[0].decode())
        """
    )
    env = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    subprocess.run([sys.executable, "-c", code, "write"], env=env, check=True, timeout=60)
    out = subprocess.run(
        [sys.executable, "-c", code, "render"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    line = next(
        x for x in out.splitlines() if x.startswith("meal_log_ai_parse_total{") and 'outcome="fail"' in x
    )
    assert line.endswith(" 2.0"), line
    phase = next(x for x in out.splitlines() if x.startswith("meal_log_phase{") and 'phase="P1"' in x)
    assert phase.endswith(" 1.0"), phase


def test_bucket_bounds_include_alert_thresholds() -> None:
    assert 15.0 in ABS_BUCKETS and 80.0 in ABS_BUCKETS and 0.18 in REL_BUCKETS
    assert list(ABS_BUCKETS) == sorted(ABS_BUCKETS) and list(REL_BUCKETS) == sorted(REL_BUCKETS)


def test_registry_argument_is_used() -> None:
    reg = CollectorRegistry()
    m = Metrics(labels=LABELS, registry=reg)
    assert m.registry is reg


def test_a_batch_of_shadow_jobs_is_counted_once(metrics: Metrics) -> None:
    metrics.shadow_jobs("ok", 40, 0.8)  # 40 jobs in 0.8 s: counted 40, one observation of the 20 ms mean
    metrics.shadow_jobs("ok", 0, 0.5)  # an empty batch records nothing
    assert val(metrics, "meal_log_shadow_jobs_total", outcome="ok") == 40
    assert val(metrics, "meal_log_shadow_job_duration_seconds_count") == 1
    assert val(metrics, "meal_log_shadow_job_duration_seconds_sum") == pytest.approx(0.02)
