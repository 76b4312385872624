"""Writing results as CSV: fixed column order, ``\\n`` line ends, the same bytes for the same data."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

import numpy as np

from credsup.core.batch import EnterpriseBatch


def csv_text(columns: Mapping[str, np.ndarray]) -> str:
    """Columns (name -> array of equal length) as CSV text with a header line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(list(columns))
    writer.writerows(zip(*(np.asarray(v).tolist() for v in columns.values()), strict=True))
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
