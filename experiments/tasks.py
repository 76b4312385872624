"""What one run of an experiment is, and how a worker executes it.

A :class:`RunTask` is small, picklable data; :func:`execute` runs it anywhere (this process, a local
worker process, a Dask worker): it loads the scenario and the jurisdiction by name inside the worker, so
plugins are found through their entry points there too, and it never raises: a failure comes back as an
:class:`Outcome` with the error text, to be stored with the experiment.
"""

from __future__ import annotations

import time
import traceback
from typing import TYPE_CHECKING, Any

import attrs

from credsup.core.errors import CredsupError
from credsup.experiments.seeds import run_seed, seed_key

if TYPE_CHECKING:
    from credsup.simulation.scenario import Scenario


@attrs.frozen
class RunTask:
    """One simulation: a jurisdiction on a scenario, at one sweep point and replication."""

    #: built-in name, path of the scenario file, or the loaded scenario itself (sent to workers that may
    #: not have the file, such as a Dask cluster's)
    scenario: str | Scenario
    jurisdiction: str
    seed: int  #: the experiment's seed (entropy); the run's own sequence comes from (point, replication)
    replication: int
    point: int = 0
    scenario_overrides: tuple[tuple[str, Any], ...] = ()
    jurisdiction_overrides: tuple[tuple[str, Any], ...] = ()
    jurisdiction_config: str | None = None
    #: the point whose random numbers the run uses: its own (None), or one shared by every point
    #: (a calibration evaluates every point on the streams of point 0: common random numbers)
    seed_point: int | None = None

    @property
    def key(self) -> tuple[int, str, int]:
        return (self.point, self.jurisdiction, self.replication)

    @property
    def stream_point(self) -> int:
        """The point whose random streams this run draws on (``seed_point`` if set, else its own)."""
        return self.point if self.seed_point is None else self.seed_point

    @property
    def seed_key(self) -> str:
        return seed_key(self.stream_point, self.replication)


@attrs.frozen
class Outcome:
    """What came back from a worker: the run's result as plain data, or why it failed."""

    task: RunTask
    result: dict[str, Any] | None
    error: str | None
    wall_seconds: float

    @property
    def ok(self) -> bool:
        return self.error is None


def execute(task: RunTask) -> Outcome:
    """Run one task; never raises for a user's or a plugin's mistake (the error text is returned)."""
    from credsup.simulation.runner import run_simulation

    t0 = time.perf_counter()
    try:
        result = run_simulation(
            task.scenario,
            task.jurisdiction,
            run_seed(task.seed, task.stream_point, task.replication),
            scenario_overrides=list(task.scenario_overrides),
            jurisdiction_overrides=list(task.jurisdiction_overrides),
            jurisdiction_config=task.jurisdiction_config,
        )
    except CredsupError as exc:
        return Outcome(task, None, str(exc), time.perf_counter() - t0)
    except Exception as exc:  # a bug, in credsup or a plugin: keep the traceback for the record
        tb = traceback.format_exc(limit=-3).strip().splitlines()
        return Outcome(
            task,
            None,
            f"internal error: {type(exc).__name__}: {exc} ({tb[-3].strip() if len(tb) > 2 else ''})",
            time.perf_counter() - t0,
        )
    data = result.to_dict()
    data.pop("perceived_costs", None)  # diagnostics of the behaviour model; not stored per run
    return Outcome(task, data, None, time.perf_counter() - t0)
