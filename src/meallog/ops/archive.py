"""Archive closed months of the shadow tables to Parquet on object storage (runbook §5, 02:30 JST).

One month of one table is streamed from the database in record batches (PostgreSQL: `COPY ... TO
STDOUT (FORMAT csv)` parsed by Arrow; SQLite: a plain cursor), each batch written as a Parquet row
group through a hashing writer, so memory stays flat however large the month. The file is then read
back from the store: its SHA-256, row count, id/time range and a content checksum must equal what was
written, and the row count must equal the database's. Only then is `manifest.json` written (the
commit point of the archive) and the `archive_manifests` row marked verified. A crash at any point
leaves at most an orphan data file that the next run replaces; nothing counts as archived until
verified.
"""

from __future__ import annotations

import hashlib
import io
import json
import queue
import struct
import threading
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from sqlalchemy import JSON, Boolean, Date, Float, Integer, String, Text, func, select
from sqlalchemy.orm import Session

from meallog.ops.partitions import Month, in_month, months_with_rows, table_of
from meallog.ops.store import HashingWriter, ObjectStore
from meallog.store.db import UTCDateTime, is_postgres
from meallog.store.models import PARTITIONED, ArchiveManifest

FORMAT = 1
BATCH_ROWS = 8_192  # rows per batch read (SQLite, read-back): bounds memory, not the month
CSV_BLOCK = 1024 * 1024


class ArchiveError(RuntimeError):
    """The archive of a month could not be written or did not verify; nothing was marked done."""


# ---- schema ---------------------------------------------------------------------------------------
def _arrow_type(col: Any) -> pa.DataType:
    t = col.type
    if isinstance(t, UTCDateTime):
        return pa.timestamp("us", tz="UTC")
    if isinstance(t, JSON):
        return pa.string()  # the JSON text exactly as stored
    if isinstance(t, Boolean):
        return pa.bool_()
    if isinstance(t, Date):
        return pa.date32()
    if isinstance(t, Float):
        return pa.float64()
    if isinstance(t, Integer):
        return pa.int64()
    if isinstance(t, String | Text):
        return pa.string()
    raise TypeError(f"no Arrow type for {col}")


def arrow_schema(name: str) -> pa.Schema:
    table, _ = table_of(name)
    return pa.schema([pa.field(c.name, _arrow_type(c), nullable=bool(c.nullable)) for c in table.columns])


# ---- content checksum -----------------------------------------------------------------------------
class ContentDigest:
    """SHA-256 over every column's values and nulls in row order; independent of how rows are batched."""

    def __init__(self, schema: pa.Schema) -> None:
        self.schema = schema
        # Per column, one hash each for nulls, values (string lengths) and string bytes, so that
        # the result does not depend on where batch boundaries fall.
        self.columns = {f.name: (hashlib.sha256(), hashlib.sha256(), hashlib.sha256()) for f in schema}
        self.rows = 0
        self.min_id: int | None = None
        self.max_id: int | None = None
        self.min_ts: datetime | None = None
        self.max_ts: datetime | None = None

    def update(self, batch: pa.RecordBatch, key: str) -> None:
        self.rows += batch.num_rows
        for f in self.schema:
            _feed(self.columns[f.name], batch.column(f.name))
        if batch.num_rows:
            ids = pc.min_max(batch.column("id"))
            ts = pc.min_max(batch.column(key))
            lo, hi = ids["min"].as_py(), ids["max"].as_py()
            self.min_id = lo if self.min_id is None else min(self.min_id, lo)
            self.max_id = hi if self.max_id is None else max(self.max_id, hi)
            tlo, thi = ts["min"].as_py(), ts["max"].as_py()
            self.min_ts = tlo if self.min_ts is None else min(self.min_ts, tlo)
            self.max_ts = thi if self.max_ts is None else max(self.max_ts, thi)

    def hexdigest(self) -> str:
        h = hashlib.sha256(f"rows={self.rows}".encode())
        for name, (nulls, values, data) in self.columns.items():
            h.update(name.encode() + b"=" + nulls.digest() + values.digest() + data.digest())
        return h.hexdigest()


def _fixed(arr: pa.Array, width: int) -> memoryview:
    buf = arr.buffers()[1]
    return memoryview(buf)[arr.offset * width:(arr.offset + len(arr)) * width]  # type: ignore[arg-type]


def _feed(hs: tuple[Any, Any, Any], arr: pa.Array) -> None:
    nulls, h, data_hash = hs
    nulls.update(_fixed(pc.is_null(arr).cast(pa.uint8()), 1))
    t = arr.type
    if pa.types.is_string(t):
        filled = arr.fill_null("")
        offsets = filled.buffers()[1]
        start = struct.unpack_from("<i", offsets, 4 * filled.offset)[0]  # type: ignore[arg-type]
        end = struct.unpack_from("<i", offsets, 4 * (filled.offset + len(filled)))[0]  # type: ignore[arg-type]
        h.update(_fixed(pc.binary_length(filled), 4))
        data = filled.buffers()[2]
        if data is not None:
            data_hash.update(memoryview(data)[start:end])  # type: ignore[arg-type]
    elif pa.types.is_boolean(t):
        h.update(_fixed(arr.fill_null(False).cast(pa.uint8()), 1))
    elif pa.types.is_timestamp(t):
        h.update(_fixed(arr.cast(pa.int64()).fill_null(0), 8))
    elif pa.types.is_date32(t):
        h.update(_fixed(arr.cast(pa.int32()).fill_null(0), 4))
    elif pa.types.is_float64(t):
        h.update(_fixed(arr.fill_null(0.0), 8))
    else:
        h.update(_fixed(arr.cast(pa.int64()).fill_null(0), 8))


# ---- reading a month from the database -------------------------------------------------------------
def iter_month(s: Session, name: str, month: Month, *, batch_rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
    """The month's rows in id order as record batches of the archive schema."""
    schema = arrow_schema(name)
    if is_postgres(s):
        yield from _pg_batches(s, name, month, schema)
    else:
        yield from _sqlite_batches(s, name, month, schema, batch_rows)


class _CopyReader(io.RawIOBase):
    """A file over a psycopg COPY TO STDOUT, for Arrow's streaming CSV reader.

    A thread receives the COPY blocks into a bounded queue while Arrow parses: the database and
    the parser work at the same time, and at most `depth` MiB wait in memory.
    """

    def __init__(self, copy: Any, *, depth: int = 4) -> None:
        self.queue: queue.Queue[Any] = queue.Queue(maxsize=depth)
        self.pending = memoryview(b"")
        self.done = False
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._pump, args=(copy,), daemon=True, name="archive-copy")
        self.thread.start()

    def _pump(self, copy: Any, chunk: int = 1 << 20) -> None:
        buf = bytearray()
        try:
            for block in copy:  # psycopg yields one row per block: hand them over a MiB at a time
                buf += block
                if len(buf) >= chunk:
                    self.queue.put(bytes(buf))
                    buf.clear()
            if buf:
                self.queue.put(bytes(buf))
        except BaseException as exc:  # handed to the reading thread, which raises it
            self.error = exc
        finally:
            self.queue.put(None)

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while not self.pending:
            if self.done:
                return 0
            nxt = self.queue.get()
            if nxt is None:
                self.done = True
                if self.error is not None:
                    raise self.error
                return 0
            self.pending = memoryview(nxt)
        n = min(len(b), len(self.pending))
        b[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        return n

    def drain(self) -> None:
        """Let the pump finish (it must not outlive the COPY it reads)."""
        while not self.done:
            if self.queue.get() is None:
                self.done = True
        self.thread.join()


def _pg_text(expr: str) -> str:
    # CSV values must not hold raw newlines for Arrow's fast parallel parser: a value with one travels
    # as 'j' + its JSON string (newlines escaped), every other value as 't' + itself.
    return (f"CASE WHEN ({expr}) IS NULL THEN NULL WHEN strpos({expr}, E'\\n') > 0 OR strpos({expr}, E'\\r') > 0 "
            f"THEN 'j' || to_json({expr})::text ELSE 't' || ({expr}) END")


def _untag(col: pa.Array) -> pa.Array:
    values = pc.utf8_slice_codeunits(col, 1)
    if not pc.any(pc.equal(pc.utf8_slice_codeunits(col, 0, 1), "j")).as_py():
        return values
    raw = col.to_pylist()
    return pa.array([None if v is None else (json.loads(v[1:]) if v[0] == "j" else v[1:]) for v in raw], pa.string())


def _pg_batches(s: Session, name: str, month: Month, schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    table, key = table_of(name)
    exprs, read_types, tagged = [], {}, set()
    for f in schema:
        if pa.types.is_timestamp(f.type):
            # Exact microseconds since the epoch: no text timestamp parsing, no time zone ambiguity.
            exprs.append(f"(extract(epoch FROM {f.name}) * 1000000)::bigint")
            read_types[f.name] = pa.int64()
        elif pa.types.is_string(f.type):
            is_json = isinstance(table.c[f.name].type, JSON)
            exprs.append(_pg_text(f"{f.name}::text" if is_json else f.name))
            read_types[f.name] = pa.string()
            tagged.add(f.name)
        else:
            exprs.append(f.name)
            read_types[f.name] = f.type
    sql = (f"COPY (SELECT {', '.join(exprs)} FROM {name} WHERE {key.name} >= '{month.start.isoformat()}' "
           f"AND {key.name} < '{month.end.isoformat()}' ORDER BY id) TO STDOUT (FORMAT csv)")
    raw = s.connection().connection.dbapi_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy(sql) as copy:  # type: ignore[attr-defined]
        source = _CopyReader(copy)
        try:
            reader = pacsv.open_csv(
                io.BufferedReader(source, buffer_size=1024 * 1024),
                read_options=pacsv.ReadOptions(column_names=schema.names, block_size=CSV_BLOCK),
                convert_options=pacsv.ConvertOptions(column_types=read_types, true_values=["t"], false_values=["f"],
                                                     null_values=[""], strings_can_be_null=True,
                                                     quoted_strings_can_be_null=False),
            )
            for batch in reader:
                cols = {n: (_untag(batch.column(n)) if n in tagged else batch.column(n)) for n in schema.names}
                yield _conform(pa.RecordBatch.from_pydict(cols), schema)
        finally:
            source.drain()


def _conform(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    cols = []
    for f in schema:
        col = batch.column(f.name)
        if pa.types.is_timestamp(f.type) and not pa.types.is_timestamp(col.type):
            col = col.cast(pa.timestamp("us")).cast(f.type)
        elif col.type != f.type:
            col = col.cast(f.type)
        cols.append(col)
    return pa.RecordBatch.from_arrays(cols, schema=schema)


def _sqlite_batches(s: Session, name: str, month: Month, schema: pa.Schema,
                    batch_rows: int) -> Iterator[pa.RecordBatch]:
    _, key = table_of(name)
    fmt = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores DATETIME on SQLite (naive UTC here)
    raw = s.connection().connection.dbapi_connection
    assert raw is not None
    cur = raw.cursor()
    try:
        cur.execute(f"SELECT {', '.join(schema.names)} FROM {name} WHERE {key.name} >= ? AND {key.name} < ? "
                    "ORDER BY id", (month.start.strftime(fmt), month.end.strftime(fmt)))
        while rows := cur.fetchmany(batch_rows):
            columns = list(zip(*rows, strict=True))
            arrays = []
            for f, values in zip(schema, columns, strict=True):
                if pa.types.is_timestamp(f.type):
                    arr = pa.array(values, pa.string()).cast(pa.timestamp("us")).cast(f.type)
                elif pa.types.is_date32(f.type):
                    arr = pa.array(values, pa.string()).cast(pa.date32())
                elif pa.types.is_boolean(f.type):
                    arr = pa.array(values, pa.int64()).cast(pa.bool_())
                else:
                    arr = pa.array(values, f.type)
                arrays.append(arr)
            yield pa.RecordBatch.from_arrays(arrays, schema=schema)
    finally:
        cur.close()


# ---- manifest -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ArchiveFile:
    key: str
    rows: int
    bytes: int
    sha256: str


@dataclass(frozen=True, slots=True)
class Manifest:
    table: str
    month: str
    rows: int
    min_id: int | None
    max_id: int | None
    min_ts: str | None
    max_ts: str | None
    content_sha256: str
    schema: list[dict[str, Any]]
    files: list[ArchiveFile]
    created_at: str
    verified_at: str
    format: int = FORMAT

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        raw = json.loads(data)
        raw["files"] = [ArchiveFile(**f) for f in raw["files"]]
        return cls(**raw)


def month_prefix(name: str, month: Month) -> str:
    return f"{name}/{month}"


def manifest_key(name: str, month: Month) -> str:
    return f"{month_prefix(name, month)}/manifest.json"


def _schema_doc(schema: pa.Schema) -> list[dict[str, Any]]:
    return [{"name": f.name, "type": str(f.type), "nullable": f.nullable} for f in schema]


def _iso(d: datetime | None) -> str | None:
    return d.astimezone(UTC).isoformat() if d is not None else None


# ---- the job ---------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class MonthResult:
    table: str
    month: str
    rows: int
    bytes: int
    key: str


@dataclass(frozen=True, slots=True)
class ArchiveReport:
    archived: tuple[MonthResult, ...] = ()
    pending: tuple[str, ...] = ()  # "table/YYYY-MM" still to archive (what --dry-run lists)
    dry_run: bool = False
    failed: tuple[str, ...] = field(default=())

    @property
    def rows(self) -> int:
        return sum(m.rows for m in self.archived)

    @property
    def bytes(self) -> int:
        return sum(m.bytes for m in self.archived)

    def as_dict(self) -> dict[str, Any]:
        return {"archived": [asdict(m) for m in self.archived], "pending": list(self.pending),
                "rows": self.rows, "bytes": self.bytes, "dry_run": self.dry_run}


def pending_months(s: Session, *, now: datetime) -> list[tuple[str, Month]]:
    """Closed months (before the current UTC month) with rows and no verified archive."""
    current = Month.of(now)
    done = {(m.table_name, m.period) for m in s.scalars(select(ArchiveManifest)
                                                        .where(ArchiveManifest.verified_at.is_not(None)))}
    return [(name, month) for name in PARTITIONED for month in months_with_rows(s, name)
            if month < current and (name, str(month)) not in done]


def write_month(s: Session, store: ObjectStore, name: str, month: Month, *, now: datetime,
                batch_rows: int = BATCH_ROWS) -> Manifest:
    """Write, read back and verify one month; then write its manifest and mark it archived.

    Raises ArchiveError (or the store's own error) when anything does not match; the caller commits.
    """
    _, key = table_of(name)
    schema = arrow_schema(name)
    data_key = f"{month_prefix(name, month)}/data-{now.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}.parquet"
    written = ContentDigest(schema)
    with store.open(data_key, "wb") as sink:
        hw = HashingWriter(sink)
        writer = pq.ParquetWriter(hw, schema, compression="zstd")
        try:
            for batch in iter_month(s, name, month, batch_rows=batch_rows):
                written.update(batch, key.name)
                writer.write_batch(batch)
        finally:
            writer.close()
    file_sha, file_size = hw.hash.hexdigest(), hw.size

    # Read-back: the bytes, then the rows, as stored.
    stored_sha, stored_size = store.sha256(data_key)
    if (stored_sha, stored_size) != (file_sha, file_size):
        raise ArchiveError(f"{data_key}: stored object differs from what was written "
                           f"({stored_size} bytes, sha256 {stored_sha[:12]}; wrote {file_size}, {file_sha[:12]})")
    read = read_digest(store, data_key, name)
    if read.hexdigest() != written.hexdigest() or read.rows != written.rows:
        raise ArchiveError(f"{data_key}: content read back ({read.rows} rows) differs from the database "
                           f"({written.rows} rows)")
    table, col = table_of(name)
    db_rows = int(s.execute(select(func.count()).select_from(table).where(in_month(col, month))).scalar_one())
    if db_rows != written.rows:
        raise ArchiveError(f"{name} {month}: {db_rows} rows in the database, {written.rows} archived")

    manifest = Manifest(
        table=name, month=str(month), rows=written.rows, min_id=written.min_id, max_id=written.max_id,
        min_ts=_iso(written.min_ts), max_ts=_iso(written.max_ts), content_sha256=written.hexdigest(),
        schema=_schema_doc(schema), files=[ArchiveFile(key=data_key, rows=written.rows, bytes=file_size,
                                                       sha256=file_sha)],
        created_at=now.isoformat(), verified_at=now.isoformat())
    mkey = manifest_key(name, month)
    store.write_bytes(mkey, manifest.to_json())
    if Manifest.from_json(store.read_bytes(mkey)) != manifest:
        raise ArchiveError(f"{mkey}: manifest read back differs from what was written")
    for orphan in store.list(month_prefix(name, month)):
        if orphan.endswith(".parquet") and orphan != data_key:
            store.remove(orphan)  # a crashed or superseded earlier attempt
    row = s.scalar(select(ArchiveManifest).where(ArchiveManifest.table_name == name,
                                                 ArchiveManifest.period == str(month)))
    if row is None:
        row = ArchiveManifest(table_name=name, period=str(month))
        s.add(row)
    row.path, row.rows, row.sha256 = store.uri(mkey), written.rows, file_sha
    row.created_at, row.verified_at = now, now
    s.flush()
    return manifest


def read_digest(store: ObjectStore, data_key: str, name: str) -> ContentDigest:
    """Stream a stored Parquet file row group by row group and checksum its content."""
    _, key = table_of(name)
    digest = ContentDigest(arrow_schema(name))
    with store.open(data_key, "rb") as f:
        pf = pq.ParquetFile(f)
        if pf.schema_arrow != digest.schema:
            raise ArchiveError(f"{data_key}: schema {pf.schema_arrow} is not the archive schema")
        for batch in pf.iter_batches(batch_size=BATCH_ROWS):
            digest.update(batch, key.name)
    return digest


def load_manifest(store: ObjectStore, name: str, month: Month) -> Manifest:
    return Manifest.from_json(store.read_bytes(manifest_key(name, month)))


def verify_archive(s: Session | None, store: ObjectStore, name: str, month: Month) -> Manifest:
    """The stored archive still holds what its manifest says (bytes and content); with a session,
    the database's month also still equals it. Raises ArchiveError otherwise."""
    manifest = load_manifest(store, name, month)
    for f in manifest.files:
        sha, size = store.sha256(f.key)
        if (sha, size) != (f.sha256, f.bytes):
            raise ArchiveError(f"{f.key}: sha256 {sha[:12]} / {size} bytes, manifest says {f.sha256[:12]} / {f.bytes}")
    if len(manifest.files) != 1:
        raise ArchiveError(f"{name} {month}: expected one data file, manifest lists {len(manifest.files)}")
    if read_digest(store, manifest.files[0].key, name).hexdigest() != manifest.content_sha256:
        raise ArchiveError(f"{name} {month}: stored rows do not match the manifest checksum")
    if s is not None:
        _, key = table_of(name)
        db = ContentDigest(arrow_schema(name))
        for batch in iter_month(s, name, month):
            db.update(batch, key.name)
        if db.hexdigest() != manifest.content_sha256:
            raise ArchiveError(f"{name} {month}: the database now holds {db.rows} rows that differ from the "
                               f"archive ({manifest.rows} rows); archive it again before dropping")
    return manifest
