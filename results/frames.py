"""An experiment as tidy pandas DataFrames, for notebooks: ``credsup.results.load(db, experiment_id)``.

pandas is an optional extra (``pip install "credsup[pandas]"``): the command line never needs it. The
frames hold exactly the rows of ``credsup results export --table ...`` (they are built from the same
tables, typed by pyarrow), one observation per row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from credsup.core.errors import InputError

if TYPE_CHECKING:
    import pandas as pd
    from sqlalchemy import Engine


@attrs.frozen
class Frames:
    """One stored experiment, tidy.

    * ``experiment``: its record (a dict: id, kind, name, scenario, seed, settings, status ...);
    * ``runs``: one row per run: point, jurisdiction, replication, seed_key, status, wall_seconds, error;
    * ``metrics``: one row per finished run and metric (``value``; NaN when undefined);
    * ``periods``: one row per run, period (``period``, ``start`` date) and metric;
    * ``grades``: one row per run, grade and metric;
    * ``points``: for a sweep, one row per point, jurisdiction and outcome (parameters as columns;
      ``mean``, ``low``, ``high``, ``n``); None for a comparison.
    """

    experiment: dict[str, Any]
    runs: pd.DataFrame
    metrics: pd.DataFrame
    periods: pd.DataFrame
    grades: pd.DataFrame
    points: pd.DataFrame | None


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise InputError('credsup.results.load needs pandas: pip install "credsup[pandas]"') from None
    return pandas


def load(db: str | Engine | None, experiment_id: int) -> Frames:
    """Experiment ``experiment_id`` of the results database ``db`` (a URL, a SQLite file path, an open
    SQLAlchemy engine, or None for ``$CREDSUP_DB`` / the default database) as :class:`Frames`.

    Never creates a database: a missing SQLite file or an unknown experiment raises a
    :class:`~credsup.core.errors.CredsupError` saying so.
    """
    _pandas()
    from sqlalchemy import Engine

    from credsup.results.db import display_url, open_existing, resolve_url
    from credsup.results.export import arrow_table
    from credsup.results.store import load_experiment
    from credsup.results.sweep_table import is_sweep

    if isinstance(db, Engine):
        engine = db
    else:
        found = open_existing(db)
        if found is None:
            raise InputError(f"no results database at {display_url(resolve_url(db))}")
        engine = found
    results = load_experiment(engine, experiment_id)

    def frame(table: str) -> pd.DataFrame:
        return arrow_table(results, table).to_pandas()

    return Frames(
        experiment=dict(results.experiment),
        runs=frame("runs"),
        metrics=frame("summary"),
        periods=frame("periods"),
        grades=frame("grades"),
        points=frame("points") if is_sweep(results) else None,
    )
