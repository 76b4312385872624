"""``credsup calibrate`` and ``credsup fit`` from the command line: bad input is one line naming the file
and key with exit status 1 and nothing stored; a calibration stores every evaluation, resumes to the same
numbers, writes a scenario that loads with its sources, and ``fit`` is a gate with exit status 1."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credsup.cli.main import cli
from credsup.results.db import open_database
from credsup.results.models import Evaluation, Experiment, Run

sys.path.insert(0, str(Path(__file__).parent))
from helpers import FREE, SMALL, targets_file

SETTINGS = ["-r", "2", "--seed", "3", "--design-points", "4", "--max-evaluations", "12"]


def _sets(texts=SMALL):  # type: ignore[no-untyped-def]
    return [a for t in texts for a in ("--set", t)]


def _frees(texts=FREE):  # type: ignore[no-untyped-def]
    return [a for t in texts for a in ("--free", t)]


def calibrate(tmp_path: Path, *args: str, db: str | None = None):  # type: ignore[no-untyped-def]
    db = db or str(tmp_path / "c.db")
    return CliRunner().invoke(cli, ["calibrate", *args, "--db", db])


def _one_line_error(result, *parts: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    for part in parts:
        assert part in lines[0], lines[0]


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("unknown outcome", ["bad.toml: figures[0].outcome: unknown outcome 'grade_shar.A'"]),
        ("shares", ["bad.toml: sum_to_one[0]: the shares", "sum to 0.942"]),
        ("jurisdiction", ["bad.toml: jurisdiction: 'dandong' is not an installed jurisdiction"]),
        ("free key", ["--free: scenario.behaviour.types.comitted.share: no such parameter", "committed"]),
        ("empty range", ["--free: scenario.behaviour.types.committed.share: empty range: 0.8..0.2"]),
        (
            "range outside the parameter's values",
            ["--free: scenario.behaviour.types.committed.share: at the high end of its range (1.5)"],
        ),
    ],
)
def test_bad_input_is_one_line_naming_file_and_key_and_nothing_is_stored(tmp_path: Path, case: str, expected) -> None:  # type: ignore[no-untyped-def]
    figures = None
    jurisdiction = "national"
    free = list(FREE)
    if case == "unknown outcome":
        figures = {"grade_shar.A": 0.5, "grade_share.B": 0.5}
    elif case == "shares":
        figures = {"grade_share.A": 0.6, "grade_share.B": 0.25, "grade_share.C": 0.077, "grade_share.D": 0.015}
    elif case == "jurisdiction":
        jurisdiction = "dandong"
    elif case == "free key":
        free[0] = "scenario.behaviour.types.comitted.share=0.2..0.8"
    elif case == "empty range":
        free[0] = "scenario.behaviour.types.committed.share=0.8..0.2"
    else:
        free[0] = "scenario.behaviour.types.committed.share=0.2..1.5"
    path = targets_file(tmp_path / "bad.toml", figures, jurisdiction=jurisdiction, sum_to_one=case != "unknown outcome")
    result = calibrate(tmp_path, str(path), "-s", "demo", *_frees(free), *_sets(), *SETTINGS)
    _one_line_error(result, *expected)
    assert not (tmp_path / "c.db").exists(), "nothing may be stored for bad input"


def test_validate_checks_targets_files(tmp_path: Path) -> None:
    good = targets_file(tmp_path / "good.toml")
    bad = targets_file(tmp_path / "bad.toml", {"grade_shar.A": 1.0}, sum_to_one=False)
    result = CliRunner().invoke(cli, ["validate", str(good), "configs/targets/bayannur-2022.toml"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 1 and "figures[0].outcome: unknown outcome" in result.output


def test_fit_is_a_gate_with_a_verdict_per_figure(tmp_path: Path) -> None:
    far = targets_file(
        tmp_path / "far.toml",
        {"grade_share.A": 0.30, "grade_share.B": 0.40, "grade_share.C": 0.2, "grade_share.D": 0.1},
    )
    result = CliRunner().invoke(cli, ["fit", str(far), "-s", "demo", *_sets(), "-r", "3", "--json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["verdict"] == "missed" and set(data["missed"]) == {
        "grade_share.A",
        "grade_share.B",
        "grade_share.C",
        "grade_share.D",
    }
    assert data["observed_under"] == "national" and len(data["figures"]) == 4
    # the scenario's own outcomes, with a generous stated error, fit: exit 0
    sim = {f["outcome"]: round(f["simulated"], 4) for f in data["figures"]}
    sim["grade_share.A"] = round(1 - sim["grade_share.B"] - sim["grade_share.C"] - sim["grade_share.D"], 4)
    near = targets_file(
        tmp_path / "near.toml",
        sim,
        uncertainty='[uncertainty]\nextra = 0.05\nrounding = 0.0005\nsource = "assumption: a test"\n',
    )
    result = CliRunner().invoke(cli, ["fit", str(near), "-s", "demo", *_sets(), "-r", "3", "--seed", "9"])
    assert result.exit_code == 0, result.output
    assert "the scenario fits the targets" in result.stdout


def _counts(db: str) -> tuple[int, int, int]:
    engine = open_database(db)
    with Session(engine) as s:
        out = (
            s.scalar(select(func.count()).select_from(Experiment)),
            s.scalar(select(func.count()).select_from(Evaluation)),
            s.scalar(select(func.count()).select_from(Run).where(Run.status == "ok")),
        )
    engine.dispose()
    return out


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """An uninterrupted small calibration, from the command line."""
    folder = tmp_path_factory.mktemp("reference")
    db = str(folder / "ref.db")
    out = folder / "out"
    result = CliRunner().invoke(
        cli,
        [
            "calibrate",
            "dandong-2023",
            "-s",
            "demo",
            *_frees(),
            *_sets(),
            *SETTINGS,
            "--db",
            db,
            "--out",
            str(out),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    return {"db": db, "out": out, "json": json.loads(result.stdout)}


def test_a_calibration_stores_every_evaluation_and_reports_its_result(reference: dict) -> None:
    data = reference["json"]
    experiments, evaluations, runs = _counts(reference["db"])
    assert experiments == 1 and evaluations == data["evaluations"] and runs == 2 * evaluations
    assert data["complete"] and len(data["uncertainty"]) == 2 and len(data["fit"]["figures"]) == 4
    for row in data["uncertainty"]:
        assert row["low"] <= row["interval_low"] <= row["value"] <= row["interval_high"] <= row["high"]
    out = reference["out"]
    for name in ("report.html", "fit.csv", "calibration.json", "plots/fit.png", "plots/search.png", "scenario.toml"):
        assert (out / name).is_file(), name
    shown = CliRunner().invoke(cli, ["results", "show", "1", "--db", reference["db"], "--json"])
    assert shown.exit_code == 0 and json.loads(shown.stdout)["parameters"] == data["parameters"]
    listed = CliRunner().invoke(cli, ["results", "list", "--db", reference["db"], "--json"])
    (row,) = json.loads(listed.stdout)
    assert row["kind"] == "calibrate" and row["status"] == "finished" and row["runs"] == row["planned_runs"]


def test_the_written_scenario_carries_the_fitted_values_with_their_source_and_fit_accepts_it(reference: dict) -> None:
    from credsup.simulation.scenario import load_scenario

    path = reference["out"] / "scenario.toml"
    text = path.read_text()
    assert "# The README's scenario" in text  # the base file's comments stay
    assert 'source = "calibrated to dandong-2023 by credsup calibrate ' in text and ", experiment 1" in text
    scenario = load_scenario(str(path))
    params = reference["json"]["parameters"]
    honesty = scenario.behaviour.types.calculator.honesty
    assert honesty.mean == params["scenario.behaviour.types.calculator.honesty.mean"]
    assert honesty.kind == "beta" and honesty.spread == 2.0  # the rest of the distribution is kept
    assert scenario.behaviour.types.committed.share == params["scenario.behaviour.types.committed.share"]
    assert scenario.population.enterprises == 1500  # the calibration's fixed values are written too
    result = CliRunner().invoke(cli, ["fit", "dandong-2023", "-s", str(path), "-r", "2", "--json"])
    assert result.exit_code in (0, 1) and json.loads(result.stdout)["scenario"] == str(path)


def test_write_scenario_never_writes_over_an_input(tmp_path: Path) -> None:
    targets = targets_file(tmp_path / "t.toml")
    result = calibrate(
        tmp_path, str(targets), "-s", "demo", *_frees(), *_sets(), *SETTINGS, "--write-scenario", str(targets)
    )
    _one_line_error(result, "--write-scenario", "is the targets file")
    assert not (tmp_path / "c.db").exists()


class _Interrupting:
    """An executor that runs in this process and raises KeyboardInterrupt after ``after`` runs."""

    workers = 1

    def __init__(self, after: int):
        self.after = after
        self.done = 0

    def check(self, jurisdictions) -> None:  # type: ignore[no-untyped-def]
        pass

    def describe(self) -> str:
        return "this process (interrupting)"

    def run(self, tasks):  # type: ignore[no-untyped-def]
        from credsup.experiments.tasks import execute

        for task in tasks:
            if self.done >= self.after:
                raise KeyboardInterrupt
            self.done += 1
            yield execute(task)


@pytest.mark.parametrize("after", [3, 17])
def test_an_interrupted_calibration_resumes_to_the_same_numbers(tmp_path: Path, reference: dict, after: int) -> None:
    from credsup.calibration.calibrate import prepare, start
    from credsup.calibration.calibrate import run as run_calibration
    from credsup.results.store import load_experiment

    from ..results.test_sweep_run import same_numbers

    db = str(tmp_path / "r.db")
    engine = open_database(db)
    prepared = prepare(
        "dandong-2023",
        scenario="demo",
        free=FREE,
        set_texts=SMALL,
        replications=2,
        seed=3,
        design_points=4,
        max_evaluations=12,
    )
    exp = start(engine, prepared, _Interrupting(after))
    with pytest.raises(KeyboardInterrupt):
        run_calibration(engine, exp, prepared, _Interrupting(after))
    assert load_experiment(engine, exp).experiment["status"] == "interrupted"
    result = CliRunner().invoke(cli, ["calibrate", "--resume", str(exp), "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["parameters"] == reference["json"]["parameters"]
    assert data["fit"] == reference["json"]["fit"]
    assert _counts(db)[1:] == _counts(reference["db"])[1:]
    same_numbers(load_experiment(engine, exp), load_experiment(open_database(reference["db"]), 1))


def test_a_calibration_cut_short_by_its_budget_still_reports_its_uncertainty(tmp_path: Path) -> None:
    """The search stops at its budget (three points after a start design of three, too few for more than a
    plane); the analysis still differentiates the surface at an evaluated point and reports intervals."""
    from credsup.calibration import store
    from credsup.calibration.calibrate import analyse, prepare, start
    from credsup.calibration.calibrate import run as run_calibration
    from credsup.experiments.executors import InlineExecutor

    engine = open_database(str(tmp_path / "b.db"))
    prepared = prepare(
        "dandong-2023",
        scenario="demo",
        free=FREE,
        set_texts=SMALL,
        replications=2,
        seed=11,
        design_points=3,
        max_evaluations=3,
    )
    exp = start(engine, prepared, InlineExecutor())
    run_calibration(engine, exp, prepared, InlineExecutor())
    result = analyse(engine, exp)
    assert result.complete
    evals = store.evaluations(engine, exp)
    assert [e["stage"] for e in evals].count("design") == 3
    assert [e["stage"] for e in evals].count("search") <= 3
    assert result.best_point in {e["point"] for e in evals}
    assert all(row.interval_low <= row.value <= row.interval_high for row in result.rows)
    assert all(row.status != "unknown" for row in result.rows)


def test_a_written_scenario_says_how_to_set_the_jurisdictions_fitted_values(tmp_path: Path) -> None:
    """A calibration that frees a parameter of the jurisdiction writes only the scenario's values; the
    file's check command sets the jurisdiction's (else `credsup fit` on it checks another model)."""
    from types import SimpleNamespace

    from credsup.cli.calibrate_cmds import _write_scenario

    prepared = SimpleNamespace(
        targets_ref="dandong-2023",
        scenario_ref="demo",
        fixed_scenario=[],
        free=[SimpleNamespace(key="scenario.behaviour.types.incompetent.share"), SimpleNamespace(key="grading.cuts.C")],
    )
    result = SimpleNamespace(
        parameters={"scenario.behaviour.types.incompetent.share": 0.29, "grading.cuts.C": 14.4312345}
    )
    path = _write_scenario(prepared, result, 7, tmp_path / "cal.toml")
    text = path.read_text()
    assert f"credsup fit dandong-2023 --scenario {path} --set grading.cuts.C=14.4312" in text
    assert "cuts" not in text.split("[population]")[1]  # nothing of the jurisdiction's in the scenario
