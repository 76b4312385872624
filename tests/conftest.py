"""Shared fixtures: fixed dates, sample batches, and real test distributions with entry points."""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from credsup.core.discovery import DISABLE_ENV, ENTRY_POINT_GROUP

TODAY = dt.date(2026, 1, 1)
_counter = itertools.count()


@pytest.fixture
def today() -> dt.date:
    return TODAY


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261124)


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

    def make(name: str, body: str = "", *, config: str | None = None, header: bool = True,
             version: str = "1.0", dist: str | None = None, module: str | None = None,
             entry_target: str | None = None) -> str:
        root = tmp_path / f"site{next(_counter)}"
        module = module or f"credsup_test_{name}_{next(_counter)}"
        pkg = root / module
        pkg.mkdir(parents=True)
        title = f"Test jurisdiction {name}"
        source = (PLUGIN_HEADER.format(title=title) if header else "") + textwrap.dedent(body)
        (pkg / "__init__.py").write_text(source, encoding="utf-8")
        (pkg / "config.toml").write_text(
            config if config is not None else INHERIT_CONFIG.format(name=name, title=title), encoding="utf-8")
        dist = dist or f"credsup-test-{name}"
        info = root / f"{dist.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
        (info / "entry_points.txt").write_text(
            f"[{ENTRY_POINT_GROUP}]\n{name} = {entry_target or module}\n")
        monkeypatch.syspath_prepend(str(root))
        importlib.invalidate_caches()
        modules.append(module)
        return module

    yield make
    for module in modules:
        sys.modules.pop(module, None)
