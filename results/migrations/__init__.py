"""Alembic migrations of the results schema (``script_location = credsup.results:migrations``)."""
