"""Archive: closed months to Parquet, manifest, read-back verification; local folder and real S3 (moto)."""

from __future__ import annotations

import hashlib
import json
import random
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fsspec.implementations.local import LocalFileSystem
from sqlalchemy import Engine, insert, select

from meallog.ops import archive
from meallog.ops.archive import (
    ArchiveError,
    ContentDigest,
    arrow_schema,
    iter_month,
    read_back,
    read_digest,
    verify_archive,
)
from meallog.ops.partitions import Month
from meallog.ops.store import HashingReader, ObjectStore
from meallog.store.db import Base, session_scope
from meallog.store.models import ArchiveManifest

from .conftest import diff_row, month_rows, read_manifest, shadow_row

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


# ---- the read-back: one read of the stored object ----------------------------------------------------
class _CountingFS(LocalFileSystem):
    """A local folder that counts the bytes read from its Parquet files."""

    cachable = False

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.read = 0

    def _open(self, path: str, mode: str = "rb", **kw: Any) -> Any:
        f = super()._open(path, mode, **kw)
        if "r" in mode and str(path).endswith(".parquet"):
            inner, fs = f.read, self

            def read(n: int = -1) -> bytes:
                data = inner(n)
                fs.read += len(data)
                return data

            f.read = read
        return f


def _noisy_diffs(n: int) -> pa.Table:
    """diffs rows whose notes do not compress, so the Parquet file is far larger than its footer."""
    schema = arrow_schema("diffs")
    rnd = random.Random(7)
    cols: dict[str, Any] = {f.name: pa.nulls(n, f.type) if f.nullable else pa.array([0] * n).cast(f.type)
                            for f in schema}
    cols["id"] = pa.array(range(1, n + 1), pa.int64())
    cols["ts"] = pa.array([datetime(2026, 10, 1, tzinfo=UTC)] * n, pa.timestamp("us", tz="UTC"))
    for c in ("log_id", "log_version", "user_id", "item_count", "unknown_count"):
        cols[c] = pa.array(range(n), pa.int64())
    for c in ("pipeline_version", "breach_fields", "unknown_kinds"):
        cols[c] = pa.array(["v2"] * n)
    cols["breach"] = pa.array([False] * n)
    cols["triage_note"] = pa.array([rnd.randbytes(300).hex() for _ in range(n)])
    return pa.Table.from_pydict(cols, schema=schema)


def test_hashing_reader_gives_the_sha256_of_the_whole_object_whatever_the_read_order(tmp_path: Path) -> None:
    data = random.Random(3).randbytes(300_000)
    (tmp_path / "obj").write_bytes(data)
    rnd = random.Random(5)
    for _ in range(20):
        with open(tmp_path / "obj", "rb") as f:
            hr = HashingReader(f)
            assert hr.size == len(data)
            for _ in range(rnd.randrange(0, 12)):
                at, n = rnd.randrange(0, len(data)), rnd.randrange(0, 100_000)
                hr.seek(at)
                assert hr.read(n) == data[at:at + n] and hr.tell() == min(at + n, len(data))
            assert hr.finish() == (hashlib.sha256(data).hexdigest(), len(data))


def test_read_back_reads_the_stored_object_once_and_checks_bytes_and_rows(tmp_path: Path) -> None:
    table = _noisy_diffs(3_000)
    counting = _CountingFS()
    store = ObjectStore(fs=counting, root=str(tmp_path), url=f"file://{tmp_path}")
    with store.open("diffs/2026-10/data.parquet", "wb") as f:
        pq.write_table(table, f, row_group_size=500, compression="zstd")
    sha, size = store.sha256("diffs/2026-10/data.parquet")
    assert size > 1_000_000
    expected = ContentDigest(table.schema)
    for batch in table.to_batches(max_chunksize=700):  # the checksum does not depend on the batching
        expected.update(batch, "ts")
    counting.read = 0
    got = read_back(store, "diffs/2026-10/data.parquet", "diffs", sha256=sha, size=size)
    assert got.hexdigest() == expected.hexdigest() and got.rows == 3_000
    assert counting.read < size + 128 * 1024  # once, plus the footer read again in order (not twice the file)
    with pytest.raises(ArchiveError, match="differs from what was written"):
        read_back(store, "diffs/2026-10/data.parquet", "diffs", sha256="0" * 64, size=size)
    with pytest.raises(ArchiveError, match="differs from what was written"):
        read_back(store, "diffs/2026-10/data.parquet", "diffs", sha256=sha, size=size + 1)


# ---- the count: the database's own, for the rows it sent ----------------------------------------------
def test_a_row_lost_between_the_database_and_the_parquet_file_fails_the_archive(engine: Engine, seed, ops,
                                                                                monkeypatch) -> None:
    seed("2026-10", 300)
    real = archive.MonthExport.__iter__

    def lossy(self: archive.MonthExport) -> Iterator[pa.RecordBatch]:
        for i, batch in enumerate(real(self)):
            yield batch.slice(1) if i == 0 else batch  # the first row never reaches the writer

    monkeypatch.setattr(archive.MonthExport, "__iter__", lossy)
    result = ops().run_result("archive")
    assert result.outcome == "error"
    assert "the database sent 300 rows, 299 archived" in result.detail["error"]
    with session_scope(engine) as s:
        assert s.scalars(select(ArchiveManifest).where(ArchiveManifest.verified_at.is_not(None))).all() == []


@pytest.mark.parametrize("db_url", ["pg"], indirect=True)
def test_the_count_is_the_copys_own_same_snapshot_as_the_rows(engine: Engine, seed, ops,
                                                              archive_store, monkeypatch) -> None:
    """A row committed into the month while its COPY streams is in neither the file nor the count (a
    count(*) after the COPY would see it and fail the archive); retention's check then finds the month
    changed and asks for a new archive."""
    seed("2026-10", 300)
    real, late = archive._joined, iter([("meal_logs_v2_shadow", shadow_row), ("diffs", diff_row)])

    def late_row_mid_copy(copy: Any, chunk: int = archive.CSV_BLOCK) -> Iterator[bytearray]:
        name, row = next(late)  # the tables are archived in this order, one COPY each
        with engine.begin() as other:  # another connection, committed while this COPY streams
            other.execute(insert(Base.metadata.tables[name]), row(99_999, datetime(2026, 10, 15, 3, tzinfo=UTC)))
        yield from real(copy, chunk)

    monkeypatch.setattr(archive, "_joined", late_row_mid_copy)
    result = ops().run_result("archive")
    assert result.outcome == "ok", result.detail
    for name in ("meal_logs_v2_shadow", "diffs"):
        assert read_manifest(archive_store, name, "2026-10")["rows"] == 300
        assert len(month_rows(engine, name, "2026-10")) == 301
    monkeypatch.setattr(archive, "_joined", real)
    with session_scope(engine) as s, pytest.raises(ArchiveError, match="archive it again before dropping"):
        verify_archive(s, archive_store, "diffs", Month(2026, 10))


def test_an_archive_checksummed_with_sha256_per_column_still_verifies(engine: Engine, seed, ops,
                                                                      archive_store) -> None:
    """Manifests written before xxh3-128 carry no `column_hash`: their checksum is SHA-256 per column."""
    seed("2026-10", 200)
    assert ops().run_result("archive").outcome == "ok"
    for name in ("meal_logs_v2_shadow", "diffs"):
        key = f"{name}/2026-10/manifest.json"
        man = json.loads(archive_store.read_bytes(key))
        assert man["column_hash"] == "xxh3_128"
        (f,) = man["files"]
        old = read_digest(archive_store, f["key"], name, "sha256").hexdigest()
        assert old != man["content_sha256"]
        del man["column_hash"]
        archive_store.write_bytes(key, json.dumps({**man, "content_sha256": old}).encode())
        with session_scope(engine) as s:
            assert verify_archive(s, archive_store, name, Month(2026, 10)).column_hash == "sha256"
        archive_store.write_bytes(key, json.dumps({**man, "content_sha256": "0" * 64}).encode())
        with session_scope(engine) as s, pytest.raises(ArchiveError, match="manifest checksum"):
            verify_archive(s, archive_store, name, Month(2026, 10))


def test_a_manifest_cut_short_by_a_crash_is_written_again(engine: Engine, seed, ops, archive_store) -> None:
    seed("2026-10", 50)
    assert ops().run_result("archive").outcome == "ok"
    key = "diffs/2026-10/manifest.json"
    archive_store.write_bytes(key, archive_store.read_bytes(key)[:100])  # killed while writing it
    with session_scope(engine) as s:
        for m in s.scalars(select(ArchiveManifest)):
            m.verified_at = None
    result = ops().run_result("archive")
    assert result.outcome == "ok", result.detail
    assert read_manifest(archive_store, "diffs", "2026-10")["rows"] == 50
    assert len([k for k in archive_store.list("diffs/2026-10") if k.endswith(".parquet")]) == 1
    assert not archive_store.exists("diffs/2026-10/manifest-utc-month.json")


def test_read_ahead_keeps_order_and_stays_at_most_two_blocks_ahead() -> None:
    made: list[int] = []

    def blocks() -> Iterator[bytearray]:
        for i in range(50):
            made.append(i)
            yield bytearray([i])

    seen = []
    for block in archive._read_ahead(blocks(), depth=2):
        # the producer may hold one block in hand beside the two queued ones
        assert len(made) - len(seen) <= 4, (len(made), len(seen))
        seen.append(block[0])
        if len(seen) < 5:
            time.sleep(0.02)  # a slow consumer: an unbounded producer would be far ahead by now
    assert seen == list(range(50))


def test_read_ahead_raises_the_producers_error_after_what_came_before() -> None:
    def blocks() -> Iterator[bytearray]:
        yield bytearray(b"a")
        raise ConnectionError("server closed the connection")

    got = []
    with pytest.raises(ConnectionError, match="server closed"):
        for block in archive._read_ahead(blocks()):
            got.append(bytes(block))
    assert got == [b"a"]


def test_a_consumer_that_stops_early_lets_the_copy_read_to_its_end() -> None:
    """A failed Parquet write stops the consumer: the producer still reads the COPY to its end (the
    connection stays usable for the rollback) and its thread is gone when the generator closes."""
    read: list[int] = []

    def blocks() -> Iterator[bytearray]:
        for i in range(30):
            read.append(i)
            yield bytearray([i])

    with pytest.raises(OSError, match="disk full"):
        for block in archive._read_ahead(blocks()):
            if block[0] == 3:
                raise OSError("disk full")
    assert read == list(range(30))
    assert not [t for t in threading.enumerate() if t.name == "archive-copy"]
