"""The repository layout maps into one import package, ``credsup``, in a wheel and in an editable install.

After installation there must be no top-level ``core``, ``plugins`` or ``simulation`` module. These tests
build a real wheel and install it (and then the source tree, editable) into a fresh virtual environment.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
FORBIDDEN = ("core", "plugins", "simulation", "configs", "cli", "tests", "benchmarks")

pytestmark = pytest.mark.slow

CHECK = """
import importlib.util, json, sys
found = {name: importlib.util.find_spec(name) is not None for name in %r}
import credsup, credsup.core, credsup.plugins.national, credsup.plugins.traditional, credsup.simulation
from credsup.core import load_jurisdiction
j = load_jurisdiction("national")
print(json.dumps({"forbidden": found, "credsup": credsup.__file__, "version": credsup.__version__,
                  "national": j.params.inspection.rate_per_year.B}))
""" % (FORBIDDEN,)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
    )
    (whl,) = out.glob("credsup-*.whl")
    return whl


@pytest.fixture(scope="module")
def fresh_python(tmp_path_factory) -> Path:
    """A new, empty virtual environment (pip comes from this one, through ``pip --python``)."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=False).create(env_dir)
    return env_dir / "bin" / "python"


def pip_install(py: Path, *args: str) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(py), "install", "-q", *args], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr


def run_check(py: Path, cwd: Path) -> dict:
    import json

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    out = subprocess.run([str(py), "-c", CHECK], cwd=cwd, capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_wheel_contains_only_the_credsup_package(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.startswith("credsup-")}
    assert tops == {"credsup"}
    assert "credsup/core/hookspecs.py" in names
    assert "credsup/configs/jurisdictions/national.toml" in names
    assert "credsup/configs/scenarios/demo.toml" in names
    assert "credsup/configs/sweeps/capacity-x-d-rate.toml" in names  # `credsup sweep capacity-x-d-rate`
    assert "credsup/testing/pytest_plugin.py" in names  # the conformance kit
    assert "credsup/cli/templates/plugin/module/__init__.py.tmpl" in names  # `credsup plugin new`
    assert "credsup/results/templates/compare.html.j2" in names and "credsup/results/templates/report.css" in names
    assert "credsup/i18n/locale/zh/LC_MESSAGES/credsup.po" in names and "credsup/i18n/glossary.toml" in names
    top_level = next(n for n in names if n.endswith("top_level.txt"))
    assert zipfile.ZipFile(wheel).read(top_level).decode().split() == ["credsup"]
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "[credsup.jurisdictions]" in entry_points and "national = credsup.plugins.national" in entry_points


def test_wheel_install_has_no_top_level_core(wheel: Path, fresh_python: Path, tmp_path: Path) -> None:
    pip_install(fresh_python, str(wheel))
    report = run_check(fresh_python, tmp_path)
    assert not any(report["forbidden"].values()), report
    assert "site-packages/credsup/__init__.py" in report["credsup"]
    assert report["national"] == 0.05
    cli = subprocess.run(
        [str(fresh_python.parent / "credsup"), "plugins"], capture_output=True, text=True, cwd=tmp_path
    )
    assert cli.returncode == 0 and "national" in cli.stdout and "traditional" in cli.stdout
    new = subprocess.run(
        [str(fresh_python.parent / "credsup"), "plugin", "new", "demo", "--dir", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert new.returncode == 0, new.stderr  # the scaffold's templates ship in the wheel
    assert (tmp_path / "demo" / "src" / "credsup_demo" / "demo.toml").is_file()
    check = subprocess.run(
        [str(fresh_python.parent / "credsup"), "plugin", "check", "national", "--examples", "2", "--timing-rows", "0"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert check.returncode == 0, check.stdout + check.stderr  # the kit runs without the dev extras
    # the installed wheel finds its message catalogues, glossary and report templates (--lang zh)
    zh = subprocess.run(
        [
            str(fresh_python),
            "-c",
            "from credsup.i18n import language; from credsup.results.templating import environment; "
            "z = language('zh'); environment(z).get_template('compare.html.j2'); "
            "print(z.gettext('Baseline'), z.metric('hit_rate').name)",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert zh.returncode == 0 and zh.stdout.split() == ["基准", "检查命中率"], zh.stderr


def test_editable_install_has_no_top_level_core(fresh_python: Path, tmp_path: Path) -> None:
    # runs after the wheel test in the same venv: the editable install replaces the wheel
    pip_install(fresh_python, "-e", str(ROOT))
    report = run_check(fresh_python, tmp_path)
    assert not any(report["forbidden"].values()), report
    assert report["credsup"] == str(ROOT / "__init__.py")


def test_this_environment_has_no_top_level_core(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-c", "import core"], cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 1 and "No module named 'core'" in out.stderr
