"""Dual-read mismatches (P2): the adapter's view of a log against legacy, classified and stored once.

Two kinds. **structural**: the views disagree on what the user wrote or did (text, eaten time and
day, meal type, item count, deleted state). The adapter must never change these: it is a bug, it
pages (`meal_log_read_mismatch_total{kind="structural"}`). **nutrition**: totals differ beyond the
breach thresholds: expected during the migration (that is what v2 changes) and triaged like diffs.
A mismatch is stored once per (log id, log version), however often the log is read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final, Literal

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from meallog.logs.service import LogView
from meallog.migration.diff import Thresholds, breached, diff_totals
from meallog.observability.metrics import Metrics
from meallog.store.models import ReadMismatch

log = structlog.get_logger("meallog.migration")

Kind = Literal["structural", "nutrition"]
KINDS: Final[tuple[Kind, ...]] = ("structural", "nutrition")
STRUCTURAL_FIELDS: Final = ("text", "eaten_at", "local_date", "meal_type")


def structural_fields(legacy: LogView, adapted: LogView) -> list[str]:
    """What the user wrote or did, where the two views disagree."""
    out = [f for f in STRUCTURAL_FIELDS if getattr(legacy, f) != getattr(adapted, f)]
    if len(legacy.items) != len(adapted.items):
        out.append("items")
    if (legacy.deleted_at is None) != (adapted.deleted_at is None):
        out.append("deleted")
    return out


def classify(legacy: LogView, adapted: LogView, thresholds: Thresholds) -> tuple[Kind | None, list[str]]:
    """(kind, fields): None when the views agree; structural wins over nutrition."""
    structural = structural_fields(legacy, adapted)
    nutrition = [f"totals.{f}" for f in breached(diff_totals(legacy.totals, adapted.totals), thresholds)]
    if structural:
        return "structural", structural + nutrition
    if nutrition:
        return "nutrition", nutrition
    return None, []


def record_read_mismatch(s: Session, *, user_id: int, legacy: LogView, adapted: LogView, thresholds: Thresholds,
                         now: datetime, metrics: Metrics | None = None) -> str | None:
    """Classify one dual read and store it once per (log id, log version); returns the kind or None.

    Never raises for storage trouble: a read must not fail because its mismatch could not be written.
    `metrics` (optional) counts each newly stored mismatch by kind.
    """
    kind, fields = classify(legacy, adapted, thresholds)
    if kind is None:
        return None
    version = adapted.version
    exists = select(ReadMismatch.id).where(ReadMismatch.log_id == adapted.id, ReadMismatch.log_version == version)
    try:
        if s.scalar(exists) is not None:
            return kind
        with s.begin_nested():
            s.add(ReadMismatch(ts=now, log_id=adapted.id, log_version=version, user_id=user_id, kind=kind,
                               fields=fields, legacy=legacy.to_json(), adapted=adapted.to_json()))
            s.flush()
    except IntegrityError:  # a concurrent read stored it first
        return kind
    except Exception as exc:  # recording a mismatch must not fail the read
        log.warning("read mismatch not stored", log_id=adapted.id, error=repr(exc))
        return kind
    if metrics is not None:
        metrics.read_mismatch(kind)
    if kind == "structural":
        log.error("structural read mismatch", log_id=adapted.id, log_version=version, fields=fields)
    return kind
