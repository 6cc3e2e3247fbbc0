"""The phase fence: a phase change and the writes of the phase it leaves never interleave.

One row (`migration_state`) holds the phase and its epoch. Every write transaction first takes the
fence shared (PostgreSQL: `pg_advisory_xact_lock_shared`) and holds it until it commits; every
transition takes it exclusively (`pg_advisory_xact_lock`), changes the flags, does its back-write
and moves the epoch in the same transaction. So a transition waits for every in-flight write of the
old phase, and a write that starts meanwhile waits for the transition and then reads the new phase:
no write of an old epoch commits after a transition. (SQLite serialises every transaction with
BEGIN IMMEDIATE, which gives the same order.)

The phase comes from that row, never from a call that can fall back to a default. The other flags
come from a per-process snapshot cached by epoch: a snapshot of another epoch is reloaded, and when
the flag store fails the last good snapshot is kept and the error counted.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import structlog
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from meallog.migration.flags import FlagSnapshot, FlagStore
from meallog.migration.phases import Phase
from meallog.migration.plan import PLAN, PhasePlan, ReadMode
from meallog.observability.metrics import Metrics
from meallog.store.db import insert_ignore, is_postgres
from meallog.store.models import MigrationState

log = structlog.get_logger("meallog.migration")

STATE_ID = 1
ADVISORY_KEY = 0x6D65616C6C6F67  # "meallog": the phase fence's advisory lock on PostgreSQL
# The shared lock, then the row read by a query of its own (a VOLATILE function's queries each take a
# fresh snapshot, so the read sees a transition that committed while this waited): one round trip.
_FENCE_SHARED = text("SELECT fence_epoch, fence_phase FROM meallog_fence_shared(:key)")


def stored_phase(s: Session) -> Phase | None:
    """The fenced phase as stored, or None on a database no unit of work has run on yet."""
    row = s.get(MigrationState, STATE_ID)
    return Phase(row.phase) if row is not None else None


@dataclass(frozen=True, slots=True)
class Fenced:
    """What one unit of work runs under: the fenced phase, its plan and the flags of its epoch."""

    epoch: int
    phase: Phase
    flags: FlagSnapshot
    # False on the retry of a write whose outbox insert failed: that write sheds its jobs instead.
    outbox: bool = True
    # False on the retry of a write whose inline v2 save failed: that write leaves v2 to a v2_sync job.
    inline_v2: bool = True

    def without_outbox(self) -> Fenced:
        return replace(self, outbox=False)

    def without_inline_v2(self) -> Fenced:
        return replace(self, inline_v2=False)

    @property
    def plan(self) -> PhasePlan:
        return PLAN[self.phase]

    def reads_through_adapter(self, user_id: int) -> bool:
        read = self.plan.read
        if read is ReadMode.ADAPTER:
            return True
        return read is ReadMode.ADAPTER_FOR_SHARE and self.flags.reads_through_adapter(user_id)


class Fence:
    def __init__(self, *, flags: FlagStore, metrics: Metrics) -> None:
        self.flags = flags
        self.metrics = metrics
        self._lock = threading.Lock()
        self._cached: tuple[int, FlagSnapshot] | None = None

    # ---- the row ---------------------------------------------------------------------------------
    @staticmethod
    def _take(s: Session, lock: str | None) -> None:
        if lock is not None and is_postgres(s):
            # A transaction-level advisory lock, not a row lock: PostgreSQL's lock manager queues a
            # new shared request behind a waiting exclusive one, so a steady stream of writes can
            # never starve a transition (FOR SHARE row locks would let them jump the queue).
            fn = "pg_advisory_xact_lock_shared" if lock == "share" else "pg_advisory_xact_lock"
            s.execute(text(f"SELECT {fn}(:key)"), {"key": ADVISORY_KEY})

    def _read(self, s: Session) -> MigrationState:
        # Read after the lock, in a statement of its own: its snapshot sees the last transition.
        stmt = select(MigrationState).where(MigrationState.id == STATE_ID).execution_options(populate_existing=True)
        row = s.scalars(stmt).one_or_none()
        if row is None:  # a new database: the phase the flags give (env defaults and overrides)
            phase = self.flags.snapshot(s).phase
            insert_ignore(s, MigrationState, {"id": STATE_ID, "epoch": 1, "phase": phase.value,
                                              "updated_at": datetime.now(UTC)}, ["id"])
            row = s.scalars(stmt).one()
        return row

    def _row(self, s: Session, *, lock: str | None) -> MigrationState:
        self._take(s, lock)
        return self._read(s)

    def hold(self, s: Session, *, write: bool) -> Fenced:
        """The first statement of a unit of work. Writes hold the fence shared until they commit.

        The row is read as two plain columns (no ORM object: this runs on every request); on
        PostgreSQL a write takes the lock and reads them in one statement, `meallog_fence_shared`.
        Only a new database, which has no row yet, goes through `_read` to create it."""
        if write and is_postgres(s):  # lock and read in one round trip (see revision 0007)
            got = s.execute(_FENCE_SHARED, {"key": ADVISORY_KEY}).first()
        else:
            self._take(s, "share" if write else None)
            got = s.execute(select(MigrationState.epoch, MigrationState.phase)
                            .where(MigrationState.id == STATE_ID)).first()
        if got is None:
            row = self._read(s)
            epoch, phase = row.epoch, row.phase
        else:
            epoch, phase = got
        return Fenced(epoch=epoch, phase=Phase(phase), flags=self._flags(s, epoch))

    def exclusive(self, s: Session) -> MigrationState:
        """For a transition: waits for in-flight writes; new writes wait until this transaction ends."""
        return self._row(s, lock="exclusive")

    def move(self, s: Session, *, phase: Phase, now: datetime) -> int:
        """Set the phase and move the epoch (inside `exclusive`). Returns the new epoch."""
        self.exclusive(s)
        epoch = s.execute(update(MigrationState).where(MigrationState.id == STATE_ID)
                          .values(epoch=MigrationState.epoch + 1, phase=phase.value, updated_at=now)
                          .returning(MigrationState.epoch)).scalar_one()  # the stored epoch, as committed
        self.forget()
        return int(epoch)

    def phase(self, s: Session) -> Phase:
        return Phase(self._row(s, lock=None).phase)

    # ---- the flags of an epoch -----------------------------------------------------------------
    def _flags(self, s: Session, epoch: int) -> FlagSnapshot:
        with self._lock:
            cached = self._cached
        if cached is not None and cached[0] == epoch:
            return cached[1]
        try:
            with s.begin_nested():  # a failing read must not abort the user's transaction
                snap = self.flags.snapshot(s)
        except Exception as exc:  # the flag store is down: keep the last good snapshot, count it
            self.metrics.flag_error("store")
            log.error("flag store failed; serving the last good flags", epoch=epoch, error=repr(exc))
            return cached[1] if cached is not None else self.flags.defaults()
        with self._lock:
            self._cached = (epoch, snap)
        return snap

    def forget(self) -> None:
        with self._lock:
            self._cached = None
