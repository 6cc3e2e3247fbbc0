"""Feature service and phase control on both databases: overrides, audit, order, OpenFeature, CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from openfeature.evaluation_context import EvaluationContext
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from meallog.cli.main import app as cli
from meallog.clock import FrozenClock
from meallog.errors import GateRed, InvalidInput, InvalidTransition
from meallog.migration.flags import FeatureService, FlagStore, SnapshotCache
from meallog.migration.phases import Phase
from meallog.settings import Settings
from meallog.store.db import session_scope
from meallog.store.models import FlagAudit, PhaseEvent
from tests.migration.helpers import make_services


def test_env_defaults_overrides_and_audit(make_settings: Callable[..., Settings], engine: Engine,
                                          clock: FrozenClock) -> None:
    settings = make_settings(normalize_v2_shadow=True, never_zero_mode="strict")
    store = FlagStore(settings)
    with session_scope(engine) as s:
        snap = store.snapshot(s)
        assert snap.phase is Phase.P0
        assert snap.sources["NORMALIZE_V2_SHADOW"] == "env" and snap.value("NEVER_ZERO_MODE") == "strict"
        store.set(s, "NEVER_ZERO_MODE", "safe", actor="sre", why="runbook keeps safe", now=clock.now())
        store.set(s, "DUAL_WRITE_V2", "on", actor="sre", why="go", now=clock.now())
    with session_scope(engine) as s:
        snap = store.snapshot(s)
        assert snap.phase is Phase.P1 and snap.sources["DUAL_WRITE_V2"] == "override"
        with pytest.raises(InvalidTransition, match="SWITCH_V2 cannot be turned on before DUAL_READ_V2"):
            store.set(s, "SWITCH_V2", "on", actor="sre", why=None, now=clock.now())
        with pytest.raises(InvalidTransition, match="turn off the later phase first"):
            store.set(s, "NORMALIZE_V2_SHADOW", "off", actor="sre", why=None, now=clock.now())
        with pytest.raises(InvalidInput):
            store.set(s, "DUAL_READ_V2", "120", actor="sre", why=None, now=clock.now())
    with session_scope(engine) as s:
        store.unset(s, "NEVER_ZERO_MODE", actor="sre", why=None, now=clock.now())
        assert store.snapshot(s).value("NEVER_ZERO_MODE") == "strict"
        audit = [(a.name, a.old, a.new, a.actor) for a in s.scalars(select(FlagAudit).order_by(FlagAudit.id))]
    assert audit == [("NEVER_ZERO_MODE", "strict", "safe", "sre"), ("DUAL_WRITE_V2", "off", "on", "sre"),
                     ("NEVER_ZERO_MODE", "safe", None, "sre")]


def test_openfeature_provider_answers_from_the_feature_service(make_settings: Callable[..., Settings],
                                                               engine: Engine, clock: FrozenClock) -> None:
    settings = make_settings()
    store = FlagStore(settings)

    def load():  # type: ignore[no-untyped-def]
        with session_scope(engine) as s:
            return store.snapshot(s)

    features = FeatureService(store=store, snapshots=SnapshotCache(load, ttl_s=0))
    with session_scope(engine) as s:
        for name, value in [("NORMALIZE_V2_SHADOW", "on"), ("DUAL_WRITE_V2", "on"), ("DUAL_READ_V2", "50")]:
            store.set(s, name, value, actor="t", why=None, now=clock.now())
    assert features.phase() is Phase.P2
    assert features.client.get_integer_value("DUAL_READ_V2", 0) == 50
    assert features.client.get_string_value("NEVER_ZERO_MODE", "x") == "safe"
    details = features.client.get_boolean_details("DUAL_WRITE_V2", False)
    assert details.value is True and details.flag_metadata["source"] == "override"
    users = range(1, 401)
    inside = [u for u in users if features.reads_through_adapter(u)]
    assert 150 < len(inside) < 250
    ctx = EvaluationContext(targeting_key=str(inside[0]))
    assert features.client.get_boolean_value("DUAL_READ_V2", False, ctx) is True
    assert features.client.get_boolean_details("NOPE", False).error_code is not None


def test_advance_needs_a_green_gate_or_force_with_why(make_settings: Callable[..., Settings], engine: Engine,
                                                      clock: FrozenClock) -> None:
    services = make_services(make_settings(), engine, clock)
    control = services.migration.control

    class Red:
        outcome, reasons = "no_go", ["p95 kcal 120 > 80"]

    with session_scope(engine) as s:
        assert control.advance(s, actor="sre", why="start", now=clock.now(), gate=None).after is Phase.P0
        with pytest.raises(GateRed, match="p95 kcal 120"):
            control.advance(s, actor="sre", why=None, now=clock.now(), gate=lambda *_: Red())
        with pytest.raises(InvalidInput, match="--why"):
            control.advance(s, actor="sre", why=None, now=clock.now(), gate=lambda *_: Red(), force=True)
        change = control.advance(s, actor="sre", why="accepted diffs", now=clock.now(), gate=lambda *_: Red(),
                                 force=True)
        assert change.after is Phase.P1
    with session_scope(engine) as s:
        events = [(e.from_phase, e.to_phase, e.forced) for e in s.scalars(select(PhaseEvent).order_by(PhaseEvent.id))]
    assert events == [("OFF", "P0", False), ("P0", "P1", True)]


def test_cli_flags_and_phase(make_settings: Callable[..., Settings], engine: Engine, db_url: str) -> None:
    runner = CliRunner()
    env = {"DATABASE_URL": db_url}

    ok = runner.invoke(cli, ["flags", "set", "NORMALIZE_V2_SHADOW", "on", "--why", "P0 start"], env=env)
    assert ok.exit_code == 0, ok.output
    refused = runner.invoke(cli, ["flags", "set", "SWITCH_V2", "on", "--why", "skip ahead"], env=env)
    assert refused.exit_code == 3 and "cannot be turned on before" in refused.output
    bad = runner.invoke(cli, ["flags", "set", "DUAL_READ_V2", "lots", "--why", "x"], env=env)
    assert bad.exit_code == 2 and "percentage" in bad.output
    unknown = runner.invoke(cli, ["flags", "set", "NOPE", "on", "--why", "x"], env=env)
    assert unknown.exit_code == 2

    status = runner.invoke(cli, ["phase", "status", "--json"], env=env)
    st = json.loads(status.output)
    assert st["phase"] == "P0" and st["flags"]["NORMALIZE_V2_SHADOW"] is True
    assert st["sources"]["NORMALIZE_V2_SHADOW"] == "override" and "queue" in st

    back = runner.invoke(cli, ["phase", "rollback", "--why", "drill"], env=env)
    assert back.exit_code == 0 and "P0 -> OFF" in back.output
    assert runner.invoke(cli, ["phase", "rollback", "--why", "again"], env=env).exit_code == 3
    assert runner.invoke(cli, ["flags", "unset", "NORMALIZE_V2_SHADOW", "--why", "env default"], env=env).exit_code == 0


def test_cli_visual_runs_feed_the_gate(engine: Engine, db_url: str) -> None:
    from meallog.store.models import VisualRun

    runner = CliRunner()
    env = {"DATABASE_URL": db_url, "METRIC_ENV": "prod"}
    assert runner.invoke(cli, ["visual", "record", "--passed", "--report", "ci/123"], env=env).exit_code == 0
    failed = runner.invoke(cli, ["visual", "record", "--failed"], env=env)
    assert failed.exit_code == 0 and "rollback" in failed.output
    with session_scope(engine) as s:
        runs = [(r.env, r.passed, r.report) for r in s.scalars(select(VisualRun).order_by(VisualRun.id))]
    assert runs == [("prod", True, "ci/123"), ("prod", False, "")]


def test_the_openfeature_phase_never_defaults_to_off_on_a_provider_error(make_settings: Callable[..., Settings],
                                                                         engine: Engine) -> None:
    from meallog.errors import FlagUnavailable

    store = FlagStore(make_settings())

    def broken() -> Any:
        raise RuntimeError("flag service down")

    features = FeatureService(store=store, snapshots=SnapshotCache(broken, ttl_s=0))
    with pytest.raises(FlagUnavailable):
        features.phase()
