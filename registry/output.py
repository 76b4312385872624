"""Writing results as CSV: fixed column order, ``\\n`` line ends, the same bytes for the same data."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

import numpy as np

from credsup.core.batch import EnterpriseBatch


def _as_list(values: np.ndarray) -> list[str]:
    """One column as the texts the csv module writes for it: ``str()`` of each value, ``""`` for None."""
    if values.dtype.kind in "UT":
        return values.tolist()
    if values.dtype.kind in "biu":
        return values.astype(str).tolist()  # the same digits (and True/False) as str()
    return ["" if v is None else str(v) for v in values.tolist()]


def csv_text(columns: Mapping[str, np.ndarray]) -> str:
    """Columns (name -> array of equal length) as CSV text with a header line.

    Byte for byte what ``csv.writer(lineterminator="\n")`` writes (published plans are verified by
    their SHA-256). The rows are joined with plain string joins, about twice as fast as the csv
    module; when the text shows a field that would need quoting (a comma too many, a quote, a line
    break or a carriage return) the csv module writes it instead.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(list(columns))
    lists = [_as_list(np.asarray(v)) for v in columns.values()]
    n = len(lists[0]) if lists else 0
    if n == 0:
        return out.getvalue()
    body = "\n".join(map(",".join, zip(*lists, strict=True))) + "\n"
    plain = (
        len(lists) > 1  # the csv module writes a lone empty field as ""
        and body.count(",") == n * (len(lists) - 1)
        and body.count("\n") == n
        and '"' not in body
        and "\r" not in body
    )
    if plain:
        return out.getvalue() + body
    del body
    writer.writerows(zip(*lists, strict=True))
    return out.getvalue()


def batch_table(batch: EnterpriseBatch, ids: np.ndarray) -> dict[str, np.ndarray]:
    """An :class:`EnterpriseBatch` as CSV columns: ``enterprise`` first, dates ISO (empty for NaT),
    coded columns by name (sector, external listing region)."""
    out: dict[str, np.ndarray] = {"enterprise": ids}
    for spec in EnterpriseBatch.columns():
        values = getattr(batch, spec.name)
        if spec.vocabulary:
            labels = np.array(["", *getattr(batch, spec.vocabulary)])
            values = labels[values.astype(np.int64) + 1]
        elif spec.dtype.kind == "M":
            values = np.where(np.isnat(values), "", values.astype(str))
        elif spec.dtype.kind == "b":
            values = np.where(values, "true", "false")
        out[spec.name] = values
    return out
