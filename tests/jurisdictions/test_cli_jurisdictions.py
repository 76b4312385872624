"""The CLI shows the five built-in jurisdictions, their hooks, and the regional parameters with sources."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from credsup.cli.main import cli

CONFIGS = Path(__file__).parents[2] / "configs" / "jurisdictions"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_plugins_lists_all_five_with_their_hooks() -> None:
    result = run("plugins", "--json")
    assert result.exit_code == 0
    data = {p["name"]: p for p in json.loads(result.output)}
    assert {n for n, p in data.items() if p["origin"] == "built-in"} == {
        "dalian",
        "hainan",
        "national",
        "shanghai",
        "traditional",
    }
    assert all(data[n]["status"] == "ok" for n in data if data[n]["origin"] == "built-in")
    assert "credsup_demonstration" in data["dalian"]["hooks"]
    assert "credsup_tolerance" in data["shanghai"]["hooks"]
    assert "credsup_repair" in data["hainan"]["hooks"]
    text = run("plugins").output
    assert (
        "dalian 0." in text
        and "  inherits: national\n  from national and below: commitment_eligible, tolerance, repair, objection" in text
    )


def test_validate_the_jurisdiction_configs() -> None:
    files = sorted(str(p) for p in CONFIGS.glob("*.toml"))
    assert {Path(f).stem for f in files} >= {"dalian", "hainan", "national", "shanghai", "traditional"}
    result = run("validate", *files)
    assert result.exit_code == 0, result.output


def test_params_of_a_region_show_its_own_and_inherited_sources() -> None:
    data = json.loads(run("params", "shanghai", "--json").output)
    rows = {r["key"]: r for r in data["parameters"]}
    assert rows["schedule.joint_visits"]["value"] is True
    assert rows["schedule.joint_visits"]["source"].startswith("seed 003 para 11")
    assert rows["sanction.fine.minor"]["source"].startswith("assumption")  # inherited from national
    assert [Path(f).name for f in data["files"]] == ["shanghai.toml", "national.toml"]


def test_a_regional_parameter_can_be_overridden_and_is_checked() -> None:
    data = json.loads(run("params", "hainan", "--set", 'mutual_recognition.regions=["guangdong"]', "--json").output)
    rows = {r["key"]: r for r in data["parameters"]}
    assert rows["mutual_recognition.regions"]["value"] == ["guangdong"]
    bad = run("params", "hainan", "--set", 'mutual_recognition.regions=["guangdon"]')
    assert bad.exit_code == 1
    assert "mutual_recognition.regions: unknown region 'guangdon'" in bad.stderr


def test_a_typo_in_a_regional_config_names_file_and_key(tmp_path: Path) -> None:
    text = (CONFIGS / "dalian.toml").read_text(encoding="utf-8")
    bad = tmp_path / "dalian.toml"
    bad.write_text(text.replace('"automobile_4s"', '"automobile_4z"'), encoding="utf-8")
    result = run("validate", str(bad))
    assert result.exit_code == 1
    assert result.stdout.strip().startswith(f"{bad}: demonstration.sectors: unknown sector 'automobile_4z'; valid: ")
