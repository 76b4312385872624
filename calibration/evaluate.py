"""Evaluating parameter points: K points x R replications in one call, on any executor, every run stored.

:meth:`Evaluator.evaluate` takes the points a step of the search asks for and returns, for each, the
target outcomes of each replication (an (R, m) array). It hands all K x R runs to the executor at once
(local worker processes or a Dask cluster, as a sweep does; the executor plays them in batches,
:mod:`credsup.experiments.batching`: a point's replications together, and points that differ only in
scenario parameters together), stores each run as it finishes, and reads the outcomes back from the database,
so a calibration computes with exactly the numbers it stored.

Every point uses the same random streams for replication r (``SeedSequence(seed, spawn_key=(0, r))``):
common random numbers, so that two points differ by their parameters, not their luck, and the distance
to the targets is a smooth function of the parameters for the search to follow.

Resuming: the search is deterministic given the outcomes, so a resumed calibration asks for the same
points in the same order. The evaluator replays the stored steps (checking that each asks for exactly
the stored points), runs only the runs not stored yet, and carries on where the calibration stopped.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from sqlalchemy import Engine

from credsup.calibration import store
from credsup.calibration.outcomes import outcome_values, run_columns
from credsup.core.errors import CredsupError
from credsup.experiments.executors import Executor
from credsup.experiments.runner import store_outcome
from credsup.experiments.tasks import RunTask
from credsup.results.store import jsonable, stored_runs

#: A run lost with its worker (``kill -9``, the out-of-memory killer) is run again this many times before
#: the calibration stops; a run that fails for any other reason (a plugin error) stops it at once.
LOST_RETRIES = 2

Overrides = tuple[tuple[str, Any], ...]


class CalibrationRunError(CredsupError):
    """A run of a calibration failed; the calibration stops (``--resume`` goes on after the fix)."""


class ResumeMismatch(CredsupError):
    """A resumed calibration asks for other points than the stored ones: its inputs or credsup changed."""


@attrs.define
class Evaluator:
    """Evaluates points of a stored calibration (see the module docstring)."""

    engine: Engine
    experiment_id: int
    executor: Executor
    scenario: Any  #: what each task carries (a built-in scenario's name, or the loaded scenario)
    jurisdiction: str
    seed: int
    replications: int
    outcomes: tuple[str, ...]
    overrides: Callable[[Mapping[str, Any]], tuple[Overrides, Overrides]]
    say: Callable[[str], None] = lambda _text: None
    stored: list[dict[str, Any]] = attrs.field(factory=list)  #: evaluations found when resuming
    step: int = 0
    runs_done: int = 0
    points: dict[int, dict[str, Any]] = attrs.field(factory=dict)  #: index -> parameters, all so far

    def evaluate(
        self, points: Sequence[Mapping[str, Any]], stage: str, about: Sequence[Mapping[str, Any]] | None = None
    ) -> list[tuple[int, np.ndarray]]:
        """``[(point index, (R, m) outcomes), ...]`` for ``points`` (parameter values by key)."""
        self.step += 1
        indices = self._replay(points, stage)
        if indices is None:
            indices = store.add_evaluations(self.engine, self.experiment_id, self.step, stage, points, about)
        for i, p in zip(indices, points):
            self.points[i] = dict(p)
        tasks = [self._task(i, points[k], r) for k, i in enumerate(indices) for r in range(self.replications)]
        self._run(tasks)
        found = store.run_results(self.engine, self.experiment_id, indices, *run_columns())
        out = []
        for i in indices:
            rows = [outcome_values(found[(i, r)]) for r in range(self.replications)]
            out.append((i, np.array([[row[k] for k in self.outcomes] for row in rows], dtype=np.float64)))
        return out

    def _replay(self, points: Sequence[Mapping[str, Any]], stage: str) -> list[int] | None:
        """The stored points of this step when resuming (checked against what is asked now), else None."""
        mine = [e for e in self.stored if e["step"] == self.step]
        if not mine:
            return None
        asked = jsonable([dict(p) for p in points])
        if [e["parameters"] for e in mine] != asked or any(e["stage"] != stage for e in mine):
            raise ResumeMismatch(
                f"experiment {self.experiment_id} cannot be resumed: at step {self.step} it evaluated "
                f"{len(mine)} other point(s) than this calibration asks for now (its inputs, or the installed "
                "credsup, changed); its runs stay stored, and a new calibration starts afresh"
            )
        return [e["point"] for e in mine]

    def _task(self, point: int, params: Mapping[str, Any], replication: int) -> RunTask:
        scenario_overrides, jurisdiction_overrides = self.overrides(params)
        return RunTask(
            scenario=self.scenario,
            jurisdiction=self.jurisdiction,
            seed=self.seed,
            replication=replication,
            point=point,
            scenario_overrides=scenario_overrides,
            jurisdiction_overrides=jurisdiction_overrides,
            seed_point=0,
        )

    def _run(self, tasks: list[RunTask]) -> None:
        """Run the tasks not stored yet; a run lost with its worker is run again (LOST_RETRIES times)."""
        for attempt in range(LOST_RETRIES + 1):
            done = stored_runs(self.engine, self.experiment_id)
            todo = [t for t in tasks if t.key not in done]
            if not todo:
                return
            lost = []
            for outcome in self.executor.run(todo):
                store_outcome(self.engine, self.experiment_id, outcome)
                if outcome.ok:
                    self.runs_done += 1
                    continue
                t = outcome.task
                error = outcome.error or "failed"
                if not error.startswith("lost"):
                    raise CalibrationRunError(
                        f"calibration {self.experiment_id}: the run of point {t.point}, replication "
                        f"{t.replication} failed: {error}"
                    )
                lost.append(error)
            if lost and attempt < LOST_RETRIES:
                print(f"{len(lost)} run(s) lost with their worker; running them again", file=sys.stderr)
        done = stored_runs(self.engine, self.experiment_id)
        if all(t.key in done for t in tasks):
            return
        raise CalibrationRunError(
            f"calibration {self.experiment_id}: runs kept being lost with their worker process "
            f"({LOST_RETRIES + 1} attempts); resume it with --resume {self.experiment_id}"
        )


__all__ = ["CalibrationRunError", "Evaluator", "ResumeMismatch"]
