"""Archive throughput and memory on PostgreSQL, beside the database's own export ceiling.

    python bench/ops_archive.py [--rows N] [--url postgresql://...]

Seeds one JST month of `diffs` and `meal_logs_v2_shadow` (N rows each) in a throwaway database
(generate_series), then, for each table in turn, on the same partition in the same run:

(a) COPY, in this process: `COPY (SELECT * FROM <table> WHERE <key> in the month ORDER BY id) TO
    STDOUT` (text format), read to the end by psycopg one row per call (`for row in copy`, one
    CopyData message each), counting the newlines of each row; nothing is kept or written.
(b) the archive, in a fresh Python process (imports and connecting not timed): `write_month`, the
    job's own code for one month: `COPY (SELECT <columns> ... ORDER BY id) TO STDOUT (FORMAT csv)`
    read by psycopg the same way, rows appended into ~4 MiB blocks (in a thread of their own, at
    most two blocks ahead), each block parsed by Arrow's CSV reader, a content checksum (xxh3-128
    per column) of the batches, Parquet (zstd) written through a SHA-256 hashing writer to a local
    folder (`file://`); the COPY's row count compared with the rows written; the stored file read
    back once (its bytes hashed while the Parquet reader decodes every row group, whose rows are
    checksummed again) and compared; the manifest written and read back; the `archive_manifests` row
    flushed (not committed). Its peak RSS is the process's own (`VmHWM`, not `ru_maxrss`: Linux
    carries the forking parent's peak into a child's `ru_maxrss`).

It prints rows/s (wall clock) of both and their ratio, and beside it the CPU seconds each spent,
client (the process, all threads) and database backend (read from /proc when PostgreSQL runs on
this host), with their ratio: on a shared machine the CPU ratio moves less than the wall-clock one.
Nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

REPO = Path(__file__).resolve().parents[1]
MONTH = "2026-10"
_PAD = "x" * 400  # a v2 record is a few hundred bytes of JSON


def seed_pg(url: str, n: int, *, month: str = MONTH) -> None:
    """n rows in each shadow table, spread over the first 28 days of `month` (a JST month)."""
    start = f"{month}-01 00:00:00+09"
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f"""
            INSERT INTO meal_logs_v2_shadow (log_id, log_version, pipeline_version, user_id, record, totals, created_at)
            SELECT g, 1, 'v2.0.0', g % 97,
                   json_build_object('items', json_build_array(json_build_object('name', 'ご飯', 'grams', 150 + g % 50,
                                     'pad', '{_PAD}')), 'i', g),
                   json_build_object('kcal', 252.0 + g % 13, 'protein_g', 3.75),
                   timestamptz '{start}' + ((g::bigint * 7919) % 2419200) * interval '1 second'
            FROM generate_series(1, {n}) g""")
        conn.execute(f"""
            INSERT INTO diffs (ts, log_id, log_version, user_id, pipeline_version, local_date, kcal_abs, kcal_rel,
                               protein_g_abs, protein_g_rel, fat_g_abs, fat_g_rel, carbs_g_abs, carbs_g_rel,
                               legacy_totals, v2_totals, breach, breach_fields, unknown_kinds, item_count,
                               unknown_count, ignore_rule_id, triage, triage_note)
            SELECT timestamptz '{start}' + ((g::bigint * 7919) % 2419200) * interval '1 second', g, 1, g % 97, 'v2.0.0',
                   date '{month}-01' + (g % 28), (g % 13) * 1.1, (g % 13) / 250.0, 0.5, 0.01, 0.25, 0.02, 1.5, 0.03,
                   json_build_object('kcal', 250.0), json_build_object('kcal', 252.0 + g % 13), g % 11 = 0,
                   CASE WHEN g % 11 = 0 THEN 'kcal' ELSE '' END, '', 1 + g % 3, 0, NULL, NULL, NULL
            FROM generate_series(1, {n}) g""")
        conn.execute("ANALYZE diffs")
        conn.execute("ANALYZE meal_logs_v2_shadow")


def backend_cpu_s(pid: int) -> float | None:
    """CPU seconds (user + system) of a PostgreSQL backend on this host; None when it is not readable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def copy_run(url: str, table: str = "diffs", key: str = "ts", month: str = MONTH) -> dict[str, float | None]:
    """`COPY (SELECT * ...) TO STDOUT` of the month read to the end: rows, seconds, client and server CPU."""
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    lo, hi = f"{month}-01 00:00:00+09", _next_month(month)
    rows = 0
    sql = f"COPY (SELECT * FROM {table} WHERE {key} >= '{lo}' AND {key} < '{hi}' ORDER BY id) TO STDOUT"
    with psycopg.connect(conninfo) as conn, conn.cursor() as cur:
        server0, cpu0, started = backend_cpu_s(conn.info.backend_pid), time.process_time(), time.perf_counter()
        with cur.copy(sql) as copy:
            for block in copy:
                rows += bytes(block).count(b"\n")
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu0
        server1 = backend_cpu_s(conn.info.backend_pid)
    server = server1 - server0 if server0 is not None and server1 is not None else None
    return {"rows": rows, "seconds": seconds, "client_cpu_s": cpu, "server_cpu_s": server}


def _next_month(month: str) -> str:
    y, m = map(int, month.split("-"))
    y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return f"{y:04d}-{m:02d}-01 00:00:00+09"


def peak_rss_kib() -> int:
    """This process's own peak RSS in KiB: `VmHWM` of its address space. `ru_maxrss` is not that on
    Linux: a child forked from a 800 MiB parent reports at least 800 MiB after exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


RSS_SCRIPT = """
import json, sys, time
from datetime import UTC, datetime
from sqlalchemy import text
from bench.ops_archive import backend_cpu_s, peak_rss_kib
from meallog.ops.archive import write_month
from meallog.ops.partitions import Month
from meallog.ops.store import ObjectStore
from meallog.store.db import make_engine, session_scope
url, root, table, month = sys.argv[1:5]
store = ObjectStore.from_url("file://" + root)
engine = make_engine(url)
with session_scope(engine) as s:
    pid = s.execute(text("SELECT pg_backend_pid()")).scalar_one()
    server0, cpu0, started = backend_cpu_s(pid), time.process_time(), time.perf_counter()
    m = write_month(s, store, table, Month.parse(month), now=datetime.now(UTC))
    seconds, cpu, server1 = time.perf_counter() - started, time.process_time() - cpu0, backend_cpu_s(pid)
print(json.dumps({"rows": m.rows, "bytes": m.files[0].bytes, "seconds": seconds, "client_cpu_s": cpu,
                  "server_cpu_s": server1 - server0 if server0 is not None and server1 is not None else None,
                  "peak_rss_kib": peak_rss_kib()}))
"""


def archive_run(url: str, root: str, table: str = "diffs", month: str = MONTH) -> dict[str, Any]:
    """One archive of one month in a fresh Python process: rows, bytes, seconds, peak RSS (KiB)."""
    env = {**os.environ, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}"}
    out = subprocess.run([sys.executable, "-c", RSS_SCRIPT, url, root, table, month], env=env, check=True,
                         capture_output=True, text=True, timeout=3600)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--url", default=os.environ.get("MEALLOG_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()
    sys.path.insert(0, str(REPO / "src"))
    sys.path.insert(0, str(REPO))
    from tests import pg

    from meallog.store.db import make_engine
    from meallog.store.migrate import upgrade

    with pg.fresh_database(args.url) as url, tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        t0 = time.perf_counter()
        seed_pg(url, args.rows)
        print(f"seeded {args.rows} rows per table in {time.perf_counter() - t0:.1f} s ({datetime.now(UTC):%F %T} UTC)")
        print(f"{'what':<60} {'rows':>9} {'rows/s':>9} {'ratio':>6} {'CPU s (client+db)':>18} {'CPU ratio':>9}")
        for table, key in (("diffs", "ts"), ("meal_logs_v2_shadow", "created_at")):
            copy = copy_run(url, table, key)
            run = archive_run(url, f"{tmp}/{table}", table)
            copy_rate, rate = float(copy["rows"] or 0) / float(copy["seconds"] or 1), run["rows"] / run["seconds"]
            copy_cpu, run_cpu = _cpu(copy), _cpu(run)
            cpu_ratio = f"{copy_cpu / run_cpu:>8.0%}" if copy_cpu and run_cpu else f"{'-':>9}"
            print(f"{'COPY (SELECT * FROM ' + table + ' month) TO STDOUT':<60} {int(copy['rows'] or 0):>9} "
                  f"{copy_rate:>9.0f} {'':>6} {_cpu_text(copy):>18}")
            print(f"{'archive ' + table + ' month (Parquet + read-back verify)':<60} {int(run['rows']):>9} "
                  f"{rate:>9.0f} {rate / copy_rate:>5.0%} {_cpu_text(run):>18} {cpu_ratio}")
            print(f"    {int(run['bytes']):,} bytes of Parquet, peak RSS {run['peak_rss_kib'] / 1024:.0f} MiB")


def _cpu(run: dict[str, Any]) -> float | None:
    if run.get("server_cpu_s") is None:
        return None
    return float(run["client_cpu_s"]) + float(run["server_cpu_s"])


def _cpu_text(run: dict[str, Any]) -> str:
    if run.get("server_cpu_s") is None:
        return f"{run['client_cpu_s']:.2f}+?"
    return f"{run['client_cpu_s']:.2f}+{run['server_cpu_s']:.2f}"

if __name__ == "__main__":
    main()
