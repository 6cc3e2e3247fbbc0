"""Phases derived from flags, and the order in which flags may change (runbook §1, §2)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class Phase(StrEnum):
    OFF = "OFF"
    P0 = "P0"
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"


ORDER: tuple[Phase, ...] = (Phase.OFF, Phase.P0, Phase.P1, Phase.P2, Phase.P3)

# The flag that a phase turns on, in the runbook's enable order.
PHASE_FLAG: dict[Phase, str] = {
    Phase.P0: "NORMALIZE_V2_SHADOW",
    Phase.P1: "DUAL_WRITE_V2",
    Phase.P2: "DUAL_READ_V2",
    Phase.P3: "SWITCH_V2",
}
PHASE_FLAGS: tuple[str, ...] = tuple(PHASE_FLAG[p] for p in ORDER[1:])
# Runbook §8: the dual read is rolled out 10 % -> 50 % -> 100 %, and P3 needs all of it.
RAMP: tuple[int, ...] = (10, 50, 100)


def phase_of(on: dict[str, bool]) -> Phase:
    """The highest phase whose flag and every earlier flag are on."""
    phase = Phase.OFF
    for p in ORDER[1:]:
        if not on.get(PHASE_FLAG[p], False):
            break
        phase = p
    return phase


def index(phase: Phase) -> int:
    return ORDER.index(phase)


def next_phase(phase: Phase) -> Phase | None:
    i = index(phase)
    return ORDER[i + 1] if i + 1 < len(ORDER) else None


def step_back(phase: Phase) -> Phase | None:
    """One phase back (runbook §3): the phase whose flags remain after turning off the highest."""
    i = index(phase)
    return ORDER[i - 1] if i > 0 else None


def check_order(on: dict[str, bool], name: str, turning_on: bool) -> str | None:
    """Why turning `name` on/off now would break the phase order, or None when it is allowed."""
    if name not in PHASE_FLAGS:
        return None
    i = PHASE_FLAGS.index(name)
    if turning_on:
        missing = [f for f in PHASE_FLAGS[:i] if not on.get(f, False)]
        if missing:
            return f"{name} cannot be turned on before {', '.join(missing)} (enable order: {' -> '.join(PHASE_FLAGS)})"
    else:
        later = [f for f in PHASE_FLAGS[i + 1:] if on.get(f, False)]
        if later:
            return f"{name} cannot be turned off while {', '.join(later)} is on (turn off the later phase first)"
    return None


def ramp_violation(values: Mapping[str, str], name: str, new: str) -> str | None:
    """Why setting flag `name` to the stored text `new` would skip the §8 ramp, or None."""
    pct = float(values.get("DUAL_READ_V2", "0"))
    if name == "SWITCH_V2" and new == "on" and pct < RAMP[-1]:
        return f"SWITCH_V2 needs DUAL_READ_V2 at 100 first (now {pct:g}; the ramp is 10 -> 50 -> 100)"
    if name == "DUAL_READ_V2" and float(new) > pct:
        step = next(p for p in RAMP if p > pct)
        if float(new) > step:
            return f"DUAL_READ_V2 ramps 10 -> 50 -> 100: from {pct:g} the next step is {step}, not {float(new):g}"
    return None
