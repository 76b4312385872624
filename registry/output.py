"""Writing results: CSV with a fixed column order, ``\\n`` line ends and the same bytes for the same
data; files written whole or not at all, with the umask's permissions, never over an input."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from credsup.core.batch import EnterpriseBatch
from credsup.core.files import refuse_overwriting_inputs, write_atomic

__all__ = [
    "batch_table",
    "csv_chunks",
    "csv_text",
    "json_chunks",
    "refuse_overwriting_inputs",
    "registry_inputs",
    "write_atomic",
]

_CHUNK = 100_000


def _as_list(values: np.ndarray) -> list[str]:
    """One column as the texts the csv module writes for it: ``str()`` of each value, ``""`` for None."""
    if values.dtype.kind in "UT":
        return values.tolist()
    if values.dtype.kind in "biu":
        return values.astype(str).tolist()  # the same digits (and True/False) as str()
    items = values.tolist()
    if set(map(type, items)) <= {str}:  # exactly str, as the csv module writes it
        return items
    return ["" if v is None else str(v) for v in items]


def csv_chunks(columns: Mapping[str, np.ndarray]) -> Iterator[str]:
    """Columns (name -> array of equal length) as CSV text with a header line, in chunks of rows.

    Byte for byte what ``csv.writer(lineterminator="\n")`` writes (published plans are verified by
    their SHA-256). The rows are joined with plain string joins, about twice as fast as the csv
    module; when a chunk shows a field that would need quoting (a comma too many, a quote, a line
    break or a carriage return) the csv module writes that chunk instead. Chunks of
    :data:`_CHUNK` rows keep the Python strings of a million rows from existing all at once.
    """
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(list(columns))
    yield out.getvalue()
    arrays = [np.asarray(v) for v in columns.values()]
    n = len(arrays[0]) if arrays else 0
    for start in range(0, n, _CHUNK):
        lists = [_as_list(a[start : start + _CHUNK]) for a in arrays]
        rows = len(lists[0])
        body = "\n".join(map(",".join, zip(*lists, strict=True))) + "\n"
        plain = (
            len(lists) > 1  # the csv module writes a lone empty field as ""
            and body.count(",") == rows * (len(lists) - 1)
            and body.count("\n") == rows
            and '"' not in body
            and "\r" not in body
        )
        if not plain:
            chunk = io.StringIO()
            csv.writer(chunk, lineterminator="\n").writerows(zip(*lists, strict=True))
            body = chunk.getvalue()
        yield body


def _json_values(values: np.ndarray, split: bool = False) -> list[Any]:
    """One column as JSON values: integers and floats as numbers, ``true``/``false`` as booleans, empty
    text as null; ``split``: a ``"; "``-joined list (at top level) as a list."""
    if values.dtype.kind in "iu":
        return values.tolist()
    if values.dtype.kind == "f":
        return [None if v != v else v for v in values.tolist()]
    items = values.tolist()
    if split:
        from credsup.registry.grading import split_reasons

        return [split_reasons(str(v)) if v else [] for v in items]
    kinds = set(items) - {""}
    if kinds and kinds <= {"true", "false"}:
        return [None if v == "" else v == "true" for v in items]
    return [v if v != "" else None for v in items]


def json_chunks(
    head: Mapping[str, Any], columns: Mapping[str, np.ndarray], key: str = "rows", lists: Iterable[str] = ()
) -> Iterator[str]:
    """``{**head, key: [{column: value, ...}, ...]}`` as JSON text, in chunks of rows (a million rows
    never exist as Python dicts all at once); values typed by :func:`_json_values`; the columns named
    in ``lists`` hold ``"; "``-joined lists."""
    import json

    lists = set(lists)
    if key in head:
        raise ValueError(f"{key!r} is both a heading and the rows' key")
    start_text = json.dumps(dict(head), ensure_ascii=False, default=str)[:-1]  # without its closing brace
    yield start_text + (", " if head else "") + json.dumps(key) + ": ["
    names = list(columns)
    n = len(next(iter(columns.values()))) if columns else 0
    for start in range(0, n, _CHUNK):
        cols = [_json_values(np.asarray(columns[c][start : start + _CHUNK]), c in lists) for c in names]
        rows = [json.dumps(dict(zip(names, row)), ensure_ascii=False) for row in zip(*cols)]
        yield ("," if start else "") + "\n" + ",\n".join(rows)
    yield "\n]}\n"


def csv_text(columns: Mapping[str, np.ndarray]) -> str:
    """:func:`csv_chunks` as one string."""
    return "".join(csv_chunks(columns))


def batch_table(batch: EnterpriseBatch, ids: np.ndarray) -> dict[str, np.ndarray]:
    """An :class:`EnterpriseBatch` as CSV columns: ``enterprise`` first, dates ISO (empty for NaT),
    coded columns by name: sector, external listing region, size (``micro`` .. ``large``), grades as
    letters (empty: not graded)."""
    from credsup.core.enums import Grade, Size

    grades = np.array(["", *(g.name for g in Grade)])  # -1 (none) -> ""
    sizes = np.array([s.name.lower() for s in Size])
    out: dict[str, np.ndarray] = {"enterprise": ids}
    for spec in EnterpriseBatch.columns():
        values = getattr(batch, spec.name)
        if spec.name in ("grade", "industry_grade"):
            values = grades[np.clip(values.astype(np.int64) + 1, 0, len(grades) - 1)]
        elif spec.name == "size":
            values = sizes[np.clip(values.astype(np.int64), 0, len(sizes) - 1)]
        elif spec.vocabulary:
            labels = np.array(["", *getattr(batch, spec.vocabulary)])
            values = labels[values.astype(np.int64) + 1]
        elif spec.dtype.kind == "M":
            values = np.where(np.isnat(values), "", values.astype(str))
        elif spec.dtype.kind == "b":
            values = np.where(values, "true", "false")
        out[spec.name] = values
    return out


# --------------------------------------------------------------------------------------- writing files


# Whole files with the umask's permissions, never over an input: write_atomic and
# refuse_overwriting_inputs are core/files.py's, shared by every command.


def registry_inputs(location: str) -> list[tuple[str, Path]]:
    """The files a registry at ``location`` is read from, named: every table file of a registry
    folder (existing or not: writing one would add a table), or the file of a SQLite database."""
    from credsup.registry.reading import is_url, sqlite_file
    from credsup.registry.schema import INSPECTORS, REGISTRY_TABLES

    if is_url(location):
        db = sqlite_file(location)
        return [("the registry database", db)] if db is not None else []
    folder = Path(location)
    return [(f"the registry's {s.name} table", folder / s.file) for s in (*REGISTRY_TABLES, INSPECTORS)]
