"""Kill tests: ``kill -9`` of the main process or of a worker, at random moments, for compare, sweep and
calibrate.

Each trial runs the real command line in a process of its own with two local workers, waits until a
random number of runs is stored (plus a random fraction of a run), and kills with SIGKILL:

* the main process: nothing can mark the experiment, yet ``results list`` shows it interrupted with
  "N/M" runs, its workers end, and ``--resume`` completes it;
* one worker: the command goes on, stores the runs of the batch that worker held as failed with the
  reason (or loses nothing if the worker was between batches), and finishes; ``--resume`` runs them again.

After each trial: no run lost, none stored twice, every run ok, and every number (summary, per period,
per grade) identical to an uninterrupted run of the same command. ``CREDSUP_KILL_TRIALS`` sets the
trials per test (default 1 on each backend: each command's main process and a worker are killed twice);
``docs/reliability.md`` gives the figures of a longer series. The figures of each trial are printed (``pytest -s``).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credsup.cli.main import cli
from credsup.experiments.compare import prepare as prepare_compare
from credsup.experiments.compare import run_compare
from credsup.experiments.executors import InlineExecutor
from credsup.experiments.sweep import prepare as prepare_sweep
from credsup.experiments.sweep import run as run_sweep
from credsup.experiments.sweep import start as start_sweep
from credsup.results.db import open_database
from credsup.results.models import Run
from credsup.results.store import ExperimentResults, load_experiment

from .test_sweep_run import count_runs, same_numbers, write_spec

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="kill -9 and process trees are POSIX")

#: A small comparison: 2 jurisdictions x 6 replications = 12 runs of a fraction of a second each (no warm-up:
#: what is tested is that every run is stored once with the numbers of an uninterrupted command).
COMPARE_SET = ("scenario.population.enterprises=1500", "scenario.months=12", "scenario.warmup_months=0")
COMPARE_ARGS = ["-j", "national", "-j", "shanghai", "-r", "6", "--seed", "5"]
COMPARE_RUNS = 12
#: A small sweep: 3 points x 1 jurisdiction x 4 replications = 12 runs.
SWEEP_RUNS = 12
#: Runs in the batch a worker plays (experiments/batching.py, two workers): the comparison's 4 batches of
#: 3 replications (its jurisdictions differ, so they never share a batch); the sweep's 2 batches of 6 (its
#: three points differ only in a scenario parameter, so its 12 runs are one group, cut in two for two workers).
BATCH_RUNS = {"compare": 3, "sweep": 6}
#: Kill once at most this many runs are stored; runs are stored a batch at a time, so a later kill could
#: find the command already finished (or both workers done).
LAST_KILL_AT = {"compare": 6, "sweep": 6}


def trials(db_url: str) -> int:
    """One trial per test and backend by default (each command's main process and a worker are killed twice,
    once on each backend); ``CREDSUP_KILL_TRIALS`` runs longer series (docs/reliability.md)."""
    return int(os.environ.get("CREDSUP_KILL_TRIALS", 1))


def sweep_spec(folder: Path) -> Path:
    return write_spec(
        folder / "kill.toml",
        enterprises=1500,
        months=12,
        replications=4,
        jurisdictions='["national"]',
        parameters='"scenario.regulator.inspectors" = [1, 3, 6]',
    )


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ExperimentResults]:
    """The uninterrupted runs, in this process, one after the other."""
    folder = tmp_path_factory.mktemp("reference")
    engine = open_database(str(folder / "reference.db"))
    prepared = prepare_compare("demo", ["national", "shanghai"], replications=6, seed=5, set_texts=COMPARE_SET)
    compare_id, _ = run_compare(engine, prepared, progress=False)
    sweep = prepare_sweep(str(sweep_spec(folder)))
    sweep_id = start_sweep(engine, sweep, InlineExecutor())
    run_sweep(engine, sweep_id, sweep, InlineExecutor(), progress=False)
    return {"compare": load_experiment(engine, compare_id), "sweep": load_experiment(engine, sweep_id)}


def workers_of(pid: int) -> list[psutil.Process]:
    """The worker processes of a credsup command (not multiprocessing's resource tracker)."""
    try:
        children = psutil.Process(pid).children()
    except psutil.NoSuchProcess:
        return []
    out = []
    for child in children:
        try:
            if "spawn_main" in " ".join(child.cmdline()):
                out.append(child)
        except psutil.NoSuchProcess:
            pass
    return out


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def wait_for_runs(db: str, n: int, proc: subprocess.Popen) -> None:
    """Until ``n`` runs are stored (or the command ended)."""
    wait_until(lambda: count_runs(db) >= n or proc.poll() is not None, 180, f"{n} stored runs")


def wait_gone(pids: list[int]) -> None:
    wait_until(lambda: not [p for p in pids if _alive(p)], 30, "orphan workers to end")


def command(kind: str, db: str, folder: Path) -> list[str]:
    base = [sys.executable, "-m", "credsup.cli.main"]
    if kind == "compare":
        return [*base, "compare", *COMPARE_ARGS, *(a for s in COMPARE_SET for a in ("--set", s)), "--db", db, "-w", "2"]
    return [*base, "sweep", str(sweep_spec(folder)), "--db", db, "--workers", "2"]


def resume(kind: str, db: str, folder: Path):  # type: ignore[no-untyped-def]
    args = ["compare", "--resume", "1"] if kind == "compare" else ["sweep", str(sweep_spec(folder)), "--resume", "1"]
    return CliRunner().invoke(cli, [*args, "--db", db, "--json"])


def check_complete(db: str, kind: str, reference: ExperimentResults) -> None:
    """Every planned run stored exactly once, ok, with the numbers of the uninterrupted run."""
    engine = open_database(db)
    with Session(engine) as s:
        per_key = s.execute(
            select(Run.point, Run.jurisdiction, Run.replication, func.count()).group_by(
                Run.point, Run.jurisdiction, Run.replication
            )
        ).all()
    planned = COMPARE_RUNS if kind == "compare" else SWEEP_RUNS
    assert len(per_key) == planned, f"{planned - len(per_key)} run(s) lost"
    assert all(n == 1 for *_, n in per_key), "a run stored twice"
    results = load_experiment(engine, 1)
    assert all(r["status"] == "ok" for r in results.runs)
    assert results.experiment["status"] == "finished" and results.completeness.complete
    same_numbers(results, reference)
    engine.dispose()


def report(figures: dict) -> None:
    print("kill-trial " + json.dumps(figures, sort_keys=True))


@pytest.mark.parametrize("kind", ["compare", "sweep"])
def test_kill_9_of_the_main_process_loses_nothing_after_resume(kind, db_url, tmp_path, reference) -> None:
    rng = random.Random(f"main-{kind}")
    for trial in range(trials(db_url)):
        folder = tmp_path / f"trial{trial}"
        folder.mkdir()
        db = db_url
        if db_url.startswith("sqlite"):
            db = f"sqlite:///{folder / 'k.db'}"
        elif trial > 0:  # one PostgreSQL database per test: later trials start from an empty schema
            _clear(db)
        at = min(rng.randint(1, 9), LAST_KILL_AT[kind])
        proc = subprocess.Popen(command(kind, db, folder), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            wait_for_runs(db, at, proc)
            time.sleep(rng.uniform(0.0, 0.3))  # a random moment within the next runs
            workers = [w.pid for w in workers_of(proc.pid)]
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
        assert proc.returncode == -signal.SIGKILL, "the command ended before it was killed"
        killed_with = count_runs(db)
        planned = COMPARE_RUNS if kind == "compare" else SWEEP_RUNS
        # the workers notice that their parent is gone and end
        wait_gone(workers)
        listed = CliRunner().invoke(cli, ["results", "list", "--db", db, "--json"])
        (row,) = json.loads(listed.stdout)
        assert row["status"] == "interrupted" and row["planned_runs"] == planned
        shown = CliRunner().invoke(cli, ["results", "show", "1", "--db", db])
        if killed_with < planned:
            assert f"Incomplete: {row['runs']} of {planned} runs stored" in shown.stdout
        result = resume(kind, db, folder)
        assert result.exit_code == 0, result.output
        check_complete(db, kind, reference[kind])
        report({"test": f"{kind}-main", "trial": trial, "stored_when_killed": killed_with, "planned": planned})


@pytest.mark.parametrize("kind", ["compare", "sweep"])
def test_kill_9_of_a_worker_costs_at_most_its_batch(kind, db_url, tmp_path, reference) -> None:
    rng = random.Random(f"worker-{kind}")
    for trial in range(trials(db_url)):
        folder = tmp_path / f"trial{trial}"
        folder.mkdir()
        db = db_url
        if db_url.startswith("sqlite"):
            db = f"sqlite:///{folder / 'k.db'}"
        elif trial > 0:
            _clear(db)
        at = min(rng.randint(1, 8), LAST_KILL_AT[kind])
        proc = subprocess.Popen(command(kind, db, folder), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            wait_for_runs(db, at, proc)
            time.sleep(rng.uniform(0.0, 0.3))
            victims = workers_of(proc.pid)
            assert victims, "no worker process found"
            victim = rng.choice(victims).pid
            os.kill(victim, signal.SIGKILL)
            out, err = proc.communicate(timeout=300)
        finally:
            if proc.poll() is None:
                proc.kill()
        assert "Internal error" not in err and "Traceback" not in err, err
        engine = open_database(db)
        failed = [r for r in load_experiment(engine, 1).runs if r["status"] == "failed"]
        engine.dispose()
        # a worker plays a batch of runs: losing it costs that batch, never more
        assert len(failed) <= BATCH_RUNS[kind], failed
        if failed:  # the batch the worker held: each run stored as failed with the reason, the rest went on
            for run in failed:
                assert f"worker process {victim} died while running it (killed by signal SIGKILL)" in run["error"]
            assert proc.returncode == 1 and f"{len(failed)} of" in err and "run(s) failed" in err
            result = resume(kind, db, folder)
            assert result.exit_code == 0, result.output
        else:  # it was between runs: nothing lost
            assert proc.returncode == 0, err
        check_complete(db, kind, reference[kind])
        report({"test": f"{kind}-worker", "trial": trial, "killed_after": at, "runs_lost_to_the_kill": len(failed)})


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _clear(db: str) -> None:
    """Empty a PostgreSQL test database between trials (its schema stays)."""
    from sqlalchemy import text

    engine = open_database(db)
    with engine.begin() as conn:
        conn.execute(
            text("TRUNCATE experiment, point, run, metric, period_metric, grade_metric, evaluation RESTART IDENTITY")
        )
    engine.dispose()


# ------------------------------------------------------------------------------------------ calibrate

#: A small calibration: 2 free parameters, 4 start points then the local search, 2 replications a point.
CALIBRATE_ARGS = [
    "dandong-2023",
    "-s",
    "demo",
    "--free",
    "scenario.behaviour.types.committed.share=0.2..0.7",  # with demo's incompetent share (0.28) at most 1
    "--free",
    "scenario.behaviour.types.calculator.honesty.mean=0.3..0.9",
    *(a for s in COMPARE_SET for a in ("--set", s)),
    "-r",
    "2",
    "--seed",
    "3",
    "--design-points",
    "4",
    "--max-evaluations",
    "12",
]


@pytest.fixture(scope="module")
def calibration_reference(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The uninterrupted calibration, in this process."""
    db = str(tmp_path_factory.mktemp("calibration") / "reference.db")
    result = CliRunner().invoke(cli, ["calibrate", *CALIBRATE_ARGS, "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    return {"db": db, "json": json.loads(result.stdout)}


def _calibration_matches(db: str, reference: dict, data: dict) -> None:
    """The same best parameters and fit, every run stored once and ok, with the reference's numbers."""
    assert data["parameters"] == reference["json"]["parameters"] and data["fit"] == reference["json"]["fit"]
    engine = open_database(db)
    with Session(engine) as s:
        per_key = s.execute(select(Run.point, Run.replication, func.count()).group_by(Run.point, Run.replication)).all()
    assert all(n == 1 for *_, n in per_key), "a run stored twice"
    results = load_experiment(engine, 1)
    assert all(r["status"] == "ok" for r in results.runs) and results.experiment["status"] == "finished"
    same_numbers(results, load_experiment(open_database(reference["db"]), 1))
    engine.dispose()


def test_kill_9_of_a_calibration_resumes_to_the_same_result(db_url, tmp_path, calibration_reference) -> None:
    rng = random.Random("main-calibrate")
    for trial in range(trials(db_url)):
        db = f"sqlite:///{tmp_path / f'k{trial}.db'}" if db_url.startswith("sqlite") else db_url
        if not db_url.startswith("sqlite") and trial > 0:
            _clear(db)
        at = rng.randint(1, 20)
        command = [sys.executable, "-m", "credsup.cli.main", "calibrate", *CALIBRATE_ARGS, "--db", db, "-w", "2"]
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            wait_for_runs(db, at, proc)
            time.sleep(rng.uniform(0.0, 0.3))
            workers = [w.pid for w in workers_of(proc.pid)]
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
        assert proc.returncode == -signal.SIGKILL, "the command ended before it was killed"
        killed_with = count_runs(db)
        wait_gone(workers)
        listed = CliRunner().invoke(cli, ["results", "list", "--db", db, "--json"])
        (row,) = json.loads(listed.stdout)
        assert row["status"] == "interrupted" and row["kind"] == "calibrate"
        result = CliRunner().invoke(cli, ["calibrate", "--resume", "1", "--db", db, "--json"])
        assert result.exit_code == 0, result.output
        _calibration_matches(db, calibration_reference, json.loads(result.stdout))
        report({"test": "calibrate-main", "trial": trial, "stored_when_killed": killed_with})


def test_kill_9_of_a_calibrations_worker_costs_a_rerun_of_its_run(db_url, tmp_path, calibration_reference) -> None:
    rng = random.Random("worker-calibrate")
    for trial in range(trials(db_url)):
        db = f"sqlite:///{tmp_path / f'w{trial}.db'}" if db_url.startswith("sqlite") else db_url
        if not db_url.startswith("sqlite") and trial > 0:
            _clear(db)
        at = rng.randint(1, 20)
        command = [
            sys.executable,
            "-m",
            "credsup.cli.main",
            "calibrate",
            *CALIBRATE_ARGS,
            "--db",
            db,
            "-w",
            "2",
            "--json",
        ]
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            wait_for_runs(db, at, proc)
            time.sleep(rng.uniform(0.0, 0.3))
            victims = workers_of(proc.pid)
            assert victims, "no worker process found"
            victim = rng.choice(victims).pid
            os.kill(victim, signal.SIGKILL)
            out, err = proc.communicate(timeout=300)
        finally:
            if proc.poll() is None:
                proc.kill()
        assert "Internal error" not in err and "Traceback" not in err, err
        # the lost run is run again at once (a calibration needs every replication of a point to go on)
        assert proc.returncode == 0, err
        _calibration_matches(db, calibration_reference, json.loads(out))
        report({"test": "calibrate-worker", "trial": trial, "killed_after": at, "rerun": "lost" in err})
