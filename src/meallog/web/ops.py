"""What the ops page shows, read in one session: phase and flags, gate, diffs, breaches, mismatches,
outbox, phase history, ops job runs. Reads only; the buttons call the migration's own procedures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from meallog.migration.gate import GateConfig, GateResult, evaluate
from meallog.migration.phases import Phase, next_phase
from meallog.migration.service import Migration, status_report
from meallog.nutrition.types import FIELDS
from meallog.store.db import session_scope
from meallog.store.models import Diff, OpsJobRun, PhaseEvent, ReadMismatch
from meallog.web.charts import histogram_bins, histogram_svg, timeline_svg

JST = ZoneInfo("Asia/Tokyo")
TIMELINE_DAYS = 14
RECENT = 8


@dataclass(frozen=True, slots=True)
class OpsPage:
    status: dict[str, Any]
    rollout_percent: float
    gate: GateResult | None
    histograms: list[Markup]
    timeline: Markup
    breaches: list[Diff]
    mismatches: list[ReadMismatch]
    history: list[PhaseEvent]
    jobs: list[OpsJobRun]
    cache_generation: int
    now: datetime

    @property
    def phase(self) -> str:
        return str(self.status["phase"])

    @property
    def can_step_back(self) -> bool:
        return self.phase != Phase.OFF.value


def ops_page(m: Migration, sessions: sessionmaker[Session], *, now: datetime) -> OpsPage:
    status = status_report(m, sessions, now=now)
    config = GateConfig.from_settings(m.settings)
    with session_scope(sessions) as s:
        snap = m.flags.snapshot(s)
        target = next_phase(snap.phase)
        gate = evaluate(s, target=target, now=now, config=config) if target is not None else None
        since = now - timedelta(days=config.window_days)
        cols = [getattr(Diff, f"{f}_abs") for f in FIELDS]
        rows = s.execute(select(*cols).where(Diff.ts > since,
                                             Diff.pipeline_version == config.pipeline_version)).all()
        t = config.thresholds
        histograms = [histogram_svg(histogram_bins([r[i] for r in rows], threshold=t.abs_limit(f)),
                                    title=f"|Δ {f}|", unit="kcal" if f == "kcal" else "g")
                      for i, f in enumerate(FIELDS)]
        page = OpsPage(
            status=status, rollout_percent=snap.dual_read_percent(), gate=gate, histograms=histograms,
            timeline=timeline_svg(_per_day(s, now=now), title=f"Breaches per day, last {TIMELINE_DAYS} days (JST)"),
            breaches=list(s.scalars(select(Diff).where(Diff.breach.is_(True))
                                    .order_by(Diff.ts.desc(), Diff.id.desc()).limit(RECENT))),
            mismatches=list(s.scalars(select(ReadMismatch).order_by(ReadMismatch.ts.desc(), ReadMismatch.id.desc())
                                      .limit(RECENT))),
            history=list(s.scalars(select(PhaseEvent).order_by(PhaseEvent.ts.desc(), PhaseEvent.id.desc())
                                   .limit(RECENT))),
            jobs=_last_runs(s),
            cache_generation=snap.cache_generation,
            now=now,
        )
        s.expunge_all()  # the template reads the rows after the session is gone
    return page


def _per_day(s: Session, *, now: datetime) -> list[tuple[str, int, int]]:
    today = now.astimezone(JST).date()
    first = today - timedelta(days=TIMELINE_DAYS - 1)
    start = datetime(first.year, first.month, first.day, tzinfo=JST)
    counts: dict[Any, list[int]] = {first + timedelta(days=i): [0, 0] for i in range(TIMELINE_DAYS)}
    for ts, breach in s.execute(select(Diff.ts, Diff.breach).where(Diff.ts >= start)):
        day = ts.astimezone(JST).date()
        if day in counts:
            counts[day][1] += 1
            counts[day][0] += int(bool(breach))
    return [(f"{d.month}/{d.day}", b, n) for d, (b, n) in counts.items()]


def _last_runs(s: Session) -> list[OpsJobRun]:
    latest = select(OpsJobRun.job, func.max(OpsJobRun.id).label("id")).group_by(OpsJobRun.job).subquery()
    return list(s.scalars(select(OpsJobRun).join(latest, OpsJobRun.id == latest.c.id).order_by(OpsJobRun.job)))
