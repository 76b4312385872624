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
    "Labels",
    "batch_table",
    "csv_chunks",
    "csv_text",
    "json_chunks",
    "refuse_overwriting_inputs",
    "registry_inputs",
    "write_atomic",
]

_CHUNK = 100_000


class Labels:
    """A coded column: small integer ``codes`` into ``labels`` (text), written as its labels. A
    million flags or grades then cost a byte each, and pyarrow writes them without converting a
    million strings (``credsup grade``'s indicator columns)."""

    def __init__(self, codes: np.ndarray, labels: Iterable[str]):
        self.codes = np.asarray(codes)
        self.labels = np.array(list(labels), dtype=object)

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, rows: slice) -> Labels:
        return Labels(self.codes[rows], self.labels)

    def text(self) -> np.ndarray:
        """The column as an object array of its labels."""
        return self.labels[self.codes]


Column = np.ndarray | Labels


def _as_list(values: Column) -> list[str]:
    """One column as the texts the csv module writes for it: ``str()`` of each value, ``""`` for None."""
    if isinstance(values, Labels):
        return values.text().tolist()
    if values.dtype.kind in "UT":
        return values.tolist()
    if values.dtype.kind in "biu":
        return values.astype(str).tolist()  # the same digits (and True/False) as str()
    items = values.tolist()
    if set(map(type, items)) <= {str}:  # exactly str, as the csv module writes it
        return items
    return ["" if v is None else str(v) for v in items]


def csv_chunks(columns: Mapping[str, Column]) -> Iterator[str]:
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
    arrays = [v if isinstance(v, Labels) else np.asarray(v) for v in columns.values()]
    n = len(arrays[0]) if arrays else 0
    arrow = len(arrays) > 1 and all(isinstance(a, Labels) or a.dtype.kind in "iuUTO" for a in arrays)
    for start in range(0, n, _CHUNK):
        if arrow:
            body = _arrow_chunk([a[start : start + _CHUNK] for a in arrays])
            if body is not None:
                yield body
                continue
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


def _json_values(values: Column, split: bool = False) -> list[Any]:
    """One column as JSON values: integers and floats as numbers, ``true``/``false`` as booleans, empty
    text as null; ``split``: a ``"; "``-joined list (at top level) as a list."""
    if isinstance(values, Labels):
        values = values.text()
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


def _rows(column: Column, start: int) -> Column:
    part = column[start : start + _CHUNK]
    return part if isinstance(part, Labels) else np.asarray(part)


def json_chunks(
    head: Mapping[str, Any], columns: Mapping[str, Column], key: str = "rows", lists: Iterable[str] = ()
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
        cols = [_json_values(_rows(columns[c], start), c in lists) for c in names]
        rows = [json.dumps(dict(zip(names, row)), ensure_ascii=False) for row in zip(*cols)]
        yield ("," if start else "") + "\n" + ",\n".join(rows)
    yield "\n]}\n"


def _arrow_array(a: Column) -> Any:
    import pyarrow as pa

    if isinstance(a, Labels):
        return pa.DictionaryArray.from_arrays(
            pa.array(a.codes.astype(np.int32)), pa.array(a.labels.tolist(), pa.string())
        )
    if a.dtype.kind in "iu":
        return pa.array(a)
    # numpy's fixed-width text converts slowly (UTF-32); Python strings quickly
    return pa.array(a.astype(object) if a.dtype.kind in "UT" else a, type=pa.string())


def _arrow_chunk(arrays: list[Column]) -> str | None:
    """Rows of text and integer columns as CSV, written by pyarrow's C++ writer (several times faster
    than joining Python strings, for tables of many columns such as ``credsup grade``'s); None when a
    value would need quoting (the caller writes that chunk the csv module's way). Without quoting,
    the bytes are those the csv module writes: integers as their digits, text as it is."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        table = pa.table({str(i): _arrow_array(a) for i, a in enumerate(arrays)})
        sink = io.BytesIO()
        pacsv.write_csv(table, sink, pacsv.WriteOptions(include_header=False, quoting_style="none"))
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None
    text = sink.getvalue().decode("utf-8")
    if "\r" in text:  # the csv module quotes a carriage return
        return None
    return text


def csv_text(columns: Mapping[str, Column]) -> str:
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
