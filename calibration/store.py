"""A calibration in the results database: its points and evaluations, and its runs read back as outcomes.

A calibration is an experiment of kind ``calibrate`` (``results/models.py``): its settings hold the targets,
the free parameters and the method's settings; each point it evaluates is a ``point`` row (the parameter
values) with an ``evaluation`` row (stage, the batch it was asked for in, distance and outcome means), and
each replication of it a ``run`` row with all its metrics, stored as it finishes (one transaction per run,
as every experiment's). Points and their evaluations are written together, in one transaction, before
their runs start.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from credsup.results.models import Evaluation, GradeMetric, Metric, Point, Run
from credsup.results.store import _guard, jsonable


def add_evaluations(
    engine: Engine,
    experiment_id: int,
    step: int,
    stage: str,
    points: Sequence[Mapping[str, Any]],
    about: Sequence[Mapping[str, Any]] | None = None,
) -> list[int]:
    """Store new points (their parameter values) and their evaluations, in one transaction; their indices."""
    with _guard(engine, "store calibration points"), Session(engine) as s, s.begin():
        last = s.scalar(select(func.max(Point.index)).where(Point.experiment_id == experiment_id))
        first = 0 if last is None else int(last) + 1
        indices = list(range(first, first + len(points)))
        for i, (index, params) in enumerate(zip(indices, points)):
            s.add(Point(experiment_id=experiment_id, index=index, parameters=jsonable(dict(params))))
            s.add(
                Evaluation(
                    experiment_id=experiment_id,
                    point=index,
                    step=step,
                    stage=stage,
                    about=jsonable(dict(about[i])) if about else {},
                )
            )
        return indices


def set_results(engine: Engine, experiment_id: int, results: Mapping[int, tuple[float | None, dict[str, Any]]]) -> None:
    """Store each point's distance and outcome summary (``{point: (distance, outcomes)}``)."""
    with _guard(engine, "store calibration results"), Session(engine) as s, s.begin():
        for point, (distance, outcomes) in results.items():
            s.execute(
                update(Evaluation)
                .where(Evaluation.experiment_id == experiment_id, Evaluation.point == point)
                .values(distance=distance, outcomes=jsonable(outcomes))
            )


def evaluations(engine: Engine, experiment_id: int) -> list[dict[str, Any]]:
    """Every evaluation with its point's parameters, in point order."""
    with _guard(engine, "read calibration points"), Session(engine) as s:
        params: dict[int, dict[str, Any]] = dict(
            s.execute(select(Point.index, Point.parameters).where(Point.experiment_id == experiment_id)).all()
        )
        rows = s.scalars(
            select(Evaluation).where(Evaluation.experiment_id == experiment_id).order_by(Evaluation.point)
        ).all()
        return [
            {
                "point": e.point,
                "step": e.step,
                "stage": e.stage,
                "about": e.about,
                "distance": e.distance,
                "outcomes": e.outcomes,
                "parameters": params.get(e.point, {}),
            }
            for e in rows
        ]


def run_results(
    engine: Engine, experiment_id: int, points: Sequence[int], summary: Sequence[str], by_grade: Sequence[str]
) -> dict[tuple[int, int], dict[str, Any]]:
    """The stored successful runs of ``points``, each as ``{"summary": {...}, "grades": {G: {...}}}``
    (the shape of ``RunResult.to_dict()``, ``None`` for an undefined value), keyed by (point, replication).
    Only the named run metrics and per-grade metrics are read."""
    out: dict[tuple[int, int], dict[str, Any]] = {}
    if not points:
        return out
    with _guard(engine, "read calibration runs"), Session(engine) as s:
        runs = s.execute(
            select(Run.id, Run.point, Run.replication).where(
                Run.experiment_id == experiment_id, Run.status == "ok", Run.point.in_(list(points))
            )
        ).all()
        key = {rid: (p, r) for rid, p, r in runs}
        for k in key.values():
            out[k] = {"summary": {}, "grades": defaultdict(dict)}
        ids = list(key)
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            for rid, name, value in s.execute(
                select(Metric.run_id, Metric.name, Metric.value).where(
                    Metric.run_id.in_(part), Metric.name.in_(summary)
                )
            ):
                out[key[rid]]["summary"][name] = value
            for rid, grade, name, value in s.execute(
                select(GradeMetric.run_id, GradeMetric.grade, GradeMetric.name, GradeMetric.value).where(
                    GradeMetric.run_id.in_(part), GradeMetric.name.in_(by_grade)
                )
            ):
                out[key[rid]]["grades"][grade][name] = value
    return out


def failed_runs(engine: Engine, experiment_id: int, points: Sequence[int]) -> list[dict[str, Any]]:
    """The failed runs of ``points`` (point, replication, error)."""
    with Session(engine) as s:
        rows = s.execute(
            select(Run.point, Run.replication, Run.error).where(
                Run.experiment_id == experiment_id, Run.status == "failed", Run.point.in_(list(points))
            )
        ).all()
    return [{"point": p, "replication": r, "error": e} for p, r, e in rows]


__all__ = ["add_evaluations", "evaluations", "failed_runs", "run_results", "set_results"]
