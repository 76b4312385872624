"""`credsup compare`: replications, common random numbers, storage, outputs, bad input, failed runs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credsup.cli.main import cli
from credsup.experiments.compare import default_jurisdictions, prepare, run_compare
from credsup.experiments.executors import InlineExecutor, ProcessExecutor
from credsup.results.db import open_database
from credsup.results.models import Experiment, Run
from credsup.results.store import list_experiments, load_experiment

SMALL = (
    "--set",
    "scenario.population.enterprises=600",
    "--set",
    "scenario.months=6",
    "--set",
    "scenario.warmup_months=0",
)
SMALL_SET = ("scenario.population.enterprises=600", "scenario.months=6")


def compare(*args: str, db: Path):
    return CliRunner().invoke(cli, ["compare", "--db", str(db), *SMALL, *args], catch_exceptions=False)


def count(db: Path, model) -> int:
    with Session(open_database(str(db))) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_compare_prints_the_table_stores_the_experiment_and_writes_the_report(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    result = compare(
        "-j", "traditional", "-j", "national", "-r", "3", "--seed", "11", "--out", str(tmp_path / "report"), db=db
    )
    assert result.exit_code == 0, result.output
    assert "hit_rate" in result.stdout and "vs traditional" in result.stdout
    assert "stored as experiment 1" in result.stderr
    (row,) = list_experiments(open_database(str(db)))
    assert (row["kind"], row["runs"], row["failed_runs"], row["status"]) == ("compare", 6, 0, "finished")
    report = (tmp_path / "report" / "report.html").read_text()
    assert "credsup compare --scenario demo -j traditional -j national --replications 3 --seed 11" in report
    assert "--set scenario.population.enterprises=600" in report
    assert (tmp_path / "report" / "plots" / "time_series.svg").is_file()
    listed = CliRunner().invoke(cli, ["results", "list", "--db", str(db)])
    assert "traditional, national" in listed.output


def test_json_output(tmp_path: Path) -> None:
    result = compare("-j", "national", "-j", "shanghai", "-r", "2", "--seed", "3", "--json", db=tmp_path / "r.db")
    data = json.loads(result.stdout)
    assert data["baseline"] == "national" and data["jurisdictions"] == ["national", "shanghai"]
    assert data["seed"] == 3 and data["failed_runs"] == []
    hit = data["metrics"]["hit_rate"]
    assert hit["values"]["shanghai"]["n"] == 2
    assert set(hit["difference_to_baseline"]) == {"shanghai"}


def test_the_same_policy_twice_differs_by_exactly_zero(plugin_dist, tmp_path: Path) -> None:
    """Common random numbers: a jurisdiction identical to national (inherits everything, no hooks) sees the
    same population and draws, so every paired difference is exactly 0."""
    plugin_dist("twin")
    data = json.loads(
        compare("-j", "national", "-j", "twin", "-r", "2", "--seed", "5", "--json", db=tmp_path / "r.db").stdout
    )
    for metric, row in data["metrics"].items():
        d = row["difference_to_baseline"]["twin"]
        if d["n"]:
            assert d["mean"] == 0 and d["low"] == 0 and d["high"] == 0, metric


def test_results_do_not_depend_on_the_number_of_workers(tmp_path: Path) -> None:
    prepared = prepare("demo", ["national", "hainan"], replications=2, seed=99, set_texts=SMALL_SET)
    summaries = []
    for i, executor in enumerate([InlineExecutor(), ProcessExecutor(2)]):
        engine = open_database(str(tmp_path / f"w{i}.db"))
        exp, tally = run_compare(engine, prepared, executor=executor, progress=False)
        assert tally.failed == 0
        summaries.append(load_experiment(engine, exp).summary)
    assert summaries[0].keys() == summaries[1].keys()
    for key, metrics in summaries[0].items():
        assert metrics.keys() == summaries[1][key].keys()
        for m, values in metrics.items():
            assert np.array_equal(values, summaries[1][key][m], equal_nan=True), (key, m)


def test_replications_differ_and_a_seed_repeats(tmp_path: Path) -> None:
    prepared = prepare("demo", ["traditional"], replications=2, seed=1, set_texts=SMALL_SET)
    engine = open_database(str(tmp_path / "a.db"))
    exp, _ = run_compare(engine, prepared, progress=False)
    prev = load_experiment(engine, exp).summary[(0, "traditional")]["violation_prevalence"]
    assert prev[0] != prev[1]
    exp2, _ = run_compare(engine, prepared, progress=False)
    assert (load_experiment(engine, exp2).summary[(0, "traditional")]["violation_prevalence"] == prev).all()


def test_no_jurisdiction_means_all_installed_baseline_first() -> None:
    names = default_jurisdictions()
    assert names[:2] == ["traditional", "national"]
    assert {"dalian", "hainan", "shanghai"} <= set(names)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-j", "atlantis"], "Error: unknown jurisdiction 'atlantis'"),
        (["-j", "national", "--set", "inspection.rate_per_year.E=1"], "Error: --set: inspection.rate_per_year.E"),
        (
            ["-j", "national", "--set", "scenario.population.enterprises=-5"],
            "Error: --set: scenario.population.enterprises: must be >= 1 (got -5)",
        ),
        (["-j", "national", "--scenario", "nowhere"], "Error: unknown scenario 'nowhere'"),
        (["-j", "national", "-r", "0"], "Error: --replications must be at least 1 (got 0)"),
        (["-j", "national", "-j", "national"], "Error: jurisdiction given twice: national"),
    ],
)
def test_bad_input_is_refused_before_anything_is_stored(tmp_path: Path, args: list[str], message: str) -> None:
    db = tmp_path / "r.db"
    result = CliRunner().invoke(cli, ["compare", "--db", str(db), *SMALL, *args])
    assert result.exit_code == 1, result.output
    assert result.stderr.strip().splitlines()[-1].startswith(message), result.stderr
    assert "Traceback" not in result.output
    assert not db.exists() or count(db, Experiment) == 0


def test_bad_database_and_output_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["compare", "-j", "national", *SMALL, "--db", "postgresql://u:pw@127.0.0.1:1/x"])
    assert result.exit_code == 1 and "Error: cannot connect to database" in result.stderr
    assert "pw" not in result.stderr
    (tmp_path / "taken").write_text("a file")
    db = tmp_path / "r.db"
    result = CliRunner().invoke(
        cli, ["compare", "-j", "national", *SMALL, "--db", str(db), "--out", str(tmp_path / "taken")]
    )
    assert result.exit_code == 1 and "Error: cannot create output folder" in result.stderr
    assert not db.exists() or count(db, Experiment) == 0


def test_a_plugin_returning_garbage_fails_its_runs_and_the_experiment_says_why(plugin_dist, tmp_path: Path) -> None:
    plugin_dist(
        "broken",
        """
        @hookimpl
        def credsup_grade(batch, params, today):
            return np.full(len(batch), 7, dtype=np.int8)
    """,
    )
    db = tmp_path / "r.db"
    result = CliRunner().invoke(
        cli, ["compare", "--db", str(db), *SMALL, "-j", "national", "-j", "broken", "-r", "2", "--seed", "1"]
    )
    assert result.exit_code == 1
    assert "Error: 2 of 4 run(s) failed" in result.stderr
    assert "plugin 'broken', hook credsup_grade: grade 7 at row" in result.stderr
    engine = open_database(str(db))
    res = load_experiment(engine, 1)
    failed = [r for r in res.runs if r["status"] == "failed"]
    assert len(failed) == 2 and all("grade 7" in r["error"] for r in failed)
    assert res.experiment["status"] == "finished" and res.experiment["error"] == "2 run(s) failed"
    assert res.replications[(0, "national")] == [0, 1]


def test_an_interrupted_experiment_keeps_its_finished_runs(tmp_path: Path) -> None:
    class Interrupting(InlineExecutor):
        def run(self, tasks):
            for i, outcome in enumerate(super().run(tasks)):
                if i == 2:
                    raise KeyboardInterrupt
                yield outcome

    prepared = prepare("demo", ["national", "traditional"], replications=3, seed=4, set_texts=SMALL_SET)
    engine = open_database(str(tmp_path / "r.db"))
    with pytest.raises(KeyboardInterrupt):
        run_compare(engine, prepared, executor=Interrupting(), progress=False)
    res = load_experiment(engine, 1)
    assert res.experiment["status"] == "interrupted"
    assert len(res.runs) == 2 and all(r["status"] == "ok" for r in res.runs)
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(Run)) == 2
