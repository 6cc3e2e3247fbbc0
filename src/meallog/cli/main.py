"""The `meallog` command. Formats output and maps domain errors to exit codes; no logic of its own."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console

from meallog.errors import EXIT_CODES, MeallogError
from meallog.settings import Settings


def exit_code_table() -> str:
    """The exit codes of every command, as `meallog --help` and the runbook print them."""
    return "\n".join(f"{code:>3}  {meaning}" for code, meaning in EXIT_CODES)


app = typer.Typer(help="meallog: meal logging and the legacy -> v2 nutrition migration.\n\n"
                       "The database is DATABASE_URL (default sqlite:///var/meallog.sqlite3, relative to the current "
                       "folder). Only `serve`, `db upgrade` and `users add` create or migrate it.",
                  epilog="Exit codes:\n\n" + "\n\n".join(f"{code}: {meaning}" for code, meaning in EXIT_CODES),
                  no_args_is_help=True, pretty_exceptions_enable=False, rich_markup_mode=None)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
users_app = typer.Typer(help="Users and their tokens.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")

err = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])


def settings() -> Settings:
    return Settings()


def fail(exc: MeallogError) -> typer.Exit:
    err.print(f"[red]error:[/red] {exc.detail}", highlight=False, soft_wrap=True)
    return typer.Exit(exc.exit_code)


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Alembic revision to migrate to")) -> None:
    """Create the database if needed and apply schema migrations (Alembic) up to REVISION."""
    from meallog.store.db import make_engine
    from meallog.store.migrate import current_revision, database_label, upgrade

    engine = make_engine(settings().database_url)
    upgrade(engine, revision)
    typer.echo(f"database {database_label(engine.url)} at revision {current_revision(engine)} "
               f"({engine.dialect.name})")


@users_app.command("add")
def users_add(
    name: str,
    time_zone: str = typer.Option("Asia/Tokyo", "--tz", help="IANA time zone of the user's days"),
    locale: str = typer.Option("ja", help="ja or en: default language of the user's meal texts"),
) -> None:
    """Create a user and print the new bearer token as the last line (shown once, stored hashed)."""
    from meallog.clock import SystemClock
    from meallog.store.db import make_engine, make_sessionmaker, session_scope
    from meallog.store.migrate import database_label, upgrade
    from meallog.users import add_user

    engine = make_engine(settings().database_url)
    upgrade(engine)
    typer.echo(f"database: {database_label(engine.url)}")
    try:
        with session_scope(make_sessionmaker(engine)) as s:
            user, token = add_user(s, name=name, now=SystemClock().now(), time_zone=time_zone, locale=locale)
            user_id = user.id
    except MeallogError as exc:
        raise fail(exc) from exc
    typer.echo(f"user {name} (id {user_id}) created; the token is shown once:")
    typer.echo(token)


@users_app.command("rotate")
def users_rotate(name: str) -> None:
    """Give a user a new bearer token (printed as the last line); the old one stops working within
    MEALLOG_TOKEN_CACHE_TTL_S seconds (each API process answers tokens from memory that long)."""
    from meallog.store.db import make_engine, make_sessionmaker, session_scope
    from meallog.users import rotate_token

    engine = make_engine(settings().database_url)
    try:
        with session_scope(make_sessionmaker(engine)) as s:
            user, token = rotate_token(s, name=name)
            user_id = user.id
    except MeallogError as exc:
        raise fail(exc) from exc
    typer.echo(f"user {name} (id {user_id}) has a new token; the old one is refused within "
               f"{settings().token_cache_ttl_s:g} s:")
    typer.echo(token)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="address to bind"),
    port: int = typer.Option(8000, help="port to bind"),
    workers: int = typer.Option(1, min=1, max=64, help="API processes sharing the port"),
    worker: bool = typer.Option(True, "--worker/--no-worker",
                                help="run the outbox worker in serve's background process"),
    scheduler: bool = typer.Option(True, "--scheduler/--no-scheduler",
                                   help="run the ops scheduler in serve's background process"),
    log_level: str = typer.Option("info", help="debug, info, warning or error"),
) -> None:
    """Migrate the database, then serve the HTTP API from WORKERS processes, with the outbox worker and
    the scheduler in one background process of their own (lower CPU priority). SIGTERM/SIGINT stops all."""
    from meallog.app import build_provider_from
    from meallog.cli.processes import ServePlan
    from meallog.cli.processes import serve as run_processes
    from meallog.logging_setup import configure, get_logger
    from meallog.store.db import make_engine
    from meallog.store.migrate import database_label, upgrade

    cfg = settings()
    try:
        build_provider_from(cfg)  # fail at start, in one line, not on the first meal
    except MeallogError as exc:
        raise fail(exc) from exc
    configure(log_level.upper())
    engine = make_engine(cfg.database_url)
    upgrade(engine)
    label = database_label(engine.url)
    engine.dispose()
    get_logger("meallog.serve").info("serving", database=label, url=f"http://{host}:{port}", workers=workers,
                                     worker=worker, scheduler=scheduler)
    plan = ServePlan(host=host, port=port, workers=workers, run_worker=worker, run_scheduler=scheduler,
                     log_level=log_level)
    raise typer.Exit(run_processes(plan))


# Domain command groups register themselves here; a missing optional module is not an error.
_PLUGINS = ("meallog.cli.nutrition", "meallog.cli.migration", "meallog.cli.migration_ops", "meallog.cli.observability",
            "meallog.cli.ops")


_registered: list[str] = []


def _register_plugins() -> None:
    if _registered:
        return
    for mod_name in _PLUGINS:
        try:
            mod = importlib.import_module(mod_name)
        except ModuleNotFoundError as exc:
            if exc.name != mod_name:
                raise
            continue
        mod.register(app)
        _registered.append(mod_name)
    _registered.append("")


def main() -> None:
    from meallog.logging_setup import configure

    # A command's own output is stdout; its WARNING lines (phase change, rollback not paged) are JSON on
    # stderr, so `--json` output stays parseable and a script can keep the log. `serve` sets its level.
    configure("WARNING")
    _register_plugins()
    try:
        app()
    except MeallogError as exc:  # pragma: no cover - commands map their own errors
        err.print(f"error: {exc.detail}")
        sys.exit(exc.exit_code)


_register_plugins()


if __name__ == "__main__":
    main()
