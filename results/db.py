"""Opening the results database: URL resolution, connection checks, migrations, clear errors.

``--db`` accepts a SQLAlchemy URL (``sqlite:///path.db``, ``postgresql://user:pw@host/db``) or a plain
file path (a SQLite file). Without ``--db``, ``CREDSUP_DB`` is used, else ``credsup.db`` in the working
directory. ``postgresql://`` URLs use psycopg 3 (``pip install "credsup[postgres]"``).
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from credsup.core.errors import CredsupError

DB_ENV = "CREDSUP_DB"
DEFAULT_DB = "credsup.db"


class DatabaseError(CredsupError):
    """The results database cannot be used (bad URL, unreachable, not writable, wrong schema)."""


def resolve_url(db: str | None) -> str:
    """The SQLAlchemy URL for ``--db`` (or ``CREDSUP_DB``, or ``./credsup.db``)."""
    raw = db or os.environ.get(DB_ENV) or DEFAULT_DB
    if "://" not in raw:
        return f"sqlite:///{Path(raw).expanduser()}"
    if raw.startswith("postgresql://") or raw.startswith("postgres://"):
        raw = "postgresql+psycopg://" + raw.split("://", 1)[1]
    return raw


def display_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return url.split("@")[-1] if "@" in url else url


def _alembic_config(engine: Engine, script_location: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", script_location or str(files("credsup.results") / "migrations"))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def head_revision(script_location: str | None = None) -> str:
    cfg = Config()
    cfg.set_main_option("script_location", script_location or str(files("credsup.results") / "migrations"))
    return ScriptDirectory.from_config(cfg).get_current_head() or ""


def open_database(db: str | None = None, *, migrate: bool = True) -> Engine:
    """Connect, check the connection, and bring the schema to the latest migration.

    Raises :class:`DatabaseError` with the (password-hidden) URL and the reason on any failure.
    """
    url = resolve_url(db)
    shown = display_url(url)
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise DatabaseError(f"malformed database URL {shown!r}: {exc}") from None
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        folder = Path(parsed.database).expanduser().resolve().parent
        if not folder.is_dir():
            raise DatabaseError(f"cannot create database {shown}: folder {folder} does not exist")
        if not os.access(folder, os.W_OK):
            raise DatabaseError(f"cannot create database {shown}: folder {folder} is not writable")
    try:
        engine = create_engine(url, future=True)
    except NoSuchModuleError as exc:
        raise DatabaseError(f"unsupported database URL {shown!r}: {exc}") from None
    except ModuleNotFoundError as exc:
        hint = ' (install "credsup[postgres]" for PostgreSQL)' if "psycopg" in str(exc) else ""
        raise DatabaseError(f"cannot use database {shown}: missing driver {exc.name}{hint}") from None
    except ArgumentError as exc:
        raise DatabaseError(f"malformed database URL {shown!r}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        reason = (
            str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            if str(getattr(exc, "orig", exc)).strip()
            else type(exc).__name__
        )
        raise DatabaseError(f"cannot connect to database {shown}: {reason}") from None
    if migrate:
        upgrade(engine)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")  # SQLite ignores foreign keys unless asked
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, *, script_location: str | None = None) -> None:
    """Apply every pending migration (a no-op on an up-to-date database)."""
    if current_revision(engine) == head_revision(script_location):
        return
    try:
        with engine.begin() as conn:
            cfg = _alembic_config(engine, script_location)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except SQLAlchemyError as exc:
        raise DatabaseError(
            f"cannot prepare database {display_url(str(engine.url))}: {str(getattr(exc, 'orig', exc)).splitlines()[0]}"
        ) from None
