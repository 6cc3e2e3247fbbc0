"""What every on-call command shares: the database it names, errors as exit codes, 80-column tables.

No command here creates a database or migrates one: `open_services` refuses a missing or outdated
schema with one line saying what to run (exit 5). Importing this module does nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from meallog.errors import InvalidInput, MeallogError

F = TypeVar("F", bound=Callable[..., Any])


def errors(fn: F) -> F:
    """Domain errors -> one line on stderr and the error's exit code (see `meallog --help`)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kw: Any) -> Any:
        try:
            return fn(*args, **kw)
        except MeallogError as exc:
            Console(stderr=True).print(f"[red]error:[/red] {exc.detail}", highlight=False, soft_wrap=True)
            raise typer.Exit(exc.exit_code) from exc

    return wrapper  # type: ignore[return-value]


def open_services() -> Any:
    """Services for one CLI invocation on the existing, current schema; no background threads."""
    from meallog.app import build_services
    from meallog.settings import Settings
    from meallog.store.migrate import open_database

    settings = Settings().model_copy(update={"run_worker": False, "run_scheduler": False})
    engine = open_database(settings.database_url, pool_size=settings.db_pool_size,
                           max_overflow=settings.db_max_overflow)
    return build_services(settings, engine=engine, snapshot_ttl_s=0.0)


def database_of(engine: Any) -> str:
    """The database a command acts on, as shown in its header and `--json` (`database`)."""
    from meallog.store.migrate import database_label

    return database_label(engine.url)


def print_header(engine: Any, what: str = "") -> None:
    """First line of a command's human output: which database (no password)."""
    console().print(f"database: {database_of(engine)}" + (f"  {what}" if what else ""), highlight=False,
                    soft_wrap=True, markup=False)


def console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def table(*columns: str, title: str | None = None, keep: tuple[str, ...] = ()) -> Table:
    """A table that stays readable at 80 columns: cells wrap, columns in `keep` (timestamps, ids) never do."""
    t = Table(title=title, expand=False, pad_edge=False, box=None, header_style="bold")
    for c in columns:
        if c in keep:
            t.add_column(c, no_wrap=True, overflow="fold")
        else:
            t.add_column(c, overflow="fold")
    return t


def why_option() -> Any:
    return typer.Option(..., "--why", help="reason, kept in the audit and the phase history (required)")


def reason(why: str) -> str:
    """A --why that says something: blank reasons are refused (the audit never shows an empty one)."""
    text = (why or "").strip()
    if not text:
        raise InvalidInput("--why must say why (it is kept in the audit)", field="why")
    return text
