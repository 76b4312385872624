"""One seed tree per experiment: the run at (point, replication) gets
``SeedSequence(seed, spawn_key=(point, replication))``.

The key does not depend on how many workers ran the experiment or in which order, so results are
identical on one process or many. Every jurisdiction of a comparison gets the same sequence for the same
replication: common random numbers, so that a difference between jurisdictions is the policy, not luck.
A sweep's sample points are drawn from the same tree (:func:`design_rng`), so the seed alone fixes them.
"""

from __future__ import annotations

import numpy as np

from credsup.results.sensitivity import ANALYSIS_KEY as _ANALYSIS_KEY


def new_seed() -> int:
    """Fresh entropy (128 bits) for an experiment started without ``--seed``; print it to reproduce."""
    return int(np.random.SeedSequence().entropy)


def run_seed(seed: int, point: int, replication: int) -> np.random.SeedSequence:
    """The seed sequence of one run of an experiment."""
    return np.random.SeedSequence(int(seed), spawn_key=(int(point), int(replication)))


def seed_key(point: int, replication: int) -> str:
    """How the run's key is stored in the database: ``"point/replication"``."""
    return f"{point}/{replication}"


#: Spawn keys of the streams an experiment draws besides its runs. A run's key has two entries
#: (point, replication), these have one, so they can never coincide with a run's.
DESIGN_KEY = (1,)
ANALYSIS_KEY = _ANALYSIS_KEY  # the bootstrap of a sensitivity analysis (credsup.results.sensitivity)


def design_rng(seed: int) -> np.random.Generator:
    """The generator that draws a sweep's sample points (Latin hypercube, Sobol' scrambling)."""
    return np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=DESIGN_KEY))
