"""Archive closed months of the shadow tables to Parquet on object storage (runbook §5, 02:30 JST).

One month of one table is streamed from the database in record batches (PostgreSQL: `COPY ... TO
STDOUT (FORMAT csv)` parsed by Arrow; SQLite: a plain cursor), each batch written as a Parquet row
group through a hashing writer, so memory stays flat however large the month. The rows written must
number what the database says it sent (PostgreSQL: the COPY's own row count). The file is then read
back from the store once, its bytes hashed as the Parquet reader decodes them: its size, SHA-256, row
count and content checksum must equal what was written. Only then is `manifest.json` written (the
commit point of the archive) and the `archive_manifests` row marked verified. A crash at any point
leaves at most an orphan data file that the next run replaces; nothing counts as archived until
verified.
"""

from __future__ import annotations

import hashlib
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
import xxhash
from sqlalchemy import JSON, Boolean, Date, Float, Integer, String, Text, func, select
from sqlalchemy.orm import Session

from meallog.ops.partitions import Month, in_month, months_with_rows, table_of
from meallog.ops.store import HashingReader, HashingWriter, ObjectStore
from meallog.store.db import UTCDateTime, is_postgres
from meallog.store.models import PARTITIONED, ArchiveManifest

FORMAT = 2  # 2: JST months, with their bounds in the manifest (1: UTC months, no bounds)
BATCH_ROWS = 8_192  # rows per batch read (SQLite): bounds memory, not the month
CSV_BLOCK = 1 << 22  # bytes of CSV per record batch (PostgreSQL): 7k-28k rows, one Parquet row group each
PARQUET: dict[str, Any] = {"compression": "zstd", "use_dictionary": False}


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


def _statistics_columns(name: str) -> list[str]:
    """Columns whose Parquet statistics (min/max per row group) are worth their cost: not the JSON text."""
    table, _ = table_of(name)
    return [c.name for c in table.columns if not isinstance(c.type, JSON)]


def arrow_schema(name: str) -> pa.Schema:
    table, _ = table_of(name)
    return pa.schema([pa.field(c.name, _arrow_type(c), nullable=bool(c.nullable)) for c in table.columns])


# ---- content checksum -----------------------------------------------------------------------------
COLUMN_HASH = "xxh3_128"  # the per-column hash of the content checksum (manifests without one: sha256)
_COLUMN_HASHES: dict[str, Any] = {"sha256": hashlib.sha256, "xxh3_128": xxhash.xxh3_128}


class ContentDigest:
    """SHA-256 over per-column hashes of every column's values and null positions in row order;
    independent of how the rows are batched (each column feeds its own running hashes, and nulls are
    hashed as row numbers). Vectorised: a few Arrow calls and hash updates per column and batch,
    never a loop over rows. The per-column hash is xxh3-128 (ten times SHA-256's speed here: the
    content is hashed twice per archive); archives written before it used SHA-256 (`column_hash`)."""

    def __init__(self, schema: pa.Schema, column_hash: str = COLUMN_HASH) -> None:
        self.schema = schema
        new = _COLUMN_HASHES[column_hash]
        # Per column, one hash each for null positions, values (string lengths) and string bytes.
        self.columns = {f.name: (new(), new(), new()) for f in schema}
        self.rows = 0
        self.min_id: int | None = None
        self.max_id: int | None = None
        self.min_ts: datetime | None = None
        self.max_ts: datetime | None = None

    def update(self, batch: pa.RecordBatch, key: str) -> None:
        for f in self.schema:
            _feed(self.columns[f.name], batch.column(f.name), self.rows)
        self.rows += batch.num_rows
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


_FILL: dict[str, Any] = {"string": "", "bool": False, "double": 0.0}


def _feed(hs: tuple[Any, Any, Any], arr: pa.Array, first_row: int) -> None:
    nulls, h, data_hash = hs
    t = arr.type
    if arr.null_count:
        # Where the nulls are (as row numbers of the month), then the values with nulls as 0 / "".
        where = pc.add(pc.indices_nonzero(pc.is_null(arr)), pa.scalar(first_row, pa.uint64()))
        nulls.update(_fixed(where, 8))
        arr = arr.fill_null(_FILL.get(str(t), 0) if not pa.types.is_timestamp(t) else pa.scalar(0, t))
    if pa.types.is_string(t):
        offsets = arr.buffers()[1]
        start = struct.unpack_from("<i", offsets, 4 * arr.offset)[0]  # type: ignore[arg-type]
        end = struct.unpack_from("<i", offsets, 4 * (arr.offset + len(arr)))[0]  # type: ignore[arg-type]
        h.update(_fixed(pc.binary_length(arr), 4))
        data = arr.buffers()[2]
        if data is not None:
            data_hash.update(memoryview(data)[start:end])  # type: ignore[arg-type]
    elif pa.types.is_boolean(t):
        h.update(_fixed(arr.cast(pa.uint8()), 1))
    elif pa.types.is_date32(t):
        h.update(_fixed(arr, 4))
    else:  # int64, float64, timestamp[us]: 8 bytes a value, as stored
        h.update(_fixed(arr, 8))


# ---- reading a month from the database -------------------------------------------------------------
class MonthExport:
    """One month's rows in id order as record batches of the archive schema, and, once iterated, the
    database's own count of the rows it sent (`rows_sent`): on PostgreSQL the row count of the COPY
    itself (its command tag: the same statement, so the same snapshot, as the rows); on SQLite a
    count(*) of the month right after the rows."""

    def __init__(self, s: Session, name: str, month: Month, *, batch_rows: int = BATCH_ROWS) -> None:
        self.s, self.name, self.month, self.batch_rows = s, name, month, batch_rows
        self.schema = arrow_schema(name)
        self.rows_sent: int | None = None

    def __iter__(self) -> Iterator[pa.RecordBatch]:
        if is_postgres(self.s):
            yield from _pg_batches(self.s, self.name, self.month, self.schema, self)
        else:
            yield from _sqlite_batches(self.s, self.name, self.month, self.schema, self.batch_rows)
            table, col = table_of(self.name)
            self.rows_sent = int(self.s.execute(select(func.count()).select_from(table)
                                                .where(in_month(col, self.month))).scalar_one())


def iter_month(s: Session, name: str, month: Month, *, batch_rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
    """The month's rows in id order as record batches of the archive schema."""
    yield from MonthExport(s, name, month, batch_rows=batch_rows)


_CSV_PARSE = pacsv.ParseOptions(newlines_in_values=True)


def _joined(copy: Any, chunk: int = CSV_BLOCK) -> Iterator[bytearray]:
    """psycopg hands over one COPY row per call: append them to blocks of about `chunk` bytes.

    A block holds whole rows: the protocol sends each row of a COPY TO as one CopyData message
    ("always one per row"), and libpq returns one message per call. Each row is copied into the
    block at once (`+=`): holding on to psycopg's per-row buffers until a join costs twice the
    loop's CPU (measured: 0.50 s against 0.20 s for 200k diffs rows).
    """
    block = bytearray()
    for row in copy:
        block += row
        if len(block) >= chunk:
            yield block
            block = bytearray()
    if block:
        yield block


_DONE = object()


def _read_ahead(items: Iterator[bytearray], depth: int = 2) -> Iterator[bytearray]:
    """`items`, produced in a thread of their own at most `depth` ahead of the consumer.

    The COPY's rows are read (a Python loop, holding the GIL) while the previous block is parsed,
    hashed and encoded (Arrow and xxhash, mostly without it): on PostgreSQL the two overlap on two
    cores. Memory stays flat: at most `depth` blocks wait. The producer's error is raised here; if the
    consumer stops early, the producer reads the rest of its items without keeping them, so the
    COPY ends cleanly on its connection before the caller's transaction goes on or rolls back.
    """
    q: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        q.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
            q.put((_DONE, None))
        except BaseException as exc:  # handed to the consumer, raised there
            q.put((_DONE, exc))

    thread = threading.Thread(target=produce, name="archive-copy", daemon=True)
    thread.start()
    try:
        while True:
            item = q.get()
            if isinstance(item, tuple) and item[0] is _DONE:
                if item[1] is not None:
                    raise item[1]
                return
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # let it finish its items (it puts one last marker)
            try:
                q.get(timeout=0.1)
            except queue.Empty:
                continue
        thread.join()


def _pg_batches(s: Session, name: str, month: Month, schema: pa.Schema,
                export: MonthExport) -> Iterator[pa.RecordBatch]:
    """The month as PostgreSQL's own CSV (`COPY (SELECT ...) TO STDOUT (FORMAT csv)`), parsed by Arrow.

    The SELECT is the plain column list: NULL is an unquoted empty field and '' a quoted one, JSON
    travels as its text (UTF-8: `SET LOCAL client_encoding`, which PostgreSQL guarantees valid),
    timestamps as ISO text in UTC (`SET LOCAL TIME ZONE 'UTC'`), which Arrow
    parses exactly to microseconds; values may hold newlines (quoted, parsed with newlines_in_values).
    When the COPY is done, its row count (the server's) goes to `export.rows_sent`.
    """
    _, key = table_of(name)
    sql = (f"COPY (SELECT {', '.join(schema.names)} FROM {name} WHERE {key.name} >= '{month.start.isoformat()}' "
           f"AND {key.name} < '{month.end.isoformat()}' ORDER BY id) TO STDOUT (FORMAT csv)")
    convert = pacsv.ConvertOptions(
        column_types={f.name: f.type for f in schema}, true_values=["t"], false_values=["f"], null_values=[""],
        strings_can_be_null=True, quoted_strings_can_be_null=False, check_utf8=False)
    raw = s.connection().connection.dbapi_connection
    assert raw is not None
    with raw.cursor() as cur:  # type: ignore[attr-defined]
        cur.execute("SET LOCAL TIME ZONE 'UTC'")
        cur.execute("SET LOCAL client_encoding = 'UTF8'")  # so Arrow need not re-validate the text
        with cur.copy(sql) as copy:
            for block in _read_ahead(_joined(copy)):
                # Each block on its own, in this thread: Arrow's streaming reader would read ahead up
                # to 32 blocks in a thread of its own (peak memory then grows with the month, not the block).
                table = pacsv.read_csv(pa.py_buffer(block), read_options=pacsv.ReadOptions(
                    column_names=schema.names, block_size=len(block) + 1, use_threads=False),
                    parse_options=_CSV_PARSE, convert_options=convert)
                for batch in table.to_batches():
                    yield pa.RecordBatch.from_arrays(batch.columns, schema=schema)
        export.rows_sent = cur.rowcount


def _sqlite_batches(s: Session, name: str, month: Month, schema: pa.Schema,
                    batch_rows: int) -> Iterator[pa.RecordBatch]:
    _, key = table_of(name)
    fmt = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores DATETIME on SQLite (naive UTC here)
    raw = s.connection().connection.dbapi_connection
    assert raw is not None
    cur = raw.cursor()
    try:
        cur.execute(f"SELECT {', '.join(schema.names)} FROM {name} WHERE {key.name} >= ? AND {key.name} < ? "
                    "ORDER BY id", (month.start.astimezone(UTC).strftime(fmt), month.end.astimezone(UTC).strftime(fmt)))
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
    content_sha256: str  # ContentDigest: SHA-256 over the per-column hashes
    schema: list[dict[str, Any]]
    files: list[ArchiveFile]
    created_at: str
    verified_at: str
    format: int = FORMAT
    start: str | None = None  # the month's bounds (JST), start inclusive, end exclusive
    end: str | None = None
    column_hash: str = "sha256"  # ContentDigest's per-column hash (absent from manifests before xxh3_128)

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


def utc_manifest_key(name: str, month: Month) -> str:
    """Where a format-1 manifest (a UTC month) is kept once the JST month is archived over it: its
    file also holds the first 9 h of the next JST month, which no other archive holds."""
    return f"{month_prefix(name, month)}/manifest-utc-month.json"


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
    """Closed months (before the current JST month) with rows and no verified archive."""
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
    export = MonthExport(s, name, month, batch_rows=batch_rows)
    with store.open(data_key, "wb") as sink:
        hw = HashingWriter(sink)
        writer = pq.ParquetWriter(hw, schema, **PARQUET, write_statistics=_statistics_columns(name))
        try:
            for batch in export:
                written.update(batch, key.name)
                writer.write_batch(batch)  # one row group per batch (a CSV block on PostgreSQL)
        finally:
            writer.close()
    file_sha, file_size = hw.hash.hexdigest(), hw.size
    if export.rows_sent != written.rows:
        raise ArchiveError(f"{name} {month}: the database sent {export.rows_sent} rows, {written.rows} archived")

    # Read-back: one read of the stored object, its bytes hashed as the Parquet reader decodes its rows.
    read = read_back(store, data_key, name, sha256=file_sha, size=file_size)
    if read.hexdigest() != written.hexdigest() or read.rows != written.rows:
        raise ArchiveError(f"{data_key}: content read back ({read.rows} rows) differs from the database "
                           f"({written.rows} rows)")

    manifest = Manifest(
        table=name, month=str(month), rows=written.rows, min_id=written.min_id, max_id=written.max_id,
        min_ts=_iso(written.min_ts), max_ts=_iso(written.max_ts), content_sha256=written.hexdigest(),
        schema=_schema_doc(schema), files=[ArchiveFile(key=data_key, rows=written.rows, bytes=file_size,
                                                       sha256=file_sha)],
        created_at=now.isoformat(), verified_at=now.isoformat(), start=month.start.isoformat(),
        end=month.end.isoformat(), column_hash=COLUMN_HASH)
    mkey = manifest_key(name, month)
    keep = {data_key} | _keep_utc_month(store, name, month)
    store.write_bytes(mkey, manifest.to_json())
    if Manifest.from_json(store.read_bytes(mkey)) != manifest:
        raise ArchiveError(f"{mkey}: manifest read back differs from what was written")
    for orphan in store.list(month_prefix(name, month)):
        if orphan.endswith(".parquet") and orphan not in keep:
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


def _keep_utc_month(store: ObjectStore, name: str, month: Month) -> set[str]:
    """Before a JST month's manifest replaces a format-1 one (a UTC month, e.g. restored and archived
    again), copy the old manifest to `utc_manifest_key`, byte for byte: its data file stays, since its
    last 9 h are rows of the next JST month. Returns the data files such a manifest lists."""
    ukey = utc_manifest_key(name, month)
    if not store.exists(ukey):
        mkey = manifest_key(name, month)
        if not store.exists(mkey):
            return set()
        raw = store.read_bytes(mkey)
        try:
            if Manifest.from_json(raw).format >= FORMAT:
                return set()
        except (ValueError, TypeError, KeyError):  # a manifest cut short by a crash: nothing to keep
            return set()
        store.write_bytes(ukey, raw)
        if store.read_bytes(ukey) != raw:
            raise ArchiveError(f"{ukey}: manifest read back differs from what was written")
    return {f.key for f in Manifest.from_json(store.read_bytes(ukey)).files}


def read_back(store: ObjectStore, data_key: str, name: str, *, sha256: str, size: int,
              column_hash: str = COLUMN_HASH) -> ContentDigest:
    """Read a stored Parquet file once: its bytes must have this SHA-256 and size, and its rows are
    checksummed row group by row group (memory stays flat). Raises ArchiveError when the bytes differ
    or do not decode; the store's own errors pass through."""
    with store.open(data_key, "rb") as f:
        hr = HashingReader(f)
        if hr.size != size:
            raise ArchiveError(f"{data_key}: stored object differs from what was written "
                               f"({hr.size} bytes; wrote {size})")
        try:
            digest = _read_digest(hr, data_key, name, column_hash)
        except (pa.ArrowException, OSError, ArchiveError) as exc:  # what a damaged file raises
            stored_sha, _ = hr.finish()
            if stored_sha != sha256:
                raise ArchiveError(f"{data_key}: stored object differs from what was written "
                                   f"(sha256 {stored_sha[:12]}; wrote {sha256[:12]})") from exc
            raise ArchiveError(f"{data_key}: Parquet read-back failed: {exc}") from exc
        stored_sha, stored_size = hr.finish()
    if (stored_sha, stored_size) != (sha256, size):
        raise ArchiveError(f"{data_key}: stored object differs from what was written "
                           f"({stored_size} bytes, sha256 {stored_sha[:12]}; wrote {size}, {sha256[:12]})")
    return digest


def read_digest(store: ObjectStore, data_key: str, name: str, column_hash: str = COLUMN_HASH) -> ContentDigest:
    """Stream a stored Parquet file row group by row group and checksum its content."""
    with store.open(data_key, "rb") as f:
        return _read_digest(f, data_key, name, column_hash)


def _read_digest(f: Any, data_key: str, name: str, column_hash: str) -> ContentDigest:
    _, key = table_of(name)
    digest = ContentDigest(arrow_schema(name), column_hash)
    # pre_buffer=False, use_threads=False: one row group's column chunks at a time, in file order (no
    # read-ahead, so memory stays flat; and the HashingReader sees the file front to back)
    pf = pq.ParquetFile(f, pre_buffer=False)
    if pf.schema_arrow != digest.schema:
        raise ArchiveError(f"{data_key}: schema {pf.schema_arrow} is not the archive schema")
    for i in range(pf.num_row_groups):
        for batch in pf.read_row_group(i, use_threads=False).to_batches():
            digest.update(batch, key.name)
    return digest


def load_manifest(store: ObjectStore, name: str, month: Month) -> Manifest:
    return Manifest.from_json(store.read_bytes(manifest_key(name, month)))


def verify_stored(store: ObjectStore, manifest: Manifest) -> Manifest:
    """The stored file still holds what the manifest says (bytes and content). Raises ArchiveError."""
    if len(manifest.files) != 1:
        raise ArchiveError(f"{manifest.table} {manifest.month}: expected one data file, manifest lists "
                           f"{len(manifest.files)}")
    (f,) = manifest.files
    read = read_back(store, f.key, manifest.table, sha256=f.sha256, size=f.bytes, column_hash=manifest.column_hash)
    if read.hexdigest() != manifest.content_sha256:
        raise ArchiveError(f"{manifest.table} {manifest.month}: stored rows do not match the manifest checksum")
    return manifest


def verify_archive(s: Session | None, store: ObjectStore, name: str, month: Month) -> Manifest:
    """The stored archive still holds what its manifest says (bytes and content); with a session,
    the database's month also still equals it. Raises ArchiveError otherwise."""
    manifest = verify_stored(store, load_manifest(store, name, month))
    if s is not None:
        _, key = table_of(name)
        db = ContentDigest(arrow_schema(name), manifest.column_hash)
        for batch in iter_month(s, name, month):
            db.update(batch, key.name)
        if db.hexdigest() != manifest.content_sha256:
            raise ArchiveError(f"{name} {month}: the database now holds {db.rows} rows that differ from the "
                               f"archive ({manifest.rows} rows); archive it again before dropping")
    return manifest
