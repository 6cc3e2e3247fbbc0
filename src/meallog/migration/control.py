"""Phase control: every flag change is a transition inside the fence (runbook §2, §3, §8).

A transition takes the fence exclusively (waiting for in-flight writes of the phase it leaves),
checks the order and the §8 ramp, changes the flag, does the P3 back-write when it leaves P3, moves
the fence to the new phase and epoch, and records a `phase_events` row and a WARNING log line —
all in the caller's one transaction. Nothing written in any phase is lost: when P3 ends, every log
whose current version only its v2 record holds is written back to `meal_logs` through the adapter.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, sessionmaker

from meallog.errors import GateRed, InvalidInput, InvalidTransition
from meallog.migration.adapter_cache import adapt
from meallog.migration.fence import Fence, stored_phase
from meallog.migration.flags import FlagStore, default_text, parse_value
from meallog.migration.phases import PHASE_FLAG, PHASE_FLAGS, Phase, index, next_phase, ramp_violation, step_back
from meallog.migration.records import put_legacy, state_of_v2
from meallog.nutrition.dto import NutritionV1
from meallog.store.db import is_postgres, session_scope
from meallog.store.models import BackfillCursor, LogKey, MealLog, MealLogV2, PhaseEvent

log = structlog.get_logger("meallog.migration")

GateCheck = Callable[[Session, Phase], Any]  # returns an object with .outcome and .reasons
BACKFILL_CURSOR = "v2_backfill"


@dataclass(frozen=True, slots=True)
class PhaseChange:
    before: Phase
    after: Phase
    flag: str | None
    back_written: int = 0  # report: `pre_copied` before the fence, `in_fence` inside it
    report: dict[str, Any] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return self.before is not self.after


def last_entered(s: Session, phase: Phase) -> datetime | None:
    return s.scalar(select(PhaseEvent.ts).where(PhaseEvent.to_phase == phase.value)
                    .order_by(PhaseEvent.id.desc()).limit(1))


def back_write(s: Session, *, pipeline_version: str, now: datetime, limit: int | None = None) -> int:
    """Write every log whose current version only its v2 record holds back to `meal_logs`.

    Through the adapter, so legacy shows what the user saw in P3. Idempotent (a second run finds
    nothing) and safe beside concurrent writers: each row is an `upsert_newer`.
    """
    stmt = (select(MealLogV2)
            .join(LogKey, and_(LogKey.id == MealLogV2.log_id, LogKey.version == MealLogV2.log_version))
            .outerjoin(MealLog, MealLog.id == LogKey.id)
            .where(or_(MealLog.id.is_(None), MealLog.version < LogKey.version))
            .order_by(MealLogV2.log_id, MealLogV2.pipeline_version != pipeline_version))
    if limit is not None:
        stmt = stmt.limit(limit)
    done: set[int] = set()
    for row in s.scalars(stmt):
        if row.log_id not in done:  # else: the same version under another pipeline version
            write_back(s, row)
            done.add(row.log_id)
    s.flush()
    return len(done)


def write_back(s: Session, row: MealLogV2) -> bool:
    """One v2 record's version into `meal_logs`, with the adapter's nutrition (what P3 showed)."""
    view = adapt(row)
    nutrition = NutritionV1.model_validate({"items": view.items, "totals": view.totals})
    return put_legacy(s, state_of_v2(row), nutrition, origin="v2_backwrite")


class PhaseControl:
    """Changes flags in phase order, inside the fence, and records what each change did."""

    def __init__(self, *, flags: FlagStore, fence: Fence, pipeline_version: str,
                 on_change: Callable[[PhaseChange, str], None] | None = None,
                 sessions: sessionmaker[Session] | None = None, pre_copy_batch: int = 500) -> None:
        self.flags = flags
        self.fence = fence
        self.pipeline_version = pipeline_version
        # Called after a phase change is staged (same transaction), e.g. to invalidate caches.
        self.on_change = on_change
        # For the pre-copy of a P3 exit (PostgreSQL): transactions of its own, before the fence.
        self.sessions = sessions
        self.pre_copy_batch = pre_copy_batch

    def pre_copy(self, s: Session, name: str, now: datetime) -> int:
        """Leaving P3: write back what P3 wrote so far *before* taking the fence, in short transactions
        of their own beside the writers (each row an `upsert_newer`, so never a row moved back). The
        fenced back-write then has only the logs written since, and writes wait milliseconds, not the
        whole back-write. PostgreSQL only: SQLite has one writer, and this transaction may hold it."""
        # The phase as this transaction last saw it, read only: a probe of its own could wait on a
        # fence row this transaction inserted and not yet committed (a new database). A stale answer
        # costs only the pre-copy; the fenced back-write below is what makes the exit correct.
        if self.sessions is None or name not in PHASE_FLAGS or not is_postgres(s) or stored_phase(s) is not Phase.P3:
            return 0
        total = 0
        while True:
            with session_scope(self.sessions) as batch:
                n = back_write(batch, pipeline_version=self.pipeline_version, now=now, limit=self.pre_copy_batch)
            total += n
            if n * 2 < self.pre_copy_batch:  # what is left is the writers' churn: the fence takes it
                return total

    def _enter(self, s: Session, name: str, now: datetime) -> tuple[int, Phase]:
        """Before a flag change: the pre-copy (outside the fence), then the fence, exclusively."""
        pre = self.pre_copy(s, name, now)
        return pre, Phase(self.fence.exclusive(s).phase)

    def status(self, s: Session) -> Phase:
        return self.fence.phase(s)

    def set_flag(self, s: Session, name: str, value: str | int | bool, *, actor: str, why: str | None,
                 now: datetime, cause: str = "manual", forced: bool = False) -> PhaseChange:
        pre, before = self._enter(s, name, now)
        new = parse_value(name, value)
        values = self.flags.snapshot(s).values
        self.flags.set(s, name, new, actor=actor, why=_audited(why, forced), now=now)  # checks the order
        self._check_ramp(values, name, new, forced=forced, why=why)  # raising rolls the change back
        return self._transition(s, before, name, actor=actor, why=why, now=now, cause=cause, forced=forced,
                                pre_copied=pre)

    def unset_flag(self, s: Session, name: str, *, actor: str, why: str | None, now: datetime) -> PhaseChange:
        pre, before = self._enter(s, name, now)
        values = self.flags.snapshot(s).values
        self.flags.unset(s, name, actor=actor, why=why, now=now)
        self._check_ramp(values, name, default_text(self.flags.settings, name), forced=False, why=why)
        return self._transition(s, before, name, actor=actor, why=why, now=now, cause="manual", forced=False,
                                pre_copied=pre)

    @staticmethod
    def _check_ramp(values: Mapping[str, str], name: str, new: str, *, forced: bool, why: str | None) -> None:
        reason = ramp_violation(values, name, new)
        if reason is None:
            return
        if not forced:
            raise InvalidTransition(reason + " (a jump needs --force with --why; it is audited)", field="value")
        if not why:
            raise InvalidInput("--force needs --why: a forced change is audited", field="why")

    def _transition(self, s: Session, before: Phase, flag: str, *, actor: str, why: str | None, now: datetime,
                    cause: str, forced: bool, pre_copied: int = 0) -> PhaseChange:
        after = self.flags.snapshot(s).phase
        back = 0
        if before is Phase.P3 and after is not Phase.P3:
            back = back_write(s, pipeline_version=self.pipeline_version, now=now)
        if index(before) < index(Phase.P1) <= index(after):
            _reset_backfill(s, now)  # entering P1: the backfill walks every log again (stale ones too)
        self.fence.move(s, phase=after, now=now)
        in_fence, back = back, back + pre_copied
        change = PhaseChange(before=before, after=after, flag=flag, back_written=back,
                             report={"pre_copied": pre_copied, "in_fence": in_fence} if back else {})
        if change.changed:
            if before is Phase.P2 and after is not Phase.P3:
                # Runbook §8 rollback: disabling DUAL_READ_V2 invalidates the adapter cache everywhere.
                self.flags.bump_cache_generation(s, actor=actor, now=now)
            s.add(PhaseEvent(ts=now, from_phase=before.value, to_phase=after.value, cause=cause, actor=actor,
                             reason=why, forced=forced,
                             report={"flag": flag, "back_written": back, **change.report}))
            s.flush()
            log.warning("phase change", from_phase=before.value, to_phase=after.value, cause=cause, actor=actor,
                        reason=why, forced=forced, flag=flag, back_written=back, **change.report)
            if self.on_change:
                self.on_change(change, cause)
        return change

    def advance(self, s: Session, *, actor: str, why: str | None, now: datetime, gate: GateCheck | None,
                force: bool = False) -> PhaseChange:
        """The next step: the next phase's flag, or in P2 the next step of the 10 -> 50 -> 100 ramp.

        Needs a green Diff-Gate for a new phase, or `force` with a reason (audited).
        """
        before = self.status(s)
        snap = self.flags.snapshot(s)
        pct = snap.dual_read_percent()
        if before is Phase.P2 and pct < 100:
            step = next(p for p in (10, 50, 100) if p > pct)
            return self.set_flag(s, "DUAL_READ_V2", step, actor=actor, why=why, now=now, forced=force)
        target = next_phase(before)
        if target is None:
            raise InvalidTransition("already in P3: there is no next phase")
        if gate is not None:
            result = gate(s, target)
            if result.outcome != "go":
                if not force:
                    raise GateRed(f"Diff-Gate for {target.value} is {result.outcome}: " + "; ".join(result.reasons))
                if not why:
                    raise InvalidInput("--force needs --why: a forced advance is audited", field="why")
        flag = PHASE_FLAG[target]
        value: str | int = 10 if target is Phase.P2 else "on"
        return self.set_flag(s, flag, value, actor=actor, why=why, now=now, forced=force)

    def step_back(self, s: Session, *, actor: str, why: str | None, now: datetime, cause: str = "manual"
                  ) -> PhaseChange:
        """Runbook §3: turn off the highest phase flag; shadow data is kept."""
        before = self.status(s)
        if step_back(before) is None:
            raise InvalidTransition("phase is OFF: nothing to step back from")
        flag = PHASE_FLAG[before]
        return self.set_flag(s, flag, "off" if flag != "DUAL_READ_V2" else "0", actor=actor, why=why, now=now,
                             cause=cause)

    def sync(self, s: Session, *, actor: str, now: datetime) -> PhaseChange:
        """At start: when the env defaults moved the flags' phase away from the fence, make it a transition."""
        before = Phase(self.fence.exclusive(s).phase)
        if self.flags.snapshot(s).phase is before:
            return PhaseChange(before, before, None)
        return self._transition(s, before, "env", actor=actor, why="env defaults at start", now=now, cause="env",
                                forced=False)


def _audited(why: str | None, forced: bool) -> str | None:
    return f"FORCED: {why}" if forced and why else why


def _reset_backfill(s: Session, now: datetime) -> None:
    row = s.get(BackfillCursor, BACKFILL_CURSOR)
    if row is not None:
        row.last_id, row.updated_at = 0, now

