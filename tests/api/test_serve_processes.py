"""`meallog serve` as processes: N API processes on one port whose `/metrics` sums them all, and the
background process (outbox worker, scheduler) that works on SQLite too and never outlives serve."""

from __future__ import annotations

import os
import signal
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from prometheus_client import multiprocess
from sqlalchemy import func, select

from meallog.store.db import session_scope
from meallog.store.models import ShadowRecord
from tests.serving import add_user_token, alive, children, serve_command, wait_until


def threads(pid: int) -> list[int]:
    return [int(tid) for tid in os.listdir(f"/proc/{pid}/task")]


def lowest_priority(tid: int) -> bool:
    """What serve's background process runs at: nice 10 under the normal scheduler. Not SCHED_IDLE
    (nor nice 19): starved of CPU while it held SQLite's write lock or the fence's shared lock, it
    stalled every writer (seen: 0 requests answered in 4 s windows with the cores busy)."""
    if hasattr(os, "sched_getscheduler") and os.sched_getscheduler(tid) != os.SCHED_OTHER:
        return False
    return os.getpriority(os.PRIO_PROCESS, tid) == 10


def served_by(metrics_dir: Path) -> dict[int, float]:
    """POST /logs answered per API process, read from each process's own counter file."""
    out: dict[int, float] = {}
    for path in metrics_dir.glob("counter_*.db"):
        pid = int(path.stem.split("_")[1])
        for metric in multiprocess.MultiProcessCollector.merge([str(path)], accumulate=False):
            for sample in metric.samples:
                if sample.name == "meal_log_http_requests_total" and sample.labels.get("route") == "/logs":
                    out[pid] = out.get(pid, 0.0) + sample.value
    return out


def scraped_posts(base: str) -> float:
    total = 0.0
    for line in httpx.get(base + "/metrics", timeout=10).text.splitlines():
        if line.startswith("meal_log_http_requests_total{") and 'route="/logs"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return total


@pytest.mark.slow
@pytest.mark.pg
def test_two_api_processes_share_the_port_and_metrics(pg_database_url: str, tmp_path: Path) -> None:
    from meallog.store.db import make_engine

    engine = make_engine(pg_database_url)
    token = add_user_token(engine, f"multi-{os.getpid()}")
    engine.dispose()
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_1.db").write_bytes(b"stale")  # a file of an earlier serve: serve removes it
    with serve_command(pg_database_url, tmp_path, "--workers", "2", "--no-worker", "--no-scheduler",
               env={"PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}) as (proc, base):
        api = children(proc.pid)
        sent = 0

        def post(i: int) -> int:
            with httpx.Client(base_url=base, timeout=30) as http:  # a new connection each: any process may take it
                return http.post("/logs", json={"text": "納豆 1パック"},
                                 headers={"Authorization": f"Bearer {token}"}).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            while len([n for n in served_by(metrics_dir).values() if n > 0]) < 2:
                assert sent < 2000, f"one process took every request: {served_by(metrics_dir)}"
                assert set(pool.map(post, range(40))) == {201}
                sent += 40
        # a request is counted just after its answer went out: wait for the last few
        wait_until(lambda: sum(served_by(metrics_dir).values()) == sent, 10, f"{sent} requests counted")
        per_process = served_by(metrics_dir)
        assert len(per_process) == 2 and set(per_process) <= set(api), (per_process, api)
        assert scraped_posts(base) == sent  # one /metrics sums both processes, whichever answers it
        assert scraped_posts(base) == sent
    assert not metrics_dir.joinpath("counter_1.db").exists()
    # serve reaped its API processes; multiprocessing's resource tracker exits just after serve
    wait_until(lambda: not any(alive(pid) for pid in api), 10, f"the children {api} are gone")


@pytest.mark.slow
def test_the_background_process_works_on_sqlite_and_stops_with_serve(tmp_path: Path) -> None:
    from meallog.store.db import make_engine

    db_url = f"sqlite:///{tmp_path / 'meallog.sqlite3'}"
    with serve_command(db_url, tmp_path, env={"NORMALIZE_V2_SHADOW": "on"}) as (proc, base):
        kids = children(proc.pid)
        engine = make_engine(db_url)
        token = add_user_token(engine, "alice")
        r = httpx.post(base + "/logs", json={"text": "ご飯 1杯"}, headers={"Authorization": f"Bearer {token}"},
                       timeout=30)
        assert r.status_code == 201, r.text

        def shadowed() -> bool:
            with session_scope(engine) as s:
                return bool(s.scalar(select(func.count()).select_from(ShadowRecord).where(
                    ShadowRecord.log_id == r.json()["id"])))

        wait_until(shadowed, 60, "the background process writes the P0 shadow row")
        # every thread of the background process runs at nice 10, the API's at the normal priority
        lowest = [pid for pid in kids if all(lowest_priority(tid) for tid in threads(pid))]
        normal = [pid for pid in kids if not any(lowest_priority(tid) for tid in threads(pid))]
        assert len(lowest) == 1 and len(normal) == len(kids) - 1, (lowest, normal, kids)
        engine.dispose()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    wait_until(lambda: not any(alive(pid) for pid in kids), 10, f"the children {kids} are gone")


@pytest.mark.slow
def test_children_stop_when_serve_is_killed(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'meallog.sqlite3'}"
    with serve_command(db_url, tmp_path, "--workers", "2") as (proc, _base):
        kids = children(proc.pid)
        proc.kill()  # SIGKILL: serve runs no cleanup at all
        proc.wait()
        wait_until(lambda: not any(alive(pid) for pid in kids), 30, f"the children {kids} stop by themselves")


def test_accepted_connections_have_nodelay() -> None:
    """Nagle off on every accepted connection: else h11's body waits ≈ 40 ms for the headers' ACK
    (a listening socket made with `socket.socket(AF_INET)`, proto 0, fails this)."""
    import asyncio
    import socket

    from meallog.cli.processes import bind

    sock = bind("127.0.0.1", 0)
    seen: list[int] = []

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            seen.append(transport.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(Probe, sock=sock)
        _, writer = await asyncio.open_connection(*sock.getsockname()[:2])
        while not seen:
            await asyncio.sleep(0.01)
        writer.close()
        server.close()

    asyncio.run(asyncio.wait_for(main(), 10))
    sock.close()
    assert seen[0] != 0
