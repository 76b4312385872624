"""One seed tree per experiment: the run at (point, replication) gets
``SeedSequence(seed, spawn_key=(point, replication))``.

The key does not depend on how many workers ran the experiment or in which order, so results are
identical on one process or many. Every jurisdiction of a comparison gets the same sequence for the same
replication: common random numbers, so that a difference between jurisdictions is the policy, not luck.
"""

from __future__ import annotations

import numpy as np


def new_seed() -> int:
    """Fresh entropy (128 bits) for an experiment started without ``--seed``; print it to reproduce."""
    return int(np.random.SeedSequence().entropy)


def run_seed(seed: int, point: int, replication: int) -> np.random.SeedSequence:
    """The seed sequence of one run of an experiment."""
    return np.random.SeedSequence(int(seed), spawn_key=(int(point), int(replication)))


def seed_key(point: int, replication: int) -> str:
    """How the run's key is stored in the database: ``"point/replication"``."""
    return f"{point}/{replication}"
