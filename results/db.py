"""Opening the results database: URL resolution, connection checks, migrations, clear errors.

``--db`` accepts a SQLAlchemy URL (``sqlite:///path.db``, ``postgresql://user:pw@host/db``) or a plain
file path (a SQLite file). Without ``--db``, ``CREDSUP_DB`` is used, else ``credsup.db`` in the user's
data folder (:func:`~credsup.results.urls.default_database`), created with its folder on first write.
Commands that only read (:func:`open_existing`) never create a database. ``postgresql://`` URLs use psycopg 3 (``pip install "credsup[postgres]"``). URLs are read and
shown by :mod:`credsup.results.urls` (never with the password); schema upgrades are
:mod:`credsup.results.migrate`'s.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from credsup.results.errors import DatabaseError
from credsup.results.migrate import current_revision, head_revision, refuse_newer
from credsup.results.migrate import upgrade as _upgrade
from credsup.results.urls import (
    DB_ENV,
    DEFAULT_DB,
    default_database,
    display_url,
    has_password,
    is_default,
    parse_url,
    resolve_url,
    scrub,
)

__all__ = [
    "DB_ENV",
    "DEFAULT_DB",
    "DatabaseError",
    "current_revision",
    "default_database",
    "display_url",
    "has_password",
    "head_revision",
    "open_database",
    "open_existing",
    "sqlite_path",
    "resolve_url",
    "upgrade",
]


def _reason(exc: BaseException, engine: Engine) -> str:
    """The first line of a driver's error, with the URL's password scrubbed out."""
    lines = str(getattr(exc, "orig", exc)).strip().splitlines()
    return scrub(lines[0], engine.url) if lines else type(exc).__name__


def open_database(db: str | None = None, *, migrate: bool = True) -> Engine:
    """Connect, check the connection, and bring the schema to the latest migration.

    Raises :class:`DatabaseError` with the (password-hidden) URL and the reason on any failure, and when
    the database's schema is newer than this credsup's (``migrate=False`` included).
    """
    url = resolve_url(db)
    parsed = parse_url(url)
    shown = display_url(parsed)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        folder = Path(parsed.database).expanduser().resolve().parent
        if is_default(db) and not folder.exists():  # the user's data folder, on first use
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(f"cannot create database {shown}: {exc.strerror or exc}") from None
        if not folder.is_dir():
            raise DatabaseError(f"cannot create database {shown}: folder {folder} does not exist")
        if not os.access(folder, os.W_OK):
            raise DatabaseError(f"cannot create database {shown}: folder {folder} is not writable")
    try:
        engine = create_engine(parsed)
    except NoSuchModuleError:
        raise DatabaseError(
            f"unsupported database URL {shown!r}: no SQLAlchemy dialect {parsed.drivername!r} (credsup "
            "stores results in SQLite or PostgreSQL)"
        ) from None
    except ModuleNotFoundError as exc:
        hint = ' (install "credsup[postgres]" for PostgreSQL)' if "psycopg" in str(exc) else ""
        raise DatabaseError(f"cannot use database {shown}: missing driver {exc.name}{hint}") from None
    except ArgumentError:
        raise DatabaseError(f"malformed database URL {shown!r}: SQLAlchemy cannot use it") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        raise DatabaseError(f"cannot connect to database {shown}: {_reason(exc, engine)}") from None
    try:
        if migrate:
            _upgrade(engine)
        else:
            refuse_newer(engine, current_revision(engine))
    except SQLAlchemyError as exc:
        raise DatabaseError(f"cannot prepare database {shown}: {_reason(exc, engine)}") from None
    return engine


def sqlite_path(db: str | None) -> Path | None:
    """The file of the SQLite database ``--db`` names (None for another backend or an in-memory one)."""
    parsed = parse_url(resolve_url(db))
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser()


def open_existing(db: str | None = None) -> Engine | None:
    """:func:`open_database` for a command that only reads: None, and nothing created, when ``db`` is a
    SQLite file that does not exist (a server database is opened as it is)."""
    path = sqlite_path(db)
    if path is not None and not path.is_file():
        return None
    return open_database(db)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")  # SQLite ignores foreign keys unless asked
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def upgrade(engine: Engine, *, script_location: str | None = None) -> Path | None:
    """Apply every pending migration (a no-op on an up-to-date database); see :mod:`credsup.results.migrate`.

    Returns the path of the copy taken of a SQLite database before it was changed, if any.
    """
    try:
        return _upgrade(engine, script_location=script_location)
    except SQLAlchemyError as exc:
        raise DatabaseError(f"cannot prepare database {display_url(engine.url)}: {_reason(exc, engine)}") from None
