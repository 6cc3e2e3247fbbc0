"""The fence on PostgreSQL: a write that waited on a transition runs under the phase it moved to.

(SQLite serialises whole transactions with BEGIN IMMEDIATE: nothing waits inside one.)
"""

from __future__ import annotations

import threading
import time

from meallog.clock import SystemClock
from meallog.migration.fence import Fenced
from meallog.migration.phases import Phase
from meallog.settings import Settings
from meallog.store.db import make_engine, session_scope
from tests.migration.helpers import make_services


def test_a_write_that_waited_on_a_transition_reads_the_phase_it_moved_to(pg_database_url: str) -> None:
    from tests.conftest import _truncate_all

    _truncate_all(pg_database_url)
    engine = make_engine(pg_database_url)
    try:
        settings = Settings.model_validate({"database_url": pg_database_url, "run_worker": False,
                                            "run_scheduler": False})
        clock = SystemClock()
        fence = make_services(settings, engine, clock).migration.fence  # type: ignore[arg-type]
        with session_scope(engine) as s:
            before = fence.hold(s, write=True)  # creates the row on a new database
        got: list[Fenced] = []
        with session_scope(engine) as transition:
            epoch = fence.move(transition, phase=Phase.P1, now=clock.now())  # holds the fence exclusively

            def write() -> None:
                with session_scope(engine) as s:
                    got.append(fence.hold(s, write=True))  # waits for the transition to commit

            writer = threading.Thread(target=write)
            writer.start()
            time.sleep(0.5)  # the writer is waiting on the fence's lock by now
            assert not got
        writer.join(timeout=10)
        assert epoch == before.epoch + 1
        assert got and (got[0].epoch, got[0].phase) == (epoch, Phase.P1), (before, got)
    finally:
        engine.dispose()
