"""A realistic synthetic registry of any size: enterprises, four years of credit events, a spot-check
item list and the inspectors of six departments.

Everything is drawn with numpy, table by table (no Python loop per enterprise or event), from one
``numpy.random.SeedSequence``: the same ``n``, seed and date give byte-identical files. Names come from
the standard vocabulary (:mod:`credsup.core.vocabulary`), so the built-in plugins' sector and item
rules apply. The numbers are plausible, not calibrated to any real population; each one says where it
comes from (mostly ``assumption``).

The behaviour behind the events is a hidden *risk propensity* per enterprise (Beta(0.6, 8), mean about
0.07; higher in key sectors and for micro enterprises). It raises the chance of being inspected (risk
targeting), of a violation being found, of founded complaints, of false commitments, and lowers
rectification and the filing of annual reports. It is not written to the registry.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from credsup.core.columns import NAT
from credsup.core.enums import Severity
from credsup.core.errors import InputError
from credsup.core.vocabulary import ITEMS, REGIONS, SECTORS
from credsup.registry.schema import CHECKLIST, INSPECTORS, REGISTRY_TABLES, SIZES, TableSpec

Table = dict[str, np.ndarray]

#: Share of enterprises per standard sector (assumption: a city registry dominated by retail and
#: services, as market-subject statistics are; key fields a few percent each).
SECTOR_SHARES: Mapping[str, float] = {
    "retail": 0.26,
    "services": 0.20,
    "food_beverage": 0.14,
    "manufacturing": 0.09,
    "construction": 0.06,
    "automobile_4s": 0.02,
    "home_furnishing": 0.04,
    "drugs_medical": 0.03,
    "special_equipment": 0.02,
    "hazardous_chemicals": 0.01,
    "education_childcare": 0.04,
    "platform_economy": 0.05,
    "new_energy": 0.04,
}
#: micro, small, medium, large (assumption: micro and small enterprises are over 90% of market subjects)
SIZE_SHARES = (0.70, 0.21, 0.07, 0.02)

#: The spot-check item list (seed 003 para 11): id, item, department, sectors, qualification.
#: Assumption: a plausible split of market regulation across six departments.
CHECKLIST_ROWS: Sequence[tuple[str, str, str, str, str]] = (
    ("C01", "price_marking", "market_regulation", "*", ""),
    ("C02", "licence_display", "market_regulation", "*", ""),
    ("C03", "annual_report", "market_regulation", "*", ""),
    ("C04", "advertising", "market_regulation", "*", ""),
    ("C05", "contract_terms", "market_regulation", "automobile_4s;home_furnishing;services;education_childcare", ""),
    ("C06", "unlicensed_operation", "market_regulation", "*", ""),
    ("C07", "fraud", "market_regulation", "retail;services;automobile_4s;home_furnishing", ""),
    ("C08", "false_commitment", "market_regulation", "*", ""),
    ("C09", "fraud", "market_regulation", "platform_economy", "e_commerce"),
    ("C10", "hygiene", "food_drug", "food_beverage;education_childcare", "food_safety"),
    ("C11", "record_keeping", "food_drug", "food_beverage", "food_safety"),
    ("C12", "safety_hazard", "food_drug", "food_beverage", "food_safety"),
    ("C13", "record_keeping", "food_drug", "drugs_medical", "drug_safety"),
    ("C14", "safety_hazard", "food_drug", "drugs_medical", "drug_safety"),
    (
        "C15",
        "product_quality",
        "quality_safety",
        "manufacturing;retail;home_furnishing;new_energy;automobile_4s",
        "product_quality",
    ),
    ("C16", "labelling", "quality_safety", "manufacturing;retail;food_beverage", "product_quality"),
    ("C17", "counterfeit", "quality_safety", "retail;automobile_4s;home_furnishing", "product_quality"),
    ("C18", "safety_hazard", "quality_safety", "special_equipment", "special_equipment"),
    ("C19", "safety_hazard", "emergency_management", "hazardous_chemicals", "hazardous_chemicals"),
    ("C20", "record_keeping", "emergency_management", "hazardous_chemicals", "hazardous_chemicals"),
    ("C21", "product_quality", "housing_construction", "construction", "construction_quality"),
    ("C22", "safety_hazard", "housing_construction", "construction", "construction_quality"),
    ("C23", "safety_hazard", "education", "education_childcare", ""),
)

RECTIFY_DAYS = np.array([15, 30, 60])  # national.toml schedule.rectification_days
PUBLICITY_DAYS = np.array([90, 365, 1095])  # 国办发〔2025〕22号, as national.toml sanction.publicity_days
MIN_PUBLICITY_DAYS = np.array([0, 90, 365])  # 国办发〔2025〕22号, as national.toml repair.min_publicity_days
FINES = np.array([2000.0, 20000.0, 200000.0])  # order of magnitude (assumption), as national.toml
#: Second word of the generator's seed entropy ("gene" in ASCII), so that a registry generated with a
#: seed and a plan drawn with the same seed use unrelated numbers (see credsup.registry.plan.PLAN_DOMAIN).
GENERATE_DOMAIN = 0x67656E65
#: Enterprises per inspector (assumption: about 7 law-enforcement staff per 1,000 market subjects, enough
#: for the national baseline's quarterly plan)
ENTERPRISES_PER_INSPECTOR = 150


def _ids(prefix: str, n: int) -> np.ndarray:
    if n == 0:
        return np.zeros(0, dtype="<U1")
    width = max(6, len(str(n)))
    return np.strings.add(prefix, np.strings.zfill(np.arange(1, n + 1).astype(str), width))


def _text_dates(d: np.ndarray) -> np.ndarray:
    return np.where(np.isnat(d), "", d.astype("datetime64[D]").astype(str))


def _text_bool(b: np.ndarray) -> np.ndarray:
    return np.where(b, "true", "false")


def _uniform_dates(rng: np.random.Generator, lo: np.ndarray, hi: np.datetime64 | np.ndarray) -> np.ndarray:
    """One date per row, uniform in ``[lo, hi]``."""
    span = (hi - lo).astype(np.int64)
    return lo + np.floor(rng.random(len(lo)) * (span + 1)).astype(np.int64).astype("timedelta64[D]")


def _days(x: np.ndarray) -> np.ndarray:
    return np.asarray(x, dtype=np.int64).astype("timedelta64[D]")


class _Checklist:
    """The item list as arrays: which departments cover a sector, which items a department checks there."""

    def __init__(self, sectors: Sequence[str]):
        self.departments = sorted({r[2] for r in CHECKLIST_ROWS})
        self.items = list(ITEMS)
        s, d = len(sectors), len(self.departments)
        cover: list[list[set[int]]] = [[set() for _ in range(d)] for _ in range(s)]
        for _id, item, dept, where, _q in CHECKLIST_ROWS:
            for si, sector in enumerate(sectors):
                if where == "*" or sector in where.split(";"):
                    cover[si][self.departments.index(dept)].add(self.items.index(item))
        # departments covering each sector, padded; items of (sector, department), padded
        self.n_depts = np.array([sum(1 for x in row if x) for row in cover])
        self.depts = np.full((s, d), -1, dtype=np.int64)
        self.n_items = np.zeros((s, d), dtype=np.int64)
        width = max(len(x) for row in cover for x in row)
        self.item_of = np.full((s, d, width), -1, dtype=np.int64)
        self.item_cumweight = np.zeros((s, d, width))
        weight = {Severity.MINOR: 6.0, Severity.GENERAL: 3.0, Severity.SERIOUS: 1.0}
        for si, row in enumerate(cover):
            covering = [di for di, x in enumerate(row) if x]
            self.depts[si, : len(covering)] = covering
            for di, x in enumerate(row):
                self.n_items[si, di] = len(x)
                self.item_of[si, di, : len(x)] = sorted(x)
                w = np.array([weight[ITEMS[self.items[i]].severity] for i in sorted(x)])
                self.item_cumweight[si, di, : len(x)] = np.cumsum(w)
                self.item_cumweight[si, di, len(x) :] = w.sum() if len(x) else 0.0


def generate(n: int, seed: int, as_of: dt.date = dt.date(2026, 12, 31), years: int = 4) -> dict[str, Table]:
    """Tables of a synthetic registry of ``n`` enterprises with ``years`` of history up to ``as_of``.

    Returns ``{table: {column: string array}}`` for every registry table and ``inspectors``, ready to
    write as CSV (:func:`write_csv`). Deterministic in ``(n, seed, as_of, years)``.
    """
    if n < 1:
        raise InputError(f"--enterprises must be at least 1 (got {n})")
    streams = iter(np.random.SeedSequence([seed, GENERATE_DOMAIN]).spawn(16))
    rng = lambda: np.random.default_rng(next(streams))  # noqa: E731 - one stream per table
    t = np.datetime64(as_of, "D")
    start = t - np.timedelta64(int(round(365.25 * years)), "D")
    sectors = list(SECTOR_SHARES)
    check = _Checklist(sectors)

    # -- enterprises ---------------------------------------------------------------------------------
    r = rng()
    sector = r.choice(len(sectors), n, p=np.array(list(SECTOR_SHARES.values())))
    size = r.choice(4, n, p=np.array(SIZE_SHARES))
    age_days = np.minimum(r.exponential(8.0 * 365.25, n), 40 * 365.25).astype(np.int64)
    registered = t - _days(age_days)
    key = np.array([SECTORS[s].key for s in sectors])[sector]
    risk = r.beta(0.6, 8.0, n) * np.where(key, 1.3, 1.0) * np.where(size == 0, 1.2, 1.0)
    risk = np.minimum(risk, 0.95)
    first = np.maximum(registered, start)  # first day the history can hold events
    exposure = (t - first).astype(np.int64) / 365.25
    annual = r.random(n) < 0.95 - 0.8 * risk
    ip = r.random(n) < np.array([0.03, 0.08, 0.2, 0.4])[size]
    ent = {
        "id": _ids("E", n),
        "sector": np.array(sectors)[sector],
        "size": np.array(SIZES)[size],
        "registered": registered.astype(str),
        "annual_report_filed": _text_bool(annual),
        "tax_compliant": _text_bool(r.random(n) < 0.97 - 0.5 * risk),
        "social_security_compliant": _text_bool(r.random(n) < 0.95 - 0.5 * risk),
        "ip_holder": _text_bool(ip),
        "self_report_verified": _text_bool(r.random(n) < 0.1),
    }
    industry = np.where(r.random(n) < 0.08, np.searchsorted([0.03, 0.08, 0.2], risk), -1)
    ent["industry_grade"] = np.array(["", "A", "B", "C", "D"])[industry + 1]

    # -- inspectors (needed for the inspectors of past inspections) ----------------------------------
    r = rng()
    depts = check.departments
    # inspectors per department in proportion to the inspections it will be asked for: every department
    # covering a sector inspects its drawn enterprises, and key sectors are drawn about 2.5 times as often
    # (national.toml: key_sector_multiplier 2, and riskier enterprises)
    demand = np.zeros(len(depts))
    for si, (name, share) in enumerate(SECTOR_SHARES.items()):
        demand[check.depts[si, : check.n_depts[si]]] += share * (2.5 if SECTORS[name].key else 1.0)
    n_insp = max(6 * len(depts), n // ENTERPRISES_PER_INSPECTOR)
    per_dept = np.maximum(6, np.round(demand / demand.sum() * n_insp)).astype(np.int64)
    insp_dept = np.repeat(np.arange(len(depts)), per_dept)
    m_insp = len(insp_dept)
    insp_ids = _ids("K", m_insp)
    dept_offset = np.concatenate([[0], np.cumsum(per_dept)[:-1]])
    quals_of = {d: sorted({q for *_x, dd, _w, q in CHECKLIST_ROWS if dd == d and q}) for d in depts}
    qual_text = np.full(m_insp, "", dtype=object)
    for di, d in enumerate(depts):
        rows = np.flatnonzero(insp_dept == di)
        for q in quals_of[d]:
            has = r.random(len(rows)) < 0.7  # assumption: most inspectors hold their department's qualifications
            qual_text[rows[has]] = [f"{x};{q}" if x else q for x in qual_text[rows[has]]]
    conflicted = r.random(m_insp) < 0.03
    conflict_ent = r.integers(0, n, m_insp)
    inspectors = {
        "id": insp_ids,
        "department": np.array(depts)[insp_dept],
        "qualifications": qual_text.astype(str),
        "capacity": r.integers(15, 46, m_insp).astype(str),  # assumption: 15-45 inspections a quarter
        "conflicts": np.where(conflicted, ent["id"][conflict_ent], ""),
    }

    # -- complaints (founded ones lead to an inspection) ---------------------------------------------
    r = rng()
    k = r.poisson(exposure * (0.04 + 0.6 * risk))
    q_ent = np.repeat(np.arange(n), k)
    received = _uniform_dates(r, first[q_ent], t)
    verified_on = received + _days(r.integers(3, 22, len(q_ent)))
    decided = verified_on <= t
    founded = decided & (r.random(len(q_ent)) < np.minimum(0.9, 0.2 + 2.0 * risk[q_ent]))
    complaints = {
        "id": _ids("Q", len(q_ent)),
        "enterprise": ent["id"][q_ent],
        "received": received.astype(str),
        "founded": np.where(decided, _text_bool(founded), ""),
        "verified_on": np.where(decided, _text_dates(verified_on), ""),
    }

    # -- inspections ---------------------------------------------------------------------------------
    r = rng()
    k = r.poisson(exposure * (0.06 + 0.5 * risk + 0.15 * key))
    i_ent = np.concatenate([np.repeat(np.arange(n), k), q_ent[founded]])
    i_date = np.concatenate([_uniform_dates(r, first[np.repeat(np.arange(n), k)], t), verified_on[founded]])
    by_complaint = np.concatenate([np.zeros(k.sum(), dtype=bool), np.ones(founded.sum(), dtype=bool)])
    order = np.lexsort((i_ent, i_date))
    i_ent, i_date, by_complaint = i_ent[order], i_date[order], by_complaint[order]
    m = len(i_ent)
    i_sector = sector[i_ent]
    i_dept = check.depts[i_sector, np.floor(r.random(m) * check.n_depts[i_sector]).astype(np.int64)]
    a = np.floor(r.random(m) * per_dept[i_dept]).astype(np.int64)
    b = np.floor(r.random(m) * (per_dept[i_dept] - 1)).astype(np.int64)
    b += b >= a
    source = np.where(
        by_complaint, "complaint", np.where(key[i_ent] & (r.random(m) < 0.4), "full_coverage", "spot_check")
    )
    inspections = {
        "id": _ids("I", m),
        "enterprise": ent["id"][i_ent],
        "date": i_date.astype(str),
        "department": np.array(depts)[i_dept],
        "source": source,
        "inspectors": np.strings.add(
            np.strings.add(insp_ids[dept_offset[i_dept] + a], ";"), insp_ids[dept_offset[i_dept] + b]
        ),
    }

    # -- violations ----------------------------------------------------------------------------------
    r = rng()
    p_found = np.where(by_complaint, 1.0, np.minimum(0.9, 0.08 + 1.5 * risk[i_ent]))
    n_found = (r.random(m) < p_found) * (1 + (r.random(m) < 0.2))
    v_insp = np.repeat(np.arange(m), n_found)
    v = len(v_insp)
    v_ent = i_ent[v_insp]
    sd = (i_sector[v_insp], i_dept[v_insp])
    # most findings are minor (assumption: weights 6:3:1 for minor, general, serious items)
    cum = check.item_cumweight[sd]
    item = check.item_of[sd[0], sd[1], (cum <= (r.random(v) * cum[:, -1])[:, None]).sum(axis=1)]
    sev = np.array([int(ITEMS[x].severity) for x in check.items])[item]
    detected = i_date[v_insp]
    rectify_by = detected + _days(RECTIFY_DAYS[sev])
    u = r.random(v)
    on_time = detected + _days(np.floor(r.random(v) * (RECTIFY_DAYS[sev] + 1)))
    late = rectify_by + _days(r.integers(1, 61, v))
    p_fix = 0.85 - 0.5 * risk[v_ent]
    rectified = np.where(u < p_fix, on_time, np.where(u < p_fix + 0.08, late, NAT))
    rectified = np.where(rectified > t, NAT, rectified)
    violations = {
        "id": _ids("V", v),
        "enterprise": ent["id"][v_ent],
        "detected": detected.astype(str),
        "item": np.array(check.items)[item],
        "severity": np.array(["minor", "general", "serious"])[sev],
        "inspection": inspections["id"][v_insp],
        "rectify_by": rectify_by.astype(str),
        "rectified_on": _text_dates(rectified),
    }
    failed = np.isnat(rectified) | (rectified > rectify_by)

    # -- penalties -----------------------------------------------------------------------------------
    r = rng()
    penalised = (sev > 0) | (failed & (rectify_by < t) & (r.random(v) < 0.5))
    p_viol = np.flatnonzero(penalised)
    p_dec = detected[p_viol] + _days(r.integers(7, 46, len(p_viol)))
    keep = p_dec <= t
    p_viol, p_dec = p_viol[keep], p_dec[keep]
    np_ = len(p_viol)
    p_sev = sev[p_viol]
    p_ent = v_ent[p_viol]
    fine = np.round(FINES[p_sev] * r.lognormal(0.0, 0.5, np_), -2)
    ban = (p_sev == Severity.SERIOUS) & key[p_ent] & (r.random(np_) < 0.1)
    lifelong = ban & (r.random(np_) < 0.05)
    ban_until = np.where(lifelong, np.datetime64("9999-12-31"), p_dec + np.timedelta64(1825, "D"))
    penalties = {
        "id": _ids("P", np_),
        "enterprise": ent["id"][p_ent],
        "decided": p_dec.astype(str),
        "severity": np.array(["minor", "general", "serious"])[p_sev],
        "violation": violations["id"][p_viol],
        "fine": np.char.mod("%.0f", fine),
        "publicity_until": (p_dec + _days(PUBLICITY_DAYS[p_sev])).astype(str),
        "ban": np.where(ban, "industry", "none"),
        "ban_until": np.where(ban, _text_dates(ban_until), ""),
    }

    # -- listings: dishonesty (own), abnormal operation, other regions' lists -----------------------
    r = rng()
    listed = (p_sev == Severity.SERIOUS) & (failed[p_viol] | (r.random(np_) < 0.3))
    l_pen = np.flatnonzero(listed)
    abn = np.flatnonzero(~annual & (r.random(n) < 0.5))
    ext = np.flatnonzero(r.random(n) < 0.003)
    abn_start = _uniform_dates(r, np.maximum(first[abn], t - np.timedelta64(730, "D")), t)
    ext_start = _uniform_dates(r, np.full(len(ext), start), t)
    l_ent = np.concatenate([p_ent[l_pen], abn, ext])
    l_start = np.concatenate([p_dec[l_pen], abn_start, ext_start])
    l_until = np.concatenate(
        [p_dec[l_pen] + np.timedelta64(1095, "D"), np.full(len(abn), NAT), ext_start + np.timedelta64(1095, "D")]
    )
    l_list = np.repeat(["dishonesty", "abnormal_operation", "dishonesty"], [len(l_pen), len(abn), len(ext)])
    regions = np.array([x for x in REGIONS if x != "liaoning"])
    l_region = np.concatenate([np.full(len(l_pen) + len(abn), ""), regions[r.integers(0, len(regions), len(ext))]])
    l_viol = np.concatenate([violations["id"][p_viol[l_pen]], np.full(len(abn) + len(ext), "")])
    lo = np.lexsort((l_ent, l_start))
    l_ent, l_start, l_until, l_list, l_region, l_viol = (
        x[lo] for x in (l_ent, l_start, l_until, l_list, l_region, l_viol)
    )
    listings = {
        "id": _ids("L", len(l_ent)),
        "enterprise": ent["id"][l_ent],
        "list": l_list,
        "start": l_start.astype(str),
        "until": _text_dates(l_until),
        "region": l_region,
        "violation": l_viol,
    }
    own_dishonesty = np.flatnonzero((l_list == "dishonesty") & (l_region == ""))

    # -- repairs (with the repair commitment they need) ----------------------------------------------
    r = rng()
    pen_ok = (p_sev > 0) & (r.random(np_) < 0.15)
    lst_ok = r.random(len(own_dishonesty)) < 0.2
    rec_kind = np.repeat(["penalty", "dishonesty_list"], [pen_ok.sum(), lst_ok.sum()])
    rec_id = np.concatenate([penalties["id"][pen_ok], listings["id"][own_dishonesty[lst_ok]]])
    rec_ent = np.concatenate([p_ent[pen_ok], l_ent[own_dishonesty[lst_ok]]])
    rec_date = np.concatenate([p_dec[pen_ok], l_start[own_dishonesty[lst_ok]]])
    rec_min = np.concatenate([MIN_PUBLICITY_DAYS[p_sev[pen_ok]], np.full(lst_ok.sum(), 365)])
    applied = rec_date + _days(rec_min) + _days(r.integers(0, 121, len(rec_id)))
    keep = applied <= t
    rec_kind, rec_id, rec_ent, applied = rec_kind[keep], rec_id[keep], rec_ent[keep], applied[keep]
    nr = len(rec_id)
    u = r.random(nr)
    fulfilled = np.where(u < 0.8, "rectified;commitment", np.where(u < 0.9, "rectified", "commitment"))
    r_dec = applied + _days(r.integers(2, 8, nr))
    pending = r_dec > t
    status = np.where(pending, "pending", np.where(fulfilled == "rectified;commitment", "approved", "refused"))
    repairs = {
        "id": _ids("R", nr),
        "enterprise": ent["id"][rec_ent],
        "record": rec_kind,
        "record_id": rec_id,
        "applied": applied.astype(str),
        "fulfilled": fulfilled,
        "status": status,
        "decided": np.where(pending, "", _text_dates(r_dec)),
    }

    # -- commitments ---------------------------------------------------------------------------------
    r = rng()
    k = r.poisson(exposure * (0.25 + 0.1 * size))
    c_ent = np.repeat(np.arange(n), k)
    made = _uniform_dates(r, first[c_ent], t)
    kind = r.choice(np.array(["notification", "certification", "voluntary"]), len(c_ent), p=[0.5, 0.25, 0.25])
    with_commitment = np.strings.find(fulfilled, "commitment") >= 0
    c_ent = np.concatenate([c_ent, rec_ent[with_commitment]])
    made = np.concatenate([made, applied[with_commitment]])
    kind = np.concatenate([kind, np.full(with_commitment.sum(), "repair")])
    nc = len(c_ent)
    c_ver = made + _days(r.integers(10, 91, nc))
    verified = (r.random(nc) < 0.25) & (c_ver <= t) & (kind != "repair")
    false = verified & (r.random(nc) < np.minimum(0.8, 3.0 * risk[c_ent]))
    order = np.lexsort((c_ent, made))
    commitments = {
        "id": _ids("M", nc),
        "enterprise": ent["id"][c_ent][order],
        "made": made[order].astype(str),
        "kind": kind[order],
        "verified_on": np.where(verified, _text_dates(c_ver), "")[order],
        "found_false": _text_bool(false)[order],
    }

    # -- objections ----------------------------------------------------------------------------------
    r = rng()
    o_pen = np.flatnonzero(r.random(np_) < 0.02)
    o_lst = own_dishonesty[r.random(len(own_dishonesty)) < 0.05]
    o_kind = np.repeat(["penalty", "dishonesty_list"], [len(o_pen), len(o_lst)])
    o_rec = np.concatenate([penalties["id"][o_pen], listings["id"][o_lst]])
    o_ent = np.concatenate([p_ent[o_pen], l_ent[o_lst]])
    o_date = np.concatenate([p_dec[o_pen], l_start[o_lst]])
    filed = o_date + _days(r.integers(5, 61, len(o_rec)))
    keep = filed <= t
    o_kind, o_rec, o_ent, filed = o_kind[keep], o_rec[keep], o_ent[keep], filed[keep]
    no = len(o_rec)
    o_dec = filed + _days(r.integers(10, 31, no))
    open_ = o_dec > t
    objections = {
        "id": _ids("O", no),
        "enterprise": ent["id"][o_ent],
        "record": o_kind,
        "record_id": o_rec,
        "filed": filed.astype(str),
        "status": np.where(open_, "pending", np.where(r.random(no) < 0.25, "upheld", "dismissed")),
        "decided": np.where(open_, "", _text_dates(o_dec)),
    }

    # -- the last evaluation (a quarter ago) ----------------------------------------------------------
    r = rng()
    graded_on = t - np.timedelta64(91, "D")
    serious = np.bincount(v_ent[(sev == 2) & (detected <= graded_on)], minlength=n)
    general = np.bincount(v_ent[(sev == 1) & (detected <= graded_on)], minlength=n)
    minor = np.bincount(v_ent[(sev == 0) & (detected <= graded_on)], minlength=n)
    was_listed = np.bincount(l_ent[(l_list == "dishonesty") & (l_start <= graded_on)], minlength=n) > 0
    # a generic record heuristic for the synthetic *previous* grade, not any jurisdiction's formula
    prev = np.where(
        was_listed | (serious >= 2),
        3,
        np.where((serious >= 1) | (general >= 2), 2, np.where((general + minor) > 0, 1, 0)),
    )
    graded = registered <= graded_on
    ent["grade"] = np.where(graded, np.array(["A", "B", "C", "D"])[prev], "")
    ent["graded_on"] = np.where(graded, str(graded_on), "")
    pilot = np.isin(np.array(sectors)[sector], ["food_beverage", "automobile_4s", "home_furnishing"])
    ent["demonstration"] = _text_bool(graded & (prev == 0) & pilot & (r.random(n) < 0.1))  # seed 000 (I), (IV)

    checklist = {name: np.array([row[i] for row in CHECKLIST_ROWS]) for i, name in enumerate(CHECKLIST.names)}
    return {
        "enterprises": ent,
        "inspections": inspections,
        "violations": violations,
        "penalties": penalties,
        "complaints": complaints,
        "commitments": commitments,
        "listings": listings,
        "repairs": repairs,
        "objections": objections,
        "checklist": checklist,
        "inspectors": inspectors,
    }


def write_table(path: Path, spec: TableSpec, table: Table) -> None:
    """Write one table as CSV, columns in schema order (only those present), ``\\n`` line ends; through a
    temporary file, so an interrupted run never leaves a half-written table."""
    names = [c for c in spec.names if c in table]
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(names)
        writer.writerows(zip(*(table[c].tolist() for c in names), strict=True))
    os.replace(tmp, path)


def write_csv(tables: Mapping[str, Table], out: Path) -> list[Path]:
    """Write a generated registry: ``out/<table>.csv`` for each registry table and ``out/inspectors.csv``."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for spec in (*REGISTRY_TABLES, INSPECTORS):
        if spec.name in tables:
            path = out / spec.file
            write_table(path, spec, tables[spec.name])
            written.append(path)
    return written
