"""Config loading: values with sources, strict types, ranges, overrides, inheritance, exact messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from credsup.core import ConfigError, load_jurisdiction
from credsup.core.config import check_source, parse_override
from credsup.simulation.scenario import load_scenario

NATIONAL = Path(__file__).parents[1] / "configs" / "jurisdictions" / "national.toml"


def national_with(tmp_path: Path, old: str, new: str) -> Path:
    text = NATIONAL.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "national.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as err:
        load_jurisdiction("national", config=path)
    return [str(p) for p in err.value.problems]


def test_default_configs_load_with_a_source_for_every_value() -> None:
    from credsup.core.config import leaf_paths, source_of

    for name in ("national", "traditional"):
        j = load_jurisdiction(name)
        for key in leaf_paths(j.params):
            assert source_of(j.sources, key), f"{name}: {key} has no source"


def test_unknown_key_names_file_key_and_suggestion(tmp_path: Path) -> None:
    path = national_with(tmp_path, "mitigation_factor =", "mitigation_factr =")
    assert problems_of(path) == [
        f"{path}: sanction.mitigation_factor: required key missing",
        f"{path}: sanction.mitigation_factr: unknown key (did you mean 'mitigation_factor'?)",
    ]


def test_wrong_type_is_not_coerced(tmp_path: Path) -> None:
    path = national_with(tmp_path, "mitigation_factor = { value = 0.5", 'mitigation_factor = { value = "0.5"')
    assert problems_of(path) == [f"{path}: sanction.mitigation_factor: expected a number, got a string ('0.5')"]
    path = national_with(tmp_path, "listed_barred = { value = true", "listed_barred = { value = 1")
    assert problems_of(path) == [f"{path}: commitment.listed_barred: expected true or false, got an integer (1)"]


def test_out_of_range_values(tmp_path: Path) -> None:
    path = national_with(tmp_path, "mitigation_factor = { value = 0.5", "mitigation_factor = { value = 1.5")
    assert problems_of(path) == [f"{path}: sanction.mitigation_factor: must be <= 1 (got 1.5)"]
    path = national_with(
        tmp_path,
        'D = { value = 1.0, source = "assumption: seed 004 (XIII); every D',
        'D = { value = 1.2, source = "assumption: seed 004 (XIII); every D',
    )
    assert problems_of(path) == [f"{path}: commitment.verification.D: must be <= 1 (got 1.2)"]
    path = national_with(tmp_path, "B = { value = 3.0, source", "B = { value = 30.0, source")
    assert problems_of(path) == [f"{path}: grading.cuts.C: must be >= B (30); cuts rise from A to C"]


def test_bad_grade_letter_and_condition_name(tmp_path: Path) -> None:
    path = national_with(tmp_path, 'new_enterprise_grade = { value = "B"', 'new_enterprise_grade = { value = "E"')
    assert problems_of(path) == [f"{path}: grading.new_enterprise_grade: unknown grade 'E': expected one of A, B, C, D"]
    path = national_with(tmp_path, '["rectified", "commitment"]', '["rectified", "apology"]')
    assert problems_of(path)[0].startswith(f"{path}: repair.required: unknown repair condition 'apology'; valid:")


def test_missing_and_empty_sources(tmp_path: Path) -> None:
    path = national_with(
        tmp_path,
        'ungraded_verification = { value = 0.2, source = "assumption: an unknown promiser is verified like grade B" }',
        "ungraded_verification = 0.2",
    )
    assert problems_of(path) == [
        f'{path}: commitment.ungraded_verification: missing source: write {{ value = 0.2, source = "..." }} '
        'citing a seed paragraph, an official text or "assumption: why" (or a list of such tables, each with '
        "`since = YYYY-MM-DD`)"
    ]
    path = national_with(
        tmp_path, 'source = "assumption: an unknown promiser is verified like grade B"', 'source = "assumption"'
    )
    assert problems_of(path) == [
        f'{path}: commitment.ungraded_verification: an assumption must say why: source = "assumption: <reason>"'
    ]


def test_all_problems_of_a_file_are_reported_together(tmp_path: Path) -> None:
    path = national_with(tmp_path, "mitigation_factor = { value = 0.5", "mitigation_factor = { value = 7")
    text = path.read_text().replace("listed_barred = { value = true", 'listed_barred = { value = "yes"')
    path.write_text(text)
    assert len(problems_of(path)) == 2


def test_missing_file_and_invalid_toml(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    assert problems_of(missing) == [f"{missing}: file not found"]
    broken = tmp_path / "broken.toml"
    broken.write_text("[schedule\n")
    (message,) = problems_of(broken)
    assert message.startswith(f"{broken}: invalid TOML: ") and "line 1" in message


def test_file_for_another_jurisdiction_is_refused(tmp_path: Path) -> None:
    path = national_with(tmp_path, 'jurisdiction = "national"', 'jurisdiction = "traditional"')
    assert problems_of(path) == [f"{path}: jurisdiction: this file is for 'traditional', not 'national'"]


def test_overrides_are_validated_like_the_file() -> None:
    j = load_jurisdiction("national", overrides=[parse_override("inspection.rate_per_year.D=0.8")])
    assert j.params.inspection.rate_per_year.D == 0.8
    assert j.sources["inspection.rate_per_year.D"] == "override: --set inspection.rate_per_year.D=0.8"
    with pytest.raises(ConfigError) as err:
        load_jurisdiction("national", overrides=[parse_override("inspection.rate_per_year.E=0.8")])
    assert str(err.value) == (
        "--set: inspection.rate_per_year.E: no such parameter: 'E' is not a key of 'inspection.rate_per_year'"
    )
    with pytest.raises(ConfigError) as err:
        load_jurisdiction("national", overrides=[parse_override("sanction.mitigation_factor=2")])
    assert str(err.value) == "--set: sanction.mitigation_factor: must be <= 1 (got 2)"
    with pytest.raises(ConfigError) as err:
        load_jurisdiction("national", overrides=[parse_override("inspectoin.rate_per_year.D=1")])
    assert "(did you mean 'inspection'?)" in str(err.value)


def test_override_values_are_toml_literals_never_code() -> None:
    assert parse_override("a.b=0.5") == ("a.b", 0.5)
    assert parse_override("a.b=true") == ("a.b", True)
    assert parse_override('a.b=["x", "y"]') == ("a.b", ["x", "y"])
    assert parse_override("a.b=__import__('os').system('false')") == ("a.b", "__import__('os').system('false')")
    with pytest.raises(ConfigError, match="expected key.path=value"):
        parse_override("novalue")
    with pytest.raises(ConfigError) as err:
        load_jurisdiction("national", overrides=[parse_override("sanction.mitigation_factor=__import__('os')")])
    assert "expected a number, got a string" in str(err.value)


def test_inheritance_takes_unset_values_and_sources_from_the_parent(plugin_dist) -> None:
    plugin_dist(
        "inheritor",
        config='jurisdiction = "inheritor"\ninherits = "national"\n'
        "[inspection.rate_per_year]\n"
        'A = { value = 0.0, source = "assumption: a test value" }\n'
        'B = { value = 0.1, source = "assumption: a test value" }\n'
        'C = { value = 0.2, source = "assumption: a test value" }\n'
        'D = { value = 0.9, source = "assumption: a test value" }\n',
    )
    j = load_jurisdiction("inheritor")
    n = load_jurisdiction("national")
    assert j.params.inspection.rate_per_year.D == 0.9
    assert j.params.sanction == n.params.sanction
    assert j.sources["inspection.rate_per_year.D"] == "assumption: a test value"
    assert j.sources["sanction.mitigation_factor"] == n.sources["sanction.mitigation_factor"]
    assert len(j.config.files) == 2


def test_source_rules() -> None:
    assert check_source("seed 003 para 11") == ""
    assert check_source("assumption: no published figure") == ""
    assert check_source("") != "" and check_source(None) != "" and check_source("assumption") != ""


def test_scenario_errors_name_file_and_key(tmp_path: Path) -> None:
    from credsup.core.errors import InputError

    path = tmp_path / "s.toml"
    path.write_text(
        'scenario = "x"\nstart = 2025-01-01\nmonths = 0\n[population]\nenterprises = 10\n'
        'mean_age_years = 5.0\nsectors = [{ name = "a", share = 0.5 }]\n'
        "[population.sizes]\nmicro = 1.0\nsmall = 0.0\nmedium = 0.0\nlarge = 0.0\n"
    )
    with pytest.raises(ConfigError) as err:
        load_scenario(str(path))
    # nested sections are checked first; the top level's own ranges once they are valid
    assert [str(p) for p in err.value.problems] == [
        f"{path}: population.sectors: sector shares must sum to 1 (they sum to 0.5)"
    ]
    path.write_text(path.read_text().replace("share = 0.5", "share = 1.0"))
    with pytest.raises(ConfigError) as err:
        load_scenario(str(path))
    assert [str(p) for p in err.value.problems] == [f"{path}: months: must be >= 1 (got 0)"]
    with pytest.raises(InputError, match="unknown scenario 'nowhere'"):
        load_scenario("nowhere")
    assert load_scenario("demo").population.enterprises == 20000
    s = load_scenario("demo", overrides=[parse_override("population.enterprises=500")])
    assert s.population.enterprises == 500
