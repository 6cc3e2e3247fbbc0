"""Deterministic data for the ops page screenshot: P2 at 10 %, two weeks of diffs with a few breaches,
read mismatches, phase history, outbox jobs and ops job runs (seeded RNG, fixed clock)."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from meallog.migration.diff import FieldDiff, Thresholds, breached
from meallog.nutrition.types import FIELDS
from meallog.store.models import Diff, FeatureFlag, OpsJobRun, OutboxJob, PhaseEvent, ReadMismatch
from tests.visual.fixture_days import NOW, PIPELINE


def seed_ops(s: Session, services: Any) -> None:
    rng = random.Random(20251120)
    for name, value in (("NORMALIZE_V2_SHADOW", "on"), ("DUAL_WRITE_V2", "on"), ("DUAL_READ_V2", "10")):
        s.add(FeatureFlag(name=name, value=value, updated_at=NOW, updated_by="cli:sre"))
    events = [(20, "OFF", "P0", "manual", "cli:sre", "start measuring"),
              (16, "P0", "P1", "manual", "cli:sre", "gate go; baseline weeks 2025-W45, W46"),
              (9, "P1", "P2", "manual", "cli:sre", "gate go, 10 %"),
              (6, "P2", "P1", "alert", "alertmanager", "MealLogShadowDiffBreachBurst"),
              (3, "P1", "P2", "manual", "cli:sre", "fix released (v2.0.1 unit table), 10 % again")]
    for days, a, b, cause, actor, why in events:
        s.add(PhaseEvent(ts=NOW - timedelta(days=days, hours=2), from_phase=a, to_phase=b, cause=cause,
                         actor=actor, reason=why, forced=False, report=None))
    log_id = 1000
    for day in range(14):
        for _ in range(18 + rng.randrange(12)):
            log_id += 1
            kcal = abs(rng.gauss(0, 22)) if rng.random() > 0.04 else 80 + rng.random() * 90
            macro = [abs(rng.gauss(0, 3.5)) for _ in range(3)]
            if rng.random() < 0.02:
                macro[2] = 15 + rng.random() * 10
            base = [500 + rng.random() * 500, 60 + rng.random() * 30, 50 + rng.random() * 30, 150 + rng.random() * 100]
            values = [kcal, *macro]
            diffs = {f: FieldDiff(f, base[i], base[i] + values[i], round(values[i], 1),
                                  round(values[i] / (base[i] + values[i]), 4)) for i, f in enumerate(FIELDS)}
            breach_fields = breached(diffs, Thresholds())  # the same rule the worker and the gate apply
            s.add(Diff(ts=NOW - timedelta(days=day, minutes=rng.randrange(1, 1400)), log_id=log_id, log_version=1,
                       user_id=1 + rng.randrange(40), pipeline_version=PIPELINE, local_date=None,
                       **{f"{f}_{k}": getattr(d, k) for f, d in diffs.items() for k in ("abs", "rel")},
                       legacy_totals={}, v2_totals={}, breach=bool(breach_fields),
                       breach_fields=",".join(breach_fields), item_count=3, unknown_count=int(rng.random() < 0.05)))
    for i, fields in enumerate((["items[1].kcal"], ["items.length"], ["totals.carbs_g", "items[0].carbs_g"])):
        s.add(ReadMismatch(ts=NOW - timedelta(hours=5 + 11 * i), log_id=1200 + 37 * i, user_id=3 + i, fields=fields,
                           legacy={}, adapted={}))
    for i in range(3):
        s.add(OutboxJob(kind="shadow", log_id=2000 + i, log_version=1, payload={}, state="pending", attempts=0,
                        next_attempt_at=NOW, created_at=NOW - timedelta(seconds=4 + 3 * i), updated_at=NOW))
    s.add(OutboxJob(kind="v2_sync", log_id=1990, log_version=2, payload={}, state="dead", attempts=8,
                    next_attempt_at=NOW, created_at=NOW - timedelta(hours=3), updated_at=NOW,
                    last_error="TimeoutError"))
    for job, hours, outcome in (("cleanup_ingest_requests", 9.25, "ok"), ("archive_shadow", 9.5, "ok"),
                                ("vacuum_shadow", 30, "failed")):
        start = NOW - timedelta(hours=hours)
        s.add(OpsJobRun(job=job, started_at=start, finished_at=start + timedelta(seconds=42), outcome=outcome,
                        detail={}))
    s.flush()
