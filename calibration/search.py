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
2. **Local search**: scipy's trust-region reflective least squares (``scipy.optimize.least_squares``,
   ``method="trf"``, Branch, Coleman and Li 1999) on the standardised residuals, within the box. Its
   Jacobian is a batch of finite differences (one point per parameter, ``step`` of the range, all in one
   batch): with common random numbers, the difference between two points is their parameters' effect,
   not noise. At most ``max_evaluations`` points are evaluated in this stage.
3. The best point evaluated is the estimate; :mod:`credsup.calibration.calibrate` then evaluates its
   Jacobian (``analysis`` stage) for the uncertainty and the flat directions.

Deterministic given the outcomes: the same seed and inputs ask for the same points in the same order,
which is what lets a calibration resume after any interruption.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np

from credsup.calibration.evaluate import Evaluator
from credsup.calibration.free import FreeParameter
from credsup.calibration.stats import moments
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
    max_evaluations: int = 120
    step: float = 0.05
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
        assert self.scale is not None
        r = (e.mean - self.observed) / self.scale
        cap = np.array(
            [
                min(UNDEFINED_RESIDUAL, (hi - lo) / s) if math.isfinite(hi - lo) else UNDEFINED_RESIDUAL
                for (lo, hi), s in zip(self.ranges, self.scale)
            ]
        )
        return np.where(np.isfinite(r), r, cap)

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
        sds = np.array([moments(e.values).sd for e in points])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            sim_sd = np.nanmedian(sds, axis=0) if len(sds) else np.zeros(len(self.observed))
        sim_sd = np.nan_to_num(sim_sd, nan=0.0)
        self.scale = np.sqrt(np.diag(self.cov_observed) + sim_sd**2 / self.settings.replications)
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

    def jacobian_points(self, centre: Evaluated) -> tuple[list[np.ndarray], list[dict[str, Any]], np.ndarray]:
        """The finite-difference points of ``centre``: one per parameter, ``step`` of its range inward."""
        units, about, steps = [], [], []
        for j, f in enumerate(self.free):
            h = max(self.settings.step, 1.0 / f.width) if f.integer else self.settings.step
            u = centre.unit.copy()
            u[j] = u[j] + h if u[j] + h <= 1.0 else u[j] - h
            units.append(u)
            about.append({"of": centre.index, "parameter": f.key})
            steps.append(h)
        return units, about, np.array(steps)

    def jacobian(self, centre: Evaluated, stage: str) -> tuple[np.ndarray, list[Evaluated]]:
        """d mean / d unit at ``centre`` (m x p), from its finite-difference points (one batch)."""
        units, about, _ = self.jacobian_points(centre)
        points = self.evaluate(units, stage, about)
        cols = []
        for j, e in enumerate(points):
            du = e.unit[j] - centre.unit[j]
            cols.append((e.mean - centre.mean) / du if du else np.zeros_like(centre.mean))
        return np.column_stack(cols), points

    def local(self, start: Evaluated) -> Evaluated:
        """scipy's trust-region least squares from ``start`` within the box; the best point evaluated."""
        from scipy.optimize import least_squares

        p = len(self.free)

        def fun(u: np.ndarray) -> np.ndarray:
            (e,) = self.evaluate([u], "search")
            return self.residuals(e)

        def jac(u: np.ndarray) -> np.ndarray:
            (centre,) = self.evaluate([u], "search")
            g, _ = self.jacobian(centre, "search")
            assert self.scale is not None
            g = g / self.scale[:, None]
            return np.where(np.isfinite(g), g, 0.0)

        max_nfev = max(1, self.settings.max_evaluations // (p + 1))
        try:
            least_squares(
                fun,
                start.unit,
                jac=jac,
                bounds=(np.zeros(p), np.ones(p)),
                method="trf",
                x_scale=1.0,
                ftol=1e-4,
                xtol=1e-3,
                gtol=1e-8,
                max_nfev=max_nfev,
            )
        except _Budget:
            self.evaluator.say(f"search: stopped after {self.search_points} point(s) (max_evaluations)")
        return self.best()


def _f(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


__all__ = ["Evaluated", "Search", "Settings"]
