"""Post-deploy checks of runbook §6 (metric labels) and §8 (the `/metrics` smoke), as pure functions.

Contract: every function takes what was fetched (exposition text, HTTP status, promtool's exit code
and output) and returns ``Check`` values; nothing here does I/O. ``meallog verify-deploy`` fetches
and prints (``meallog.cli.observability``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from prometheus_client.parser import text_string_to_metric_families

from meallog.observability.metrics import COMMON_LABELNAMES, FIELDS

BUCKET = "meal_log_shadow_diff_abs_bucket"
# Bucket bounds the alerts read directly (le="80.0" ...): a deploy that changed them breaks the alerts.
ALERT_BOUNDS: Mapping[str, tuple[str, ...]] = {
    "meal_log_shadow_diff_abs_bucket": ("15.0", "80.0"),
    "meal_log_shadow_diff_rel_bucket": ("0.18",),
}


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass(frozen=True, slots=True)
class Expected:
    """Label values the deploy should show; None means "any non-empty value"."""

    env: str | None = None
    shadow_version: str | None = None
    ai_provider: str | None = None
    model: str | None = None
    app_version: str | None = None

    def items(self) -> list[tuple[str, str]]:
        return [(k, v) for k in COMMON_LABELNAMES if (v := getattr(self, k)) is not None]


@dataclass(frozen=True, slots=True)
class Report:
    checks: tuple[Check, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def failed(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.ok)


def _samples(text: str) -> dict[str, list[dict[str, str]]]:
    """Sample name -> label sets (of every sample with that name)."""
    out: dict[str, list[dict[str, str]]] = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out.setdefault(s.name, []).append(dict(s.labels))
    return out


def check_metrics(text: str, expected: Expected = Expected()) -> list[Check]:
    """Runbook §6: the shadow diff histogram is exposed with the five labels and the expected values."""
    try:
        samples = _samples(text)
    except ValueError as exc:
        return [Check("metrics page parses", False, f"not Prometheus text format: {exc}")]
    checks = [Check("metrics page parses", True, f"{sum(map(len, samples.values()))} samples")]
    buckets = samples.get(BUCKET, [])
    if not buckets:
        checks.append(Check(f"{BUCKET} present", False, "no such series on the page"))
        return checks
    checks.append(Check(f"{BUCKET} present", True, f"{len(buckets)} series"))

    missing = sorted({n for labels in buckets for n in (*COMMON_LABELNAMES, "field") if not labels.get(n)})
    checks.append(Check("labels env, shadow_version, ai_provider, model, app_version", not missing,
                        f"missing or empty on some series: {', '.join(missing)}" if missing else
                        "on every series"))  # fmt: skip
    for name, want in expected.items():
        seen = sorted({labels.get(name, "") for labels in buckets})
        ok = seen == [want]
        detail = f"{name}={want!r}" if ok else f"expected {name}={want!r}, found {', '.join(map(repr, seen))}"
        checks.append(Check(f"label {name}", ok, detail))
    fields = {labels.get("field") for labels in buckets}
    absent = [f for f in FIELDS if f not in fields]
    checks.append(Check("every field", not absent,
                        f"missing field(s): {', '.join(absent)}" if absent
                        else ", ".join(FIELDS)))  # fmt: skip
    for series, bounds in ALERT_BOUNDS.items():
        les = {labels.get("le") for labels in samples.get(series, [])}
        lost = [b for b in bounds if b not in les]
        checks.append(Check(f"{series} alert bounds", not lost,
                            f"missing le={', '.join(lost)} (the alerts read them)" if lost else
                            "le=" + ", ".join(bounds)))  # fmt: skip
    return checks


def labels_seen(text: str) -> dict[str, list[str]]:
    """The common label values on the shadow diff histogram, for the report."""
    try:
        buckets = _samples(text).get(BUCKET, [])
    except ValueError:
        return {}
    return {n: sorted({labels.get(n, "") for labels in buckets}) for n in COMMON_LABELNAMES}


def current_phase(text: str) -> str | None:
    """The phase whose ``meal_log_phase`` gauge is 1, if the page shows one."""
    try:
        families = list(text_string_to_metric_families(text))
    except ValueError:
        return None
    for family in families:
        for s in family.samples:
            if s.name == "meal_log_phase" and s.value == 1:
                return str(s.labels.get("phase"))
    return None


def check_status(path: str, status: int | None, error: str | None = None) -> Check:
    """Runbook §8 smoke: an endpoint answered 200."""
    if status is None:
        return Check(f"GET {path}", False, f"no answer: {error or 'unreachable'}")
    return Check(f"GET {path}", status == 200, f"HTTP {status}")


def check_promtool(returncode: int | None, output: str) -> Check:
    """`promtool check metrics` on the page: exit 0 and no lint problems. None = promtool not installed."""
    if returncode is None:
        return Check("promtool check metrics", True, "skipped: promtool not installed")
    text = output.strip()
    return Check("promtool check metrics", returncode == 0 and not text,
                 "clean" if returncode == 0 and not text else f"exit {returncode}: {text[:500]}")  # fmt: skip


def report(checks: Iterable[Check]) -> Report:
    return Report(tuple(checks))


def summarize(checks: Sequence[Check]) -> str:
    bad = [c for c in checks if not c.ok]
    return "all checks passed" if not bad else f"{len(bad)} of {len(checks)} checks failed"
