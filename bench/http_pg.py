"""POST /logs and GET /logs through the real HTTP stack on PostgreSQL, every phase, against OFF.

Creates a temporary database on 127.0.0.1:5432 (dropped at the end), starts `meallog serve` (uvicorn,
the in-process worker on, as by default) and the bare FastAPI endpoint (`bench/bare_app.py`: the same
token lookup + one INSERT + JSON, the framework's ceiling), and drives both with wrk (Lua: distinct
Idempotency-Key per request) in interleaved rounds: OFF -> P3 in even rounds, P3 -> OFF in odd ones.
Ratios are medians of per-round ratios against the same round's OFF. Then the shadow worker replays
the jobs of the run (fresh pipeline version) against the batched-insert ceiling: the same rows
inserted with executemany and no computation. Traffic goes to loopback only; nothing here asserts a
time. Results: bench/results/http_pg.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import insert, select, update

from meallog.app import build_services
from meallog.settings import Settings
from meallog.store.db import make_engine, make_sessionmaker, session_scope
from meallog.store.migrate import upgrade
from meallog.store.models import Diff, OutboxJob, ShadowRecord
from meallog.users import add_user

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ADMIN = "bench-admin"
PHASES = ["OFF", "P0", "P1", "P2", "P3"]
# (flag, value) steps that move one phase up; stepping down undoes the last step of the phase above.
UP: dict[str, list[tuple[str, str]]] = {"P0": [("NORMALIZE_V2_SHADOW", "on")], "P1": [("DUAL_WRITE_V2", "on")],
                                        "P2": [("DUAL_READ_V2", "10"), ("DUAL_READ_V2", "50"), ("DUAL_READ_V2", "100")],
                                        "P3": [("SWITCH_V2", "on")]}
DOWN: dict[str, tuple[str, str]] = {"P3": ("SWITCH_V2", "off"), "P2": ("DUAL_READ_V2", "0"),
                                    "P1": ("DUAL_WRITE_V2", "off"), "P0": ("NORMALIZE_V2_SHADOW", "off")}
POST_LUA = """
local n = 0
local meals = {"ご飯 1杯と味噌汁、焼き鮭 1切れ", "2 eggs, toast with butter, black coffee", "カレーライス 1皿",
               "納豆 1パック", "ビール 1缶", "唐揚げ定食", "banana", "ラーメン 大盛り", "caesar salad", "牛丼 1杯"}
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", tostring(threads))
end
function request()
  n = n + 1
  local body = '{"text": "' .. meals[(n % #meals) + 1] .. '"}'
  local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer TOKEN",
                   ["Idempotency-Key"] = "RUN-" .. tid .. "-" .. n}
  return wrk.format("POST", "/logs", headers, body)
end
"""
GET_LUA = """
function request()
  return wrk.format("GET", "/logs?date=DAY", {["Authorization"] = "Bearer TOKEN"}, nil)
end
"""
READER_LOGS = 5  # the GET reads one user-day of this many logs (written before the rounds, in OFF)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def temp_database(admin_url: str) -> Iterator[str]:
    name = f"meallog_bench_{os.getpid()}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def server(cmd: list[str], env: dict[str, str], port: int, log: Path) -> Iterator[str]:
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/docs", timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start: {log.read_text()[-2000:]}") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def put_flag(base: str, name: str, value: str) -> None:
    req = urllib.request.Request(f"{base}/admin/flags/{name}", method="PUT",
                                 data=json.dumps({"value": value, "why": "bench"}).encode(),
                                 headers={"Authorization": f"Bearer {ADMIN}", "Content-Type": "application/json"})
    urllib.request.urlopen(req, timeout=30).close()


def move(base: str, current: str, target: str) -> str:
    while current != target:
        i, j = PHASES.index(current), PHASES.index(target)
        if j > i:
            current = PHASES[i + 1]
            for name, value in UP[current]:
                put_flag(base, name, value)
        else:
            put_flag(base, *DOWN[current])
            current = PHASES[i - 1]
    return current


def write_reader_day(base: str, token: str) -> str:
    """The GET's user-day: a fixed set of logs, so every round reads the same amount."""
    day = ""
    for i in range(READER_LOGS):
        body = json.dumps({"text": f"納豆 {i + 1}パック"}).encode()
        req = urllib.request.Request(f"{base}/logs", method="POST", data=body,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            day = json.loads(resp.read())["local_date"]
    return day


RUNS = iter(range(1, 1_000_000))


def wrk(base: str, script: Path, *, seconds: float, connections: int) -> dict[str, float]:
    """One wrk run. A POST script gets a fresh RUN prefix: every Idempotency-Key of the bench is new
    (a repeated key would be answered from the stored response, without a write)."""
    if "RUN-" in script.read_text() or script.with_suffix(".tmpl").exists():
        template = script.with_suffix(".tmpl")
        if not template.exists():
            template.write_text(script.read_text())
        script.write_text(template.read_text().replace("RUN-", f"{os.getpid()}.{next(RUNS)}-"))
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds:.0f}s", "--latency", "-s", str(script), base],
                         capture_output=True, text=True, check=True, timeout=seconds + 60).stdout

    def ms(label: str) -> float:
        m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            raise RuntimeError(f"no {label}% in wrk output:\n{out}")
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"rps": rps, "p50_ms": ms("50"), "p99_ms": ms("99"), "non_2xx": float(bad.group(1)) if bad else 0.0}


def replay_worker(url: str, limit: int) -> dict[str, float]:
    """The run's shadow jobs again, under a fresh pipeline version, against the executemany ceiling."""
    settings = Settings.model_validate({"database_url": url, "run_worker": False, "run_scheduler": False})
    services = build_services(settings)
    engine, sessions = services.engine, services.sessions
    with session_scope(sessions) as s:
        ids = list(s.scalars(select(OutboxJob.id).where(OutboxJob.kind == "shadow").order_by(OutboxJob.id)
                             .limit(limit)))
        s.execute(update(OutboxJob).where(OutboxJob.id.in_(ids)).values(
            state="pending", attempts=0, locked_by=None, locked_until=None, next_attempt_at=datetime.now(UTC)))
    worker = services.worker
    worker.pipeline_version = "bench-replay"
    started = time.perf_counter()
    done = worker.drain(max_batches=100_000)
    worker_s = time.perf_counter() - started
    with session_scope(sessions) as s:
        shadow = [dict(r._mapping) for r in s.execute(select(*[c for c in ShadowRecord.__table__.c if c.name != "id"])
                                                       .where(ShadowRecord.pipeline_version == "bench-replay"))]
        diffs = [dict(r._mapping) for r in s.execute(select(*[c for c in Diff.__table__.c if c.name != "id"])
                                                     .where(Diff.pipeline_version == "bench-replay"))]
    for row in shadow + diffs:
        row["pipeline_version"] = "bench-ceiling"
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(insert(ShadowRecord.__table__), shadow)
        conn.execute(insert(Diff.__table__), diffs)
    ceiling_s = time.perf_counter() - started
    engine.dispose()
    return {"jobs": done, "worker_logs_per_s": done / worker_s, "ceiling_logs_per_s": len(diffs) / ceiling_s,
            "ratio": (done / worker_s) / (len(diffs) / ceiling_s)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--admin-url", default=os.environ.get("MEALLOG_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=4)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "http_pg.json"))
    args = ap.parse_args()
    load_before = os.getloadavg()
    results: dict[str, list[dict[str, float]]] = {}
    with temp_database(args.admin_url) as url, tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(url)
        upgrade(engine)
        with session_scope(make_sessionmaker(engine)) as s:
            _, token = add_user(s, name="bench", now=datetime.now(UTC))
            _, reader = add_user(s, name="reader", now=datetime.now(UTC))
        engine.dispose()
        post_lua, get_lua = Path(tmp, "post.lua"), Path(tmp, "get.lua")
        post_lua.write_text(POST_LUA.replace("TOKEN", token))
        env = {**os.environ, "DATABASE_URL": url, "MEALLOG_ADMIN_TOKEN": ADMIN, "AI_PROVIDER": "offline",
               "PYTHONPATH": str(ROOT)}
        app_port, bare_port = free_port(), free_port()
        serve = [str(BIN / "meallog"), "serve", "--host", "127.0.0.1", "--port", str(app_port), "--no-scheduler",
                 "--log-level", "warning"]
        bare = [str(BIN / "python"), "-m", "uvicorn", "--factory", "bench.bare_app:create", "--host", "127.0.0.1",
                "--port", str(bare_port), "--log-level", "warning", "--no-access-log"]
        with server(serve, env, app_port, Path(tmp, "serve.log")) as app, \
                server(bare, env, bare_port, Path(tmp, "bare.log")) as bare_base:
            phase = "OFF"
            day = write_reader_day(app, reader)
            get_lua.write_text(GET_LUA.replace("TOKEN", reader).replace("DAY", day))
            wrk(app, post_lua, seconds=2, connections=args.connections)  # warm-up, not counted
            wrk(bare_base, post_lua, seconds=2, connections=args.connections)
            for r in range(args.rounds):
                order = PHASES if r % 2 == 0 else PHASES[::-1]
                runs = [("bare", bare_base)] + [(p, app) for p in order]
                for name, base in runs:
                    if name != "bare":
                        phase = move(base, phase, name)
                        time.sleep(0.5)
                    res = wrk(base, post_lua, seconds=args.seconds, connections=args.connections)
                    results.setdefault(f"POST {name}", []).append(res)
                    if name != "bare":
                        res = wrk(base, get_lua, seconds=max(args.seconds / 2, 2), connections=args.connections)
                        results.setdefault(f"GET {name}", []).append(res)
                    print(f"round {r + 1} {name}: {res}", file=sys.stderr)
            move(app, phase, "P0")  # the worker replay below measures P0's shadow jobs
        worker = replay_worker(url, limit=5000)
    load_after = os.getloadavg()
    table = summarise(results)
    report = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "rounds": args.rounds,
              "seconds": args.seconds, "connections": args.connections, "load_before": load_before,
              "load_after": load_after, "cpus": os.cpu_count(), "table": table, "worker": worker, "raw": results}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    print(render(report))
    return 0


def summarise(results: dict[str, list[dict[str, float]]]) -> list[dict[str, Any]]:
    rows = []
    order = ["bare", *PHASES]
    for key in sorted(results, key=lambda k: (k.startswith("GET"), order.index(k.split(" ")[1]))):
        runs = results[key]
        method, name = key.split(" ")
        base = results[f"{method} OFF"]
        ratio = {m: statistics.median(run[m] / off[m] for run, off in zip(runs, base, strict=True))
                 for m in ("rps", "p50_ms", "p99_ms")}
        rows.append({"what": key, **{m: statistics.median(run[m] for run in runs) for m in ("rps", "p50_ms", "p99_ms")},
                     "non_2xx": sum(run["non_2xx"] for run in runs),
                     **{f"{m}_vs_off": v for m, v in ratio.items()}})
    return rows


def render(report: dict[str, Any]) -> str:
    lines = [f"POST/GET /logs on PostgreSQL through uvicorn, wrk -c{report['connections']}, {report['rounds']} "
             f"interleaved rounds of {report['seconds']:.0f} s; load average before "
             f"{report['load_before'][0]:.2f}, after {report['load_after'][0]:.2f} ({report['cpus']} CPUs)", "",
             "| request | phase | req/s | p50 | p99 | req/s vs OFF | p50 vs OFF | p99 vs OFF | non-2xx |",
             "|---|---|---|---|---|---|---|---|---|"]
    for row in report["table"]:
        method, name = row["what"].split(" ")
        label = "bare FastAPI (ceiling)" if name == "bare" else name
        path = "/logs?date" if method == "GET" else "/logs"
        lines.append(f"| {method} {path} | {label} | {row['rps']:.0f} | {row['p50_ms']:.1f} ms | "
                     f"{row['p99_ms']:.1f} ms | {row['rps_vs_off']:.2f}× | {row['p50_ms_vs_off']:.2f}× | "
                     f"{row['p99_ms_vs_off']:.2f}× | "
                     f"{row['non_2xx']:.0f} |")
    w = report["worker"]
    lines += ["", f"shadow worker: {w['worker_logs_per_s']:.0f} logs/s over {w['jobs']} jobs; batched-insert ceiling "
              f"(executemany, no computation) {w['ceiling_logs_per_s']:.0f} logs/s; ratio {w['ratio'] * 100:.1f} %"]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
