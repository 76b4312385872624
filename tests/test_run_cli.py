"""``credsup run`` through click's CliRunner: output, determinism, and one clear error per bad input."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from credsup.cli.main import cli
from credsup.simulation import METRICS

TINY = ["--set", "scenario.population.enterprises=1500", "--set", "scenario.months=6"]


def invoke(*args: str):
    return CliRunner().invoke(cli, ["run", *args])


def test_json_prints_every_metric_and_the_same_numbers_twice() -> None:
    first = invoke("--scenario", "demo", "--jurisdiction", "national", "--seed", "1", *TINY, "--json")
    second = invoke("--scenario", "demo", "--jurisdiction", "national", "--seed", "1", *TINY, "--json")
    assert first.exit_code == 0, first.output
    assert first.stdout == second.stdout  # no progress bar or timing in the data: stderr is not a terminal
    data = json.loads(first.stdout)
    assert list(data["metrics"]) == list(METRICS)
    assert data["seed"] == {"entropy": 1, "spawn_key": []}
    assert len(data["periods"]) == 6 and "timings" not in data
    other = json.loads(invoke("-s", "demo", "-j", "national", "--seed", "2", *TINY, "--json").stdout)
    assert other["metrics"] != data["metrics"]


def test_readable_summary_and_timings() -> None:
    result = invoke("-s", "demo", "-j", "traditional", "--seed", "3", *TINY)
    assert result.exit_code == 0, result.output
    assert "demo x traditional" in result.stdout and "seed 3" in result.stdout
    assert "hit rate" in result.stdout and "grade AUC" in result.stdout
    timed = json.loads(invoke("-s", "demo", "-j", "traditional", "--seed", "3", *TINY, "--json", "--timings").stdout)
    assert timed["timings"]["total"] > 0 and "credsup_grade" in timed["hooks"]


def test_without_a_seed_the_seed_is_printed_so_the_run_can_be_repeated() -> None:
    data = json.loads(invoke("-s", "demo", "-j", "traditional", *TINY, "--json").stdout)
    seed = str(data["seed"]["entropy"])
    again = json.loads(invoke("-s", "demo", "-j", "traditional", "--seed", seed, *TINY, "--json").stdout)
    assert again["metrics"] == data["metrics"]


def test_a_scenario_file(tmp_path) -> None:
    from credsup.simulation.scenario import SCENARIO_DIR

    path = tmp_path / "mine.toml"
    path.write_text(
        (SCENARIO_DIR / "demo.toml")
        .read_text()
        .replace('scenario = "demo"', 'scenario = "mine"')
        .replace("enterprises = 20000", "enterprises = 800")
        .replace("months = 36", "months = 3")
    )
    result = invoke("-s", str(path), "-j", "national", "--seed", "1", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["scenario"] == "mine"


@pytest.mark.parametrize(
    "args,message",
    [
        (["-s", "atlantis", "-j", "national"], "Error: unknown scenario 'atlantis': not a built-in scenario"),
        (["-s", "demo", "-j", "atlantis"], "Error: unknown jurisdiction 'atlantis'; installed:"),
        (
            ["-s", "demo", "-j", "national", "--set", "inspection.rate_per_yer.D=1"],
            "Error: --set: inspection.rate_per_yer.D: no such parameter: 'rate_per_yer' is not a key of 'inspection' "
            "(did you mean 'rate_per_year'?)",
        ),
        (
            ["-s", "demo", "-j", "national", "--set", "inspection.rate_per_year.D=20"],
            "Error: --set: inspection.rate_per_year.D: must be <= 1 (got 20)",
        ),
        (
            ["-s", "demo", "-j", "national", "--set", "scenario.regulator.detection_probability=1.5"],
            "Error: --set: scenario.regulator.detection_probability: must be <= 1 (got 1.5)",
        ),
        (
            ["-s", "demo", "-j", "national", "--set", "scenario.behaviour.itemz={}"],
            "Error: --set: scenario.behaviour.itemz: no such parameter: 'itemz' is not a key of 'behaviour' "
            "(did you mean 'items'?)",
        ),
        (
            ["-s", "demo", "-j", "national", "--set", "traditional:inspection.rate_per_year=1.0"],
            "Error: --set: traditional:inspection.rate_per_year: jurisdiction 'traditional' is not in this run (national)",
        ),
        (["-s", "demo", "-j", "national", "--set", "nonsense"], "Error: --set: nonsense: expected key.path=value"),
        (
            ["-s", "demo", "-j", "national", "--set", "regulator.inspectors=3"],
            "Error: --set: regulator.inspectors: no such parameter: 'regulator' is not a key of the top level; it is a "
            "scenario value: write scenario.regulator.inspectors=...",
        ),
    ],
)
def test_bad_input_gives_one_clear_line(args: list[str], message: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 1
    assert result.stderr.startswith(message), result.stderr
    assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1


def test_a_plugin_returning_garbage_is_named_with_its_hook(plugin_dist) -> None:
    plugin_dist(
        "garbage",
        """
@hookimpl
def credsup_grade(batch, params, today):
    return np.full(len(batch), 7)
""",
    )
    result = invoke("-s", "demo", "-j", "garbage", "--seed", "1", *TINY)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: plugin 'garbage', hook credsup_grade: grade 7 at row 0 is outside [0, 3]")
    assert "Traceback" not in result.output


def test_a_plugin_that_raises_is_named_with_its_hook(plugin_dist) -> None:
    plugin_dist(
        "raising",
        """
CREDSUP_CONTRACT = "2.0"

@hookimpl
def credsup_inspection_probability(batch, params, period):
    raise ZeroDivisionError("oops")
""",
    )
    result = invoke("-s", "demo", "-j", "raising", "--seed", "1", *TINY)
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: plugin 'raising', hook credsup_inspection_probability: raised ZeroDivisionError: oops"
    )


def test_a_plugin_deriving_from_national_runs(plugin_dist) -> None:
    plugin_dist(
        "strict",
        """
@hookimpl
def credsup_inspection_probability(batch, params, period):
    return period.per_period(np.full(len(batch), 1.0))
""",
    )
    result = invoke("-s", "demo", "-j", "strict", "--seed", "1", *TINY, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["jurisdiction"] == "strict"


def test_set_reaches_the_jurisdiction_and_the_scenario() -> None:
    def metrics(*extra: str) -> dict:
        result = invoke("-s", "demo", "-j", "traditional", "--seed", "4", *TINY, "--json", *extra)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    base = metrics()
    plain = metrics("--set", "inspection.rate_per_year=2.0")
    targeted = metrics("--set", "traditional:inspection.rate_per_year=2.0")
    assert plain["counts"] == targeted["counts"] and plain["counts"]["inspections"] > base["counts"]["inspections"]
    assert metrics("--set", "scenario.population.enterprises=700")["enterprises"] == 700
