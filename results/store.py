"""Writing and reading experiments: each run with all its metrics in one transaction.

Writers: :func:`create_experiment`, :func:`record_run`, :func:`record_failure`, :func:`finish_experiment`.
Readers: :func:`list_experiments`, :func:`load_experiment` (everything needed to rebuild the table, the
plots and the report from the database alone), :func:`read_experiment` and :func:`stored_runs` (for
resuming an experiment, with :func:`reopen_experiment`).

An experiment records which process runs it (``settings["process"]``: host, pid and the process's start
time). Readers show a ``running`` experiment whose process is gone as ``interrupted`` (:func:`live_status`),
and every reader can say how many of the planned runs an experiment holds (:class:`Completeness`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import socket
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from sqlalchemy import Engine, delete, func, insert, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from credsup.results.errors import DatabaseError
from credsup.results.models import Experiment, GradeMetric, Metric, PeriodMetric, Point, Run, utcnow
from credsup.results.urls import display_url, scrub

GRADE_LABELS = ("A", "B", "C", "D", "ungraded")


def _clean(value: Any) -> float | None:
    """Metric value for the database: NaN and infinities are stored as NULL (undefined)."""
    if value is None:
        return None
    v = float(value)
    return v if math.isfinite(v) else None


def this_process() -> dict[str, Any]:
    """Who runs an experiment: this host, this process id and its start time (seconds since the epoch,
    which tells this process from a later one that reuses its id)."""
    import psutil

    return {"host": socket.gethostname(), "pid": os.getpid(), "started": psutil.Process().create_time()}


def process_alive(process: Mapping[str, Any] | None) -> bool | None:
    """Whether the process recorded by :func:`this_process` still runs: None when that cannot be told
    (no record, or another host)."""
    import psutil

    if not process or process.get("host") != socket.gethostname():
        return None
    try:
        proc = psutil.Process(int(process["pid"]))
        if proc.status() == psutil.STATUS_ZOMBIE:
            return False
        return abs(proc.create_time() - float(process["started"])) < 1.0
    except psutil.NoSuchProcess:
        return False
    except (psutil.AccessDenied, KeyError, TypeError, ValueError):
        return None


def live_status(status: str, error: str | None, settings: Mapping[str, Any]) -> tuple[str, str | None]:
    """An experiment's status and error as stored, except that a ``running`` experiment whose process
    ended without marking it (``kill -9``, a crash, a lost machine) is ``interrupted``."""
    if status != "running":
        return status, error
    process = settings.get("process") if isinstance(settings, Mapping) else None
    if process_alive(process) is False:
        assert process is not None
        return "interrupted", f"its process (pid {process['pid']} on {process['host']}) ended without finishing it"
    return status, error


@attrs.frozen
class Completeness:
    """How many of an experiment's planned runs it holds: ``planned`` = points x jurisdictions x
    replications; ``stored`` runs finished (status ok), ``failed`` are stored with their error."""

    stored: int
    failed: int
    planned: int

    @property
    def missing(self) -> int:
        return max(self.planned - self.stored, 0)

    @property
    def complete(self) -> bool:
        return self.stored >= self.planned

    def __str__(self) -> str:
        return f"{self.stored} of {self.planned} runs"

    def as_dict(self) -> dict[str, Any]:
        return {"stored": self.stored, "failed": self.failed, "planned": self.planned, "complete": self.complete}


@contextlib.contextmanager
def _guard(engine: Engine, what: str) -> Iterator[None]:
    """Turn a database failure into one DatabaseError naming the (password-hidden) URL."""
    try:
        yield
    except IntegrityError:
        raise
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()
        raise DatabaseError(
            f"cannot {what} in {display_url(engine.url)}: "
            + (scrub(reason[0], engine.url) if reason else type(exc).__name__)
        ) from exc


def create_experiment(
    engine: Engine,
    *,
    kind: str,
    command: str,
    scenario: str,
    scenario_config: Mapping[str, Any],
    jurisdictions: Sequence[Mapping[str, Any]],
    seed: int | str,
    replications: int,
    settings: Mapping[str, Any] | None = None,
    name: str = "",
    points: Sequence[Mapping[str, Any]] = ({},),
    credsup_version: str = "",
) -> int:
    """Store a new experiment (status ``running``, run by this process) with its sweep points; return its id."""
    if not credsup_version:
        from credsup import __version__ as credsup_version
    with _guard(engine, "create the experiment"), Session(engine) as s, s.begin():
        exp = Experiment(
            kind=kind,
            name=name,
            command=command,
            scenario=scenario,
            scenario_config=jsonable(scenario_config),
            jurisdictions=jsonable(list(jurisdictions)),
            settings=jsonable({**dict(settings or {}), "process": this_process()}),
            seed=str(seed),
            replications=replications,
            status="running",
            credsup_version=credsup_version,
        )
        exp.points = [Point(index=i, parameters=jsonable(dict(p))) for i, p in enumerate(points)]
        s.add(exp)
        s.flush()
        return exp.id


def record_run(
    engine: Engine,
    experiment_id: int,
    *,
    jurisdiction: str,
    replication: int,
    seed_key: str,
    summary: Mapping[str, Any],
    periods: Sequence[Mapping[str, Any]] = (),
    by_grade: Mapping[str, Mapping[str, Any]] | None = None,
    point: int = 0,
    wall_seconds: float | None = None,
) -> int:
    """Store one finished run and all its metrics in a single transaction; return the run id.

    ``periods`` is a list of ``{"period": i, "start": date-or-iso, "metrics": {name: value}}``;
    ``by_grade`` maps "A".."D"/"ungraded" to ``{name: value}``. If anything fails, nothing is kept.
    A run already stored for (experiment, point, jurisdiction, replication) is replaced only if it failed.
    """
    with _guard(engine, "store a run"), Session(engine) as s, s.begin():
        existing = s.scalar(
            select(Run).where(
                Run.experiment_id == experiment_id,
                Run.point == point,
                Run.jurisdiction == jurisdiction,
                Run.replication == replication,
            )
        )
        if existing is not None:
            if existing.status == "ok":
                return existing.id
            s.delete(existing)
            s.flush()
        run = Run(
            experiment_id=experiment_id,
            point=point,
            jurisdiction=jurisdiction,
            replication=replication,
            seed_key=seed_key,
            status="ok",
            wall_seconds=wall_seconds,
        )
        s.add(run)
        s.flush()
        rows = [{"run_id": run.id, "name": k, "value": _clean(v)} for k, v in summary.items()]
        if rows:
            s.execute(insert(Metric), rows)
        prow = []
        for p in periods:
            start = p.get("start")
            start = dt.date.fromisoformat(start) if isinstance(start, str) else start
            for k, v in p["metrics"].items():
                prow.append(
                    {"run_id": run.id, "period": int(p["period"]), "start": start, "name": k, "value": _clean(v)}
                )
        if prow:
            s.execute(insert(PeriodMetric), prow)
        grow = [
            {"run_id": run.id, "grade": g, "name": k, "value": _clean(v)}
            for g, metrics in (by_grade or {}).items()
            for k, v in metrics.items()
        ]
        if grow:
            s.execute(insert(GradeMetric), grow)
        return run.id


def record_failure(
    engine: Engine,
    experiment_id: int,
    *,
    jurisdiction: str,
    replication: int,
    seed_key: str,
    error: str,
    point: int = 0,
    wall_seconds: float | None = None,
) -> int:
    """Store that a run failed and why (no metrics)."""
    with _guard(engine, "store a failed run"), Session(engine) as s, s.begin():
        existing = s.scalar(
            select(Run).where(
                Run.experiment_id == experiment_id,
                Run.point == point,
                Run.jurisdiction == jurisdiction,
                Run.replication == replication,
            )
        )
        if existing is not None:
            s.delete(existing)
            s.flush()
        run = Run(
            experiment_id=experiment_id,
            point=point,
            jurisdiction=jurisdiction,
            replication=replication,
            seed_key=seed_key,
            status="failed",
            error=error,
            wall_seconds=wall_seconds,
        )
        s.add(run)
        s.flush()
        return run.id


def finish_experiment(
    engine: Engine, experiment_id: int, *, status: str, error: str | None = None, wall_seconds: float | None = None
) -> None:
    """Mark an experiment finished, failed or interrupted."""
    with _guard(engine, "update the experiment"), Session(engine) as s, s.begin():
        exp = s.get(Experiment, experiment_id)
        if exp is None:
            raise DatabaseError(f"no experiment {experiment_id}")
        exp.status = status
        exp.error = error
        exp.finished_at = utcnow()
        exp.wall_seconds = wall_seconds


def delete_experiment(engine: Engine, experiment_id: int) -> None:
    with _guard(engine, "delete the experiment"), Session(engine) as s, s.begin():
        s.execute(delete(Experiment).where(Experiment.id == experiment_id))


def stored_runs(engine: Engine, experiment_id: int) -> set[tuple[int, str, int]]:
    """(point, jurisdiction, replication) of every run stored with status ok."""
    with Session(engine) as s:
        rows = s.execute(
            select(Run.point, Run.jurisdiction, Run.replication).where(
                Run.experiment_id == experiment_id, Run.status == "ok"
            )
        ).all()
    return {(p, j, r) for p, j, r in rows}


def list_experiments(engine: Engine) -> list[dict[str, Any]]:
    """One summary dict per experiment, newest first: ``runs`` (finished), ``failed_runs`` and
    ``planned_runs``; ``status`` as :func:`live_status` gives it."""
    with _guard(engine, "list experiments"), Session(engine) as s:
        points = dict(s.execute(select(Point.experiment_id, func.count()).group_by(Point.experiment_id)).all())
        counts = dict(
            s.execute(
                select(Run.experiment_id, func.count()).where(Run.status == "ok").group_by(Run.experiment_id)
            ).all()
        )
        failed = dict(
            s.execute(
                select(Run.experiment_id, func.count()).where(Run.status == "failed").group_by(Run.experiment_id)
            ).all()
        )
        out = []
        for exp in s.scalars(select(Experiment).order_by(Experiment.id.desc())):
            status, error = live_status(exp.status, exp.error, exp.settings)
            out.append(
                {
                    "id": exp.id,
                    "kind": exp.kind,
                    "name": exp.name,
                    "scenario": exp.scenario,
                    "jurisdictions": [j["name"] for j in exp.jurisdictions],
                    "replications": exp.replications,
                    "seed": seed_value(exp.seed),
                    "status": status,
                    "error": error,
                    "runs": counts.get(exp.id, 0),
                    "failed_runs": failed.get(exp.id, 0),
                    "planned_runs": max(points.get(exp.id, 0), 1) * len(exp.jurisdictions) * exp.replications,
                    "created_at": exp.created_at.isoformat(timespec="seconds"),
                    "wall_seconds": exp.wall_seconds,
                }
            )
        return out


@attrs.frozen
class ExperimentResults:
    """An experiment read back: its record, its runs, and metric arrays grouped for statistics.

    ``summary[(point, jurisdiction)][metric]`` is a float array over replications (NaN = undefined), in
    replication order; ``periods[(point, jurisdiction)][metric]`` a 2-d array (replication, period);
    ``by_grade[(point, jurisdiction)][grade][metric]`` an array over replications.
    """

    experiment: dict[str, Any]
    runs: list[dict[str, Any]]
    points: list[dict[str, Any]]
    summary: dict[tuple[int, str], dict[str, np.ndarray]]
    periods: dict[tuple[int, str], dict[str, np.ndarray]]
    period_starts: list[str]
    by_grade: dict[tuple[int, str], dict[str, dict[str, np.ndarray]]]
    replications: dict[tuple[int, str], list[int]]

    @property
    def jurisdictions(self) -> list[str]:
        return [j["name"] for j in self.experiment["jurisdictions"]]

    @property
    def completeness(self) -> Completeness:
        """How many of the planned runs (points x jurisdictions x replications) this experiment holds."""
        planned = max(len(self.points), 1) * len(self.experiment["jurisdictions"]) * self.experiment["replications"]
        stored = sum(1 for r in self.runs if r["status"] == "ok")
        return Completeness(stored=stored, failed=len(self.runs) - stored, planned=planned)

    @property
    def metric_names(self) -> list[str]:
        """Every name stored in the runs' ``metric`` rows: run metrics and per-source figures."""
        names: list[str] = []
        for metrics in self.summary.values():
            names.extend(m for m in metrics if m not in names)
        return names

    @property
    def run_metric_names(self) -> list[str]:
        """The stored run metrics (``hit_rate`` ...), without the per-source figures (``hit_rate.spot``)."""
        return [m for m in self.metric_names if "." not in m]


def seed_value(text: str) -> int | str:
    """A stored seed as the integer it is (the column is text: a seed may exceed 64 bits), so that every
    output writes a seed the same way, as the number ``--seed`` takes."""
    return int(text) if text.isdigit() else text


def _experiment_dict(exp: Experiment) -> dict[str, Any]:
    """The experiment's columns (the seed as an integer), its status and error as :func:`live_status`
    gives them."""
    record = {c.name: getattr(exp, c.name) for c in Experiment.__table__.columns}
    record["seed"] = seed_value(record["seed"])
    record["status"], record["error"] = live_status(exp.status, exp.error, exp.settings)
    return record


def _get_experiment(s: Session, engine: Engine, experiment_id: int) -> Experiment:
    # an id beyond the 64-bit key column is no experiment (the driver cannot even send it)
    exp = s.get(Experiment, experiment_id) if 0 < experiment_id < 2**63 else None
    if exp is None:
        known = s.scalars(select(Experiment.id).order_by(Experiment.id)).all()
        hint = f"; stored: {', '.join(map(str, known[-10:]))}" if known else "; the database is empty"
        raise DatabaseError(f"no experiment {experiment_id} in {display_url(engine.url)}{hint}")
    return exp


def read_experiment(engine: Engine, experiment_id: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """An experiment's record and its points, without runs or metrics (for resuming it)."""
    with _guard(engine, "read the experiment"), Session(engine) as s:
        exp = _get_experiment(s, engine, experiment_id)
        return _experiment_dict(exp), [{"index": p.index, "parameters": p.parameters} for p in exp.points]


def reopen_experiment(engine: Engine, experiment_id: int) -> None:
    """Mark an experiment ``running`` again, by this process (a resumed experiment); its stored runs stay
    as they are."""
    with _guard(engine, "update the experiment"), Session(engine) as s, s.begin():
        exp = _get_experiment(s, engine, experiment_id)
        exp.status, exp.error, exp.finished_at = "running", None, None
        exp.settings = {**exp.settings, "process": this_process()}  # a new dict: JSON columns track assignment


def load_experiment(engine: Engine, experiment_id: int) -> ExperimentResults:
    """Everything stored about an experiment; raises DatabaseError when it does not exist."""
    with _guard(engine, "read the experiment"), Session(engine) as s:
        exp = _get_experiment(s, engine, experiment_id)
        record = _experiment_dict(exp)
        runs = [{c.name: getattr(r, c.name) for c in Run.__table__.columns} for r in exp.runs]
        points = [{"index": p.index, "parameters": p.parameters} for p in exp.points]
        ok = {r["id"]: r for r in runs if r["status"] == "ok"}
        order = sorted(ok.values(), key=lambda r: (r["point"], r["jurisdiction"], r["replication"]))
        index: dict[int, tuple[tuple[int, str], int]] = {}
        reps: dict[tuple[int, str], list[int]] = defaultdict(list)
        for r in order:
            key = (r["point"], r["jurisdiction"])
            index[r["id"]] = (key, len(reps[key]))
            reps[key].append(r["replication"])
        summary: dict[tuple[int, str], dict[str, np.ndarray]] = defaultdict(dict)
        for run_id, name, value in s.execute(
            select(Metric.run_id, Metric.name, Metric.value).join(Run).where(Run.experiment_id == experiment_id)
        ):
            if run_id not in index:
                continue
            key, i = index[run_id]
            arr = summary[key].setdefault(name, np.full(len(reps[key]), np.nan))
            arr[i] = np.nan if value is None else value
        periods: dict[tuple[int, str], dict[str, np.ndarray]] = defaultdict(dict)
        starts: dict[int, str] = {}
        prows = s.execute(
            select(PeriodMetric.run_id, PeriodMetric.period, PeriodMetric.start, PeriodMetric.name, PeriodMetric.value)
            .join(Run)
            .where(Run.experiment_id == experiment_id)
        ).all()
        n_periods = 1 + max((p for _, p, *_ in prows), default=-1)
        for run_id, period, start, name, value in prows:
            if run_id not in index:
                continue
            key, i = index[run_id]
            arr = periods[key].setdefault(name, np.full((len(reps[key]), n_periods), np.nan))
            arr[i, period] = np.nan if value is None else value
            if start is not None:
                starts[period] = start.isoformat()
        by_grade: dict[tuple[int, str], dict[str, dict[str, np.ndarray]]] = defaultdict(lambda: defaultdict(dict))
        for run_id, grade, name, value in s.execute(
            select(GradeMetric.run_id, GradeMetric.grade, GradeMetric.name, GradeMetric.value)
            .join(Run)
            .where(Run.experiment_id == experiment_id)
        ):
            if run_id not in index:
                continue
            key, i = index[run_id]
            arr = by_grade[key][grade].setdefault(name, np.full(len(reps[key]), np.nan))
            arr[i] = np.nan if value is None else value
    return ExperimentResults(
        experiment=record,
        runs=runs,
        points=points,
        summary=dict(summary),
        periods=dict(periods),
        period_starts=[starts.get(i, "") for i in range(n_periods)],
        by_grade={k: {g: dict(m) for g, m in v.items()} for k, v in by_grade.items()},
        replications=dict(reps),
    )


def jsonable(value: Any) -> Any:
    """Plain JSON types only (dates as ISO strings, tuples as lists, numpy scalars as numbers)."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if attrs.has(type(value)):
        return jsonable(attrs.asdict(value, recurse=False))
    return value
