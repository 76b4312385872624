"""Interrupted experiments: shown as interrupted, every output says how many runs it holds of how many
planned, and ``credsup compare --resume ID`` completes a comparison with the numbers of an uninterrupted one."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session

from credsup.cli.main import cli
from credsup.experiments import executors
from credsup.experiments.compare import prepare, run_compare
from credsup.experiments.executors import InlineExecutor
from credsup.results.db import open_database
from credsup.results.models import Experiment
from credsup.results.store import list_experiments, load_experiment

from .test_sweep_run import same_numbers, write_spec

SMALL = ["--set", "scenario.population.enterprises=300", "--set", "scenario.months=3"]
ARGS = ["compare", "-j", "national", "-j", "dalian", "-r", "3", "--seed", "4", *SMALL]


class Interrupting(InlineExecutor):
    """Ctrl-C after ``n`` runs."""

    def __init__(self, n: int):
        self.n = n

    def run(self, tasks):
        for i, outcome in enumerate(super().run(tasks)):
            if i == self.n:
                raise KeyboardInterrupt
            yield outcome


def interrupted_comparison(db: str, monkeypatch: pytest.MonkeyPatch, after: int = 4) -> None:
    monkeypatch.setattr(executors, "local_executor", lambda workers, **_: Interrupting(after))
    result = CliRunner().invoke(cli, [*ARGS, "--db", db])
    monkeypatch.undo()
    assert result.exit_code == 130
    assert f"interrupted with {after} of 6 run(s) stored; resume with: credsup compare --resume 1 --db {db}" in (
        result.stderr
    )


def test_ctrl_c_then_resume_gives_the_numbers_of_an_uninterrupted_comparison(tmp_path: Path, monkeypatch) -> None:
    db = f"sqlite:///{tmp_path / 'r.db'}"
    interrupted_comparison(db, monkeypatch)
    result = CliRunner().invoke(cli, ["compare", "--resume", "1", "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    assert "resuming experiment 1: 4 run(s) stored, 2 to run" in result.stderr
    data = json.loads(result.stdout)
    assert data["status"] == "finished" and data["completeness"] == {
        "stored": 6,
        "failed": 0,
        "planned": 6,
        "complete": True,
    }
    engine = open_database(db)
    resumed = load_experiment(engine, 1)
    assert len(resumed.runs) == 6 and resumed.experiment["status"] == "finished"
    fresh = open_database(str(tmp_path / "fresh.db"))
    prepared = prepare("demo", ["national", "dalian"], replications=3, seed=4, set_texts=SMALL[1::2])
    exp, _ = run_compare(fresh, prepared, progress=False)
    same_numbers(resumed, load_experiment(fresh, exp))
    again = CliRunner().invoke(cli, ["compare", "--resume", "1", "--db", db])
    assert again.exit_code == 0 and "6 run(s) stored, 0 to run" in again.stderr


def test_every_output_of_an_incomplete_experiment_says_how_many_runs_it_holds(tmp_path: Path, monkeypatch) -> None:
    db = f"sqlite:///{tmp_path / 'r.db'}"
    interrupted_comparison(db, monkeypatch, after=2)
    runner = CliRunner()
    listed = runner.invoke(cli, ["results", "list", "--db", db])
    assert "interrupted" in listed.stdout and " 2/6 " in listed.stdout
    (row,) = json.loads(runner.invoke(cli, ["results", "list", "--db", db, "--json"]).stdout)
    assert (row["status"], row["runs"], row["planned_runs"]) == ("interrupted", 2, 6)
    note = "Incomplete: 2 of 6 runs stored (4 missing); complete it with: credsup compare --resume 1 --db " + db
    shown = runner.invoke(cli, ["results", "show", "1", "--db", db])
    assert note in shown.stdout
    shown_json = json.loads(runner.invoke(cli, ["results", "show", "1", "--db", db, "--json"]).stdout)
    assert shown_json["completeness"] == {"stored": 2, "failed": 0, "planned": 6, "complete": False}
    exported = runner.invoke(cli, ["results", "export", "1", "--db", db])
    assert exported.exit_code == 0 and note in exported.stderr and "Incomplete" not in exported.stdout
    full = json.loads(runner.invoke(cli, ["results", "export", "1", "--db", db, "--format", "json"]).stdout)
    assert full["completeness"]["planned"] == 6 and full["experiment"]["status"] == "interrupted"
    report = runner.invoke(cli, ["results", "report", "1", "--db", db, "--out", str(tmp_path / "rep")])
    assert report.exit_code == 0 and note in report.stderr
    html = (tmp_path / "rep" / "report.html").read_text(encoding="utf-8")
    assert 'id="incomplete"' in html and "Incomplete: 2 of 6 runs stored (4 missing)" in html
    # and once complete, none of them says so
    assert runner.invoke(cli, ["compare", "--resume", "1", "--db", db]).exit_code == 0
    assert "Incomplete" not in runner.invoke(cli, ["results", "show", "1", "--db", db]).output
    runner.invoke(cli, ["results", "report", "1", "--db", db, "--out", str(tmp_path / "rep")])
    assert 'id="incomplete"' not in (tmp_path / "rep" / "report.html").read_text(encoding="utf-8")


def test_resume_refuses_what_it_cannot_resume(tmp_path: Path, monkeypatch) -> None:
    db = f"sqlite:///{tmp_path / 'r.db'}"
    interrupted_comparison(db, monkeypatch)
    runner = CliRunner()
    given = runner.invoke(cli, ["compare", "--resume", "1", "--db", db, "-j", "national", "--seed", "3"])
    assert given.exit_code == 1 and "--resume takes the comparison's scenario" in given.stderr
    assert "drop -j, --seed" in given.stderr
    assert runner.invoke(cli, ["compare", "--resume", "9", "--db", db]).exit_code == 1
    spec = write_spec(tmp_path / "s.toml", jurisdictions='["national"]', replications=1)
    assert runner.invoke(cli, ["sweep", str(spec), "--db", db]).exit_code == 0
    sweep = runner.invoke(cli, ["compare", "--resume", "2", "--db", db])
    assert sweep.exit_code == 1 and "experiment 2 is a sweep, not a comparison: resume it with" in sweep.stderr
    # a parameter of a jurisdiction changed since (a plugin upgraded, say)
    engine = open_database(db)
    with Session(engine) as s, s.begin():
        exp = s.get(Experiment, 1)
        jurisdictions = json.loads(json.dumps(exp.jurisdictions))
        key = next(iter(jurisdictions[1]["params"]))
        jurisdictions[1]["params"][key]["value"] = "something else"
        exp.jurisdictions = jurisdictions
    changed = runner.invoke(cli, ["compare", "--resume", "1", "--db", db])
    assert changed.exit_code == 1
    assert "experiment 1 cannot be resumed: what it ran has changed since (jurisdiction dalian (parameters))" in (
        changed.stderr
    )


def _pretend_run_by(engine, process: dict) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as s, s.begin():
        exp = s.get(Experiment, 1)
        exp.status = "running"
        exp.settings = {**exp.settings, "process": process}


def test_an_experiment_whose_process_is_alive_is_running_and_is_not_resumed(tmp_path: Path, monkeypatch) -> None:
    db = f"sqlite:///{tmp_path / 'r.db'}"
    interrupted_comparison(db, monkeypatch)
    engine = open_database(db)
    parent = psutil.Process(os.getppid())  # a live process that is not this one
    alive = {"host": socket.gethostname(), "pid": parent.pid, "started": parent.create_time()}
    _pretend_run_by(engine, alive)
    assert list_experiments(engine)[0]["status"] == "running"
    refused = CliRunner().invoke(cli, ["compare", "--resume", "1", "--db", db])
    assert refused.exit_code == 1
    assert f"experiment 1 is still running (process {parent.pid} on {socket.gethostname()})" in refused.stderr
    # the same pid, but a process started at another time: the pid was reused, the runner is gone
    _pretend_run_by(engine, {**alive, "started": alive["started"] - 1000})
    (row,) = list_experiments(engine)
    assert row["status"] == "interrupted" and f"pid {parent.pid}" in row["error"]
    # another machine: cannot be told, so it stays running
    _pretend_run_by(engine, {**alive, "host": "elsewhere.example"})
    assert list_experiments(engine)[0]["status"] == "running"
    # no record of its process (a database of release 0.1.0): as stored
    _pretend_run_by(engine, {})
    assert load_experiment(engine, 1).experiment["status"] == "running"
