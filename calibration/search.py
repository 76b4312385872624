"""The search: simulated method of moments on common random numbers.

The calibration minimises the weighted distance ``D(u) = sum_k ((m_k(u) - y_k) / s_k)^2`` between the
simulated outcome means ``m(u)`` (R replications on common random numbers) and the observed figures ``y``,
over the free parameters ``u`` (each scaled to [0, 1] over its range). The weights are fixed for the
whole search: ``s_k^2`` is the figure's stated variance plus the simulation's (the median over the start
design of the variance between replications, over R), so that a figure counts by how precisely it is
known and a noisy outcome cannot dominate.

1. **Start design**: ``design_points`` points of a scrambled Sobol' sequence over the box (quasi-random:
   they cover the box evenly, Sobol' 1967, Owen 1998), all evaluated in one batch; the closest is the
   start.
2. **Surface search**: a quadratic response surface of the outcome means is fitted to the points
   evaluated, around the last one (:mod:`credsup.calibration.surrogate`); the minimum of the distance it
   predicts (scipy's L-BFGS-B within the box, from several starts) is the next point evaluated. The
   search ends when that minimum is within ``CONVERGED`` of a point already evaluated, or after
   ``max_evaluations`` points. Finite differences of two nearby points are mostly noise on this model
   (a changed share changes who violates, and every later draw follows, common random numbers or not); a
   surface fitted to many points averages it out.
3. :func:`credsup.calibration.calibrate.analyse` rebuilds the last surface from the stored evaluations:
   the estimate is the evaluated point it puts closest to the targets, and its gradient there is the
   Jacobian of the uncertainty and the flat directions.

Deterministic given the outcomes: the same seed and inputs ask for the same points in the same order,
which is what lets a calibration resume after any interruption.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from functools import partial
from typing import Any

import attrs
import numpy as np

from credsup.calibration.evaluate import Evaluator
from credsup.calibration.free import FreeParameter
from credsup.calibration.stats import moments
from credsup.calibration.surrogate import CONVERGED, Surface, fit_surface, minimise
from credsup.experiments.seeds import design_rng

#: A residual where the outcome is undefined in every replication (e.g. no D-grade inspection): this many
#: of the figure's standard errors, capped by the outcome's range.
UNDEFINED_RESIDUAL = 1000.0


class _Budget(Exception):
    """The search has used its evaluations."""


@attrs.frozen
class Settings:
    replications: int = 4
    design_points: int = 16
    max_evaluations: int = 40
    level: float = 0.95


@attrs.define
class Evaluated:
    """One evaluated point: index, parameters (unit scale and values), outcomes, distance."""

    index: int
    unit: np.ndarray
    params: dict[str, Any]
    values: np.ndarray  #: (R, m)
    mean: np.ndarray
    distance: float = math.nan


@attrs.define
class Search:
    """One calibration's search state (see the module docstring)."""

    evaluator: Evaluator
    free: tuple[FreeParameter, ...]
    observed: np.ndarray
    cov_observed: np.ndarray
    ranges: tuple[tuple[float, float], ...]
    settings: Settings
    seed: int
    scale: np.ndarray | None = None
    cache: dict[tuple[Any, ...], Evaluated] = attrs.field(factory=dict)
    order: list[Evaluated] = attrs.field(factory=list)
    search_points: int = 0

    # ------------------------------------------------------------------------------------ parameters

    def params(self, unit: np.ndarray) -> dict[str, Any]:
        return {f.key: f.value(float(u)) for f, u in zip(self.free, unit)}

    def unit_of(self, params: dict[str, Any]) -> np.ndarray:
        return np.array([f.unit(params[f.key]) for f in self.free])

    @staticmethod
    def _key(params: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(sorted(params.items()))

    # ------------------------------------------------------------------------------------ evaluation

    def evaluate(
        self, units: Sequence[np.ndarray], stage: str, about: Sequence[dict[str, Any]] | None = None
    ) -> list[Evaluated]:
        """Evaluate the points not evaluated yet (in one batch); every point's :class:`Evaluated`."""
        wanted = [self.params(u) for u in units]
        new, new_about, seen = [], [], set()
        for i, p in enumerate(wanted):
            k = self._key(p)
            if k not in self.cache and k not in seen:
                seen.add(k)
                new.append(p)
                new_about.append(about[i] if about else {})
        if new:
            if stage == "search":
                if self.search_points + len(new) > self.settings.max_evaluations:
                    raise _Budget
                self.search_points += len(new)
            found = self.evaluator.evaluate(new, stage, new_about if about else None)
            results = {}
            for p, (index, values) in zip(new, found):
                e = Evaluated(index=index, unit=self.unit_of(p), params=p, values=values, mean=moments(values).mean)
                self.cache[self._key(p)] = e
                self.order.append(e)
                if self.scale is not None:
                    e.distance = self.distance(e)
                results[index] = (None if not math.isfinite(e.distance) else e.distance, self._summary(e))
            if self.scale is not None:
                from credsup.calibration import store

                store.set_results(self.evaluator.engine, self.evaluator.experiment_id, results)
                best = self.best()
                self.evaluator.say(
                    f"step {self.evaluator.step} ({stage}): {len(new)} point(s); best distance {best.distance:.4g} "
                    f"(point {best.index}); {self.evaluator.runs_done} run(s) made"
                )
        return [self.cache[self._key(p)] for p in wanted]

    def _summary(self, e: Evaluated) -> dict[str, Any]:
        m = moments(e.values)
        return {
            k: {"mean": _f(m.mean[i]), "sd": _f(m.sd[i]), "n": int(m.n[i])}
            for i, k in enumerate(self.evaluator.outcomes)
        }

    def residuals(self, e: Evaluated) -> np.ndarray:
        return self.scaled(e.mean)

    def scaled(self, mean: np.ndarray) -> np.ndarray:
        """Standardised residuals of outcome means (:func:`scaled_residuals`)."""
        assert self.scale is not None
        return scaled_residuals(mean, self.observed, self.scale, self.ranges)

    def distance(self, e: Evaluated) -> float:
        return float(np.sum(self.residuals(e) ** 2))

    def best(self) -> Evaluated:
        return min((e for e in self.order if math.isfinite(e.distance)), key=lambda e: (e.distance, e.index))

    # ------------------------------------------------------------------------------------ the stages

    def design(self) -> Evaluated:
        """Evaluate the start design; fix the weights from its simulation noise; return its closest point."""
        from scipy.stats import qmc

        d, n = len(self.free), self.settings.design_points
        try:
            sobol = qmc.Sobol(d, scramble=True, rng=design_rng(self.seed))
        except TypeError:  # scipy < 1.15
            sobol = qmc.Sobol(d, scramble=True, seed=design_rng(self.seed))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # balance properties need a power of 2: fine
            units = sobol.random(n)
        points = self.evaluate(list(units), "design")
        sds = np.array([moments(e.values).sd for e in points]).reshape(len(points), len(self.observed))
        self.scale = weights(self.cov_observed, sds, self.settings.replications)
        from credsup.calibration import store

        results = {}
        for e in points:
            e.distance = self.distance(e)
            results[e.index] = (e.distance, self._summary(e))
        store.set_results(self.evaluator.engine, self.evaluator.experiment_id, results)
        best = self.best()
        self.evaluator.say(
            f"start design: {len(points)} point(s); closest: distance {best.distance:.4g} (point {best.index})"
        )
        return best

    def surface(self, centre: np.ndarray) -> Surface:
        """The response surface of the evaluated points' means, fitted around ``centre`` (unit scale)."""
        scored = [e for e in self.order if math.isfinite(e.distance)]
        return fit_surface(np.array([e.unit for e in scored]), np.array([e.mean for e in scored]), centre)

    def smoothed(self, surface: Surface, unit: np.ndarray) -> float:
        """The distance the surface predicts at ``unit`` (:func:`predicted_distance`)."""
        assert self.scale is not None
        return predicted_distance(surface, unit, self.observed, self.scale, self.ranges)

    def local(self, start: Evaluated) -> Evaluated:
        """The surface search from ``start`` (module docstring); the last point it evaluated."""
        p, centre = len(self.free), start
        for iteration in range(self.settings.max_evaluations + 1):
            surface = self.surface(centre.unit)
            scored = [e for e in self.order if math.isfinite(e.distance)]
            ranked = sorted(scored, key=lambda e: (self.smoothed(surface, e.unit), e.index))
            starts = [centre.unit, *(e.unit for e in ranked[:3]), np.full(p, 0.5)]
            u, _ = minimise(partial(self.smoothed, surface), starts, p)
            near = min(scored, key=lambda e: (float(np.max(np.abs(e.unit - u))), e.index))
            if float(np.max(np.abs(near.unit - u))) < CONVERGED:
                self.evaluator.say(f"search: converged after {self.search_points} point(s)")
                return near
            try:
                (centre,) = self.evaluate([u], "search", [{"iteration": iteration}])
            except _Budget:
                self.evaluator.say(f"search: stopped after {self.search_points} point(s) (max_evaluations)")
                break
        return centre


def scaled_residuals(
    mean: np.ndarray, observed: np.ndarray, scale: np.ndarray, ranges: Sequence[tuple[float, float]]
) -> np.ndarray:
    """``(mean - observed) / scale``; an undefined outcome counts ``UNDEFINED_RESIDUAL`` of its scale,
    capped by its range."""
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (np.asarray(mean) - observed) / scale
    cap = np.array(
        [
            min(UNDEFINED_RESIDUAL, (hi - lo) / s) if math.isfinite(hi - lo) else UNDEFINED_RESIDUAL
            for (lo, hi), s in zip(ranges, scale)
        ]
    )
    return np.where(np.isfinite(r), r, cap)


def predicted_distance(
    surface: Surface,
    unit: np.ndarray,
    observed: np.ndarray,
    scale: np.ndarray,
    ranges: Sequence[tuple[float, float]],
) -> float:
    """The distance ``D`` the response surface predicts at ``unit``: what the search minimises and what
    the analysis ranks the evaluated points by, so both read the surface alike."""
    return float(np.sum(scaled_residuals(surface.predict(unit), observed, scale, ranges) ** 2))


def weights(cov_observed: np.ndarray, design_sd: np.ndarray, replications: int) -> np.ndarray:
    """The scale ``s_k`` of each figure's residual, fixed for a whole calibration: its stated variance plus
    the simulation's (the median over the start design's points ``design_sd`` (n x m) of the standard
    deviation between replications, over ``replications``)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        sim_sd = np.nanmedian(design_sd, axis=0) if len(design_sd) else np.zeros(len(cov_observed))
    sim_sd = np.nan_to_num(sim_sd, nan=0.0)
    return np.sqrt(np.diag(cov_observed) + sim_sd**2 / replications)


def _f(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


__all__ = ["Evaluated", "Search", "Settings", "predicted_distance", "scaled_residuals", "weights"]
