"""The record summary as of a date: each rule on a hand-made record, and the vectorised computation
against a plain per-enterprise reference written straight from docs/registry.md."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from credsup.core.columns import FOREVER
from credsup.core.months import months_before
from credsup.registry.generate import generate, write_csv
from credsup.registry.load import load_registry
from credsup.registry.summary import summarise

from .conftest import AS_OF


def test_months_before_clamps_to_the_end_of_the_month() -> None:
    assert months_before(dt.date(2027, 1, 1), 36) == dt.date(2024, 1, 1)
    assert months_before(dt.date(2027, 3, 31), 1) == dt.date(2027, 2, 28)
    assert months_before(dt.date(2028, 3, 31), 1) == dt.date(2028, 2, 29)
    assert months_before(dt.date(2027, 1, 15), 13) == dt.date(2025, 12, 15)


def row(batch, ids, enterprise):
    return batch.row(int(np.flatnonzero(ids == enterprise)[0]))


def test_each_rule_on_a_hand_made_record(write_registry) -> None:
    folder = write_registry(
        enterprises="""
            id,sector,size,registered,grade,graded_on,demonstration,annual_report_filed
            E1,retail,small,2015-03-01,B,2026-10-01,false,
            E2,food_beverage,micro,2020-06-01,A,2027-02-01,true,false
        """,
        inspections="""
            id,enterprise,date,department,inspectors
            I0,E1,2024-01-01,m,K1
            I1,E1,2024-01-02,m,K1
            I2,E1,2026-06-01,m,K2
            I3,E1,2026-09-01,m,K3
            I4,E1,2027-02-01,m,K4
        """,
        violations="""
            id,enterprise,detected,item,severity,inspection,rectify_by,rectified_on
            V1,E1,2026-06-01,price_marking,minor,I2,2026-06-16,2026-06-10
            V2,E1,2026-06-01,counterfeit,serious,I2,2026-08-01,2026-08-05
            V3,E1,2026-12-20,hygiene,general,,2027-01-01,
            V4,E1,2025-06-01,hygiene,general,,2025-07-01,
            V5,E1,2026-09-01,fraud,serious,I3,,
        """,
        penalties="""
            id,enterprise,decided,severity,violation,publicity_until,ban,ban_until
            P1,E1,2026-07-01,serious,V2,2029-07-01,market,9999-12-31
            P2,E1,2026-09-15,serious,V5,2029-09-15,industry,2031-09-15
            P3,E1,2025-07-01,general,V4,2026-07-01,none,
        """,
        objections="""
            id,enterprise,record,record_id,filed,status,decided
            O1,E1,penalty,P2,2026-09-20,upheld,2026-10-20
        """,
        listings="""
            id,enterprise,list,start,until,region
            L1,E1,dishonesty,2026-07-01,,
            L2,E1,dishonesty,2026-01-01,2028-01-01,
            L3,E2,dishonesty,2025-01-01,2028-01-01,guangdong
            L4,E2,abnormal_operation,2026-01-01,,
            L5,E1,abnormal_operation,2026-01-01,,
        """,
        repairs="""
            id,enterprise,record,record_id,applied,fulfilled,status,decided
            R1,E1,dishonesty_list,L2,2026-11-01,rectified;commitment,approved,2026-11-05
            R2,E1,abnormal_operation,L5,2026-12-01,,pending,
        """,
        commitments="""
            id,enterprise,made,kind,verified_on,found_false
            M1,E1,2023-12-31,notification,,
            M2,E1,2026-01-01,certification,2026-03-01,true
            M3,E1,2026-12-01,voluntary,2027-03-01,true
        """,
        complaints="""
            id,enterprise,received,founded,verified_on
            Q1,E1,2026-05-01,true,2026-05-10
            Q2,E1,2026-12-30,true,2027-01-05
            Q3,E2,2026-05-01,false,2026-05-10
        """,
    )
    reg = load_registry(folder)
    batch = summarise(reg, AS_OF)
    e1 = row(batch, reg.ids, "E1")
    # window (2024-01-01, 2027-01-01]: I0 on the first day is out, I4 is in the future
    # I1 and I3 are clean (I3's only finding, V5, was withdrawn with its penalty P2); I2 found V1 and V2
    assert (e1.inspections_36m, e1.clean_inspections_36m) == (3, 2)
    assert e1.last_inspection == dt.date(2026, 9, 1)
    assert (e1.minor_36m, e1.general_36m, e1.serious_36m) == (1, 2, 1)  # V5 withdrawn with its penalty P2
    assert e1.violations_12m == 3 and e1.last_violation == dt.date(2026, 12, 20)
    assert e1.open_rectifications == 1  # V3: deadline today, not done
    assert e1.failed_rectifications_36m == 2  # V2 done late, V4 never done
    assert e1.displayed_penalties == 1  # P1 (P2 withdrawn, P3's publicity over)
    assert e1.banned_until == FOREVER.astype(dt.date)
    assert e1.listed and e1.listed_until == FOREVER.astype(dt.date)  # L1 open-ended; L2 repaired
    assert e1.abnormal_operation  # L5's repair is still pending
    assert (e1.commitments_36m, e1.false_commitments_36m) == (2, 1)  # M1 out of the window; M3 verified later
    assert (e1.complaints_36m, e1.verified_complaints_36m) == (2, 1)
    assert (e1.repairs_36m, e1.last_repair) == (1, dt.date(2026, 11, 5))
    assert (e1.grade, e1.graded_on) == (1, dt.date(2026, 10, 1))
    e2 = row(batch, reg.ids, "E2")
    assert not e2.listed and e2.external_listing_name == "guangdong" and e2.abnormal_operation
    assert (e2.grade, e2.graded_on, e2.demonstration) == (-1, None, False)  # the evaluation is after the date
    assert not e2.annual_report_filed and e2.key_sector  # food_beverage is a key field in the vocabulary
    assert (e2.complaints_36m, e2.verified_complaints_36m) == (1, 0)


# ------------------------------------------------------------------- the plain reference implementation


def _read(folder: Path, table: str) -> list[dict[str, str]]:
    path = folder / f"{table}.csv"
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _d(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def reference(folder: Path, t: dt.date) -> dict[str, dict[str, object]]:
    """The summary of every enterprise, one Python loop per enterprise over every event."""
    tab = {
        name: _read(folder, name)
        for name in (
            "enterprises",
            "inspections",
            "violations",
            "penalties",
            "complaints",
            "commitments",
            "listings",
            "repairs",
            "objections",
        )
    }
    w36, w12 = months_before(t, 36), months_before(t, 12)
    win = lambda d, w=w36: d is not None and w < d <= t  # noqa: E731
    done = lambda r, status: r["status"] == status and _d(r["decided"]) is not None and _d(r["decided"]) <= t  # noqa: E731
    withdrawn = {(o["record"], o["record_id"]) for o in tab["objections"] if done(o, "upheld")}
    repaired = {(r["record"], r["record_id"]) for r in tab["repairs"] if done(r, "approved")}
    gone_violations = {p["violation"] for p in tab["penalties"] if ("penalty", p["id"]) in withdrawn}
    list_kind = {"dishonesty": "dishonesty_list", "abnormal_operation": "abnormal_operation"}
    out = {}
    for e in tab["enterprises"]:
        i = e["id"]
        vs = [
            v
            for v in tab["violations"]
            if v["enterprise"] == i and _d(v["detected"]) <= t and v["id"] not in gone_violations
        ]
        found = {v["inspection"] for v in vs}
        ins = [x for x in tab["inspections"] if x["enterprise"] == i and _d(x["date"]) <= t]
        pens = [
            p
            for p in tab["penalties"]
            if p["enterprise"] == i and _d(p["decided"]) <= t and ("penalty", p["id"]) not in withdrawn
        ]
        active = [
            x
            for x in tab["listings"]
            if x["enterprise"] == i
            and _d(x["start"]) <= t
            and (not x["until"] or _d(x["until"]) > t)
            and (list_kind[x["list"]], x["id"]) not in withdrawn | repaired
        ]
        own = [x for x in active if x["list"] == "dishonesty" and not x["region"]]
        other = sorted(
            (x for x in active if x["list"] == "dishonesty" and x["region"]), key=lambda x: (x["start"], x["region"])
        )
        bans = [_d(p["ban_until"]) for p in pens if p["ban"] not in ("", "none") and _d(p["ban_until"]) > t]
        reps = [_d(r["decided"]) for r in tab["repairs"] if r["enterprise"] == i and done(r, "approved")]
        rect = lambda v: _d(v["rectified_on"])  # noqa: E731
        out[i] = {
            "inspections_36m": sum(win(_d(x["date"])) for x in ins),
            "clean_inspections_36m": sum(win(_d(x["date"])) and x["id"] not in found for x in ins),
            "last_inspection": max((_d(x["date"]) for x in ins), default=None),
            "minor_36m": sum(win(_d(v["detected"])) and v["severity"] == "minor" for v in vs),
            "general_36m": sum(win(_d(v["detected"])) and v["severity"] == "general" for v in vs),
            "serious_36m": sum(win(_d(v["detected"])) and v["severity"] == "serious" for v in vs),
            "violations_12m": sum(win(_d(v["detected"]), w12) for v in vs),
            "last_violation": max((_d(v["detected"]) for v in vs), default=None),
            "open_rectifications": sum(
                bool(v["rectify_by"]) and _d(v["rectify_by"]) >= t and (rect(v) is None or rect(v) > t) for v in vs
            ),
            "failed_rectifications_36m": sum(
                bool(v["rectify_by"])
                and win(_d(v["rectify_by"]))
                and _d(v["rectify_by"]) < t
                and (rect(v) is None or rect(v) > _d(v["rectify_by"]))
                for v in vs
            ),
            "displayed_penalties": sum(
                _d(p["publicity_until"]) > t and ("penalty", p["id"]) not in repaired for p in pens
            ),
            "commitments_36m": sum(win(_d(c["made"])) for c in tab["commitments"] if c["enterprise"] == i),
            "false_commitments_36m": sum(
                c["found_false"] == "true" and win(_d(c["verified_on"]))
                for c in tab["commitments"]
                if c["enterprise"] == i
            ),
            "complaints_36m": sum(win(_d(q["received"])) for q in tab["complaints"] if q["enterprise"] == i),
            "verified_complaints_36m": sum(
                q["founded"] == "true" and win(_d(q["verified_on"])) for q in tab["complaints"] if q["enterprise"] == i
            ),
            "listed": bool(own),
            "listed_until": max((_d(x["until"]) or dt.date(9999, 12, 31) for x in own), default=None),
            "external_listing_name": other[-1]["region"] if other else None,
            "abnormal_operation": any(x["list"] == "abnormal_operation" for x in active),
            "banned_until": max(bans, default=None),
            "repairs_36m": sum(win(d) for d in reps),
            "last_repair": max(reps, default=None),
        }
    return out


@pytest.mark.parametrize("seed, as_of", [(1, AS_OF), (2, dt.date(2025, 6, 30)), (3, dt.date(2026, 2, 28))])
def test_vectorised_summary_equals_the_plain_reference(tmp_path, seed, as_of) -> None:
    folder = tmp_path / "reg"
    write_csv(generate(300, seed, dt.date(2026, 12, 31)), folder)
    reg = load_registry(folder)
    expected = reference(folder, as_of)
    batch = summarise(reg, as_of)
    assert len(batch) == len(expected) == 300
    checked = 0
    for ident, got in zip(reg.ids.tolist(), batch.rows(), strict=True):
        for column, value in expected[ident].items():
            assert getattr(got, column) == value, (ident, column)
            checked += bool(value)
    assert checked > 400  # non-empty values compared: the record is rich enough for the check to mean something
