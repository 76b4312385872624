"""Alembic environment: migrations run on the connection credsup passes in (see ``results/migrate.py``,
which holds the lock, turns SQLite's foreign keys off and checks them afterwards).

Offline mode (``as_sql``) writes a dialect's DDL as text; the release fixtures of the upgrade tests
(``tests/results/releases/``) are made with it.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, engine_from_config, pool

from credsup.results.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # `alembic` command line: build an engine from sqlalchemy.url
        connectable = engine_from_config(
            config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
        )
        with connectable.connect() as conn:
            _run(conn)
    else:
        _run(connection)


def _run(connection: Connection) -> None:
    # render_as_batch lets ALTER TABLE work on SQLite (Alembic "batch mode")
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    """The DDL as text for the dialect of ``sqlalchemy.url`` (``sqlite://``, ``postgresql://``)."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        render_as_batch=True,
        literal_binds=True,
        transactional_ddl=False,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
