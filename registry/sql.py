"""Registry tables in a database (SQLAlchemy 2): the same tables and columns as the CSV files.

:func:`metadata` builds the tables from :mod:`credsup.registry.schema` (dates as ``DATE``, flags as
``BOOLEAN``, numbers as ``INTEGER``/``FLOAT``, everything else as text; ``id`` is the primary key). A
database holding these tables is read by any command that takes a registry, through its URL
(``sqlite:///registry.db``, ``postgresql://user@host/db``). Values may also be stored as text in the CSV
format; they are checked the same way. References are checked by credsup, not by foreign keys, so an
export from another system loads even when it breaks them, and every break is reported with its row.

:func:`copy_to_sql` copies a checked registry (and an inspectors file) into a database, in one
transaction: either every table is written or none.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import sqlalchemy as sa

from credsup.core.errors import Problem
from credsup.registry import reading
from credsup.registry.errors import RegistryError
from credsup.registry.load import Frame, Registry, parse_bools, parse_dates, parse_numbers
from credsup.registry.schema import TABLES, Col, TableSpec

_TYPES: dict[str, Any] = {"date": sa.Date, "bool": sa.Boolean, "int": sa.Integer, "float": sa.Float}
CHUNK = 50_000


def sql_table(spec: TableSpec, metadata: sa.MetaData) -> sa.Table:
    """The SQLAlchemy table of one registry table."""
    columns = [
        sa.Column(
            c.name, _TYPES.get(c.kind, sa.String), primary_key=c.name == "id", nullable=c.name != "id", comment=c.doc
        )
        for c in spec.columns
    ]
    return sa.Table(spec.name, metadata, *columns, comment=spec.doc)


def metadata(specs: Iterable[TableSpec] = TABLES.values()) -> sa.MetaData:
    """A MetaData holding every registry table (and ``inspectors``)."""
    md = sa.MetaData()
    for spec in specs:
        sql_table(spec, md)
    return md


def _values(col: Col, text: np.ndarray) -> list[Any]:
    """A checked text column as Python values for the database (None for empty cells)."""
    empty = np.strings.str_len(text) == 0
    if col.kind == "date":
        values: np.ndarray = parse_dates(text)[0].astype(object)
    elif col.kind == "bool":
        codes = parse_bools(text)[0]
        values = np.where(codes == 1, True, False).astype(object)
    elif col.kind in ("int", "float"):
        values = parse_numbers(text, col.kind, col.maximum)[0].astype(object)
    else:
        values = text.astype(object)
    values[empty] = None
    return values.tolist()


def _rows(frame: Frame) -> list[dict[str, Any]]:
    raw = frame.raw
    assert raw is not None
    if "id" not in raw.columns:
        raise ValueError(f"{raw.where}: the cells were not kept; load with keep_cells=True to copy them")
    present = [c for c in frame.spec.columns if c.name in raw.columns]
    cols = {c.name: _values(c, raw.columns[c.name].text()) for c in present}
    return [dict(zip(cols, vals, strict=True)) for vals in zip(*cols.values(), strict=True)]


def copy_to_sql(registry: Registry, url: str, inspectors: Frame | None = None) -> dict[str, int]:
    """Write every table of ``registry`` (as read, checked) into the database at ``url``.

    The registry (and inspectors) must be loaded with ``keep_cells=True``.

    Refuses to touch a database that already holds any of the tables. Returns rows written per table.
    """
    engine = reading.connect(url)
    frames = [registry[s.name] for s in TABLES.values() if s.name in registry and registry[s.name].raw is not None]
    if inspectors is not None:
        frames.append(inspectors)
    existing = reading.table_names(engine) & {f.spec.name for f in frames}
    if existing:
        raise RegistryError(
            [
                Problem(
                    reading.masked(url),
                    ", ".join(sorted(existing)),
                    "table(s) already exist; write into an empty database",
                )
            ]
        )
    md = metadata(f.spec for f in frames)
    written = {}
    with engine.begin() as conn:
        md.create_all(conn)
        for frame in frames:
            rows = _rows(frame)
            table = md.tables[frame.spec.name]
            for i in range(0, len(rows), CHUNK):
                conn.execute(table.insert(), rows[i : i + CHUNK])
            written[frame.spec.name] = len(rows)
    return written
