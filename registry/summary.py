"""The record summary as of a date: a registry's events -> the kernel's :class:`EnterpriseBatch`.

This is the bridge between the kernel and the data (../shared/DESIGN.md, "The kernel"): hooks read the
summary, never raw events. The rules below are the one definition of every record-summary column
(docs/registry.md states them for users): this module computes them from a registry's events, the
simulator keeps the same columns by the same rules event by event
(:class:`credsup.simulation.credit_record.CreditRecord`), and ``tests/test_record_summary.py`` finds the
two equal on random histories. Every column is a few numpy passes over an event table (``bincount``,
``maximum.at``): no Python loop per enterprise or per event.

Rules (every one as of the evaluation date ``T``; events dated after ``T`` do not exist yet):

* **Windows.** ``*_36m`` counts events dated in ``(T - 36 months, T]``, ``*_12m`` in ``(T - 12 months, T]``
  (calendar months, :func:`credsup.core.months.window_start`; the months are in the column's name,
  :func:`credsup.core.months.window_of`; 36 months is the longest publicity of serious penalty
  information, 国办发〔2025〕22号, see :data:`credsup.core.RECORD_WINDOW_MONTHS`).
* **Withdrawn records.** An objection upheld on or before ``T`` withdraws its penalty or listing, and the
  violation behind a withdrawn penalty (seed 004 (XXVII)): they count nowhere.
* **Repaired records.** A repair approved on or before ``T`` ends a penalty's public display and a
  listing (seed 004 (XXVI)); the violation itself stays in the record (repair removes publicity, not
  history).
* **Inspections** count when dated in the window; an inspection is *clean* when no (non-withdrawn)
  violation detected by ``T`` refers to it.
* **Rectification.** Open: ordered, deadline ``>= T``, not completed by ``T``. Failed: deadline in the
  window and before ``T``, not completed by the deadline.
* **Commitments / complaints** count by the day made / received; *false* and *verified* ones by the day
  of the verification result.
* **Listings** are active from ``start`` until ``until`` (exclusive; empty = until removed). An active
  own dishonesty listing sets ``listed`` (``listed_until`` the latest end, FOREVER if open-ended); one of
  another region sets ``external_listing`` (the latest started); an active abnormal-operation entry of
  any region sets ``abnormal_operation``.
* **Penalty decisions** count by their ``decided`` date and ``severity`` in ``*_penalties_12m`` and
  ``*_penalties_36m`` and date ``last_penalty``, whatever their fine, publicity or repair, unless an upheld
  objection withdrew them.
* **Bans** run from the penalty decision to ``ban_until`` (exclusive).
* **Grade.** ``grade``, ``graded_on`` and ``demonstration`` are the last evaluation's, unless it is dated
  after ``T``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from credsup.core.batch import EnterpriseBatch
from credsup.core.columns import FOREVER, NAT
from credsup.core.months import window_of, window_start
from credsup.registry.load import Registry
from credsup.registry.schema import BANS, LISTS, OBJECTION_STATUSES, RECORDS, REPAIR_STATUSES, SEVERITIES

INT16_MAX = np.iinfo(np.int16).max


def count(enterprise: np.ndarray, mask: np.ndarray, n: int) -> np.ndarray:
    """Events per enterprise among rows in ``mask`` (int16, saturating at 32767)."""
    return np.minimum(np.bincount(enterprise[mask], minlength=n), INT16_MAX).astype(np.int16)


def latest(enterprise: np.ndarray, dates: np.ndarray, mask: np.ndarray, n: int) -> np.ndarray:
    """Latest date per enterprise among rows in ``mask`` (NaT where none)."""
    out = np.full(n, NAT, dtype="datetime64[D]").view(np.int64)  # NaT is the smallest int64
    np.maximum.at(out, enterprise[mask], dates[mask].astype("datetime64[D]").view(np.int64))
    return out.view("datetime64[D]")


def _flag(n: int, rows: np.ndarray) -> np.ndarray:
    out = np.zeros(n, dtype=bool)
    out[rows] = True
    return out


def record_status(registry: Registry, as_of: dt.date) -> dict[str, np.ndarray]:
    """Which penalties and listings are withdrawn or repaired by ``as_of``, and which violations count."""
    t = np.datetime64(as_of, "D")
    pen, lst = registry["penalties"], registry["listings"]
    out: dict[str, np.ndarray] = {}
    for table, kind in (("objections", "upheld"), ("repairs", "approved")):
        f = registry[table]
        statuses = OBJECTION_STATUSES if table == "objections" else REPAIR_STATUSES
        done = (f["status"] == statuses.index(kind)) & (f["decided"] <= t) & (f["record_index"] >= 0)
        is_pen = f["record"] == RECORDS.index("penalty")
        out[f"penalty_{kind}"] = _flag(len(pen), f["record_index"][done & is_pen])
        out[f"listing_{kind}"] = _flag(len(lst), f["record_index"][done & ~is_pen])
    viol = registry["violations"]
    behind = pen["violation"][out["penalty_upheld"] & (pen["violation"] >= 0)]
    out["violation_withdrawn"] = _flag(len(viol), behind)
    out["violation_counts"] = (viol["detected"] <= t) & ~out["violation_withdrawn"]
    return out


def summarise(registry: Registry, as_of: dt.date) -> EnterpriseBatch:
    """The record summary of every enterprise as of ``as_of``, rows in the registry's (id) order."""
    t = np.datetime64(as_of, "D")
    ent = registry["enterprises"]
    n = len(ent)
    status = record_status(registry, as_of)

    def in_window(dates: np.ndarray, column: str) -> np.ndarray:
        """Events dated in the window of the summary column ``column``."""
        start = np.datetime64(window_start(as_of, window_of(column) or 0), "D")
        return (dates > start) & (dates <= t)

    # -- violations and rectification ---------------------------------------------------------------
    v = registry["violations"]
    ve, valid = v["enterprise"], status["violation_counts"]
    by_sev = {
        name: count(ve, valid & in_window(v["detected"], f"{name}_36m") & (v["severity"] == i), n)
        for i, name in enumerate(SEVERITIES)
    }
    not_done_by_t = np.isnat(v["rectified_on"]) | (v["rectified_on"] > t)
    ordered = ~np.isnat(v["rectify_by"])
    open_rect = valid & ordered & (v["rectify_by"] >= t) & not_done_by_t
    late = np.isnat(v["rectified_on"]) | (v["rectified_on"] > v["rectify_by"])
    failed = valid & ordered & in_window(v["rectify_by"], "failed_rectifications_36m") & (v["rectify_by"] < t) & late

    # -- inspections ---------------------------------------------------------------------------------
    i = registry["inspections"]
    ie = i["enterprise"]
    found = _flag(len(i), v["inspection"][valid & (v["inspection"] >= 0)])
    insp_window = in_window(i["date"], "inspections_36m")

    # -- penalties and bans --------------------------------------------------------------------------
    p = registry["penalties"]
    p_counts = (p["decided"] <= t) & ~status["penalty_upheld"]
    displayed = p_counts & (p["publicity_until"] > t) & ~status["penalty_approved"]
    penalties = {
        column: count(p["enterprise"], p_counts & in_window(p["decided"], column) & (p["severity"] == i), n)
        for i, name in enumerate(SEVERITIES)
        for column in (f"{name}_penalties_12m", f"{name}_penalties_36m")
    }
    banned = p_counts & (p["ban"] != BANS.index("none")) & (p["ban_until"] > t)

    # -- commitments and complaints ------------------------------------------------------------------
    c = registry["commitments"]
    q = registry["complaints"]

    # -- listings ------------------------------------------------------------------------------------
    li = registry["listings"]
    active = (
        (li["start"] <= t)
        & (np.isnat(li["until"]) | (li["until"] > t))
        & ~status["listing_upheld"]
        & ~status["listing_approved"]
    )
    dishonesty = li["list"] == LISTS.index("dishonesty")
    own = li["region"] == ""
    own_listed = active & dishonesty & own
    ends = np.where(np.isnat(li["until"]), FOREVER, li["until"])
    listed_until = latest(li["enterprise"], ends, own_listed, n)
    external = active & dishonesty & ~own
    external_listing = np.full(n, -1, dtype=np.int16)
    if external.any():
        rows = np.flatnonzero(external)
        order = rows[np.lexsort((li["region_code"][rows], li["start"][rows], li["enterprise"][rows]))]
        e_sorted = li["enterprise"][order]
        last = np.append(e_sorted[1:] != e_sorted[:-1], True)
        external_listing[e_sorted[last]] = li["region_code"][order[last]]
    abnormal = count(li["enterprise"], active & (li["list"] == LISTS.index("abnormal_operation")), n) > 0

    # -- repairs -------------------------------------------------------------------------------------
    r = registry["repairs"]
    approved = (r["status"] == REPAIR_STATUSES.index("approved")) & (r["decided"] <= t)

    # -- the last evaluation -------------------------------------------------------------------------
    known = np.isnat(ent["graded_on"]) | (ent["graded_on"] <= t)

    return EnterpriseBatch.build(
        n,
        sector=ent["sector_code"],
        size=ent["size"],
        registered=ent["registered"],
        key_sector=ent["key_sector"],
        emerging=ent["emerging"],
        annual_report_filed=ent["annual_report_filed"],
        tax_compliant=ent["tax_compliant"],
        social_security_compliant=ent["social_security_compliant"],
        ip_holder=ent["ip_holder"],
        abnormal_operation=abnormal,
        self_report_verified=ent["self_report_verified"],
        industry_grade=ent["industry_grade"],
        grade=np.where(known, ent["grade"], -1).astype(np.int8),
        graded_on=np.where(known, ent["graded_on"], NAT).astype("datetime64[D]"),
        demonstration=ent["demonstration"] & known,
        inspections_36m=count(ie, insp_window, n),
        clean_inspections_36m=count(ie, insp_window & ~found, n),
        last_inspection=latest(ie, i["date"], i["date"] <= t, n),
        minor_36m=by_sev["minor"],
        general_36m=by_sev["general"],
        serious_36m=by_sev["serious"],
        violations_12m=count(ve, valid & in_window(v["detected"], "violations_12m"), n),
        last_violation=latest(ve, v["detected"], valid, n),
        open_rectifications=count(ve, open_rect, n),
        failed_rectifications_36m=count(ve, failed, n),
        displayed_penalties=count(p["enterprise"], displayed, n),
        **penalties,
        last_penalty=latest(p["enterprise"], p["decided"], p_counts, n),
        commitments_36m=count(c["enterprise"], in_window(c["made"], "commitments_36m"), n),
        false_commitments_36m=count(
            c["enterprise"], c["found_false"] & in_window(c["verified_on"], "false_commitments_36m"), n
        ),
        complaints_36m=count(q["enterprise"], in_window(q["received"], "complaints_36m"), n),
        verified_complaints_36m=count(
            q["enterprise"], (q["founded"] == 1) & in_window(q["verified_on"], "verified_complaints_36m"), n
        ),
        listed=~np.isnat(listed_until),
        listed_until=listed_until,
        external_listing=external_listing,
        banned_until=latest(p["enterprise"], p["ban_until"], banned, n),
        repairs_36m=count(r["enterprise"], approved & in_window(r["decided"], "repairs_36m"), n),
        last_repair=latest(r["enterprise"], r["decided"], approved, n),
        sectors=registry.sectors,
        regions=registry.regions,
    )
