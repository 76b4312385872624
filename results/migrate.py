"""Schema upgrades that keep every row, made by one process at a time.

:func:`upgrade` brings a results database to the newest schema the installed credsup knows, with the
Alembic migrations in ``credsup.results.migrations``:

* **One transaction.** The whole upgrade commits or nothing does (SQLite and PostgreSQL both roll back
  DDL), so a failed upgrade leaves the database as it was.
* **One process at a time.** Two processes opening a fresh database at once would both create the
  tables. On PostgreSQL the upgrade holds a transaction-level advisory lock
  (``pg_advisory_xact_lock``); on SQLite it runs in a ``BEGIN IMMEDIATE`` transaction, which holds the
  database's write lock from the moment it reads the schema version until it commits. The process that
  waited finds the schema current and does nothing.
* **No cascades.** Alembic's batch mode changes a SQLite table by rebuilding it: create a copy, copy the
  rows, drop the old table, rename the copy. With foreign keys enforced (credsup's connections turn them
  on), dropping ``run`` would first delete every metric row that refers to it (``ON DELETE CASCADE``).
  So SQLite migrations run on a connection of their own with ``PRAGMA foreign_keys=OFF`` (it can only
  be changed outside a transaction), and ``PRAGMA foreign_key_check`` runs before the commit: any row
  left pointing nowhere aborts the upgrade, as the SQLite documentation's procedure for table changes
  asks (https://www.sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema Changes").
* **A copy first.** Before it changes an existing SQLite database, the upgrade copies it, with SQLite's
  online backup API, to ``<file>.schema-<old revision>-<UTC time>.bak`` beside it, and says so on stderr.
  (PostgreSQL: take a ``pg_dump`` before installing a credsup that changes the schema, as for any
  upgrade; the transaction already guarantees all or nothing.)
* **Never downwards.** A database whose schema is newer than this credsup's (written by a later
  release) is refused with both versions named, before anything is read or written.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import sys
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.pool import NullPool

from credsup.results.errors import DatabaseError
from credsup.results.urls import display_url

#: Key of the PostgreSQL advisory lock around credsup's migrations: "credsup" in ASCII, as a bigint.
ADVISORY_LOCK_KEY = int.from_bytes(b"credsup", "big")

#: How long a process waits for another process's upgrade to finish before giving up (milliseconds).
LOCK_WAIT_MS = 600_000


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def migrations_location() -> str:
    """Where credsup's migration scripts are installed."""
    return str(files("credsup.results") / "migrations")


def script_directory(script_location: str | None = None) -> ScriptDirectory:
    cfg = Config()
    cfg.set_main_option("script_location", script_location or migrations_location())
    return ScriptDirectory.from_config(cfg)


def head_revision(script_location: str | None = None) -> str:
    """The newest schema revision this credsup knows."""
    return script_directory(script_location).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    """The database's schema revision (None: no credsup schema yet)."""
    with engine.connect() as conn:
        return _revision(conn)


def _revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def _known(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is not None
    except CommandError:
        return False


def _written_by(engine: Engine) -> str:
    """ ", last written by credsup X" from the newest experiment, when that can be read."""
    try:
        with engine.connect() as conn:
            version = conn.execute(text("SELECT credsup_version FROM experiment ORDER BY id DESC LIMIT 1")).scalar()
    except Exception:  # a schema we do not know: the version is a courtesy, not a requirement
        return ""
    return f", last written by credsup {version}" if version else ""


def refuse_newer(engine: Engine, revision: str | None, script: ScriptDirectory | None = None) -> None:
    """Raise :class:`DatabaseError` when the database's schema ``revision`` is unknown to this credsup."""
    script = script or script_directory()
    if revision is None or _known(script, revision):
        return
    from credsup import __version__

    raise DatabaseError(
        f"database {display_url(engine.url)} has schema version {revision}{_written_by(engine)}; this "
        f"credsup ({__version__}) knows schema versions up to {script.get_current_head()}: upgrade credsup "
        "(pip install -U credsup) to use this database, or give another --db"
    )


def upgrade(engine: Engine, *, script_location: str | None = None, say: Callable[[str], None] = _stderr) -> Path | None:
    """Apply every pending migration; a no-op (no lock, no copy) on an up-to-date database.

    Returns the path of the copy taken of a SQLite database before it was changed (None when nothing
    was copied). Raises :class:`DatabaseError` when the schema is newer than this credsup's or when
    the upgrade fails; a failed upgrade changes nothing.
    """
    script = script_directory(script_location)
    location = script_location or migrations_location()
    current = current_revision(engine)
    if current == script.get_current_head():
        return None
    refuse_newer(engine, current, script)
    if engine.dialect.name == "sqlite":
        return _upgrade_sqlite(engine, script, location, say)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"SET LOCAL lock_timeout = {LOCK_WAIT_MS}"))
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
        _migrate(conn, engine, script, location, say)
    return None


def _migrate(
    conn: Connection,
    engine: Engine,
    script: ScriptDirectory,
    location: str,
    say: Callable[[str], None],
    before: Callable[[str], object] | None = None,
) -> bool:
    """Under the lock: read the revision again (another process may have upgraded meanwhile) and
    migrate to head on ``conn``. ``before(revision)`` runs first when an existing schema is changed."""
    current = _revision(conn)
    head = script.get_current_head()
    if current == head:
        return False
    if current is not None and not _known(script, current):
        refuse_newer(engine, current, script)
    if current is not None:
        say(f"upgrading the schema of {display_url(engine.url)} from version {current} to {head}")
        if before is not None:
            before(current)
    cfg = Config()
    cfg.set_main_option("script_location", location)
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "head")
    return True


def _upgrade_sqlite(engine: Engine, script: ScriptDirectory, location: str, say: Callable[[str], None]) -> Path | None:
    database = engine.url.database
    if database in (None, "", ":memory:"):  # a new, private database: nothing to lock, copy or check
        with engine.begin() as conn:
            _migrate(conn, engine, script, location, say)
        return None
    path = Path(database).expanduser()
    migrator = create_engine(engine.url, poolclass=NullPool)
    event.listen(migrator, "connect", _migration_connection)
    event.listen(migrator, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
    copies: list[Path] = []
    try:
        with migrator.begin() as conn:
            _migrate(conn, engine, script, location, say, before=lambda rev: copies.append(backup(path, rev, say)))
            _check_foreign_keys(conn, engine)
    finally:
        migrator.dispose()
    return copies[0] if copies else None


def _migration_connection(dbapi_connection: Any, _record: Any) -> None:
    """A SQLite connection for migrations: foreign keys off, transactions begun by us (``BEGIN
    IMMEDIATE``), and a long wait for a lock held by another process's upgrade."""
    dbapi_connection.isolation_level = None  # the driver begins no transaction of its own
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=OFF")  # a no-op inside a transaction: set before BEGIN
    cur.execute(f"PRAGMA busy_timeout={LOCK_WAIT_MS}")
    cur.close()


def _check_foreign_keys(conn: Connection, engine: Engine) -> None:
    rows = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    if rows:
        table, rowid, parent, _ = rows[0]
        raise DatabaseError(
            f"upgrading the schema of {display_url(engine.url)} would leave {len(rows)} row(s) pointing to "
            f"nothing (first: {table} row {rowid}, missing in {parent}); nothing was changed. This is a bug "
            "in a credsup migration: please report it"
        )


def backup(path: Path, revision: str, say: Callable[[str], None] = _stderr) -> Path:
    """Copy the SQLite database at ``path`` beside it, as ``<name>.schema-<revision>-<UTC time>.bak``,
    with SQLite's online backup API (a consistent copy even while others read it); return the copy's path."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.schema-{revision}-{stamp}.bak")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.name}.schema-{revision}-{stamp}-{n}.bak")
        n += 1
    try:
        source = sqlite3.connect(path)
        try:
            copy = sqlite3.connect(target)
            try:
                source.backup(copy)
            finally:
                copy.close()
        finally:
            source.close()
        shutil.copymode(path, target)  # the copy is no more readable than the database
    except (OSError, sqlite3.Error) as exc:
        target.unlink(missing_ok=True)
        raise DatabaseError(
            f"cannot copy {path} to {target} before upgrading its schema: {exc}; nothing was changed"
        ) from None
    say(f"the database as it was (schema version {revision}) is kept in {target}")
    return target
