"""``credsup compare --equal-effort``: every jurisdiction compared at the baseline's number of inspections.

A regime that inspects more finds more and deters more: to tell which policy *supervises more efficiently*,
the comparison must hold the effort fixed. For each jurisdiction but the baseline, one factor *k* scales its
random-check intensity (``scenario.regulator.random_check_scale``, applied by the simulator to the rates
its ``credsup_inspection_probability`` states: :func:`credsup.simulation.spot_checks.scale_random_draws`)
until its mean total inspections over the replications match the baseline's within
:data:`TOLERANCE`. Full coverage, complaints, commitment verification and follow-ups are left as the policy
makes them: they are what the policy *must* do, the random-check plan is what a bureau scales to its means.

The search runs on common random numbers: every evaluation of *k* uses the experiment's seeds for each
replication, so the mean total is a deterministic, non-decreasing step function of *k* (each enterprise is
drawn when its uniform falls below its chance, which grows with *k*; with inspector capacity binding it
can flatten). :func:`find_factor` brackets the root from *k* = 1 (the policy as written) and hands the
bracket to :func:`scipy.optimize.brentq`, stopping at the first *k* within the tolerance. The runs of that
last evaluation are the comparison's runs: nothing is simulated twice.

A factor is not always there to find: when the policy's full-coverage checks, complaints and follow-ups
alone already exceed the baseline's inspections (*k* = 0 is still too many), or when more random checks no
longer add inspections (capacity is used up at :data:`~credsup.simulation.scenario.RANDOM_CHECK_SCALE_MAX`
or the rates are all 1). Then the closest *k* is used and the table, the conclusion and the report say that
effort is not equal for that jurisdiction, and by how much.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from credsup.simulation.scenario import RANDOM_CHECK_SCALE_MAX

if TYPE_CHECKING:
    from credsup.experiments.compare import Prepared
    from credsup.experiments.executors import Executor
    from credsup.experiments.tasks import Outcome

#: The scenario parameter the factor sets (the path after ``scenario.``).
SCALE_PATH = "regulator.random_check_scale"
#: Relative gap within which a jurisdiction's mean total inspections "match" the baseline's.
TOLERANCE = 0.01
#: Most evaluations (each one run per replication) the search of one factor may use.
MAX_EVALUATIONS = 14


@attrs.frozen
class Factor:
    """The outcome of one jurisdiction's search.

    ``status``: ``matched`` (within :data:`TOLERANCE`), ``floor`` (too many inspections even with no
    random checks: *k* = 0), ``ceiling`` (too few even at the largest factor: capacity or rates saturated),
    ``unmatched`` (the step function jumps over the tolerance band; the closest *k* is kept) or ``failed``
    (a run failed, so there was nothing to match).
    """

    jurisdiction: str
    factor: float
    inspections: float  #: mean total inspections per replication at ``factor``
    target: float  #: the baseline's mean total inspections per replication
    status: str
    trace: tuple[tuple[float, float], ...] = ()  #: every (k, mean total) evaluated, in order

    @property
    def gap(self) -> float:
        """Relative difference of the inspections to the target (0.004 = 0.4 % more)."""
        return self.inspections / self.target - 1.0 if self.target else math.nan

    @property
    def matched(self) -> bool:
        return self.status == "matched"

    def as_dict(self) -> dict[str, Any]:
        return {
            "factor": self.factor,
            "inspections": self.inspections,
            "target": self.target,
            "gap": self.gap,
            "status": self.status,
            "evaluations": len(self.trace),
            "trace": [list(t) for t in self.trace],
        }


class _RunFailed(Exception):
    def __init__(self, k: float):
        self.k = k


class _Found(Exception):
    def __init__(self, k: float):
        self.k = k


def find_factor(
    evaluate: Callable[[float], float],
    target: float,
    *,
    jurisdiction: str = "",
    guess: float | None = None,
    tolerance: float = TOLERANCE,
    upper: float = RANDOM_CHECK_SCALE_MAX,
    max_evaluations: int = MAX_EVALUATIONS,
) -> Factor:
    """The random-check factor *k* at which ``evaluate(k)`` (the mean total inspections) is within
    ``tolerance`` (relative) of ``target``; see the module docstring.

    ``evaluate`` is called first at *k* = 1, then at ``guess`` (a first estimate, such as the one
    :func:`linear_guess` makes), then as needed to bracket the root (towards 0, or upwards by at least
    half as much again), and then by :func:`scipy.optimize.brentq` inside the bracket. It is called at
    most ``max_evaluations`` times, never twice for the same *k*; the search stops at the first *k* whose
    total is within the tolerance.
    """
    from scipy.optimize import brentq

    seen: dict[float, float] = {}

    def clip(k: float) -> float:
        return float(min(max(k, 0.0), upper))

    def gap(k: float) -> float:
        k = clip(k)
        if k not in seen:
            if len(seen) >= max_evaluations:
                raise _Found(_closest(seen, target))
            seen[k] = float(evaluate(k))
        g = seen[k] / target - 1.0
        if abs(g) < tolerance:
            raise _Found(k)
        return g

    def done(k: float, status: str | None = None) -> Factor:
        value = seen[k]
        ok = abs(value / target - 1.0) < tolerance
        return Factor(jurisdiction, k, value, target, "matched" if ok else (status or "unmatched"), tuple(seen.items()))

    if not (target > 0 and math.isfinite(target)):
        seen[1.0] = float(evaluate(1.0))
        return done(1.0, "unmatched")
    try:
        gap(1.0)
        if guess is not None and math.isfinite(guess):
            gap(guess)
        while True:
            above = [k for k, v in seen.items() if v > target]
            below = [k for k, v in seen.items() if v < target]
            if above and below:
                hi = min(above)
                lows = [k for k in below if k < hi]
                if lows:
                    lo = max(lows)
                    break
            if not below:  # too many inspections everywhere tried: towards no random checks
                if 0.0 in seen:
                    return done(0.0, "floor")
                step = _secant(seen, target)
                gap(step if step is not None and step > 0.0 and step not in seen else 0.0)
                continue
            top = max(seen)
            g_top = seen[top] / target - 1.0
            if top >= upper:
                return done(top, "ceiling")
            nxt = clip(max(1.5 * top, 1.2 * top / (1.0 + g_top)) if g_top > -1.0 else 4.0 * top)
            gap(nxt)
            if seen[nxt] <= seen[top]:  # saturated: more random checks add no inspection
                return done(nxt, "ceiling")
        brentq(gap, lo, hi, xtol=1e-6, rtol=1e-9, maxiter=max_evaluations)
    except _Found as found:
        return done(found.k)
    except RuntimeError:  # brentq did not converge within maxiter
        pass
    return done(_closest(seen, target))


def linear_guess(target: float, total: float, random: float) -> float | None:
    """The factor at which ``total`` inspections, of which ``random`` are the scaled ones (spot checks),
    would become ``target`` if the spot checks grew in proportion to the factor and nothing else changed
    (a first guess: capacity, deterrence and caps at 1 bend the true curve)."""
    if not (random > 0 and math.isfinite(total) and math.isfinite(target)):
        return None
    return max(0.0, (target - (total - random)) / random)


def _secant(seen: Mapping[float, float], target: float) -> float | None:
    """Where the line through the two tries nearest the target (by *k*, the lowest two) reaches it, a
    little beyond, so that the next try likely brackets the root; None when the line is flat."""
    (k1, v1), (k2, v2) = sorted(seen.items())[:2] if len(seen) >= 2 else ((0.0, 0.0), (0.0, 0.0))
    if len(seen) < 2 or v2 == v1:
        return None
    k = k1 + (target - v1) * (k2 - k1) / (v2 - v1)
    return k - 0.1 * (k1 - k) if k < k1 else None


def _closest(seen: Mapping[float, float], target: float) -> float:
    return min(seen, key=lambda k: (abs(seen[k] - target), k))


def total_inspections(periods: Iterable[Mapping[str, Any]], key: str = "inspections") -> float:
    """Total inspections of one run over its measured periods (a :class:`RunResult` dict's ``periods``);
    ``key="inspections.spot"``: those of one source."""
    return float(np.nansum([p.get(key) or 0.0 for p in periods]))


def mean_total(outcomes: Iterable[Outcome]) -> float:
    """Mean total inspections per run over the (finished) runs ``outcomes``."""
    totals = [total_inspections(o.result["periods"]) for o in outcomes if o.ok and o.result is not None]
    return float(np.mean(totals)) if totals else math.nan


@attrs.frozen
class Search:
    """What :func:`search` found: the target, each jurisdiction's factor, and the runs to store (the
    baseline's, and each jurisdiction's at its factor)."""

    baseline: str
    target: float
    factors: dict[str, Factor]
    outcomes: list[Outcome]

    def record(self) -> dict[str, Any]:
        """What the experiment stores (``settings["equal_effort"]``): read by the table and the report."""
        return {
            "baseline": self.baseline,
            "parameter": f"scenario.{SCALE_PATH}",
            "tolerance": TOLERANCE,
            "target": self.target,
            "factors": {j: f.as_dict() for j, f in self.factors.items()},
        }


def search(prepared: Prepared, executor: Executor, say: Callable[[str], None] | None = None) -> Search:
    """Find every jurisdiction's factor (the first is the baseline: its factor is 1).

    All jurisdictions first run as written (one batch, so the workers stay busy); then each one's search
    runs its replications at each *k* it tries. A jurisdiction with a failed run is not searched: its
    runs at *k* = 1 are kept (the failures are stored as such) and its status is ``failed``.
    """
    names = [j.name for j in prepared.jurisdictions]
    base = names[0]
    first: dict[str, list[Outcome]] = {j: [] for j in names}
    for outcome in executor.run(prepared.tasks()):
        first[outcome.task.jurisdiction].append(outcome)
    kept: list[Outcome] = list(first[base])
    target = mean_total(first[base])
    if say:
        say(f"equal effort: {base} (baseline) made {target:,.0f} inspections per run")
    factors: dict[str, Factor] = {}
    for j in names[1:]:
        runs: dict[float, list[Outcome]] = {1.0: first[j]}
        if not all(o.ok for o in first[j]) or not math.isfinite(target):
            factors[j] = Factor(j, 1.0, mean_total(first[j]), target, "failed", ((1.0, mean_total(first[j])),))
            kept += first[j]
            continue

        def evaluate(k: float, j: str = j, runs: dict[float, list[Outcome]] = runs) -> float:
            if k not in runs:
                runs[k] = list(executor.run([prepared.task(j, r, scale=k) for r in range(prepared.replications)]))
            value = mean_total(runs[k])
            if say:
                say(
                    f"equal effort: {j} at random-check factor {k:.4g}: {value:,.0f} inspections ({value / target - 1:+.1%})"
                )
            if not all(o.ok for o in runs[k]):
                raise _RunFailed(k)
            return value

        spot = float(
            np.mean([total_inspections(o.result["periods"], "inspections.spot") for o in first[j] if o.result])
        )
        guess = linear_guess(target, mean_total(first[j]), spot)
        try:
            found = find_factor(evaluate, target, jurisdiction=j, guess=guess)
        except _RunFailed as failed:
            found = Factor(j, failed.k, mean_total(runs[failed.k]), target, "failed", ((failed.k, math.nan),))
        factors[j] = found
        kept += runs[found.factor]
    return Search(base, target, factors, kept)


__all__ = [
    "MAX_EVALUATIONS",
    "SCALE_PATH",
    "TOLERANCE",
    "Factor",
    "Search",
    "find_factor",
    "linear_guess",
    "mean_total",
    "search",
    "total_inspections",
]
