"""The quarter's "double random, one public" inspection plan (seed 003 para 11).

1. **Grade.** The registry is evaluated as of the first day of the period (:mod:`credsup.registry.grading`).
2. **Draw the enterprises.** Each enterprise is drawn with the jurisdiction's
   ``credsup_inspection_probability`` for the period: one uniform number per enterprise, drawn if below
   its probability, so 1.0 is full coverage (key supervision, seed 003 para 8) and 0.0 is never (an exempt
   demonstration enterprise, seed 000 (IV)). A yearly share (SAMR's class ratios) is a yearly plan: the
   quarter draws its part of it among the enterprises the year's plan has not checked yet, by the rule the
   simulator uses too (:func:`credsup.core.plans.period_chance`). Registry mode knows who was checked this
   year from the registry's own inspections: those of source ``spot_check`` dated from 1 January of the
   period's year up to the day before the period starts (:func:`checked_this_year`).
3. **Items.** A drawn enterprise is inspected by every department whose items on the checklist apply to
   its sector, one inspection per department. When ``schedule.joint_visits`` is true the departments'
   inspections of one enterprise are combined into one visit ("multiple inspection items for the same
   inspection object shall be combined", seed 003 para 11); otherwise each is its own visit.
4. **Draw the inspectors.** Each inspection gets two inspectors of its department holding every
   qualification its items need, drawn at random with probability proportional to their free capacity,
   never one with a conflict of interest (an inspector of the enterprise's last inspection, or one who
   declared a relationship with it), never beyond an inspector's capacity for the period. Scarce
   specialists go first: inspections needing the fewest qualified inspectors are staffed first; within
   them, the highest probability first (full coverage before random draws; assumption: when inspectors run
   short the riskiest are inspected), ties in random order. What cannot be staffed is reported, with the
   reason, never overbooked.

**Reproducibility.** All randomness comes from ``numpy.random.SeedSequence([seed, PLAN_DOMAIN])``,
spawned into one stream for the enterprise draw (one ``random()`` per enterprise in id order) and one
for the inspectors. Every table is sorted by id before drawing,
so the plan depends on the content of the inputs and the seed, not on the order of their rows: anyone
with the same inputs (their SHA-256 hashes are printed and saved with the plan) and the seed re-draws a
byte-identical plan.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from credsup.core.batch import Period
from credsup.core.enums import DetectionSource, InspectionBasis
from credsup.core.errors import Problem
from credsup.core.jurisdiction import Jurisdiction
from credsup.core.plans import period_chance
from credsup.registry.errors import RegistryError
from credsup.registry.grading import Evaluation, evaluate, grade_letters
from credsup.registry.load import Frame, InputFile, Registry, lookup, split_names
from credsup.registry.output import csv_text
from credsup.registry.summary import summarise

COLUMNS = (
    "visit",
    "enterprise",
    "department",
    "items",
    "qualifications",
    "inspector_1",
    "inspector_2",
    "status",
    "note",
    "grade",
    "probability",
    "basis",
)

STAFFED, UNSTAFFED, NO_ITEM = "staffed", "unstaffed", "no_checklist_item"

#: Second word of the plan's seed entropy, ``SeedSequence([seed, PLAN_DOMAIN])`` ("plan" in ASCII): the
#: plan's numbers never coincide with those of another use of the same seed (for example a synthetic
#: registry generated with it, which would correlate the draw with the registry's own randomness).
PLAN_DOMAIN = 0x706C616E


def seed_sequences(seed: int) -> tuple[np.random.SeedSequence, np.random.SeedSequence]:
    """The two streams of a plan: (enterprise draw, inspector draw)."""
    draw, staff = np.random.SeedSequence([seed, PLAN_DOMAIN]).spawn(2)
    return draw, staff


@attrs.frozen
class Plan:
    """A drawn plan: its CSV rows (column -> string array, in :data:`COLUMNS` order) and its figures."""

    columns: Mapping[str, np.ndarray]
    summary: dict[str, Any]
    evaluation: Evaluation
    probability: np.ndarray

    def csv_text(self) -> str:
        """The plan as CSV text (``\\n`` line ends, fixed column order): the published artefact."""
        return csv_text({c: self.columns[c] for c in COLUMNS})


# ------------------------------------------------------------------------------------------ checklist


@attrs.frozen
class Coverage:
    """What the checklist asks of each (sector, department): items and the qualifications needed."""

    departments: tuple[str, ...]
    qualifications: tuple[str, ...]
    #: (sectors, departments) bool: the department has items for the sector
    covers: np.ndarray
    #: (sectors, departments) str: the items, ``;``-joined in checklist-id order
    items: np.ndarray
    #: (sectors, departments) int: pool of the requirement (department + set of qualifications), -1 none
    pool: np.ndarray
    #: pool -> (department index, qualification indices)
    pools: tuple[tuple[int, tuple[int, ...]], ...]


def coverage(checklist: Frame, sectors: tuple[str, ...], inspector_quals: np.ndarray) -> Coverage:
    """Combine the checklist rows by sector and department (a few hundred cells: plain Python is fine)."""
    departments = tuple(sorted(set(checklist["department"].tolist())))
    quals = set(checklist["qualification"].tolist()) | set(inspector_quals.tolist())
    qualifications = tuple(sorted(quals - {""}))
    s, d = len(sectors), len(departments)
    items: list[list[list[str]]] = [[[] for _ in range(d)] for _ in range(s)]
    needs: list[list[set[int]]] = [[set() for _ in range(d)] for _ in range(s)]
    rows, names = split_names(checklist["sectors"])
    sector_index = {x: i for i, x in enumerate(sectors)}
    for row, name in zip(rows.tolist(), names.tolist(), strict=True):
        targets = range(s) if name == "*" else ([sector_index[name]] if name in sector_index else [])
        di = departments.index(str(checklist["department"][row]))
        q = str(checklist["qualification"][row])
        for si in targets:
            item = str(checklist["item"][row])
            if item not in items[si][di]:
                items[si][di].append(item)
            if q:
                needs[si][di].add(qualifications.index(q))
    pool_ids: dict[tuple[int, tuple[int, ...]], int] = {}
    pool = np.full((s, d), -1, dtype=np.int64)
    text = np.full((s, d), "", dtype=object)
    for si in range(s):
        for di in range(d):
            if items[si][di]:
                key = (di, tuple(sorted(needs[si][di])))
                pool[si, di] = pool_ids.setdefault(key, len(pool_ids))
                text[si, di] = ";".join(items[si][di])
    return Coverage(departments, qualifications, pool >= 0, text.astype(str), pool, tuple(pool_ids))


# ------------------------------------------------------------------------------------------ conflicts


def conflict_keys(registry: Registry, inspectors: Frame, last_inspection: np.ndarray) -> np.ndarray:
    """Sorted ``inspector * n + enterprise`` keys of every conflict of interest.

    Conflicts: a declared relationship (inspectors' ``conflicts``) and taking part in the enterprise's
    last inspection (every inspection on its latest date).
    """
    n = len(registry)
    insp = registry["inspections"]
    last = (insp["date"] == last_inspection[insp["enterprise"]]) & ~np.isnat(insp["date"])
    rows, names = split_names(insp["inspectors"][last])
    pos = lookup(inspectors["id"], names)
    known = pos >= 0
    past = pos[known] * n + insp["enterprise"][last][rows[known]]
    declared = inspectors["conflicts_row"] * n + inspectors["conflicts_index"]
    return np.unique(np.concatenate([past, declared]).astype(np.int64))


def _conflicted(keys: np.ndarray, inspector: np.ndarray, enterprise: np.ndarray, n: int) -> np.ndarray:
    if len(keys) == 0:
        return np.zeros(np.broadcast(inspector, enterprise).shape, dtype=bool)
    k = np.asarray(inspector, dtype=np.int64) * n + np.asarray(enterprise, dtype=np.int64)
    pos = np.minimum(np.searchsorted(keys, k), len(keys) - 1)
    return keys[pos] == k


# ------------------------------------------------------------------------------------------- staffing


def _staff_pool(
    enterprises: np.ndarray,
    eligible: np.ndarray,
    remaining: np.ndarray,
    keys: np.ndarray,
    n: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two inspectors for each inspection of one pool, in the given (priority) order.

    Returns (first, second, reason) with -1 inspectors where unstaffed; reason 0 staffed, 1 no free
    capacity, 2 every free inspector has a conflict. ``remaining`` (capacity) is updated in place.
    """
    m = len(enterprises)
    first = np.full(m, -1, dtype=np.int64)
    second = np.full(m, -1, dtype=np.int64)
    reason = np.ones(m, dtype=np.int8)
    # a vectorised draw: 2k capacity slots taken at random without replacement, paired in order
    slots = np.repeat(eligible, remaining[eligible])
    k = min(m, len(slots) // 2)
    if k:
        pick = slots[rng.permutation(len(slots))[: 2 * k]]
        a, b = pick[0::2], pick[1::2]
        ent = enterprises[:k]
        ok = (a != b) & ~_conflicted(keys, a, ent, n) & ~_conflicted(keys, b, ent, n)
        first[:k][ok], second[:k][ok], reason[:k][ok] = a[ok], b[ok], 0
        np.subtract.at(remaining, a[ok], 1)
        np.subtract.at(remaining, b[ok], 1)
    # the few clashes (same inspector twice, a conflict), then whatever capacity is left, one by one
    for i in np.flatnonzero(first < 0).tolist():
        free = eligible[remaining[eligible] > 0]
        if len(free) < 2:
            break
        allowed = free[~_conflicted(keys, free, np.full(len(free), enterprises[i]), n)]
        if len(allowed) < 2:
            reason[i] = 2
            continue
        w = remaining[allowed].astype(np.float64)
        a_, b_ = rng.choice(allowed, 2, replace=False, p=w / w.sum())
        first[i], second[i], reason[i] = a_, b_, 0
        remaining[[a_, b_]] -= 1
    return first, second, reason


# ----------------------------------------------------------------------------------------------- plan


def checked_this_year(registry: Registry, period: Period) -> np.ndarray:
    """One flag per enterprise (registry row order): it had an inspection of source ``spot_check`` from
    1 January of the year ``period`` starts in to the day before the period starts (a random draw of this
    year's plan, whichever plan drew it)."""
    i = registry["inspections"]
    year_start = np.datetime64(f"{period.start.year:04d}-01-01", "D")
    first = np.datetime64(period.start.isoformat(), "D")
    rows = (i["source"] == int(DetectionSource.SPOT_CHECK)) & (i["date"] >= year_start) & (i["date"] < first)
    out = np.zeros(len(registry), dtype=bool)
    out[i["enterprise"][rows]] = True
    return out


def draw_plan(registry: Registry, jurisdiction: Jurisdiction, inspectors: Frame, period: Period, seed: int) -> Plan:
    """Draw the plan for ``period`` (see the module docstring). Deterministic in the inputs and ``seed``."""
    if "checklist" not in registry or len(registry["checklist"]) == 0:
        raise RegistryError(
            [
                Problem(
                    registry["checklist"].where,
                    "",
                    "the checklist is empty: a plan needs the spot-check items (see docs/registry.md, checklist)",
                )
            ]
        )
    n = len(registry)
    batch = summarise(registry, period.start)
    evaluation = evaluate(jurisdiction, batch, period.start)
    rates = jurisdiction.inspection_probability(evaluation.after, period)
    probability = period_chance(rates, period, checked_this_year(registry, period))
    yearly = rates.basis == InspectionBasis.YEAR
    draw_seq, staff_seq = seed_sequences(seed)
    drawn = np.random.default_rng(draw_seq).random(n) < probability
    rng = np.random.default_rng(staff_seq)

    # -- inspections: drawn enterprise x department with items for its sector ------------------------
    quals_rows, quals_names = split_names(inspectors["qualifications"])
    cov = coverage(registry["checklist"], registry.sectors, quals_names)
    sector = evaluation.after.sector.astype(np.int64)
    drawn_idx = np.flatnonzero(drawn)
    r_, d_ = np.nonzero(cov.covers[sector[drawn_idx]])
    ins_ent, ins_dept = drawn_idx[r_], d_.astype(np.int64)
    ins_pool = cov.pool[sector[ins_ent], ins_dept]
    m = len(ins_ent)

    # -- inspectors: department, qualifications, capacity --------------------------------------------
    ni = len(inspectors)
    dept_of = {d: i for i, d in enumerate(cov.departments)}
    insp_dept = np.array([dept_of.get(d, -1) for d in inspectors["department"].tolist()], dtype=np.int64)
    holds = np.zeros((ni, len(cov.qualifications)), dtype=bool)
    if len(quals_names):
        holds[quals_rows, lookup(np.array(cov.qualifications), quals_names)] = True
    remaining = inspectors["capacity"].astype(np.int64).copy()
    keys = conflict_keys(registry, inspectors, batch.last_inspection)

    # -- staff pool by pool: scarcest first; within a pool highest probability first, ties at random
    first = np.full(m, -1, dtype=np.int64)
    second = np.full(m, -1, dtype=np.int64)
    reason = np.full(m, 3, dtype=np.int8)  # 3: nobody of the department holds the qualifications
    tiebreak = rng.random(m)
    eligible_of = [np.flatnonzero((insp_dept == di) & holds[:, list(q)].all(axis=1)) for di, q in cov.pools]
    pool_order = sorted(
        range(len(cov.pools)), key=lambda p: (int(inspectors["capacity"][eligible_of[p]].sum()), cov.pools[p])
    )
    for p in pool_order:
        rows = np.flatnonzero(ins_pool == p)
        if len(rows) == 0 or len(eligible_of[p]) == 0:
            continue
        rows = rows[np.lexsort((tiebreak[rows], -probability[ins_ent[rows]]))]
        a, b, why = _staff_pool(ins_ent[rows], eligible_of[p], remaining, keys, n, rng)
        first[rows], second[rows], reason[rows] = a, b, why

    return _assemble(
        registry,
        jurisdiction,
        inspectors,
        period,
        seed,
        evaluation,
        probability,
        yearly,
        drawn,
        cov,
        ins_ent,
        ins_dept,
        ins_pool,
        first,
        second,
        reason,
        remaining,
    )


def _assemble(
    registry: Registry,
    jurisdiction: Jurisdiction,
    inspectors: Frame,
    period: Period,
    seed: int,
    evaluation: Evaluation,
    probability: np.ndarray,
    yearly: np.ndarray,
    drawn: np.ndarray,
    cov: Coverage,
    ins_ent: np.ndarray,
    ins_dept: np.ndarray,
    ins_pool: np.ndarray,
    first: np.ndarray,
    second: np.ndarray,
    reason: np.ndarray,
    remaining: np.ndarray,
) -> Plan:
    """The plan's rows (inspections, and drawn enterprises with no item), sorted, and its summary."""
    ids, iids = registry.ids, inspectors["id"]
    sector = evaluation.after.sector.astype(np.int64)
    no_item = np.flatnonzero(drawn & ~cov.covers[sector].any(axis=1))
    ent = np.concatenate([ins_ent, no_item])
    dept = np.concatenate([ins_dept, np.full(len(no_item), -1)])
    order = np.lexsort((dept, ent))  # by enterprise id, then department name
    ent, dept = ent[order], dept[order]
    k = len(ins_ent)
    is_insp = order < k
    src = np.where(is_insp, order, 0)
    a = np.where(is_insp, first[src] if k else -1, -1)
    b = np.where(is_insp, second[src] if k else -1, -1)
    why = np.where(is_insp, reason[src] if k else 0, -1)
    pool = np.where(is_insp, ins_pool[src] if k else -1, -1)
    joint = bool(jurisdiction.schedule_at(period.start).joint_visits)
    if joint:
        new = np.append(True, ent[1:] != ent[:-1]) if len(ent) else np.zeros(0, dtype=bool)
        visit_no = np.cumsum(new)
    else:
        visit_no = np.arange(1, len(ent) + 1)
    depts = np.array([*cov.departments, ""])
    qual_text = np.array([";".join(cov.qualifications[q] for q in quals) for _d, quals in cov.pools] + [""])
    status = np.where(~is_insp, NO_ITEM, np.where(a >= 0, STAFFED, UNSTAFFED))
    notes = _notes(why, dept, pool, depts, qual_text, sector[ent], registry.sectors)
    p = probability[ent]
    columns = {
        "visit": np.strings.add("V", np.strings.zfill(visit_no.astype(str), 6)),
        "enterprise": ids[ent],
        "department": depts[dept],
        "items": np.where(is_insp, cov.items[sector[ent], np.maximum(dept, 0)], ""),
        "qualifications": qual_text[pool],
        "inspector_1": np.where(a >= 0, iids[np.maximum(a, 0)] if len(iids) else "", ""),
        "inspector_2": np.where(b >= 0, iids[np.maximum(b, 0)] if len(iids) else "", ""),
        "status": status,
        "note": notes,
        "grade": grade_letters(evaluation.grades[ent]),
        "probability": np.char.mod("%.6g", p),
        "basis": np.where(yearly[ent], "yearly_plan", np.where(p >= 1.0, "full_coverage", "random")),
    }
    summary = _summary(
        registry,
        jurisdiction,
        inspectors,
        period,
        seed,
        evaluation,
        probability,
        drawn,
        status,
        ent,
        visit_no,
        a,
        b,
        why,
        remaining,
        joint,
    )
    return Plan(columns, summary, evaluation, probability)


_REASONS = {
    1: "no free capacity: every inspector of {d}{q} is fully booked this period",
    2: "conflict of interest: every free inspector of {d}{q} inspected it last time or declared a relationship",
    3: "no inspector of {d}{q} in the inspectors file",
}


def _notes(
    why: np.ndarray,
    dept: np.ndarray,
    pool: np.ndarray,
    depts: np.ndarray,
    qual_text: np.ndarray,
    sector: np.ndarray,
    sectors: tuple[str, ...],
) -> np.ndarray:
    notes = np.full(len(why), "", dtype=object)
    for code, text in _REASONS.items():
        rows = np.flatnonzero(why == code)
        for r in rows.tolist():
            q = qual_text[pool[r]]
            notes[r] = text.format(d=depts[dept[r]], q=f" holding {q}" if q else "")
    for r in np.flatnonzero(why == -1).tolist():
        notes[r] = f"no checklist item applies to sector {sectors[sector[r]]}"
    return notes.astype(str) if len(notes) else np.zeros(0, dtype="<U1")


def _summary(
    registry: Registry,
    jurisdiction: Jurisdiction,
    inspectors: Frame,
    period: Period,
    seed: int,
    evaluation: Evaluation,
    probability: np.ndarray,
    drawn: np.ndarray,
    status: np.ndarray,
    ent: np.ndarray,
    visit_no: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    why: np.ndarray,
    remaining: np.ndarray,
    joint: bool,
) -> dict[str, Any]:
    grades = evaluation.grades
    by_grade = {}
    for code, letter in enumerate("ABCD"):
        in_grade = grades == code
        by_grade[letter] = {
            "enterprises": int(in_grade.sum()),
            "drawn": int((drawn & in_grade).sum()),
            "expected": round(float(probability[in_grade].sum()), 2),
        }
    inspections = status != NO_ITEM
    load = inspectors["capacity"].astype(np.int64) - remaining
    unstaffed = {
        "no_capacity": int((why == 1).sum()),
        "conflict": int((why == 2).sum()),
        "no_qualified_inspector": int((why == 3).sum()),
    }
    return {
        "jurisdiction": jurisdiction.name,
        "jurisdiction_version": jurisdiction.version,
        "period": period.label,
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
        "seed": seed,
        "joint_visits": joint,
        "enterprises": len(registry),
        "exempt": int((probability == 0.0).sum()),
        "full_coverage": int((probability >= 1.0).sum()),
        "drawn": int(drawn.sum()),
        "expected_drawn": round(float(probability.sum()), 2),
        "by_grade": by_grade,
        "inspections": int(inspections.sum()),
        "visits": int(len(np.unique(visit_no[inspections]))),
        "staffed": int((status == STAFFED).sum()),
        "unstaffed": unstaffed,
        "drawn_without_item": int((status == NO_ITEM).sum()),
        "inspectors": len(inspectors),
        "inspectors_used": int((load > 0).sum()),
        "capacity": int(inspectors["capacity"].sum()),
        "assignments": int(load.sum()),
        "max_load": int(load.max()) if len(load) else 0,
        "over_capacity": int((remaining < 0).sum()),
    }


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_sha256(path: str) -> str:
    """SHA-256 of a file's bytes ("" when it cannot be read)."""
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return ""


def publication(
    plan: Plan,
    registry: Registry,
    inspectors_input: InputFile,
    jurisdiction: Jurisdiction,
    *,
    overrides: Sequence[str] = (),
    skipped_rows: int = 0,
) -> dict[str, Any]:
    """What is published with a plan so anyone can re-draw it: the plan's summary, the SHA-256 of every
    input (registry tables, inspectors file, jurisdiction parameter files), the ``--set`` overrides and
    the SHA-256 of the plan's CSV. ``credsup plan --summary`` writes it; ``credsup serve`` returns it."""
    s = dict(plan.summary)
    s["inputs"] = [
        {"table": i.table, "source": i.where, "rows": i.rows, "sha256": i.sha256}
        for i in (*registry.inputs, inspectors_input)
    ]
    s["jurisdiction_config"] = [{"source": f, "sha256": file_sha256(f)} for f in jurisdiction.config.files]
    s["overrides"] = list(overrides)
    s["skipped_rows"] = skipped_rows
    s["plan_sha256"] = sha256_text(plan.csv_text())
    return s


def redraw_command(summary: Mapping[str, Any], registry: str, inspectors: str) -> str:
    """The ``credsup plan`` command that draws the plan of ``summary`` again."""
    sets = "".join(f" --set {o}" for o in summary["overrides"])
    return (
        f"credsup plan {registry} -j {summary['jurisdiction']} --inspectors {inspectors} "
        f"--period {summary['period']} --seed {summary['seed']}{sets}"
    )
