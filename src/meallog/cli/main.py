"""The `meallog` command. Formats output and maps domain errors to exit codes; no logic of its own."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console

from meallog.errors import MeallogError
from meallog.settings import Settings

app = typer.Typer(help="meallog: meal logging and the legacy -> v2 nutrition migration.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
users_app = typer.Typer(help="Users and their tokens.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")

err = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])


def settings() -> Settings:
    return Settings()


def fail(exc: MeallogError) -> typer.Exit:
    err.print(f"[red]error:[/red] {exc.detail}", highlight=False)
    return typer.Exit(exc.exit_code)


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head")) -> None:
    """Apply schema migrations (Alembic) up to REVISION."""
    from meallog.store.db import make_engine
    from meallog.store.migrate import current_revision, upgrade

    engine = make_engine(settings().database_url)
    upgrade(engine, revision)
    typer.echo(f"database at revision {current_revision(engine)} ({engine.dialect.name})")


@users_app.command("add")
def users_add(
    name: str,
    time_zone: str = typer.Option("Asia/Tokyo", "--tz", help="IANA time zone of the user's days"),
    locale: str = typer.Option("ja", help="ja or en: default language of the user's meal texts"),
) -> None:
    """Create a user and print the new bearer token as the last line (shown once, stored hashed)."""
    from meallog.clock import SystemClock
    from meallog.store.db import make_engine, make_sessionmaker, session_scope
    from meallog.store.migrate import upgrade
    from meallog.users import add_user

    engine = make_engine(settings().database_url)
    upgrade(engine)
    try:
        with session_scope(make_sessionmaker(engine)) as s:
            user, token = add_user(s, name=name, now=SystemClock().now(), time_zone=time_zone, locale=locale)
            user_id = user.id
    except MeallogError as exc:
        raise fail(exc) from exc
    typer.echo(f"user {name} (id {user_id}) created; the token is shown once:")
    typer.echo(token)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="address to bind"),
    port: int = typer.Option(8000, help="port to bind"),
    worker: bool = typer.Option(True, "--worker/--no-worker", help="run the outbox worker in-process"),
    scheduler: bool = typer.Option(True, "--scheduler/--no-scheduler", help="run the ops scheduler in-process"),
    log_level: str = typer.Option("info"),
) -> None:
    """Migrate the database, then serve the HTTP API (and the worker and scheduler in-process)."""
    import uvicorn

    from meallog.app import build_services, create_app
    from meallog.logging_setup import configure
    from meallog.store.migrate import upgrade

    configure(log_level.upper())
    cfg = settings().model_copy(update={"run_worker": worker, "run_scheduler": scheduler})
    services = build_services(cfg)
    upgrade(services.engine)
    application = create_app(cfg, services=services, start_background=True)
    uvicorn.run(application, host=host, port=port, log_level=log_level, access_log=False)


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
    _register_plugins()
    try:
        app()
    except MeallogError as exc:  # pragma: no cover - commands map their own errors
        err.print(f"error: {exc.detail}")
        sys.exit(exc.exit_code)


_register_plugins()


if __name__ == "__main__":
    main()
