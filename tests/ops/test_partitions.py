"""Partitions: current + 2 months kept ahead, DEFAULT catches the rest and is watched, rows move out of it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, insert, text

from meallog.ops.partitions import Month, default_rows, ensure_partitions, list_partitions, months_with_rows
from meallog.store.db import Base, session_scope

from .conftest import LABELS, diff_row, shadow_row

PG = pytest.mark.parametrize("db_url", ["pg"], indirect=True)


def _children(engine: Engine, name: str) -> set[str]:
    with session_scope(engine) as s:
        return {p.name for p in list_partitions(s, tables=(name,))}


@PG
def test_partitions_kept_ahead_and_default_catches_the_rest(engine: Engine, ops, metrics) -> None:
    far = datetime(2031, 3, 4, tzinfo=UTC)
    with engine.begin() as conn:  # no partition for 2031-03: the insert still succeeds, into DEFAULT
        conn.execute(insert(Base.metadata.tables["diffs"]), [diff_row(1, far)])
        conn.execute(insert(Base.metadata.tables["meal_logs_v2_shadow"]), [shadow_row(1, far)])
    dry = ops(datetime(2031, 2, 10, tzinfo=UTC)).run_result("partitions", dry_run=True)
    assert dry.detail["created"] == [f"{t}_p{m}" for t in ("meal_logs_v2_shadow", "diffs")
                                     for m in ("2031_02", "2031_03", "2031_04")]
    assert "diffs_p2031_03" not in _children(engine, "diffs")
    run = ops(datetime(2031, 2, 10, tzinfo=UTC)).run_result("partitions")
    assert run.outcome == "ok"
    assert run.detail["moved_from_default"] == 2
    assert {"diffs_p2031_02", "diffs_p2031_03", "diffs_p2031_04", "diffs_default"} <= _children(engine, "diffs")
    with engine.connect() as conn:
        where = conn.execute(text("SELECT tableoid::regclass::text FROM diffs")).scalar_one()
    assert where == "diffs_p2031_03"
    labels = dict(zip(("env", "shadow_version", "ai_provider", "model", "app_version"), LABELS.values(), strict=True))
    assert metrics.registry.get_sample_value("meal_log_shadow_default_partition_rows",
                                             {**labels, "table": "diffs"}) == 0
    again = ops(datetime(2031, 2, 10, tzinfo=UTC)).run_result("partitions")
    assert again.detail["created"] == []


@PG
def test_default_rows_are_reported(engine: Engine, ops, metrics) -> None:
    with engine.begin() as conn:
        conn.execute(insert(Base.metadata.tables["diffs"]), [diff_row(i, datetime(2040, 1, 1, tzinfo=UTC))
                                                             for i in range(3)])
    with session_scope(engine) as s:
        assert default_rows(s) == {"meal_logs_v2_shadow": 0, "diffs": 3}
        assert Month(2040, 1) in months_with_rows(s, "diffs")
        report = ensure_partitions(s, now=datetime(2026, 11, 20, tzinfo=UTC), dry_run=True)
    assert report.default_rows["diffs"] == 3
    ops().run_result("partitions")
    labels = dict(zip(("env", "shadow_version", "ai_provider", "model", "app_version"), LABELS.values(), strict=True))
    assert metrics.registry.get_sample_value("meal_log_shadow_default_partition_rows",
                                             {**labels, "table": "diffs"}) == 3


def test_month_arithmetic() -> None:
    assert Month.parse("2026-12").next() == Month(2027, 1)
    assert Month(2027, 1).prev() == Month(2026, 12)
    assert Month.of(datetime(2026, 11, 30, 14, 59, tzinfo=UTC)) == Month(2026, 11)
    assert Month.of(datetime(2026, 11, 30, 15, 0, tzinfo=UTC)) == Month(2026, 12)  # 00:00 JST on Dec 1
    assert Month(2026, 2).end == datetime(2026, 2, 28, 15, 0, tzinfo=UTC)
    assert Month(2026, 3).start.isoformat() == "2026-03-01T00:00:00+09:00"
    with pytest.raises(ValueError):
        Month.parse("2026-13")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_sqlite_months_are_ranges_of_one_table(engine: Engine, seed, ops) -> None:
    seed("2026-09", 10)
    seed("2026-10", 5, start=100)
    with session_scope(engine) as s:
        parts = [(p.name, p.rows) for p in list_partitions(s, tables=("diffs",))]
    assert parts == [("diffs[2026-09]", 10), ("diffs[2026-10]", 5)]
    run = ops().run_result("partitions")
    assert run.outcome == "ok" and run.detail["created"] == []


def test_months_are_jst_months_in_partitions_and_archives(engine: Engine, ops, archive_store) -> None:
    """2026-10-31T15:30Z is 00:30 on 1 November in Tokyo: November's partition and archive."""
    edge, before = datetime(2026, 10, 31, 15, 30, tzinfo=UTC), datetime(2026, 10, 31, 14, 59, tzinfo=UTC)
    assert ops(datetime(2026, 10, 20, tzinfo=UTC)).run_result("partitions").outcome == "ok"
    with engine.begin() as conn:
        for i, at in ((1, edge), (2, before)):
            conn.execute(insert(Base.metadata.tables["diffs"]), [diff_row(i, at)])
            conn.execute(insert(Base.metadata.tables["meal_logs_v2_shadow"]), [shadow_row(i, at)])
    with session_scope(engine) as s:
        parts = {(p.name, p.rows) for p in list_partitions(s, tables=("diffs",)) if p.rows}
        assert months_with_rows(s, "diffs") == [Month(2026, 10), Month(2026, 11)]
    if engine.dialect.name == "postgresql":
        assert parts == {("diffs_p2026_10", 1), ("diffs_p2026_11", 1)}
        with engine.connect() as conn:
            assert conn.execute(text("SELECT tableoid::regclass::text FROM diffs WHERE id = 1")).scalar_one() \
                == "diffs_p2026_11"
    else:
        assert parts == {("diffs[2026-10]", 1), ("diffs[2026-11]", 1)}
    # on 2026-11-30T16:00Z it is already December in Tokyo: November is closed and archived
    r = ops(datetime(2026, 11, 30, 16, 0, tzinfo=UTC)).run_result("archive")
    assert r.outcome == "ok", r.detail
    assert {(a["table"], a["month"], a["rows"]) for a in r.detail["archived"]} == {
        (t, m, 1) for t in ("diffs", "meal_logs_v2_shadow") for m in ("2026-10", "2026-11")}
    from .conftest import read_manifest

    nov = read_manifest(archive_store, "diffs", "2026-11")
    assert (nov["min_id"], nov["max_id"], nov["min_ts"]) == (1, 1, edge.isoformat())
    assert (nov["start"], nov["end"]) == ("2026-11-01T00:00:00+09:00", "2026-12-01T00:00:00+09:00")
    assert read_manifest(archive_store, "diffs", "2026-10")["max_id"] == 2
