"""Retention: only at P3 + 90 days, only with an archive that verifies now; restore gives the rows back."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, func, insert, select, update

from meallog.ops.archive import FORMAT, load_manifest, manifest_key, utc_manifest_key, write_month
from meallog.ops.partitions import Month, months_with_rows
from meallog.ops.retention import restore_month
from meallog.ops.store import ObjectStore
from meallog.store.db import Base, session_scope
from meallog.store.models import ArchiveManifest, PhaseEvent

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


class _UTCMonth(Month):
    """A month as archive format 1 cut it: UTC midnight to UTC midnight."""

    __slots__ = ()

    @property
    def start(self) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        nxt = self.next()
        return datetime(nxt.year, nxt.month, 1, tzinfo=UTC)


def _format_1_archive(engine: Engine, store: ObjectStore, name: str, month: str) -> None:
    """What the archive wrote before JST months: the UTC month, `"format": 1`, no bounds."""
    m = Month.parse(month)
    with session_scope(engine) as s:
        write_month(s, store, name, _UTCMonth(m.year, m.month), now=NOW)
        s.execute(delete(ArchiveManifest))  # the database that archived it is gone (the months were dropped)
    raw = json.loads(store.read_bytes(manifest_key(name, m)))
    raw["format"] = 1
    del raw["start"], raw["end"]
    store.write_bytes(manifest_key(name, m), json.dumps(raw).encode())


def test_restore_of_format_1_archives_gives_exactly_the_jst_month_and_a_new_archive_keeps_the_utc_one(
        engine: Engine, seed, ops, archive_store: ObjectStore) -> None:
    for i, month in enumerate(("2026-04", "2026-05", "2026-06", "2026-07")):
        seed(month, 300, start=1 + 1000 * i)
    names = ("meal_logs_v2_shadow", "diffs")
    expected = {(n, m): month_rows(engine, n, m) for n in names for m in ("2026-05", "2026-06")}
    may = Month(2026, 5)
    for n in names:
        # the 9 h that a UTC month and its JST month do not share hold rows here, at both ends
        key = list(Base.metadata.tables[n].c.keys()).index("created_at" if n == "meal_logs_v2_shadow" else "ts")
        assert any(r[key] < datetime(2026, 5, 1, tzinfo=UTC) for r in expected[(n, "2026-05")])
        assert any(r[key] >= datetime(2026, 6, 1, tzinfo=UTC) for r in expected[(n, "2026-06")])
        for month in ("2026-04", "2026-05", "2026-06"):
            _format_1_archive(engine, archive_store, n, month)
    with session_scope(engine) as s:  # every month dropped
        for n in names:
            s.execute(delete(Base.metadata.tables[n]))
    for n in names:
        with session_scope(engine) as s:
            first = restore_month(s, archive_store, n, may, now=NOW)
        with session_scope(engine) as s:
            second = restore_month(s, archive_store, n, may, now=NOW)
        rows = len(expected[(n, "2026-05")])
        assert (first.archived_rows, first.inserted, second.inserted, second.already_present) == (rows, rows, 0, rows)
        assert month_rows(engine, n, "2026-05") == expected[(n, "2026-05")]  # its first 9 h from UTC April's file
        with session_scope(engine) as s:  # nothing of June (or in DEFAULT): only May's own rows came back
            assert s.scalar(select(func.count()).select_from(Base.metadata.tables[n])) == rows
    # The restored month is archived again, as a JST month; UTC May's file stays, for June's first 9 h.
    assert ops().run_result("archive").outcome == "ok"
    for n in names:
        assert load_manifest(archive_store, n, may).format == FORMAT
        assert json.loads(archive_store.read_bytes(utc_manifest_key(n, may)))["format"] == 1
        with session_scope(engine) as s:
            june = restore_month(s, archive_store, n, Month(2026, 6), now=NOW)
        assert june.inserted == len(expected[(n, "2026-06")])
        assert month_rows(engine, n, "2026-06") == expected[(n, "2026-06")]
        with session_scope(engine) as s:  # and May's own JST archive gives May back alone
            assert restore_month(s, archive_store, n, may, now=NOW).already_present == len(expected[(n, "2026-05")])
