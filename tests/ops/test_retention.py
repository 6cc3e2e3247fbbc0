"""Retention: only at P3 + 90 days, only with an archive that verifies now; restore gives the rows back."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, insert, update

from meallog.ops.partitions import months_with_rows
from meallog.store.db import Base, session_scope
from meallog.store.models import PhaseEvent

from .conftest import NOW, month_rows


def _phase(engine: Engine, to: str, at) -> None:
    with session_scope(engine) as s:
        s.add(PhaseEvent(ts=at, from_phase="P2" if to == "P3" else "P3", to_phase=to, cause="manual", actor="test",
                         forced=False))


def _months(engine: Engine, name: str) -> set[str]:
    with session_scope(engine) as s:
        return {str(m) for m in months_with_rows(s, name)}


def test_nothing_is_dropped_below_p3_or_within_90_days_of_it(engine: Engine, seed, ops) -> None:
    seed("2026-05", 40)
    later = NOW + timedelta(days=200)
    assert ops(later).run_result("archive").outcome == "ok"
    r = ops(later).run_result("retention")
    assert r.outcome == "ok" and r.detail["phase"] == "OFF" and r.detail["dropped"] == []
    _phase(engine, "P3", later - timedelta(days=89))
    r = ops(later).run_result("retention")
    assert r.outcome == "ok" and r.detail["dropped"] == [] and r.detail["cutoff"] is None
    _phase(engine, "P2", later - timedelta(days=10))  # rolled back: a rollback needs the shadow
    r = ops(later).run_result("retention")
    assert r.detail["phase"] == "P2" and r.detail["dropped"] == []
    assert "2026-05" in _months(engine, "diffs")


def test_drops_only_months_with_a_verified_archive_and_restore_gives_them_back(engine: Engine, seed, ops) -> None:
    seed("2026-05", 120)
    seed("2026-06", 80, start=1000)
    later = NOW + timedelta(days=200)  # 2027-06: both months ended > 90 days ago
    _phase(engine, "P3", later - timedelta(days=95))
    before = {name: month_rows(engine, name, "2026-05") for name in ("meal_logs_v2_shadow", "diffs")}
    # no archive yet: kept, and said why
    dry = ops(later).run_result("retention", dry_run=True)
    assert all(not d["drop"] and d["reason"] == "no verified archive yet" for d in dry.detail["decisions"]
               if d["rows"])
    assert ops(later).run_result("archive").outcome == "ok"
    dry = ops(later).run_result("retention", dry_run=True)
    assert {(d["table"], d["month"]) for d in dry.detail["decisions"] if d["drop"] and d["rows"]} == {
        (t, m) for t in ("meal_logs_v2_shadow", "diffs") for m in ("2026-05", "2026-06")}
    assert "2026-05" in _months(engine, "diffs")  # the dry run dropped nothing
    r = ops(later).run_result("retention")
    assert r.outcome == "ok", r.detail
    assert r.rows == 2 * (120 + 80)
    assert "meal_logs_v2_shadow/2026-05" in r.detail["dropped"]
    assert month_rows(engine, "diffs", "2026-05") == []
    # restore-archive of the dropped month: the same rows; a second restore adds nothing
    from meallog.ops.partitions import Month
    from meallog.ops.retention import restore_month

    sched = ops(later)
    for name in ("meal_logs_v2_shadow", "diffs"):
        with session_scope(engine) as s:
            first = restore_month(s, sched.store(), name, Month(2026, 5), now=later)
        with session_scope(engine) as s:
            second = restore_month(s, sched.store(), name, Month(2026, 5), now=later)
        assert (first.inserted, second.inserted, second.already_present) == (120, 0, 120)
        assert month_rows(engine, name, "2026-05") == before[name]


def test_a_row_changed_after_archiving_blocks_the_drop_and_queues_a_new_archive(engine: Engine, seed, ops) -> None:
    seed("2026-05", 30)
    later = NOW + timedelta(days=200)
    _phase(engine, "P3", later - timedelta(days=95))
    assert ops(later).run_result("archive").outcome == "ok"
    diffs = Base.metadata.tables["diffs"]
    with engine.begin() as conn:
        conn.execute(update(diffs).where(diffs.c.log_id == 3).values(triage="v2_bug"))
    r = ops(later).run_result("retention")
    assert r.outcome == "error" and "differ from the archive" in r.detail["error"]
    assert "diffs/2026-05" not in r.detail["dropped"]
    assert len(month_rows(engine, "diffs", "2026-05")) == 30
    # the next archive run writes the month again; then retention converges
    assert ops(later).run_result("archive").detail["archived"][0]["month"] == "2026-05"
    r = ops(later).run_result("retention")
    assert r.outcome == "ok" and "diffs/2026-05" in r.detail["dropped"]


def test_late_row_in_a_closed_month_is_not_lost(engine: Engine, seed, ops) -> None:
    seed("2026-05", 10)
    later = NOW + timedelta(days=200)
    _phase(engine, "P3", later - timedelta(days=95))
    assert ops(later).run_result("archive").outcome == "ok"
    from .conftest import shadow_row

    old_write_time = month_rows(engine, "meal_logs_v2_shadow", "2026-05")[0][-1]
    with engine.begin() as conn:  # a retried shadow job stamps the log version's (old) write time
        conn.execute(insert(Base.metadata.tables["meal_logs_v2_shadow"]), [shadow_row(99, old_write_time)])
    r = ops(later).run_result("retention")
    assert r.outcome == "error"
    assert len(month_rows(engine, "meal_logs_v2_shadow", "2026-05")) == 11


def test_a_restored_month_is_held_until_released_or_the_hold_ends(engine: Engine, seed, ops) -> None:
    from meallog.ops.partitions import Month
    from meallog.ops.retention import RESTORE_HOLD, release_hold, restore_month

    seed("2026-05", 20)
    later = NOW + timedelta(days=200)
    _phase(engine, "P3", later - timedelta(days=95))
    assert ops(later).run_result("archive").outcome == "ok"
    assert "diffs/2026-05" in ops(later).run_result("retention").detail["dropped"]
    sched = ops(later)
    with session_scope(engine) as s:
        assert restore_month(s, sched.store(), "diffs", Month(2026, 5), now=later).inserted == 20
    # the next nightly run keeps it, and says why and until when
    r = ops(later + timedelta(days=1)).run_result("retention")
    assert r.outcome == "ok" and "diffs/2026-05" not in r.detail["dropped"]
    held = [d for d in r.detail["decisions"] if (d["table"], d["month"]) == ("diffs", "2026-05")]
    assert len(held) == 1 and not held[0]["drop"] and held[0]["reason"].startswith("restored ")
    assert "held until" in held[0]["reason"] and "--release 2026-05" in held[0]["reason"]
    assert len(month_rows(engine, "diffs", "2026-05")) == 20
    # after the hold it goes again
    r = ops(later + RESTORE_HOLD + timedelta(days=1)).run_result("retention")
    assert "diffs/2026-05" in r.detail["dropped"]
    # restore again, then release by hand: the next run drops it
    with session_scope(engine) as s:
        restore_month(s, sched.store(), "diffs", Month(2026, 5), now=later)
    assert "diffs/2026-05" not in ops(later).run_result("retention").detail["dropped"]
    with session_scope(engine) as s:
        assert release_hold(s, Month(2026, 5)) == ["diffs/2026-05"]
    assert "diffs/2026-05" in ops(later).run_result("retention").detail["dropped"]
