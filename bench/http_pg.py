"""POST /logs and GET /logs through the real HTTP stack on PostgreSQL, every phase, against OFF.

Creates a temporary database on 127.0.0.1:5432 (dropped at the end) and starts, side by side:
`meallog serve` (uvicorn; its background process runs the worker, as by default); the references of
`bench/bare_app.py` (the bare endpoint: the same token lookup + one INSERT + JSON, the framework's
ceiling; and the peer: the same plus parse + legacy, with and without v2 run inline as a `laboratory`
Experiment); `meallog serve --workers 2` when serve has `--workers`; and `meallog serve` on SQLite
(the embedded default). wrk drives them (Lua: a distinct Idempotency-Key per request) in interleaved
rounds: OFF -> P3 in even rounds, P3 -> OFF in odd ones; OFF, P0 and P2 also paced at 30 req/s (Lua
`delay()`: 8 connections x one request every 267 ms). Ratios are medians of per-round ratios against
the same round's OFF of the same group. Then the shadow worker replays the run's jobs against the
batched-insert ceiling, and `backfill` runs over the run's legacy logs against the same v2 rows
inserted with executemany (`bench/worker_pg.py`). Traffic goes to loopback only; nothing here asserts
a time. `--quick` is a shorter profile for development. Results: bench/results/http_pg.json
(`--quick`: http_pg_quick.json).
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
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from meallog.store.db import make_engine, make_sessionmaker, session_scope
from meallog.store.migrate import upgrade
from meallog.users import add_user

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
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
local tokens = {TOKENS}
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", tostring(threads))
end
function request()
  n = n + 1
  local body = '{"text": "' .. meals[(n % #meals) + 1] .. '"}'
  local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. tokens[(n % #tokens) + 1],
                   ["Idempotency-Key"] = "RUN-" .. tid .. "-" .. n}
  return wrk.format("POST", "/logs", headers, body)
end
"""
GET_LUA = """
function request()
  return wrk.format("GET", "/logs?date=DAY", {["Authorization"] = "Bearer TOKEN"}, nil)
end
"""
WRITERS = 2_000  # users the POSTs rotate over (a run writes ~30k logs: ~15 per user-day)
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


PACED_MS = 267  # per connection: 8 connections x one request every 267 ms = 30 req/s
PACED_PHASES = ("OFF", "P0", "P2")
TWO_PROC_PHASES = ("OFF", "P0", "P2")
PEER = {"peer OFF": "/peer/off/logs", "peer P0": "/peer/p0/logs"}


@dataclass(frozen=True)
class Profile:
    rounds: int
    seconds: float
    paced_seconds: float
    out: str
    replay_rounds: int  # rounds of the worker replay and of the backfill


PROFILES = {"full": Profile(rounds=3, seconds=4, paced_seconds=6, out="http_pg.json", replay_rounds=3),
            "quick": Profile(rounds=2, seconds=2, paced_seconds=3, out="http_pg_quick.json", replay_rounds=2)}


def lua(template: str, *, token: str | list[str], path: str = "/logs", day: str = "", paced: bool = False) -> str:
    """The wrk script: `token` is the reader's (GET), or the writers' tokens (POST), one per request in turn."""
    tokens = [token] if isinstance(token, str) else token
    script = (template.replace("TOKENS", ", ".join(f'"{t}"' for t in tokens)).replace("TOKEN", tokens[0])
              .replace('"/logs', f'"{path}').replace("DAY", day))
    if paced:
        script += f"\nfunction delay()\n  return {PACED_MS}\nend\n"
    return script


def serve_has_workers() -> bool:
    """`--workers N` on `meallog serve` (several uvicorn processes) exists only once that work is merged."""
    out = subprocess.run([str(BIN / "meallog"), "serve", "--help"], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "COLUMNS": "200"}).stdout
    return "--workers" in out


def make_user(url: str, name: str) -> str:
    return make_users(url, name, 1)[0]


def make_users(url: str, name: str, n: int) -> list[str]:
    """`n` users (`name`, or `name-0` ... when n > 1) in one transaction; their tokens."""
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(make_sessionmaker(engine)) as s:
        tokens = [add_user(s, name=name if n == 1 else f"{name}-{i}", now=datetime.now(UTC))[1] for i in range(n)]
    engine.dispose()
    return tokens


def main() -> int:
    from bench.worker_pg import measure_backfill, measure_worker

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--admin-url", default=os.environ.get("MEALLOG_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres"))
    ap.add_argument("--quick", action="store_true", help="a shorter run for development (< 3 min)")
    ap.add_argument("--rounds", type=int)
    ap.add_argument("--seconds", type=float)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--out")
    args = ap.parse_args()
    prof = PROFILES["quick" if args.quick else "full"]
    rounds, seconds = args.rounds or prof.rounds, args.seconds or prof.seconds
    out_path = Path(args.out or ROOT / "bench" / "results" / prof.out)
    two_proc = serve_has_workers()
    load_before = os.getloadavg()
    results: dict[str, list[dict[str, float]]] = {}
    lags: dict[str, list[dict[str, float]]] = {}
    with temp_database(args.admin_url) as url, tempfile.TemporaryDirectory() as tmp:
        # The writers: WRITERS users in turn, a few logs each per day as at a lunch peak (one user
        # writing every log would make the worker's day diff re-read one ever-growing user-day).
        token, reader = make_users(url, "bench", WRITERS), make_user(url, "reader")
        sqlite_url = f"sqlite:///{tmp}/bench.sqlite3"
        sqlite_token = make_users(sqlite_url, "bench", WRITERS)
        scripts: dict[str, Path] = {}

        def script(name: str, body: str) -> Path:
            scripts[name] = Path(tmp, f"{name.replace(' ', '_')}.lua")
            scripts[name].write_text(body)
            return scripts[name]

        script("post", lua(POST_LUA, token=token))
        script("post paced", lua(POST_LUA, token=token, paced=True))
        script("post sqlite", lua(POST_LUA, token=sqlite_token))
        for arm, path in PEER.items():
            script(f"post {arm}", lua(POST_LUA, token=token, path=path))
        env = {**os.environ, "DATABASE_URL": url, "MEALLOG_ADMIN_TOKEN": ADMIN, "AI_PROVIDER": "offline",
               "PYTHONPATH": str(ROOT)}
        ports = {name: free_port() for name in ("app", "bare", "two", "sqlite")}

        def serve_cmd(port: int, *extra: str) -> list[str]:
            return [str(BIN / "meallog"), "serve", "--host", "127.0.0.1", "--port", str(port), "--no-scheduler",
                    "--log-level", "warning", *extra]

        bare = [str(BIN / "python"), "-m", "uvicorn", "--factory", "bench.bare_app:create", "--host", "127.0.0.1",
                "--port", str(ports["bare"]), "--log-level", "warning", "--no-access-log"]
        with ExitStack() as stack:
            app = stack.enter_context(server(serve_cmd(ports["app"]), env, ports["app"], Path(tmp, "serve.log")))
            bare_base = stack.enter_context(server(bare, env, ports["bare"], Path(tmp, "bare.log")))
            sqlite_base = stack.enter_context(server(serve_cmd(ports["sqlite"]), {**env, "DATABASE_URL": sqlite_url},
                                                     ports["sqlite"], Path(tmp, "sqlite.log")))
            two = (stack.enter_context(server(serve_cmd(ports["two"], "--workers", "2"), env, ports["two"],
                                              Path(tmp, "two.log"))) if two_proc else None)
            phase, sqlite_phase = "OFF", "OFF"
            day = write_reader_day(app, reader)
            script("get", lua(GET_LUA, token=reader, day=day))
            script("get paced", lua(GET_LUA, token=reader, day=day, paced=True))

            def run(key: str, base: str, name: str, secs: float) -> None:
                sampled = key in LAG_ARMS  # the outbox's lag while the load runs, and once it stops
                with lag_sampler(base) if sampled else nullcontext([]) as samples:
                    res = wrk(base, scripts[name], seconds=secs, connections=args.connections)
                    loaded = len(samples)
                    if sampled:
                        time.sleep(LAG_AFTER_S)
                if sampled:
                    lags.setdefault(key, []).append(lag_summary(samples, loaded))
                results.setdefault(key, []).append(res)
                print(f"round {r + 1} {key}: {res}", file=sys.stderr)

            r = -1
            for base, name in ((app, "post"), (bare_base, "post"), (sqlite_base, "post sqlite")):
                wrk(base, scripts[name], seconds=2, connections=args.connections)  # warm-up, not counted
            for r in range(rounds):
                order = PHASES if r % 2 == 0 else PHASES[::-1]
                run("POST bare", bare_base, "post", seconds)
                for arm in (PEER if r % 2 == 0 else list(PEER)[::-1]):
                    run(f"POST {arm}", bare_base, f"post {arm}", seconds)
                for p in order:
                    phase = move(app, phase, p)
                    time.sleep(1.5)  # the flag cache of every API process (1 s) has seen the move
                    run(f"POST {p}", app, "post", seconds)
                    run(f"GET {p}", app, "get", max(seconds / 2, 2))
                    if p in PACED_PHASES:
                        run(f"POST paced {p}", app, "post paced", prof.paced_seconds)
                        run(f"GET paced {p}", app, "get paced", prof.paced_seconds)
                    if two is not None and p in TWO_PROC_PHASES:
                        run(f"POST 2proc {p}", two, "post", seconds)
                        run(f"GET 2proc {p}", two, "get", max(seconds / 2, 2))
                for p in (("OFF", "P0") if r % 2 == 0 else ("P0", "OFF")):
                    sqlite_phase = move(sqlite_base, sqlite_phase, p)
                    time.sleep(1.5)
                    run(f"POST sqlite {p}", sqlite_base, "post sqlite", seconds)
            move(app, phase, "P0")
        worker = measure_worker(url, logs=0, rounds=prof.replay_rounds, seeded=True)
        backfill = measure_backfill(url, rounds=prof.replay_rounds)
    load_after = os.getloadavg()
    report = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "profile": "quick" if args.quick else "full",
              "rounds": rounds, "seconds": seconds, "paced_seconds": prof.paced_seconds,
              "paced_rps": 1000 / PACED_MS * args.connections, "connections": args.connections,
              "two_proc": two_proc, "load_before": load_before, "load_after": load_after, "cpus": os.cpu_count(),
              "table": summarise(results), "outbox_lag": {k: _median_lag(v) for k, v in lags.items()},
              "worker": worker, "backfill": backfill, "raw": results}
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(report, indent=2) + "\n")
    print(render(report))
    return 0


# The shadow's queue under the load OFF sustains, flat out and paced; OFF is sampled alike, so the
# poll (4 a second) costs both arms the same.
LAG_ARMS = ("POST OFF", "POST P0", "POST paced OFF", "POST paced P0")
LAG_AFTER_S = 3.0  # sampled on after the load, to see the queue drain


@contextmanager
def lag_sampler(base: str, every_s: float = 0.25) -> Iterator[list[tuple[float, int]]]:
    """(shadow lag seconds, jobs waiting) from `GET /admin/phase`, every `every_s`, in a thread."""
    samples: list[tuple[float, int]] = []
    stop = threading.Event()

    def poll() -> None:
        while not stop.wait(every_s):
            req = urllib.request.Request(f"{base}/admin/phase", headers={"Authorization": f"Bearer {ADMIN}"})
            try:
                with urllib.request.urlopen(req, timeout=5) as resp:
                    got = json.loads(resp.read())
                samples.append((float(got["shadow_lag_seconds"]), int(got["queue"]["pending"])
                                + int(got["queue"]["running"])))
            except OSError:
                continue

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    try:
        yield samples
    finally:
        stop.set()
        thread.join()


def lag_summary(samples: list[tuple[float, int]], loaded: int) -> dict[str, float]:
    """Max lag and queue while loaded; the lag when the load stopped and after LAG_AFTER_S."""
    under, after = samples[:loaded] or [(0.0, 0)], samples[loaded:] or samples[-1:] or [(0.0, 0)]
    return {"max_lag_s": max(x[0] for x in under), "max_waiting": max(x[1] for x in under),
            "lag_at_stop_s": under[-1][0], "lag_after_s": after[-1][0], "waiting_after": after[-1][1]}


def _median_lag(runs: list[dict[str, float]]) -> dict[str, float]:
    return {k: statistics.median(run[k] for run in runs) for k in runs[0]}


def base_of(key: str) -> str:
    """The OFF a run is compared with: its own group's (peer, paced, 2-process, SQLite), else OFF."""
    method, arm = key.split(" ", 1)
    group = arm.rsplit(" ", 1)[0] if " " in arm else ""
    return f"{method} {group} OFF" if group else f"{method} OFF"


GROUPS = ["", "peer", "paced", "2proc", "sqlite"]
ARM_ORDER = ["bare", *PHASES]


def _order(key: str) -> tuple[int, int, int]:
    method, arm = key.split(" ", 1)
    group, _, name = arm.rpartition(" ")
    return (GROUPS.index(group), method == "GET", ARM_ORDER.index(name) if name in ARM_ORDER else 0)


def summarise(results: dict[str, list[dict[str, float]]]) -> list[dict[str, Any]]:
    rows = []
    for key in sorted(results, key=_order):
        runs, base = results[key], results[base_of(key)]
        ratio = {m: statistics.median(run[m] / off[m] for run, off in zip(runs, base, strict=True))
                 for m in ("rps", "p50_ms", "p99_ms")}
        rows.append({"what": key, **{m: statistics.median(run[m] for run in runs) for m in ("rps", "p50_ms", "p99_ms")},
                     "non_2xx": sum(run["non_2xx"] for run in runs),
                     **{f"{m}_vs_off": v for m, v in ratio.items()}})
    return rows


LABELS = {"bare": "bare FastAPI (ceiling)", "peer OFF": "peer: bare + parse + legacy",
          "peer P0": "peer: + v2 inline (laboratory)"}


def render(report: dict[str, Any]) -> str:
    lines = [f"POST/GET /logs on PostgreSQL through uvicorn, wrk -c{report['connections']}, {report['rounds']} "
             f"interleaved rounds of {report['seconds']:.0f} s (paced: {report['paced_rps']:.0f} req/s for "
             f"{report['paced_seconds']:.0f} s); load average before {report['load_before'][0]:.2f}, after "
             f"{report['load_after'][0]:.2f} ({report['cpus']} CPUs)", "",
             "| request | arm | req/s | p50 | p99 | req/s vs OFF | p50 vs OFF | p99 vs OFF | non-2xx |",
             "|---|---|---|---|---|---|---|---|---|"]
    for row in report["table"]:
        method, arm = row["what"].split(" ", 1)
        group, _, name = arm.rpartition(" ")
        label = LABELS.get(arm) or {"": name, "paced": f"{name}, paced", "2proc": f"{name}, 2 processes",
                                    "sqlite": f"{name}, SQLite"}[group]
        path = "/logs?date" if method == "GET" else "/logs"
        lines.append(f"| {method} {path} | {label} | {row['rps']:.0f} | {row['p50_ms']:.1f} ms | "
                     f"{row['p99_ms']:.1f} ms | {row['rps_vs_off']:.2f}× | {row['p50_ms_vs_off']:.2f}× | "
                     f"{row['p99_ms_vs_off']:.2f}× | {row['non_2xx']:.0f} |")
    if not report["two_proc"]:
        lines.append("| POST/GET | 2 processes | n/a (serve has no --workers) | | | | | | |")
    w, b = report["worker"], report["backfill"]
    lines += ["", "Ratios: each arm against the OFF of its own group in the same round (bare: against OFF; the "
              "peer's P0 against the peer's OFF), median of the per-round ratios.", ""]
    for key, lag in report.get("outbox_lag", {}).items():
        lines.append(f"outbox lag, {key} (median of rounds): at most {lag['max_lag_s']:.2f} s and "
                     f"{lag['max_waiting']:.0f} jobs waiting under load; {lag['lag_at_stop_s']:.2f} s when it "
                     f"stopped, {lag['lag_after_s']:.2f} s ({lag['waiting_after']:.0f} waiting) "
                     f"{LAG_AFTER_S:.0f} s later")
    lines += ["",
              f"shadow worker: {w['worker_logs_per_s']:.0f} logs/s over {w['jobs']} jobs; batched-insert ceiling "
              f"(executemany, no computation) {w['ceiling_logs_per_s']:.0f} logs/s; ratio {w['ratio'] * 100:.1f} %",
              f"backfill: {b['backfill_logs_per_s']:.0f} logs/s over {b['logs']} legacy logs; the same v2 rows with "
              f"executemany {b['ceiling_logs_per_s']:.0f} logs/s; ratio {b['ratio'] * 100:.1f} %"]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
