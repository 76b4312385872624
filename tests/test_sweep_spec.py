"""Sweep specs: the file format, the designs, and every point validated before anything is stored."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from credsup.cli.main import cli
from credsup.core.errors import ConfigError
from credsup.experiments.design import design_points
from credsup.experiments.spec import Variation, builtin_sweeps
from credsup.experiments.sweep import prepare

TINY = """
[fixed]
"scenario.population.enterprises" = 300
"scenario.months" = 3
"""


HEAD = """
    sweep = "test"
    scenario = "demo"
    jurisdictions = ["national", "shanghai"]
    replications = 2
    seed = 5
    outcomes = ["violation_prevalence", "hit_rate"]
"""


def spec_file(tmp_path: Path, body: str, *, head: str = HEAD, fixed: str = TINY, name: str = "s.toml") -> Path:
    """A spec: top-level keys (``head``), the ``[fixed]`` table, then ``body`` (its tables)."""
    path = tmp_path / name
    path.write_text(textwrap.dedent(head) + fixed + textwrap.dedent(body), encoding="utf-8")
    return path


GRID = """
[parameters]
"scenario.regulator.inspectors" = [2, 4]
"inspection.rate_per_year.D" = [0.3, 0.6, 1.0]
"""


def test_the_shipped_examples_are_valid() -> None:
    assert {"capacity-x-d-rate", "levers-sobol"} <= set(builtin_sweeps())
    folder = Path(__file__).parents[1] / "configs" / "sweeps"
    files = sorted(str(p) for p in folder.glob("*.toml"))
    result = CliRunner().invoke(cli, ["validate", *files])
    assert result.exit_code == 0, result.output
    grid = prepare("capacity-x-d-rate")
    assert [j.name for j in grid.jurisdictions] == ["national", "shanghai"]
    assert len(grid.points) == 6 and grid.total_runs == 24


def test_a_grid_is_every_combination_routed_like_set(tmp_path: Path) -> None:
    body = """
        [parameters]
        "scenario.regulator.inspectors" = [2, 4]
        "inspection.rate_per_year.D" = [0.3, 1.0]
        "shanghai:risk_warning.rate_multiplier" = [2.0, 3.0]
    """
    p = prepare(str(spec_file(tmp_path, body)))
    assert len(p.points) == 8
    assert p.points[0].parameters == {
        "scenario.regulator.inspectors": 2,
        "inspection.rate_per_year.D": 0.3,
        "shanghai:risk_warning.rate_multiplier": 2.0,
    }
    assert p.points[-1].parameters["scenario.regulator.inspectors"] == 4  # the last parameter varies fastest
    assert p.points[1].parameters["shanghai:risk_warning.rate_multiplier"] == 3.0
    point = p.points[5]
    assert point.scenario_overrides == (("population.enterprises", 300), ("months", 3), ("regulator.inspectors", 4))
    assert point.jurisdiction_overrides["national"] == (("inspection.rate_per_year.D", 0.3),)
    assert point.jurisdiction_overrides["shanghai"] == (
        ("inspection.rate_per_year.D", 0.3),
        ("risk_warning.rate_multiplier", 3.0),
    )
    tasks = p.tasks()
    assert len(tasks) == p.total_runs == 8 * 2 * 2
    assert {(t.point, t.jurisdiction, t.replication) for t in tasks} == {
        (i, j, r) for i in range(8) for j in ("national", "shanghai") for r in range(2)
    }
    assert p.command() == f"credsup sweep {tmp_path / 's.toml'} --seed 5"


@pytest.mark.parametrize("design", ["latin", "sobol"])
def test_sampled_designs_stay_in_range_and_follow_the_seed(design: str) -> None:
    variations = [Variation("scenario.regulator.inspectors", low=2, high=5), Variation("x", low=0.1, high=0.2)]
    points = design_points(design, variations, 8, seed=3, integers={"scenario.regulator.inspectors"})
    assert len(points) == (8 if design == "latin" else 8 * (2 + 2))
    ints = [p["scenario.regulator.inspectors"] for p in points]
    assert all(type(v) is int and 2 <= v <= 5 for v in ints)
    assert set(ints) == {2, 3, 4, 5} or design == "latin"  # sobol: 32 points reach every whole number
    assert all(type(p["x"]) is float for p in points)
    xs = np.array([p["x"] for p in points])
    assert ((xs >= 0.1) & (xs <= 0.2)).all()
    assert design_points(design, variations, 8, seed=3, integers={"scenario.regulator.inspectors"}) == points
    assert design_points(design, variations, 8, seed=4, integers={"scenario.regulator.inspectors"}) != points


def test_latin_hypercube_puts_one_point_in_each_stratum() -> None:
    points = design_points(
        "latin", [Variation("x", low=0.0, high=1.0), Variation("y", low=10.0, high=20.0)], 10, seed=1
    )
    for key, low, width in (("x", 0.0, 0.1), ("y", 10.0, 1.0)):
        strata = sorted(int((p[key] - low) // width) for p in points)
        assert strata == list(range(10))


def problems(tmp_path: Path, body: str, **kw) -> list[str]:
    with pytest.raises(ConfigError) as info:
        prepare(str(spec_file(tmp_path, body, **kw)))
    return [str(p) for p in info.value.problems]


def test_a_value_invalid_at_some_points_names_the_file_key_and_first_point(tmp_path: Path) -> None:
    body = """
        [parameters]
        "scenario.regulator.inspectors" = [2, 4]
        "inspection.rate_per_year.D" = [0.3, -0.5]
    """
    f = tmp_path / "s.toml"
    assert problems(tmp_path, body) == [
        f'{f}: parameters."inspection.rate_per_year.D": must be >= 0 (got -0.5) at point 1 '
        "(scenario.regulator.inspectors = 2, inspection.rate_per_year.D = -0.5) and 1 more point(s)"
    ]


def test_scenario_and_targeted_values_are_checked_too(tmp_path: Path) -> None:
    body = """
        [parameters]
        "scenario.regulator.inspectors" = [2, -1]
        "shanghai:risk_warning.rate_multiplier" = [2.0, "high"]
    """
    found = problems(tmp_path, body)
    f = tmp_path / "s.toml"
    assert (
        f'{f}: parameters."scenario.regulator.inspectors": must be >= 0 (got -1) at point 2 '
        "(scenario.regulator.inspectors = -1, shanghai:risk_warning.rate_multiplier = 2.0) and 1 more point(s)" in found
    )
    assert any(
        p.startswith(
            f'{f}: parameters."shanghai:risk_warning.rate_multiplier": expected a number, got a '
            "string ('high') at point 1"
        )
        for p in found
    ), found


HEAD_SOBOL = """
    sweep = "test"
    scenario = "demo"
    jurisdictions = ["national"]
    outcomes = ["hit_rate"]
    design = "sobol"
    samples = 4
"""


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        (HEAD + "replicatons = 3\n", GRID, "replicatons: unknown key (did you mean 'replications'?)"),
        (
            HEAD,
            GRID + '"nowhere.rate" = [1, 2]\n',
            "parameters.\"nowhere.rate\": no such parameter: 'nowhere' is not a key of the top level",
        ),
        (
            HEAD,
            GRID + '"dalian:grading.cuts.A" = [1, 2]\n',
            "parameters.\"dalian:grading.cuts.A\": jurisdiction 'dalian' is not used here",
        ),
        (
            HEAD,
            GRID + '"inspection.rate_per_year.C" = { low = 0.1, high = 0.5 }\n',
            'parameters."inspection.rate_per_year.C": a grid takes listed values',
        ),
        (HEAD, GRID + '"inspection.rate_per_year.C" = []\n', "an empty list: give at least one value"),
        (HEAD, GRID + '"inspection.rate_per_year.C" = 0.3\n', "expected a list of values or a range"),
        (HEAD + "samples = 8\n", GRID, "samples: a grid runs every combination"),
        (
            HEAD_SOBOL.replace("samples = 4", "samples = 6"),
            '[parameters]\n"inspection.rate_per_year.C" = { low = 0.1, high = 0.5 }\n',
            "samples: a Sobol' design needs a power of 2 (got 6; try 8)",
        ),
        (
            HEAD_SOBOL.replace("samples = 4\n", ""),
            '[parameters]\n"inspection.rate_per_year.C" = { low = 0.1, high = 0.5 }\n',
            "samples: required key missing",
        ),
        (HEAD_SOBOL, '[parameters]\n"inspection.rate_per_year.C" = [0.1, 0.5]\n', 'design = "sobol" samples a range'),
        (
            HEAD_SOBOL,
            '[parameters]\n"inspection.rate_per_year.C" = { low = 0.5, high = 0.1 }\n',
            "low must be below high",
        ),
        (
            HEAD_SOBOL,
            '[parameters]\n"scenario.regulator.inspectors" = { low = 1.5, high = 4 }\n',
            "a whole-number parameter: give whole-number bounds",
        ),
        (
            HEAD_SOBOL,
            '[parameters]\n"tolerance.exempt_minor_corrected" = { low = 0, high = 1 }\n',
            "a range needs a numeric parameter (this one is bool)",
        ),
        (
            HEAD_SOBOL.replace('["hit_rate"]', '["hit_rat"]'),
            '[parameters]\n"inspection.rate_per_year.C" = { low = 0.1, high = 0.5 }\n',
            "outcomes[0]: unknown outcome 'hit_rat' (did you mean 'hit_rate'?)",
        ),
        (
            HEAD_SOBOL.replace('"national"', '"atlantis"'),
            '[parameters]\n"x" = { low = 0.1, high = 0.5 }\n',
            "jurisdictions: unknown jurisdiction 'atlantis'",
        ),
        (
            HEAD_SOBOL.replace('design = "sobol"', 'design = "random"'),
            '[parameters]\n"x" = [1]\n',
            "design: unknown design 'random'; choose grid, latin, sobol",
        ),
        (HEAD.replace('scenario = "demo"', 'scenario = "nowhere"'), GRID, "scenario: unknown scenario 'nowhere'"),
    ],
)
def test_spec_mistakes_name_the_file_and_key(tmp_path: Path, head: str, body: str, expected: str) -> None:
    found = problems(tmp_path, body, head=head)
    assert any(p.startswith(f"{tmp_path / 's.toml'}: ") and expected in p for p in found), found


def test_fixed_values_are_validated_and_blamed_on_fixed(tmp_path: Path) -> None:
    fixed = '[fixed]\n"scenario.population.enterprises" = 0\n"inspection.rate_per_year.A" = 2.0\n'
    found = problems(tmp_path, GRID, fixed=fixed)
    f = tmp_path / "s.toml"
    assert f'{f}: fixed."scenario.population.enterprises": must be >= 1 (got 0)' in found
    fixed = '[fixed]\n"inspection.rate_per_year.D" = 0.5\n'
    assert problems(tmp_path, GRID, fixed=fixed) == [
        f'{f}: fixed."inspection.rate_per_year.D": also a parameter to vary: keep it in one place'
    ]


def test_set_on_the_command_line_is_checked_and_may_not_fight_the_spec(tmp_path: Path) -> None:
    spec = str(spec_file(tmp_path, GRID))
    p = prepare(spec, set_texts=["scenario.behaviour.types.calculator.honesty.mean=0.8"])
    assert ("behaviour.types.calculator.honesty.mean", 0.8) in p.points[0].scenario_overrides
    assert "--set scenario.behaviour.types.calculator.honesty.mean=0.8" in p.command()
    with pytest.raises(ConfigError, match=r"--set: inspection.rate_per_year.D: is a parameter the sweep varies"):
        prepare(spec, set_texts=["inspection.rate_per_year.D=0.5"])
    with pytest.raises(ConfigError, match=r"--set: scenario.months: must be >= 1 \(got 0\)"):
        prepare(spec, set_texts=["scenario.months=0"])


def test_a_scenario_file_is_found_beside_the_spec_and_sent_to_workers(tmp_path: Path) -> None:
    (tmp_path / "scen").mkdir()
    demo = Path(__file__).parents[1] / "configs" / "scenarios" / "demo.toml"
    (tmp_path / "scen" / "mine.toml").write_text(demo.read_text().replace('scenario = "demo"', 'scenario = "mine"'))
    head = """
        sweep = "test"
        scenario = "scen/mine.toml"
        jurisdictions = ["national"]
        outcomes = ["hit_rate"]
    """
    p = prepare(str(spec_file(tmp_path, GRID, head=head)))
    assert p.scenario.scenario == "mine" and p.scenario_ref == str((tmp_path / "scen" / "mine.toml").resolve())
    assert p.tasks()[0].scenario.scenario == "mine"  # the loaded scenario travels with the task


def test_validate_reports_a_bad_spec_and_sweep_stores_nothing(tmp_path: Path) -> None:
    spec = spec_file(tmp_path, GRID.replace("1.0]", "-1.0]"))
    result = CliRunner().invoke(cli, ["validate", str(spec)])
    assert result.exit_code == 1
    assert result.stdout.startswith(f'{spec}: parameters."inspection.rate_per_year.D": must be >= 0 (got -1)')
    db = tmp_path / "r.db"
    result = CliRunner().invoke(cli, ["sweep", str(spec), "--db", str(db)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.startswith(f'Error: {spec}: parameters."inspection.rate_per_year.D"')
    assert not db.exists()
    result = CliRunner().invoke(cli, ["sweep", str(tmp_path / "nope.toml")])
    assert result.exit_code == 1 and "Error: unknown sweep" in result.stderr


def test_every_spec_key_is_documented() -> None:
    import attrs

    from credsup.experiments.spec import DESIGNS, SweepSpec

    doc = (Path(__file__).parents[1] / "docs" / "sweeps.md").read_text(encoding="utf-8")
    for field in attrs.fields(SweepSpec):
        shown = f"[{field.name}]" if str(field.type).startswith("dict") else field.name  # a TOML table
        assert f"| `{shown}` |" in doc, f"docs/sweeps.md does not document the spec key {shown}"
    for design in DESIGNS:
        assert f"| `{design}` |" in doc, f"docs/sweeps.md does not describe the design {design}"
