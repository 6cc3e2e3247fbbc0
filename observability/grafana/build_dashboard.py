#!/usr/bin/env python3
"""Build observability/grafana/meallog-shadow.json (Grafana 11.6 line) from Python.

    .venv/bin/python observability/grafana/build_dashboard.py          # rewrite the JSON
    .venv/bin/python observability/grafana/build_dashboard.py --check  # exit 1 if the JSON is stale

Uses grafana-foundation-sdk (pinned to its 11.6 build). Every query filters on the template
variable ``env`` (same values as METRIC_ENV, runbook §6) and every aggregation keeps ``env``.
``PANELS`` is the single list of (row, title, unit, queries); tests parse every query with promtool.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from grafana_foundation_sdk.builders.dashboard import Dashboard as DashboardBuilder
from grafana_foundation_sdk.builders.dashboard import DatasourceVariable, QueryVariable, Row
from grafana_foundation_sdk.builders.prometheus import Dataquery
from grafana_foundation_sdk.builders.timeseries import Panel as Timeseries
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models.dashboard import DataSourceRef, VariableOption, VariableRefresh

OUT = Path(__file__).with_name("meallog-shadow.json")
DS = DataSourceRef(type_val="prometheus", uid="${datasource}")
E = 'env="$env"'

# (row, title, unit, [(expr, legend)])
PANELS: list[tuple[str, str, str, list[tuple[str, str]]]] = [
    ("Shadow diffs", "Shadow diff abs P50/P90/P95 (5m)", "none", [
        (f"env_field:meal_log_shadow_diff_abs:p{q}_5m{{{E}}}", f"{{{{field}}}} p{q}") for q in (50, 90, 95)]),
    ("Shadow diffs", "Shadow diff abs daily P95 (alert: 80 kcal / 15 g)", "none", [
        (f"env_field:meal_log_shadow_diff_abs:p95_1d{{{E}}}", "{{field}}")]),
    ("Shadow diffs", "Shadow diff rel P50/P90/P95 (5m)", "percentunit", [
        (f"env_field:meal_log_shadow_diff_rel:p{q}_5m{{{E}}}", f"{{{{field}}}} p{q}") for q in (50, 90, 95)]),
    ("Shadow diffs", "Shadow diff rel daily P95 (alert: 18 %)", "percentunit", [
        (f"env_field:meal_log_shadow_diff_rel:p95_1d{{{E}}}", "{{field}}")]),
    ("Shadow diffs", "Breaches in 15 m (page > 5) and 24 h (page > 10)", "short", [
        (f"env_field:meal_log_shadow_diff_breach:increase15m{{{E}}}", "{{field}} 15m"),
        (f"env_field:meal_log_shadow_diff_breach:increase1d{{{E}}}", "{{field}} 24h")]),
    ("Shadow diffs", "Breach share vs 2 % budget (15m / 6h burn)", "percentunit", [
        (f"env_field:meal_log_shadow_diff_breach:ratio_rate15m{{{E}}}", "{{field}} 15m"),
        (f"env_field:meal_log_shadow_diff_breach:ratio_rate6h{{{E}}}", "{{field}} 6h")]),
    ("Shadow diffs", "Day diff P90 (15m, alert: 80 kcal / 15 g)", "none", [
        (f"env_field:meal_log_day_diff_abs:p90_15m{{{E}}}", "{{field}}")]),
    ("Shadow diffs", "Logs compared per second", "reqps", [
        (f"sum by (env, field) (rate(meal_log_shadow_diff_abs_count{{{E}}}[5m]))", "{{field}}")]),
    ("AI provider", "AI parse failure share (5m, page >= 10 %)", "percentunit", [
        (f"env:meal_log_ai_parse_fail:ratio_rate5m{{{E}}}", "5m"),
        (f"env:meal_log_ai_parse_fail:ratio_rate6h{{{E}}}", "6h")]),
    ("AI provider", "AI parses per second by outcome", "reqps", [
        (f"sum by (env, outcome) (rate(meal_log_ai_parse_total{{{E}}}[5m]))", "{{outcome}}")]),
    ("AI provider", "AI retry success share (15m, page <= 50 %)", "percentunit", [
        (f"env:meal_log_ai_retry_success:ratio_rate15m{{{E}}}", "success share")]),
    ("AI provider", "unknown_* per parse: 10m vs trailing day (page at 3x)", "none", [
        (f"env_kind:meal_log_unknown_per_parse:ratio_rate10m{{{E}}}", "{{kind}} 10m"),
        (f"env_kind:meal_log_unknown_per_parse:ratio_rate1d{{{E}}}", "{{kind}} 1d")]),
    ("Migration", "Phase", "none", [
        (f"max by (env, phase) (meal_log_phase{{{E}}}) == 1", "{{phase}}")]),
    ("Migration", "Flag state", "none", [
        (f"max by (env, name) (meal_log_flag_state{{{E}}})", "{{name}}")]),
    ("Migration", "Phase changes (rollbacks and advances)", "short", [
        (f"sum by (env, cause) (increase(meal_log_phase_changes_total{{{E}}}[1h]))", "{{cause}}")]),
    ("Migration", "Dual read mismatches", "short", [
        (f"sum by (env, outcome) (increase(meal_log_dual_read_total{{{E}}}[15m]))", "{{outcome}}"),
        (f"sum by (env, kind) (increase(meal_log_read_mismatch_total{{{E}}}[15m]))", "stored {{kind}}")]),
    ("Migration", "v2 failures kept off the user's path, by operation", "ops", [
        (f"sum by (env, operation) (rate(meal_log_v2_raised_total{{{E}}}[5m]))", "{{operation}}")]),
    ("Migration", "Flag-store errors and reads with no current version (both should be 0)", "short", [
        (f"sum by (env) (increase(meal_log_flag_errors_total{{{E}}}[15m]))", "flag store errors"),
        (f"sum by (env) (increase(meal_log_read_version_miss_total{{{E}}}[15m]))", "version misses")]),
    ("Worker", "Outbox depth by state", "short", [
        (f"max by (env, state) (meal_log_outbox_depth{{{E}}})", "{{state}}")]),
    ("Worker", "Shadow lag", "s", [
        (f"max by (env) (meal_log_shadow_lag_seconds{{{E}}})", "lag")]),
    ("Worker", "Dead letters", "short", [
        (f"max by (env) (meal_log_dead_letters{{{E}}})", "dead letters")]),
    ("Worker", "Shadow jobs by outcome and shed under overload", "ops", [
        (f"sum by (env, outcome) (rate(meal_log_shadow_jobs_total{{{E}}}[5m]))", "{{outcome}}"),
        (f"sum by (env, reason) (rate(meal_log_shadow_shed_total{{{E}}}[5m]))", "shed {{reason}}")]),
    ("Worker", "Shadow job duration P95", "s", [
        (f"histogram_quantile(0.95, sum by (le, env) "
         f"(rate(meal_log_shadow_job_duration_seconds_bucket{{{E}}}[5m])))", "p95")]),
    ("Ops jobs", "Ops job runs by outcome (24h)", "short", [
        (f"sum by (env, job, outcome) (increase(meal_log_ops_job_runs_total{{{E}}}[1d]))",
         "{{job}} {{outcome}}")]),
    ("Ops jobs", "Ops job duration (mean of the last 24h)", "s", [
        (f"sum by (env, job) (increase(meal_log_ops_job_duration_seconds_sum{{{E}}}[1d])) "
         f"/ sum by (env, job) (increase(meal_log_ops_job_duration_seconds_count{{{E}}}[1d]))", "{{job}}")]),
    ("Ops jobs", "Time since last successful run", "s", [
        (f"time() - max by (env, job) (meal_log_ops_job_last_success_timestamp_seconds{{{E}}})", "{{job}}")]),
    ("Ops jobs", "Rows and bytes per job (24h)", "short", [
        (f"sum by (env, job) (increase(meal_log_ops_job_rows_total{{{E}}}[1d]))", "{{job}} rows"),
        (f"sum by (env, job) (increase(meal_log_ops_job_bytes_total{{{E}}}[1d]))", "{{job}} bytes")]),
    ("Ops jobs", "Rows in DEFAULT partitions (a month partition is missing)", "short", [
        (f"max by (env, table) (meal_log_shadow_default_partition_rows{{{E}}})", "{{table}}")]),
    ("HTTP", "HTTP requests by route and status", "reqps", [
        (f"sum by (env, route, status) (rate(meal_log_http_requests_total{{{E}}}[5m]))",
         "{{route}} {{status}}")]),
    ("HTTP", "HTTP latency P95 by route", "s", [
        (f"histogram_quantile(0.95, sum by (le, env, route) "
         f"(rate(meal_log_http_request_duration_seconds_bucket{{{E}}}[5m])))", "{{route}}")]),
    ("Deploy", "Build info (versions per env)", "none", [
        (f"max by (env, shadow_version, ai_provider, model, app_version) (meal_log_build_info{{{E}}})",
         "{{app_version}} {{shadow_version}} {{ai_provider}}/{{model}}")]),
]  # fmt: skip


def build() -> dict:
    """The dashboard as a JSON-ready dict."""
    d = (
        DashboardBuilder("meallog — v2 shadow migration")
        .uid("meallog-shadow")
        .tags(["meallog", "shadow", "migration"])
        .timezone("Asia/Tokyo")
        .time("now-24h", "now")
        .refresh("1m")
        .with_variable(DatasourceVariable("datasource").label("Prometheus").type("prometheus"))
        .with_variable(
            QueryVariable("env")
            .label("env")
            .datasource(DS)
            .query("label_values(meal_log_build_info, env)")
            .refresh(VariableRefresh.ON_TIME_RANGE_CHANGED)
            .current(VariableOption(text="prod", value="prod"))
        )
    )
    row = None
    for row_title, title, unit, queries in PANELS:
        if row_title != row:
            d = d.with_row(Row(row_title))
            row = row_title
        panel = Timeseries().title(title).unit(unit).datasource(DS).height(8).span(12)
        for i, (expr, legend) in enumerate(queries):
            panel = panel.with_target(Dataquery().expr(expr).legend_format(legend).ref_id(chr(ord("A") + i)))
        d = d.with_panel(panel)
    return json.loads(json.dumps(d.build(), cls=JSONEncoder))


def render() -> str:
    return json.dumps(build(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 when the committed JSON is stale")
    args = ap.parse_args(argv)
    text = render()
    if args.check:
        if not OUT.exists() or OUT.read_text() != text:
            print(f"{OUT} is stale: run {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    print(f"wrote {OUT} ({len(PANELS)} panels)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
