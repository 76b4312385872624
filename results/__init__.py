"""Results: experiments and runs in a SQLAlchemy database, statistics, plots and readable reports.

SQLite file by default (``credsup.db`` in the user's data folder), PostgreSQL by URL; the schema is
managed by Alembic migrations shipped in ``credsup.results.migrations`` and applied on open.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from credsup.results.frames import Frames

__all__ = ["load"]


def load(db: Any, experiment_id: int) -> Frames:
    """A stored experiment as tidy pandas DataFrames (:func:`credsup.results.frames.load`; needs
    ``pip install "credsup[pandas]"``)::

        from credsup.results import load
        exp = load("results.db", 1)      # or None: $CREDSUP_DB, else the default database
        exp.metrics.groupby(["jurisdiction", "metric"])["value"].mean()
    """
    from credsup.results.frames import load as _load

    return _load(db, experiment_id)
