"""The processes of `meallog serve`: N API processes on one port and one background process.

The parent binds the port, then starts fresh interpreters (multiprocessing `spawn`), each with
`PROMETHEUS_MULTIPROC_DIR` already set, so every child's metrics go to a per-serve directory that
any API process's `/metrics` merges:

- API processes (`--workers N`): uvicorn on the shared socket, the app of `meallog.app.serve_app`;
  no worker or scheduler thread in them, so the shadow never takes a request's CPU or GIL.
- the background process (unless `--no-worker --no-scheduler`): the outbox worker and the ops
  scheduler, at nice 10 and at most `MEALLOG_WORKER_DUTY` of the time (`lower_priority` says why
  not lower: it holds locks the API waits on).

The parent restarts a child that dies, marks its metric files dead (`mark_process_dead`), and on
SIGTERM/SIGINT stops them all. A child stops by itself when the parent dies (PR_SET_PDEATHSIG on
Linux, and a watch on its parent pid everywhere).
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from typing import Any

import structlog

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
BACKGROUND_NICE = 10  # the background process yields the CPU to the API, yet finishes what it holds locks for
STOP_TIMEOUT_S = 15.0
RESTART_DELAY_S = 1.0

log = structlog.get_logger("meallog.serve")


@dataclass(frozen=True, slots=True)
class ServePlan:
    host: str
    port: int
    workers: int
    run_worker: bool
    run_scheduler: bool
    log_level: str

    @property
    def background(self) -> bool:
        return self.run_worker or self.run_scheduler


# ---- in a child ------------------------------------------------------------------------------------
def _die_with_parent(parent: int) -> None:
    """SIGTERM this process when its parent goes, however the parent went (even SIGKILL)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        except OSError:
            pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os.kill(os.getpid(), signal.SIGTERM)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def lower_priority() -> str:
    """Put this process (and the threads it starts afterwards: they inherit it) at nice 10. Returns
    what it got ("nice 10").

    Not lower: the background process takes locks the API waits on (SQLite's write lock; on
    PostgreSQL the fence's shared lock, behind which a transition and then every write queue). A
    holder starved of CPU stalls them all. Under `SCHED_IDLE` (weight 3 against an API thread's 1024),
    with the cores busy, `meallog serve` on SQLite answered 0 requests in some 4 s windows, against
    200-260 req/s with no background process. At nice 10 (weight 110) a short transaction still
    ends within milliseconds; the duty cycle (`MEALLOG_WORKER_DUTY`) bounds its share of the CPU."""
    current = os.nice(0)
    os.nice(max(BACKGROUND_NICE - current, 0))
    return f"nice {os.nice(0)}"


def api_process(sock: socket.socket, parent: int, log_level: str) -> None:
    import uvicorn

    from meallog.logging_setup import configure

    configure(log_level.upper())
    _die_with_parent(parent)
    config = uvicorn.Config("meallog.app:serve_app", factory=True, log_level=log_level, access_log=False,
                            log_config=None)
    uvicorn.Server(config).run(sockets=[sock])


def background_process(parent: int, run_worker: bool, run_scheduler: bool, log_level: str) -> None:
    from meallog.app import build_provider_from, build_services
    from meallog.logging_setup import configure
    from meallog.settings import Settings

    priority = lower_priority()  # first: every thread started below inherits it
    configure(log_level.upper())
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    _die_with_parent(parent)
    cfg = Settings().model_copy(update={"run_worker": run_worker, "run_scheduler": run_scheduler})
    services = build_services(cfg, provider=build_provider_from(cfg))
    for svc in services.background:
        svc.start()
    log.info("background running", worker=run_worker, scheduler=run_scheduler, pid=os.getpid(), priority=priority)
    stop.wait()
    for svc in reversed(services.background):
        svc.stop()
    services.engine.dispose()


# ---- in the parent ---------------------------------------------------------------------------------
@dataclass
class Supervisor:
    plan: ServePlan
    sock: socket.socket
    ctx: Any = field(default_factory=lambda: multiprocessing.get_context("spawn"))
    children: dict[str, BaseProcess] = field(default_factory=dict)
    stopping: threading.Event = field(default_factory=threading.Event)

    def _spawn(self, name: str) -> None:
        parent = os.getpid()
        if name == "background":
            proc = self.ctx.Process(target=background_process, name=f"meallog-{name}", daemon=False,
                                    args=(parent, self.plan.run_worker, self.plan.run_scheduler, self.plan.log_level))
        else:
            proc = self.ctx.Process(target=api_process, name=f"meallog-{name}", daemon=False,
                                    args=(self.sock, parent, self.plan.log_level))
        proc.start()
        self.children[name] = proc
        log.info("process started", process=name, pid=proc.pid)

    def run(self) -> int:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: self.stopping.set())
        names = [f"api-{i + 1}" for i in range(self.plan.workers)] + (["background"] if self.plan.background else [])
        for name in names:
            self._spawn(name)
        while not self.stopping.is_set():
            sentinels = {p.sentinel: n for n, p in self.children.items()}
            for ready in wait(list(sentinels), timeout=0.5):
                name = sentinels[ready]  # type: ignore[index]
                proc = self.children[name]
                proc.join()
                _mark_dead(proc.pid)
                if self.stopping.is_set():
                    break
                log.error("process died; restarting it", process=name, pid=proc.pid, exitcode=proc.exitcode)
                self.stopping.wait(RESTART_DELAY_S)
                if not self.stopping.is_set():
                    self._spawn(name)
        self.stop()
        return 0

    def stop(self) -> None:
        for proc in self.children.values():
            if proc.is_alive() and proc.pid is not None:
                os.kill(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for name, proc in self.children.items():
            proc.join(max(0.0, deadline - time.monotonic()))
            if proc.is_alive():
                log.error("process did not stop; killing it", process=name, pid=proc.pid)
                proc.kill()
                proc.join()
            _mark_dead(proc.pid)
        self.sock.close()


def _mark_dead(pid: int | None) -> None:
    from meallog.observability.metrics import mark_process_dead

    if pid is not None:
        mark_process_dead(pid)


def fresh_metrics_dir() -> tuple[str, bool]:
    """The multiprocess metrics directory of this serve: the operator's (emptied) or a new one.
    True when serve created it (and removes it at exit)."""
    given = os.environ.get(MULTIPROC_ENV)
    if given:
        os.makedirs(given, exist_ok=True)
        for name in os.listdir(given):
            if name.endswith(".db"):
                os.remove(os.path.join(given, name))
        return given, False
    return tempfile.mkdtemp(prefix="meallog-metrics-"), True


def bind(host: str, port: int, *, backlog: int = 2048) -> socket.socket:
    """The listening socket every API process accepts on.

    Made with `IPPROTO_TCP` spelled out: the sockets it accepts inherit that protocol number, and
    asyncio sets TCP_NODELAY only on sockets whose `proto` says TCP. With proto 0 (what
    `socket.socket(family)` and uvicorn's own `bind_socket` give) Nagle's algorithm holds h11's
    response body until the client acknowledges the headers: ≈ 40 ms of delayed ACK per request.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(backlog)
    sock.set_inheritable(True)
    log.info("listening", url=f"http://{host}:{port}")
    return sock


def serve(plan: ServePlan) -> int:
    path, created = fresh_metrics_dir()
    os.environ[MULTIPROC_ENV] = path  # before any child starts: prometheus_client reads it at import
    sock = bind(plan.host, plan.port)
    try:
        return Supervisor(plan=plan, sock=sock).run()
    finally:
        if created:
            shutil.rmtree(path, ignore_errors=True)
