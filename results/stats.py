"""Means with confidence intervals, and paired differences under common random numbers.

A comparison runs every jurisdiction on the same replication seeds (common random numbers), so the
difference to the baseline is estimated from per-replication differences (a paired t interval), which is
much tighter than the difference of two independent means.
"""

from __future__ import annotations

import math

import attrs
import numpy as np
from scipy.special import stdtrit  # inverse of Student's t CDF; lighter to import than scipy.stats


@attrs.frozen
class Estimate:
    """Mean of ``n`` finite values with a two-sided confidence interval (NaN when undefined)."""

    mean: float
    low: float
    high: float
    n: int

    def as_dict(self) -> dict[str, float | int | None]:
        def clean(x: float) -> float | None:
            return None if not math.isfinite(x) else x

        return {"mean": clean(self.mean), "low": clean(self.low), "high": clean(self.high), "n": self.n}


def mean_ci(values: np.ndarray, level: float = 0.95) -> Estimate:
    """Student-t interval of the mean of the finite values (NaN = undefined in that run, left out)."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = x.size
    if n == 0:
        return Estimate(math.nan, math.nan, math.nan, 0)
    mean = float(x.mean())
    if n == 1:
        return Estimate(mean, math.nan, math.nan, 1)
    half = float(stdtrit(n - 1, 0.5 + level / 2) * x.std(ddof=1) / math.sqrt(n))
    return Estimate(mean, mean - half, mean + half, n)


def paired_difference(values: np.ndarray, baseline: np.ndarray, level: float = 0.95) -> Estimate:
    """Interval of mean(values - baseline) over replications where both are defined (same seeds)."""
    a, b = np.asarray(values, dtype=float), np.asarray(baseline, dtype=float)
    if a.shape != b.shape:
        raise ValueError("paired difference needs the same replications on both sides")
    return mean_ci(a - b, level)
