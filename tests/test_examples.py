"""The external example plugin (examples/xianyou) installs as its own package, is listed, conforms and
passes its own tests: the path a local IT team's plugin takes. .ci/run does the same with a regular
(non-editable) pip install."""

from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLE = Path(__file__).parents[1] / "examples" / "xianyou"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def env(plugin_env):
    plugin_env.install(EXAMPLE)
    return plugin_env


def test_xianyou_is_listed_with_its_three_hooks(env) -> None:
    out = env.credsup("plugins").stdout
    assert "xianyou 0.1.0 (credsup-xianyou, third-party): ok - Xianyou county" in out
    assert "hooks (3/11): grade, demonstration, inspection_probability" in out


def test_xianyou_passes_the_conformance_checks(env) -> None:
    out = env.credsup("plugin", "check", "xianyou", "--timing-rows", "2000").stdout
    assert "3 hook(s) checked, no failures." in out
    assert "credsup_demonstration (one-row rule)" in out


def test_xianyou_parameters_carry_their_sources(env) -> None:
    out = env.credsup("params", "xianyou").stdout
    assert "from xianyou.toml, national.toml" in out
    assert "source: seed 001 line 31 (production is the first of the three dimensions)" in out


def test_xianyou_own_tests_pass(env) -> None:
    out = env.run("-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=EXAMPLE).stdout
    assert "14 passed" in out
