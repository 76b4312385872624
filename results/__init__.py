"""Results: experiments and runs in a SQLAlchemy database, statistics, plots and readable reports.

SQLite file by default (``credsup.db`` in the working directory), PostgreSQL by URL; the schema is
managed by Alembic migrations shipped in ``credsup.results.migrations`` and applied on open.
"""
