"""Rollback (runbook §3, §8): triggers, the step-back procedure, and paging SRE.

Triggers: a firing pager alert delivered by Alertmanager's webhook, or NPS 3 points below the
phase's baseline. Action: step back one phase (turn off the highest flag), keep shadow data, page
SRE. Alertmanager delivers at least once, so each (fingerprint, startsAt) episode acts once, and
automatic step-backs are rate-limited to one per `cooldown` so one incident never unwinds the
whole migration.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
import structlog
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from meallog.migration.control import PhaseChange, PhaseControl
from meallog.migration.phases import ORDER, Phase
from meallog.store.models import AlertReceipt, NpsSample, PhaseEvent

log = structlog.get_logger("meallog.rollback")

NPS_DROP_POINTS = 3.0


# ---- paging -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Page:
    summary: str
    severity: str = "critical"
    dedup_key: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)


class Pager:
    """PagerDuty Events API v2 and a Slack-style webhook. Sends in the background; never raises."""

    def __init__(self, *, pagerduty_url: str | None, routing_key: str | None, slack_url: str | None,
                 source: str = "meallog", client: httpx.Client | None = None, background: bool = True) -> None:
        self.pagerduty_url, self.routing_key, self.slack_url = pagerduty_url, routing_key, slack_url
        self.source = source
        self.client = client or httpx.Client(timeout=5.0)
        self.background = background
        self.sent: list[tuple[str, dict[str, Any]]] = []

    @property
    def configured(self) -> bool:
        return bool(self.pagerduty_url or self.slack_url)

    def page(self, page: Page) -> None:
        if self.background:
            threading.Thread(target=self._send, args=(page,), daemon=True, name="pager").start()
        else:
            self._send(page)

    def _send(self, page: Page) -> None:
        if self.pagerduty_url:
            body = {
                "routing_key": self.routing_key or "",
                "event_action": "trigger",
                "dedup_key": page.dedup_key or None,
                "payload": {"summary": page.summary[:1024], "source": self.source, "severity": page.severity,
                            "component": "meallog-migration", "custom_details": dict(page.details)},
            }
            self._post(self.pagerduty_url, body)
        if self.slack_url:
            self._post(self.slack_url, {"text": f":rotating_light: {page.summary}",
                                        "attachments": [{"fields": [{"title": k, "value": str(v), "short": True}
                                                                    for k, v in page.details.items()]}]})

    def _post(self, url: str, body: dict[str, Any]) -> None:
        try:
            r = self.client.post(url, json=body)
            r.raise_for_status()
            self.sent.append((url, body))
        except httpx.HTTPError as exc:
            log.error("page not delivered", url=url, error=repr(exc))


class NullPager(Pager):
    def __init__(self) -> None:
        super().__init__(pagerduty_url=None, routing_key=None, slack_url=None, background=False)


# ---- the step-back procedure -------------------------------------------------------------------
Check = Callable[[Session], tuple[bool, str]]  # runs in the step-back transaction


# The causes of automatic step-backs; each counts toward the one cool-down (a human's rollback does not).
AUTOMATIC_CAUSES: tuple[str, ...] = ("alert", "nps", "visual")

NO_PAGER = "no pager configured (set PAGERDUTY_EVENTS_URL and PAGERDUTY_ROUTING_KEY, or SLACK_WEBHOOK_URL)"


@dataclass
class RollbackProcedure:
    """Step back one phase and run the runbook §8 checks; report what each did."""

    control: PhaseControl
    pager: Pager
    checks: Mapping[str, Check] = field(default_factory=dict)  # "/metrics smoke", "shadow diff check"
    cooldown: timedelta = timedelta(minutes=10)
    env: str = "local"  # METRIC_ENV: alerts of another env never act here

    def recently_rolled_back(self, s: Session, now: datetime) -> bool:
        last = s.scalar(select(func.max(PhaseEvent.ts)).where(PhaseEvent.cause.in_(AUTOMATIC_CAUSES),
                                                               PhaseEvent.to_phase != PhaseEvent.from_phase))
        return last is not None and now - last < self.cooldown

    def step_back(self, s: Session, *, cause: str, actor: str, why: str, now: datetime) -> PhaseChange:
        change = self.control.step_back(s, actor=actor, why=why, now=now, cause=cause)
        report: dict[str, Any] = {"checks": {name: _run_check(check, s) for name, check in self.checks.items()}}
        summary = f"meallog migration stepped back {change.before.value} -> {change.after.value} ({cause}): {why}"
        if self.pager.configured:
            self.pager.page(Page(
                summary=summary, dedup_key=f"meallog-rollback-{change.before.value}-{now.isoformat()}",
                details={"cause": cause, "actor": actor, "from": change.before.value, "to": change.after.value,
                         **{k: v["ok"] for k, v in report["checks"].items()}},
            ))
            report["paged"], report["pager"] = True, "paged SRE"
        else:
            report["paged"], report["pager"] = False, NO_PAGER
            log.warning("rollback not paged", reason=NO_PAGER, summary=summary)
        event = s.scalars(select(PhaseEvent).order_by(PhaseEvent.id.desc()).limit(1)).first()
        if event is not None:
            event.report = {**(event.report or {}), **report}
        return PhaseChange(change.before, change.after, change.flag, change.back_written, {**change.report, **report})

def _run_check(check: Check, s: Session) -> dict[str, Any]:
    try:
        with s.begin_nested():  # a failing check must not poison the step-back transaction
            ok, detail = check(s)
    except Exception as exc:  # a broken check is reported, not raised
        ok, detail = False, repr(exc)
    return {"ok": ok, "detail": detail}


# ---- Alertmanager webhook -----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class AlertDecision:
    # "stepped_back" | "duplicate" | "ignored" | "ignored_env" | "rate_limited" | "no_phase"
    action: str
    alerts: int
    new_episodes: int
    change: dict[str, str] | None = None
    detail: str = ""
    paged: bool | None = None

    def to_json(self) -> dict[str, Any]:
        return {"action": self.action, "alerts": self.alerts, "new_episodes": self.new_episodes,
                "change": self.change, "detail": self.detail, "paged": self.paged}


# A receipt in one of these states was acted on (or needs no action): a re-delivery is a duplicate.
# A `rate_limited` episode is not: Alertmanager re-sends it, and after the cool-down it acts.
FINAL_RECEIPTS = ("stepped_back", "no_phase")


def handle_alertmanager(s: Session, payload: Mapping[str, Any], *, procedure: RollbackProcedure,
                        pager_alerts: Iterable[str] | None, now: datetime) -> AlertDecision:
    """Act on a version-4 webhook payload: only `firing` pager alerts of this env, once per episode."""
    wanted = set(pager_alerts) if pager_alerts else None
    alerts = [a for a in payload.get("alerts", []) if isinstance(a, Mapping)]
    firing = [a for a in alerts if a.get("status") == "firing" and _is_pager(a, wanted)]
    if not firing:
        return AlertDecision("ignored", len(alerts), 0, detail="no firing pager alert in the payload")
    other = sorted({str(_labels(a).get("env")) for a in firing if _labels(a).get("env") not in (None, procedure.env)})
    firing = [a for a in firing if _labels(a).get("env") in (None, procedure.env)]
    if not firing:
        return AlertDecision("ignored_env", len(alerts), 0,
                             detail=f"alert env {', '.join(other)} is not this deployment's METRIC_ENV "
                                    f"{procedure.env}")
    receipts: list[AlertReceipt] = []
    for a in firing:
        fp = str(a.get("fingerprint") or _fingerprint(a))
        starts = str(a.get("startsAt", ""))
        name = str(_labels(a).get("alertname", "?"))
        try:
            with s.begin_nested():
                row = AlertReceipt(fingerprint=fp, starts_at=starts, alertname=name, received_at=now,
                                   action="received")
                s.add(row)
                s.flush()
        except IntegrityError:
            row = s.scalars(select(AlertReceipt).where(AlertReceipt.fingerprint == fp,
                                                       AlertReceipt.starts_at == starts)).one()
            if row.action in FINAL_RECEIPTS:
                continue
        receipts.append(row)
    if not receipts:
        return AlertDecision("duplicate", len(alerts), 0, detail="every episode was already acted on")
    names = ", ".join(sorted({r.alertname for r in receipts}))
    action, change, detail, paged = _act(s, procedure, names, now)
    for r in receipts:
        r.action = action
    return AlertDecision(action, len(alerts), len(receipts), change, detail, paged)


def _act(s: Session, procedure: RollbackProcedure, names: str, now: datetime
         ) -> tuple[str, dict[str, str] | None, str, bool | None]:
    if procedure.control.status(s) is Phase.OFF:
        return "no_phase", None, "phase is OFF: nothing to step back from", None
    if procedure.recently_rolled_back(s, now):
        return ("rate_limited", None, f"an automatic step back happened less than {procedure.cooldown} ago; "
                "acted on when Alertmanager re-sends it after the cool-down", None)
    change = procedure.step_back(s, cause="alert", actor="alertmanager", why=names, now=now)
    return ("stepped_back", {"from": change.before.value, "to": change.after.value},
            str(change.report["pager"]), bool(change.report["paged"]))


def _labels(alert: Mapping[str, Any]) -> Mapping[str, Any]:
    labels = alert.get("labels")
    return labels if isinstance(labels, Mapping) else {}


def _is_pager(alert: Mapping[str, Any], wanted: set[str] | None) -> bool:
    labels = _labels(alert)
    if wanted is not None:
        return labels.get("alertname") in wanted
    return labels.get("severity") == "page"


def _fingerprint(alert: Mapping[str, Any]) -> str:
    import hashlib
    import json

    return hashlib.sha256(json.dumps(alert.get("labels", {}), sort_keys=True).encode()).hexdigest()[:16]


# ---- NPS ----------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class NpsDecision:
    phase: str
    baseline: float | None
    current: float | None
    samples: int
    stepped_back: bool

    def to_json(self) -> dict[str, Any]:
        return {"phase": self.phase, "baseline": self.baseline, "current": self.current, "samples": self.samples,
                "stepped_back": self.stepped_back}


def record_nps(s: Session, score: float, *, procedure: RollbackProcedure, now: datetime, source: str = "manual",
               min_samples: int = 1) -> NpsDecision:
    """Record an NPS value for the current phase; step back when the phase's mean falls 3 points
    below its baseline (the mean of the previous phase's samples)."""
    phase = procedure.control.status(s)
    s.add(NpsSample(ts=now, phase=phase.value, score=float(score), source=source))
    s.flush()
    entered = s.scalar(select(func.max(PhaseEvent.ts)).where(PhaseEvent.to_phase == phase.value))
    cur_q = select(func.avg(NpsSample.score), func.count()).where(NpsSample.phase == phase.value)
    if entered is not None:
        cur_q = cur_q.where(NpsSample.ts >= entered)
    current, n = s.execute(cur_q).one()
    i = ORDER.index(phase)
    baseline = None
    if i > 0:
        baseline = s.scalar(select(func.avg(NpsSample.score)).where(NpsSample.phase == ORDER[i - 1].value))
    base = None if baseline is None else float(baseline)
    cur = None if current is None else float(current)
    stepped = False
    if base is not None and cur is not None and n >= min_samples and cur <= base - NPS_DROP_POINTS \
            and phase is not Phase.OFF and not procedure.recently_rolled_back(s, now):
        procedure.step_back(s, cause="nps", actor="nps", now=now,
                            why=f"NPS {cur:.1f} is {base - cur:.1f} points below the {ORDER[i - 1].value} "
                                f"baseline {base:.1f}")
        stepped = True
    return NpsDecision(phase.value, base, cur, int(n), stepped)
