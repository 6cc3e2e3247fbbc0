"""The batched shadow worker: one claim, one store per batch; a failing job fails alone; racing
workers on one PostgreSQL store each (log, version, pipeline) once and lose no job. The P2 dual
read is compared by the worker from one outbox row per sampled read."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from meallog.clock import FrozenClock, SystemClock
from meallog.logs.schemas import LogCreate, LogUpdate
from meallog.migration.outbox import claim_batch
from meallog.migration.shadow import compute_v2
from meallog.migration.worker import OutboxWorker, WorkerConfig
from meallog.settings import Settings
from meallog.store.db import make_engine, session_scope
from meallog.store.models import Diff, OutboxJob, ReadMismatch, ShadowRecord
from tests.migration.helpers import ADMIN, MEALS, client_for, make_services


def n(engine: Engine, model: type, *where: Any) -> int:
    with session_scope(engine) as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def shadow_on(services: Any, engine: Engine, now: Any) -> None:
    with session_scope(engine) as s:
        services.migration.control.set_flag(s, "NORMALIZE_V2_SHADOW", "on", actor="test", why=None, now=now)
    services.migration.snapshots.invalidate()


def no_duplicates(engine: Engine) -> None:
    with session_scope(engine) as s:
        for model in (ShadowRecord, Diff):
            dupes = s.execute(select(model.log_id, model.log_version, model.pipeline_version)
                              .group_by(model.log_id, model.log_version, model.pipeline_version)
                              .having(func.count() > 1)).all()
            assert dupes == [], model.__name__


def test_claim_batch_leases_each_due_job_once(make_settings: Callable[..., Settings], engine: Engine,
                                              clock: FrozenClock, add_user: Callable[..., str]) -> None:
    services = make_services(make_settings(), engine, clock)
    add_user("eater")
    shadow_on(services, engine, clock.now())
    for i in range(7):
        services.logs.create(user_id=1, payload=LogCreate(text=MEALS[i]), idempotency_key=None)
    with session_scope(engine) as s:
        first = claim_batch(s, worker_id="a", now=clock.now(), batch=5, lease_s=60)
    with session_scope(engine) as s:
        second = claim_batch(s, worker_id="b", now=clock.now(), batch=5, lease_s=60)
    assert len(first) == 5 and len(second) == 2
    assert not {j.id for j in first} & {j.id for j in second}
    assert all(j.attempts == 1 and j.payload for j in first + second)
    assert n(engine, OutboxJob, OutboxJob.state == "running") == 7


def test_every_version_is_measured_once_with_its_write_time(make_settings: Callable[..., Settings], engine: Engine,
                                                             clock: FrozenClock, add_user: Callable[..., str]) -> None:
    services = make_services(make_settings(), engine, clock)
    add_user("eater")
    shadow_on(services, engine, clock.now())
    ids = []
    for i in range(12):
        clock.advance(timedelta(minutes=1))
        ids.append(services.logs.create(user_id=1, payload=LogCreate(text=MEALS[i % len(MEALS)]),
                                        idempotency_key=None)[1]["id"])
    clock.advance(timedelta(minutes=1))
    services.logs.update(user_id=1, log_id=ids[0], payload=LogUpdate(text="納豆 2パック"))
    written = clock.now()
    clock.advance(timedelta(hours=1))  # the worker runs later: the rows keep the versions' write time
    assert services.worker.drain() == 13
    assert n(engine, ShadowRecord) == 13 and n(engine, Diff) == 13
    assert n(engine, Diff, Diff.log_id == ids[0]) == 2
    with session_scope(engine) as s:
        ts = s.scalar(select(Diff.ts).where(Diff.log_id == ids[0], Diff.log_version == 2))
    assert ts == written
    assert n(engine, OutboxJob, OutboxJob.state != "done") == 0
    no_duplicates(engine)


def test_a_failing_job_does_not_poison_its_batch(make_settings: Callable[..., Settings], engine: Engine,
                                                 clock: FrozenClock, add_user: Callable[..., str]) -> None:
    def picky(parsed: Any, **kw: Any) -> Any:
        if any("ビール" in item.name for item in parsed.items):
            raise ValueError("v2 cannot read beer")
        return compute_v2(parsed, **kw)

    services = make_services(make_settings(), engine, clock, compute=picky)
    add_user("eater")
    shadow_on(services, engine, clock.now())
    texts = ["ビール 1缶", "納豆 1パック", "banana", "牛丼 1杯", "カレーライス 1皿", "唐揚げ定食"]
    for t in texts:
        services.logs.create(user_id=1, payload=LogCreate(text=t), idempotency_key=None)
    report = services.worker.run_once()
    assert (report.claimed, report.done, report.failed, report.dead) == (6, 5, 1, 0)
    assert n(engine, ShadowRecord) == 5
    with session_scope(engine) as s:
        bad = s.scalars(select(OutboxJob).where(OutboxJob.state != "done")).one()
    assert bad.state == "pending" and "beer" in (bad.last_error or "")


def test_v2_runs_once_per_distinct_parse_of_a_batch(make_settings: Callable[..., Settings], engine: Engine,
                                                   clock: FrozenClock, add_user: Callable[..., str]) -> None:
    """Nine logs of three meals: v2 runs three times, and every log still gets its own rows (its own
    legacy totals, write time and user), the same as a fresh computation per log gives. A parse whose
    computation raised is not remembered: the next job with it computes (and fails) on its own."""
    calls: list[str] = []
    beer_raises = True

    def counting(parsed: Any, **kw: Any) -> Any:
        calls.append(parsed.items[0].name)
        if beer_raises and any("ビール" in item.name for item in parsed.items):
            raise ValueError("v2 cannot read beer")
        return compute_v2(parsed, **kw)

    services = make_services(make_settings(), engine, clock, compute=counting)
    for name in ("eater", "other", "third"):
        add_user(name)
    shadow_on(services, engine, clock.now())
    texts = ["納豆 1パック", "banana", "ビール 1缶"] * 3
    for i, t in enumerate(texts):
        clock.advance(timedelta(minutes=1))
        services.logs.create(user_id=1 + i % 3, payload=LogCreate(text=t), idempotency_key=None)
    report = services.worker.run_once()
    assert (report.claimed, report.done, report.failed) == (9, 6, 3)
    assert sorted(Counter(calls).values()) == [1, 1, 3]  # natto and banana once each, every beer alone
    with session_scope(engine) as s:
        rows = s.execute(select(Diff.log_id, Diff.user_id, Diff.ts, Diff.v2_totals, Diff.kcal_abs)
                         .order_by(Diff.log_id)).all()
    assert len(rows) == 6 and len({(r.user_id, r.ts) for r in rows}) == 6
    fresh = make_services(make_settings(), engine, clock).worker  # no memo across these: one job per batch
    fresh.pipeline_version, fresh.batch = "v2-fresh", 1
    fresh.config.batch_min = fresh.config.batch_max = 1
    beer_raises = False
    with session_scope(engine) as s:
        s.execute(OutboxJob.__table__.update().values(state="pending", locked_by=None, locked_until=None,
                                                      next_attempt_at=clock.now(), attempts=0))
    assert fresh.drain() == 9
    with session_scope(engine) as s:
        again = s.execute(select(Diff.log_id, Diff.user_id, Diff.ts, Diff.v2_totals, Diff.kcal_abs)
                          .where(Diff.pipeline_version == "v2-fresh", Diff.log_id.in_([r.log_id for r in rows]))
                          .order_by(Diff.log_id)).all()
    assert [tuple(r) for r in again] == [tuple(r) for r in rows]


def test_a_hung_job_times_out_alone(make_settings: Callable[..., Settings], engine: Engine, clock: FrozenClock,
                                    add_user: Callable[..., str]) -> None:
    release = threading.Event()

    def hangs_on_ramen(parsed: Any, **kw: Any) -> Any:
        if any("ラーメン" in item.name for item in parsed.items):
            release.wait(10)
        return compute_v2(parsed, **kw)

    services = make_services(make_settings(), engine, clock, compute=hangs_on_ramen)
    services.worker.config.job_timeout_s = 0.3
    add_user("eater")
    shadow_on(services, engine, clock.now())
    for t in ["納豆 1パック", "ラーメン 大盛り", "banana", "牛丼 1杯"]:
        services.logs.create(user_id=1, payload=LogCreate(text=t), idempotency_key=None)
    try:
        report = services.worker.run_once()
    finally:
        release.set()
    assert (report.claimed, report.done, report.failed) == (4, 3, 1)
    assert n(engine, ShadowRecord) == 3


def test_batch_size_adapts(make_settings: Callable[..., Settings], engine: Engine, clock: FrozenClock) -> None:
    services = make_services(make_settings(), engine, clock)
    w = services.worker
    w.config = WorkerConfig(batch=20, batch_min=10, batch_max=40, target_batch_s=0.5)
    w.batch = 20
    w._adapt(20, 0.01, failed=False)
    assert w.batch == 30
    w._adapt(30, 0.01, failed=False)
    w._adapt(40, 0.01, failed=False)
    assert w.batch == 40
    w._adapt(5, 0.01, failed=False)  # a part-full batch: the queue is drained, keep the size
    assert w.batch == 40
    w._adapt(40, 2.0, failed=False)
    assert w.batch == 20
    w._adapt(20, 0.01, failed=True)
    assert w.batch == 10


@pytest.mark.pg
def test_two_workers_racing_on_one_postgresql(pg_database_url: str) -> None:
    from tests.conftest import _truncate_all

    _truncate_all(pg_database_url)
    engine = make_engine(pg_database_url, pool_size=8)
    try:
        settings = Settings.model_validate({"database_url": pg_database_url, "admin_token": "admin-secret",
                                            "run_worker": False, "run_scheduler": False})
        clock = SystemClock()
        services = make_services(settings, engine, clock)  # type: ignore[arg-type]
        from meallog.users import add_user

        with session_scope(engine) as s:
            add_user(s, name="eater", now=clock.now())
        shadow_on(services, engine, clock.now())
        total = 0
        for i in range(300):
            _, body = services.logs.create(user_id=1, payload=LogCreate(text=MEALS[i % len(MEALS)]),
                                           idempotency_key=None)
            total += 1
            if i % 3 == 0:
                services.logs.update(user_id=1, log_id=body["id"], payload=LogUpdate(text=MEALS[(i + 1) % len(MEALS)]))
                total += 1
        workers = [OutboxWorker(sessions=services.sessions, flags=services.migration.flags, metrics=services.metrics,
                                clock=clock, pipeline_version=settings.shadow_pipeline_version,
                                config=WorkerConfig(batch=10, batch_min=10, batch_max=40), worker_id=f"w{i}")
                   for i in range(2)]
        done = [0, 0]
        errors: list[BaseException] = []
        barrier = threading.Barrier(2)

        def run(i: int) -> None:
            try:
                barrier.wait()
                done[i] = workers[i].drain()
            except BaseException as exc:  # surfaced below
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not errors, errors
        assert sum(done) == total and all(done), done  # both took part, none was done twice
        assert n(engine, OutboxJob, OutboxJob.state != "done") == 0
        assert n(engine, ShadowRecord) == total and n(engine, Diff) == total
        no_duplicates(engine)
    finally:
        engine.dispose()


@pytest.mark.parametrize("sample", [1.0, 0.0])
def test_p2_reads_are_compared_by_the_worker(make_settings: Callable[..., Settings], engine: Engine,
                                             clock: FrozenClock, add_user: Callable[..., str],
                                             sample: float) -> None:
    services = make_services(make_settings(dual_read_compare_sample=sample), engine, clock)
    h = {"Authorization": f"Bearer {add_user()}"}
    with client_for(services) as client:
        for flag, value in [("NORMALIZE_V2_SHADOW", "on"), ("DUAL_WRITE_V2", "on"), ("DUAL_READ_V2", "10"),
                            ("DUAL_READ_V2", "50"), ("DUAL_READ_V2", "100")]:
            r = client.put(f"/admin/flags/{flag}", json={"value": value, "why": "test"}, headers=ADMIN)
            assert r.status_code == 200, r.text
        ids = [client.post("/logs", json={"text": t}, headers=h).json()["id"] for t in MEALS[:3]]
        services.worker.drain()
        day = client.get("/logs", headers=h).json()
        assert len(day) == 3 and {v["source"] for v in day} == {"adapter"}
        assert client.get(f"/logs/{ids[0]}", headers=h).json()["source"] == "adapter"
        # the GETs compared nothing themselves: at most one compare row each, no mismatch row
        assert n(engine, OutboxJob, OutboxJob.kind == "compare") == (2 if sample else 0)
        assert n(engine, ReadMismatch) == 0
    services.worker.drain()
    assert n(engine, OutboxJob, OutboxJob.state != "done") == 0
    compared = services.metrics.registry.get_sample_value(
        "meal_log_dual_read_total", {**services.metrics.labels.as_dict(), "outcome": "match"})
    mismatched = services.metrics.registry.get_sample_value(
        "meal_log_dual_read_total", {**services.metrics.labels.as_dict(), "outcome": "mismatch"})
    assert (compared or 0) + (mismatched or 0) == (4 if sample else 0)  # 3 logs of the day + 1 log


def test_the_in_process_worker_rests_by_its_duty_cycle(make_settings: Callable[..., Settings], engine: Engine,
                                                       clock: FrozenClock) -> None:
    inproc = make_services(make_settings(run_worker=True, worker_duty=0.25), engine, clock).worker
    assert inproc.config.duty == 0.25
    assert inproc.rest_after(0.1) == pytest.approx(0.3)  # works 0.1 s, rests 0.3 s: a quarter of the time
    standalone = make_services(make_settings(worker_duty=0.25), engine, clock).worker  # `meallog worker`
    assert standalone.rest_after(0.1) == 0.0


def test_hung_v2_hands_back_the_untried_jobs_within_the_lease(make_settings: Callable[..., Settings],
                                                               engine: Engine, clock: FrozenClock,
                                                               add_user: Callable[..., str]) -> None:
    """With every v2 hung, a batch would otherwise run one timeout per job, far past its lease, and
    each re-claim would count an attempt for jobs never tried (seen under load: jobs dead-lettered
    after one hung worker). Once the timeouts use half the lease, the untried jobs go back uncounted."""
    release = threading.Event()

    def hangs(parsed: Any, **kw: Any) -> Any:
        release.wait(10)
        return compute_v2(parsed, **kw)

    services = make_services(make_settings(), engine, clock, compute=hangs)
    w = services.worker
    w.config.job_timeout_s, w.config.lease_s = 0.3, 0.5
    add_user("eater")
    shadow_on(services, engine, clock.now())
    for i in range(6):
        services.logs.create(user_id=1, payload=LogCreate(text=MEALS[i]), idempotency_key=None)
    try:
        report = w.run_once()
    finally:
        release.set()
    assert (report.claimed, report.done, report.failed) == (6, 0, 1)
    with session_scope(engine) as s:
        jobs = list(s.scalars(select(OutboxJob).order_by(OutboxJob.id)))
    assert [(j.state, j.attempts) for j in jobs[1:]] == [("pending", 0)] * 5
    assert jobs[0].state == "pending" and jobs[0].attempts == 1 and "over 0.3s" in (jobs[0].last_error or "")


def test_the_background_loop_drains_and_stops(make_settings: Callable[..., Settings], engine: Engine,
                                              clock: FrozenClock, add_user: Callable[..., str]) -> None:
    """The thread `meallog serve` and `meallog worker` start: overlapped batches, the duty cycle's
    rests between them, every job done once, and a clean stop."""
    import time

    services = make_services(make_settings(run_worker=True, worker_duty=0.5), engine, clock)
    w = services.worker
    w.config.batch_min, w.batch, w.config.idle_sleep_s = 10, 10, 0.05
    add_user("eater")
    shadow_on(services, engine, clock.now())
    for i in range(45):
        services.logs.create(user_id=1, payload=LogCreate(text=MEALS[i % len(MEALS)]), idempotency_key=None)
    w.start()
    try:
        deadline = time.monotonic() + 30
        while n(engine, OutboxJob, OutboxJob.state == "done") < 45:
            assert time.monotonic() < deadline, n(engine, OutboxJob, OutboxJob.state == "done")
            time.sleep(0.05)
    finally:
        w.stop()
    assert w._thread is not None and not w._thread.is_alive()
    assert n(engine, ShadowRecord) == 45 and n(engine, Diff) == 45
    no_duplicates(engine)


def _claim_blocks(engine: Engine, now: Any) -> int:
    """Buffers the claim statement touches (EXPLAIN ANALYZE BUFFERS), in a transaction rolled back."""
    from sqlalchemy.dialects import postgresql

    from meallog.migration.outbox import claim_statement

    compiled = claim_statement(worker_id="w", now=now, batch=200, lease_s=60, postgres=True).compile(
        dialect=postgresql.psycopg.dialect())  # type: ignore[attr-defined]
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + str(compiled), compiled.params)
            plan = cur.fetchone()[0][0]["Plan"]
        raw.rollback()
    finally:
        raw.close()
    return int(plan["Shared Hit Blocks"] + plan["Shared Read Blocks"])


def test_the_claim_reads_the_live_queue_not_the_done_jobs(pg_database_url: str) -> None:
    """A day of done jobs (kept until the nightly cleanup) must not slow every claim: seen here, a
    claim scanned every done row before the pending ones (and the UPDATE hashed the whole table), so
    the worker did 7,600 logs/s over 2,000 jobs and 4,000 over 16,000."""
    from sqlalchemy import text

    from tests.conftest import _truncate_all

    _truncate_all(pg_database_url)
    engine = make_engine(pg_database_url)
    insert_jobs = text("""INSERT INTO outbox (kind, log_id, log_version, payload, state, attempts, next_attempt_at,
                                              created_at, updated_at)
                          SELECT 'shadow', g, 1, '{"pad": "%s"}', :state, 0, now(), now(), now()
                          FROM generate_series(1, :n) g""" % ("x" * 700))
    now = SystemClock().now() + timedelta(seconds=1)
    blocks = {}
    try:
        for done in (500, 30_000):
            # As in a drain: the statistics were taken while the jobs were pending; since then the
            # oldest `done` of them were done (autovacuum's ANALYZE has not seen it yet).
            _truncate_all(pg_database_url)
            with engine.begin() as conn:
                conn.execute(insert_jobs, {"state": "pending", "n": done + 200})
                conn.execute(text("ANALYZE outbox"))
                conn.execute(text("UPDATE outbox SET state = 'done' WHERE id <= :n"), {"n": done})
            _claim_blocks(engine, now)  # the first scan after the UPDATE marks the entries it left dead
            blocks[done] = _claim_blocks(engine, now)
        print("claim buffers", blocks)
        assert blocks[30_000] < 2 * blocks[500], blocks
    finally:
        engine.dispose()
