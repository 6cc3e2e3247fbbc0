"""`meallog simulate` (deterministic, the real pipelines, the script's CSV) and `meallog verify-deploy`."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from meallog.app import build_services, create_app
from meallog.cli.main import app as cli
from meallog.observability import simulate as sim
from meallog.observability import verify
from meallog.observability.metrics import CommonLabels, Metrics
from meallog.settings import Settings
from meallog.store.db import make_engine, make_sessionmaker, session_scope
from meallog.store.migrate import upgrade
from meallog.store.models import BaselineSummary
from tests.serving import free_port, serve

runner = CliRunner()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """A migrated SQLite database of its own (the shared sqlite_template fixture is not needed here)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'meallog.sqlite3'}")
    upgrade(engine)
    yield engine
    engine.dispose()


SMALL = sim.SimConfig(days=2, seed=7, users=2, envs=("prod",), min_samples=1)


# -- simulate ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> sim.SimResult:
    return sim.simulate(SMALL, tmp_path_factory.mktemp("sim-a"))


def test_same_seed_writes_byte_identical_files(small_run: sim.SimResult, tmp_path: Path) -> None:
    again = sim.simulate(SMALL, tmp_path)
    assert again.summary.read_bytes() == small_run.summary.read_bytes()
    assert again.pull.read_bytes() == small_run.pull.read_bytes()
    assert again.weekly.read_bytes() == small_run.weekly.read_bytes()


def test_another_seed_gives_other_traffic(small_run: sim.SimResult, tmp_path: Path) -> None:
    other = sim.simulate(sim.SimConfig(days=2, seed=8, users=2, envs=("prod",), min_samples=1), tmp_path)
    assert other.pull.read_bytes() != small_run.pull.read_bytes()


def test_traffic_went_through_the_real_pipelines(small_run: sim.SimResult) -> None:
    counts = small_run.counts["prod"]
    assert counts["users"] == 2
    assert counts["create"] >= 8  # two users, two days, most meals logged
    doc = json.loads(small_run.pull.read_text())
    assert doc["simulation"]["envs"]["prod"] == counts
    p95 = doc["series"]["env_field:meal_log_shadow_diff_abs:p95_1d"]["data"]["result"]
    assert {item["metric"]["field"] for item in p95} == {"kcal", "protein_g", "fat_g", "carbs_g"}
    kcal = next(item for item in p95 if item["metric"]["field"] == "kcal")
    assert len(kcal["values"]) == 25  # hourly from the first full day to the end
    assert any(math.isfinite(float(v)) for _, v in kcal["values"])  # diffs were observed by the worker
    assert doc["end"] == int(datetime(2025, 9, 20, tzinfo=UTC).timestamp())


def test_summary_is_the_threshold_script_output(small_run: sim.SimResult) -> None:
    script = sim.thresholds_script()
    rows = list(csv.reader(io.StringIO(small_run.summary.read_text())))
    assert tuple(rows[0]) == script.COLUMNS  # the columns of baseline_summary_20250920.csv
    keys = {(r[0], r[1], r[2]) for r in rows[1:]}
    assert ("prod", "abs", "kcal") in keys and ("prod", "rel", "fat_g") in keys
    assert small_run.summary.name == "baseline_summary_20250920.csv"
    assert "recommended = median + 1.5 x IQR" in small_run.table
    assert small_run.weekly_rows == []  # two days hold no complete week


@pytest.mark.slow
def test_demo_baseline_is_reproducible(tmp_path: Path) -> None:
    """observability/baselines_demo/20250920 is exactly `meallog simulate --days 28 --seed 20250920`."""
    demo = Path(__file__).resolve().parents[2] / "observability" / "baselines_demo" / "20250920"
    result = sim.simulate(sim.SimConfig(days=28, seed=20250920), tmp_path)
    for produced in (result.pull, result.summary, result.weekly):
        assert produced.read_bytes() == (demo / produced.name).read_bytes(), produced.name


def test_weeks_and_slices() -> None:
    config = sim.SimConfig(days=15, seed=1)
    assert [w[0] for w in sim.weeks(config)] == [date(2025, 9, 5), date(2025, 9, 12)]
    doc = {"series": {"x": {"data": {"result": [{"metric": {}, "values": [[1, "1"], [2, "2"], [3, "3"]]}]}}}}
    assert sim.week_slice(doc, 1, 2)["series"]["x"]["data"]["result"][0]["values"] == [[2, "2"]]


def test_meal_texts_are_japanese_and_english_with_unknown_foods() -> None:
    import random

    rng = random.Random(1)
    ja = [sim.meal_text(rng, meal="dinner", en=False, unknown_rate=0.5) for _ in range(50)]
    en = [sim.meal_text(rng, meal="breakfast", en=True, unknown_rate=0.5) for _ in range(50)]
    assert all(any("\u3040" <= ch <= "\u9fff" for ch in t) for t in ja)
    assert all(t.isascii() for t in en)
    assert any(u in t for t in ja for u in sim.UNKNOWN_JA)


def test_meal_times_follow_tokyo_days() -> None:
    import random

    config = sim.SimConfig(days=7, seed=3, users=5)
    _, events = sim.plan(config, sim.PROFILES["prod"], random.Random(3))
    creates = [e for e in events if e.kind == "create"]
    hours = [e.at.astimezone(sim.TOKYO).hour for e in creates]
    assert all(5 <= h <= 23 for h in hours)
    breakfast = [e.at.astimezone(sim.TOKYO).hour for e in creates if e.meal_type == "breakfast"]
    assert 6 <= sorted(breakfast)[len(breakfast) // 2] <= 9
    assert [e.at for e in events] == sorted(e.at for e in events)
    assert {e.kind for e in events} <= {"create", "edit", "delete"}


@pytest.mark.parametrize(
    ("q", "expected"),
    [(0.5, 1.5), (0.9, 3.8), (0.25, 1.0), (1.0, 5.0)],
)
def test_histogram_quantile_matches_prometheus(q: float, expected: float) -> None:
    # buckets le=1: 2, le=2: 6, le=5: 8, +Inf: 8 (what Prometheus' histogram_quantile returns for these)
    assert sim.histogram_quantile(q, [1.0, 2.0, 5.0, math.inf], [2, 6, 8, 8]) == pytest.approx(expected)


def test_histogram_quantile_edges() -> None:
    assert math.isnan(sim.histogram_quantile(0.5, [1.0, math.inf], [0, 0]))
    assert sim.histogram_quantile(0.99, [1.0, 2.0, math.inf], [1, 1, 10]) == 2.0  # in +Inf: highest bound
    assert math.isnan(sim.histogram_quantile(0.5, [1.0, 2.0], [1, 2]))  # no +Inf bucket


def test_bad_config_is_refused() -> None:
    with pytest.raises(ValueError):
        sim.SimConfig(days=1, seed=1)
    with pytest.raises(ValueError):
        sim.SimConfig(days=3, seed=1, envs=("qa",))


def test_cli_simulate_writes_the_same_files(small_run: sim.SimResult, tmp_path: Path) -> None:
    r = runner.invoke(
        cli,
        [
            "simulate",
            "--days",
            "2",
            "--seed",
            "7",
            "--users",
            "2",
            "--env",
            "prod",
            "--min-samples",
            "1",
            "--out",
            str(tmp_path),
        ],
    )
    assert r.exit_code == 0, r.output
    assert (tmp_path / "baseline_summary_20250920.csv").read_bytes() == small_run.summary.read_bytes()
    assert (tmp_path / "pull_demo_20250920.json").read_bytes() == small_run.pull.read_bytes()
    assert "simulated traffic" in r.output and "prod" in r.output


def test_cli_simulate_bad_input_exits_2(tmp_path: Path) -> None:
    r = runner.invoke(cli, ["simulate", "--days", "3", "--seed", "1", "--env", "qa", "--out", str(tmp_path)])
    assert r.exit_code == 2
    r = runner.invoke(
        cli, ["simulate", "--days", "3", "--seed", "1", "--end", "2025-13-01", "--out", str(tmp_path)]
    )
    assert r.exit_code == 2


def _week_rows(week: str) -> list[dict[str, str]]:
    rows = []
    for metric in ("abs", "rel"):
        for field in ("kcal", "fat_g"):
            rows.append(
                {
                    "week_start": week,
                    "env": "prod",
                    "metric": metric,
                    "field": field,
                    "unit": "g",
                    "n": "168",
                    "p50": "1.0",
                    "p90": "5.0",
                    "p95": "10.0",
                    "q1": "8.0",
                    "q3": "12.0",
                    "iqr": "4.0",
                    "recommended": "16.0",
                    "snapped": "17.5",
                    "status": "looser",
                }
            )
    return rows


def test_record_weekly_upserts_abs_rows(sqlite_engine: Engine) -> None:
    sessions = make_sessionmaker(sqlite_engine)
    now = datetime(2025, 9, 20, tzinfo=UTC)
    rows = _week_rows("2025-09-06") + _week_rows("2025-09-13")
    assert sim.record_weekly(sessions, rows, now=now, source="test") == 4
    assert (
        sim.record_weekly(sessions, rows, now=now, source="test again") == 4
    )  # rerun: replaced, not doubled
    with session_scope(sessions) as s:
        got = s.scalars(
            select(BaselineSummary).order_by(BaselineSummary.week_start, BaselineSummary.field)
        ).all()
        assert [(b.week_start, b.field, b.threshold, b.source) for b in got] == [
            (date(2025, 9, 6), "fat_g", 17.5, "test again"),
            (date(2025, 9, 6), "kcal", 17.5, "test again"),
            (date(2025, 9, 13), "fat_g", 17.5, "test again"),
            (date(2025, 9, 13), "kcal", 17.5, "test again"),
        ]
        assert s.scalar(select(func.count()).select_from(BaselineSummary)) == 4


def test_cli_simulate_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_engine: Engine) -> None:
    monkeypatch.setenv("DATABASE_URL", str(sqlite_engine.url))
    r = runner.invoke(
        cli,
        [
            "simulate",
            "--days",
            "8",
            "--seed",
            "5",
            "--users",
            "1",
            "--env",
            "prod",
            "--step",
            "21600",
            "--min-samples",
            "1",
            "--out",
            str(tmp_path / "out"),
            "--record",
        ],
    )
    assert r.exit_code == 0, r.output
    assert "recorded 4 baseline_summaries row(s)" in r.output
    weekly = list(csv.DictReader(io.StringIO((tmp_path / "out" / "weekly_summary_20250920.csv").read_text())))
    assert {w["week_start"] for w in weekly} == {"2025-09-12"}
    assert tuple(weekly[0]) == sim.WEEKLY_COLUMNS


# -- verify-deploy -----------------------------------------------------------------------------------

GOOD = CommonLabels(
    env="stg", shadow_version="v2.1.0", ai_provider="offline", model="offline", app_version="9.9.9"
)


def _page(labels: CommonLabels = GOOD) -> str:
    return Metrics(labels=labels, registry=CollectorRegistry()).render()[0].decode()


def test_check_metrics_passes_on_a_real_page() -> None:
    expected = verify.Expected(
        env="stg", shadow_version="v2.1.0", ai_provider="offline", model="offline", app_version="9.9.9"
    )
    checks = verify.check_metrics(_page(), expected)
    assert verify.report(checks).ok, [c for c in checks if not c.ok]
    assert verify.labels_seen(_page())["env"] == ["stg"]


def test_check_metrics_names_the_wrong_label() -> None:
    checks = verify.check_metrics(_page(), verify.Expected(env="prod", model="offline"))
    bad = verify.report(checks).failed
    assert [c.name for c in bad] == ["label env"]
    assert "expected env='prod', found 'stg'" in bad[0].detail


def test_check_metrics_without_the_histogram_or_labels() -> None:
    checks = verify.check_metrics("# TYPE up gauge\nup 1\n")
    assert not verify.report(checks).ok
    assert "no such series" in verify.report(checks).failed[0].detail
    page = 'meal_log_shadow_diff_abs_bucket{field="kcal",le="+Inf"} 1\n'
    failed = {c.name for c in verify.report(verify.check_metrics(page)).failed}
    assert "labels env, shadow_version, ai_provider, model, app_version" in failed
    assert "every field" in failed
    assert not verify.report(verify.check_metrics("this is { not metrics")).ok


def test_status_and_promtool_checks() -> None:
    assert verify.check_status("/healthz", 200).ok
    assert not verify.check_status("/readyz", 503).ok
    assert not verify.check_status("/readyz", None, "ConnectError").ok
    assert verify.check_promtool(None, "").ok
    assert verify.check_promtool(0, "").ok
    assert not verify.check_promtool(1, "meal_log_x counter metrics should have _total suffix").ok
    assert not verify.report([]).ok  # nothing checked is not a pass


@pytest.fixture
def served(sqlite_engine: Engine) -> Iterator[str]:
    settings = Settings.model_validate(
        {
            "database_url": str(sqlite_engine.url),
            "metric_env": "stg",
            "shadow_pipeline_version": "v2.1.0",
            "normalize_v2_shadow": True,
            "run_worker": False,
            "run_scheduler": False,
        }
    )
    services = build_services(settings, engine=sqlite_engine, snapshot_ttl_s=3600.0)
    services.worker.refresh_gauges()  # what the in-process worker does first: phase and queue gauges
    with serve(create_app(settings, services=services)) as url:
        yield url


def test_verify_deploy_passes(served: str) -> None:
    r = runner.invoke(
        cli,
        [
            "verify-deploy",
            "--url",
            served,
            "--env",
            "stg",
            "--shadow-version",
            "v2.1.0",
            "--ai-provider",
            "offline",
            "--model",
            "offline",
        ],
    )
    assert r.exit_code == 0, r.output
    assert "FAIL" not in r.output and "OK" in r.output
    assert "phase: P0" in r.output


def test_verify_deploy_fails_on_the_wrong_env(served: str) -> None:
    r = runner.invoke(cli, ["verify-deploy", "--url", served, "--env", "prod"])
    assert r.exit_code == 1, r.output
    assert "expected env='prod', found 'stg'" in r.output


def test_verify_deploy_fails_when_unreachable() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    r = runner.invoke(cli, ["verify-deploy", "--url", url, "--timeout", "2", "--no-promtool"])
    assert r.exit_code == 1
    assert "no answer" in r.output


def test_verify_deploy_reads_app_host(served: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_HOST", served)
    r = runner.invoke(cli, ["verify-deploy", "--env", "stg", "--no-promtool"])
    assert r.exit_code == 0, r.output
