"""Time every hook of every built-in jurisdiction on one large random batch (not a test; run by hand).

    python benchmarks/jurisdiction_hooks.py [enterprises] [cases]

Calls go through ``load_jurisdiction(...)`` as the simulator's do, so the times include the kernel's
read-only views and result validation. Prints the best of three runs per hook, in milliseconds.
"""

from __future__ import annotations

import datetime as dt
import sys
import time

import numpy as np

from credsup.core import CommitmentKind, Period, discover, load_jurisdiction
from credsup.core.samples import (
    random_applications,
    random_batch,
    random_decisions,
    random_objections,
    random_violations,
)


def best_ms(call, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return 1000 * min(times)


def main(n: int = 1_000_000, m: int = 100_000) -> None:
    today = dt.date(2026, 1, 1)
    rng = np.random.default_rng(2026)
    batch = random_batch(rng, n, today)
    v, d = random_violations(rng, batch, m, today), random_decisions(rng, m)
    apps, objs = random_applications(rng, batch, m, today), random_objections(rng, batch, m, today)
    month = Period.parse("2026-01")
    names = sorted(i.name for i in discover() if i.builtin)
    hooks = {
        "commitment_eligible": lambda j: j.commitment_eligible(batch, CommitmentKind.NOTIFICATION, today),
        "commitment_verification": lambda j: j.commitment_verification(batch, CommitmentKind.NOTIFICATION, today),
        "grade": lambda j: j.grade(batch, today),
        "demonstration": lambda j: j.demonstration(batch, today),
        "inspection_probability": lambda j: j.inspection_probability(batch, month),
        "complaint_intensity": lambda j: j.complaint_intensity(batch, today),
        "complaint_verification": lambda j: j.complaint_verification(batch, today),
        "tolerance": lambda j: j.tolerance(v, batch, today),
        "sanction": lambda j: j.sanction(v, d, batch, today),
        "repair": lambda j: j.repair(apps, batch, today),
        "objection": lambda j: j.objection(objs, batch, today),
    }
    print(f"{n:,} enterprises, {m:,} violations / applications / objections; best of 3, ms")
    print(f"{'hook':<26}" + "".join(f"{name:>13}" for name in names))
    loaded = {name: load_jurisdiction(name) for name in names}
    for hook, call in hooks.items():
        print(f"{hook:<26}" + "".join(f"{best_ms(lambda j=loaded[name]: call(j)):>13.1f}" for name in names))  # noqa: B023 (called at once)


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
