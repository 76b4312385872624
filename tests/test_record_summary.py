"""One record summary: the simulator's incremental credit record and registry mode agree on every column.

Random event histories (hypothesis) of a few enterprises are fed to both paths: written as a registry
(CSV files, read with ``load_registry``) and summarised as of several dates with
``credsup.registry.summary.summarise``; recorded event by event, in the order of their days, into the
simulator's ``CreditRecord``, whose columns are read as of the same dates. Every record-summary column
must be equal. The histories hold what the simulator produces: inspections and the violations they find
(or violations found otherwise), rectification orders met or missed at their deadline, penalties with
publicity periods and bans, listings (some indefinite), objections upheld and repairs approved against
either, commitments (some found false), complaints (some founded) and an evaluation. The penalty
columns (decisions by severity in 12 and 36 months, the last decision's date) are among the columns compared.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import tempfile
from pathlib import Path
from typing import Any

import attrs
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credsup.core import EnterpriseBatch
from credsup.core.months import add_months
from credsup.registry.load import load_registry
from credsup.registry.summary import summarise
from credsup.simulation.records import NEVER
from credsup.simulation.state import World

START = dt.date(2024, 1, 31)  # the end of a month: window starts are clamped (February)
HORIZON = 4 * 366  # days of history after START
ITEMS = ("price_marking", "hygiene", "counterfeit")  # minor, general, serious
SEVERITIES = ("minor", "general", "serious")
#: The record-summary columns (every column from the evaluation on, in the batch's order).
SUMMARY = tuple(c.name for c in EnterpriseBatch.columns())[[c.name for c in EnterpriseBatch.columns()].index("grade") :]


# ---------------------------------------------------------------------------------------- histories


@attrs.frozen
class Decision:
    """A penalty on a violation, and what follows it (days are offsets from the decision)."""

    after: int  #: days from the detection (or the deadline, for an ordered violation) to the decision
    publicity: int  #: days on display (0: none)
    ban: int | None  #: days of a ban, -1 lifelong, None none
    listing: int | None  #: days on the dishonesty list, -1 indefinite, None not listed
    objection: int | None  #: an objection upheld this many days after the decision
    objection_covers: str  #: "penalty", "listing" or "both" (the records the upheld objection withdraws)
    repair_penalty: int | None  #: the penalty's repair approved this many days after the decision
    repair_listing: int | None  #: the listing's repair approved this many days after the decision


@attrs.frozen
class Violation:
    day: int
    severity: int
    order: int | None  #: days to rectify, None not ordered
    corrected: bool
    decision: Decision | None


@attrs.frozen
class Enterprise:
    inspections: tuple[tuple[int, tuple[Violation, ...]], ...]  #: (day, violations found that day)
    other_violations: tuple[Violation, ...]  #: found otherwise (no inspection)
    commitments: tuple[tuple[int, int | None], ...]  #: (made, found false this many days later)
    complaints: tuple[tuple[int, int | None, bool], ...]  #: (received, verified days later, founded)
    evaluation: tuple[int, int, bool] | None  #: (day, grade code, demonstration)


days = st.integers(0, HORIZON)
later = st.integers(0, 400)
optional_later = st.none() | later
decisions = st.builds(
    Decision,
    after=st.integers(0, 60),
    publicity=st.sampled_from([0, 30, 90, 365, 1095]),
    ban=st.none() | st.sampled_from([-1, 0, 10, 200, 800]),
    listing=st.none() | st.sampled_from([-1, 0, 15, 365, 1095]),
    objection=optional_later,
    objection_covers=st.sampled_from(["penalty", "listing", "both"]),
    repair_penalty=optional_later,
    repair_listing=optional_later,
)


def violations(day: st.SearchStrategy[int]) -> st.SearchStrategy[Violation]:
    return st.builds(
        Violation,
        day=day,
        severity=st.integers(0, 2),
        order=st.none() | st.sampled_from([0, 7, 15, 30, 90]),
        corrected=st.booleans(),
        decision=st.none() | decisions,
    )


@st.composite
def enterprises(draw: Any) -> Enterprise:
    visits = []
    for d in draw(st.lists(days, max_size=4)):
        visits.append((d, tuple(draw(st.lists(violations(st.just(d)), max_size=2)))))
    return Enterprise(
        inspections=tuple(visits),
        other_violations=tuple(draw(st.lists(violations(days), max_size=2))),
        commitments=tuple(draw(st.lists(st.tuples(days, optional_later), max_size=3))),
        complaints=tuple(draw(st.lists(st.tuples(days, optional_later, st.booleans()), max_size=3))),
        evaluation=draw(st.none() | st.tuples(days, st.integers(0, 3), st.booleans())),
    )


histories = st.lists(enterprises(), min_size=1, max_size=3)
as_of_days = st.lists(st.integers(0, HORIZON + 500), min_size=1, max_size=4)


# ---------------------------------------------------------------------- the history as dated events


def date(day: int) -> str:
    return (START + dt.timedelta(days=day)).isoformat()


@attrs.define
class Events:
    """The history as rows of registry tables, and as calls on the credit record grouped by day."""

    tables: dict[str, list[dict[str, str]]] = attrs.field(factory=dict)
    calls: dict[int, list[tuple[int, Any]]] = attrs.field(factory=dict)  # day -> [(phase, call)]

    def row(self, table: str, **values: object) -> str:
        rows = self.tables.setdefault(table, [])
        rid = f"{table[0].upper()}{len(rows)}"
        rows.append({"id": rid, **{k: "" if v is None else str(v) for k, v in values.items()}})
        return rid

    def on(self, day: int, phase: int, call: Any) -> None:
        self.calls.setdefault(day, []).append((phase, call))


#: Phases within a day: what the simulator does first comes first.
DETECT, DEADLINE, DECIDE, OBJECT, REPAIR, OTHER = range(6)


def build(history: list[Enterprise]) -> Events:
    ev = Events()
    for e, ent in enumerate(history):
        eid = f"E{e}"  # the enterprises' row ids, in row order
        ev.row(
            "enterprises",
            sector="retail",
            size="micro",
            registered="2010-01-01",
            grade="ABCD"[ent.evaluation[1]] if ent.evaluation else None,
            graded_on=date(ent.evaluation[0]) if ent.evaluation else None,
            demonstration=str(ent.evaluation[2]).lower() if ent.evaluation else None,
        )
        if ent.evaluation:
            day, grade, demo = ent.evaluation
            ev.on(day, OTHER, ("evaluate", e, grade, demo))
        for day, found in ent.inspections:
            iid = ev.row("inspections", enterprise=eid, date=date(day), department="market")
            box: dict[str, Any] = {"findings": len(found)}
            ev.on(day, DETECT, ("inspect", e, box))
            for v in found:
                _violation(ev, e, eid, v, iid, box)
        for v in ent.other_violations:
            _violation(ev, e, eid, v, None, None)
        for made, verified in ent.commitments:
            false = verified is not None
            ev.row(
                "commitments",
                enterprise=eid,
                made=date(made),
                kind="notification",
                verified_on=date(made + verified) if false else None,
                found_false="true" if false else "false",
            )
            ev.on(made, OTHER, ("commit", e))
            if false:
                ev.on(made + verified, OTHER, ("found_false", e))
        for received, verified, founded in ent.complaints:
            ev.row(
                "complaints",
                enterprise=eid,
                received=date(received),
                founded=None if verified is None else str(founded).lower(),
                verified_on=None if verified is None else date(received + verified),
            )
            ev.on(received, OTHER, ("complain", e))
            if verified is not None and founded:
                ev.on(received + verified, OTHER, ("founded", e))
    return ev


def _violation(ev: Events, e: int, eid: str, v: Violation, iid: str | None, box: dict[str, Any] | None) -> None:
    by = None if v.order is None else v.day + v.order
    vid = ev.row(
        "violations",
        enterprise=eid,
        detected=date(v.day),
        item=ITEMS[v.severity],
        severity=SEVERITIES[v.severity],
        inspection=iid,
        rectify_by=None if by is None else date(by),
        rectified_on=date(by) if by is not None and v.corrected else None,
    )
    slot: dict[str, Any] = {}
    ev.on(v.day, DETECT, ("detect", e, v, box, slot))
    if by is not None:
        ev.on(by, DEADLINE, ("deadline", slot, v.corrected))
    d = v.decision
    if d is None:
        return
    decided = (v.day if by is None else by) + d.after
    ban_until = None if d.ban is None else ("9999-12-31" if d.ban == -1 else date(decided + d.ban))
    pid = ev.row(
        "penalties",
        enterprise=eid,
        decided=date(decided),
        severity=SEVERITIES[v.severity],
        violation=vid,
        publicity_until=date(decided + d.publicity),
        ban="none" if d.ban is None else "market",
        ban_until=ban_until,
    )
    records: dict[str, Any] = {}
    ev.on(decided, DECIDE, ("penalise", e, d, slot, records, v.severity))
    lid = None
    if d.listing is not None:
        lid = ev.row(
            "listings",
            enterprise=eid,
            list="dishonesty",
            start=date(decided),
            until=None if d.listing == -1 else date(decided + d.listing),
            violation=vid,
        )
        ev.on(decided, DECIDE, ("list", e, d, slot, records))
    if d.objection is not None and (lid is not None or d.objection_covers != "listing"):
        covered = [("penalty", pid)] if d.objection_covers != "listing" else []
        if lid is not None and d.objection_covers != "penalty":
            covered.append(("dishonesty_list", lid))
        for kind, rid in covered:
            ev.row(
                "objections",
                enterprise=eid,
                record=kind,
                record_id=rid,
                filed=date(decided),
                status="upheld",
                decided=date(decided + d.objection),
            )
        ev.on(decided + d.objection, OBJECT, ("withdraw", [k for k, _ in covered], records))
    for kind, rid, delay in (("penalty", pid, d.repair_penalty), ("dishonesty_list", lid, d.repair_listing)):
        if delay is not None and rid is not None:
            ev.row(
                "repairs",
                enterprise=eid,
                record=kind,
                record_id=rid,
                applied=date(decided),
                status="approved",
                decided=date(decided + delay),
            )
            ev.on(decided + delay, REPAIR, ("repair", kind, records))


# ------------------------------------------------------------------------------------- both paths


def registry_path(ev: Events, as_of: list[int]) -> list[EnterpriseBatch]:
    with tempfile.TemporaryDirectory() as tmp:
        for table, rows in ev.tables.items():
            with (Path(tmp) / f"{table}.csv").open("w", newline="", encoding="utf-8") as fh:
                writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
                writer.writeheader()
                writer.writerows(rows)
        registry = load_registry(tmp)
    return [summarise(registry, START + dt.timedelta(days=t)) for t in as_of]


def simulator_path(ev: Events, n: int, as_of: list[int], declare: bool = False) -> list[dict[str, np.ndarray]]:
    """``declare``: inspections are recorded with their number of findings (as the simulator's visits are)."""
    world = World(n, START, ["retail"], ITEMS)
    record = world.record
    snapshots: dict[int, dict[str, np.ndarray]] = {}
    wanted = sorted(set(as_of))
    days = sorted(set(ev.calls) | set(wanted))
    for day in days:
        record.advance(day)
        calls = sorted(ev.calls.get(day, []), key=lambda pc: pc[0])
        for _, group in itertools.groupby(calls, key=lambda pc: pc[0]):
            phase = [call for _, call in group]
            # as in the simulator, a day's inspections, detections, deadlines and penalties are batches
            for kind in BATCHED:
                batch = [call for call in phase if call[0] == kind]
                if batch:
                    _apply_batch(record, kind, batch, day, declare)
            for call in phase:
                if call[0] not in BATCHED:
                    _apply(record, call, day)
        if day in snapshots or day not in wanted:
            continue
        snapshots[day] = {name: world.cols[name].copy() for name in SUMMARY}
    return [snapshots[t] for t in as_of]


#: Calls recorded in one batch per day and kind (in this order within a phase: inspections before the
#: violations they find).
BATCHED = ("inspect", "detect", "deadline", "penalise", "list")


def _apply_batch(record: Any, kind: str, calls: list[tuple[Any, ...]], day: int, declare: bool) -> None:
    args = [call[1:] for call in calls]
    if kind == "inspect":
        findings = np.array([box["findings"] for _, box in args]) if declare else None
        rows = record.inspect(np.array([e for e, _ in args]), day, findings)
        for (_, box), row in zip(args, rows):
            box["row"] = np.array([row])
    elif kind == "detect":
        vs = [v for _, v, _, _ in args]
        rows = record.detect(
            np.array([e for e, _, _, _ in args]),
            day,
            np.array([v.severity for v in vs]),
            np.array([v.severity for v in vs]),
            inspection=np.array([box["row"][0] if box is not None else -1 for _, _, box, _ in args]),
            rectify_by=np.array([-1 if v.order is None else v.day + v.order for v in vs]),
            counted=declare,
        )
        for (_, _, _, slot), row in zip(args, rows):
            slot["row"] = np.array([row])
    elif kind == "deadline":
        rows = np.concatenate([slot["row"] for slot, _ in args])
        record.deadline(rows, np.array([corrected for _, corrected in args]), day)
    elif kind == "list":
        ds = [d for _, d, _, _ in args]
        recs = record.list(
            np.array([e for e, _, _, _ in args]),
            day,
            np.array([NEVER if d.listing == -1 else day + d.listing for d in ds]),
            np.concatenate([slot["row"] for _, _, slot, _ in args]),
        )
        for (_, _, _, records), rec in zip(args, recs):
            records["dishonesty_list"] = np.array([rec])
    elif kind == "penalise":
        ds = [d for _, d, _, _, _ in args]
        recs = record.penalise(
            np.array([e for e, _, _, _, _ in args]),
            day,
            np.array([day + d.publicity for d in ds]),
            np.concatenate([slot["row"] for _, _, slot, _, _ in args]),
            ban_ends=np.array([-1 if d.ban is None else NEVER if d.ban == -1 else day + d.ban for d in ds]),
            severity=np.array([sev for _, _, _, _, sev in args]),
        )
        for (_, _, _, records, _), rec in zip(args, recs):
            records["penalty"] = np.array([rec])


def _apply(record: Any, call: tuple[Any, ...], day: int) -> None:
    kind, *args = call
    one = lambda e: np.array([e], dtype=np.int64)  # noqa: E731
    if kind == "withdraw":
        kinds, records = args
        record.withdraw(np.concatenate([records[k] for k in kinds]), day)
    elif kind == "repair":
        which, records = args
        record.repair(records[which], day)
    elif kind == "evaluate":
        e, grade, demo = args
        record.cols["grade"][e] = grade
        record.cols["graded_on"][e] = record.day64(day)
        record.cols["demonstration"][e] = demo
    else:
        getattr(record, kind)(one(args[0]), day)


# ------------------------------------------------------------------------------------------ tests


def _differences(sim: dict[str, np.ndarray], reg: EnterpriseBatch) -> dict[str, tuple[list[Any], list[Any]]]:
    out = {}
    for name in SUMMARY:
        a, b = sim[name], getattr(reg, name)
        same = np.array_equal(a, b, equal_nan=False) if a.dtype.kind != "M" else np.array_equal(a, b, equal_nan=True)
        if not same:
            out[name] = (a.tolist(), b.tolist())
    return out


def boundaries(day: int) -> list[int]:
    """The dates where a rule about an event of ``day`` changes its answer: the day itself and the next,
    and the ends of its 12- and 36-month windows."""
    out = [day, day + 1]
    for months in (12, 36):
        end = (add_months(START + dt.timedelta(days=day), months) - START).days
        out += [end - 1, end, end + 1]
    return out


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories, as_of_days, st.data())
def test_the_simulator_and_registry_mode_summarise_any_history_alike(
    history: list[Enterprise], as_of: list[int], data: st.DataObject
) -> None:
    ev = build(history)
    # besides random dates, dates on the boundaries of some of the history's events
    anchors = data.draw(st.lists(st.sampled_from(sorted(ev.calls)), max_size=3)) if ev.calls else []
    as_of = as_of + [t for day in anchors for t in boundaries(day) if t >= 0]
    sim = simulator_path(ev, len(history), as_of, declare=data.draw(st.booleans()))
    reg = registry_path(ev, as_of)
    for t, s, r in zip(as_of, sim, reg):
        diff = _differences(s, r)
        assert not diff, f"as of {date(t)} (day {t}): simulator != registry {diff}"


def test_the_longest_of_two_bans_or_listings_decided_together_holds() -> None:
    """Two penalties of one enterprise decided on the same day, in one batch: a lifelong ban and listing
    and a 10-day ban and listing. The enterprise stays banned and listed for life whichever comes first
    in the batch (found by the property test above: the simulator kept the batch's last end)."""

    def decided(ban: int, listing: int) -> Decision:
        return Decision(
            after=0,
            publicity=0,
            ban=ban,
            listing=listing,
            objection=None,
            objection_covers="penalty",
            repair_penalty=None,
            repair_listing=None,
        )

    lifelong = Violation(day=0, severity=0, order=7, corrected=False, decision=decided(-1, -1))
    ten_days = Violation(day=0, severity=0, order=7, corrected=False, decision=decided(10, 10))
    never = np.datetime64(dt.date(9999, 12, 31))
    for found in ((lifelong, ten_days), (ten_days, lifelong)):
        ev = build([Enterprise(((0, found),), (), (), (), None)])
        as_of = [8, 365]
        sim = simulator_path(ev, 1, as_of)
        for t, s, r in zip(as_of, sim, registry_path(ev, as_of)):
            assert s["banned_until"][0] == never and s["listed_until"][0] == never, (t, s)
            assert not _differences(s, r), t


def test_a_hand_made_history_agrees_and_has_the_counts_the_rules_give() -> None:
    """One history checked against the counts docs/registry.md gives, then against the registry."""
    v_failed = Violation(day=100, severity=1, order=15, corrected=False, decision=None)
    decision = Decision(
        after=0,
        publicity=90,
        ban=200,
        listing=None,
        objection=30,
        objection_covers="penalty",
        repair_penalty=None,
        repair_listing=None,
    )
    v_withdrawn = Violation(day=300, severity=2, order=15, corrected=True, decision=decision)
    ent = Enterprise(
        inspections=((100, (v_failed,)), (300, (v_withdrawn,)), (500, ())),
        other_violations=(),
        commitments=((10, 200),),
        complaints=((50, 5, True),),
        evaluation=None,
    )
    ev = build([ent])
    as_of = [114, 115, 116, 320, 345, 346, 500]
    sim = simulator_path(ev, 1, as_of)
    got = {t: {k: v[0] for k, v in s.items()} for t, s in zip(as_of, sim)}
    assert got[115]["open_rectifications"] == 1 and got[115]["failed_rectifications_36m"] == 0  # deadline day
    assert got[116]["open_rectifications"] == 0 and got[116]["failed_rectifications_36m"] == 1  # the day after
    assert got[320]["serious_36m"] == 1 and got[320]["clean_inspections_36m"] == 0
    assert got[320]["banned_until"] == np.datetime64(date(315 + 200)) and got[320]["displayed_penalties"] == 1
    # the objection upheld on day 345 withdraws the penalty, its ban and the violation: the inspection is clean
    assert got[345]["serious_36m"] == 0 and got[345]["clean_inspections_36m"] == 1
    assert np.isnat(got[345]["banned_until"]) and got[345]["displayed_penalties"] == 0
    assert got[345]["last_violation"] == np.datetime64(date(100))
    # the penalty decision of day 315 (deadline 300 + 15) counted until the objection withdrew it
    assert (got[320]["serious_penalties_12m"], got[320]["serious_penalties_36m"]) == (1, 1)
    assert got[320]["last_penalty"] == np.datetime64(date(315)) and got[320]["general_penalties_36m"] == 0
    assert got[345]["serious_penalties_36m"] == 0 and np.isnat(got[345]["last_penalty"])
    assert got[500]["inspections_36m"] == 3 and got[500]["clean_inspections_36m"] == 2
    assert (got[500]["commitments_36m"], got[500]["false_commitments_36m"]) == (1, 1)
    assert (got[500]["complaints_36m"], got[500]["verified_complaints_36m"]) == (1, 1)
    for t, s, r in zip(as_of, sim, registry_path(ev, as_of)):
        assert not _differences(s, r), t


def test_windows_end_on_the_day_the_rule_says() -> None:
    # an inspection on 2024-01-31 is in the 36-month window as of 2027-01-30 and out as of 2027-01-31
    # (the window is (T - 36 months, T]); a violation on 2024-02-29 is still in the 12-month count as of
    # 2025-02-28 (12 months before it is 2024-02-28: no 29 February in 2025) and out as of 2025-03-01
    ent = Enterprise(
        inspections=((0, ()),),
        other_violations=(Violation(day=29, severity=0, order=None, corrected=False, decision=None),),
        commitments=(),
        complaints=(),
        evaluation=None,
    )
    ev = build([ent])
    t_in, t_out = (dt.date(2027, 1, 30) - START).days, (dt.date(2027, 1, 31) - START).days
    y_in, y_out = (dt.date(2025, 2, 28) - START).days, (dt.date(2025, 3, 1) - START).days
    as_of = [t_in, t_out, y_in, y_out]
    sim = simulator_path(ev, 1, as_of)
    assert [int(s["inspections_36m"][0]) for s in sim[:2]] == [1, 0]
    assert [int(s["violations_12m"][0]) for s in sim[2:]] == [1, 0]
    for s, r in zip(sim, registry_path(ev, as_of)):
        assert not _differences(s, r)


def test_a_penalty_counts_by_its_decision_date_repaired_or_not_until_it_leaves_its_window() -> None:
    """A penalty decision counts 12 and 36 months from its decision, whether displayed, expired or
    repaired: "penalised in the last year" is a fact of the record, not of its publicity."""
    decision = Decision(
        after=0,
        publicity=30,
        ban=None,
        listing=None,
        objection=None,
        objection_covers="penalty",
        repair_penalty=10,
        repair_listing=None,
    )
    v = Violation(day=40, severity=1, order=None, corrected=False, decision=decision)
    ent = Enterprise(inspections=((40, (v,)),), other_violations=(), commitments=(), complaints=(), evaluation=None)
    ev = build([ent])
    decided = START + dt.timedelta(days=40)
    in_12, out_12 = (add_months(decided, 12) - START).days - 1, (add_months(decided, 12) - START).days
    out_36 = (add_months(decided, 36) - START).days
    as_of = [39, 40, 60, in_12, out_12, out_36]
    sim = simulator_path(ev, 1, as_of)
    got = [(int(s["general_penalties_12m"][0]), int(s["general_penalties_36m"][0])) for s in sim]
    assert got == [(0, 0), (1, 1), (1, 1), (1, 1), (0, 1), (0, 0)]
    assert [int(s["displayed_penalties"][0]) for s in sim[:3]] == [0, 1, 0]  # repaired on day 50
    assert all(s["last_penalty"][0] == np.datetime64(decided) for s in sim[1:])
    for s, r in zip(sim, registry_path(ev, as_of)):
        assert not _differences(s, r)
