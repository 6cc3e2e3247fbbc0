"""Archive: closed months to Parquet, manifest, read-back verification; local folder and real S3 (moto)."""

from __future__ import annotations

import json
from datetime import datetime

import pyarrow.parquet as pq
import pytest
from sqlalchemy import Engine, select

from meallog.ops.archive import ContentDigest, arrow_schema, iter_month, read_digest
from meallog.ops.partitions import Month
from meallog.ops.store import ObjectStore
from meallog.store.db import session_scope
from meallog.store.models import ArchiveManifest

from .conftest import month_rows, read_manifest

JSON_COLUMNS = {"record", "totals", "legacy_totals", "v2_totals"}


def test_archive_writes_verified_manifests_for_closed_months_only(engine: Engine, seed, ops, archive_store) -> None:
    seed("2026-09", 300)
    seed("2026-10", 200, start=1000)
    seed("2026-11", 50, start=5000)  # the current month stays in the database
    result = ops().run_result("archive")
    assert result.outcome == "ok", result.detail
    assert result.rows == 2 * (300 + 200)
    assert result.bytes > 0
    with session_scope(engine) as s:
        done = {(m.table_name, m.period): m for m in s.scalars(select(ArchiveManifest))}
    assert set(done) == {(t, m) for t in ("meal_logs_v2_shadow", "diffs") for m in ("2026-09", "2026-10")}
    assert all(m.verified_at is not None for m in done.values())
    man = read_manifest(archive_store, "diffs", "2026-09")
    assert man["rows"] == 300 and man["min_id"] >= 1 and man["max_id"] >= man["min_id"]
    sep = Month(2026, 9)  # a JST month: 2026-08-31T15:00Z to 2026-09-30T15:00Z
    assert sep.start <= datetime.fromisoformat(man["min_ts"]) <= datetime.fromisoformat(man["max_ts"]) < sep.end
    assert [c["name"] for c in man["schema"]][:2] == ["id", "ts"]
    (f,) = man["files"]
    assert archive_store.sha256(f["key"]) == (f["sha256"], f["bytes"])
    assert done[("diffs", "2026-09")].sha256 == f["sha256"]
    # a rerun finds nothing left to do
    again = ops().run_result("archive")
    assert again.outcome == "ok" and again.rows == 0


def test_parquet_rows_equal_the_partition_rows(engine: Engine, seed, ops, archive_store) -> None:
    seed("2026-10", 500)
    assert ops().run_result("archive").outcome == "ok"
    for name in ("meal_logs_v2_shadow", "diffs"):
        (f,) = read_manifest(archive_store, name, "2026-10")["files"]
        with archive_store.open(f["key"], "rb") as fh:
            table = pq.read_table(fh)
        with session_scope(engine) as s:
            db = ContentDigest(arrow_schema(name))
            key = "created_at" if name == "meal_logs_v2_shadow" else "ts"
            for batch in iter_month(s, name, Month(2026, 10), batch_rows=128):
                db.update(batch, key)
        assert table.num_rows == 500 == db.rows
        assert read_digest(archive_store, f["key"], name).hexdigest() == db.hexdigest()
        assert read_manifest(archive_store, name, "2026-10")["content_sha256"] == db.hexdigest()
        rows = month_rows(engine, name, "2026-10")
        assert [r[0] for r in rows] == table.column("id").to_pylist()
        # value by value, as SQLAlchemy reads them (JSON columns hold the stored JSON text)
        archived = [tuple(json.loads(v) if c in JSON_COLUMNS and v is not None else v for c, v in r.items())
                    for r in table.to_pylist()]
        assert archived == rows
        if name == "diffs":
            notes = dict(zip(table.column("id").to_pylist(), table.column("triage_note").to_pylist(), strict=True))
            assert notes[17] == "改行\nと \"引用\", カンマ" and notes[1] is None


def test_dry_run_lists_pending_months_and_writes_nothing(engine: Engine, seed, ops, archive_store) -> None:
    seed("2026-09", 20)
    result = ops().run_result("archive", dry_run=True)
    assert result.outcome == "dry-run"
    assert result.detail["pending"] == ["meal_logs_v2_shadow/2026-09", "diffs/2026-09"]
    assert archive_store.list("diffs") == []
    with session_scope(engine) as s:
        assert s.scalars(select(ArchiveManifest)).all() == []


@pytest.mark.parametrize("db_url", ["pg"], indirect=True)
def test_archive_to_s3_on_loopback(engine: Engine, seed, ops, s3_store: ObjectStore) -> None:
    seed("2026-10", 400)
    result = ops(store=s3_store).run_result("archive")
    assert result.outcome == "ok", result.detail
    man = read_manifest(s3_store, "meal_logs_v2_shadow", "2026-10")
    assert man["rows"] == 400
    (f,) = man["files"]
    assert s3_store.sha256(f["key"]) == (f["sha256"], f["bytes"])
    with session_scope(engine) as s:
        row = s.scalar(select(ArchiveManifest).where(ArchiveManifest.table_name == "diffs"))
    assert row is not None and row.path.startswith("s3://") and row.verified_at is not None


def test_archive_metrics(engine: Engine, seed, ops, metrics) -> None:
    seed("2026-10", 30)
    ops().run_result("archive")
    labels = {"env": "prod", "shadow_version": "v2.0.0", "ai_provider": "offline", "model": "offline",
              "app_version": "0.1.0", "job": "archive"}
    r = metrics.registry
    assert r.get_sample_value("meal_log_ops_job_runs_total", {**labels, "outcome": "ok"}) == 1
    assert r.get_sample_value("meal_log_ops_job_rows_total", labels) == 60
    assert r.get_sample_value("meal_log_ops_job_bytes_total", labels) > 0
    assert r.get_sample_value("meal_log_ops_job_last_success_timestamp_seconds", labels) > 0
