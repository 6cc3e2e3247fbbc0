"""Phase control: flag changes, advance, step back (rollback, runbook §3 and §8), the P3 back-write.

Every phase change is recorded in `phase_events` with its cause (manual, alert, nps, visual) and
actor. Leaving P3 first writes every log created or changed in P3 back to the legacy table through
the adapter, in the same transaction as the flag change, so nothing written in any phase is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from meallog.errors import GateRed, InvalidInput, InvalidTransition
from meallog.migration.adapter_cache import adapt
from meallog.migration.flags import FlagStore
from meallog.migration.phases import FIRST_DUAL_READ_PERCENT, PHASE_FLAG, Phase, next_phase, step_back
from meallog.store.models import MealLog, MealLogV2, PhaseEvent

GateCheck = Callable[[Session, Phase], Any]  # returns an object with .outcome and .reasons


@dataclass(frozen=True, slots=True)
class PhaseChange:
    before: Phase
    after: Phase
    flag: str | None
    back_written: int = 0
    report: dict[str, Any] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return self.before is not self.after


def last_entered(s: Session, phase: Phase) -> datetime | None:
    return s.scalar(select(PhaseEvent.ts).where(PhaseEvent.to_phase == phase.value)
                    .order_by(PhaseEvent.id.desc()).limit(1))


def back_write_p3(s: Session, *, pipeline_version: str, since: datetime | None, now: datetime) -> int:
    """Write every v2 record created or changed in P3 back to `meal_logs` through the adapter."""
    stmt = select(MealLogV2).where(MealLogV2.pipeline_version == pipeline_version)
    conds = [MealLogV2.written_phase == Phase.P3.value]
    if since is not None:
        conds.append(MealLogV2.updated_at >= since)
    stmt = stmt.where(or_(*conds)).order_by(MealLogV2.log_id)
    n = 0
    for row in s.scalars(stmt):
        view = adapt(row)
        legacy = s.get(MealLog, row.log_id)
        if legacy is not None and legacy.version >= row.log_version and legacy.text == row.text \
                and legacy.deleted_at == row.deleted_at:
            continue
        if legacy is None:
            legacy = MealLog(id=row.log_id, user_id=row.user_id, created_at=row.created_at)
            s.add(legacy)
        legacy.text, legacy.eaten_at, legacy.local_date = row.text, row.eaten_at, row.local_date
        legacy.meal_type, legacy.items, legacy.totals = row.meal_type, view.items, view.totals
        legacy.provider_result = dict(row.provider_result)
        legacy.version, legacy.deleted_at = row.log_version, row.deleted_at
        legacy.updated_at, legacy.origin = now, "v2_backwrite"
        row.written_phase = "P3-bw"  # written back: a later P3 exit need not do it again
        n += 1
    s.flush()
    return n


class PhaseControl:
    """Changes flags in phase order and records what each change did to the phase."""

    def __init__(self, *, flags: FlagStore, pipeline_version: str,
                 on_change: Callable[[PhaseChange, str], None] | None = None) -> None:
        self.flags = flags
        self.pipeline_version = pipeline_version
        # Called after a phase change is staged (same transaction), e.g. to invalidate caches.
        self.on_change = on_change

    def status(self, s: Session) -> Phase:
        return self.flags.snapshot(s).phase

    def set_flag(self, s: Session, name: str, value: str | int | bool, *, actor: str, why: str | None,
                 now: datetime, cause: str = "manual", forced: bool = False) -> PhaseChange:
        before = self.status(s)
        back = self._prepare_exit(s, before, name, value, now)
        old, new = self.flags.set(s, name, value, actor=actor, why=why, now=now)
        return self._record(s, before, name, actor=actor, why=why, now=now, cause=cause, forced=forced,
                            back_written=back)

    def unset_flag(self, s: Session, name: str, *, actor: str, why: str | None, now: datetime) -> PhaseChange:
        before = self.status(s)
        snap = self.flags.snapshot(s)
        from meallog.migration.flags import default_text

        back = self._prepare_exit(s, before, name, default_text(self.flags.settings, name), now) \
            if name in snap.values else 0
        self.flags.unset(s, name, actor=actor, why=why, now=now)
        return self._record(s, before, name, actor=actor, why=why, now=now, cause="manual", forced=False,
                            back_written=back)

    def _prepare_exit(self, s: Session, before: Phase, name: str, value: Any, now: datetime) -> int:
        from meallog.migration.flags import is_on, parse_value

        if before is Phase.P3 and name == PHASE_FLAG[Phase.P3] and not is_on(name, parse_value(name, value)):
            return back_write_p3(s, pipeline_version=self.pipeline_version, since=last_entered(s, Phase.P3), now=now)
        return 0

    def _record(self, s: Session, before: Phase, flag: str, *, actor: str, why: str | None, now: datetime,
                cause: str, forced: bool, back_written: int) -> PhaseChange:
        after = self.status(s)
        change = PhaseChange(before=before, after=after, flag=flag, back_written=back_written)
        if change.changed:
            if before is Phase.P2 and after is not Phase.P3:
                # Runbook §8 rollback: disabling DUAL_READ_V2 invalidates the adapter cache everywhere.
                self.flags.bump_cache_generation(s, actor=actor, now=now)
            s.add(PhaseEvent(ts=now, from_phase=before.value, to_phase=after.value, cause=cause, actor=actor,
                             reason=why, forced=forced, report={"flag": flag, "back_written": back_written}))
            s.flush()
            if self.on_change:
                self.on_change(change, cause)
        return change

    def advance(self, s: Session, *, actor: str, why: str | None, now: datetime, gate: GateCheck | None,
                force: bool = False) -> PhaseChange:
        """Turn on the next phase's flag, if the Diff-Gate says go (or `force` with a reason)."""
        before = self.status(s)
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
        value: str | int = FIRST_DUAL_READ_PERCENT if target is Phase.P2 else "on"
        return self.set_flag(s, flag, value, actor=actor, why=why, now=now, forced=force)

    def step_back(self, s: Session, *, actor: str, why: str | None, now: datetime, cause: str = "manual"
                  ) -> PhaseChange:
        """Runbook §3: turn off the highest phase flag; shadow data is kept."""
        before = self.status(s)
        target = step_back(before)
        if target is None:
            raise InvalidTransition("phase is OFF: nothing to step back from")
        flag = PHASE_FLAG[before]
        return self.set_flag(s, flag, "off" if flag != "DUAL_READ_V2" else "0", actor=actor, why=why, now=now,
                             cause=cause)
