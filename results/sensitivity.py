"""Sobol' sensitivity indices of a sweep's outcomes, from the runs stored for a ``design = "sobol"`` sweep.

For each jurisdiction and outcome, the model output at a point is the outcome's mean over that point's
replications; SALib's ``analyze.sobol`` (Saltelli et al. 2010 estimators, Herman and Usher 2017) turns the
outputs, in the design's point order, into:

* **S1**, the first-order index: the share of the outcome's variance explained by the parameter alone;
* **ST**, the total index: the share it explains with all its interactions (1 - ST is what would be left
  if the parameter were fixed);

each with the half-width of a bootstrap confidence interval (``S1_conf``, ``ST_conf``; 95 % by default;
resampling seeded from the sweep's seed, so the intervals repeat). The simulation is stochastic: noise
between replications shows up as variance no parameter explains (S1 summing well below 1) and widens the
intervals; more replications per point shrink it. docs/sweeps.md says how to read the indices.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Collection, Sequence
from typing import Any, Protocol

import attrs
import numpy as np

from credsup.results.store import ExperimentResults
from credsup.results.sweep_table import outcomes

#: Bootstrap resamples behind each confidence interval.
RESAMPLES = 1000
INDICES = ("S1", "S1_conf", "ST", "ST_conf")
#: Spawn key of the stream an experiment's sensitivity analysis draws from (its bootstrap). A run's key
#: has two entries (point, replication), so it never coincides; the other one-entry keys are listed with
#: the seed tree (:mod:`credsup.experiments.seeds`, which imports this one).
ANALYSIS_KEY = (2,)


class Ranged(Protocol):
    """A parameter varied over a range (a sweep's :class:`credsup.experiments.spec.Variation`)."""

    @property
    def key(self) -> str: ...

    @property
    def low(self) -> float: ...

    @property
    def high(self) -> float: ...


@attrs.frozen
class Range:
    """A ranged parameter as stored with a sweep's settings."""

    key: str
    low: float
    high: float


def salib_problem(variations: Sequence[Ranged], integers: Collection[str] = ()) -> dict[str, Any]:
    """SALib's problem definition for ranged parameters (integers widened by half a unit each side).

    The one definition of the sampled space: the sweep draws its points from it
    (:func:`credsup.experiments.design.design_points`) and the analysis hands it back to SALib.
    """
    pad = {v.key: 0.5 if v.key in integers else 0.0 for v in variations}
    return {
        "num_vars": len(variations),
        "names": [v.key for v in variations],
        "bounds": [[v.low - pad[v.key], v.high + pad[v.key]] for v in variations],
    }


def analysis_seed(seed: int) -> int:
    """A 32-bit seed for the bootstrap of a sensitivity analysis (its confidence intervals)."""
    return int(np.random.SeedSequence(int(seed), spawn_key=ANALYSIS_KEY).generate_state(1)[0])


def has_indices(results: ExperimentResults) -> bool:
    """Whether the experiment is a Sobol' sweep (the only design whose points give Sobol' indices)."""
    return results.experiment["kind"] == "sweep" and results.experiment["settings"].get("design") == "sobol"


def _variations(settings: dict[str, Any]) -> tuple[list[Range], set[str]]:
    params = settings["parameters"]
    return (
        [Range(p["key"], low=p["low"], high=p["high"]) for p in params],
        {p["key"] for p in params if p.get("integer")},
    )


def point_outputs(results: ExperimentResults, jurisdiction: str, metric: str) -> np.ndarray:
    """The outcome's mean over replications at each point, in point order (NaN where there is none)."""
    out = np.full(len(results.points), np.nan)
    for k, p in enumerate(sorted(results.points, key=lambda p: p["index"])):
        values = results.summary.get((p["index"], jurisdiction), {}).get(metric)
        if values is not None and np.isfinite(values).any():
            out[k] = float(np.nanmean(values))
    return out


def sobol_indices(
    results: ExperimentResults, metrics: list[str] | None = None, level: float = 0.95
) -> dict[str, dict[str, dict[str, Any]]]:
    """``{jurisdiction: {outcome: {"parameters": {key: {"S1", "S1_conf", "ST", "ST_conf"}}}}}``; an
    outcome that cannot be analysed has ``{"error": why}`` instead (a point without a value, no variance).
    Raises ValueError when the experiment is not a Sobol' sweep."""
    if not has_indices(results):
        raise ValueError('Sobol\' indices need a sweep with design = "sobol"')
    from SALib.analyze import sobol

    settings = results.experiment["settings"]
    variations, integers = _variations(settings)
    problem = salib_problem(variations, integers)
    seed = analysis_seed(int(results.experiment["seed"]))
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for j in results.jurisdictions:
        out[j] = {}
        for metric in metrics or outcomes(results):
            y = point_outputs(results, j, metric)
            missing = int(np.isnan(y).sum())
            if missing:
                out[j][metric] = {
                    "error": f"{missing} of {y.size} points have no value (failed or missing runs, "
                    "or the metric is undefined there)"
                }
                continue
            if np.ptp(y) == 0:
                out[j][metric] = {"error": "the outcome is the same at every point"}
                continue
            si = sobol.analyze(
                problem, y, calc_second_order=False, num_resamples=RESAMPLES, conf_level=level, seed=seed
            )
            out[j][metric] = {
                "parameters": {v.key: {name: float(si[name][i]) for name in INDICES} for i, v in enumerate(variations)}
            }
    return out


def _pm(x: float, half: float) -> str:
    if not math.isfinite(x):
        return "-"
    return f"{x:.2f} ± {half:.2f}" if math.isfinite(half) else f"{x:.2f}"


def render_indices(indices: dict[str, dict[str, dict[str, Any]]], level: float = 0.95, lang: Any = None) -> str:
    """A block per jurisdiction and outcome: each parameter's S1 and ST with the interval's half-width
    (``lang``: a :class:`credsup.i18n.Lang` for the words; English by default)."""
    from credsup.i18n import language

    _ = (lang or language()).gettext
    pct = int(round(level * 100))
    lines = [
        _("Sobol' indices: first-order S1 and total ST, ± the half-width of a {pct}% bootstrap interval.").format(
            pct=pct
        ),
        "",
    ]
    for j, by_metric in indices.items():
        for metric, entry in by_metric.items():
            lines.append(f"{metric} ({j})")
            if "error" in entry:
                lines.append("  " + _("not computed: {reason}").format(reason=entry["error"]))
                lines.append("")
                continue
            width = max(len(k) for k in entry["parameters"])
            head = _("parameter")
            lines.append(f"  {head:<{width}}  {'S1':>13}  {'ST':>13}")
            for key, s in entry["parameters"].items():
                lines.append(f"  {key:<{width}}  {_pm(s['S1'], s['S1_conf']):>13}  {_pm(s['ST'], s['ST_conf']):>13}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def indices_csv(indices: dict[str, dict[str, dict[str, Any]]], experiment: int) -> str:
    """One row per jurisdiction, outcome and parameter; an outcome not computed has one row with its reason."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["experiment", "jurisdiction", "metric", "parameter", *INDICES, "note"])
    for j, by_metric in indices.items():
        for metric, entry in by_metric.items():
            if "error" in entry:
                w.writerow([experiment, j, metric, "", "", "", "", "", entry["error"]])
                continue
            for key, s in entry["parameters"].items():
                w.writerow(
                    [experiment, j, metric, key, *(repr(s[n]) if math.isfinite(s[n]) else "" for n in INDICES), ""]
                )
    return buf.getvalue()


__all__ = [
    "ANALYSIS_KEY",
    "Range",
    "Ranged",
    "analysis_seed",
    "has_indices",
    "indices_csv",
    "point_outputs",
    "render_indices",
    "salib_problem",
    "sobol_indices",
]
