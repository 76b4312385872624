"""``credsup plugin new``: a project that installs, is listed, passes the conformance checks and its own
tests at once; bad names and existing directories are refused without writing anything."""

from __future__ import annotations

import json
import shlex
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from credsup.cli.main import cli
from credsup.cli.scaffold import LAYOUT, create_project
from credsup.core import InputError


def new(*args: str):
    return CliRunner().invoke(cli, ["plugin", "new", *args])


def test_the_project_has_its_files_entry_point_and_config(tmp_path: Path) -> None:
    result = new("guangzhou", "--dir", str(tmp_path / "x"))
    assert result.exit_code == 0, result.output
    root = tmp_path / "x" / "guangzhou"
    assert result.stdout.strip() == str(root)
    assert "pip install -e" in result.stderr and "credsup plugin check guangzhou" in result.stderr
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    assert files == [
        ".gitignore",
        "README.md",
        "pyproject.toml",
        "src/credsup_guangzhou/__init__.py",
        "src/credsup_guangzhou/guangzhou.toml",
        "tests/conftest.py",
        "tests/test_conformance.py",
        "tests/test_guangzhou.py",
    ]
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    assert pyproject["project"]["name"] == "credsup-guangzhou"
    assert pyproject["project"]["entry-points"]["credsup.jurisdictions"] == {"guangzhou": "credsup_guangzhou"}
    assert pyproject["project"]["dependencies"] == ["credsup>=0.1"]
    config = tomllib.loads((root / "src" / "credsup_guangzhou" / "guangzhou.toml").read_text())
    assert config["jurisdiction"] == "guangzhou" and config["inherits"] == "national"
    assert config["schedule"]["grading_months"]["source"].startswith("assumption: ")
    assert 'pytest_plugins = ["credsup.testing.pytest_plugin"]' in (root / "tests" / "conftest.py").read_text()
    for path in root.rglob("*"):
        if path.is_file():
            assert "$" not in path.read_text(), f"unfilled template placeholder in {path}"


def test_every_template_is_used_and_shipped() -> None:
    templates = Path(__file__).parents[1] / "cli" / "templates" / "plugin"
    on_disk = sorted(str(p.relative_to(templates)) for p in templates.rglob("*.tmpl"))
    assert on_disk == sorted(t for t, _ in LAYOUT)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "Guang-zhou",
            "'Guang-zhou' cannot be a plugin name: use lower-case letters, digits and underscores, "
            "starting with a letter (e.g. 'guang_zhou')",
        ),
        ("1city", "(e.g. 'region_1city')"),
        ("class", "'class' cannot be a plugin name: it is a Python keyword"),
        ("national", "a jurisdiction called 'national' is already installed (from credsup); choose another name"),
    ],
)
def test_bad_names_are_refused_with_one_line_and_nothing_written(tmp_path: Path, name: str, message: str) -> None:
    result = new(name, "--dir", str(tmp_path))
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_an_existing_directory_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "guangzhou").mkdir()
    (tmp_path / "guangzhou" / "mine.txt").write_text("keep me")
    result = new("guangzhou", "--dir", str(tmp_path))
    assert result.exit_code == 1
    assert f"Error: {tmp_path / 'guangzhou'} already exists" in result.output
    assert [p.name for p in (tmp_path / "guangzhou").iterdir()] == ["mine.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["guangzhou"]  # no staging directory left behind


def test_an_unwritable_directory_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("credsup.cli.scaffold.tempfile.mkdtemp", refuse)
    with pytest.raises(InputError, match=f"cannot write in {tmp_path}: Permission denied"):
        create_project("guangzhou", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_failure_half_way_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = Path.write_text
    calls = []

    def fail_third(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", fail_third)
    with pytest.raises(InputError, match="No space left on device .nothing was written."):
        create_project("guangzhou", tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_the_generated_plugin_installs_is_listed_conforms_and_passes_its_tests(tmp_path: Path, plugin_env) -> None:
    """The issue's 'done when': plugin new, pip install -e, plugins, plugin check, the project's pytest."""
    root = create_project("guangzhou", tmp_path / "x").root
    plugin_env.install(root)
    listed = plugin_env.credsup("plugins").stdout
    assert "guangzhou 0.1.0 (credsup-guangzhou, third-party): ok" in listed
    # the scaffold's inspection_probability returns None (the national fallback answers): not counted
    assert "hooks (2/11): commitment_eligible, grade" in listed
    assert "implemented but always deferring (None): inspection_probability" in listed
    check = plugin_env.credsup("plugin", "check", "guangzhou", "--timing-rows", "1000")
    assert "3 hook(s) checked, no failures." in check.stdout
    assert "credsup_commitment_eligible (one-row rule)" in check.stdout
    tests = plugin_env.run("-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=root)
    assert "7 passed" in tests.stdout  # contract version + 3 hooks + 3 rule tests
    assert "credsup conformance: time per row" in tests.stdout
    # the README's `credsup run`, exactly as written there
    readme = (root / "README.md").read_text()
    line = next(line for line in readme.splitlines() if line.startswith("credsup run "))
    args = shlex.split(line.partition("#")[0])[1:]
    run = plugin_env.credsup(*args, "--json")
    assert json.loads(run.stdout)["jurisdiction"] == "guangzhou"
