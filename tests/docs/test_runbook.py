"""docs/ops/RUNBOOK.md stands on its own: every file it names is in the repository, its SQL runs on the
database it is given for, and it names the dashboard file."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, text

from meallog.store.db import is_postgres, make_sessionmaker, session_scope
from tests.migration.test_gate import diff_row

ROOT = Path(__file__).resolve().parents[2]
RUNBOOK = (ROOT / "docs" / "ops" / "RUNBOOK.md").read_text()
PATHY = re.compile(r"`([\w./-]+/[\w.*-]+\.(?:md|yml|yaml|json|py|sh|csv))`")


def test_every_file_it_names_is_in_the_repository() -> None:
    assert "shared/" not in RUNBOOK and "/work/" not in RUNBOOK
    named = set(PATHY.findall(RUNBOOK))
    assert "observability/grafana/meallog-shadow.json" in named
    for path in named:
        matches = list(ROOT.glob(path)) if "*" in path else [ROOT / path]
        assert matches and all(m.exists() for m in matches), path


def test_its_diff_query_runs_on_this_database(engine: Engine) -> None:
    rows = re.findall(r"\| the same in SQL, (PostgreSQL|SQLite) \| `(SELECT [^`]+)`", RUNBOOK)
    sql = dict(rows)["PostgreSQL" if is_postgres(engine) else "SQLite"].rstrip(";")
    real_now = datetime.now().astimezone()
    with session_scope(make_sessionmaker(engine)) as s:
        s.add(diff_row(1, real_now - timedelta(minutes=5), kcal=99.0, breach=True))
        s.add(diff_row(2, real_now - timedelta(minutes=30)))
    with engine.connect() as conn:
        got = conn.execute(text(sql)).all()
    assert [(r.log_id, r.kcal_abs) for r in got] == [(1, 99.0)]
