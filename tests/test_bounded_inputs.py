"""Absurd values are refused at load with one line naming the file (or ``--set``) and the key (issue 18,
point 2). Each case below ran to completion with exit 0, or ended in "Internal error" (exit 70), before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from credsup.cli.main import cli
from credsup.configs import __file__ as _configs_init
from credsup.results.db import open_database

CONFIGS = Path(_configs_init).parent
TINY = ["--set", "scenario.population.enterprises=600", "--set", "scenario.months=3"]


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def one_clean_line(result, exit_code: int = 1) -> str:
    """The one line of a clean error (the exit status the CLI gives a user's mistake, no traceback)."""
    assert result.exit_code == exit_code, (result.exit_code, result.output)
    assert "Traceback" not in result.output and "Internal error" not in result.output, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(
    "setting,expected",
    [
        # grading everyone D
        ("grading.weights.serious=inf", "--set: grading.weights.serious: expected a finite number, got inf"),
        # prevalence 0
        (
            "scenario.behaviour.costs.listing_per_year=inf",
            "--set: scenario.behaviour.costs.listing_per_year: expected a finite number, got inf",
        ),
        (
            "scenario.behaviour.gain.spread=1e6",
            "--set: scenario.behaviour.gain.spread: a lognormal distribution's log-scale sd must be <= 3 (got 1e+06)",
        ),
        (
            "scenario.behaviour.gain.mean=1e308",
            "--set: scenario.behaviour.gain.mean: must be <= 1e+11 yuan (got 1e+308)",
        ),
        ("sanction.fine.serious=1e308", "--set: sanction.fine.serious: must be <= 1e+11 yuan (got 1e+308)"),
        ("scenario.behaviour.harm.serious=inf", "--set: scenario.behaviour.harm.serious: expected a finite number"),
        (
            "scenario.behaviour.harm.serious=1e300",
            "--set: scenario.behaviour.harm.serious: must be <= 1e+06 harm units",
        ),
        # failed mid-run, blaming the built-in plugin
        ("sanction.fine.serious=inf", "--set: sanction.fine.serious: expected a finite number, got inf"),
        ("grading.cuts.C=nan", "--set: grading.cuts.C: expected a finite number, got nan"),
        (
            'scenario.behaviour.types.calculator.honesty={ kind = "lognormal", mean = 0.5, spread = 1.0 }',
            "--set: scenario.behaviour.types.calculator.honesty.kind: honesty lies in [0, 1]: use a fixed, beta or uniform distribution",
        ),
        (
            'scenario.behaviour.types.calculator.honesty={ kind = "uniform", mean = 0.8, spread = 0.5 }',
            "--set: scenario.behaviour.types.calculator.honesty.spread: honesty lies in [0, 1]: mean + spread must be <= 1 (got 1.3)",
        ),
        ('scenario.scenario=""', "--set: scenario.scenario: must not be empty"),
        ('scenario.scenario="  "', "--set: scenario.scenario: must not be empty"),
        ("scenario.behaviour.items.fraud=1.5", "--set: scenario.behaviour.items.fraud: must be <= 1 (got 1.5)"),
        # exit 70: the date validated, then the run failed ("year 10000 is out of range")
        ("scenario.start=9999-12-01", "--set: scenario.start: must be <= 9899-01-23 (got 9999-12-01)"),
        ("scenario.start=1000-01-01", "--set: scenario.start: must be >= 1900-01-01 (got 1000-01-01)"),
        (
            "scenario.start=9899-01-01",
            "--set: scenario.months: the run would end on 9899-04-01, after the last day a run may reach (9899-01-23)",
        ),
        # inspector capacity of 2^63
        (f"scenario.regulator.inspectors={2**63}", "--set: scenario.regulator.inspectors: must be <= 1000000"),
        # a 5,000-digit integer (Python refuses to read it: "Exceeds the limit (4300 digits)")
        ("scenario.population.enterprises=" + "9" * 5000, "--set: scenario.population.enterprises: an integer of"),
        ("scenario.population.enterprises=0x" + "f" * 5000, "--set: scenario.population.enterprises: an integer of"),
        # deeply nested values (RecursionError)
        ("scenario.title=" + "[" * 2000 + "]" * 2000, "--set: scenario.title"),
        ("scenario.title=" + "[" * 40 + "]" * 40, "--set: scenario.title[0][0][0]...: tables or lists nested deeper"),
    ],
)
def test_absurd_values_are_refused_naming_the_key(setting: str, expected: str) -> None:
    line = one_clean_line(invoke("run", "-s", "demo", "-j", "national", "--seed", "1", *TINY, "--set", setting))
    assert line.startswith(f"Error: {expected}"), line


def test_the_last_start_a_run_may_have_runs() -> None:
    result = invoke(
        "run", "-s", "demo", "-j", "national", "--seed", "1", *TINY, "--set", "scenario.start=9898-10-01", "--json"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["metrics"]["violation_prevalence"] > 0


def write_scenario(tmp_path: Path, old: str, new: str, *, bom: bool = False) -> Path:
    text = (CONFIGS / "scenarios" / "demo.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "mine.toml"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.replace(old, new).encode("utf-8"))
    return path


@pytest.mark.parametrize(
    "old,new,expected",
    [
        ('name = "retail"', 'name = ""', "population.sectors[4].name: must not be empty"),
        ('name = "retail"', 'name = "re\\ttail"', "population.sectors[4].name: must not contain control characters"),
        ('name = "retail"', f'name = "{"r" * 101}"', "population.sectors[4].name: must be at most 100 characters"),
        ('scenario = "demo"', 'scenario = ""', "scenario: must not be empty"),
        ("enterprises = 20000", "enterprises = " + "9" * 5000, "an integer of more than 40 digits"),
        (
            "enterprises = 20000",
            "enterprises = " + "[" * 100 + "]" * 100,
            "population.enterprises[0]...: tables or lists nested deeper than 32 levels",
        ),
        # deep enough for Python's parser to give up (RecursionError)
        ("enterprises = 20000", "enterprises = " + "[" * 900 + "]" * 900, "tables or lists nested deeper than 32"),
        ("start = 2025-01-01", "start = 0001-01-01", "start: must be >= 1900-01-01 (got 0001-01-01)"),
        ("mean_age_years = 7.0", "mean_age_years = nan", "population.mean_age_years: expected a finite number"),
    ],
)
def test_a_scenario_file_with_absurd_values_is_refused(tmp_path: Path, old: str, new: str, expected: str) -> None:
    path = write_scenario(tmp_path, old, new)
    result = invoke("validate", str(path))
    assert result.exit_code == 1
    assert result.stdout.strip() == f"{path}: {expected}" or result.stdout.startswith(f"{path}: {expected}")
    run = invoke("run", "-s", str(path), "-j", "national", "--seed", "1")
    assert one_clean_line(run).startswith(f"Error: {path}: "), run.stderr


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    scenario = write_scenario(tmp_path, 'scenario = "demo"', 'scenario = "bom"', bom=True)
    params = tmp_path / "national.toml"
    params.write_bytes(b"\xef\xbb\xbf" + (CONFIGS / "jurisdictions" / "national.toml").read_bytes())
    result = invoke("validate", str(scenario), str(params))
    assert result.exit_code == 0, result.output
    run = invoke("run", "-s", str(scenario), "-j", "national", "--seed", "1", *TINY, "--json")
    assert run.exit_code == 0, run.output
    assert json.loads(run.stdout)["scenario"] == "bom"
    shown = invoke("params", "national", "--config", str(params), "--json")
    assert shown.exit_code == 0, shown.output


def test_inherits_must_name_one_jurisdiction(tmp_path: Path) -> None:
    text = (CONFIGS / "jurisdictions" / "shanghai.toml").read_text(encoding="utf-8")
    path = tmp_path / "shanghai.toml"
    path.write_text(text.replace('inherits = "national"', 'inherits = ["national"]'), encoding="utf-8")
    expected = f"{path}: inherits: expected the name of one jurisdiction (a string), got ['national']"
    result = invoke("validate", str(path))
    assert result.exit_code == 1 and result.stdout.strip() == expected
    assert one_clean_line(invoke("params", "shanghai", "--config", str(path))) == f"Error: {expected}"


def test_a_plugin_name_of_300_characters_is_refused(tmp_path: Path) -> None:
    line = one_clean_line(invoke("plugin", "new", "a" * 300, "--dir", str(tmp_path)))
    assert "has 300 characters, at most 64" in line
    assert list(tmp_path.iterdir()) == []


def test_a_seed_beyond_128_bits_is_refused_by_the_option_and_the_spec(tmp_path: Path) -> None:
    result = invoke("run", "-s", "demo", "-j", "national", "--seed", str(2**128), *TINY)
    assert result.exit_code == 2 and "--seed" in result.stderr and "Traceback" not in result.output
    spec = tmp_path / "s.toml"
    spec.write_text(
        f'sweep = "s"\nscenario = "demo"\njurisdictions = ["national"]\noutcomes = ["hit_rate"]\nseed = {2**128}\n'
        '[parameters]\n"scenario.regulator.inspectors" = [10, 20]\n',
        encoding="utf-8",
    )
    result = invoke("validate", str(spec))
    assert result.exit_code == 1 and result.stdout.startswith(f"{spec}: seed: must be <= ")
    spec.write_text(spec.read_text().replace(f"seed = {2**128}", "seed = 1").replace('sweep = "s"', 'sweep = " "'))
    result = invoke("validate", str(spec))
    assert result.exit_code == 1 and result.stdout.strip() == f"{spec}: sweep: must not be empty"


@pytest.mark.parametrize("command", [["results", "show"], ["results", "export"], ["compare", "--resume"]])
def test_an_experiment_id_beyond_64_bits_is_no_experiment(tmp_path: Path, command: list[str]) -> None:
    # was "Internal error: OverflowError: Python int too large to convert to SQLite INTEGER"
    db = str(tmp_path / "x.db")
    open_database(db).dispose()  # an existing database: read-only commands do not create one
    line = one_clean_line(invoke(*command, str(10**20), "--db", db))
    assert line.startswith(f"Error: no experiment {10**20} in ")


def test_an_experiment_too_big_to_plan_is_refused(tmp_path: Path) -> None:
    line = one_clean_line(
        invoke("compare", "-s", "demo", "-j", "national", "-r", str(10**11), "--db", str(tmp_path / "x.db"))
    )
    assert line == "Error: --replications must be at most 1,000,000 (got 100000000000)"
    spec = tmp_path / "big.toml"
    spec.write_text(
        'sweep = "big"\nscenario = "demo"\njurisdictions = ["national"]\noutcomes = ["hit_rate"]\ndesign = "sobol"\n'
        'samples = 8388608\n[parameters]\n"scenario.regulator.inspectors" = { low = 2, high = 10 }\n',
        encoding="utf-8",
    )
    result = invoke("validate", str(spec))
    assert result.stdout.strip() == f"{spec}: samples: the design has 25,165,824 points; at most 100,000 are allowed"
    spec.write_text(spec.read_text().replace('design = "sobol"\nsamples = 8388608', "replications = 1000000"))
    spec.write_text(spec.read_text().replace("{ low = 2, high = 10 }", str(list(range(1, 21)))))
    result = invoke("validate", str(spec))
    assert result.stdout.strip() == (
        f"{spec}: replications: the sweep plans 20,000,000 runs (20 points x 1 jurisdiction(s) x 1000000 "
        "replication(s)); at most 10,000,000 are allowed"
    )


@pytest.mark.parametrize(
    "setting,expected",
    [
        ("scenario.population=1", "--set: scenario.population: expected a table"),
        ("sanction.fine=[1, 2]", "--set: sanction.fine: expected a table"),
        ("scenario.population.sectors=1", "--set: scenario.population.sectors: expected a list"),
        ("scenario.population.sectors=[1]", "--set: scenario.population.sectors[0]: expected a table"),
        ("scenario.behaviour.items={ a = { b = 1 } }", "--set: scenario.behaviour.items['a']: expected a number"),
    ],
)
def test_a_value_of_the_wrong_shape_is_named_as_such_and_blamed_on_set(setting: str, expected: str) -> None:
    line = one_clean_line(invoke("run", "-s", "demo", "-j", "national", "--set", setting))
    assert line.startswith(f"Error: {expected}"), line


def test_a_registry_whose_ids_are_longer_than_fixed_width_grades_the_same(tmp_path: Path) -> None:
    """Found by the fuzz suite: an id of 41 characters ended in "Internal error: MemoryError: Failed to load
    string in string comparison" (numpy's binary search over variable-width strings, numpy/numpy#31533)."""
    import csv
    import datetime as dt

    from credsup.registry.load import load_registry

    short = tmp_path / "short"
    assert invoke("registry", "generate", "--out", str(short), "--enterprises", "30", "--seed", "3").exit_code == 0
    long_id = "Z" + "9" * 40
    renamed = tmp_path / "long"
    renamed.mkdir()
    for path in short.glob("*.csv"):
        (renamed / path.name).write_text(path.read_text().replace("E000001", long_id))

    def grades(folder: Path) -> dict[str, str]:
        result = invoke("grade", str(folder), "-j", "national", "--as-of", "2027-01-01")
        assert result.exit_code == 0, result.output
        return {row["enterprise"]: row["grade"] for row in csv.DictReader(result.stdout.splitlines())}

    expected = grades(short)
    expected[long_id] = expected.pop("E000001")
    assert grades(renamed) == expected
    reg = load_registry(str(renamed), as_of=dt.date(2027, 1, 1))
    for name in (long_id, "E000002", "E000030"):
        i = reg.index_of(name)
        assert i is not None and reg.ids[i] == name
    assert reg.index_of("E000031") is None and reg.index_of("Z" * 50) is None


@pytest.mark.parametrize("since", ["0001-01-01", "1899-12-31", "9999-12-31"])
def test_a_dated_value_outside_the_supported_dates_is_refused(tmp_path: Path, since: str) -> None:
    reform = tmp_path / "r.toml"
    reform.write_text(
        'reform = "r"\ntitle = "t"\n[sanction.publicity_days]\nminor = [{ value = 10, source = "assumption: a test" }, '
        f'{{ since = {since}, value = 0, source = "assumption: a test" }}]\n',
        encoding="utf-8",
    )
    result = invoke("validate", str(reform))
    assert result.exit_code == 1
    assert result.stdout.strip() == (
        f"{reform}: sanction.publicity_days.minor[1].since: {since} is outside the supported range 1900-01-01 to "
        "9999-12-30"
    )


def test_a_plan_that_draws_no_enterprise_is_an_empty_plan(tmp_path: Path) -> None:
    # found by the fuzz suite: an empty draw ended in "Internal error" (numpy's strings.zfill fails on an empty array)
    reg = tmp_path / "reg"
    assert invoke("registry", "generate", "--out", str(reg), "--enterprises", "30", "--seed", "1").exit_code == 0
    out = tmp_path / "plan.csv"
    result = invoke(
        "plan", str(reg), "-j", "traditional", "--set", "inspection.rate_per_year=0", "--inspectors",
        str(reg / "inspectors.csv"), "--period", "2027Q1", "--seed", "1", "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "drawn 0 " in result.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and lines[0].startswith("visit,enterprise,")
