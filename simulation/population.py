"""Generate a population of enterprises from a scenario: columnar, one row per enterprise.

Everything is drawn from the ``population`` stream in a fixed order, before any policy acts, so every
jurisdiction run with the same seed plays against the same enterprises (docs/model.md, "Population").
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from credsup.core import RECORD_WINDOW_MONTHS
from credsup.core.columns import NAT
from credsup.core.months import add_months
from credsup.core.vocabulary import ITEMS, REGIONS
from credsup.simulation.members import MemberWorld
from credsup.simulation.scenario import Distribution, Scenario
from credsup.simulation.state import World
from credsup.simulation.turnover import reserve_rows


def draw(dist: Distribution, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` values of ``dist`` (float64)."""
    if dist.kind == "fixed":
        return np.full(n, dist.mean)
    if dist.kind == "beta":
        a, b = dist.mean * dist.spread, (1.0 - dist.mean) * dist.spread
        return rng.beta(a, b, n)
    if dist.kind == "lognormal":
        if dist.mean <= 0.0:
            return np.zeros(n)
        mu = np.log(dist.mean) - dist.spread**2 / 2.0  # arithmetic mean = exp(mu + s^2 / 2)
        return rng.lognormal(mu, dist.spread, n)
    if dist.kind == "uniform":
        return rng.uniform(dist.mean - dist.spread, dist.mean + dist.spread, n)
    raise ValueError(f"unknown distribution kind {dist.kind!r}")  # pragma: no cover - validated in Scenario


#: Bins of the lookup table :func:`categorical` uses on large inputs (a power of two: ``u * BINS`` is exact).
BINS = 1 << 12


def categorical(u: np.ndarray, shares: list[float] | np.ndarray) -> np.ndarray:
    """Codes 0..k-1 with probabilities ``shares`` from uniforms ``u`` (inverse CDF).

    The code of ``u`` is ``searchsorted(cumulative shares, u, side="right")``, capped at k - 1. On large
    inputs the same codes come faster from a lookup table: the unit interval is cut into ``BINS`` equal
    bins, and every ``u`` in a bin without a category boundary gets that bin's code by one gather; only
    the few ``u`` in bins with a boundary go through the binary search (the profile of a city run found
    the search a quarter of the behaviour step).
    """
    cum = np.cumsum(np.asarray(shares, dtype=np.float64))
    cum /= cum[-1]
    last = len(cum) - 1
    u = np.asarray(u, dtype=np.float64)
    if len(u) < 2 * BINS:
        return np.minimum(np.searchsorted(cum, u, side="right"), last)
    edges = np.arange(BINS + 1, dtype=np.float64) / BINS
    first = np.searchsorted(cum, edges[:-1], side="right")  # code of a bin's lowest u
    final = np.searchsorted(cum, edges[1:], side="left")  # code of its highest u (just below the next edge)
    b = (u * BINS).astype(np.intp)
    np.clip(b, 0, BINS - 1, out=b)
    code = first[b]
    unsure = np.flatnonzero((code != final[b]) | (u >= 1.0) | (u < 0.0))
    code[unsure] = np.searchsorted(cum, u[unsure], side="right")
    return np.minimum(code, last, out=code)


def _flag_by_honesty(score: np.ndarray, share: float, *, good: bool) -> np.ndarray:
    """True for the ``share`` of enterprises with the lowest score (good flags) or the highest (bad flags)."""
    n = len(score)
    k = int(round(share * n))
    if k <= 0:
        return np.zeros(n, dtype=bool)
    if k >= n:
        return np.ones(n, dtype=bool)
    if good:
        return score < np.partition(score, k)[k]
    return score >= np.partition(score, n - k)[n - k]


def item_table(scenario: Scenario) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """The item vocabulary of a run (scenario items plus ``false_commitment``), the scenario's item
    shares over it, and each item's severity code."""
    names = (*scenario.behaviour.items, "false_commitment")
    shares = np.array([*scenario.behaviour.items.values(), 0.0])
    severity = np.array([int(ITEMS[n].severity) for n in names], dtype=np.int8)
    return names, shares, severity


def simulation_start(scenario: Scenario) -> dt.date:
    """The first day the model runs: ``start`` less the warm-up (docs/model.md, "Warm-up")."""
    return add_months(scenario.start, -scenario.warmup_months)


def draw_types(scenario: Scenario, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Each enterprise's type code (``TYPE_NAMES`` order) and honesty, drawn from the type's distribution
    (committed enterprises have honesty 1). Draws a fixed number of numbers: ``n`` uniforms, then ``n``
    values of each violating type's honesty distribution."""
    types = scenario.behaviour.types
    etype = categorical(rng.random(n), types.shares).astype(np.int8)
    honesty = np.ones(n)
    for code, kind in ((1, types.calculator), (2, types.incompetent)):
        values = np.clip(draw(kind.honesty, n, rng), 0.0, 1.0)
        honesty = np.where(etype == code, values, honesty)
    return etype, honesty


def rows_of(scenario: Scenario) -> int:
    """Rows a world of ``scenario`` has: its enterprises, then the reserve its entries take
    (:func:`credsup.simulation.turnover.reserve_rows`)."""
    pop = scenario.population
    months = scenario.warmup_months + scenario.months
    return pop.enterprises + reserve_rows(pop.enterprises, pop.turnover_per_year, months)


def generate(
    scenario: Scenario,
    rng: np.random.Generator,
    world: World | None = None,
    entrants: np.random.Generator | None = None,
) -> tuple[World, np.ndarray]:
    """The scenario's enterprises, their record history, and the probe sample (row indices,
    ``behaviour.probe_size`` of them: docs/model.md, "Perceived cost"). The world starts at
    :func:`simulation_start` (``start`` less the warm-up) and has :func:`rows_of` rows: the enterprises in
    the market at the start first, then the reserve of those founded later (drawn from ``entrants``, a
    stream of their own, so the first rows are the same with and without turnover: docs/model.md, "Entry
    and exit"). ``world``, if given, is an empty world of that size to fill (a batch's member:
    :class:`credsup.simulation.members.MemberWorld`)."""
    n = scenario.population.enterprises
    rows = rows_of(scenario)
    if world is None:
        items, _, _ = item_table(scenario)
        world = World(rows, simulation_start(scenario), [s.name for s in scenario.population.sectors], items)
    if world.n != rows:
        raise ValueError(f"the scenario's world has {rows} rows, the world given has {world.n}")
    if rows == n:
        probe = _founders(world, scenario, rng)
    else:
        probe = _founders(MemberWorld(world, 0, n), scenario, rng)
        if entrants is None:
            raise ValueError("a scenario with turnover needs the entrants' stream")
        _reserve(MemberWorld(world, n, rows), scenario, entrants)
    world.prior_weight = scenario.behaviour.perception.prior_strength  # perception starts from the prior alone
    return world, probe


def _founders(world: World, scenario: Scenario, rng: np.random.Generator) -> np.ndarray:
    """Fill ``world`` (the enterprises in the market at the start) and return the probe rows."""
    n = world.n
    item_shares, item_severity = item_table(scenario)[1:]
    start = simulation_start(scenario)
    honesty = _traits(world, scenario, rng)
    _history(world, scenario, start, rng, item_shares, item_severity)
    probe = np.sort(rng.choice(n, size=min(n, scenario.behaviour.probe_size), replace=False))
    # drawn after everything above, so the populations of scenarios written before them stay the same
    _industry_grades(world, scenario, rng, honesty)
    _external_listings(world, scenario, rng, honesty)
    return probe


def _reserve(world: World, scenario: Scenario, rng: np.random.Generator) -> None:
    """Fill ``world`` (the reserve) with the enterprises founded during the run: drawn as the founders
    are (industry evaluations and listings elsewhere included: the scenario's shares describe the
    register, which entry must not dilute), but with no record of their own, and out of the market until
    a :class:`~credsup.simulation.turnover.Turnover` founds them (then they are registered that day)."""
    honesty = _traits(world, scenario, rng)
    _industry_grades(world, scenario, rng, honesty)
    _external_listings(world, scenario, rng, honesty)
    world.cols["registered"][:] = NAT
    world.alive[:] = False
    world.active[:] = False


def _traits(world: World, scenario: Scenario, rng: np.random.Generator) -> np.ndarray:
    """Every enterprise's attributes, hidden traits and dynamic information, drawn from ``rng`` in a fixed
    order; returns the honesty (the flags, industry grades and listings follow it)."""
    pop = scenario.population
    beh = scenario.behaviour
    n = world.n
    c = world.cols

    # -- attributes
    sector = categorical(rng.random(n), [s.share for s in pop.sectors]).astype(np.int16)
    c["sector"][:] = sector
    c["key_sector"][:] = np.array([s.key for s in pop.sectors], dtype=bool)[sector]
    c["emerging"][:] = np.array([s.emerging for s in pop.sectors], dtype=bool)[sector]
    size = categorical(rng.random(n), pop.sizes.array()).astype(np.int8)
    c["size"][:] = size
    age_days = np.minimum(rng.exponential(pop.mean_age_years * 365.25, n), 100 * 365.25).astype(np.int64)
    c["registered"][:] = world.start - age_days.astype("timedelta64[D]")

    # -- hidden traits: the persistent type, and what it brings (docs/model.md, "Enterprise types")
    etype, honesty = draw_types(scenario, n, rng)
    world.etype[:] = etype
    world.honesty[:] = honesty
    t = beh.types
    world.deterrence[:] = np.array([1.0, t.calculator.deterrence, t.incompetent.deterrence], np.float32)[etype]
    world.opportunity[:] = np.array(
        [0.0, t.calculator.opportunity_per_month, t.incompetent.opportunity_per_month], np.float32
    )[etype]
    world.gain[:] = np.maximum(draw(beh.gain, n, rng), 0.0) * np.asarray(beh.gain_by_size.array())[size]
    world.harm_factor[:] = rng.exponential(1.0, n)
    world.departments[:] = np.minimum(1 + rng.poisson(pop.departments - 1.0, n), 100)

    # -- dynamic information, linked to honesty (docs/model.md, "Population")
    d = pop.dynamic
    for name, good in (
        ("annual_report_filed", True),
        ("tax_compliant", True),
        ("social_security_compliant", True),
        ("abnormal_operation", False),
        ("self_report_verified", True),
    ):
        score = d.honesty_link * (1.0 - honesty) + (1.0 - d.honesty_link) * rng.random(n)
        c[name][:] = _flag_by_honesty(score, getattr(d, name), good=good)
    c["ip_holder"][:] = rng.random(n) < d.ip_holder
    return honesty


def _industry_grades(world: World, scenario: Scenario, rng: np.random.Generator, honesty: np.ndarray) -> None:
    """``industry_grade``: a share ``industry_evaluation.share`` of the enterprises has an industry credit
    evaluation (seed 004 (X)); its grades have the shares ``industry_evaluation.grades``, given in the order
    of a score that follows honesty as far as ``honesty_link`` says (the least honest get the worst)."""
    ie = scenario.population.industry_evaluation
    n = world.n
    evaluated = rng.random(n) < ie.share
    score = ie.honesty_link * (1.0 - honesty) + (1.0 - ie.honesty_link) * rng.random(n)
    rows = np.flatnonzero(evaluated)
    if len(rows) == 0:
        return
    order = rows[np.argsort(score[rows], kind="stable")]  # best first
    position = (np.arange(len(order)) + 0.5) / len(order)
    world.cols["industry_grade"][order] = categorical(position, ie.grades.array()).astype(np.int8)


def _external_listings(world: World, scenario: Scenario, rng: np.random.Generator, honesty: np.ndarray) -> None:
    """``external_listing``: the share ``external_listings.shares[region]`` of the enterprises is on that
    region's dishonesty list for the whole run (seed 004 (V), (VIII), (XVI)); the listed are those with the
    highest score, which follows dishonesty as far as ``honesty_link`` says, the regions taking them in
    turn."""
    el = scenario.population.external_listings
    n = world.n
    score = el.honesty_link * (1.0 - honesty) + (1.0 - el.honesty_link) * rng.random(n)
    order = np.argsort(-score, kind="stable")  # most likely listed first
    start = 0
    for name, share in el.shares.items():
        k = int(round(share * n))
        world.cols["external_listing"][order[start : start + k]] = REGIONS.index(name)
        start += k


def _history(
    world: World,
    scenario: Scenario,
    start: dt.date,
    rng: np.random.Generator,
    item_shares: np.ndarray,
    item_severity: np.ndarray,
) -> None:
    """The record window before ``start`` (:data:`credsup.core.RECORD_WINDOW_MONTHS`): detected violations
    and inspections, recorded in the middle of their month as events of the credit record. Enterprises
    do not remember them as experience: perception starts from its prior (docs/model.md)."""
    h = scenario.population.history
    n = world.n
    months = RECORD_WINDOW_MONTHS
    years = months / 12.0
    detections = rng.poisson(h.violations_per_year * years * (1.0 - world.honesty))
    clean = rng.poisson(h.inspections_per_year * years, n)
    det_ids = np.repeat(np.arange(n), detections)
    det_month = rng.integers(-months, 0, len(det_ids))
    det_item = categorical(rng.random(len(det_ids)), item_shares).astype(np.int64)
    clean_ids = np.repeat(np.arange(n), clean)
    clean_month = rng.integers(-months, 0, len(clean_ids))
    record = world.record
    for month in range(-months, 0):
        first, after = ((add_months(start, m) - start).days for m in (month, month + 1))
        day = (first + after) // 2  # days before the start are negative
        sel = det_month == month
        ids = det_ids[sel]
        insp = np.concatenate([ids, clean_ids[clean_month == month]])
        findings = (np.arange(len(insp)) < len(ids)).astype(np.int16)  # one violation each, then the clean ones
        rows = record.inspect(insp, day, findings)
        record.detect(ids, day, item_severity[det_item[sel]], det_item[sel], inspection=rows[: len(ids)], counted=True)
