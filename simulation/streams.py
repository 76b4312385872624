"""Named random streams of one run, spawned from one ``numpy.random.SeedSequence``.

Each purpose (population, behaviour, spot checks ...) has its own stream, derived from the run's seed
sequence by a fixed spawn-key suffix rather than by ``spawn()`` order, so a stream does not depend on
what else was spawned before. Two jurisdictions run with the same seed therefore share the population
and every draw whose number does not depend on the policy (common random numbers): the population, the
monthly opportunity and taste-shock draws of the behaviour model, the spot-check and complaint uniforms
(one per enterprise and month, drawn whether or not the policy uses them), the licence applications.
Draws whose number depends on the policy (detection of the enterprises actually inspected, corrections,
objections) have streams of their own, so they cannot shift the shared ones.
"""

from __future__ import annotations

import numpy as np

#: Stream names and their spawn-key suffix. Append new streams at the end; never renumber.
STREAMS: dict[str, int] = {
    "population": 0,
    "behaviour": 1,
    "spot_checks": 2,
    "complaints": 3,
    "licences": 4,
    "detection": 5,
    "corrections": 6,
    "objections": 7,
    "repair": 8,
    "probe": 9,
    "queue": 10,
    "repair_file": 11,
    "commitment_checks": 12,
    "turnover": 13,
    "entrants": 14,
}


def as_seed_sequence(seed: int | np.random.SeedSequence | None) -> np.random.SeedSequence:
    """A SeedSequence from an integer seed (or the sequence itself); ``None`` draws fresh entropy."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
        raise ValueError(f"a seed is a non-negative integer, got {seed!r}")
    return np.random.SeedSequence(None if seed is None else int(seed))


def streams(seed: np.random.SeedSequence) -> dict[str, np.random.Generator]:
    """One independent ``Generator`` (PCG64) per name in :data:`STREAMS`."""
    out = {}
    for name, index in STREAMS.items():
        child = np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, index), pool_size=seed.pool_size)
        out[name] = np.random.Generator(np.random.PCG64(child))
    return out


def describe(seed: np.random.SeedSequence) -> dict[str, object]:
    """JSON-ready identity of a seed sequence (enough to rebuild it)."""
    entropy = seed.entropy
    return {
        "entropy": int(entropy) if isinstance(entropy, (int, np.integer)) else entropy,
        "spawn_key": list(seed.spawn_key),
    }
