"""Visual regression runs (runbook §8): record each run where the Diff-Gate reads it; a failed run
pages SRE and, while DUAL_READ_V2 is on, steps back one phase (runbook §3, cause "visual")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from meallog.migration.control import PhaseChange
from meallog.migration.rollback import Page
from meallog.migration.service import Migration
from meallog.store.models import VisualRun


@dataclass(frozen=True, slots=True)
class VisualOutcome:
    passed: bool
    paged: bool
    change: PhaseChange | None  # the step back, when one was taken


def record_visual_run(s: Session, m: Migration, *, passed: bool, env: str, report: str, now: datetime
                      ) -> VisualOutcome:
    s.add(VisualRun(ts=now, env=env, passed=passed, report=report))
    s.flush()
    if passed:
        return VisualOutcome(passed=True, paged=False, change=None)
    why = f"visual regression failed in {env}: {report or 'no report path'}"
    if m.flags.snapshot(s).dual_read_percent() > 0:
        if not m.procedure.recently_rolled_back(s, now):
            change = m.procedure.step_back(s, cause="visual", actor="visual-regression", why=why, now=now)
            return VisualOutcome(passed=False, paged=True, change=change)  # step_back pages
        why += (f"; not stepped back: an automatic step back happened less than {m.procedure.cooldown} ago "
                "(cool-down)")
    m.procedure.pager.page(Page(summary=f"meallog {why}", dedup_key=f"meallog-visual-{env}-{now.date()}",
                                details={"env": env, "report": report, "cause": "visual"}))
    return VisualOutcome(passed=False, paged=True, change=None)
