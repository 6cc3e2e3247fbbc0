"""Diff-Gate: go / no-go / inconclusive for the next phase, from the shadow diffs and the runbook's rules.

The judgement reads the `diffs` rows of the last `window_days` for the current pipeline version:
P95 of the absolute diff per field, P95 of the relative kcal diff, breach rate and unknown rate,
each taken as the EXCESS over the A/A noise floor (`calibrations`, 0 when never calibrated).
Diffs matched by an ignore rule and diffs triaged `accepted_change` are left out of the judgement
but counted and shown. Too few samples pause the rollout (inconclusive) rather than pass it.

Prerequisites (runbook §6, §8): before P1, IQR baseline summaries of at least two distinct weeks;
before P2 and P3 in production, visual regression runs on each of the last 14 days, all green.
Pure reads: never writes, never commits.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from meallog.errors import InvalidInput
from meallog.migration.diff import Thresholds
from meallog.migration.phases import Phase
from meallog.nutrition.types import FIELDS, Field
from meallog.store.models import BaselineSummary, Calibration, Diff, VisualRun

Outcome = Literal["go", "no_go", "inconclusive"]
EXIT_CODES: dict[str, int] = {"go": 0, "no_go": 1, "inconclusive": 2}
ACCEPTED_CHANGE = "accepted_change"
CALIBRATION_KINDS = ("legacy_aa", "v2_aa")
JST = ZoneInfo("Asia/Tokyo")
SCHEMA_TABLES = ("meal_logs", "meal_logs_v2", "meal_logs_v2_shadow", "diffs", "outbox")


@dataclass(frozen=True, slots=True)
class GateConfig:
    """The gate's knobs. Production keeps the legacy thresholds (runbook §4: 80 kcal / 15 g / 18 %)."""

    pipeline_version: str = "v2.0.0"
    env: str = "local"
    thresholds: Thresholds = field(default_factory=Thresholds)
    window_days: int = 7
    min_samples: int = 200
    max_breach_rate: float = 0.05
    max_unknown_rate: float = 0.10
    baseline_weeks: int = 2
    visual_days: int = 14

    @classmethod
    def from_settings(cls, settings: Any, **overrides: Any) -> GateConfig:
        """METRIC_ENV and SHADOW_PIPELINE_VERSION from Settings; anything else from `overrides`."""
        base: dict[str, Any] = {
            "pipeline_version": settings.shadow_pipeline_version,
            "env": settings.metric_env,
        }
        base.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**base)


@dataclass(frozen=True, slots=True)
class GateResult:
    """`reasons` is every line; `blocking` the ones that stop the phase, `info` the ones that do not."""

    target: Phase
    outcome: Outcome
    reasons: list[str]
    stats: dict[str, Any]
    blocking: list[str] = field(default_factory=list)
    info: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, target: Phase, outcome: Outcome, stats: dict[str, Any], *, blocking: Sequence[str] = (),
           info: Sequence[str] = ()) -> GateResult:
        return cls(target, outcome, [*blocking, *info], stats, list(blocking), list(info))

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.outcome]

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.target.value,
            "outcome": self.outcome,
            "reasons": list(self.reasons),
            "blocking": list(self.blocking),
            "info": list(self.info),
            "stats": self.stats,
        }


@dataclass(frozen=True, slots=True)
class Floor:
    abs: float = 0.0
    rel: float = 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (numpy's default method); 0 for no values."""
    if not values:
        return 0.0
    xs = sorted(values)
    pos = (len(xs) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def noise_floors(s: Session) -> dict[Field, Floor]:
    """Per field, the larger of the latest legacy A/A and v2 A/A floors (0 when never calibrated)."""
    out: dict[Field, Floor] = {f: Floor() for f in FIELDS}
    for kind in CALIBRATION_KINDS:
        for f in FIELDS:
            row = s.scalars(
                select(Calibration)
                .where(Calibration.kind == kind, Calibration.field == f)
                .order_by(Calibration.ts.desc(), Calibration.id.desc())
                .limit(1)
            ).first()
            if row is not None:
                out[f] = Floor(abs=max(out[f].abs, row.floor_abs), rel=max(out[f].rel, row.floor_rel))
    return out


def _judged_breach(row: Any, floors: dict[Field, Floor], t: Thresholds) -> list[str]:
    """Fields whose diff, less the noise floor, is past the thresholds (same rule as `diff.breached`)."""
    out: list[str] = []
    for f in FIELDS:
        a = max(getattr(row, f"{f}_abs") - floors[f].abs, 0.0)
        r = max(getattr(row, f"{f}_rel") - floors[f].rel, 0.0)
        if a > t.abs_limit(f) or (r > t.rel and a >= t.rel_floor(f)):
            out.append(f)
    return out


def diff_stats(s: Session, *, now: datetime, config: GateConfig) -> dict[str, Any]:
    """Statistics of the window's diffs; the judged set excludes ignored and accepted_change rows."""
    since = now - timedelta(days=config.window_days)
    cols = [Diff.id, Diff.ignore_rule_id, Diff.triage, Diff.breach, Diff.item_count, Diff.unknown_count]
    cols += [getattr(Diff, f"{f}_{k}") for f in FIELDS for k in ("abs", "rel")]
    rows = s.execute(
        select(*cols).where(Diff.ts > since, Diff.pipeline_version == config.pipeline_version)
    ).all()
    ignored = [r for r in rows if r.ignore_rule_id is not None]
    accepted = [r for r in rows if r.ignore_rule_id is None and r.triage == ACCEPTED_CHANGE]
    judged = [r for r in rows if r.ignore_rule_id is None and r.triage != ACCEPTED_CHANGE]
    floors = noise_floors(s)
    t = config.thresholds

    p95_abs = {f: round(percentile([getattr(r, f"{f}_abs") for r in judged], 0.95), 3) for f in FIELDS}
    p95_rel = {f: round(percentile([getattr(r, f"{f}_rel") for r in judged], 0.95), 4) for f in FIELDS}
    excess_abs = {f: round(max(p95_abs[f] - floors[f].abs, 0.0), 3) for f in FIELDS}
    excess_rel = {f: round(max(p95_rel[f] - floors[f].rel, 0.0), 4) for f in FIELDS}
    breaches = [r for r in judged if _judged_breach(r, floors, t)]
    items = sum(r.item_count for r in judged)
    unknown = sum(r.unknown_count for r in judged)
    n = len(judged)
    return {
        "pipeline_version": config.pipeline_version,
        "window_days": config.window_days,
        "since": since.isoformat(),
        "total": len(rows),
        "judged": n,
        "ignored": len(ignored),
        "ignored_rules": sorted({r.ignore_rule_id for r in ignored}),
        "accepted_change": len(accepted),
        "p95_abs": p95_abs,
        "p95_rel": p95_rel,
        "noise_floor": {f: {"abs": floors[f].abs, "rel": floors[f].rel} for f in FIELDS},
        "excess_p95_abs": excess_abs,
        "excess_p95_rel": excess_rel,
        "breaches": len(breaches),
        "breach_rate": round(len(breaches) / n, 4) if n else 0.0,
        "stored_breaches": sum(1 for r in rows if r.breach),
        "unknown_count": unknown,
        "item_count": items,
        "unknown_rate": round(unknown / items, 4) if items else 0.0,
        "thresholds": {"kcal_abs": t.kcal_abs, "macro_abs": t.macro_abs, "rel": t.rel},
        "limits": {
            "min_samples": config.min_samples,
            "max_breach_rate": config.max_breach_rate,
            "max_unknown_rate": config.max_unknown_rate,
        },
    }


def _baseline_weeks(s: Session, env: str) -> list[date]:
    return list(
        s.scalars(
            select(BaselineSummary.week_start)
            .where(BaselineSummary.env == env)
            .group_by(BaselineSummary.week_start)
            .order_by(BaselineSummary.week_start)
        )
    )


def _visual_days(s: Session, *, env: str, now: datetime, days: int) -> tuple[set[date], list[VisualRun]]:
    since = now - timedelta(days=days)
    runs = list(
        s.scalars(
            select(VisualRun)
            .where(VisualRun.env == env, VisualRun.ts > since, VisualRun.ts <= now)
            .order_by(VisualRun.ts)
        )
    )
    return {r.ts.astimezone(JST).date() for r in runs}, [r for r in runs if not r.passed]


def schema_present(s: Session) -> list[str]:
    """The migration tables missing from the database (empty when the schema is there)."""
    insp = inspect(s.connection())
    return [t for t in SCHEMA_TABLES if not insp.has_table(t)]


def evaluate(s: Session, *, target: Phase, now: datetime, config: GateConfig) -> GateResult:
    """Say go, no_go or inconclusive for advancing to `target`, with reasons and the statistics."""
    if target is Phase.OFF:
        raise InvalidInput("the gate judges a phase to advance to: P0, P1, P2 or P3", field="phase")
    if target is Phase.P0:
        missing = schema_present(s)
        if missing:
            return GateResult.of(
                target,
                "no_go",
                {"missing_tables": missing},
                blocking=[f"schema incomplete: missing {', '.join(missing)} (run `meallog db upgrade`)"],
            )
        return GateResult.of(
            target, "go", {"missing_tables": []}, info=["P0 measures only: the shadow schema is in place"]
        )

    stats = diff_stats(s, now=now, config=config)
    no_go: list[str] = []
    notes: list[str] = []

    if target is Phase.P1:
        weeks = _baseline_weeks(s, config.env)
        stats["baseline_weeks"] = [w.isoformat() for w in weeks]
        if len(weeks) < config.baseline_weeks:
            no_go.append(
                f"IQR baseline summaries recorded for {len(weeks)} week(s) in env {config.env}; "
                f"runbook §6 needs {config.baseline_weeks} before DUAL_WRITE_V2"
            )
    if target in (Phase.P2, Phase.P3) and config.env == "prod":
        days, failed = _visual_days(s, env=config.env, now=now, days=config.visual_days)
        stats["visual_days"] = len(days)
        stats["visual_failed_runs"] = len(failed)
        if len(days) < config.visual_days:
            no_go.append(
                f"visual regression ran on {len(days)} of the last {config.visual_days} days in prod; "
                f"runbook §8 needs {config.visual_days} days green"
            )
        if failed:
            no_go.append(
                f"{len(failed)} visual regression run(s) failed in the last {config.visual_days} days "
                f"(latest {failed[-1].ts.isoformat()})"
            )

    if stats["ignored"] or stats["accepted_change"]:
        notes.append(
            f"left out of the judgement: {stats['ignored']} ignored diff(s) "
            f"(rules {', '.join(map(str, stats['ignored_rules'])) or '-'}), "
            f"{stats['accepted_change']} triaged accepted_change"
        )

    n = stats["judged"]
    if n < config.min_samples:
        blocking = [
            *no_go,
            f"only {n} judged diff(s) in the last {config.window_days} days for "
            f"{config.pipeline_version} (need {config.min_samples}): pause, do not advance",
        ]
        return GateResult.of(target, "no_go" if no_go else "inconclusive", stats, blocking=blocking, info=notes)

    t = config.thresholds
    for f in FIELDS:
        limit = t.abs_limit(f)
        if stats["excess_p95_abs"][f] > limit:
            no_go.append(
                f"P95 |{f}| diff {stats['excess_p95_abs'][f]:g} over the noise floor exceeds {limit:g}"
            )
    if stats["excess_p95_rel"]["kcal"] > t.rel:
        no_go.append(
            f"P95 relative kcal diff {stats['excess_p95_rel']['kcal']:.1%} over the noise floor "
            f"exceeds {t.rel:.0%}"
        )
    if stats["breach_rate"] > config.max_breach_rate:
        no_go.append(
            f"breach rate {stats['breach_rate']:.1%} ({stats['breaches']}/{n}) exceeds "
            f"{config.max_breach_rate:.1%}"
        )
    if stats["unknown_rate"] > config.max_unknown_rate:
        no_go.append(
            f"unknown rate {stats['unknown_rate']:.1%} ({stats['unknown_count']}/{stats['item_count']} "
            f"items) exceeds {config.max_unknown_rate:.1%}"
        )
    if no_go:
        return GateResult.of(target, "no_go", stats, blocking=no_go, info=notes)
    ok = (
        f"{n} diffs in {config.window_days} days: P95 kcal {stats['excess_p95_abs']['kcal']:g}, "
        f"breach rate {stats['breach_rate']:.1%}, unknown rate {stats['unknown_rate']:.1%}: within limits"
    )
    return GateResult.of(target, "go", stats, info=[ok, *notes])
