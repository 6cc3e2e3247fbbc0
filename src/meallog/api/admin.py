"""Admin API (`/admin/*`, admin bearer token): flags, phases, Alertmanager webhook, NPS, adapter cache."""

from __future__ import annotations

import threading
from enum import Enum
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from meallog.api.auth import bearer, check_admin
from meallog.api.problems import responses
from meallog.errors import InvalidInput
from meallog.migration.flags import SPECS
from meallog.migration.rollback import handle_alertmanager, record_nps
from meallog.migration.service import Migration, invalidate_adapter_cache, status_report
from meallog.store.db import session_scope


def _admin(request: Request, authorization: Annotated[str | None, Header()] = None) -> str:
    return check_admin(bearer(authorization), request.app.state.services.settings.admin_token)


router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(_admin)],
                   responses=responses(400, 401, 403, 409, 413, 422, 500))


NO_REASON = "no reason given (admin API)"
Why = Field(default=NO_REASON, min_length=1, max_length=2000, pattern=r"\S",
            description="reason kept in the audit and the phase history; blank is refused")


class FlagChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: FlagValue = Field(description="on/off (or true/false) for switches, 0-100 for DUAL_READ_V2, "
                                         "off/safe/strict for NEVER_ZERO_MODE")
    why: str = Why
    force: bool = Field(default=False, description="allow a jump in the 10 -> 50 -> 100 ramp; needs `why`")
    actor: str = Field(default="admin-api", max_length=100)


class PhaseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    why: str = Why
    force: bool = False
    actor: str = Field(default="admin-api", max_length=100)


class Alert(BaseModel):
    """One alert of an Alertmanager webhook (payload version 4); unknown keys are kept."""

    model_config = ConfigDict(extra="allow")
    status: Literal["firing", "resolved"]
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    startsAt: str = ""  # noqa: N815 - Alertmanager's own key
    endsAt: str = ""  # noqa: N815
    fingerprint: str | None = None
    generatorURL: str | None = None  # noqa: N815


class AlertmanagerPayload(BaseModel):
    """Alertmanager webhook payload (version 4): the fields the rollback acts on are checked here."""

    model_config = ConfigDict(extra="allow")
    version: str | None = None
    status: str | None = None
    receiver: str | None = None
    alerts: list[Alert] = Field(max_length=1000)


class NpsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    score: float = Field(ge=-100, le=100)
    source: str = Field(default="api", max_length=64)


FlagName = Enum("FlagName", {name: name for name in SPECS}, type=str)  # type: ignore[misc]
FlagValue = bool | Literal["on", "off", "safe", "strict"] | Annotated[float, Field(ge=0, le=100)]


_ALERTS = threading.Lock()


def _mig(request: Request) -> Migration:
    return request.app.state.services.migration  # type: ignore[no-any-return]


def phase_status(request: Request) -> dict[str, Any]:
    svc = request.app.state.services
    return status_report(svc.migration, svc.sessions, now=svc.clock.now())


@router.get("/flags")
def get_flags(request: Request) -> dict[str, Any]:
    return phase_status(request)


@router.put("/flags/{name}")
def put_flag(request: Request, name: FlagName, body: FlagChange) -> dict[str, Any]:
    """Set a flag; the value must suit the flag (422 otherwise) and phase flags change only in order (409)."""
    svc = request.app.state.services
    if body.force and body.why == NO_REASON:
        raise InvalidInput("force needs why: a forced change is audited", field="why")
    with session_scope(svc.sessions) as s:
        value = f"{body.value:g}" if isinstance(body.value, float) else body.value
        change = _mig(request).control.set_flag(s, name.value, value, actor=body.actor, why=body.why,
                                                now=svc.clock.now(), forced=body.force)
    _mig(request).snapshots.invalidate()
    return {"phase_before": change.before.value, **phase_status(request), "back_written": change.back_written}


@router.delete("/flags/{name}")
def delete_flag(request: Request, name: FlagName,
                why: Annotated[str, Query(min_length=1, max_length=2000, pattern=r"\S")] = NO_REASON
                ) -> dict[str, Any]:
    svc = request.app.state.services
    with session_scope(svc.sessions) as s:
        _mig(request).control.unset_flag(s, name.value, actor="admin-api", why=why, now=svc.clock.now())
    _mig(request).snapshots.invalidate()
    return phase_status(request)


@router.get("/phase")
def get_phase(request: Request) -> dict[str, Any]:
    return phase_status(request)


@router.post("/phase/rollback")
def post_rollback(request: Request, body: PhaseRequest) -> dict[str, Any]:
    svc = request.app.state.services
    with session_scope(svc.sessions) as s:
        change = _mig(request).procedure.step_back(s, cause="manual", actor=body.actor,
                                                   why=body.why, now=svc.clock.now())
    _mig(request).snapshots.invalidate()
    return {"from": change.before.value, "to": change.after.value, "report": change.report,
            "back_written": change.back_written, "paged": change.report.get("paged")}


@router.post("/alerts")
def post_alerts(request: Request, body: AlertmanagerPayload) -> dict[str, Any]:
    """Alertmanager webhook (payload version 4). Acts only on firing pager alerts, once per episode."""
    svc = request.app.state.services
    payload = body.model_dump(exclude_none=True)
    # Alertmanager posts one group per field at once: handled one at a time in this process, a later
    # group sees the first one's step back and is rate-limited instead of stepping back again.
    # (Across API replicas this needs the database-side phase fence.)
    with _ALERTS, session_scope(svc.sessions) as s:
        decision = handle_alertmanager(s, payload, procedure=_mig(request).procedure, pager_alerts=None,
                                       now=svc.clock.now())
    _mig(request).snapshots.invalidate()
    return decision.to_json()


@router.post("/nps")
def post_nps(request: Request, body: NpsIn) -> dict[str, Any]:
    svc = request.app.state.services
    with session_scope(svc.sessions) as s:
        decision = record_nps(s, body.score, procedure=_mig(request).procedure, now=svc.clock.now(),
                              source=body.source)
    _mig(request).snapshots.invalidate()
    return decision.to_json()


@router.post("/adapter/invalidate")
def post_invalidate(request: Request) -> dict[str, Any]:
    svc = request.app.state.services
    with session_scope(svc.sessions) as s:
        gen = invalidate_adapter_cache(_mig(request), s, actor="admin-api", now=svc.clock.now())
    return {"generation": gen}
