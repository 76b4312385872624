"""Every number and date of every config has a finite declared range, the loader enforces each declared
bound, and docs/ranges.md lists them (issue 18, point 2: "a documented range ... checked at load")."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import attrs
import pytest

from credsup.core.discovery import discover
from credsup.core.errors import ConfigError
from credsup.core.jurisdiction import load_config
from credsup.core.params import BySeverity, param, section
from credsup.core.ranges import Range, declared_ranges, unbounded
from credsup.experiments.spec import SweepSpec
from credsup.simulation.scenario import Scenario, load_scenario

ROOT = Path(__file__).parents[1]
INFOS = {i.name: i for i in discover()}
BUILTIN = sorted(n for n, i in INFOS.items() if i.builtin)
CLASSES = {f"jurisdiction {n}": INFOS[n].plugin.PARAMS_CLASS for n in BUILTIN} | {
    "scenario": Scenario,
    "sweep spec": SweepSpec,
}


@pytest.mark.parametrize("what", sorted(CLASSES))
def test_every_number_and_date_has_a_finite_range(what: str) -> None:
    missing = [r.path for r in unbounded(CLASSES[what])]
    assert not missing, f"{what}: declare lo and hi (param, section or date_param) for {missing}"


def test_the_check_finds_a_number_declared_without_a_range() -> None:
    @attrs.frozen
    class Loose:
        a: float = param(lo=0.0)
        b: int = attrs.field()
        c: BySeverity = section("no bound on the table")
        d: BySeverity = section("bounded", hi=10.0)
        e: dt.date = attrs.field()
        f: float = param(lo=0.0, hi=1.0)

    assert [r.path for r in unbounded(Loose)] == ["a", "b", "c.minor", "c.general", "c.serious", "e"]
    assert {r.path: r.hi for r in declared_ranges(Loose)}["d.serious"] == 10.0


def test_the_reference_page_is_current() -> None:
    spec = importlib.util.spec_from_file_location("ranges_page", ROOT / "docs" / "ranges.py")
    assert spec is not None and spec.loader is not None
    page = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(page)
    assert (ROOT / "docs" / "ranges.md").read_text(encoding="utf-8") == page.markdown(), (
        "docs/ranges.md is stale: run `python docs/ranges.py`"
    )


def outside(r: Range) -> list[object]:
    """Values just outside the declared range of ``r``, of its kind."""
    if r.kind == "date":
        return [r.lo - dt.timedelta(days=1), r.hi + dt.timedelta(days=1)]
    if r.kind == "integer":
        return [r.lo - 1, r.hi + 1]
    step = max(abs(r.hi) * 1e-6, 1e-9)
    return [r.lo - step, r.hi + step]


def cases(cls: type, skip: set[str] = frozenset()) -> list[tuple[str, object]]:
    return [
        (r.path, value)
        for r in declared_ranges(cls)
        if "[]" not in r.path and "<name>" not in r.path and r.path not in skip
        for value in outside(r)
    ]


NATIONAL_KEYS = {r.path for r in declared_ranges(INFOS["national"].plugin.PARAMS_CLASS)}
JURISDICTION_CASES = [
    (name, key, value)
    for name in BUILTIN
    for key, value in cases(INFOS[name].plugin.PARAMS_CLASS, NATIONAL_KEYS if name != "national" else set())
]


@pytest.mark.parametrize("name,key,value", JURISDICTION_CASES, ids=[f"{n}:{k}={v}" for n, k, v in JURISDICTION_CASES])
def test_a_jurisdiction_value_outside_its_range_is_refused_naming_the_key(name: str, key: str, value: object) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(INFOS[name], overrides=[(key, value)], lookup=INFOS)
    assert [(p.file, p.path) for p in err.value.problems] == [("--set", key)], str(err.value)


SCENARIO_CASES = cases(Scenario)


@pytest.mark.parametrize("key,value", SCENARIO_CASES, ids=[f"{k}={v}" for k, v in SCENARIO_CASES])
def test_a_scenario_value_outside_its_range_is_refused_naming_the_key(key: str, value: object) -> None:
    with pytest.raises(ConfigError) as err:
        load_scenario("demo", overrides=[(key, value)])
    assert [(p.file, p.path) for p in err.value.problems] == [("--set", key)], str(err.value)
