"""What each phase does (runbook §1, SPEC §4): the only place that says it.

| phase | write | read | shadow job | inline v2 |
| OFF | legacy | legacy | no | no |
| P0  | legacy | legacy | yes | no |
| P1  | legacy + v2 | legacy | yes | yes |
| P2  | legacy + v2 | adapter for the DUAL_READ_V2 share | yes | yes |
| P3  | v2 (legacy only when v2 fails) | adapter | no | yes |
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from meallog.migration.phases import Phase


class WriteMode(StrEnum):
    LEGACY = "legacy"
    LEGACY_AND_V2 = "legacy+v2"
    V2 = "v2"


class ReadMode(StrEnum):
    LEGACY = "legacy"
    ADAPTER_FOR_SHARE = "adapter-for-share"
    ADAPTER = "adapter"


@dataclass(frozen=True, slots=True)
class PhasePlan:
    write: WriteMode
    read: ReadMode
    shadow_job: bool  # an outbox job measures every written version (shadow row + diff row)
    inline_v2: bool  # the v2 record is computed and saved in the user's transaction, within the guard budget

    @property
    def writes_legacy(self) -> bool:
        return self.write is not WriteMode.V2

    @property
    def writes_v2(self) -> bool:
        return self.write is not WriteMode.LEGACY

    @property
    def touches_v2(self) -> bool:
        """Whether a read or write of this phase looks at v2 at all (OFF and P0 never do)."""
        return self.writes_v2 or self.read is not ReadMode.LEGACY


PLAN: Final[Mapping[Phase, PhasePlan]] = MappingProxyType({
    Phase.OFF: PhasePlan(WriteMode.LEGACY, ReadMode.LEGACY, shadow_job=False, inline_v2=False),
    Phase.P0: PhasePlan(WriteMode.LEGACY, ReadMode.LEGACY, shadow_job=True, inline_v2=False),
    Phase.P1: PhasePlan(WriteMode.LEGACY_AND_V2, ReadMode.LEGACY, shadow_job=True, inline_v2=True),
    Phase.P2: PhasePlan(WriteMode.LEGACY_AND_V2, ReadMode.ADAPTER_FOR_SHARE, shadow_job=True, inline_v2=True),
    Phase.P3: PhasePlan(WriteMode.V2, ReadMode.ADAPTER, shadow_job=False, inline_v2=True),
})
