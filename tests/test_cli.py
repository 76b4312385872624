"""The CLI skeleton through click's CliRunner: version, plugins, validate, params, error handling."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from credsup.cli.main import cli
from credsup.core import CONTRACT_VERSION

CONFIGS = Path(__file__).parents[1] / "configs"


@pytest.fixture
def run():
    def invoke(*args: str, **kwargs):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False, **kwargs)

    return invoke


def test_version(run) -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.output.startswith("credsup 0.") and f"hook contract {CONTRACT_VERSION}" in result.output


def test_plugins_lists_builtins_with_their_hooks(run) -> None:
    result = run("plugins")
    assert result.exit_code == 0
    assert "national 0." in result.output and "(credsup, built-in): ok" in result.output
    assert "traditional" in result.output
    assert "hooks (11/11): commitment_eligible, commitment_verification, grade" in result.output


def test_plugins_json(run, plugin_dist) -> None:
    plugin_dist("broken", "raise ImportError('no such thing')\n")
    plugin_dist(
        "partial",
        """
        @hookimpl
        def credsup_grade(batch, params, today):
            return None
    """,
        dist="credsup-partial",
        version="0.4",
    )
    result = run("plugins", "--json")
    assert result.exit_code == 0
    data = {p["name"]: p for p in json.loads(result.output)}
    assert data["national"]["origin"] == "built-in" and data["national"]["status"] == "ok"
    assert data["broken"]["status"] == "error" and data["broken"]["error"] == "ImportError: no such thing"
    assert data["partial"] == {
        "name": "partial",
        "title": "Test jurisdiction partial",
        "version": "0.4",
        "distribution": "credsup-partial",
        "origin": "third-party",
        "module": data["partial"]["module"],
        "contract": "1.0",
        "hooks": ["credsup_grade"],
        "inherits": "national",
        "status": "ok",
        "error": None,
        "config": "ok",
        "config_error": None,
        "deciding_hooks": [],  # its one hook always returns None: it decides nothing
        "deferring_hooks": ["credsup_grade"],
        "failing_hooks": {},
    }


def test_plugins_text_shows_the_broken_one_and_what_falls_back(run, plugin_dist) -> None:
    plugin_dist("broken", "raise ImportError('no such thing')\n")
    plugin_dist(
        "partial",
        """
        @hookimpl
        def credsup_grade(batch, params, today):
            return None
    """,
    )
    out = run("plugins").output
    assert "broken 1.0 (credsup-test-broken, third-party): ERROR ImportError: no such thing" in out
    # a hook that always returns None is not one of the plugin's rules: not counted, listed apart
    assert "  hooks (0/11): none\n  implemented but always deferring (None): grade" in out
    assert "  inherits: national\n  from national and below: commitment_eligible, commitment_verification, grade" in out


def test_plugins_counts_a_hook_that_decides_some_rows_and_not_one_that_defers_all(run, plugin_dist) -> None:
    plugin_dist(
        "halfway",
        """
        from credsup.core import DEFER

        @hookimpl
        @per_enterprise
        def credsup_grade(enterprise, params, today):
            return DEFER if enterprise.size == 0 else Grade.B  # micro enterprises to national, B for the rest

        @hookimpl
        @per_enterprise
        def credsup_demonstration(enterprise, params, today):
            return DEFER  # every row to national
    """,
    )
    out = run("plugins").output
    assert "  hooks (1/11): grade\n  implemented but always deferring (None): demonstration" in out


def test_plugins_validates_each_plugins_config(run, plugin_dist) -> None:
    plugin_dist(
        "badconfig",
        config='jurisdiction = "badconfig"\ntitle = "Bad"\ninherits = "national"\n\n'
        '[inspection.rate_per_year]\nD = { value = -1.0, source = "assumption: a typo" }\n',
    )
    result = run("plugins")
    assert result.exit_code == 0  # a listing: the other plugins are still shown
    line = next(line for line in result.output.splitlines() if line.startswith("badconfig "))
    assert ": ERROR config: " in line and "inspection.rate_per_year.D" in line and "config.toml" in line
    assert "national 0." in result.output
    data = {p["name"]: p for p in json.loads(run("plugins", "--json").output)}
    assert data["badconfig"]["config"] == "error" and "inspection.rate_per_year.D" in data["badconfig"]["config_error"]
    assert data["national"]["config"] == "ok" and len(data["national"]["deciding_hooks"]) == 11


def test_validate_passes_on_shipped_configs(run) -> None:
    files = sorted(str(p) for p in CONFIGS.glob("*/*.toml"))
    result = run("validate", *files)
    assert result.exit_code == 0, result.output
    assert f"{len(files)} file(s) valid." in result.stderr


def test_validate_misspelt_key_names_file_and_key_without_traceback(run, tmp_path: Path) -> None:
    text = (CONFIGS / "jurisdictions" / "national.toml").read_text()
    bad = tmp_path / "national.toml"
    bad.write_text(text.replace("complaint_multiplier =", "complaint_multiplyer ="))
    result = run("validate", str(bad))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{bad}: social.complaint_multiplier: required key missing",
        f"{bad}: social.complaint_multiplyer: unknown key (did you mean 'complaint_multiplier'?)",
    ]
    assert "Traceback" not in result.output


def test_validate_unknown_kind_and_missing_file(run, tmp_path: Path) -> None:
    odd = tmp_path / "odd.toml"
    odd.write_text("x = 1\n")
    result = run("validate", str(odd), str(tmp_path / "missing.toml"))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{odd}: cannot tell what this file is: expected a top-level key naming its kind (jurisdiction, reform, scenario, sweep, calibration, targets)",
        f"{tmp_path / 'missing.toml'}: file not found",
    ]


def test_validate_unknown_jurisdiction(run, tmp_path: Path) -> None:
    f = tmp_path / "x.toml"
    f.write_text('jurisdiction = "atlantis"\n')
    result = run("validate", str(f))
    assert result.exit_code == 1
    assert (
        result.stdout.strip()
        == f"{f}: jurisdiction: unknown jurisdiction 'atlantis' (installed: dalian, hainan, national, shanghai, traditional)"
    )


def test_params_shows_values_with_sources(run) -> None:
    result = run("params", "national")
    assert result.exit_code == 0
    assert "inspection.rate_per_year.D" in result.output
    assert "source: Bayannur 2022: C and D 100%" in result.output
    data = json.loads(run("params", "traditional", "--json").output)
    rows = {r["key"]: r for r in data["parameters"]}
    assert rows["inspection.rate_per_year"]["value"] == 1.0
    assert rows["inspection.rate_per_year"]["source"].startswith("assumption: seed 000 (III) names")
    assert rows["campaign.share"]["value"] == 0.2


def test_params_with_set_override(run) -> None:
    data = json.loads(run("params", "national", "--set", "inspection.rate_per_year.D=0.7", "--json").output)
    rows = {r["key"]: r for r in data["parameters"]}
    assert rows["inspection.rate_per_year.D"] == {
        "key": "inspection.rate_per_year.D",
        "value": 0.7,
        "unit": "share (0-1)",
        "doc": "share of each class checked by the yearly random plan, each enterprise at most once a year: D",
        "source": "override: --set inspection.rate_per_year.D=0.7",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["params", "atlantis"],
            "Error: unknown jurisdiction 'atlantis'; installed: dalian, hainan, national, shanghai, traditional. "
            "`credsup plugins` lists them with their status.",
        ),
        (
            ["params", "national", "--set", "inspection.rate_per_year.D=2e9"],
            "Error: --set: inspection.rate_per_year.D: must be <= 1 (got 2e+09)",
        ),
        (["params", "national", "--set", "nope"], "Error: --set: nope: expected key.path=value"),
    ],
)
def test_user_errors_are_one_line_and_exit_1(run, args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[0] == message
    assert "Traceback" not in result.output


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    from credsup.core.errors import UnknownJurisdictionError

    result = CliRunner().invoke(cli, ["--debug", "params", "atlantis"])
    assert isinstance(result.exception, UnknownJurisdictionError)


def test_plugin_hook_error_is_one_line(run, plugin_dist, tmp_path: Path) -> None:
    # a plugin whose params class is broken is reported by name when used from the CLI
    plugin_dist("weird", "raise SyntaxError('bad plugin')\n")
    result = run("params", "weird")
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: Error loading plugin 'weird': SyntaxError: bad plugin"
