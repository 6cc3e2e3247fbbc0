"""Monthly partitions of the shadow tables (runbook §5): PostgreSQL declarative partitions, SQLite month ranges.

Months are JST calendar months (the business day is Asia/Tokyo): a month runs from
`YYYY-MM-01 00:00+09:00` to the next, on PostgreSQL's partition bounds and SQLite's month ranges alike
(Alembic 0005 re-bounded the UTC months of 0004). On PostgreSQL each table has `<table>_pYYYY_MM` partitions and a
`<table>_default` partition that catches any row no month partition takes, so an insert never fails;
the job keeps the current and next two months created and moves rows out of DEFAULT when their month
gets a partition. On SQLite a "partition" is the month range of the one table: the same jobs (archive,
retention, restore) work on it, there is just nothing to create.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import Column, ColumnElement, Table, and_, delete, func, select, text
from sqlalchemy.orm import Session

from meallog.store.db import Base, is_postgres
from meallog.store.models import PARTITIONED

AHEAD = 2
JST = timezone(timedelta(hours=9), "JST")  # Asia/Tokyo has no DST: a fixed offset is exact
_NAME = re.compile(r"^(?P<table>\w+)_p(?P<y>\d{4})_(?P<m>\d{2})$")


@dataclass(frozen=True, slots=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, at: datetime) -> Month:
        """The JST month `at` falls in."""
        at = at.astimezone(JST)
        return cls(at.year, at.month)

    @classmethod
    def parse(cls, value: str) -> Month:
        """`2026-11` -> Month(2026, 11); anything else is a ValueError."""
        m = re.fullmatch(r"(\d{4})-(\d{2})", value.strip())
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise ValueError(f"not a month (YYYY-MM): {value!r}")
        return cls(int(m.group(1)), int(m.group(2)))

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def prev(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    @property
    def start(self) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=JST)

    @property
    def end(self) -> datetime:
        return self.next().start


@dataclass(frozen=True, slots=True)
class Partition:
    table: str
    name: str
    month: Month | None  # None: the DEFAULT partition
    rows: int


@dataclass(frozen=True, slots=True)
class PartitionsReport:
    created: tuple[str, ...]
    moved_from_default: int
    default_rows: dict[str, int]
    dry_run: bool

    def as_dict(self) -> dict[str, object]:
        return {"created": list(self.created), "moved_from_default": self.moved_from_default,
                "default_rows": dict(self.default_rows), "rows": self.moved_from_default, "dry_run": self.dry_run}


def table_of(name: str) -> tuple[Table, Column[datetime]]:
    """The shadow table and its partition key column; only the two partitioned tables are accepted."""
    if name not in PARTITIONED:
        raise ValueError(f"not a partitioned shadow table: {name!r} (expected one of {', '.join(PARTITIONED)})")
    table = Base.metadata.tables[name]
    return table, table.c[PARTITIONED[name]]


def partition_name(table: str, month: Month) -> str:
    return f"{table}_p{month.year:04d}_{month.month:02d}"


def sqlite_month(col: Column[datetime]) -> ColumnElement[str]:
    """`YYYY-MM` of the JST month of a SQLite timestamp (stored as naive UTC text)."""
    return func.strftime("%Y-%m", col, "+9 hours")


def in_month(col: Column[datetime], month: Month) -> ColumnElement[bool]:
    return and_(col >= month.start, col < month.end)


def list_partitions(s: Session, *, tables: tuple[str, ...] = tuple(PARTITIONED), count: bool = True) -> list[Partition]:
    """Every month partition (PostgreSQL) or month with rows (SQLite), with exact row counts
    (`count=False`: PostgreSQL's rows are -1, nothing is scanned)."""
    out: list[Partition] = []
    for name in tables:
        table, col = table_of(name)
        if is_postgres(s):
            children = s.execute(text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = :t ORDER BY c.relname"),
                {"t": name}).scalars()
            for child in children:
                rows = int(s.execute(text(f'SELECT count(*) FROM "{child}"')).scalar_one()) if count else -1
                m = _NAME.match(child)
                month = Month(int(m.group("y")), int(m.group("m"))) if m else None
                out.append(Partition(name, child, month, rows))
        else:
            ym = sqlite_month(col)
            for value, rows in s.execute(select(ym, func.count()).group_by(ym).order_by(ym)):
                out.append(Partition(name, f"{name}[{value}]", Month.parse(value), int(rows)))
    return out


def months_with_rows(s: Session, name: str) -> list[Month]:
    """Months that hold rows of `name`, DEFAULT partition included (PostgreSQL reads the parent)."""
    table, col = table_of(name)
    if not is_postgres(s):
        ym = sqlite_month(col)
        return [Month.parse(v) for v in s.scalars(select(ym).group_by(ym).order_by(ym))]
    # No scan of the big partitions: a month partition holds rows if it has a first row; only the
    # (small) DEFAULT partition is grouped by month.
    found: set[Month] = set()
    for part in list_partitions(s, tables=(name,), count=False):
        if part.month is not None and s.execute(text(f"SELECT 1 FROM {part.name} LIMIT 1")).first():
            found.add(part.month)
    ym_sql = f"to_char(timezone('Asia/Tokyo', {col.name}), 'YYYY-MM')"
    found |= {Month.parse(v) for v in s.scalars(text(f"SELECT DISTINCT {ym_sql} FROM {name}_default"))}
    return sorted(found)


def default_rows(s: Session) -> dict[str, int]:
    """Rows in each DEFAULT partition: rows no month partition took (0 on SQLite, which has none)."""
    if not is_postgres(s):
        return {name: 0 for name in PARTITIONED}
    return {name: int(s.execute(text(f"SELECT count(*) FROM {name}_default")).scalar_one()) for name in PARTITIONED}


def _exists(s: Session, relname: str) -> bool:
    return s.execute(text("SELECT to_regclass(:n)"), {"n": relname}).scalar_one() is not None


def create_month(s: Session, name: str, month: Month) -> int:
    """Create the month partition of `name` (PostgreSQL), moving its rows out of DEFAULT. Rows moved."""
    table, col = table_of(name)
    part = partition_name(name, month)
    if not is_postgres(s) or _exists(s, part):
        return 0
    bounds = f"FOR VALUES FROM ('{month.start.isoformat()}') TO ('{month.end.isoformat()}')"
    where = f"{col.name} >= :a AND {col.name} < :b"
    stranded = int(s.execute(text(f"SELECT count(*) FROM {name}_default WHERE {where}"),
                             {"a": month.start, "b": month.end}).scalar_one())
    if stranded == 0:
        s.execute(text(f"CREATE TABLE {part} PARTITION OF {name} {bounds}"))
        return 0
    # ATTACH checks that DEFAULT holds no row of the new range: move them first, in this transaction.
    cols = ", ".join(c.name for c in table.columns)
    s.execute(text(f"CREATE TABLE {part} (LIKE {name} INCLUDING DEFAULTS)"))
    s.execute(text(f"INSERT INTO {part} ({cols}) SELECT {cols} FROM {name}_default WHERE {where}"),
              {"a": month.start, "b": month.end})
    s.execute(text(f"DELETE FROM {name}_default WHERE {where}"), {"a": month.start, "b": month.end})
    s.execute(text(f"ALTER TABLE {name} ATTACH PARTITION {part} {bounds}"))
    return stranded


def ensure_partitions(s: Session, *, now: datetime, ahead: int = AHEAD, dry_run: bool = False) -> PartitionsReport:
    """Keep the current and next `ahead` months created for both tables. The caller commits."""
    months = [Month.of(now)]
    for _ in range(ahead):
        months.append(months[-1].next())
    created: list[str] = []
    moved = 0
    if is_postgres(s):
        for name in PARTITIONED:
            for month in months:
                part = partition_name(name, month)
                if _exists(s, part):
                    continue
                created.append(part)
                if not dry_run:
                    moved += create_month(s, name, month)
    return PartitionsReport(created=tuple(created), moved_from_default=moved, default_rows=default_rows(s),
                            dry_run=dry_run)


def drop_month(s: Session, name: str, month: Month, *, batch: int = 5_000) -> int:
    """Drop one month of `name`: DETACH then DROP its partition (PostgreSQL), or delete its range in
    batches (SQLite). Returns the rows dropped. The caller commits."""
    table, col = table_of(name)
    total = 0
    if is_postgres(s):
        part = partition_name(name, month)
        if _exists(s, part):
            total = int(s.execute(text(f"SELECT count(*) FROM {part}")).scalar_one())
            s.execute(text("SET LOCAL lock_timeout = '10s'"))
            s.execute(text(f"ALTER TABLE {name} DETACH PARTITION {part}"))
            s.execute(text(f"DROP TABLE {part}"))
        # Rows of the month that had no partition when written wait in DEFAULT: delete them too.
        where = f"{col.name} >= :a AND {col.name} < :b"
        gone = s.execute(text(f"DELETE FROM {name}_default WHERE {where}"), {"a": month.start, "b": month.end})
        return total + int(gone.rowcount)  # type: ignore[attr-defined]
    while True:
        ids = list(s.scalars(select(table.c.id).where(in_month(col, month)).limit(batch)))
        if not ids:
            return total
        s.execute(delete(table).where(table.c.id.in_(ids)))
        total += len(ids)
