"""A response surface of the simulated outcomes: what the calibration searches and differentiates.

The simulated outcomes are noisy and, even on common random numbers, not smooth in the parameters: a
changed type share changes which enterprises violate, and every later random draw follows. A finite
difference of two nearby points is then mostly noise, and a search that follows it stops anywhere
(docs/calibration.md, "Method"). A **quadratic response surface** fitted by least squares to the means
of many points averages that noise out (Box and Wilson 1951; Myers, Montgomery and Anderson-Cook 2016):
its minimum is the search's next point, and its gradient the Jacobian of the analysis.

The fit is local around a centre (the best point so far): the ``max(coefficients + p, half)`` evaluated
points nearest to it (unit scale, Euclidean), so that as the search adds points near the optimum, the
surface describes that neighbourhood rather than the whole box. With fewer points than a full quadratic
needs (its ``1 + p + p (p + 1) / 2`` coefficients plus ``p`` to spare), the surface drops the cross terms,
then the squares. Each outcome has its own fit (points where it is undefined are left out of it).

Pure numpy and scipy; deterministic given its inputs (what lets a calibration resume).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import attrs
import numpy as np

#: How close (largest difference in unit scale) a proposed point must be to an evaluated one for the
#: search to have converged: 1 % of every range (assumption: well inside the posterior intervals a
#: calibration reports, a few % of the range at best).
CONVERGED = 0.01


def quadratic_terms(p: int) -> int:
    """Coefficients of a full quadratic in ``p`` parameters."""
    return 1 + p + p * (p + 1) // 2


def _features(u: np.ndarray, degree: str) -> np.ndarray:
    """Design matrix of points ``u`` (n x p): ``linear``, ``squares`` (no cross terms) or ``quadratic``."""
    u = np.atleast_2d(u)
    n, p = u.shape
    cols = [np.ones(n), *(u[:, i] for i in range(p))]
    if degree == "squares":
        cols += [u[:, i] ** 2 for i in range(p)]
    elif degree == "quadratic":
        cols += [u[:, i] * u[:, j] for i in range(p) for j in range(i, p)]
    return np.column_stack(cols)


def degree_for(n: int, p: int) -> str:
    """The richest surface ``n`` points support with ``p`` to spare."""
    if n >= quadratic_terms(p) + p:
        return "quadratic"
    if n >= 1 + 3 * p:
        return "squares"
    return "linear"


@attrs.frozen
class Surface:
    """A fitted response surface: one set of coefficients per outcome (NaN: too few points define it)."""

    degree: str
    coef: np.ndarray  #: (terms, m)
    used: np.ndarray  #: indices of the points fitted
    residual_sd: np.ndarray  #: (m,) root mean square of the fit's residuals (over its degrees of freedom)

    def predict(self, u: np.ndarray) -> np.ndarray:
        """Outcomes at ``u`` (p,) -> (m,), or at points (n, p) -> (n, m)."""
        u = np.asarray(u, dtype=np.float64)
        out = _features(u, self.degree) @ self.coef
        return out[0] if u.ndim == 1 else out

    def gradient(self, u: np.ndarray, h: float = 1e-5) -> np.ndarray:
        """d outcome / d unit at ``u`` (m x p), by central differences of the surface (exact for a quadratic)."""
        u = np.asarray(u, dtype=np.float64)
        eye = np.eye(len(u))
        return np.column_stack([(self.predict(u + h * e) - self.predict(u - h * e)) / (2 * h) for e in eye])


def fit_surface(units: np.ndarray, means: np.ndarray, centre: np.ndarray | None = None) -> Surface:
    """Fit outcomes ``means`` (n x m, NaN undefined) at ``units`` (n x p) near ``centre`` (module docstring)."""
    units = np.asarray(units, dtype=np.float64)
    means = np.asarray(means, dtype=np.float64)
    n, p = units.shape
    used = np.arange(n)
    if centre is not None:
        keep = max(quadratic_terms(p) + p, math.ceil(n / 2))
        if keep < n:
            dist = np.linalg.norm(units - np.asarray(centre), axis=1)
            near = np.sort(np.argsort(dist, kind="stable")[:keep])
            # a cluster of nearby points can leave a direction unsupported: then fit them all
            x = _features(units[near], degree_for(keep, p))
            if np.linalg.matrix_rank(x) == x.shape[1]:
                used = near
    degree = degree_for(len(used), p)
    x = _features(units[used], degree)
    coef = np.full((x.shape[1], means.shape[1]), np.nan)
    resid = np.full(means.shape[1], np.nan)
    for k in range(means.shape[1]):
        y = means[used, k]
        ok = np.isfinite(y)
        if ok.sum() < x.shape[1]:
            continue
        c, *_ = np.linalg.lstsq(x[ok], y[ok], rcond=None)
        coef[:, k] = c
        dof = int(ok.sum()) - x.shape[1]
        r = y[ok] - x[ok] @ c
        resid[k] = float(np.sqrt(r @ r / dof)) if dof > 0 else math.nan
    return Surface(degree=degree, coef=coef, used=used, residual_sd=resid)


def minimise(distance: Callable[[np.ndarray], float], starts: Sequence[np.ndarray], p: int) -> tuple[np.ndarray, float]:
    """The minimum of ``distance`` over the unit box, by L-BFGS-B from each of ``starts`` (deterministic)."""
    from scipy.optimize import minimize

    best_u, best_d = np.asarray(starts[0], dtype=np.float64), math.inf
    for s in starts:
        res = minimize(
            distance, np.clip(np.asarray(s, dtype=np.float64), 0.0, 1.0), method="L-BFGS-B", bounds=[(0.0, 1.0)] * p
        )
        u = np.clip(res.x, 0.0, 1.0)
        d = distance(u)
        if d < best_d - 1e-12:
            best_u, best_d = u, d
    return best_u, best_d


__all__ = ["CONVERGED", "Surface", "degree_for", "fit_surface", "minimise", "quadratic_terms"]
