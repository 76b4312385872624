"""Shared fixtures: fixed dates, sample batches, and real test distributions with entry points."""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from credsup.core.discovery import DISABLE_ENV, ENTRY_POINT_GROUP

pytest_plugins = ["pytester"]  # to run the conformance kit's pytest plugin from the outside

TODAY = dt.date(2026, 1, 1)
_counter = itertools.count()


@pytest.fixture
def today() -> dt.date:
    return TODAY


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261124)


@pytest.fixture(autouse=True)
def _private_data_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The default results database (the user's data folder, by platformdirs) is a fresh folder per
    test, never the developer's own; $CREDSUP_DB from the developer's shell does not apply."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("data")))
    monkeypatch.delenv("CREDSUP_DB", raising=False)


@pytest.fixture(autouse=True)
def _no_disabled_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests start with every plugin enabled, whatever the developer's shell says."""
    monkeypatch.delenv(DISABLE_ENV, raising=False)


# A plugin that inherits national's parameters and leaves every hook to national; tests add hooks.
PLUGIN_HEADER = '''
"""{title}"""
from importlib.resources import files
import numpy as np
from credsup.core import hookimpl, per_enterprise, Grade
from credsup.plugins.national import NationalParams

CREDSUP_CONTRACT = "1.0"
PARAMS_CLASS = NationalParams
DEFAULT_CONFIG = files(__name__) / "config.toml"
'''

INHERIT_CONFIG = 'jurisdiction = "{name}"\ninherits = "national"\ntitle = "{title}"\n'


@pytest.fixture
def plugin_dist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., str]]:
    """Install a real (unpacked) distribution that registers a jurisdiction plugin by entry point.

    ``make(name, body, config=None, header=True, version="1.0", dist=None, module=None)`` writes a
    package with ``body`` appended to a standard header, a ``config.toml`` (inheriting national unless
    given), and a ``.dist-info`` with ``entry_points.txt``; the directory goes on ``sys.path``, so
    ``importlib.metadata`` finds it exactly like a pip-installed plugin. Returns the module name.
    """
    modules: list[str] = []

    def make(
        name: str,
        body: str = "",
        *,
        config: str | None = None,
        header: bool = True,
        version: str = "1.0",
        dist: str | None = None,
        module: str | None = None,
        entry_target: str | None = None,
    ) -> str:
        root = tmp_path / f"site{next(_counter)}"
        module = module or f"credsup_test_{name}_{next(_counter)}"
        pkg = root / module
        pkg.mkdir(parents=True)
        title = f"Test jurisdiction {name}"
        source = (PLUGIN_HEADER.format(title=title) if header else "") + textwrap.dedent(body)
        (pkg / "__init__.py").write_text(source, encoding="utf-8")
        (pkg / "config.toml").write_text(
            config if config is not None else INHERIT_CONFIG.format(name=name, title=title), encoding="utf-8"
        )
        dist = dist or f"credsup-test-{name}"
        info = root / f"{dist.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
        (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n{name} = {entry_target or module}\n")
        monkeypatch.syspath_prepend(str(root))
        importlib.invalidate_caches()
        modules.append(module)
        return module

    yield make
    for module in modules:
        sys.modules.pop(module, None)


class PluginEnv:
    """A new virtual environment that sees every package of this one and installs into its own.

    A ``.pth`` file runs ``site.addsitedir`` on this environment's site-packages, so credsup (with its
    entry points), numpy, pytest and setuptools come from here and nothing is downloaded; a plugin
    project pip-installed into the new environment stays there, as in a user's environment.
    """

    def __init__(self, env_dir: Path):
        import sysconfig
        import venv

        venv.EnvBuilder(with_pip=False).create(env_dir)
        self.python = env_dir / "bin" / "python"
        ours = sysconfig.get_paths()["purelib"]
        theirs = self.run("-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip()
        (Path(theirs) / "_credsup_outer_env.pth").write_text(f"import site; site.addsitedir({ours!r})\n")

    def run(self, *args: str, cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess:
        """``python args...`` without the caller's PYTHONPATH; on failure (if ``check``), its output."""
        import os

        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        out = subprocess.run([str(self.python), *args], cwd=cwd, capture_output=True, text=True, env=env)
        if check:
            assert out.returncode == 0, f"{' '.join(args)} exited {out.returncode}\n{out.stdout}\n{out.stderr}"
        return out

    def credsup(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.run("-m", "credsup.cli.main", *args, check=check)

    def install(self, project: Path) -> None:
        """``pip install -e project``, offline: ``--no-build-isolation`` builds with our setuptools."""
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "--python",
                str(self.python),
                "install",
                "-q",
                "--no-deps",
                "--no-build-isolation",
                "-e",
                str(project),
            ],
            capture_output=True,
            text=True,
        )
        assert out.returncode == 0, out.stderr


@pytest.fixture(scope="session")
def plugin_env(tmp_path_factory: pytest.TempPathFactory) -> PluginEnv:
    """One throw-away environment for the tests that pip-install plugin projects (slow: a real install)."""
    return PluginEnv(tmp_path_factory.mktemp("plugin-env"))
