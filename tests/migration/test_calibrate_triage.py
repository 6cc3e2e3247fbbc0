"""A/A calibration, triage verdicts, replay and ignore rules (services and CLI), on both backends."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from meallog.clock import FrozenClock
from meallog.errors import InvalidInput, LogNotFound, NotFound
from meallog.migration.calibrate import calibrate
from meallog.migration.diff import diff_totals
from meallog.migration.gate import noise_floors
from meallog.migration.ignore import IgnoreMatcher
from meallog.migration.triage import add_rule, expire_rule, list_rules, mark, replay
from meallog.nutrition.legacy import compute_legacy
from meallog.nutrition.normalize_v2 import V2Options, normalize
from meallog.nutrition.types import FIELDS, ProviderItem, ProviderResult
from meallog.store.db import make_sessionmaker, session_scope
from meallog.store.models import Calibration, Diff, MealLogV2, OutboxJob
from tests.migration.helpers import RICE_ITEM, seed_legacy_log

PV = "v2.0.0"
OPTIONS = V2Options(never_zero_mode="safe", atwater_simple_scale=False, set_proposal_ui=True)
ITEMS = [
    RICE_ITEM,
    ProviderItem(
        name="味噌汁", food_id="miso_soup", quantity=1, unit="杯"
    ),  # legacy: 0 kcal, v2: a real soup
]




def seed_log(
    engine: Engine, clock: FrozenClock, items: list[ProviderItem], text: str = "ご飯と味噌汁"
) -> int:
    with session_scope(make_sessionmaker(engine)) as s:
        return seed_legacy_log(s, clock=clock, items=tuple(items), text=text)


def seed_diff(engine: Engine, clock: FrozenClock, log_id: int) -> int:
    with session_scope(make_sessionmaker(engine)) as s:
        d = Diff(
            ts=clock.now(),
            log_id=log_id,
            log_version=1,
            user_id=1,
            pipeline_version=PV,
            kcal_abs=90.0,
            kcal_rel=0.3,
            protein_g_abs=0,
            protein_g_rel=0,
            fat_g_abs=0,
            fat_g_rel=0,
            carbs_g_abs=0,
            carbs_g_rel=0,
            legacy_totals={},
            v2_totals={},
            breach=True,
            breach_fields="kcal",
        )
        s.add(d)
        s.flush()
        return d.id


def test_calibrate_writes_floors_per_kind_and_field(engine: Engine, clock: FrozenClock) -> None:
    for i in range(5):
        seed_log(engine, clock, ITEMS[: 1 + i % 2])
    with session_scope(make_sessionmaker(engine)) as s:
        report = calibrate(s, sample=3, now=clock.now(), options=OPTIONS, pipeline_version=PV)
    assert report.samples == 3 and len(report.floors) == 8
    with Session(engine) as s:
        rows = list(s.scalars(select(Calibration)))
        assert {(r.kind, r.field) for r in rows} == {(k, f) for k in ("legacy_aa", "v2_aa") for f in FIELDS}
        assert all(r.samples == 3 and r.floor_abs >= 0 and r.ts == clock.now() for r in rows)
        # both pipelines are deterministic: their A/A floor is 0, and the gate reads that
        assert all(fl.abs == 0 and fl.rel == 0 for fl in noise_floors(s).values())


def test_calibrate_with_no_logs_records_nothing(engine: Engine, clock: FrozenClock) -> None:
    with session_scope(make_sessionmaker(engine)) as s:
        report = calibrate(s, sample=10, now=clock.now(), options=OPTIONS, pipeline_version=PV)
    assert report.samples == 0 and report.floors == []
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Calibration)) == 0


def test_mark_records_verdicts(engine: Engine, clock: FrozenClock) -> None:
    diff_id = seed_diff(engine, clock, seed_log(engine, clock, ITEMS))
    with session_scope(make_sessionmaker(engine)) as s:
        mark(s, diff_id, "accepted_change", "v2 counts the miso soup; legacy had 0")
    with Session(engine) as s:
        row = s.get_one(Diff, diff_id)
        assert (row.triage, row.triage_note) == ("accepted_change", "v2 counts the miso soup; legacy had 0")
    with session_scope(make_sessionmaker(engine)) as s, pytest.raises(InvalidInput):
        mark(s, diff_id, "looks_fine")
    with session_scope(make_sessionmaker(engine)) as s, pytest.raises(NotFound):
        mark(s, diff_id + 100, "v2_bug")


def test_replay_recomputes_both_pipelines_without_writing(engine: Engine, clock: FrozenClock) -> None:
    log_id = seed_log(engine, clock, ITEMS)
    parsed = ProviderResult(items=tuple(ITEMS), provider="offline", model="offline-test")
    legacy = compute_legacy(parsed).totals.model_dump()
    v2 = normalize(parsed, options=OPTIONS, pipeline_version=PV).totals.model_dump()
    with session_scope(make_sessionmaker(engine)) as s:
        r = replay(s, log_id, options=OPTIONS, pipeline_version=PV)
        assert not s.new and not s.dirty
    expected = diff_totals(legacy, v2)
    assert {f: d.abs for f, d in r.diffs.items()} == {f: d.abs for f, d in expected.items()}
    assert r.legacy_totals["kcal"] == pytest.approx(r.stored_totals["kcal"])
    assert r.v2_totals["kcal"] > r.legacy_totals["kcal"]  # v2 counts the soup legacy logged as 0
    assert json.loads(json.dumps(r.to_json()))["log_id"] == log_id
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(MealLogV2)) == 0
        assert s.scalar(select(func.count()).select_from(Diff)) == 0
    with session_scope(make_sessionmaker(engine)) as s, pytest.raises(LogNotFound):
        replay(s, log_id + 100, options=OPTIONS, pipeline_version=PV)


def test_ignore_rules_add_list_expire(engine: Engine, clock: FrozenClock) -> None:
    today = clock.now().date()
    with session_scope(make_sessionmaker(engine)) as s:
        rule = add_rule(
            s,
            field="kcal",
            predicate="text ~ 味噌汁 and abs < 60",
            reason="soup portions",
            owner="sre-tokyo",
            expires_on=today + timedelta(days=30),
            now=clock.now(),
        )
        add_rule(
            s,
            field="*",
            predicate="tag = unknown_food",
            reason="new foods",
            owner="app",
            expires_on=today,
            now=clock.now(),
        )
        rule_id = rule.id
        for bad in (
            {"field": "sugar_g"},
            {"predicate": "abs << 3"},
            {"predicate": "text < 3"},
            {"expires_on": today - timedelta(days=1)},
            {"reason": " "},
        ):
            args: dict[str, Any] = {
                "field": "kcal",
                "predicate": "abs < 5",
                "reason": "r",
                "owner": "o",
                "expires_on": today,
                **bad,
            }
            with pytest.raises(InvalidInput):
                add_rule(s, now=clock.now(), **args)
    with session_scope(make_sessionmaker(engine)) as s:
        assert [r.id for r in list_rules(s, today=today)] == [rule_id, rule_id + 1]
        matcher = IgnoreMatcher.from_rows(list_rules(s))
        diffs = diff_totals({"kcal": 100}, {"kcal": 150})
        assert matcher.match("ご飯と味噌汁", diffs, [], today=today) == rule_id
        expire_rule(s, rule_id, today=today)
    with Session(engine) as s:
        assert [r.id for r in list_rules(s, today=today)] == [rule_id + 1]
        assert len(list_rules(s)) == 2
        matcher = IgnoreMatcher.from_rows(list_rules(s))
        assert matcher.match("ご飯と味噌汁", diffs, [], today=today) is None
        with pytest.raises(NotFound):
            expire_rule(s, 999, today=today)


# ---- CLI -----------------------------------------------------------------------------------------
@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    import typer
    from typer.testing import CliRunner

    from meallog.cli.migration_ops import register

    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("SHADOW_PIPELINE_VERSION", PV)
    monkeypatch.setenv("COLUMNS", "200")
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def test_cli_shadow_commands(cli: Callable[..., Any], engine: Engine, clock: FrozenClock) -> None:
    log_id = seed_log(engine, clock, ITEMS)
    diff_id = seed_diff(engine, clock, log_id)

    r = cli("shadow", "triage", str(diff_id), "accepted_change", "--note", "soup")
    assert r.exit_code == 0 and f"diff {diff_id} (log {log_id}) triaged accepted_change" in r.output
    r = cli("shadow", "triage", str(diff_id), "meh")
    assert r.exit_code == 2 and "verdict must be one of" in r.output
    assert cli("shadow", "triage", "999999", "v2_bug").exit_code == 1

    r = cli("shadow", "replay", str(log_id), "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["log_id"] == log_id
    r = cli("shadow", "replay", str(log_id))
    assert r.exit_code == 0 and "kcal" in r.output
    assert cli("shadow", "replay", "999999").exit_code == 1

    r = cli("shadow", "calibrate", "--sample", "10")
    assert r.exit_code == 0 and "A/A noise floor over 1 log(s)" in r.output

    later = (date.today() + timedelta(days=14)).isoformat()
    r = cli(
        "shadow",
        "ignore",
        "add",
        "--field",
        "kcal",
        "--predicate",
        "abs < 10",
        "--reason",
        "rounding",
        "--owner",
        "sre",
        "--expires",
        later,
    )
    assert r.exit_code == 0 and "ignore rule #1 added" in r.output
    r = cli(
        "shadow",
        "ignore",
        "add",
        "--field",
        "kcal",
        "--predicate",
        "abs ~ 10",
        "--reason",
        "x",
        "--owner",
        "sre",
        "--expires",
        later,
    )
    assert r.exit_code == 2 and "numeric comparison" in r.output
    r = cli("shadow", "ignore", "list", "--json")
    assert [x["predicate"] for x in json.loads(r.output)["rules"]] == ["abs < 10"]
    assert cli("shadow", "ignore", "expire", "1").exit_code == 0
    assert json.loads(cli("shadow", "ignore", "list", "--json").output)["rules"] == []
    assert len(json.loads(cli("shadow", "ignore", "list", "--all", "--json").output)["rules"]) == 1

    with session_scope(make_sessionmaker(engine)) as s:
        for state in ("dead", "dead", "done"):
            s.add(
                OutboxJob(
                    kind="shadow",
                    log_id=log_id,
                    log_version=1,
                    payload={},
                    state=state,
                    attempts=5,
                    next_attempt_at=clock.now(),
                    created_at=clock.now(),
                    updated_at=clock.now(),
                )
            )
    r = cli("shadow", "retry")
    assert r.exit_code == 0 and "2 dead-letter job(s) back to pending" in r.output
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(OutboxJob).where(OutboxJob.state == "pending")) == 2
