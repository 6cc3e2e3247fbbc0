"""A visual regression run is recorded for the gate; a failed one pages and, with DUAL_READ_V2 on,
steps back one phase with cause "visual" (runbook §3, §8)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
from sqlalchemy import Engine, select

from meallog.clock import FrozenClock
from meallog.migration.rollback import Pager
from meallog.migration.service import Migration, build_migration
from meallog.migration.visual import record_visual_run
from meallog.observability.metrics import CommonLabels, Metrics
from meallog.settings import Settings
from meallog.store.db import make_sessionmaker, session_scope
from meallog.store.models import FeatureFlag, PhaseEvent, VisualRun

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


def _migration(engine: Engine, settings: Settings, sent: list[dict]) -> Migration:
    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(202)

    pager = Pager(pagerduty_url="http://pager.test/v2/enqueue", routing_key="rk", slack_url=None,
                  client=httpx.Client(transport=httpx.MockTransport(handler)), background=False)
    metrics = Metrics(labels=CommonLabels.from_settings(settings))
    return build_migration(settings, sessions=make_sessionmaker(engine), metrics=metrics, clock=FrozenClock(NOW),
                           pager=pager, snapshot_ttl_s=0.0)


def test_a_passed_run_is_recorded_and_pages_nobody(engine: Engine, make_settings: Callable[..., Settings]) -> None:
    sent: list[dict] = []
    m = _migration(engine, make_settings(), sent)
    with session_scope(make_sessionmaker(engine)) as s:
        out = record_visual_run(s, m, passed=True, env="stg", report="ci/1/playwright-report", now=NOW)
    assert (out.passed, out.paged, out.change) == (True, False, None) and sent == []
    with session_scope(make_sessionmaker(engine)) as s:
        assert [(r.env, r.passed, r.report) for r in s.scalars(select(VisualRun))] == \
            [("stg", True, "ci/1/playwright-report")]


def test_a_failed_run_with_dual_read_on_steps_back_and_pages(engine: Engine,
                                                             make_settings: Callable[..., Settings]) -> None:
    sent: list[dict] = []
    m = _migration(engine, make_settings(), sent)
    with session_scope(make_sessionmaker(engine)) as s:
        for name, value in (("NORMALIZE_V2_SHADOW", "on"), ("DUAL_WRITE_V2", "on"), ("DUAL_READ_V2", "10")):
            s.add(FeatureFlag(name=name, value=value, updated_at=NOW, updated_by="test"))
    with session_scope(make_sessionmaker(engine)) as s:
        out = record_visual_run(s, m, passed=False, env="stg", report="ci/2", now=NOW)
    assert out.change is not None and (out.change.before.value, out.change.after.value) == ("P2", "P1")
    with session_scope(make_sessionmaker(engine)) as s:
        event = s.scalars(select(PhaseEvent)).one()
        assert (event.cause, event.actor) == ("visual", "visual-regression") and "ci/2" in (event.reason or "")
        assert s.scalars(select(VisualRun)).one().passed is False
    assert len(sent) == 1 and sent[0]["payload"]["custom_details"]["cause"] == "visual"


def test_a_failed_run_without_dual_read_only_pages(engine: Engine, make_settings: Callable[..., Settings]) -> None:
    sent: list[dict] = []
    m = _migration(engine, make_settings(), sent)
    with session_scope(make_sessionmaker(engine)) as s:
        out = record_visual_run(s, m, passed=False, env="prod", report="ci/3", now=NOW)
    assert (out.paged, out.change) == (True, None)
    assert len(sent) == 1 and "visual regression failed in prod" in sent[0]["payload"]["summary"]
    with session_scope(make_sessionmaker(engine)) as s:
        assert s.scalars(select(PhaseEvent)).all() == []


def test_a_second_failed_run_within_the_cool_down_pages_but_does_not_step_back_again(
        engine: Engine, make_settings: Callable[..., Settings]) -> None:
    """Runbook §3: one incident never unwinds the migration. A red visual suite re-run a minute later
    (CI retries, or the next commit) must not take P3 -> P2 -> P1; the cool-down counts visual step-backs."""
    sent: list[dict] = []
    m = _migration(engine, make_settings(), sent)
    with session_scope(make_sessionmaker(engine)) as s:
        for name, value in (("NORMALIZE_V2_SHADOW", "on"), ("DUAL_WRITE_V2", "on"), ("DUAL_READ_V2", "100"),
                            ("SWITCH_V2", "on")):
            s.add(FeatureFlag(name=name, value=value, updated_at=NOW, updated_by="test"))
    with session_scope(make_sessionmaker(engine)) as s:
        first = record_visual_run(s, m, passed=False, env="stg", report="ci/4", now=NOW)
    assert first.change is not None and (first.change.before.value, first.change.after.value) == ("P3", "P2")
    later = NOW.replace(minute=2)
    with session_scope(make_sessionmaker(engine)) as s:
        second = record_visual_run(s, m, passed=False, env="stg", report="ci/5", now=later)
    assert (second.paged, second.change) == (True, None)
    with session_scope(make_sessionmaker(engine)) as s:
        assert [(e.from_phase, e.to_phase) for e in s.scalars(select(PhaseEvent))] == [("P3", "P2")]
    assert len(sent) == 2 and "cool-down" in sent[1]["payload"]["summary"]
