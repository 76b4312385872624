"""What the public may see of an enterprise: commitments, demonstration status, penalties and listings on display.

Seed 000 (II)-(III): commitments are publicised on and off line and anyone "is able to inquire the credit
commitment status of a market subject" through its QR code, and verification results "will be publicized".
Seed 000 (IV): demonstration enterprises are named and certified. Penalty decisions and dishonesty or
abnormal-operation listings are public while their publicity period runs, and leave public view when
it ends, when the record is repaired (seed 004 (XXVI)) or withdrawn on objection (seed 004 (XXVII)).

**Never here: the risk grade** (nor anything that is the grade under another name: the previous grade,
an industry grade, the indicators that decided it, an inspection probability). Enterprise credit risk
classification results are for the market regulators' internal use and are not made public
(docs/serve.md, "Why no grade is public", cites the rules). This module builds the public record from the
registry's events and the demonstration status recorded at the last evaluation; it never runs the
grading hooks and never reads a grade column, so it cannot leak what it never touches.

The rules of display are those of the record summary (docs/registry.md): as of the date ``T``, a
penalty is displayed when decided by ``T``, ``publicity_until > T``, not repaired and not withdrawn by
``T``; a listing is shown from ``start`` until ``until`` (exclusive), unless repaired or withdrawn.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np

from credsup.registry.schema import BANS, COMMITMENT_KINDS, LISTS, SEVERITIES

if TYPE_CHECKING:
    from credsup.serve.snapshot import Snapshot

#: Keys that may never appear anywhere in a public answer (tests walk every public answer for them).
FORBIDDEN_KEYS = ("grade", "previous_grade", "industry_grade", "decided_by", "record", "probability", "score")


def _day(value: np.datetime64) -> str | None:
    return None if np.isnat(value) else str(value.astype("datetime64[D]"))


def public_record(snapshot: Snapshot, row: int, today: dt.date) -> dict[str, Any]:
    """The public view of the enterprise at ``row`` of ``snapshot`` as of ``today`` (JSON-ready)."""
    reg = snapshot.registry
    t = np.datetime64(today, "D")
    ent = reg["enterprises"]
    status = snapshot.record_status(today)
    summary = snapshot.summary(today)

    com = reg["commitments"]
    mine = np.flatnonzero((com["enterprise"] == row) & (com["made"] <= t))
    mine = mine[np.lexsort((com["id"][mine], -com["made"][mine].astype(np.int64)))]  # newest first
    commitments = []
    for r in mine.tolist():
        verified = com["verified_on"][r]
        known = not np.isnat(verified) and verified <= t
        commitments.append(
            {
                "id": str(com["id"][r]),
                "kind": COMMITMENT_KINDS[int(com["kind"][r])],
                "made": _day(com["made"][r]),
                "verified_on": _day(verified) if known else None,
                "found_false": bool(com["found_false"][r]) if known else None,
            }
        )

    pen, viol = reg["penalties"], reg["violations"]
    shown = (
        (pen["enterprise"] == row)
        & (pen["decided"] <= t)
        & (pen["publicity_until"] > t)
        & ~status["penalty_upheld"]
        & ~status["penalty_approved"]
    )
    rows = np.flatnonzero(shown)
    rows = rows[np.lexsort((pen["id"][rows], -pen["decided"][rows].astype(np.int64)))]
    penalties = []
    for r in rows.tolist():
        v = int(pen["violation"][r])
        ban = BANS[int(pen["ban"][r])] if pen["ban"][r] >= 0 else "none"
        penalties.append(
            {
                "id": str(pen["id"][r]),
                "decided": _day(pen["decided"][r]),
                "severity": SEVERITIES[int(pen["severity"][r])],
                "item": str(viol["item"][v]) if v >= 0 else None,
                "fine": float(pen["fine"][r]),
                "publicity_until": _day(pen["publicity_until"][r]),
                "ban": ban,
                "ban_until": _day(pen["ban_until"][r]) if ban != "none" else None,
            }
        )

    lst = reg["listings"]
    active = (
        (lst["enterprise"] == row)
        & (lst["start"] <= t)
        & (np.isnat(lst["until"]) | (lst["until"] > t))
        & ~status["listing_upheld"]
        & ~status["listing_approved"]
    )
    rows = np.flatnonzero(active)
    rows = rows[np.lexsort((lst["id"][rows], -lst["start"][rows].astype(np.int64)))]
    listings = [
        {
            "id": str(lst["id"][r]),
            "list": LISTS[int(lst["list"][r])],
            "start": _day(lst["start"][r]),
            "until": _day(lst["until"][r]),
            "region": str(lst["region"][r]) or None,
        }
        for r in rows.tolist()
    ]

    demonstration = bool(summary.demonstration[row])
    return {
        "enterprise": str(reg.ids[row]),
        "name": str(ent["name"][row]) or None,
        "sector": str(ent["sector"][row]),
        "as_of": today.isoformat(),
        "demonstration": {
            "status": demonstration,
            "decided_on": _day(summary.graded_on[row]) if demonstration else None,
        },
        "commitments": commitments,
        "penalties": penalties,
        "listings": listings,
    }
