"""Means with confidence intervals, and paired differences under common random numbers.

A comparison runs every jurisdiction on the same replication seeds (common random numbers), so the
difference to the baseline is estimated from per-replication differences (a paired t interval), which is
much tighter than the difference of two independent means.

**Intervals inside a metric's range.** A share lies in [0, 1], a count is never negative; with few
replications a Student-t interval can cross those limits. Given ``bounds``, the interval is intersected
with them (for a difference of two values in [lo, hi]: with [lo - hi, hi - lo]). The true mean lies in
the range, so the clipped interval covers it whenever the t interval does: the coverage is unchanged,
only impossible values are dropped. ``Estimate.clipped`` says that it happened.

**Multiple comparisons.** :func:`fdr_adjust` turns the p-values of a table's paired tests into
Benjamini-Hochberg adjusted p-values (q-values, ``scipy.stats.false_discovery_control``): calling "clear"
every difference with q < 0.05 keeps the expected share of false discoveries among them at 5 %.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import attrs
import numpy as np
from scipy.special import stdtr, stdtrit  # Student's t CDF and its inverse; lighter than scipy.stats

#: Below this many replications an interval is shown with a warning: its width is itself too uncertain.
MIN_REPLICATIONS = 5

UNBOUNDED = (-math.inf, math.inf)


@attrs.frozen
class Estimate:
    """Mean of ``n`` finite values with a two-sided confidence interval (NaN when undefined).

    ``p`` is the two-sided p-value of a paired difference (NaN for a plain mean); ``clipped`` says the
    interval was cut to the metric's range."""

    mean: float
    low: float
    high: float
    n: int
    p: float = math.nan
    clipped: bool = False

    def as_dict(self) -> dict[str, float | int | None]:
        def clean(x: float) -> float | None:
            return None if not math.isfinite(x) else x

        out: dict[str, float | int | None] = {
            "mean": clean(self.mean),
            "low": clean(self.low),
            "high": clean(self.high),
            "n": self.n,
        }
        if not math.isnan(self.p):
            out["p"] = self.p
        return out

    @property
    def has_interval(self) -> bool:
        return self.n > 1 and math.isfinite(self.low) and math.isfinite(self.high)

    @property
    def excludes_zero(self) -> bool:
        return self.has_interval and (self.low > 0 or self.high < 0)


def _finite(values: np.ndarray | Sequence[float]) -> np.ndarray:
    x = np.asarray(values, dtype=float)
    return x[np.isfinite(x)]


def mean_ci(
    values: np.ndarray | Sequence[float], level: float = 0.95, bounds: tuple[float, float] = UNBOUNDED
) -> Estimate:
    """Student-t interval of the mean of the finite values (NaN = undefined in that run, left out),
    intersected with ``bounds`` (the metric's range)."""
    x = _finite(values)
    n = x.size
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0)
    mean = float(x.mean())
    if n == 1:
        return Estimate(mean, math.nan, math.nan, 1)
    half = float(stdtrit(n - 1, 0.5 + level / 2) * x.std(ddof=1) / math.sqrt(n))
    low, high = mean - half, mean + half
    lo, hi = bounds
    clipped = low < lo or high > hi
    return Estimate(mean, max(low, lo), min(high, hi), n, clipped=clipped)


def t_test_p(diffs: np.ndarray) -> float:
    """Two-sided p-value of a one-sample t test of mean(diffs) = 0 (NaN below 2 values; 0 or 1 when
    every difference is the same: a deterministic difference is certain)."""
    n = diffs.size
    if n < 2:
        return math.nan
    mean, sd = float(diffs.mean()), float(diffs.std(ddof=1))
    if sd == 0:
        return 1.0 if mean == 0 else 0.0
    t = abs(mean) / (sd / math.sqrt(n))
    return float(2 * stdtr(n - 1, -t))


def paired_difference(
    values: np.ndarray | Sequence[float],
    baseline: np.ndarray | Sequence[float],
    level: float = 0.95,
    bounds: tuple[float, float] = UNBOUNDED,
) -> Estimate:
    """Interval and p-value of mean(values - baseline) over replications where both are defined (same
    seeds). With ``bounds`` = the metric's range [lo, hi], the interval stays within [lo - hi, hi - lo]."""
    a, b = np.asarray(values, dtype=float), np.asarray(baseline, dtype=float)
    if a.shape != b.shape:
        raise ValueError("paired difference needs the same replications on both sides")
    d = a - b
    lo, hi = bounds
    e = mean_ci(d, level, (lo - hi, hi - lo))
    return attrs.evolve(e, p=t_test_p(_finite(d)))


def fdr_adjust(p_values: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values, in the given order; NaN entries stay NaN and do not count
    as tests."""
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    if ok.any():
        from scipy.stats import false_discovery_control

        out[ok] = false_discovery_control(p[ok], method="bh")
    return [float(x) for x in out]
