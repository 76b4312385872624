"""Outcome keys: what a target can name, and a run's value of each. The ONE place calibration reads runs.

An outcome key names one number a run produces:

* a run metric of ``docs/metrics.md``: ``hit_rate``, ``violation_prevalence``, ``grade_auc`` ...;
* ``grade_share.<G>``: the share of enterprise-months in grade ``G`` (``A``-``D``, ``ungraded``) over the
  run's measured months (``RunResult.grades[G]["enterprise_share"]``), what a published classification's
  shares of enterprises in each class are compared with;
* ``<metric>.<G>``: a metric defined per grade (``hit_rate.D``, ``violation_prevalence.A``: the metrics of
  :data:`credsup.simulation.metrics.GRADE_METRICS`), over the run's inspections of grade-``G`` enterprises.

:func:`outcome_values` reads them from a run's result as plain data (``RunResult.to_dict()``, or the same
shape rebuilt from the results database: ``{"summary": {...}, "grades": {G: {...}}}``), so a calibration
gives the same numbers whether a run was just made or read back after a resume.

When the simulated world reports keyed outcomes of its own (inspections by source, grade shares per
period: issue 13), this module is switched to them; nothing else in calibration knows how a run is laid out.
"""

from __future__ import annotations

import difflib
import functools
import math
from collections.abc import Mapping
from typing import Any

from credsup.simulation.metrics import GRADE_METRICS, METRICS
from credsup.simulation.tally import GRADE_LABELS

#: Grades a per-grade outcome may name (``ungraded``: enterprises no grading has reached).
GRADES: tuple[str, ...] = tuple(GRADE_LABELS)
SHARE_PREFIX = "grade_share"

#: Outcomes that are proportions of countable units (a binomial standard error from a sample size makes
#: sense for them): grade shares, hit rates, prevalences and the shares among decisions.
_PROPORTIONS = {
    "hit_rate",
    "violation_prevalence",
    "wrongful_penalty_rate",
    "repair_recidivism",
    "tolerated_first_offences",
}


@functools.cache
def outcome_keys() -> tuple[str, ...]:
    """Every outcome key, in a stable order: run metrics, grade shares, then per-grade metrics."""
    keys = list(METRICS)
    keys += [f"{SHARE_PREFIX}.{g}" for g in GRADES]
    keys += [f"{m}.{g}" for m in GRADE_METRICS for g in GRADES]
    return tuple(keys)


def check_outcome(key: Any) -> str:
    """Why ``key`` is not an outcome key ("" when it is), with the nearest key when one is close."""
    if not isinstance(key, str):
        return f"expected an outcome key (a string such as 'grade_share.A'), got {key!r}"
    if key in outcome_keys():
        return ""
    match = difflib.get_close_matches(key, outcome_keys(), n=1, cutoff=0.6)
    hint = f" (did you mean '{match[0]}'?)" if match else ""
    return (
        f"unknown outcome {key!r}{hint}; outcomes are the run metrics ({', '.join(METRICS[:3])}, ...), "
        f"grade_share.<A-D> and <metric>.<A-D> for {', '.join(GRADE_METRICS)} (docs/calibration.md)"
    )


def metric_of(key: str) -> str:
    """The metric behind an outcome key (``hit_rate.D`` -> ``hit_rate``; ``grade_share.A`` -> ``grade_share``)."""
    return key.split(".", 1)[0]


def grade_of(key: str) -> str | None:
    """The grade an outcome key is about (None for a run metric)."""
    return key.split(".", 1)[1] if "." in key else None


def is_proportion(key: str) -> bool:
    """Whether the outcome is a proportion of countable units (grade shares, hit rates, prevalences ...)."""
    return metric_of(key) in _PROPORTIONS or metric_of(key) == SHARE_PREFIX


def outcome_range(key: str) -> tuple[float, float]:
    """The values an outcome can take (``docs/metrics.md``; shares lie in [0, 1])."""
    from credsup.i18n import language

    if metric_of(key) == SHARE_PREFIX:
        return (0.0, 1.0)
    info = language().metric(metric_of(key))
    return (info.low, info.high)


def _number(value: Any) -> float:
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return math.nan
    return float(value) if math.isfinite(value) else math.nan


def outcome_values(result: Any) -> dict[str, float]:
    """Every outcome of one run: ``{key: value}``, NaN where undefined (no inspection of grade D, say).

    ``result`` is a :class:`~credsup.simulation.runner.RunResult`, its ``to_dict()``, or a mapping of the
    same shape rebuilt from the results database (``summary`` and ``grades``; ``None`` for undefined).
    """
    if not isinstance(result, Mapping):
        result = {"summary": result.summary, "grades": result.grades}
    summary: Mapping[str, Any] = result.get("summary") or {}
    grades: Mapping[str, Mapping[str, Any]] = result.get("grades") or {}
    out = {m: _number(summary.get(m)) for m in METRICS}
    for g in GRADES:
        by = grades.get(g) or {}
        out[f"{SHARE_PREFIX}.{g}"] = _number(by.get("enterprise_share")) if by else 0.0
        for m in GRADE_METRICS:
            out[f"{m}.{g}"] = _number(by.get(m))
    return out


def run_columns() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The stored run metrics and per-grade metrics :func:`outcome_values` needs (for reading a run back
    from the results database)."""
    return tuple(METRICS), (*GRADE_METRICS, "enterprise_share")


__all__ = [
    "GRADES",
    "check_outcome",
    "grade_of",
    "is_proportion",
    "metric_of",
    "outcome_keys",
    "outcome_range",
    "outcome_values",
    "run_columns",
]
