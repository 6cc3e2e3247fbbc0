"""Diff-Gate: go / no_go / inconclusive from diffs, floors, baselines and visual runs (both backends)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from meallog.clock import FrozenClock
from meallog.migration.gate import GateConfig, evaluate, percentile
from meallog.migration.phases import Phase
from meallog.store.db import is_postgres, make_sessionmaker, session_scope
from meallog.store.models import BaselineSummary, Calibration, Diff, VisualRun

PV = "v2.0.0"




CFG = GateConfig(pipeline_version=PV, env="local", min_samples=20)


def diff_row(
    i: int,
    ts: datetime,
    *,
    kcal: float = 10.0,
    macro: float = 1.0,
    rel: float = 0.02,
    breach: bool = False,
    items: int = 2,
    unknown: int = 0,
    rule: int | None = None,
    triage: str | None = None,
    pv: str = PV,
) -> Diff:
    return Diff(
        ts=ts,
        log_id=i,
        log_version=1,
        user_id=1,
        pipeline_version=pv,
        local_date=ts.date(),
        kcal_abs=kcal,
        kcal_rel=rel,
        protein_g_abs=macro,
        protein_g_rel=rel,
        fat_g_abs=macro,
        fat_g_rel=rel,
        carbs_g_abs=macro,
        carbs_g_rel=rel,
        legacy_totals={},
        v2_totals={},
        breach=breach,
        breach_fields="kcal" if breach else "",
        item_count=items,
        unknown_count=unknown,
        ignore_rule_id=rule,
        triage=triage,
    )


@pytest.fixture
def seed(engine: Engine, clock: FrozenClock) -> Callable[..., None]:
    counter = iter(range(1, 1_000_000))

    def _seed(
        n: int = 0, *, age: timedelta = timedelta(hours=1), extra: list[Any] | None = None, **kw: Any
    ) -> None:
        with session_scope(make_sessionmaker(engine)) as s:
            for _ in range(n):
                s.add(diff_row(next(counter), clock.now() - age, **kw))
            for obj in extra or []:
                s.add(obj)

    return _seed


def judge(engine: Engine, clock: FrozenClock, target: Phase = Phase.P2, cfg: GateConfig = CFG) -> Any:
    with Session(engine) as s:
        return evaluate(s, target=target, now=clock.now(), config=cfg)


def test_percentile_interpolates() -> None:
    assert percentile([], 0.95) == 0.0
    assert percentile([5.0], 0.95) == 5.0
    assert percentile(list(map(float, range(101))), 0.95) == pytest.approx(95.0)


def test_go_when_diffs_are_small(engine: Engine, clock: FrozenClock, seed: Callable[..., None]) -> None:
    seed(30)
    r = judge(engine, clock)
    assert r.outcome == "go", r.reasons
    assert r.exit_code == 0
    assert r.stats["judged"] == 30 and r.stats["p95_abs"]["kcal"] == pytest.approx(10.0)


def test_inconclusive_with_few_samples(engine: Engine, clock: FrozenClock, seed: Callable[..., None]) -> None:
    seed(5)
    seed(40, age=timedelta(days=8))  # outside the 7-day window
    seed(40, pv="v1.9.0")  # another pipeline version
    r = judge(engine, clock)
    assert r.outcome == "inconclusive" and r.exit_code == 2
    assert "pause, do not advance" in r.reasons[0]
    assert r.stats["judged"] == 5


def test_no_go_when_p95_is_over_threshold(
    engine: Engine, clock: FrozenClock, seed: Callable[..., None]
) -> None:
    seed(25)
    seed(5, kcal=120.0, rel=0.10)  # 5 of 30 > 5 %: P95 is a 120 kcal diff
    r = judge(engine, clock, cfg=GateConfig(pipeline_version=PV, min_samples=20, max_breach_rate=0.5))
    assert r.outcome == "no_go"
    assert any("P95 |kcal|" in x for x in r.reasons)
    assert r.exit_code == 1


def test_no_go_on_breach_rate(engine: Engine, clock: FrozenClock, seed: Callable[..., None]) -> None:
    seed(37)
    seed(3, kcal=85.0, macro=16.0, rel=0.05)  # 3 / 40 = 7.5 % breach, P95 below 80
    r = judge(engine, clock)
    assert r.outcome == "no_go"
    assert r.stats["breaches"] == 3 and r.stats["breach_rate"] == pytest.approx(0.075)
    assert any(x.startswith("breach rate 7.5%") for x in r.reasons)


def test_no_go_on_unknown_rate(engine: Engine, clock: FrozenClock, seed: Callable[..., None]) -> None:
    seed(30, items=4, unknown=1)  # 25 %
    r = judge(engine, clock)
    assert r.outcome == "no_go" and any("unknown rate 25.0%" in x for x in r.reasons)


def test_ignored_and_accepted_change_are_left_out_but_counted(
    engine: Engine, clock: FrozenClock, seed: Callable[..., None]
) -> None:
    seed(30)
    seed(10, kcal=300.0, rel=0.9, breach=True, rule=7)
    seed(10, kcal=300.0, rel=0.9, breach=True, triage="accepted_change")
    seed(1, kcal=300.0, rel=0.9, breach=True, triage="v2_bug")  # other verdicts still count
    r = judge(engine, clock)
    assert r.stats["total"] == 51 and r.stats["judged"] == 31
    assert r.stats["ignored"] == 10 and r.stats["ignored_rules"] == [7] and r.stats["accepted_change"] == 10
    assert r.stats["breaches"] == 1 and r.stats["stored_breaches"] == 21
    assert r.outcome == "go", r.reasons  # 1 / 31 = 3.2 % breach rate
    assert any("10 ignored diff(s) (rules 7), 10 triaged accepted_change" in x for x in r.reasons)


def test_noise_floor_is_subtracted(engine: Engine, clock: FrozenClock, seed: Callable[..., None]) -> None:
    seed(30, kcal=90.0, rel=0.05)
    assert judge(engine, clock).outcome == "no_go"
    floors = [
        Calibration(ts=clock.now(), kind="legacy_aa", field=f, floor_abs=5.0, floor_rel=0.0, samples=50)
        for f in ("kcal", "protein_g", "fat_g", "carbs_g")
    ]
    # an older, larger v2 floor is superseded by the latest one
    floors.append(
        Calibration(
            ts=clock.now() - timedelta(days=3),
            kind="v2_aa",
            field="kcal",
            floor_abs=50.0,
            floor_rel=0.0,
            samples=50,
        )
    )
    floors.append(
        Calibration(ts=clock.now(), kind="v2_aa", field="kcal", floor_abs=15.0, floor_rel=0.01, samples=50)
    )
    seed(extra=floors)
    r = judge(engine, clock)
    assert r.stats["noise_floor"]["kcal"] == {"abs": 15.0, "rel": 0.01}
    assert r.stats["excess_p95_abs"]["kcal"] == pytest.approx(75.0)
    assert r.outcome == "go", r.reasons


def test_p1_needs_two_baseline_weeks(engine: Engine, clock: FrozenClock, seed: Callable[..., None]) -> None:
    seed(30)

    def week(d: date, env: str = "local", f: str = "kcal") -> BaselineSummary:
        return BaselineSummary(
            week_start=d,
            env=env,
            field=f,
            samples=100,
            median=10,
            iqr=5,
            threshold=17.5,
            recorded_at=clock.now(),
        )

    seed(
        extra=[
            week(date(2026, 11, 9)),
            week(date(2026, 11, 9), f="fat_g"),
            week(date(2026, 11, 2), env="prod"),
        ]
    )
    r = judge(engine, clock, Phase.P1)
    assert r.outcome == "no_go" and "1 week(s)" in r.reasons[0]
    seed(extra=[week(date(2026, 11, 16))])
    r = judge(engine, clock, Phase.P1)
    assert r.outcome == "go", r.reasons
    assert r.stats["baseline_weeks"] == ["2026-11-09", "2026-11-16"]


def test_prod_p3_needs_fourteen_green_visual_days(
    engine: Engine, clock: FrozenClock, seed: Callable[..., None]
) -> None:
    seed(30)
    prod = GateConfig(pipeline_version=PV, env="prod", min_samples=20)
    runs = [
        VisualRun(ts=clock.now() - timedelta(days=d, hours=1), env="prod", passed=True) for d in range(13)
    ]
    seed(extra=runs)
    r = judge(engine, clock, Phase.P3, prod)
    assert r.outcome == "no_go" and "13 of the last 14 days" in r.reasons[0]
    assert judge(engine, clock, Phase.P3, CFG).outcome == "go"  # not prod: no visual rule
    seed(extra=[VisualRun(ts=clock.now() - timedelta(days=13, hours=1), env="prod", passed=True)])
    assert judge(engine, clock, Phase.P3, prod).outcome == "go"
    seed(extra=[VisualRun(ts=clock.now() - timedelta(hours=2), env="prod", passed=False)])
    r = judge(engine, clock, Phase.P2, prod)
    assert r.outcome == "no_go" and "1 visual regression run(s) failed" in r.reasons[0]


def test_prerequisite_failure_beats_few_samples(engine: Engine, clock: FrozenClock) -> None:
    r = judge(engine, clock, Phase.P1)
    assert r.outcome == "no_go" and len(r.reasons) == 2


def test_p0_needs_only_the_schema(engine: Engine, clock: FrozenClock) -> None:
    r = judge(engine, clock, Phase.P0)
    assert r.outcome == "go" and r.stats["missing_tables"] == []


def test_on_call_query_runs_raw_on_postgres(
    engine: Engine, clock: FrozenClock, seed: Callable[..., None]
) -> None:
    """Runbook §7: `SELECT ... FROM diffs WHERE ts > now()-interval '15 min'` works as typed."""
    if not is_postgres(engine):
        pytest.skip("the runbook's SQL is PostgreSQL (interval literal)")
    real_now = datetime.now().astimezone()
    with session_scope(make_sessionmaker(engine)) as s:
        s.add(diff_row(1, real_now - timedelta(minutes=5), kcal=99.0, breach=True))
        s.add(diff_row(2, real_now - timedelta(minutes=30)))
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT ts, log_id, user_id, kcal_abs, kcal_rel, breach, breach_fields "
                "FROM diffs WHERE ts > now()-interval '15 min' ORDER BY ts DESC"
            )
        ).all()
    assert [(r.log_id, r.kcal_abs, r.breach) for r in rows] == [(1, 99.0, True)]


# ---- CLI -----------------------------------------------------------------------------------------
@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    import typer
    from typer.testing import CliRunner

    from meallog.cli.migration_ops import register

    for name in ("METRIC_ENV", "SHADOW_PIPELINE_VERSION", "NORMALIZE_V2_SHADOW", "DUAL_WRITE_V2"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("COLUMNS", "200")
    app = typer.Typer()
    register(app)
    runner = CliRunner()

    def _run(*args: str) -> Any:
        return runner.invoke(app, list(args))

    return _run


def seed_now(engine: Engine, n: int, start: int = 1, **kw: Any) -> None:
    now = datetime.now().astimezone()
    with session_scope(make_sessionmaker(engine)) as s:
        for i in range(start, start + n):
            s.add(diff_row(i, now - timedelta(minutes=1), **kw))


def test_cli_gate_exit_codes(cli: Callable[..., Any], engine: Engine) -> None:
    r = cli("gate")  # flags all off: the next phase is P0, which needs only the schema
    assert r.exit_code == 0, r.output
    assert "OFF -> P0" in r.output and "GO" in r.output
    seed_now(engine, 5)
    r = cli("gate", "--phase", "P2", "--min-samples", "20")
    assert r.exit_code == 2, r.output
    assert "INCONCLUSIVE" in r.output
    seed_now(engine, 20, start=100)
    r = cli("gate", "--phase", "p2", "--min-samples", "20", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["outcome"] == "go" and data["stats"]["judged"] == 25 and data["target"] == "P2"
    seed_now(engine, 10, start=200, kcal=150.0, breach=True)
    r = cli("gate", "--phase", "P2", "--min-samples", "20")
    assert r.exit_code == 1, r.output
    assert "NO_GO" in r.output and "breach rate" in r.output
    r = cli("gate", "--phase", "P9")
    assert r.exit_code == 2 and "unknown phase" in r.output


def test_cli_diffs_lists_recent_rows(cli: Callable[..., Any], engine: Engine) -> None:
    seed_now(engine, 2)
    seed_now(engine, 1, start=50, kcal=123.0, breach=True, rule=None, triage="v2_bug")
    with session_scope(make_sessionmaker(engine)) as s:  # an old row outside --since
        s.add(diff_row(99, datetime.now().astimezone() - timedelta(hours=3), kcal=500.0, breach=True))
    r = cli("diffs", "--since", "15m")
    assert r.exit_code == 0, r.output
    assert "3 row(s)" in r.output and "123" in r.output and "v2_bug" in r.output and "500" not in r.output
    r = cli("diffs", "--since", "2h", "--breach-only", "--json")
    rows = json.loads(r.output)["rows"]
    assert [(x["log_id"], x["breach_fields"]) for x in rows] == [(50, ["kcal"])]
    r = cli("diffs", "--since", "1d", "--limit", "1", "--json")
    assert len(json.loads(r.output)["rows"]) == 1
    r = cli("diffs", "--since", "soon")
    assert r.exit_code == 2 and "cannot read duration" in r.output
