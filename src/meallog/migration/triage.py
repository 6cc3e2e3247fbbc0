"""Triage of shadow diffs: verdicts on diff rows, replay of one log, and ignore rules as data.

A verdict of `accepted_change` (v2 is right and different on purpose) takes the diff out of the
Diff-Gate's judgement; `v2_bug` and `legacy_bug` keep it in and only document it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from meallog.errors import InvalidInput, LogNotFound, NotFound
from meallog.migration.diff import FieldDiff, Thresholds, breached, diff_totals
from meallog.migration.ignore import parse_predicate
from meallog.migration.shadow import compute_v2, unknown_tags
from meallog.nutrition.legacy import compute_legacy
from meallog.nutrition.normalize_v2 import V2Options
from meallog.nutrition.types import FIELDS, ProviderResult
from meallog.store.models import Diff, IgnoreRule, MealLog

VERDICTS = ("v2_bug", "legacy_bug", "accepted_change")


class DiffNotFound(NotFound):
    title = "Diff not found"


class RuleNotFound(NotFound):
    title = "Ignore rule not found"


def mark(s: Session, diff_id: int, verdict: str, note: str | None = None) -> Diff:
    """Record a triage verdict (and note) on one diff row."""
    if verdict not in VERDICTS:
        raise InvalidInput(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}", field="verdict")
    row = s.get(Diff, diff_id)
    if row is None:
        raise DiffNotFound(f"diff {diff_id} not found")
    row.triage, row.triage_note = verdict, note
    s.flush()
    return row


@dataclass(frozen=True, slots=True)
class Replay:
    """One log recomputed through both pipelines from its stored provider result. Nothing written."""

    log_id: int
    log_version: int
    text: str
    stored_totals: dict[str, float]
    legacy_totals: dict[str, float]
    v2_totals: dict[str, float]
    diffs: dict[str, FieldDiff]
    breached: list[str]
    unknown: list[str]
    v2_record: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "log_id": self.log_id,
            "log_version": self.log_version,
            "text": self.text,
            "stored_totals": self.stored_totals,
            "legacy_totals": self.legacy_totals,
            "v2_totals": self.v2_totals,
            "diffs": {
                f: {"legacy": d.legacy, "v2": d.v2, "abs": d.abs, "rel": d.rel} for f, d in self.diffs.items()
            },
            "breached": self.breached,
            "unknown": self.unknown,
            "v2_record": self.v2_record,
        }


def replay(
    s: Session,
    log_id: int,
    *,
    options: V2Options,
    pipeline_version: str,
    thresholds: Thresholds | None = None,
) -> Replay:
    """Recompute legacy and v2 for one log from its stored provider result and diff them (no writes)."""
    log = s.get(MealLog, log_id)
    if log is None:
        raise LogNotFound(f"log {log_id} not found")
    parsed = ProviderResult.from_dict(log.provider_result)
    legacy = compute_legacy(parsed).totals.model_dump()
    record = compute_v2(parsed, options=options, pipeline_version=pipeline_version)
    v2 = record.totals.model_dump()
    diffs = diff_totals(legacy, v2)
    return Replay(
        log_id=log.id,
        log_version=log.version,
        text=log.text,
        stored_totals={f: float(log.totals.get(f, 0.0) or 0.0) for f in FIELDS},
        legacy_totals={f: float(legacy.get(f, 0.0) or 0.0) for f in FIELDS},
        v2_totals={f: float(v2.get(f, 0.0) or 0.0) for f in FIELDS},
        diffs={str(f): d for f, d in diffs.items()},
        breached=list(breached(diffs, thresholds or Thresholds())),
        unknown=unknown_tags(record),
        v2_record=record.model_dump(mode="json"),
    )


# ---- ignore rules ---------------------------------------------------------------------------------
def add_rule(
    s: Session, *, field: str, predicate: str, reason: str, owner: str, expires_on: date, now: datetime
) -> IgnoreRule:
    """Store an ignore rule after checking its field, predicate, reason, owner and expiry."""
    if field != "*" and field not in FIELDS:
        raise InvalidInput(f"field must be one of {', '.join(FIELDS)} or '*', not {field!r}", field="field")
    parse_predicate(predicate)
    if not reason.strip():
        raise InvalidInput("an ignore rule needs a reason", field="reason")
    if not owner.strip():
        raise InvalidInput("an ignore rule needs an owner", field="owner")
    if expires_on < now.date():
        raise InvalidInput(f"expires_on {expires_on} is in the past", field="expires_on")
    rule = IgnoreRule(
        field=field,
        predicate=predicate.strip(),
        reason=reason.strip(),
        owner=owner.strip(),
        expires_on=expires_on,
        created_at=now,
    )
    s.add(rule)
    s.flush()
    return rule


def list_rules(s: Session, *, today: date | None = None) -> list[IgnoreRule]:
    """Every rule, or only the live ones (not yet expired on `today`) when `today` is given."""
    stmt = select(IgnoreRule).order_by(IgnoreRule.id)
    if today is not None:
        stmt = stmt.where(IgnoreRule.expires_on >= today)
    return list(s.scalars(stmt))


def expire_rule(s: Session, rule_id: int, *, today: date) -> IgnoreRule:
    """End a rule now: it matches nothing from today on (kept for the record of the diffs it matched)."""
    rule = s.get(IgnoreRule, rule_id)
    if rule is None:
        raise RuleNotFound(f"ignore rule {rule_id} not found")
    rule.expires_on = min(rule.expires_on, today - timedelta(days=1))
    s.flush()
    return rule
