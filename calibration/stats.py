"""The statistics of a fit: observed against simulated, standardised residuals, the J statistic, and what
the targets determine about the free parameters.

Notation (docs/calibration.md, "Method"): ``y`` the observed figures with covariance ``V`` (their stated
uncertainty, :meth:`credsup.calibration.targets.Targets.covariance`); ``m`` the mean of the simulated
outcomes over ``R`` replications, whose covariance as an estimate is ``S / R`` (``S`` the covariance
between replications). The residual ``r = m - y`` then has covariance ``Omega = V + S / R``:

* the standardised residual of figure ``k`` is ``z_k = r_k / sqrt(Omega_kk)``; a figure is **missed**
  when ``|z_k|`` exceeds the two-sided critical value at ``level`` with Bonferroni's correction over the
  figures (so that a scenario that fits misses any figure with probability at most ``1 - level``);
* the overall distance is ``J = r' Omega^+ r`` (``^+`` the pseudo-inverse: shares that sum to 1 make
  ``Omega`` singular), referred to a chi-squared distribution with ``rank(Omega)`` degrees of freedom,
  less the number of parameter directions a calibration fitted (Hansen 1982; for simulated moments,
  McFadden 1989, Pakes and Pollard 1989);
* a calibration's uncertainty about the free parameters ``u`` (each scaled to [0, 1] over its range) is
  the Gaussian (Laplace) approximation to the posterior with a uniform prior on the ranges:
  precision ``H + 12 I`` where ``H = G' Omega^+ G`` (``G`` the Jacobian of ``m`` in ``u``) is what the
  targets say and ``12 I`` the precision of a uniform distribution over a unit range. A direction along
  which ``H`` is below 12 is pinned down by the targets less than by the range itself: the targets leave
  it **undetermined** (a flat direction).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
from scipy import stats as sps

#: Precision (in units of a free parameter's whole range) of a uniform distribution over that range.
UNIFORM_PRECISION = 12.0
#: Relative size below which an eigenvalue of a covariance matrix counts as zero.
RANK_TOLERANCE = 1e-9


@attrs.frozen
class Moments:
    """The simulated outcomes at one point: mean over replications and the covariance of that mean."""

    mean: np.ndarray  #: (m,), NaN where the outcome is undefined in every replication
    sd: np.ndarray  #: (m,) standard deviation between replications
    n: np.ndarray  #: (m,) replications where the outcome is defined
    cov_mean: np.ndarray  #: (m, m) covariance of the mean (S / R)


def moments(values: np.ndarray) -> Moments:
    """Summarise an (R, m) array of outcomes (NaN: undefined in that replication)."""
    values = np.asarray(values, dtype=np.float64)
    n = np.sum(np.isfinite(values), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, np.nansum(values, axis=0) / np.maximum(n, 1), np.nan)
        dev = np.where(np.isfinite(values), values - mean, 0.0)
        sd = np.where(n > 1, np.sqrt((dev**2).sum(axis=0) / np.maximum(n - 1, 1)), np.nan)
    complete = np.all(np.isfinite(values), axis=1)
    if complete.sum() >= 2:
        cov = np.cov(values[complete], rowvar=False, ddof=1).reshape(values.shape[1], values.shape[1])
        cov = cov / complete.sum()
    else:
        cov = np.diag(np.where(np.isfinite(sd), sd**2 / np.maximum(n, 1), 0.0))
    return Moments(mean=mean, sd=sd, n=n, cov_mean=cov)


def pinv_rank(matrix: np.ndarray) -> tuple[np.ndarray, int]:
    """Pseudo-inverse and rank of a symmetric positive semi-definite matrix."""
    w, v = np.linalg.eigh((matrix + matrix.T) / 2.0)
    keep = w > RANK_TOLERANCE * max(float(w.max(initial=0.0)), 1e-300)
    inv = (v[:, keep] / w[keep]) @ v[:, keep].T
    return inv, int(keep.sum())


def critical_z(level: float, m: int) -> float:
    """Two-sided critical value of a standard normal at ``level``, Bonferroni-corrected over ``m`` figures."""
    return float(sps.norm.ppf(1.0 - (1.0 - level) / (2.0 * max(m, 1))))


@attrs.frozen
class FitRow:
    outcome: str
    observed: float
    observed_low: float
    observed_high: float
    simulated: float
    simulated_low: float
    simulated_high: float
    residual: float
    z: float
    missed: bool
    source: str
    replications: int


@attrs.frozen
class FitTable:
    """Observed against simulated, figure by figure, and the overall distance."""

    rows: tuple[FitRow, ...]
    j: float
    df: int
    p_value: float | None  #: None when there are no degrees of freedom left to test
    level: float
    critical_z: float
    fitted_directions: int

    @property
    def missed(self) -> list[str]:
        return [r.outcome for r in self.rows if r.missed]

    @property
    def rejected(self) -> bool:
        """The J test rejects at ``1 - level``."""
        return self.p_value is not None and self.p_value < 1.0 - self.level

    @property
    def verdict(self) -> str:
        """``fits`` or ``missed`` (a figure missed beyond its uncertainty, or the J test rejects)."""
        return "missed" if self.missed or self.rejected else "fits"

    def as_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "missed": self.missed,
            "j": _finite(self.j),
            "df": self.df,
            "p_value": _finite(self.p_value),
            "level": self.level,
            "critical_z": self.critical_z,
            "fitted_directions": self.fitted_directions,
            "figures": [{k: _finite(v) for k, v in attrs.asdict(r).items()} for r in self.rows],
        }


def _finite(x: Any) -> Any:
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def fit_table(
    outcomes: Sequence[str],
    observed: np.ndarray,
    cov_observed: np.ndarray,
    simulated: Moments,
    *,
    sources: Sequence[str],
    ranges: Sequence[tuple[float, float]],
    level: float = 0.95,
    fitted_directions: int = 0,
) -> FitTable:
    """The fit table of ``simulated`` against the targets (see the module docstring)."""
    m = len(outcomes)
    cov_sim = np.nan_to_num(simulated.cov_mean, nan=0.0)
    omega = cov_observed + cov_sim
    residual = simulated.mean - observed
    zc = critical_z(level, m)
    z2 = float(sps.norm.ppf(0.5 + level / 2.0))
    rows = []
    for k in range(m):
        lo, hi = ranges[k]
        se_obs = math.sqrt(cov_observed[k, k])
        n = int(simulated.n[k])
        if n > 1 and math.isfinite(simulated.sd[k]):
            half = float(sps.t.ppf(0.5 + level / 2.0, n - 1)) * simulated.sd[k] / math.sqrt(n)
        else:
            half = math.nan
        z = residual[k] / math.sqrt(omega[k, k]) if omega[k, k] > 0 else math.nan
        rows.append(
            FitRow(
                outcome=outcomes[k],
                observed=float(observed[k]),
                observed_low=max(lo, observed[k] - z2 * se_obs),
                observed_high=min(hi, observed[k] + z2 * se_obs),
                simulated=float(simulated.mean[k]),
                simulated_low=max(lo, simulated.mean[k] - half) if math.isfinite(half) else math.nan,
                simulated_high=min(hi, simulated.mean[k] + half) if math.isfinite(half) else math.nan,
                residual=float(residual[k]),
                z=float(z),
                missed=not (math.isfinite(z) and abs(z) <= zc),
                source=sources[k],
                replications=n,
            )
        )
    finite = np.isfinite(residual)
    if finite.all():
        inv, rank = pinv_rank(omega)
        j = float(residual @ inv @ residual)
    else:
        rank, j = int(finite.sum()), math.inf
    df = rank - fitted_directions
    p = float(sps.chi2.sf(j, df)) if df > 0 and math.isfinite(j) else (0.0 if not math.isfinite(j) else None)
    return FitTable(
        rows=tuple(rows),
        j=j,
        df=df,
        p_value=p,
        level=level,
        critical_z=zc,
        fitted_directions=fitted_directions,
    )


@attrs.frozen
class Identification:
    """What the targets say about the free parameters at the fitted point (unit scale: each range is [0, 1])."""

    keys: tuple[str, ...]
    precision: np.ndarray  #: H = G' Omega^+ G
    covariance: np.ndarray  #: (H + 12 I)^-1
    eigenvalues: np.ndarray  #: of H, ascending
    eigenvectors: np.ndarray  #: columns, matching the eigenvalues

    @property
    def sd(self) -> np.ndarray:
        """Posterior standard deviation of each parameter, as a share of its range."""
        return np.sqrt(np.diag(self.covariance))

    @property
    def remaining(self) -> np.ndarray:
        """Posterior sd over the uniform prior's sd: 1 = the targets say nothing about it, 0 = pinned down."""
        return self.sd * math.sqrt(UNIFORM_PRECISION)

    @property
    def identified_directions(self) -> int:
        return int(np.sum(self.eigenvalues > UNIFORM_PRECISION))

    def flat_directions(self) -> list[dict[str, Any]]:
        """Directions along which the targets pin the parameters less than their ranges do: each with its
        precision and the parameters it combines (loadings of at least 0.2 in absolute value)."""
        out = []
        for w, v in zip(self.eigenvalues, self.eigenvectors.T):
            if w > UNIFORM_PRECISION:
                continue
            v = v / (np.sign(v[np.argmax(np.abs(v))]) or 1.0)
            loadings = {k: float(x) for k, x in zip(self.keys, v) if abs(x) >= 0.2}
            out.append({"precision": float(max(w, 0.0)), "loadings": loadings})
        return out

    def status(self, i: int) -> str:
        """``determined`` (the targets leave under half the range's uncertainty), ``weak`` or ``undetermined``
        (90 % or more of it left)."""
        r = self.remaining[i]
        return "determined" if r < 0.5 else "weak" if r < 0.9 else "undetermined"


def identification(keys: Sequence[str], jacobian: np.ndarray, omega: np.ndarray) -> Identification:
    """:class:`Identification` from the Jacobian ``G`` (m x p, in unit scale) and ``Omega`` (m x m)."""
    inv, _ = pinv_rank(omega)
    g = np.nan_to_num(jacobian, nan=0.0)
    h = g.T @ inv @ g
    h = (h + h.T) / 2.0
    cov = np.linalg.inv(h + UNIFORM_PRECISION * np.eye(len(keys)))
    w, v = np.linalg.eigh(h)
    return Identification(keys=tuple(keys), precision=h, covariance=cov, eigenvalues=w, eigenvectors=v)


def interval(unit: float, sd: float, level: float = 0.95) -> tuple[float, float]:
    """The posterior interval of a parameter in unit scale, kept inside its range."""
    half = float(sps.norm.ppf(0.5 + level / 2.0)) * sd
    return max(0.0, unit - half), min(1.0, unit + half)


__all__ = [
    "FitRow",
    "FitTable",
    "Identification",
    "Moments",
    "critical_z",
    "fit_table",
    "identification",
    "interval",
    "moments",
    "pinv_rank",
]
