"""The feature service: flag definitions, env defaults, stored overrides, audit, and OpenFeature.

Values come from env vars at start (Settings) and from overrides in `feature_flags`, changed at run
time by `/admin/flags` or `meallog flags set|unset`; every change lands in `flag_audit`. Request-path
evaluation goes through the OpenFeature SDK with `MeallogFlagProvider`, so a team can point the
client at flagd or another provider instead.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openfeature import api as openfeature_api
from openfeature.evaluation_context import EvaluationContext
from openfeature.exception import ErrorCode
from openfeature.flag_evaluation import FlagResolutionDetails, Reason
from openfeature.provider import AbstractProvider, Metadata
from sqlalchemy import select
from sqlalchemy.orm import Session

from meallog.errors import FlagUnavailable, InvalidInput, InvalidTransition
from meallog.migration.phases import PHASE_FLAGS, Phase, check_order, phase_of
from meallog.migration.rollout import in_rollout
from meallog.settings import Settings
from meallog.store.models import FeatureFlag, FlagAudit

ADAPTER_CACHE_GENERATION = "_ADAPTER_CACHE_GENERATION"  # internal row, bumped by `adapter invalidate`


@dataclass(frozen=True, slots=True)
class FlagSpec:
    name: str
    kind: str  # "bool" | "percent" | "enum"
    setting: str
    choices: tuple[str, ...] = ()
    help: str = ""


SPECS: dict[str, FlagSpec] = {
    s.name: s
    for s in (
        FlagSpec("NORMALIZE_V2_SHADOW", "bool", "normalize_v2_shadow", help="P0: compute v2 in the shadow"),
        FlagSpec("DUAL_WRITE_V2", "bool", "dual_write_v2", help="P1: save legacy and v2 together"),
        FlagSpec("DUAL_READ_V2", "percent", "dual_read_v2", help="P2: share of users read through the adapter"),
        FlagSpec("SWITCH_V2", "bool", "switch_v2", help="P3: v2 only"),
        FlagSpec("NEVER_ZERO_MODE", "enum", "never_zero_mode", ("off", "safe", "strict"),
                 help="keep: safe"),
        FlagSpec("SET_PROPOSAL_UI", "bool", "set_proposal_ui", help="keep: on"),
        FlagSpec("ATWATER_SIMPLE_SCALE", "bool", "atwater_simple_scale", help="optional"),
    )
}

_TRUE = {"on", "true", "1", "yes", "enabled"}
_FALSE = {"off", "false", "0", "no", "disabled"}


def parse_value(name: str, raw: str | int | bool) -> str:
    """Canonical stored text of a flag value, or InvalidInput with a one-line reason."""
    spec = SPECS.get(name)
    if spec is None:
        raise InvalidInput(f"unknown flag {name!r} (known: {', '.join(SPECS)})", field="name")
    text = str(raw).strip().lower() if not isinstance(raw, bool) else ("on" if raw else "off")
    if spec.kind == "bool":
        if text in _TRUE:
            return "on"
        if text in _FALSE:
            return "off"
        raise InvalidInput(f"{name} takes on/off, not {raw!r}", field="value")
    if spec.kind == "percent":
        if text in _TRUE:
            return "100"
        if text in _FALSE:
            return "0"
        try:
            pct = float(text.rstrip("%"))
        except ValueError:
            raise InvalidInput(f"{name} takes a percentage 0-100 (or on/off), not {raw!r}", field="value") from None
        if not 0 <= pct <= 100:
            raise InvalidInput(f"{name} percentage must be within 0-100, not {raw!r}", field="value")
        return f"{pct:g}"
    if text not in spec.choices:
        raise InvalidInput(f"{name} takes one of {', '.join(spec.choices)}, not {raw!r}", field="value")
    return text


def typed(name: str, stored: str) -> bool | float | str:
    kind = SPECS[name].kind
    if kind == "bool":
        return stored == "on"
    if kind == "percent":
        return float(stored)
    return stored


def is_on(name: str, stored: str) -> bool:
    value = typed(name, stored)
    return bool(value) if not isinstance(value, str) else True


def default_text(settings: Settings, name: str) -> str:
    return parse_value(name, getattr(settings, SPECS[name].setting))


@dataclass(frozen=True, slots=True)
class FlagSnapshot:
    """Every flag's value and where it came from ("env" or "override"), read at one instant."""

    values: Mapping[str, str]
    sources: Mapping[str, str]
    seed: str
    cache_generation: int = 0

    @property
    def on(self) -> dict[str, bool]:
        return {n: is_on(n, v) for n, v in self.values.items()}

    @property
    def phase(self) -> Phase:
        return phase_of(self.on)

    def value(self, name: str) -> bool | float | str:
        return typed(name, self.values[name])

    def dual_read_percent(self) -> float:
        return float(self.values["DUAL_READ_V2"])

    def reads_through_adapter(self, user_id: int) -> bool:
        return in_rollout(self.seed, user_id, self.dual_read_percent())

    def to_json(self) -> dict[str, Any]:
        return {n: self.value(n) for n in SPECS}


class FlagStore:
    """Stored overrides over env defaults. Takes a Session; never commits."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def snapshot(self, s: Session) -> FlagSnapshot:
        overrides = {f.name: f.value for f in s.scalars(select(FeatureFlag))}
        values, sources = {}, {}
        for name in SPECS:
            if name in overrides:
                values[name], sources[name] = overrides[name], "override"
            else:
                values[name], sources[name] = default_text(self.settings, name), "env"
        generation = int(overrides.get(ADAPTER_CACHE_GENERATION, "0") or 0)
        return FlagSnapshot(values=values, sources=sources, seed=self.settings.migration_seed,
                            cache_generation=generation)

    def defaults(self) -> FlagSnapshot:
        """The env defaults alone: what a process knows when the flag store has never answered."""
        values = {name: default_text(self.settings, name) for name in SPECS}
        return FlagSnapshot(values=values, sources=dict.fromkeys(SPECS, "env"), seed=self.settings.migration_seed)

    def set(self, s: Session, name: str, raw: str | int | bool, *, actor: str, why: str | None,
            now: datetime, check: bool = True) -> tuple[str, str]:
        """Apply an override; refuse an out-of-order phase change. Returns (old, new)."""
        new = parse_value(name, raw)
        snap = self.snapshot(s)
        old = snap.values[name]
        if check and name in PHASE_FLAGS and is_on(name, new) != is_on(name, old):
            reason = check_order(snap.on, name, turning_on=is_on(name, new))
            if reason:
                raise InvalidTransition(reason, field="name")
        row = s.get(FeatureFlag, name, with_for_update=True)
        if row is None:
            s.add(FeatureFlag(name=name, value=new, updated_at=now, updated_by=actor))
        else:
            row.value, row.updated_at, row.updated_by = new, now, actor
        s.add(FlagAudit(ts=now, name=name, old=old, new=new, actor=actor, why=why))
        s.flush()
        return old, new

    def unset(self, s: Session, name: str, *, actor: str, why: str | None, now: datetime) -> tuple[str, str]:
        """Drop the override, falling back to the env default (also order-checked)."""
        if name not in SPECS:
            raise InvalidInput(f"unknown flag {name!r}", field="name")
        snap = self.snapshot(s)
        old, new = snap.values[name], default_text(self.settings, name)
        if name in PHASE_FLAGS and is_on(name, new) != is_on(name, old):
            reason = check_order(snap.on, name, turning_on=is_on(name, new))
            if reason:
                raise InvalidTransition(reason, field="name")
        row = s.get(FeatureFlag, name)
        if row is not None:
            s.delete(row)
        s.add(FlagAudit(ts=now, name=name, old=old, new=None, actor=actor, why=why or "unset"))
        s.flush()
        return old, new

    def bump_cache_generation(self, s: Session, *, actor: str, now: datetime) -> int:
        row = s.get(FeatureFlag, ADAPTER_CACHE_GENERATION, with_for_update=True)
        gen = int(row.value) + 1 if row else 1
        if row is None:
            s.add(FeatureFlag(name=ADAPTER_CACHE_GENERATION, value=str(gen), updated_at=now, updated_by=actor))
        else:
            row.value, row.updated_at, row.updated_by = str(gen), now, actor
        s.add(FlagAudit(ts=now, name=ADAPTER_CACHE_GENERATION, old=str(gen - 1), new=str(gen), actor=actor,
                        why="adapter cache invalidated"))
        s.flush()
        return gen

    def audit(self, s: Session, limit: int = 50) -> list[FlagAudit]:
        return list(s.scalars(select(FlagAudit).order_by(FlagAudit.id.desc()).limit(limit)))


class SnapshotCache:
    """Per-process cache of the flag snapshot with a short TTL, like any flag SDK's polling, behind the
    OpenFeature provider (integrations, status pages). The request path does not read it: its phase
    and flags come from the fence (`meallog.migration.fence`), by epoch.
    """

    def __init__(self, load: Callable[[], FlagSnapshot], *, ttl_s: float = 1.0,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._load, self._ttl, self._mono = load, ttl_s, monotonic
        self._lock = threading.Lock()
        self._value: FlagSnapshot | None = None
        self._at = 0.0

    def get(self) -> FlagSnapshot:
        with self._lock:
            now = self._mono()
            if self._value is None or now - self._at >= self._ttl:
                self._value, self._at = self._load(), now
            return self._value

    def invalidate(self) -> None:
        with self._lock:
            self._value = None


class MeallogFlagProvider(AbstractProvider):
    """OpenFeature provider over the feature service's snapshot.

    Boolean evaluation of `DUAL_READ_V2` with a targeting key answers "is this user in the
    rollout share" by the sticky bucket; integer/float evaluation answers the percentage.
    """

    def __init__(self, snapshots: Callable[[], FlagSnapshot]) -> None:
        super().__init__()
        self._snapshots = snapshots

    def get_metadata(self) -> Metadata:
        return Metadata(name="meallog-feature-service")

    def _resolve(self, key: str, default: Any, kind: type) -> FlagResolutionDetails[Any]:
        snap = self._snapshots()
        if key not in snap.values:
            return FlagResolutionDetails(value=default, error_code=ErrorCode.FLAG_NOT_FOUND,
                                         reason=Reason.ERROR, error_message=f"unknown flag {key}")
        value = snap.value(key)
        if kind is bool and isinstance(value, float):
            value = value > 0
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            try:
                value = kind(value)
            except (TypeError, ValueError):
                return FlagResolutionDetails(value=default, error_code=ErrorCode.TYPE_MISMATCH, reason=Reason.ERROR)
        return FlagResolutionDetails(value=value, reason=Reason.STATIC, variant=snap.sources[key],
                                     flag_metadata={"source": snap.sources[key]})

    def resolve_boolean_details(self, flag_key: str, default_value: bool,
                                evaluation_context: EvaluationContext | None = None) -> FlagResolutionDetails[bool]:
        if flag_key == "DUAL_READ_V2" and evaluation_context and evaluation_context.targeting_key:
            snap = self._snapshots()
            hit = snap.reads_through_adapter(int(evaluation_context.targeting_key))
            return FlagResolutionDetails(value=hit, reason=Reason.TARGETING_MATCH if hit else Reason.DEFAULT,
                                         flag_metadata={"percent": snap.dual_read_percent()})
        return self._resolve(flag_key, default_value, bool)

    def resolve_string_details(self, flag_key: str, default_value: str,
                               evaluation_context: EvaluationContext | None = None) -> FlagResolutionDetails[str]:
        return self._resolve(flag_key, default_value, str)

    def resolve_integer_details(self, flag_key: str, default_value: int,
                                evaluation_context: EvaluationContext | None = None) -> FlagResolutionDetails[int]:
        return self._resolve(flag_key, default_value, int)

    def resolve_float_details(self, flag_key: str, default_value: float,
                              evaluation_context: EvaluationContext | None = None) -> FlagResolutionDetails[float]:
        return self._resolve(flag_key, default_value, float)

    def resolve_object_details(self, flag_key: str, default_value: Any,
                               evaluation_context: EvaluationContext | None = None) -> FlagResolutionDetails[Any]:
        return self._resolve(flag_key, default_value, object)


class FeatureService:
    """What the request path asks: the phase, and whether a user reads through the adapter."""

    def __init__(self, *, store: FlagStore, snapshots: SnapshotCache, domain: str | None = None,
                 provider: Any | None = None) -> None:
        self.store = store
        self.snapshots = snapshots
        self.domain = domain or f"meallog-{uuid.uuid4().hex[:8]}"
        openfeature_api.set_provider(provider or MeallogFlagProvider(snapshots.get), domain=self.domain)
        self.client = openfeature_api.get_client(domain=self.domain)

    def snapshot(self) -> FlagSnapshot:
        return self.snapshots.get()

    def phase(self) -> Phase:
        """The phase the flags give, for integrations; raises `FlagUnavailable` instead of a default.

        (The request path never asks this: its phase is the fenced row, `meallog.migration.fence`.)
        """
        on = {}
        for name in PHASE_FLAGS:
            details = self.client.get_boolean_details(name, False)
            if details.error_code is not None:
                why = details.error_message or details.error_code
                raise FlagUnavailable(f"flag {name} could not be evaluated: {why}")
            on[name] = details.value
        return phase_of(on)

    def reads_through_adapter(self, user_id: int) -> bool:
        ctx = EvaluationContext(targeting_key=str(user_id))
        return self.client.get_boolean_value("DUAL_READ_V2", False, ctx)
