"""Faults: the store down, a corrupt or truncated upload, SIGKILL mid-job. Nothing is marked archived or
dropped, the job fails loudly (outcome, exit code, metric, log line), and the next run converges."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from meallog.cli.main import app
from meallog.ops.store import ObjectStore
from meallog.store.db import session_scope
from meallog.store.models import ArchiveManifest, OpsJobRun

from .conftest import LABELS, read_manifest
from .faults import FaultyFS

REPO = Path(__file__).resolve().parents[2]


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _archived(engine: Engine) -> set[tuple[str, str]]:
    with session_scope(engine) as s:
        return {(m.table_name, m.period) for m in s.scalars(select(ArchiveManifest)
                                                            .where(ArchiveManifest.verified_at.is_not(None)))}


def _parquet_files(store: ObjectStore, name: str, month: str) -> list[str]:
    return [k for k in store.list(f"{name}/{month}") if k.endswith(".parquet")]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_store_down_fails_loudly_then_the_next_run_converges(engine: Engine, seed, ops, metrics, moto_s3,
                                                             s3_store: ObjectStore, caplog) -> None:
    seed("2026-10", 50)
    down = ObjectStore.from_url(f"s3://{s3_store.root.split('/')[0]}/shadow",
                                endpoint_url=f"http://127.0.0.1:{_dead_port()}", skip_instance_cache=True,
                                config_kwargs={"retries": {"max_attempts": 1}})
    result = ops(store=down).run_result("archive")
    assert result.outcome == "error"
    assert len(result.detail["failed"]) == 1  # the first failure to reach the store stops the run
    assert _archived(engine) == set()
    errors = {**{k: v for k, v in zip(("env", "shadow_version", "ai_provider", "model", "app_version"),
                                      LABELS.values(), strict=True)}, "job": "archive", "outcome": "error"}
    assert metrics.registry.get_sample_value("meal_log_ops_job_runs_total", errors) == 1
    # the store is back: the next run archives everything
    again = ops(store=s3_store).run_result("archive")
    assert again.outcome == "ok", again.detail
    assert _archived(engine) == {("meal_logs_v2_shadow", "2026-10"), ("diffs", "2026-10")}


@pytest.mark.parametrize("fault", ["corrupt", "truncate"])
def test_corrupt_or_truncated_upload_is_caught_by_the_read_back(engine: Engine, seed, ops, tmp_path: Path,
                                                                  fault: str) -> None:
    seed("2026-10", 300)
    root = str(tmp_path / "archive")
    bad = ObjectStore(fs=FaultyFS(fault), root=root, url=f"file://{root}")
    result = ops(store=bad).run_result("archive")
    assert result.outcome == "error"
    assert "differs" in result.detail["error"] or "Parquet" in result.detail["error"] or "parquet" in \
        result.detail["error"].lower()
    assert _archived(engine) == set()
    assert not bad.exists("diffs/2026-10/manifest.json")
    good = ObjectStore.from_url(f"file://{root}")
    again = ops(store=good).run_result("archive")
    assert again.outcome == "ok"
    assert len(_parquet_files(good, "diffs", "2026-10")) == 1  # the bad upload is gone
    assert read_manifest(good, "diffs", "2026-10")["rows"] == 300


KILL_SCRIPT = """
import sys
from meallog.clock import FrozenClock
from meallog.observability.metrics import NullMetrics
from meallog.ops.scheduler import OpsScheduler
from meallog.ops.store import ObjectStore
from meallog.store.db import make_engine, make_sessionmaker
from tests.ops.conftest import NOW
from tests.ops.faults import FaultyFS
url, root = sys.argv[1], sys.argv[2]
store = ObjectStore(fs=FaultyFS("kill"), root=root, url="file://" + root)
sched = OpsScheduler(sessions=make_sessionmaker(make_engine(url)), clock=FrozenClock(NOW), metrics=NullMetrics(),
                     store=store)
sched.run("archive")
"""


def test_sigkill_mid_archive_then_the_next_run_matches_a_clean_run(engine: Engine, db_url: str, seed, ops,
                                                                   tmp_path: Path) -> None:
    seed("2026-09", 200)
    seed("2026-10", 100, start=1000)
    root = str(tmp_path / "archive")
    env = {**os.environ, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}"}
    proc = subprocess.run([sys.executable, "-c", KILL_SCRIPT, db_url, root], cwd=REPO, env=env,
                          capture_output=True, timeout=120)
    assert proc.returncode == -9, proc.stderr.decode()[-2000:]
    assert _archived(engine) == set()
    with session_scope(engine) as s:
        assert [r.outcome for r in s.scalars(select(OpsJobRun).where(OpsJobRun.job == "archive"))] == ["running"]
    store = ObjectStore.from_url(f"file://{root}")
    assert store.list("meal_logs_v2_shadow/2026-09")  # the half-written file is there, no manifest
    assert not store.exists("meal_logs_v2_shadow/2026-09/manifest.json")
    # the next run takes over the lock of the dead process and completes
    result = ops(store=store).run_result("archive")
    assert result.outcome == "ok", result.detail
    clean_root = str(tmp_path / "clean")
    with session_scope(engine) as s:  # a clean run from scratch, for comparison
        for m in s.scalars(select(ArchiveManifest)):
            s.delete(m)
    clean = ObjectStore.from_url(f"file://{clean_root}")
    assert ops(store=clean).run_result("archive").outcome == "ok"
    for name in ("meal_logs_v2_shadow", "diffs"):
        for month in ("2026-09", "2026-10"):
            a, b = read_manifest(store, name, month), read_manifest(clean, name, month)
            assert (a["rows"], a["content_sha256"], a["min_id"], a["max_id"]) == \
                (b["rows"], b["content_sha256"], b["min_id"], b["max_id"])
            assert len(_parquet_files(store, name, month)) == 1
    with session_scope(engine) as s:
        outcomes = [r.outcome for r in s.scalars(select(OpsJobRun).where(OpsJobRun.job == "archive")
                                                 .order_by(OpsJobRun.id))]
    assert outcomes == ["abandoned", "ok", "ok"]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_cli_exits_1_with_the_error_when_the_store_is_down(db_url: str, seed, monkeypatch, tmp_path: Path) -> None:
    seed("2026-10", 5)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("ARCHIVE_URL", "s3://nowhere/shadow")
    monkeypatch.setenv("ARCHIVE_S3_ENDPOINT_URL", f"http://127.0.0.1:{_dead_port()}")
    for k, v in {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1",
                 "AWS_MAX_ATTEMPTS": "1"}.items():
        monkeypatch.setenv(k, v)
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, ["ops", "archive"])
    assert res.exit_code == 1, res.output
    assert json.loads(res.stdout.splitlines()[-1])["outcome"] == "error"
    assert "ops job archive failed" in res.stderr
