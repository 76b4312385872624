"""The Python API a plugin's tests use (docs/plugin-guide.md, "The Python API in your tests" and
"Declaring parameters"): the guide's examples run, and each wrong argument gets one clear line that names
the hook or function, the argument and what to pass, before any plugin code runs."""

from __future__ import annotations

import datetime as dt
import re
import sys
import tomllib
import types
from pathlib import Path

import numpy as np
import pytest

from credsup.core import EnterpriseBatch, Grade, Period, load_jurisdiction
from credsup.core.cases import ViolationBatch
from credsup.core.config import structure
from credsup.core.errors import ConfigError
from credsup.core.samples import random_batch, random_decisions, random_violations

GUIDE = Path(__file__).parents[1] / "docs" / "plugin-guide.md"
TODAY = dt.date(2027, 1, 1)


@pytest.fixture(scope="module")
def national():
    return load_jurisdiction("national")


@pytest.fixture
def batch():
    return random_batch(np.random.default_rng(3), 6, TODAY)


def _blocks(title: str, lang: str) -> list[str]:
    text = GUIDE.read_text(encoding="utf-8")
    start = text.index(f"\n### {title}\n")
    end = text.find("\n## ", start + 1)
    return re.findall(rf"```{lang}\n(.*?)```", text[start:end], flags=re.S)


# ------------------------------------------------------------------------------------ hook calls


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda j, b: j.grade({"grade": np.zeros(3)}, TODAY), TypeError, ["credsup_grade: batch: expected EnterpriseBatch", "got dict"]),
        (lambda j, b: j.grade(b, "2027-01-01"), TypeError, ["credsup_grade: today: expected a datetime.date", "got str"]),
        (lambda j, b: j.grade(b, dt.datetime(2027, 1, 1)), TypeError, ["today: expected a datetime.date", "got datetime"]),
        (lambda j, b: j.grade(b, np.datetime64("2027-01-01")), TypeError, ["today: expected a datetime.date"]),
        (lambda j, b: j.inspection_probability(b, "2027Q1"), TypeError, ['period: expected a Period (Period.parse("2027Q1"))']),
        (lambda j, b: j.tolerance(b, b, TODAY), TypeError, ["credsup_tolerance: violations: expected ViolationBatch"]),
        (lambda j, b: j.call("credsup_grades", batch=b, today=TODAY), ValueError, ["unknown hook 'credsup_grades'", "did you mean credsup_grade?"]),
        (lambda j, b: j.call("credsup_grade", batch=b), TypeError, ["credsup_grade: missing today", "its arguments: batch, today"]),
        (lambda j, b: j.call("credsup_grade", batch=b, today=TODAY, period=None), TypeError, ["unexpected period"]),
        (lambda j, b: j.grade(b), TypeError, ["missing a required argument: 'today'"]),
    ],
    ids=["dict-batch", "str-date", "datetime", "numpy-date", "str-period", "swapped", "unknown-hook", "missing", "extra", "facade-missing"],
)  # fmt: skip
def test_a_wrong_argument_names_the_hook_the_argument_and_what_to_pass(national, batch, call, error, words) -> None:
    with pytest.raises(error) as info:
        call(national, batch)
    message = str(info.value)
    assert "\n" not in message
    for w in words:
        assert w in message


def test_cases_must_name_rows_of_their_batch_and_decisions_follow_the_cases(national, batch) -> None:
    rng = np.random.default_rng(5)
    v = random_violations(rng, batch, 4, TODAY)
    far = ViolationBatch.build(**{**{c.name: getattr(v, c.name) for c in ViolationBatch.columns()}, "enterprise": [0, 1, 2, 6]}, items=v.items)  # fmt: skip
    with pytest.raises(
        ValueError, match=r"credsup_tolerance: violations: row 3 names enterprise row 6, but the batch has 6 rows"
    ):
        national.tolerance(far, batch, TODAY)
    with pytest.raises(ValueError, match=r"credsup_sanction: decisions: 3 rows for 4 violations"):
        national.sanction(v, random_decisions(rng, 3), batch, TODAY)
    assert (
        len(national.sanction(v, national.tolerance(v, batch, TODAY), batch, TODAY).fine) == 4
    )  # the right shapes pass


# ------------------------------------------------------------------------------------ overrides


def test_overrides_are_pairs_or_a_mapping() -> None:
    as_pairs = load_jurisdiction("national", overrides=[("grading.cuts.A", 1.0)])
    as_dict = load_jurisdiction("national", overrides={"grading.cuts.A": 1.0})
    assert as_pairs.params.grading.cuts.A == as_dict.params.grading.cuts.A == 1.0


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        (["grading.cuts.A=1.0"], ["overrides[0]: 'grading.cuts.A=1.0' is a --set string", "('grading.cuts.A', value)"]),
        ("grading.cuts.A=1.0", ["overrides: expected (key, value) pairs", "got str"]),
        (("grading.cuts.A", 1.0), ["is one pair; pass a list of pairs"]),
        ([("grading.cuts.A", 1.0, 2)], ["overrides[0]: expected a (key, value) pair", "got tuple"]),
        ([(3, 1.0)], ["overrides[0]: the key is a dotted path string"]),
        (5, ["overrides: expected (key, value) pairs", "got int 5"]),
    ],
)
def test_overrides_in_another_form_say_what_to_pass(overrides, words) -> None:
    with pytest.raises(TypeError) as info:
        load_jurisdiction("national", overrides=overrides)
    for w in words:
        assert w in str(info.value)
    assert (
        'overrides=[("grading.cuts.A", 1.0)] or {"grading.cuts.A": 1.0}' in str(info.value)
        or "one pair" in str(info.value)
        or "dotted" in str(info.value)
    )


def test_an_override_with_a_bad_key_or_value_is_a_config_error_naming_it() -> None:
    with pytest.raises(ConfigError, match=r"grading\.cuts\.A"):
        load_jurisdiction("national", overrides={"grading.cuts.A": -1.0})
    with pytest.raises(ConfigError, match="did you mean"):
        load_jurisdiction("national", overrides={"grading.cutz.A": 1.0})


# ------------------------------------------------------------------------------ samples, periods, build


def test_period_parse_and_random_batch_refuse_wrong_kinds() -> None:
    assert Period.parse("2027Q1").start == dt.date(2027, 1, 1) and Period.parse("2027Q1").end == dt.date(2027, 4, 1)
    with pytest.raises(ValueError, match=r"cannot read period '2027Q5'"):
        Period.parse("2027Q5")
    with pytest.raises(TypeError, match=r"Period.parse: expected a string such as '2027Q1'"):
        Period.parse(2027)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"rng is a numpy Generator"):
        random_batch(7, 10)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"n is the number of rows, an integer >= 0, got -1"):
        random_batch(np.random.default_rng(1), -1)
    with pytest.raises(ValueError, match=r"EnterpriseBatch: grade: expected shape \(3,\), got \(2,\)"):
        EnterpriseBatch.build(3, grade=[0, 1])


# ------------------------------------------------------------------------ the guide's examples run


def test_the_guides_test_example_runs_against_a_plugin_with_that_rule(plugin_dist) -> None:
    """The issue's city ("an administrative penalty in the last year cannot be A") as a plugin, and the
    guide's example test run against it unchanged: the penalty columns are what such a rule reads."""
    plugin_dist(
        "guangzhou",
        """
        from credsup.plugins import national

        @hookimpl
        def credsup_grade(batch, params, today):
            grades = national.credsup_grade(batch, params, today)
            penalised = (batch.minor_penalties_12m + batch.general_penalties_12m + batch.serious_penalties_12m) > 0
            return np.where(penalised, np.maximum(grades, Grade.B), grades).astype(np.int8)
        """,
    )
    (code,) = _blocks("The Python API in your tests", "python")
    namespace: dict = {}
    exec(compile(code, "plugin-guide.md", "exec"), namespace)
    namespace["test_a_penalty_in_the_last_year_keeps_an_enterprise_from_a"]()
    # and national, which has no such rule, grades both A: the example tests the rule, not the data
    j = load_jurisdiction("national")
    batch = EnterpriseBatch.build(
        2, registered="2015-03-01", inspections_36m=3, clean_inspections_36m=3, general_penalties_12m=[0, 1]
    )
    assert list(j.grade(batch, TODAY)) == [Grade.A, Grade.A]


def test_the_guides_params_example_declares_a_section_that_loads_and_checks(monkeypatch) -> None:
    (code,) = _blocks("Declaring parameters: `credsup.core.params`", "python")
    (toml,) = _blocks("Declaring parameters: `credsup.core.params`", "toml")
    module = types.ModuleType("plugin_guide_params")  # a real module: cattrs resolves annotations there
    monkeypatch.setitem(sys.modules, module.__name__, module)
    exec(compile(code, "plugin-guide.md", "exec"), module.__dict__)
    pilot_cls = module.Pilot
    data = {
        k: v["value"] if "value" in v else v for k, v in tomllib.loads(toml.replace('"..."', '"x"'))["pilot"].items()
    }
    data["rate_per_year"] = {k: v["value"] for k, v in data["rate_per_year"].items()}
    pilot = structure(data, pilot_cls, "pilot.toml")
    assert Grade.parse(pilot.max_grade) == Grade.A and pilot.rate_per_year.array()[Grade.D] == 1.0
    with pytest.raises(ConfigError, match="max_grade"):
        structure({**data, "max_grade": "E"}, pilot_cls, "pilot.toml")
    with pytest.raises(ConfigError, match=r"rate_factor: must be <= 1"):
        structure({**data, "rate_factor": 1.5}, pilot_cls, "pilot.toml")
    with pytest.raises(ConfigError, match="A must not be checked more than D"):
        structure({**data, "rate_per_year": {"A": 2.0, "B": 1.0, "C": 1.0, "D": 1.0}}, pilot_cls, "pilot.toml")
