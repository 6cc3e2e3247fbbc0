"""docs/ops/RUNBOOK.md stands on its own: every file and command it names is real, its SQL runs on the
database it is given for, and it names the dashboard file."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

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


def _commands(doc: str) -> set[str]:
    return {m.strip() for m in re.findall(r"`(meallog(?: [^`]*)?)`", doc)}


def test_every_command_it_names_exists_with_the_options_it_shows() -> None:
    """Each `meallog …` in the runbook and the README is a real command path, and every --option it
    shows is one that command takes (a renamed command or option fails here, not at 3 a.m.)."""
    import typer

    from meallog.cli.main import app

    root = typer.main.get_command(app)
    named = _commands(RUNBOOK) | _commands((ROOT / "README.md").read_text())
    assert {"meallog ops archive", "meallog phase rollback --why \"…\" [--url https://api.example]"} <= named
    for line in sorted(named):
        cmd: Any = root  # a group has .commands (typer's own click: no isinstance)
        words = [w for w in re.split(r"[\s|]+", line.replace("[", " ").replace("]", " "))[1:] if w]
        for word in words:
            group = getattr(cmd, "commands", None)
            if group is not None and word in group:
                cmd = group[word]
            elif not word.startswith("-") and group is not None:
                raise AssertionError(f"{line!r}: {word!r} is not a command of {cmd.name!r}")
        options = {o for p in cmd.params for o in (*p.opts, *p.secondary_opts)} | {"--help"}
        for word in words:
            if word.startswith("--"):
                assert word.split("=")[0] in options, f"{line!r}: {cmd.name} has no option {word}"
