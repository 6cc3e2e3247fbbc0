"""Wiring of the migration harness for one process: feature service, phase control, rollback."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy.orm import Session, sessionmaker

from meallog.clock import Clock
from meallog.migration.adapter_cache import AdapterCache
from meallog.migration.control import PhaseChange, PhaseControl
from meallog.migration.diff import Thresholds
from meallog.migration.fence import Fence
from meallog.migration.flags import FeatureService, FlagStore, SnapshotCache
from meallog.migration.phases import Phase
from meallog.migration.rollback import Pager, RollbackProcedure
from meallog.observability.metrics import Metrics
from meallog.settings import Settings
from meallog.store.db import session_scope


@dataclass
class Migration:
    settings: Settings
    flags: FlagStore
    features: FeatureService
    snapshots: SnapshotCache
    fence: Fence
    control: PhaseControl
    procedure: RollbackProcedure
    adapter_cache: AdapterCache
    thresholds: Thresholds
    metrics: Metrics


def build_migration(settings: Settings, *, sessions: sessionmaker[Session], metrics: Metrics, clock: Clock,
                    pager: Pager | None = None, metrics_smoke: Any = None, snapshot_ttl_s: float = 1.0) -> Migration:
    flags = FlagStore(settings)

    def load() -> Any:
        with session_scope(sessions) as s:
            return flags.snapshot(s)

    snapshots = SnapshotCache(load, ttl_s=snapshot_ttl_s)
    features = FeatureService(store=flags, snapshots=snapshots)
    adapter_cache = AdapterCache()

    def on_change(change: PhaseChange, cause: str) -> None:
        snapshots.invalidate()
        if leaving_dual_read(change):
            adapter_cache.clear()
        metrics.phase_change(cause)
        metrics.set_phase(change.after.value)

    fence = Fence(flags=flags, metrics=metrics)
    control = PhaseControl(flags=flags, fence=fence, pipeline_version=settings.shadow_pipeline_version,
                           on_change=on_change, sessions=sessions)
    thresholds = Thresholds()
    pager = pager or Pager(pagerduty_url=settings.pagerduty_events_url, routing_key=settings.pagerduty_routing_key,
                           slack_url=settings.slack_webhook_url)

    def smoke(_s: Session) -> tuple[bool, str]:
        if metrics_smoke is not None:
            return metrics_smoke()
        body, _ = metrics.render()
        ok = b"meal_log_shadow_diff_abs_bucket" in body
        return ok, "meal_log_shadow_diff_abs_bucket present" if ok else "meal_log_shadow_diff_abs_bucket missing"

    def shadow_diff_check(s: Session) -> tuple[bool, str]:
        from datetime import timedelta

        from meallog.migration.diff_stats import recent_breaches

        n, breaches = recent_breaches(s, since=clock.now() - timedelta(minutes=15))
        return breaches <= 5, f"{breaches} breaches in {n} diffs over the last 15 min (burst limit 5)"

    procedure = RollbackProcedure(control=control, pager=pager, env=settings.metric_env,
                                  checks={"metrics_smoke": smoke, "shadow_diff_check": shadow_diff_check})
    return Migration(settings=settings, flags=flags, features=features, snapshots=snapshots, fence=fence,
                     control=control,
                     procedure=procedure, adapter_cache=adapter_cache, thresholds=thresholds, metrics=metrics)


def invalidate_adapter_cache(m: Migration, s: Session, *, actor: str, now: Any) -> int:
    """Runbook §8: a new cache generation, seen by every process at its next fenced unit of work."""
    phase = m.control.status(s)
    m.fence.exclusive(s)
    gen = m.flags.bump_cache_generation(s, actor=actor, now=now)
    m.fence.move(s, phase=phase, now=now)  # a new epoch: every process reloads its flags
    m.adapter_cache.clear()
    m.snapshots.invalidate()
    return gen


def leaving_dual_read(change: PhaseChange) -> bool:
    return change.before is Phase.P2 and change.after is Phase.P1


def metrics_smoke_http(url: str, *, client: httpx.Client | None = None) -> tuple[bool, str]:
    """Runbook §6/§8 `/metrics` smoke against a running deployment."""
    c = client or httpx.Client(timeout=5.0)
    try:
        r = c.get(url.rstrip("/") + "/metrics")
    except httpx.HTTPError as exc:
        return False, f"GET /metrics failed: {exc!r}"
    ok = r.status_code == 200 and "meal_log_shadow_diff_abs_bucket" in r.text
    return ok, f"GET /metrics {r.status_code}; meal_log_shadow_diff_abs_bucket {'present' if ok else 'missing'}"


def status_report(m: Migration, sessions: sessionmaker[Session], *, now: Any) -> dict[str, Any]:
    """`meallog phase status --json` and `GET /admin/phase`: phase, flags, sources, queue, lag."""
    from meallog.migration import outbox

    with session_scope(sessions) as s:
        snap = m.flags.snapshot(s)
        phase = m.fence.phase(s)
        st = outbox.stats(s)
    return {
        "phase": phase.value,
        "flags": snap.to_json(),
        "sources": dict(snap.sources),
        "queue": {"pending": st.pending, "running": st.running, "dead": st.dead},
        "shadow_lag_seconds": round(st.lag_seconds(now), 3),
        "pipeline_version": m.settings.shadow_pipeline_version,
        "env": m.settings.metric_env,
    }
