"""Small read-only queries over `diffs` used by on-call checks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from meallog.store.models import Diff


def recent_breaches(s: Session, *, since: datetime) -> tuple[int, int]:
    """(diff rows, breaching rows) since `since`."""
    n, b = s.execute(select(func.count(), func.coalesce(func.sum(case((Diff.breach, 1), else_=0)), 0))
                     .where(Diff.ts > since)).one()
    return int(n), int(b)
