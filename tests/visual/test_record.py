"""The command a visual run ends with records the run; a failed one steps P2 back (cause "visual")."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select
from typer.testing import CliRunner

from meallog.cli.main import app as cli
from meallog.store.db import session_scope
from meallog.store.models import FeatureFlag, PhaseEvent, VisualRun
from tests.visual.fixture_days import NOW
from tests.visual.record import record_command


def test_the_recorded_command_records_the_run_and_a_failure_steps_back(engine: Engine, db_url: str,
                                                                       tmp_path: Path) -> None:
    with session_scope(engine) as s:
        for name, value in (("NORMALIZE_V2_SHADOW", "on"), ("DUAL_WRITE_V2", "on"), ("DUAL_READ_V2", "10")):
            s.add(FeatureFlag(name=name, value=value, updated_at=NOW, updated_by="test"))
    env = {"DATABASE_URL": db_url, "METRIC_ENV": "stg", "MEALLOG_RUN_WORKER": "0", "MEALLOG_RUN_SCHEDULER": "0"}
    report = tmp_path / "playwright-report"
    ok = record_command(passed=True, report=report)
    assert Path(ok[0]).name == "meallog" and ok[1:4] == ["visual", "record", "--passed"]
    runner = CliRunner()
    assert runner.invoke(cli, ok[1:], env=env).exit_code == 0
    failed = runner.invoke(cli, record_command(passed=False, report=report)[1:], env=env)
    assert failed.exit_code == 0 and "stepped back P2 -> P1 (cause visual)" in failed.output
    with session_scope(engine) as s:
        runs = [(r.env, r.passed, r.report) for r in s.scalars(select(VisualRun).order_by(VisualRun.id))]
        assert runs == [("stg", True, str(report.resolve())), ("stg", False, str(report.resolve()))]
        assert [e.cause for e in s.scalars(select(PhaseEvent))] == ["visual"]
