"""An adapter read (P2/P3) reads the v2 versions first and decodes only what the adapter cache lacks:
a warm read loads no v2 record, a record written since is loaded, and every view is the current one."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event

from meallog.clock import FrozenClock
from meallog.settings import Settings
from tests.migration.helpers import client_for, make_services
from tests.migration.test_phase_correctness import P3_FLAGS, walk


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def loads_v2_records(seen: list[str]) -> bool:
    return any("meal_logs_v2.record" in q for q in seen)


def test_a_warm_adapter_read_decodes_no_v2_record_and_an_edit_is_read_fresh(
        make_settings: Callable[..., Settings], engine: Engine, clock: FrozenClock,
        add_user: Callable[..., str]) -> None:
    services = make_services(make_settings(), engine, clock)
    h = {"Authorization": f"Bearer {add_user()}"}
    with client_for(services) as client:
        walk(client, P3_FLAGS[:2])  # P1: every log gets its v2 record inline
        ids = [client.post("/logs", json={"text": t, "eaten_at": "2026-11-20T08:00:00"}, headers=h).json()["id"]
               for t in ("納豆 1パック", "ご飯 1杯", "banana")]
        walk(client, P3_FLAGS[2:5])  # P2 @ 100: every read goes through the adapter
        with statements(services.engine) as cold:
            first = client.get("/logs?date=2026-11-20", headers=h).json()
        with statements(services.engine) as warm:
            second = client.get("/logs?date=2026-11-20", headers=h).json()
        edited = client.patch(f"/logs/{ids[1]}", json={"text": "ご飯 2杯"}, headers=h).json()
        with statements(services.engine) as after_edit:
            third = client.get("/logs?date=2026-11-20", headers=h).json()
    assert [x["id"] for x in first] == ids and second == first
    assert loads_v2_records(cold) and not loads_v2_records(warm)
    assert loads_v2_records(after_edit)  # the edited log's new version is not in the cache yet
    assert [x["text"] for x in third] == ["納豆 1パック", "ご飯 2杯", "banana"]
    assert third[1] == edited and third[0] == first[0] and third[2] == first[2]
