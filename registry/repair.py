"""May an enterprise's records be repaired now, and if not, when and on which conditions?

Every record of the enterprise still weighing on it as of the date — each penalty on public display and
each active listing of this registry's authority — becomes one credit-repair application filed that day,
decided by the jurisdiction's ``credsup_repair`` hook (seed 004 (XXVI); 国办发〔2025〕22号). The conditions
the registry shows as met are filled in from the events:

* ``rectified``: the violation behind the record was rectified (``violations.rectified_on``);
* ``commitment``: a ``repair`` commitment was made on or after the record's date and not found false;
* anything an earlier application for the same record declared in ``repairs.fulfilled``.

The minimum publicity period is the hook's to judge (it knows its own periods). Listings of other
regions are shown but not decided: they are repaired where they were made.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import numpy as np

from credsup.core.cases import RepairApplications
from credsup.core.enums import RecordKind, RepairCondition, RepairStatus, Severity
from credsup.core.errors import InputError
from credsup.core.jurisdiction import Jurisdiction
from credsup.registry.load import Registry
from credsup.registry.schema import COMMITMENT_KINDS, LISTS, RECORDS, SEVERITIES
from credsup.registry.summary import record_status, summarise

STATUS_TEXT = {RepairStatus.APPROVED: "eligible", RepairStatus.NOT_YET: "not yet", RepairStatus.REFUSED: "refused"}

#: Severity of a listing whose violation is not recorded (assumption: a dishonesty listing follows
#: serious dishonesty, seed 002 line 13; abnormal operation is a general breach of reporting duties).
LISTING_SEVERITY = {"dishonesty": Severity.SERIOUS, "abnormal_operation": Severity.GENERAL}


def _date(d: np.datetime64) -> dt.date | None:
    return None if np.isnat(d) else d.astype("datetime64[D]").astype(dt.date)


@attrs.frozen
class RecordCheck:
    """The verdict on one record."""

    record: str
    id: str
    recorded: dt.date
    severity: str
    status: str
    earliest: dt.date | None
    missing: tuple[str, ...]
    fulfilled: tuple[str, ...]
    review_working_days: int

    def as_dict(self) -> dict[str, Any]:
        d = attrs.asdict(self)
        d["recorded"] = self.recorded.isoformat()
        d["earliest"] = self.earliest.isoformat() if self.earliest else None
        d["missing"], d["fulfilled"] = list(self.missing), list(self.fulfilled)
        return d


@attrs.frozen
class RepairCheck:
    """The verdict on every record of one enterprise."""

    enterprise: str
    as_of: dt.date
    jurisdiction: str
    records: tuple[RecordCheck, ...]
    #: dishonesty listings of other regions (mutual recognition); repaired where they were made
    other_regions: tuple[str, ...]

    @property
    def eligible(self) -> bool:
        """Every record can be repaired now (and there is at least one)."""
        return bool(self.records) and all(r.status == "eligible" for r in self.records)

    @property
    def earliest(self) -> dt.date | None:
        """The first day every record can be repaired (None when one is refused or there is none)."""
        if not self.records or any(r.earliest is None for r in self.records):
            return None
        return max(r.earliest for r in self.records if r.earliest is not None)

    @property
    def missing(self) -> tuple[str, ...]:
        """Conditions still missing for any record, in RepairCondition order."""
        names = {m for r in self.records for m in r.missing}
        return tuple(c.name.lower() for c in RepairCondition if c.name and c.name.lower() in names)

    def as_dict(self) -> dict[str, Any]:
        return {
            "enterprise": self.enterprise,
            "as_of": self.as_of.isoformat(),
            "jurisdiction": self.jurisdiction,
            "eligible": self.eligible,
            "earliest": self.earliest.isoformat() if self.earliest else None,
            "missing": list(self.missing),
            "records": [r.as_dict() for r in self.records],
            "other_regions": list(self.other_regions),
        }


def check_repair(registry: Registry, jurisdiction: Jurisdiction, enterprise_id: str, as_of: dt.date) -> RepairCheck:
    """Decide a repair application for every record weighing on ``enterprise_id`` as of ``as_of``."""
    e = registry.index_of(enterprise_id)
    if e is None:
        raise InputError(f"enterprise {enterprise_id!r} is not in {registry['enterprises'].where}")
    t = np.datetime64(as_of, "D")
    status = record_status(registry, as_of)
    pen, lst, viol = registry["penalties"], registry["listings"], registry["violations"]

    p_rows = np.flatnonzero(
        (pen["enterprise"] == e)
        & (pen["decided"] <= t)
        & (pen["publicity_until"] > t)
        & ~status["penalty_upheld"]
        & ~status["penalty_approved"]
    )
    active = (
        (lst["enterprise"] == e)
        & (lst["start"] <= t)
        & (np.isnat(lst["until"]) | (lst["until"] > t))
        & ~status["listing_upheld"]
        & ~status["listing_approved"]
    )
    l_rows = np.flatnonzero(active & (lst["region"] == ""))
    others = tuple(sorted(set(lst["region"][active & (lst["region"] != "")].tolist())))

    kinds = [RecordKind.PENALTY] * len(p_rows) + [
        RecordKind.DISHONESTY_LIST if lst["list"][r] == LISTS.index("dishonesty") else RecordKind.ABNORMAL_OPERATION
        for r in l_rows
    ]
    ids = [str(pen["id"][r]) for r in p_rows] + [str(lst["id"][r]) for r in l_rows]
    recorded = np.concatenate([pen["decided"][p_rows], lst["start"][l_rows]]).astype("datetime64[D]")
    violation = np.concatenate([pen["violation"][p_rows], lst["violation"][l_rows]]).astype(np.int64)
    severity = np.concatenate(
        [
            pen["severity"][p_rows].astype(np.int64),
            [
                int(viol["severity"][lst["violation"][r]])
                if lst["violation"][r] >= 0
                else int(LISTING_SEVERITY[LISTS[lst["list"][r]]])
                for r in l_rows
            ],
        ]
    ).astype(np.int8)
    rows = np.concatenate([p_rows, l_rows]).astype(np.int64)
    fulfilled = _fulfilled(registry, e, t, kinds, rows, recorded, violation)

    apps = RepairApplications.build(
        len(ids),
        enterprise=np.zeros(len(ids), dtype=np.int64),
        record=np.array(kinds, dtype=np.int8),
        severity=severity,
        recorded=recorded,
        applied=np.full(len(ids), t),
        fulfilled=fulfilled,
    )
    batch = summarise(registry, as_of).take(np.array([e]))
    decisions = jurisdiction.repair(apps, batch, as_of)
    records = []
    for i in range(len(ids)):
        st = RepairStatus(int(decisions.status[i]))
        records.append(
            RecordCheck(
                record=RECORDS[int(kinds[i])],
                id=ids[i],
                recorded=_date(recorded[i]),  # type: ignore[arg-type]
                severity=SEVERITIES[int(severity[i])],
                status=STATUS_TEXT[st],
                earliest=None if st == RepairStatus.REFUSED else _date(decisions.earliest[i]),
                missing=tuple(RepairCondition(int(decisions.missing[i])).names()),
                fulfilled=tuple(RepairCondition(int(fulfilled[i])).names()),
                review_working_days=int(decisions.review_days[i]),
            )
        )
    return RepairCheck(enterprise_id, as_of, jurisdiction.name, tuple(records), others)


def _fulfilled(
    registry: Registry,
    e: int,
    t: np.datetime64,
    kinds: list[RecordKind],
    rows: np.ndarray,
    recorded: np.ndarray,
    violation: np.ndarray,
) -> np.ndarray:
    """The RepairCondition mask the registry shows as met for each record (see the module docstring)."""
    viol, com, rep = registry["violations"], registry["commitments"], registry["repairs"]
    n = len(rows)
    mask = np.zeros(n, dtype=np.uint16)
    has_v = violation >= 0
    rect = np.zeros(n, dtype=bool)
    rect[has_v] = viol["rectified_on"][violation[has_v]] <= t
    mask[rect] |= np.uint16(RepairCondition.RECTIFIED)
    mine = (com["enterprise"] == e) & (com["kind"] == COMMITMENT_KINDS.index("repair")) & (com["made"] <= t)
    mine &= ~(com["found_false"] & (com["verified_on"] <= t))
    made = com["made"][mine]
    committed = np.array([bool((made >= r).any()) for r in recorded], dtype=bool)
    mask[committed] |= np.uint16(RepairCondition.COMMITMENT)
    applied = (rep["enterprise"] == e) & (rep["applied"] <= t)
    for i, (kind, row) in enumerate(zip(kinds, rows.tolist(), strict=True)):
        same = applied & (rep["record"] == int(kind)) & (rep["record_index"] == row)
        mask[i] |= np.bitwise_or.reduce(rep["fulfilled_mask"][same], initial=np.uint16(0))
    return mask
