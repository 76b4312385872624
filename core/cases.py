"""Batches of cases a hook decides on: detected violations, repair applications, objections.

Each row refers to an enterprise by its row position in the :class:`~credsup.core.batch.EnterpriseBatch`
passed to the same hook call (column ``enterprise``).
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from credsup.core.columns import DATE, Columnar, code_mask, column


def _names(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value)


@attrs.frozen
class ViolationBatch(Columnar):
    """Detected violations awaiting a tolerance decision and a sanction.

    The record facts are data, not interpretation: whether a violation counts as a *first offence*
    is the jurisdiction's call, made from ``prior_same_item_36m`` / ``prior_36m``.
    """

    enterprise: np.ndarray = column("int64", "row of the enterprise in the accompanying batch", lo=0)
    item: np.ndarray = column("int16", "kind of violation (inspection item)", lo=0, vocabulary="items")
    severity: np.ndarray = column("int8", "Severity code: minor, general, serious", lo=0, hi=2)
    harm: np.ndarray = column(
        "float64", "harm done (1.0 = the harm of a typical general violation; assumption)", unit="harm units", lo=0.0
    )
    harmful: np.ndarray = column("bool", "caused harmful consequences (APL 2021 Art. 33)")
    committed: np.ndarray = column(DATE, "date the violation began, NaT unknown", unit="date")
    detected: np.ndarray = column(DATE, "date the regulator detected it", unit="date")
    source: np.ndarray = column("int8", "DetectionSource code: how it was found", lo=0, hi=5)
    corrected: np.ndarray = column("bool", "corrected within the rectification time limit ordered on detection")
    prior_same_item_36m: np.ndarray = column(
        "int16", "earlier detected violations of the same item in the window", unit="count", lo=0
    )
    prior_36m: np.ndarray = column("int16", "earlier detected violations of any item in the window", unit="count", lo=0)
    false_commitment: np.ndarray = column("bool", "the violation is a credit commitment found false")
    no_fault: np.ndarray = column(
        "bool", "the party has evidence sufficient to prove it had no subjective fault (APL 2021 Art. 33 para 2)"
    )

    items: tuple[str, ...] = attrs.field(default=("unspecified",), converter=_names, kw_only=True)

    def item_mask(self, names: tuple[str, ...] | list[str]) -> np.ndarray:
        """Boolean mask of violations whose item is one of ``names``."""
        return code_mask(self.item, self.items, names)


@attrs.frozen
class RepairApplications(Columnar):
    """Applications for credit repair: remove the public display of a record (seed 004 (XXVI))."""

    enterprise: np.ndarray = column("int64", "row of the enterprise in the accompanying batch", lo=0)
    record: np.ndarray = column("int8", "RecordKind code of the record to repair", lo=0, hi=2)
    severity: np.ndarray = column("int8", "Severity code of the underlying violation", lo=0, hi=2)
    recorded: np.ndarray = column(DATE, "date of the penalty decision or listing", unit="date")
    applied: np.ndarray = column(DATE, "date the application was filed", unit="date")
    fulfilled: np.ndarray = column(
        "uint16", "RepairCondition bit mask of conditions the applicant has met", lo=0, hi=127
    )


@attrs.frozen
class ObjectionBatch(Columnar):
    """Objections: an enterprise contests a record (seed 004 (XXVII))."""

    enterprise: np.ndarray = column("int64", "row of the enterprise in the accompanying batch", lo=0)
    record: np.ndarray = column("int8", "RecordKind code of the contested record", lo=0, hi=2)
    recorded: np.ndarray = column(DATE, "date of the contested record", unit="date")
    filed: np.ndarray = column(DATE, "date the objection was filed", unit="date")
    evidence: np.ndarray = column("bool", "the enterprise's evidence shows the record is wrong")
