"""The shadow worker on PostgreSQL against the batched-insert ceiling, without HTTP.

Creates a temporary database on 127.0.0.1:5432 (dropped at the end), writes N logs in P0 (each leaves
one shadow job), then drains the jobs with the worker under a fresh pipeline version, and inserts
the very rows it stored again with `executemany` and no computation (the ceiling). Interleaved
rounds; the figure is the median of per-round ratios. The logs cycle through 10 meal texts, so the
worker (and the backfill) compute v2 once per distinct parse of a batch: about 10 times per batch,
the best case of a lunch peak (the worst, every parse distinct, costs v2 for every log). `--profile`
prints a pyinstrument profile of one drain. Then `backfill` (what `meallog backfill` runs) over the
same legacy logs against the same v2 rows inserted with executemany. Nothing here asserts a time.
`bench/http_pg.py` runs the same measures after its HTTP rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from meallog.app import Services, build_services  # noqa: E402
from meallog.logs.schemas import LogCreate  # noqa: E402
from meallog.settings import Settings  # noqa: E402
from meallog.store.db import session_scope  # noqa: E402
from meallog.store.migrate import upgrade  # noqa: E402
from meallog.store.models import Diff, OutboxJob, ShadowRecord  # noqa: E402
from meallog.users import add_user  # noqa: E402

MEALS = ["ご飯 1杯と味噌汁、焼き鮭 1切れ", "2 eggs, toast with butter, black coffee", "カレーライス 1皿",
         "納豆 1パック", "ビール 1缶", "唐揚げ定食", "banana", "ラーメン 大盛り", "caesar salad", "牛丼 1杯"]


def services_for(url: str) -> Services:
    settings = Settings.model_validate({"database_url": url, "run_worker": False, "run_scheduler": False,
                                        "ai_provider": "offline"})
    return build_services(settings)


def seed(services: Services, logs: int, users: int | None = None) -> None:
    """`logs` logs in P0 over `users` users (default: 5 logs per user-day, as at lunch). The worker
    reads each user-day a batch touches once per batch (the day diff): one user-day of 800 logs
    (16,000 logs over 20 users) took it from 50 % of its ceiling to 30 %."""
    users = users or max(logs // 5, 1)
    now = datetime.now(UTC)
    with session_scope(services.sessions) as s:
        ids = [add_user(s, name=f"u{i}", now=now)[0].id for i in range(users)]
        services.migration.control.set_flag(s, "NORMALIZE_V2_SHADOW", "on", actor="bench", why="bench", now=now)
    services.migration.snapshots.invalidate()
    for i in range(logs):
        services.logs.create(user_id=ids[i % users], payload=LogCreate(text=MEALS[i % len(MEALS)]),
                             idempotency_key=None)


def requeue(engine: Engine, sessions: Any) -> int:
    with session_scope(sessions) as s:
        res = s.execute(update(OutboxJob).where(OutboxJob.kind == "shadow").values(
            state="pending", attempts=0, locked_by=None, locked_until=None, next_attempt_at=datetime.now(UTC)))
        return int(res.rowcount)  # type: ignore[attr-defined]


def one_round(services: Services, version: str, *, profile: bool = False) -> dict[str, float]:
    """Drain every shadow job under `version`, then insert the same rows again with executemany."""
    engine, sessions = services.engine, services.sessions
    jobs = requeue(engine, sessions)
    worker = services.worker
    worker.pipeline_version = version
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    started, cpu = time.perf_counter(), time.process_time()
    done = worker.drain(max_batches=100_000)
    worker_s, cpu_s = time.perf_counter() - started, time.process_time() - cpu
    if profiler is not None:
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=True), file=sys.stderr)
    with session_scope(sessions) as s:
        shadow = [dict(r._mapping) for r in s.execute(select(*[c for c in ShadowRecord.__table__.c if c.name != "id"])
                                                       .where(ShadowRecord.pipeline_version == version))]
        diffs = [dict(r._mapping) for r in s.execute(select(*[c for c in Diff.__table__.c if c.name != "id"])
                                                     .where(Diff.pipeline_version == version))]
    ceiling_version = version + "-ceiling"
    for row in shadow + diffs:
        row["pipeline_version"] = ceiling_version
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(insert(ShadowRecord.__table__), shadow)
        conn.execute(insert(Diff.__table__), diffs)
    ceiling_s = time.perf_counter() - started
    with engine.begin() as conn:  # keep the tables the same size for the next round
        for model in (ShadowRecord, Diff):
            conn.execute(delete(model.__table__).where(model.__table__.c.pipeline_version == ceiling_version))
    assert done == jobs == len(diffs), (done, jobs, len(diffs))
    return {"jobs": done, "worker_logs_per_s": done / worker_s, "ceiling_logs_per_s": len(diffs) / ceiling_s,
            "ratio": (done / worker_s) / (len(diffs) / ceiling_s), "worker_cpu_us_per_log": cpu_s / done * 1e6}


def measure_worker(url: str, *, logs: int, rounds: int, profile: bool = False,
                   seeded: bool = False) -> dict[str, Any]:
    """Rounds of (worker drain, executemany ceiling) on the database at `url`; `seeded` when it already
    holds shadow jobs (the HTTP bench's), else `logs` logs are written first."""
    services = services_for(url)
    try:
        if not seeded:
            seed(services, logs)
        runs = [one_round(services, f"bench-worker-{os.getpid()}-{r}", profile=profile and r == rounds - 1)
                for r in range(rounds)]
    finally:
        services.engine.dispose()
    return {"rounds": runs, "jobs": runs[-1]["jobs"],
            **{k: statistics.median(r[k] for r in runs) for k in ("worker_logs_per_s", "ceiling_logs_per_s", "ratio",
                                                                   "worker_cpu_us_per_log")}}


def measure_backfill(url: str, *, rounds: int) -> dict[str, Any]:
    """`backfill` (the function `meallog backfill` runs) over every legacy log, under a fresh pipeline
    version each round, against the same v2 rows inserted again with executemany and no computation."""
    from meallog.migration.backfill import backfill
    from meallog.migration.write_path import v2_options
    from meallog.store.models import MealLogV2

    services = services_for(url)
    runs = []
    try:
        for r in range(rounds):
            version = f"bench-backfill-{os.getpid()}-{r}"
            started = time.perf_counter()
            report = backfill(services.sessions, batch=500, pipeline_version=version,
                              options_from_flags=lambda s: v2_options(services.migration.flags.snapshot(s)),
                              now=lambda: datetime.now(UTC), restart=True)
            backfill_s = time.perf_counter() - started
            cols = list(MealLogV2.__table__.c)
            with session_scope(services.sessions) as s:
                rows = [dict(row._mapping) for row in s.execute(select(*cols).where(
                    MealLogV2.pipeline_version == version))]
            for row in rows:
                row["pipeline_version"] = version + "-ceiling"
            started = time.perf_counter()
            with services.engine.begin() as conn:
                conn.execute(insert(MealLogV2.__table__), rows)
            ceiling_s = time.perf_counter() - started
            with services.engine.begin() as conn:
                conn.execute(delete(MealLogV2.__table__).where(
                    MealLogV2.__table__.c.pipeline_version.in_([version, version + "-ceiling"])))
            assert report.created == len(rows), (report, len(rows))
            runs.append({"logs": len(rows), "backfill_logs_per_s": len(rows) / backfill_s,
                         "ceiling_logs_per_s": len(rows) / ceiling_s, "ratio": ceiling_s / backfill_s})
    finally:
        services.engine.dispose()
    return {"rounds": runs, "logs": runs[-1]["logs"],
            **{k: statistics.median(r[k] for r in runs) for k in ("backfill_logs_per_s", "ceiling_logs_per_s",
                                                                   "ratio")}}


def main() -> int:
    from bench.http_pg import temp_database

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--admin-url", default=os.environ.get("MEALLOG_BENCH_PG",
                                                          "postgresql://postgres@127.0.0.1:5432/postgres"))
    ap.add_argument("--logs", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    with temp_database(args.admin_url) as url:
        from meallog.store.db import make_engine

        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        result = measure_worker(url, logs=args.logs, rounds=args.rounds, profile=args.profile)
        result["backfill"] = measure_backfill(url, rounds=args.rounds)
    per_round = ", ".join(f"{r['ratio'] * 100:.0f} %" for r in result["rounds"])
    print(f"shadow worker: {result['worker_logs_per_s']:.0f} logs/s over {result['jobs']} jobs; batched-insert "
          f"ceiling {result['ceiling_logs_per_s']:.0f} logs/s; ratio {result['ratio'] * 100:.1f} % "
          f"(median of {args.rounds} rounds: {per_round}); worker process CPU "
          f"{result['worker_cpu_us_per_log']:.0f} µs per log")
    b = result["backfill"]
    print(f"backfill: {b['backfill_logs_per_s']:.0f} logs/s over {b['logs']} legacy logs; the same v2 rows with "
          f"executemany {b['ceiling_logs_per_s']:.0f} logs/s; ratio {b['ratio'] * 100:.1f} %")
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
