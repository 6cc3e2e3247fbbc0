"""`make bench`: what the migration costs, as ratios of two things run side by side in one run.

1. The user's write path: POST /logs in each phase against phase OFF (same process, same SQLite
   file type, interleaved rounds so drift hits both sides alike).
2. The nutrition math: v2 normalize against the frozen legacy computation on the same parses.
3. The shadow archive on PostgreSQL against `COPY (SELECT ...) TO STDOUT` of the same partition
   (bench/ops_archive.py; skipped when no PostgreSQL answers).
Prints a table; nothing here asserts a time.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from meallog.app import build_services, create_app
from meallog.nutrition.legacy import compute_legacy
from meallog.nutrition.normalize_v2 import V2Options, normalize
from meallog.providers.offline import OfflineProvider
from meallog.settings import Settings
from meallog.store.db import session_scope
from meallog.store.migrate import upgrade
from meallog.users import add_user

MEALS = ["ご飯 1杯と味噌汁、焼き鮭 1切れ", "2 eggs, toast with butter, black coffee", "カレーライス 大盛り",
         "納豆 1パック", "ビール 1缶", "唐揚げ定食", "banana", "ラーメン", "caesar salad", "牛丼 1杯"]
PHASE_FLAGS = {"OFF": [], "P0": ["NORMALIZE_V2_SHADOW"], "P1": ["NORMALIZE_V2_SHADOW", "DUAL_WRITE_V2"],
               "P2": ["NORMALIZE_V2_SHADOW", "DUAL_WRITE_V2", "DUAL_READ_V2"]}


def _client(phase: str, folder: Path) -> tuple[TestClient, str]:
    values = {f.lower(): (100 if f == "DUAL_READ_V2" else True) for f in PHASE_FLAGS[phase]}
    settings = Settings.model_validate({"database_url": f"sqlite:///{folder / phase}.sqlite3", "run_worker": False,
                                        "run_scheduler": False, **values})
    services = build_services(settings)
    upgrade(services.engine)
    with session_scope(services.sessions) as s:
        _, token = add_user(s, name="bench", now=services.clock.now())
    return TestClient(create_app(settings, services=services)), token


def bench_write_path(rounds: int = 5, per_round: int = 40) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        clients = {p: _client(p, Path(tmp)) for p in PHASE_FLAGS}
        samples: dict[str, list[float]] = {p: [] for p in PHASE_FLAGS}
        for _ in range(rounds):
            for phase, (client, token) in clients.items():
                h = {"Authorization": f"Bearer {token}"}
                started = time.perf_counter()
                for i in range(per_round):
                    client.post("/logs", json={"text": MEALS[i % len(MEALS)]}, headers=h)
                samples[phase].append((time.perf_counter() - started) / per_round)
        for client, _ in clients.values():
            client.close()
    return {p: statistics.median(v) for p, v in samples.items()}


def bench_math(repeat: int = 300) -> tuple[float, float]:
    provider = OfflineProvider()
    parses = [provider.parse(m) for m in MEALS]
    opts = V2Options()

    def run(fn) -> float:  # type: ignore[no-untyped-def]
        best = float("inf")
        for _ in range(5):
            started = time.perf_counter()
            for _ in range(repeat):
                for p in parses:
                    fn(p)
            best = min(best, time.perf_counter() - started)
        return best / (repeat * len(parses))

    legacy = run(compute_legacy)
    v2 = run(lambda p: normalize(p, options=opts, pipeline_version="bench"))
    return legacy, v2


def main() -> int:
    write = bench_write_path()
    legacy, v2 = bench_math()
    print("| benchmark | per op | ratio |")
    print("|---|---|---|")
    for phase, secs in write.items():
        print(f"| POST /logs in {phase} vs OFF | {secs * 1000:.2f} ms | {secs / write['OFF']:.2f}x |")
    print(f"| legacy computation per meal | {legacy * 1e6:.1f} µs | 1.00x |")
    print(f"| v2 normalize per meal vs legacy | {v2 * 1e6:.1f} µs | {v2 / legacy:.2f}x |")
    print()
    _bench_archive()
    return 0


def _bench_archive() -> None:
    import os

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository: bench/ and tests/
    from bench import ops_archive
    from tests import pg

    with pg.server_url() as url:
        if url is None:
            print("archive vs COPY: skipped (no PostgreSQL; set MEALLOG_TEST_PG_URL)")
            return
        os.environ.setdefault("MEALLOG_TEST_PG_URL", url)
        sys.argv = [sys.argv[0], "--url", url, "--rows", os.environ.get("MEALLOG_BENCH_ARCHIVE_ROWS", "200000")]
        ops_archive.main()


if __name__ == "__main__":
    sys.exit(main())
