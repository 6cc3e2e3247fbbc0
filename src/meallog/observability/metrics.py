"""Every Prometheus metric of meallog, in one place: names, labels, buckets and the series budget.

Contract: ``Metrics(labels=CommonLabels(...))`` owns a fresh ``CollectorRegistry`` (no global state at
import); each method records one event; ``render()`` returns the exposition body and content type.
``NullMetrics`` is the no-op twin for code paths and tests that do not measure.

Labels
------
Every metric carries the five common labels of runbook §6, constant for a process:
``env`` (METRIC_ENV: prod/stg/dev/local), ``shadow_version`` (SHADOW_PIPELINE_VERSION),
``ai_provider``, ``model`` and ``app_version``. They come first, in that order, so every alert and
recording rule can keep ``env`` (``sum by (le, env, field)``).

Label values are bounded. Closed sets (``field``, ``outcome`` of parse/retry/dual read, ``kind``,
``phase``) raise ``ValueError`` on an unknown value, a programming error that tests catch. Open sets
(``route``, ``job``, ``reason``, ``cause``, ``state``, flag ``name``, job outcomes, ``status``) are
capped per process: past the cap, a new value is recorded as ``other``. Pass route *templates*
(``/logs/{log_id}``), never raw paths.

Series budget
-------------
``SERIES_BUDGET`` is the most series one process can expose per set of common labels, with every
cap reached (``observability/SERIES_BUDGET.md`` explains the arithmetic; a test floods every metric
and checks both). ``_created`` series are disabled (``disable_created_metrics()``), which halves
counters and trims histograms; note this is process-wide, which is what we want.

Multiprocess mode
-----------------
When several workers of one replica share a port (gunicorn/uvicorn workers), start every process
with ``PROMETHEUS_MULTIPROC_DIR`` set to an empty directory *before Python starts* (prometheus_client
picks its value store at import time). ``render()`` then aggregates every process's files with a
``MultiProcessCollector``; gauges use the ``mostrecent`` mode (the last writer wins: phase, flags,
outbox depth, lag and dead letters are database-wide facts that any process may report), the
last-success timestamp uses ``max``. Call ``mark_process_dead(pid)`` from the server's child-exit hook.
Separate replicas or worker processes with their own port need nothing: Prometheus scrapes each.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client import multiprocess as _multiprocess

from meallog.nutrition.types import FIELDS

__all__ = [
    "ABS_BUCKETS",
    "COMMON_LABELNAMES",
    "DAY_BUCKETS",
    "FIELDS",
    "PHASES",
    "REL_BUCKETS",
    "SERIES_BUDGET",
    "UNKNOWN_KINDS",
    "CommonLabels",
    "Metrics",
    "NullMetrics",
    "mark_process_dead",
]

COMMON_LABELNAMES: Final = ("env", "shadow_version", "ai_provider", "model", "app_version")

# Alerts read bucket bounds directly (le="15.0", le="80.0", le="0.18"): thresholds must stay bucket
# bounds, and the bounds are dense around them so compute_shadow_thresholds.py can move a threshold
# in small steps (it snaps its recommendation up to the next bound).
ABS_BUCKETS: Final = (
    0.5, 1.0, 2.0, 3.0, 5.0, 7.5, 10.0, 12.5, 15.0, 17.5, 20.0, 25.0,
    30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 100.0, 120.0, 160.0, 200.0, 300.0, 400.0,
)  # fmt: skip
REL_BUCKETS: Final = (
    0.01, 0.02, 0.05, 0.08, 0.1, 0.12, 0.15, 0.18, 0.2, 0.25, 0.3, 0.4, 0.5, 1.0, 2.0,
)  # fmt: skip
DAY_BUCKETS: Final = (
    1.0, 2.0, 5.0, 10.0, 12.5, 15.0, 17.5, 20.0, 25.0, 30.0, 40.0, 50.0,
    60.0, 70.0, 80.0, 100.0, 120.0, 160.0, 200.0, 300.0, 400.0, 800.0,
)  # fmt: skip
SHADOW_JOB_BUCKETS: Final = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
OPS_JOB_BUCKETS: Final = (0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 1800.0, 3600.0)
HTTP_BUCKETS: Final = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

PHASES: Final = ("OFF", "P0", "P1", "P2", "P3")
UNKNOWN_KINDS: Final = ("unknown_food", "unknown_unit", "unknown_portion")
AI_PARSE_OUTCOMES: Final = ("ok", "fail")
AI_RETRY_OUTCOMES: Final = ("success", "fail")
DUAL_READ_OUTCOMES: Final = ("match", "mismatch")
READ_MISMATCH_KINDS: Final = ("structural", "nutrition")
HTTP_METHODS: Final = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
SHADOW_TABLES: Final = ("meal_logs_v2_shadow", "diffs")
OTHER: Final = "other"

# Per-process caps of the open label sets; SERIES_BUDGET is computed from them.
CAPS: Final[Mapping[str, int]] = {
    "flag": 12,
    "outbox_state": 6,
    "shed_reason": 6,
    "shadow_job_outcome": 6,
    "phase_change_cause": 8,
    "ops_job": 10,
    "ops_outcome": 4,
    "route": 32,
    "status": 10,
    "v2_error": 8,
}

# Where v2 can fail on the user's path (meallog.migration.experiment.Operation) and flag-store sources.
V2_OPERATIONS: Final = ("compute", "write_v2", "read_v2", "compare", "enqueue")
FLAG_ERROR_SOURCES: Final = ("store",)

# Most series per process and common-label set (see observability/SERIES_BUDGET.md).
SERIES_BUDGET: Final[Mapping[str, int]] = {
    "meal_log_build_info": 1,
    "meal_log_shadow_diff_abs": 4 * (len(ABS_BUCKETS) + 3),
    "meal_log_shadow_diff_rel": 4 * (len(REL_BUCKETS) + 3),
    "meal_log_shadow_diff_breach_total": 4,
    "meal_log_day_diff_abs": 4 * (len(DAY_BUCKETS) + 3),
    "meal_log_ai_parse_total": 2,
    "meal_log_ai_retry_total": 2,
    "meal_log_unknown_total": 3,
    "meal_log_phase": 5,
    "meal_log_flag_state": 12 + 1,
    "meal_log_outbox_depth": 6 + 1,
    "meal_log_shadow_lag_seconds": 1,
    "meal_log_dead_letters": 1,
    "meal_log_dual_read_total": 2,
    "meal_log_read_mismatch_total": 2,
    "meal_log_shadow_shed_total": 6 + 1,
    "meal_log_shadow_jobs_total": 6 + 1,
    "meal_log_shadow_job_duration_seconds": len(SHADOW_JOB_BUCKETS) + 3,
    "meal_log_phase_changes_total": 8 + 1,
    "meal_log_ops_job_runs_total": (10 + 1) * (4 + 1),
    "meal_log_ops_job_duration_seconds": (10 + 1) * (len(OPS_JOB_BUCKETS) + 3),
    "meal_log_ops_job_last_success_timestamp_seconds": 10 + 1,
    "meal_log_ops_job_rows_total": 10 + 1,
    "meal_log_ops_job_bytes_total": 10 + 1,
    "meal_log_shadow_default_partition_rows": 2,
    "meal_log_http_requests_total": (32 + 1) * (len(HTTP_METHODS) + 1) * (10 + 1),
    "meal_log_http_request_duration_seconds": (32 + 1) * (len(HTTP_BUCKETS) + 3),
    "meal_log_v2_raised_total": 5 * (8 + 1),
    "meal_log_flag_errors_total": 1,
    "meal_log_read_version_miss_total": 1,
}


@dataclass(frozen=True, slots=True)
class CommonLabels:
    """The five labels every meallog metric carries (runbook §6)."""

    env: str
    shadow_version: str
    ai_provider: str
    model: str
    app_version: str

    @classmethod
    def from_settings(cls, settings: Any) -> CommonLabels:
        """Labels from a ``meallog.settings.Settings`` (METRIC_ENV, SHADOW_PIPELINE_VERSION, ...)."""
        return cls(
            env=str(settings.metric_env),
            shadow_version=str(settings.shadow_pipeline_version),
            ai_provider=str(settings.ai_provider),
            model=str(settings.gemini_model) if str(settings.ai_provider) == "gemini" else "offline",
            app_version=str(settings.app_version),
        )

    def values(self) -> tuple[str, ...]:
        return (self.env, self.shadow_version, self.ai_provider, self.model, self.app_version)

    def as_dict(self) -> dict[str, str]:
        return dict(zip(("env", "shadow_version", "ai_provider", "model", "app_version"), self.values(), strict=True))


class _Cap:
    """Admits at most ``limit`` distinct values of one open label; later new values become ``other``."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, value: object) -> str:
        text = str(value)
        with self._lock:
            if text in self._seen:
                return text
            if len(self._seen) < self._limit and text != OTHER:
                self._seen.add(text)
                return text
        return OTHER


def _closed(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}; expected one of {', '.join(allowed)}")
    return value


class Metrics:
    """Every meallog metric on one registry, with the common labels bound once."""

    def __init__(self, *, labels: CommonLabels, registry: CollectorRegistry | None = None) -> None:
        # _created doubles counter series and confuses rate() after restarts; we never read it.
        disable_created_metrics()
        self.labels = labels
        self._children: dict[tuple[int, tuple[str, ...]], Any] = {}  # see `_l`
        self.registry = registry if registry is not None else CollectorRegistry(auto_describe=True)
        self._caps = {name: _Cap(limit) for name, limit in CAPS.items()}
        common = list(COMMON_LABELNAMES)
        r = self.registry

        def counter(name: str, doc: str, *extra: str) -> Counter:
            return Counter(name, doc, [*common, *extra], registry=r)

        def histogram(name: str, doc: str, buckets: tuple[float, ...], *extra: str) -> Histogram:
            return Histogram(name, doc, [*common, *extra], buckets=buckets, registry=r)

        def gauge(name: str, doc: str, *extra: str, mode: str = "mostrecent") -> Gauge:
            return Gauge(name, doc, [*common, *extra], registry=r, multiprocess_mode=mode)  # type: ignore[arg-type]

        self._build_info = gauge("meal_log_build_info", "Always 1; carries the common labels.")
        self._diff_abs = histogram(
            "meal_log_shadow_diff_abs",
            "Per-log absolute diff |v2 - legacy| (kcal or g) by nutrition field.",
            ABS_BUCKETS,
            "field",
        )
        self._diff_rel = histogram(
            "meal_log_shadow_diff_rel",
            "Per-log relative diff |v2 - legacy| / legacy (ratio, 0.18 = 18 %) by field.",
            REL_BUCKETS,
            "field",
        )
        self._breach = counter(
            "meal_log_shadow_diff_breach",
            "Logs whose diff in this field is over the breach threshold (80 kcal, 15 g or 18 %).",
            "field",
        )
        self._day_abs = histogram(
            "meal_log_day_diff_abs",
            "Per user-day totals: |v2 - legacy| (kcal or g) by field.",
            DAY_BUCKETS,
            "field",
        )
        self._ai_parse = counter("meal_log_ai_parse", "AI provider parse attempts by outcome.", "outcome")
        self._ai_retry = counter(
            "meal_log_ai_retry", "AI provider parses that needed a retry, by final outcome.", "outcome"
        )
        self._unknown = counter(
            "meal_log_unknown", "Items v2 could not resolve, by kind (unknown_food/unit/portion).", "kind"
        )
        self._phase = gauge("meal_log_phase", "1 for the current migration phase, 0 for the others.", "phase")
        self._flag = gauge("meal_log_flag_state", "Feature flag value (1/0, or rollout percent).", "name")
        self._outbox = gauge("meal_log_outbox_depth", "Outbox rows by state.", "state")
        self._lag = gauge("meal_log_shadow_lag_seconds", "Age of the oldest pending shadow job.")
        self._dead = gauge("meal_log_dead_letters", "Outbox jobs that exhausted their attempts.")
        self._dual_read = counter("meal_log_dual_read", "Dual reads compared (P2) by outcome.", "outcome")
        self._read_mismatch = counter(
            "meal_log_read_mismatch", "Dual-read mismatches stored, once per log version, by kind.", "kind"
        )
        self._shed = counter(
            "meal_log_shadow_shed", "Shadow jobs not run because the system was overloaded.", "reason"
        )
        self._shadow_jobs = counter("meal_log_shadow_jobs", "Shadow jobs run by outcome.", "outcome")
        self._shadow_job_seconds = histogram(
            "meal_log_shadow_job_duration_seconds", "Shadow job run time.", SHADOW_JOB_BUCKETS
        )
        self._phase_changes = counter(
            "meal_log_phase_changes", "Phase changes (advances and rollbacks) by cause.", "cause"
        )
        self._ops_runs = counter(
            "meal_log_ops_job_runs", "Ops job runs by job and outcome.", "job", "outcome"
        )
        self._ops_seconds = histogram(
            "meal_log_ops_job_duration_seconds", "Ops job run time.", OPS_JOB_BUCKETS, "job"
        )
        self._ops_last_ok = gauge(
            "meal_log_ops_job_last_success_timestamp_seconds",
            "Unix time of the job's last successful run.",
            "job",
            mode="max",
        )
        self._v2_raised = counter(
            "meal_log_v2_raised",
            "v2 failures kept off the user's path, by operation and error type (the user got legacy).",
            "operation",
            "error",
        )
        self._flag_errors = counter(
            "meal_log_flag_errors", "Flag-store reads that failed; the last good flags were kept.", "source"
        )
        self._version_miss = counter(
            "meal_log_read_version_miss",
            "Reads where no store held the log's current version (served the newest there was; a bug).",
        )
        # -- shadow data operations (runbook §5): work done per job, rows no month partition took
        self._ops_rows = counter("meal_log_ops_job_rows", "Rows an ops job archived, deleted or dropped.", "job")
        self._ops_bytes = counter("meal_log_ops_job_bytes", "Bytes an ops job wrote to the archive.", "job")
        self._default_rows = gauge(
            "meal_log_shadow_default_partition_rows",
            "Rows in the DEFAULT partition of a shadow table (a month partition was missing).",
            "table",
        )
        self._http = counter(
            "meal_log_http_requests",
            "HTTP requests by route template, method and status.",
            "route",
            "method",
            "status",
        )
        self._http_seconds = histogram(
            "meal_log_http_request_duration_seconds",
            "HTTP request latency by route template.",
            HTTP_BUCKETS,
            "route",
        )
        self._prime()

    # -- helpers -----------------------------------------------------------------------------------

    def _l(self, metric: Any, *extra: str) -> Any:
        """The child of `metric` for the common labels and `extra`, looked up once: prometheus_client's
        `labels()` validates and locks on every call, and the worker asks about a dozen times per log."""
        key = (id(metric), extra)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*self.labels.values(), *extra)
        return child

    def _prime(self) -> None:
        """Create the series alerts and verify-deploy read, so they exist at 0 before any event."""
        self._l(self._build_info).set(1)
        for f in FIELDS:
            self._l(self._diff_abs, f)
            self._l(self._diff_rel, f)
            self._l(self._breach, f)
            self._l(self._day_abs, f)
        for o in AI_PARSE_OUTCOMES:
            self._l(self._ai_parse, o)
        for o in AI_RETRY_OUTCOMES:
            self._l(self._ai_retry, o)
        for k in UNKNOWN_KINDS:
            self._l(self._unknown, k)
        for o in DUAL_READ_OUTCOMES:
            self._l(self._dual_read, o)
        for k in READ_MISMATCH_KINDS:
            self._l(self._read_mismatch, k)

    # -- nutrition ---------------------------------------------------------------------------------

    def shadow_diff(self, diffs: Mapping[str, tuple[float, float]], breached: Iterable[str]) -> None:
        """One compared log: field -> (abs, rel) diffs; ``breached`` names the fields over threshold.

        A relative diff that is not finite (legacy value 0) is not observed; the abs diff still is.
        """
        for name, (abs_diff, rel_diff) in diffs.items():
            f = _closed(name, FIELDS, "field")
            self._l(self._diff_abs, f).observe(abs(float(abs_diff)))
            if math.isfinite(rel_diff):
                self._l(self._diff_rel, f).observe(abs(float(rel_diff)))
        for name in set(breached):
            self._l(self._breach, _closed(name, FIELDS, "field")).inc()

    def day_diff(self, field_abs: Mapping[str, float]) -> None:
        """One user-day: field -> |v2 total - legacy total|."""
        for name, value in field_abs.items():
            self._l(self._day_abs, _closed(name, FIELDS, "field")).observe(abs(float(value)))

    def ai_parse(self, outcome: Literal["ok", "fail"]) -> None:
        self._l(self._ai_parse, _closed(outcome, AI_PARSE_OUTCOMES, "ai_parse outcome")).inc()

    def ai_retry(self, outcome: Literal["success", "fail"]) -> None:
        self._l(self._ai_retry, _closed(outcome, AI_RETRY_OUTCOMES, "ai_retry outcome")).inc()

    def unknown(self, kind: str) -> None:
        self._l(self._unknown, _closed(kind, UNKNOWN_KINDS, "unknown kind")).inc()

    # -- migration state ---------------------------------------------------------------------------

    def set_phase(self, phase: str) -> None:
        """Mark ``phase`` (OFF, P0..P3) as current: 1 for it, 0 for every other phase."""
        current = _closed(str(phase), PHASES, "phase")
        for p in PHASES:
            self._l(self._phase, p).set(1 if p == current else 0)

    def set_flag(self, name: str, value: float) -> None:
        self._l(self._flag, self._caps["flag"](name)).set(float(value))

    def set_outbox_depth(self, state: str, n: int) -> None:
        self._l(self._outbox, self._caps["outbox_state"](state)).set(n)

    def set_shadow_lag(self, seconds: float) -> None:
        self._l(self._lag).set(max(0.0, float(seconds)))

    def set_dead_letters(self, n: int) -> None:
        self._l(self._dead).set(n)

    def dual_read(self, outcome: Literal["match", "mismatch"]) -> None:
        self._l(self._dual_read, _closed(outcome, DUAL_READ_OUTCOMES, "dual_read outcome")).inc()

    def read_mismatch(self, kind: str) -> None:
        self._l(self._read_mismatch, _closed(kind, READ_MISMATCH_KINDS, "read mismatch kind")).inc()

    def shadow_shed(self, reason: str) -> None:
        self._l(self._shed, self._caps["shed_reason"](reason)).inc()

    def shadow_job(self, outcome: str, seconds: float) -> None:
        self._l(self._shadow_jobs, self._caps["shadow_job_outcome"](outcome)).inc()
        self._l(self._shadow_job_seconds).observe(max(0.0, float(seconds)))

    def shadow_jobs(self, outcome: str, n: int, seconds: float) -> None:
        """A batch of `n` jobs that took `seconds`: counted once, its per-job mean observed once."""
        if n <= 0:
            return
        self._l(self._shadow_jobs, self._caps["shadow_job_outcome"](outcome)).inc(n)
        self._l(self._shadow_job_seconds).observe(max(0.0, float(seconds)) / n)

    def phase_change(self, cause: str) -> None:
        self._l(self._phase_changes, self._caps["phase_change_cause"](cause)).inc()

    def v2_raised(self, operation: str, error: str) -> None:
        op = _closed(operation, V2_OPERATIONS, "v2 operation")
        self._l(self._v2_raised, op, self._caps["v2_error"](error)).inc()

    def flag_error(self, source: str) -> None:
        self._l(self._flag_errors, _closed(source, FLAG_ERROR_SOURCES, "flag error source")).inc()

    def read_version_miss(self) -> None:
        self._l(self._version_miss).inc()

    # -- operations and HTTP -----------------------------------------------------------------------

    def ops_job(self, job: str, outcome: str, seconds: float) -> None:
        """One ops job run; outcomes ``ok``/``success`` also stamp the last-success time."""
        name = self._caps["ops_job"](job)
        self._l(self._ops_runs, name, self._caps["ops_outcome"](outcome)).inc()
        self._l(self._ops_seconds, name).observe(max(0.0, float(seconds)))
        if outcome in ("ok", "success"):
            self._l(self._ops_last_ok, name).set_to_current_time()

    def ops_job_work(self, job: str, *, rows: int, nbytes: int) -> None:
        name = self._caps["ops_job"](job)
        self._l(self._ops_rows, name).inc(max(0, rows))
        self._l(self._ops_bytes, name).inc(max(0, nbytes))

    def set_ops_last_success(self, job: str, unix_seconds: float) -> None:
        """The job's last success as recorded in `ops_job_runs` (any process, survives restarts)."""
        self._l(self._ops_last_ok, self._caps["ops_job"](job)).set(unix_seconds)

    def set_default_partition_rows(self, table: str, n: int) -> None:
        self._l(self._default_rows, _closed(table, SHADOW_TABLES, "shadow table")).set(n)

    def http_request(self, route: str, method: str, status: int, seconds: float) -> None:
        """One HTTP request; ``route`` is the route template (``/logs/{log_id}``), not the raw path."""
        r = self._caps["route"](route)
        m = method.upper() if method.upper() in HTTP_METHODS else OTHER
        self._l(self._http, r, m, self._caps["status"](int(status))).inc()
        self._l(self._http_seconds, r).observe(max(0.0, float(seconds)))

    # -- exposition --------------------------------------------------------------------------------

    def render(self) -> tuple[bytes, str]:
        """Exposition body and content type (text format 0.0.4, which every Prometheus 2.x reads);
        aggregates all processes' files when PROMETHEUS_MULTIPROC_DIR is set."""
        path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
        if path:
            merged = CollectorRegistry()
            _multiprocess.MultiProcessCollector(merged, path=path)
            return generate_latest(merged), CONTENT_TYPE_PLAIN_0_0_4
        return generate_latest(self.registry), CONTENT_TYPE_PLAIN_0_0_4


class NullMetrics(Metrics):
    """The no-op twin: same methods, records nothing, renders an empty body."""

    def __init__(
        self, *, labels: CommonLabels | None = None, registry: CollectorRegistry | None = None
    ) -> None:
        self.labels = labels or CommonLabels("local", "none", "none", "none", "none")
        self.registry = registry if registry is not None else CollectorRegistry()

    def shadow_diff(self, diffs: Mapping[str, tuple[float, float]], breached: Iterable[str]) -> None:
        return None

    def day_diff(self, field_abs: Mapping[str, float]) -> None:
        return None

    def ai_parse(self, outcome: Literal["ok", "fail"]) -> None:
        return None

    def ai_retry(self, outcome: Literal["success", "fail"]) -> None:
        return None

    def unknown(self, kind: str) -> None:
        return None

    def set_phase(self, phase: str) -> None:
        return None

    def set_flag(self, name: str, value: float) -> None:
        return None

    def set_outbox_depth(self, state: str, n: int) -> None:
        return None

    def set_shadow_lag(self, seconds: float) -> None:
        return None

    def set_dead_letters(self, n: int) -> None:
        return None

    def dual_read(self, outcome: Literal["match", "mismatch"]) -> None:
        return None

    def read_mismatch(self, kind: str) -> None:
        return None

    def shadow_shed(self, reason: str) -> None:
        return None

    def shadow_job(self, outcome: str, seconds: float) -> None:
        return None

    def shadow_jobs(self, outcome: str, n: int, seconds: float) -> None:
        return None

    def phase_change(self, cause: str) -> None:
        return None

    def v2_raised(self, operation: str, error: str) -> None:
        return None

    def flag_error(self, source: str) -> None:
        return None

    def read_version_miss(self) -> None:
        return None

    def ops_job(self, job: str, outcome: str, seconds: float) -> None:
        return None

    def ops_job_work(self, job: str, *, rows: int, nbytes: int) -> None:
        return None

    def set_ops_last_success(self, job: str, unix_seconds: float) -> None:
        return None

    def set_default_partition_rows(self, table: str, n: int) -> None:
        return None

    def http_request(self, route: str, method: str, status: int, seconds: float) -> None:
        return None

    def render(self) -> tuple[bytes, str]:
        return b"", CONTENT_TYPE_PLAIN_0_0_4


def mark_process_dead(pid: int) -> None:
    """Multiprocess bookkeeping for a dead worker (call from the server's child-exit hook)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        _multiprocess.mark_process_dead(pid)
