"""Fixtures for registry-mode tests: small hand-written registries, the example registry, the CLI, and
a test jurisdiction (installed through a real entry point) with demonstration exemption and
key-supervision full coverage."""

from __future__ import annotations

import datetime as dt
import random
import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from credsup.cli.main import cli

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "registry"
AS_OF = dt.date(2027, 1, 1)

#: A jurisdiction that keeps the demonstration status of A enterprises and exempts them from random
#: checks (probability 0.0, seed 000 (IV)) and inspects every key-sector enterprise (1.0, seed 003
#: para 8); the rest is national.
DEMO_PLUGIN = """
from credsup.core import InspectionBasis
from credsup.plugins import national as _national

CREDSUP_CONTRACT = "2.0"

@hookimpl
def credsup_demonstration(batch, params, today):
    return batch.demonstration & (batch.grade == Grade.A)

@hookimpl
def credsup_inspection_probability(batch, params, period):
    rates = _national.credsup_inspection_probability(batch, params, period)
    rates = rates.override(batch.key_sector, 1.0, InspectionBasis.PERIOD)
    return rates.override(batch.demonstration, 0.0)
"""


@pytest.fixture
def write_registry(tmp_path: Path) -> Callable[..., Path]:
    """``write_registry(name="reg", enterprises="...csv text...", ...)`` -> the registry folder."""

    def write(name: str = "reg", **tables: str) -> Path:
        folder = tmp_path / name
        folder.mkdir(parents=True, exist_ok=True)
        for table, text in tables.items():
            (folder / f"{table}.csv").write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return folder

    return write


@pytest.fixture
def run() -> Callable[..., object]:
    """Invoke the CLI; the result has ``exit_code``, ``stdout`` and ``stderr``."""

    def invoke(*args: object) -> object:
        return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return invoke


@pytest.fixture
def demo_jurisdiction(plugin_dist: Callable[..., str]) -> str:
    """Install the demo plugin (see DEMO_PLUGIN) through an entry point; returns its name."""
    plugin_dist("demo", DEMO_PLUGIN)
    return "demo"


def shuffled_copy(folder: Path, target: Path, seed: int) -> Path:
    """A copy of a registry folder with the rows of every file in another order (headers kept)."""
    shutil.copytree(folder, target)
    rnd = random.Random(seed)
    for path in sorted(target.glob("*.csv")):
        header, *lines = path.read_text(encoding="utf-8").splitlines()
        rnd.shuffle(lines)
        path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return target
