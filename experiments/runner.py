"""Running an experiment's tasks and storing each run as it finishes (one transaction per run).

Because every finished run is committed on its own, an experiment interrupted at any point (Ctrl-C, a
killed process) keeps exactly the runs that finished, and :func:`missing_tasks` tells what is left.
:func:`run_missing` runs what is missing of a stored experiment, whatever its kind (a new sweep, a
resumed sweep or comparison, and later calibrations): a run is never stored twice, and failed runs
are run again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import attrs
from sqlalchemy import Engine

from credsup.core.errors import InputError
from credsup.experiments.executors import Executor
from credsup.experiments.tasks import Outcome, RunTask
from credsup.results.store import (
    finish_experiment,
    process_alive,
    read_experiment,
    record_failure,
    record_run,
    reopen_experiment,
    stored_runs,
    this_process,
)

#: ``progress(done, total)``, called after each stored run (the command's progress bar or log lines).
ProgressCallback = Callable[[int, int], None]


def store_format(result: dict[str, Any]) -> dict[str, Any]:
    """A :class:`~credsup.simulation.runner.RunResult` dict as :func:`record_run` keyword arguments."""
    periods = []
    for t, row in enumerate(result["periods"]):
        label = row.get("period")
        start = dt.date.fromisoformat(f"{label}-01") if isinstance(label, str) and len(label) == 7 else None
        periods.append(
            {"period": t, "start": start, "metrics": {k: v for k, v in row.items() if k != "period" and _is_number(v)}}
        )
    by_grade = {g: {k: v for k, v in metrics.items() if _is_number(v)} for g, metrics in result["grades"].items()}
    summary = {k: v for k, v in result["summary"].items() if _is_number(v)}
    # per inspection source: ``<figure>.<source>`` in the run's metrics and, per grade held at the
    # inspection, in its grade's metrics (docs/metrics.md, "By source")
    for source, figures in (result.get("sources") or {}).items():
        for name, value in figures.items():
            if name != "grades" and _is_number(value):
                summary[f"{name}.{source}"] = value
        for g, grade_figures in (figures.get("grades") or {}).items():
            row = by_grade.setdefault(g, {})
            row.update({f"{name}.{source}": v for name, v in grade_figures.items() if _is_number(v)})
    return {"summary": summary, "periods": periods, "by_grade": by_grade}


def _is_number(v: Any) -> bool:
    return v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))


@attrs.define
class Tally:
    ok: int = 0
    failed: int = 0
    errors: list[str] = attrs.field(factory=list)


def store_outcome(engine: Engine, experiment_id: int, outcome: Outcome) -> None:
    task = outcome.task
    if outcome.ok:
        assert outcome.result is not None
        record_run(
            engine,
            experiment_id,
            jurisdiction=task.jurisdiction,
            replication=task.replication,
            point=task.point,
            seed_key=task.seed_key,
            wall_seconds=outcome.wall_seconds,
            **store_format(outcome.result),
        )
    else:
        record_failure(
            engine,
            experiment_id,
            jurisdiction=task.jurisdiction,
            replication=task.replication,
            point=task.point,
            seed_key=task.seed_key,
            error=outcome.error or "failed",
            wall_seconds=outcome.wall_seconds,
        )


def run_and_store(
    engine: Engine,
    experiment_id: int,
    tasks: Sequence[RunTask],
    executor: Executor,
    *,
    progress: ProgressCallback | bool | None = None,
    label: str = "runs",
) -> Tally:
    """Execute ``tasks`` and store each outcome as it arrives, calling ``progress(done, total)`` after
    each (the command line passes its progress reporter; ``None`` or ``False``: no progress)."""
    tally = Tally()
    report = progress if callable(progress) else None
    total = len(tasks)
    if report is not None:
        report(0, total)
    for outcome in executor.run(tasks):
        store_outcome(engine, experiment_id, outcome)
        if outcome.ok:
            tally.ok += 1
        else:
            tally.failed += 1
            t = outcome.task
            tally.errors.append(
                f"{t.jurisdiction} replication {t.replication}"
                + (f" point {t.point}" if t.point else "")
                + f": {outcome.error}"
            )
        if report is not None:
            report(tally.ok + tally.failed, total)
    return tally


def run_experiment(
    engine: Engine,
    experiment_id: int,
    tasks: Sequence[RunTask],
    executor: Executor,
    *,
    progress: ProgressCallback | bool | None = None,
    label: str = "runs",
    stored_ok: int = 0,
    earlier_seconds: float = 0.0,
) -> Tally:
    """:func:`run_and_store`, then mark the experiment ``finished`` (``failed`` when no run at all
    succeeded, counting the ``stored_ok`` runs of an earlier session) with its wall time.

    Ctrl-C marks it ``interrupted``, any other exception ``failed``, and re-raises; the runs finished so
    far stay stored either way.
    """
    t0 = time.perf_counter()

    def wall() -> float:
        return earlier_seconds + time.perf_counter() - t0

    with marked_if_stopped(engine, experiment_id, wall):
        tally = run_and_store(engine, experiment_id, tasks, executor, progress=progress, label=label)
    finish_experiment(
        engine,
        experiment_id,
        status="finished" if tally.ok + stored_ok else "failed",
        error=f"{tally.failed} run(s) failed" if tally.failed else None,
        wall_seconds=wall(),
    )
    return tally


@contextlib.contextmanager
def marked_if_stopped(engine: Engine, experiment_id: int, wall: Callable[[], float]) -> Iterator[None]:
    """Around an experiment's work: Ctrl-C marks the experiment ``interrupted``, any other exception
    ``failed`` with its type and message, each with the wall time ``wall()`` (seconds, earlier sessions
    included), and re-raises; what finished stays stored. Marking it ``finished`` is the caller's, after
    the block (only the caller knows whether enough succeeded)."""
    try:
        yield
    except KeyboardInterrupt:
        finish_experiment(
            engine, experiment_id, status="interrupted", error="interrupted by the user", wall_seconds=wall()
        )
        raise
    except BaseException as exc:
        finish_experiment(
            engine, experiment_id, status="failed", error=f"{type(exc).__name__}: {exc}", wall_seconds=wall()
        )
        raise


def missing_tasks(engine: Engine, experiment_id: int, tasks: Iterable[RunTask]) -> list[RunTask]:
    """The tasks whose run is not stored (successfully) yet."""
    done = stored_runs(engine, experiment_id)
    return [t for t in tasks if t.key not in done]


def refuse_if_running(record: dict[str, Any]) -> None:
    """Raise :class:`InputError` when the experiment is being run right now by another live process on
    this machine (two processes running the same experiment would only duplicate work)."""
    process = record["settings"].get("process")
    if record["status"] != "running" or not process_alive(process):
        return
    me = this_process()
    if (process["host"], process["pid"]) == (me["host"], me["pid"]):
        return
    raise InputError(
        f"experiment {record['id']} is still running (process {process['pid']} on {process['host']}): wait for "
        "it to finish, or stop that process first"
    )


def run_missing(
    engine: Engine,
    experiment_id: int,
    tasks: Sequence[RunTask],
    executor: Executor,
    *,
    progress: ProgressCallback | bool | None = None,
    label: str = "runs",
) -> Tally:
    """Run the ``tasks`` whose run is not stored yet (all of them for a new experiment; failed runs
    again), storing each as it finishes, and mark the experiment finished: the experiment is marked
    ``running`` by this process first, and its earlier wall time is kept."""
    record, _ = read_experiment(engine, experiment_id)
    refuse_if_running(record)
    todo = missing_tasks(engine, experiment_id, tasks)
    done = len(stored_runs(engine, experiment_id))
    reopen_experiment(engine, experiment_id)
    return run_experiment(
        engine,
        experiment_id,
        todo,
        executor,
        progress=progress,
        label=label,
        stored_ok=done,
        earlier_seconds=record["wall_seconds"] or 0.0,
    )
