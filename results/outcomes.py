"""Outcome keys: the names by which sweeps, frontiers and the comparison's "By source" block read a stored
figure (docs/metrics.md, "Outcome keys").

A key is one of

* a run metric: ``hit_rate``, ``grade_auc`` ... (:data:`~credsup.simulation.metrics.METRICS`);
* a per-grade metric: ``<metric>.<grade>`` for the metrics defined per grade (``hit_rate.D``);
* a grade share over the measured months: ``grade_share.<grade>`` (share of active enterprise-months);
* a figure per inspection source: ``<figure>.<source>`` (``hit_rate.spot``, ``inspections.complaint``),
  and per grade held at the inspection, ``<figure>.<source>.<grade>`` (``hit_rate.spot.D``).

Grades are ``A`` .. ``D`` and ``ungraded``; sources and figures are those of
:data:`~credsup.simulation.tally.SOURCE_LABELS` and :data:`~credsup.simulation.metrics.SOURCE_FIGURES`.
In the results database a run's metric and per-source figure are rows of ``metric`` under the key's name;
a per-grade one is a row of ``grade_metric`` (grade, name without the grade); ``grade_share.<grade>`` is
stored as the grade's ``enterprise_share``.
"""

from __future__ import annotations

import difflib
import math
from typing import TYPE_CHECKING

import attrs
import numpy as np

from credsup.simulation.metrics import GRADE_METRICS, METRICS, SOURCE_FIGURES
from credsup.simulation.tally import SOURCE_LABELS

if TYPE_CHECKING:
    from credsup.results.store import ExperimentResults

#: Grades an outcome key can name, as the results database labels them.
GRADES: tuple[str, ...] = ("A", "B", "C", "D", "ungraded")
#: The stored per-grade name behind ``grade_share.<grade>``.
GRADE_SHARE = "grade_share"
_STORED_SHARE = "enterprise_share"


@attrs.frozen
class Outcome:
    """A parsed outcome key: the stored ``name`` (in ``metric``, or in ``grade_metric`` when ``grade``)."""

    key: str
    name: str
    grade: str | None = None
    source: str | None = None
    figure: str | None = None

    @property
    def bounds(self) -> tuple[float, float]:
        """The range a mean's interval is kept within: shares and hit rates lie in [0, 1], counts in
        [0, inf); a run metric's range comes from the glossary."""
        if self.figure is None and self.name == _STORED_SHARE:
            return (0.0, 1.0)
        base = self.figure or self.name
        if base == "hit_rate":
            return (0.0, 1.0)
        if self.figure is not None:
            return (0.0, math.inf)
        from credsup.i18n import language

        info = language().metric(base)
        return (info.low, info.high)


def outcome_keys() -> tuple[str, ...]:
    """Every key an outcome can take, run metrics first."""
    keys = list(METRICS)
    keys += [f"{m}.{g}" for m in GRADE_METRICS for g in GRADES]
    keys += [f"{GRADE_SHARE}.{g}" for g in GRADES]
    keys += [f"{f}.{s}" for s in SOURCE_LABELS for f in SOURCE_FIGURES]
    keys += [f"{f}.{s}.{g}" for s in SOURCE_LABELS for f in SOURCE_FIGURES for g in GRADES]
    return tuple(keys)


def parse(key: str) -> Outcome | None:
    """The outcome ``key`` names, or None when it is no outcome key."""
    if key in METRICS:
        return Outcome(key, key)
    parts = key.split(".")
    if len(parts) == 2:
        head, tail = parts
        if tail in GRADES and head in GRADE_METRICS:
            return Outcome(key, head, grade=tail)
        if tail in GRADES and head == GRADE_SHARE:
            return Outcome(key, _STORED_SHARE, grade=tail)
        if tail in SOURCE_LABELS and head in SOURCE_FIGURES:
            return Outcome(key, key, source=tail, figure=head)
    if len(parts) == 3:
        head, source, grade = parts
        if head in SOURCE_FIGURES and source in SOURCE_LABELS and grade in GRADES:
            return Outcome(key, f"{head}.{source}", grade=grade, source=source, figure=head)
    return None


#: How the keys are formed, for messages and docs.
GRAMMAR = (
    f"a metric ({', '.join(METRICS)}), <metric>.<grade> for {', '.join(GRADE_METRICS)}, grade_share.<grade>, "
    f"<figure>.<source> or <figure>.<source>.<grade> with figures {', '.join(SOURCE_FIGURES)} and sources "
    f"{', '.join(SOURCE_LABELS)}; grades {', '.join(GRADES)} (docs/metrics.md, 'Outcome keys')"
)


def unknown(key: str) -> str | None:
    """None for a valid outcome key, else one line naming it, the closest valid key and the grammar."""
    if parse(key) is not None:
        return None
    match = difflib.get_close_matches(key, outcome_keys(), n=1, cutoff=0.6)
    hint = f" (did you mean '{match[0]}'?)" if match else ""
    return f"unknown outcome {key!r}{hint}; an outcome is {GRAMMAR}"


def stored_values(results: ExperimentResults, point: int, jurisdiction: str, key: str) -> np.ndarray:
    """The stored values of outcome ``key`` over the replications of one point and jurisdiction, in
    replication order (NaN where undefined); empty when nothing is stored under it."""
    outcome = parse(key)
    if outcome is None:
        raise ValueError(unknown(key))
    if outcome.grade is None:
        arr = results.summary.get((point, jurisdiction), {}).get(outcome.name)
    else:
        arr = results.by_grade.get((point, jurisdiction), {}).get(outcome.grade, {}).get(outcome.name)
    return np.asarray(arr, dtype=np.float64) if arr is not None else np.empty(0)


def bounds(key: str) -> tuple[float, float]:
    """The range of outcome ``key`` (unbounded when it is no outcome key)."""
    outcome = parse(key)
    return outcome.bounds if outcome is not None else (-math.inf, math.inf)


__all__ = ["GRADES", "GRAMMAR", "Outcome", "bounds", "outcome_keys", "parse", "stored_values", "unknown"]
