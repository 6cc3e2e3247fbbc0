"""The ops page: admin only; its two buttons confirm first and leave an audit row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from meallog.store.db import session_scope
from meallog.store.models import FlagAudit, PhaseEvent
from tests.visual.fixture_days import NOW
from tests.web.conftest import csrf_of, sign_in


def _p2(web: dict[str, Any]) -> None:
    control = web["services"].migration.control
    with session_scope(web["services"].sessions) as s:  # real, fenced transitions (the ramp included)
        for name, value in (("NORMALIZE_V2_SHADOW", "on"), ("DUAL_WRITE_V2", "on"), ("DUAL_READ_V2", "10"),
                            ("DUAL_READ_V2", "50")):
            control.set_flag(s, name, value, actor="test", why="test", now=NOW)
    web["services"].migration.snapshots.invalidate()


def test_ops_is_for_admins_only(web: dict[str, Any]) -> None:
    c = web["client"]
    assert c.get("/ops").headers["location"] == "/"
    assert c.get("/ops", headers={"Authorization": f"Bearer {web['ja']}"}).status_code == 403
    page = c.get("/ops", headers={"Authorization": f"Bearer {web['admin']}"})
    assert page.status_code == 200
    for part in ("Phase", "Diff-Gate for P0", "Flags", "Outbox", "Recent breaches", "Read mismatches",
                 "Phase history", "Ops jobs", "<svg"):
        assert part in page.text, part


def test_the_page_shows_phase_share_sources_and_gate(web: dict[str, Any]) -> None:
    _p2(web)
    page = web["client"].get("/ops", headers={"Authorization": f"Bearer {web['admin']}"}).text
    assert '<div class="phase">P2</div>' in page and "<strong>50 %</strong>" in page
    assert "Diff-Gate for P3" in page and "INCONCLUSIVE" in page and "only 0 judged diff(s)" in page
    assert page.count('class="src src-override"') == 3 and page.count('class="src src-env"') == 4


def test_step_back_needs_confirmation_and_is_audited(web: dict[str, Any]) -> None:
    _p2(web)
    c = web["client"]
    sign_in(c, web["admin"])
    confirm = c.get("/ops/confirm/step-back")
    assert confirm.status_code == 200 and "Step back from P2?" in confirm.text
    token = csrf_of(confirm.text)
    assert c.post("/ops/step-back", data={"csrf": token, "why": "x"}).status_code == 422  # not confirmed
    assert c.post("/ops/step-back", data={"confirm": "step-back", "why": "x"}).status_code == 403  # no CSRF
    r = c.post("/ops/step-back", data={"csrf": token, "confirm": "step-back", "why": "visual diff on stg"})
    assert r.status_code == 303 and r.headers["location"] == "/ops?done=step-back"
    with session_scope(web["services"].sessions) as s:
        event = s.scalars(select(PhaseEvent).order_by(PhaseEvent.id.desc())).first()
        assert event is not None
        assert (event.from_phase, event.to_phase, event.cause, event.actor, event.reason) == \
            ("P2", "P1", "manual", "web:admin", "visual diff on stg")
        assert set(event.report["checks"]) == {"metrics_smoke", "shadow_diff_check"}
    page = c.get(r.headers["location"]).text
    assert "Stepped back one phase" in page and '<div class="phase">P1</div>' in page


def test_invalidate_the_adapter_cache_is_confirmed_and_audited(web: dict[str, Any]) -> None:
    c = web["client"]
    sign_in(c, web["admin"])
    token = csrf_of(c.get("/ops/confirm/invalidate-cache").text)
    r = c.post("/ops/invalidate-cache", data={"csrf": token, "confirm": "invalidate-cache", "why": "drill"})
    assert r.status_code == 303
    with session_scope(web["services"].sessions) as s:
        audit = s.scalars(select(FlagAudit).order_by(FlagAudit.id.desc())).first()
        assert audit is not None and (audit.actor, audit.old, audit.new) == ("web:admin", "0", "1")
    assert "generation 1" in c.get(r.headers["location"]).text
    assert c.post("/ops/reboot", data={"csrf": token, "confirm": "reboot"}).status_code == 422
