"""Schema migrations (Alembic), run by `meallog db upgrade`, `meallog serve` and `meallog users add`
(never implicitly by any other command: they call `open_database`, which refuses a missing or outdated schema)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import URL, Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision`; safe to run again (it is what every start does)."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    # Alembic owns the transaction (not engine.begin()), so a revision may use autocommit_block():
    # 0004 copies the shadow tables in batches that commit one by one.
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        conn.commit()


def downgrade(engine: Engine, revision: str) -> None:
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
        conn.commit()


def head_revision() -> str | None:
    """The newest revision this code ships."""
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(cfg).get_current_head()


def database_label(url: str | URL) -> str:
    """The URL as an operator may see it: no password."""
    u = make_url(url) if isinstance(url, str) else url
    if not u.password:
        return u.render_as_string(hide_password=False)
    return u.render_as_string(hide_password=True).replace(":***@", "@", 1)


def open_database(url: str, *, pool_size: int = 10, max_overflow: int = 20) -> Engine:
    """An engine on an existing, up-to-date schema; never creates a database or migrates one.

    Raises DatabaseNotReady with the command to run when the file is missing, the database has no
    meallog schema, is behind (or ahead of) this code, or cannot be reached.
    """
    from meallog.errors import DatabaseNotReady
    from meallog.store.db import make_engine, normalize_url

    label = database_label(normalize_url(url))
    u = make_url(url)
    in_file = u.get_backend_name() == "sqlite" and u.database not in (None, "", ":memory:")
    if in_file and not Path(str(u.database)).is_file():
        raise DatabaseNotReady(f"no database at {label}: run `meallog db upgrade` there, or set DATABASE_URL")
    engine = make_engine(url, pool_size=pool_size, max_overflow=max_overflow)
    try:
        current = current_revision(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise DatabaseNotReady(f"cannot open {label}: {type(exc).__name__} (is DATABASE_URL right?)") from exc
    head = head_revision()
    if current != head:
        engine.dispose()
        state = ("has no meallog schema" if current is None
                 else f"is at schema revision {current}, this meallog needs {head}")
        raise DatabaseNotReady(f"{label} {state}: run `meallog db upgrade`")
    return engine


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
