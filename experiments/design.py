"""Sweep designs: the parameter values at each point, by grid, Latin hypercube or Sobol' sampling.

Sampling uses SALib (Herman and Usher 2017): ``SALib.sample.latin`` for Latin hypercubes (McKay, Beckman
and Conover 1979) and ``SALib.sample.sobol`` for Saltelli's scheme on a scrambled Sobol' sequence
(Saltelli et al. 2010), whose point order :mod:`credsup.results.sensitivity` hands back to SALib's
analysis. The generator comes from the sweep's seed tree (:func:`credsup.experiments.seeds.design_rng`),
so the seed alone fixes every point.

An integer parameter (``scenario.regulator.inspectors``) is sampled uniformly on ``[low - 0.5, high + 0.5]``
and rounded, so that every whole number of the range is equally likely, ends included.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Sequence
from typing import Any

import numpy as np

from credsup.experiments.seeds import design_rng
from credsup.experiments.spec import Variation
from credsup.results.sensitivity import salib_problem


def design_points(
    design: str, variations: Sequence[Variation], samples: int | None, seed: int, integers: Collection[str] = ()
) -> list[dict[str, Any]]:
    """The parameter values of every point, in point order: ``[{key: value, ...}, ...]``.

    ``grid``: every combination of the listed values, the last parameter varying fastest; ``latin``:
    ``samples`` points; ``sobol``: ``samples * (D + 2)`` points in Saltelli's order (first-order and total
    indices, no second-order). Sampled values are Python floats, or ints for keys in ``integers``.
    """
    keys = [v.key for v in variations]
    if design == "grid":
        return [dict(zip(keys, combo)) for combo in itertools.product(*(v.values for v in variations))]
    problem = salib_problem(variations, integers)
    if design == "latin":
        from SALib.sample import latin

        matrix = latin.sample(problem, samples, seed=design_rng(seed))
    elif design == "sobol":
        from SALib.sample import sobol

        matrix = sobol.sample(problem, samples, calc_second_order=False, scramble=True, seed=design_rng(seed))
    else:
        raise ValueError(f"unknown design {design!r}")
    points = []
    for row in matrix:
        point: dict[str, Any] = {}
        for v, x in zip(variations, row):
            point[v.key] = int(min(max(np.floor(x + 0.5), v.low), v.high)) if v.key in integers else float(x)
        points.append(point)
    return points
