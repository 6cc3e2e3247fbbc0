"""Jobs: one instance at a time, cleanup in batches, VACUUM, the JST schedule, the CLI and `ops status`."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, delete, func, insert, select
from typer.testing import CliRunner

from meallog.cli.main import app
from meallog.ops.locks import job_lock
from meallog.ops.scheduler import SCHEDULE
from meallog.store.db import Base, session_scope
from meallog.store.models import ArchiveManifest, OpsJobRun, OpsLock

from .conftest import NOW


def test_a_job_runs_once_at_a_time_across_processes(engine: Engine, ops) -> None:
    if engine.dialect.name == "postgresql":
        with job_lock(engine, "archive", now=NOW) as held:  # its own connection, as another process's
            assert held
            assert ops().run_result("archive").outcome == "skipped"
    else:
        with session_scope(engine) as s:  # a live process on this host holds the lock row
            s.add(OpsLock(name="archive", holder="other", pid=os.getppid(), host=os.uname().nodename,
                          acquired_at=NOW, expires_at=NOW + timedelta(hours=1)))
        assert ops().run_result("archive").outcome == "skipped"
        with session_scope(engine) as s:
            s.execute(delete(OpsLock))
    assert ops().run_result("archive").outcome == "ok"
    with session_scope(engine) as s:
        assert [r.outcome for r in s.scalars(select(OpsJobRun))] == ["ok"]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_sqlite_lock_of_a_dead_process_or_past_its_lease_is_taken_over(engine: Engine) -> None:
    with session_scope(engine) as s:
        s.add(OpsLock(name="vacuum", holder="x", pid=2**22 + 12345, host=os.uname().nodename, acquired_at=NOW,
                      expires_at=NOW + timedelta(hours=6)))
        s.add(OpsLock(name="cleanup_ingest_requests", holder="y", pid=1, host="elsewhere", acquired_at=NOW,
                      expires_at=NOW + timedelta(minutes=1)))
    with job_lock(engine, "vacuum", now=NOW) as held:
        assert held
    with job_lock(engine, "cleanup_ingest_requests", now=NOW) as held:
        assert not held  # another host's live lease
    with job_lock(engine, "cleanup_ingest_requests", now=NOW + timedelta(minutes=2)) as held:
        assert held


def test_cleanup_deletes_in_batches_and_reports_rows(engine: Engine, ops, add_user) -> None:
    add_user()
    table = Base.metadata.tables["ingest_requests"]
    with engine.begin() as conn:
        conn.execute(insert(table), [{"user_id": 1, "key": f"k{i}", "request_hash": "h", "status_code": 201,
                                      "created_at": NOW - timedelta(days=91 if i < 12_000 else 3)}
                                     for i in range(12_500)])
    dry = ops().run_result("cleanup_ingest_requests", dry_run=True)
    assert dry.detail["would_delete"] == 12_000
    run = ops().run_result("cleanup_ingest_requests")
    assert run.outcome == "ok" and run.rows == 12_000 and run.detail["batches"] == 3
    with session_scope(engine) as s:
        assert len(s.scalars(select(table.c.id)).all()) == 500


def test_vacuum_runs_outside_a_transaction(engine: Engine, seed, ops) -> None:
    seed("2026-10", 20)
    dry = ops().run_result("vacuum", dry_run=True)
    assert dry.outcome == "dry-run"
    run = ops().run_result("vacuum")
    assert run.outcome == "ok", run.detail
    if engine.dialect.name == "postgresql":
        assert run.detail["statements"] == ["VACUUM (ANALYZE) meal_logs_v2_shadow", "VACUUM (ANALYZE) diffs"]
    else:
        assert run.detail["statements"][0] == "VACUUM"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_schedule_is_in_tokyo_time(ops) -> None:
    sched = ops()
    nxt = sched.next_runs(datetime(2026, 11, 20, 3, 0, tzinfo=UTC))  # Fri 12:00 JST
    assert set(nxt) == set(SCHEDULE)
    jst = {k: v.strftime("%a %H:%M") for k, v in nxt.items() if v is not None}
    assert jst == {"partitions": "Sat 02:15", "archive": "Sat 02:30", "cleanup_ingest_requests": "Sat 02:45",
                   "retention": "Sat 03:15", "vacuum": "Sun 04:00"}
    assert str(nxt["archive"].tzinfo) == "Asia/Tokyo"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("job", ["partitions", "archive", "vacuum", "cleanup", "retention"])
def test_every_job_is_a_cli_command_with_a_dry_run(db_url: str, job: str, seed, monkeypatch, tmp_path) -> None:
    seed("2026-09", 5)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("ARCHIVE_URL", f"file://{tmp_path}/archive")
    res = CliRunner().invoke(app, ["ops", job, "--dry-run"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout.splitlines()[-1])
    assert out["outcome"] == "dry-run"
    if job == "archive":
        assert out["pending"] == ["meal_logs_v2_shadow/2026-09", "diffs/2026-09"]
    assert not (tmp_path / "archive").exists()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_ops_status_and_restore_archive_cli(db_url: str, engine: Engine, seed, monkeypatch, tmp_path) -> None:
    seed("2026-09", 8)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("ARCHIVE_URL", f"file://{tmp_path}/archive")
    runner = CliRunner()
    assert runner.invoke(app, ["ops", "archive"]).exit_code == 0
    res = runner.invoke(app, ["ops", "status", "--json"])
    assert res.exit_code == 0, res.output
    st = json.loads(res.stdout)
    jobs = {j["job"]: j for j in st["jobs"]}
    assert jobs["archive"]["last_outcome"] == "ok" and jobs["archive"]["last_success"]
    assert jobs["vacuum"]["last_run"] is None and jobs["vacuum"]["next_run"]
    assert {(a["table"], a["month"], a["verified"]) for a in st["archives"]} == {
        ("meal_logs_v2_shadow", "2026-09", True), ("diffs", "2026-09", True)}
    res = runner.invoke(app, ["ops", "status"])
    assert res.exit_code == 0 and "archive" in res.stdout
    res = runner.invoke(app, ["shadow", "restore-archive", "2026-09"])
    assert res.exit_code == 0, res.output
    restored = [json.loads(line) for line in res.stdout.splitlines()]
    assert [r["already_present"] for r in restored] == [8, 8] and all(r["held_until"] for r in restored)
    assert runner.invoke(app, ["shadow", "restore-archive", "2026-13"]).exit_code == 2
    res = runner.invoke(app, ["ops", "retention", "--release", "2026-09", "--dry-run"])
    assert res.exit_code == 0 and json.loads(res.stdout)["released"] == ["diffs/2026-09", "meal_logs_v2_shadow/2026-09"]
    with session_scope(engine) as s:
        assert all(m.held_until is not None for m in s.scalars(select(ArchiveManifest)))
    res = runner.invoke(app, ["ops", "retention", "--release", "2026-09"])
    assert res.exit_code == 0 and len(json.loads(res.stdout)["released"]) == 2
    with session_scope(engine) as s:
        assert all(m.held_until is None for m in s.scalars(select(ArchiveManifest)))
    assert json.loads(runner.invoke(app, ["ops", "retention", "--release", "2026-09"]).stdout)["released"] == []
    with session_scope(engine) as s:
        assert [r.outcome for r in s.scalars(select(OpsJobRun))] == ["ok"]


def test_start_primes_the_alert_inputs_from_the_database(engine: Engine, seed, ops, metrics) -> None:
    seed("2026-10", 3)
    ops().run_result("archive")
    fresh = ops()
    fresh.metrics = type(metrics)(labels=metrics.labels, registry=type(metrics.registry)())
    fresh.prime_metrics()
    labels = {"env": "prod", "shadow_version": "v2.0.0", "ai_provider": "offline", "model": "offline",
              "app_version": "0.1.0"}
    r = fresh.metrics.registry
    assert r.get_sample_value("meal_log_ops_job_last_success_timestamp_seconds", {**labels, "job": "archive"}) > 0
    in_default = 3 if engine.dialect.name == "postgresql" else 0  # the test database has no 2026-10 partition
    assert r.get_sample_value("meal_log_shadow_default_partition_rows", {**labels, "table": "diffs"}) == in_default


def test_cleanup_deletes_done_outbox_jobs_after_a_day_and_keeps_the_rest(engine: Engine, ops, add_user) -> None:
    """Done outbox jobs are results already stored (shadow rows, diffs, v2 records): the nightly cleanup
    deletes those done for over a day, in batches. Pending, running and dead jobs are never touched."""
    add_user()
    table = Base.metadata.tables["outbox"]
    rows = []
    for i in range(7_200):
        state = "done" if i < 7_000 else ("pending", "running", "dead", "done")[i % 4]
        age = timedelta(days=2) if i < 6_000 or i >= 7_000 else timedelta(hours=3)
        rows.append({"kind": "shadow", "log_id": i + 1, "log_version": 1, "payload": {}, "state": state,
                     "attempts": 1, "next_attempt_at": NOW - age, "created_at": NOW - age, "updated_at": NOW - age})
    with engine.begin() as conn:
        conn.execute(insert(table), rows)
    dry = ops().run_result("cleanup_ingest_requests", dry_run=True)
    assert dry.detail["outbox_would_delete"] == 6_000 + 50
    run = ops().run_result("cleanup_ingest_requests")
    assert run.outcome == "ok" and run.detail["outbox_deleted"] == 6_050 and run.rows == 6_050
    with session_scope(engine) as s:
        left = s.execute(select(table.c.state, func.count()).group_by(table.c.state)).all()
    assert dict(left) == {"done": 1_000, "pending": 50, "running": 50, "dead": 50}
