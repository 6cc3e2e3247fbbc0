"""OFF -> P0 -> P1 -> P2 (10, 50, 100 %) -> P3 -> back to P2 -> P1, with traffic in every phase.

Then: every log ever accepted is readable with its edits, deletions and restores; every log written
in P0-P2 has a shadow row and a diff row; every log has its v2 record from P1 on; counts match.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from meallog.cli.main import app as cli
from meallog.clock import FrozenClock
from meallog.migration.rollout import in_rollout
from meallog.settings import Settings
from meallog.store.db import session_scope
from meallog.store.models import Diff, LogKey, MealLog, MealLogV2, PhaseEvent, ShadowRecord
from tests.migration.helpers import ADMIN, Driver, client_for, make_services


def count(engine: Engine, model: type) -> int:
    with session_scope(engine) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def ids(engine: Engine, column: object) -> set[int]:
    with session_scope(engine) as s:
        return set(s.scalars(select(column)))  # type: ignore[call-overload]


def test_walk_every_phase_and_back(make_settings: Callable[..., Settings], engine: Engine, clock: FrozenClock,
                                   add_user: Callable[..., str], db_url: str) -> None:
    settings = make_settings()
    services = make_services(settings, engine, clock)
    users = list(range(1, 13))
    tokens = {u: add_user(f"user{u}") for u in users}
    drain = services.worker.drain

    with client_for(services) as client:
        d = Driver(client, clock, tokens)
        d.traffic("OFF", users)
        assert client.get("/admin/phase", headers=ADMIN).json()["phase"] == "OFF"

        # refused out of order, with a clear message
        r = client.put("/admin/flags/DUAL_WRITE_V2", json={"value": "on"}, headers=ADMIN)
        assert r.status_code == 409 and "NORMALIZE_V2_SHADOW" in r.json()["detail"]

        assert d.flag("NORMALIZE_V2_SHADOW", "on")["phase"] == "P0"
        d.traffic("P0", users)
        drain()

        assert d.flag("DUAL_WRITE_V2", "on")["phase"] == "P1"
        result = CliRunner().invoke(cli, ["backfill", "--batch", "7"], env={"DATABASE_URL": db_url})
        assert result.exit_code == 0, result.output
        d.traffic("P1", users)
        drain()

        for pct in ("10", "50", "100"):
            assert d.flag("DUAL_READ_V2", pct)["phase"] == "P2"
            d.traffic("P2", users)
            drain()
            for u in users:
                log_id = next(lid for lid, st in d.ledger.logs.items() if st["user"] == u)
                source = client.get(f"/logs/{log_id}", headers=d.h(u)).json()["source"]
                expected = "adapter" if in_rollout(settings.migration_seed, u, float(pct)) else "legacy"
                assert source == expected, (u, pct, source)

        assert d.flag("SWITCH_V2", "on")["phase"] == "P3"
        p3_logs = d.traffic("P3", users)
        # P3 writes nothing to the legacy table
        assert not ids(engine, MealLog.id) & set(p3_logs)
        drain()
        d.check_all_readable()

        back = client.post("/admin/phase/rollback", json={"why": "e2e"}, headers=ADMIN).json()
        assert (back["from"], back["to"]) == ("P3", "P2") and back["back_written"] > 0
        assert set(p3_logs) <= ids(engine, MealLog.id)
        d.check_all_readable()
        d.traffic("P2", users)
        drain()

        back = client.post("/admin/phase/rollback", json={"why": "e2e"}, headers=ADMIN).json()
        assert (back["from"], back["to"]) == ("P2", "P1")
        assert back["report"]["checks"]["metrics_smoke"]["ok"] is True
        d.traffic("P1", users)
        drain()
        d.check_all_readable()
        for log_id, st in d.ledger.logs.items():  # in P1 reads are legacy: the back-write must be complete
            body = client.get(f"/logs/{log_id}", headers=d.h(st["user"])).json()
            assert body["source"] == "legacy" and body["text"] == st["text"]

    everything = set(d.ledger.logs)
    assert count(engine, LogKey) == len(everything)
    assert ids(engine, MealLog.id) == everything
    assert ids(engine, MealLogV2.log_id) == everything  # backfill + dual write + P3
    shadowed = {lid for lid, phases in d.ledger.phase_of_write.items() if phases & {"P0", "P1", "P2"}}
    assert shadowed <= ids(engine, ShadowRecord.log_id)
    assert shadowed <= ids(engine, Diff.log_id)
    assert count(engine, ShadowRecord) == count(engine, Diff)
    with session_scope(engine) as s:
        stale = s.scalars(select(MealLogV2.log_id).join(MealLog, MealLog.id == MealLogV2.log_id)
                          .where(MealLogV2.log_version != MealLog.version)).all()
        assert stale == []
        phases = [(e.from_phase, e.to_phase) for e in s.scalars(select(PhaseEvent).order_by(PhaseEvent.id))]
    assert phases == [("OFF", "P0"), ("P0", "P1"), ("P1", "P2"), ("P2", "P3"), ("P3", "P2"), ("P2", "P1")]
