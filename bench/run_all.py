"""`make bench`: what the migration costs, as ratios of two things run side by side in one run.

1. The user's path through the real HTTP stack on PostgreSQL: POST /logs and GET /logs?date in
   each phase against OFF, beside a bare FastAPI endpoint, and the shadow worker against the
   batched-insert ceiling (bench/http_pg.py, wrk, interleaved rounds; results/http_pg.json).
2. The nutrition math: v2 normalize against the frozen legacy computation on the same parses.
3. The shadow archive on PostgreSQL against `COPY (SELECT ...) TO STDOUT` of the same partition
   (bench/ops_archive.py; skipped when no PostgreSQL answers).
Prints a table; nothing here asserts a time.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from meallog.nutrition.legacy import compute_legacy
from meallog.nutrition.normalize_v2 import V2Options, normalize
from meallog.providers.offline import OfflineProvider

MEALS = ["ご飯 1杯と味噌汁、焼き鮭 1切れ", "2 eggs, toast with butter, black coffee", "カレーライス 大盛り",
         "納豆 1パック", "ビール 1缶", "唐揚げ定食", "banana", "ラーメン", "caesar salad", "牛丼 1杯"]


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
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository: bench/ and tests/
    from bench import http_pg

    argv, sys.argv = sys.argv, [sys.argv[0]]
    http_pg.main()
    sys.argv = argv
    print()
    legacy, v2 = bench_math()
    print("| benchmark | per op | ratio |")
    print("|---|---|---|")
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
