"""Adding a hook is one declaration (and national's implementation): declared here in a fixture, the new
hook is validated by the kernel, adapted for one-row rules, documented by the reference generator, a method
of every loaded jurisdiction and checked by the conformance kit, with nothing else written for it."""

from __future__ import annotations

import datetime as dt
import textwrap
import types

import numpy as np
import pytest

from credsup.core import EnterpriseBatch, HookResultError, extra_hooks, hookimpl, load_jurisdiction
from credsup.core.reference import hooks_markdown
from credsup.plugins import national
from credsup.testing import check_jurisdiction, make_inputs

TODAY = dt.date(2026, 1, 1)

SPEC = '''
from credsup.core import hook
from credsup.core.declare import result_column


@hook(family="risk scoring", result=result_column("risk", "float64", "risk score", lo=0.0, hi=100.0))
def credsup_risk_score(batch, params, today):
    """Risk score of each enterprise, 0 (none) .. 100 (certain to offend), from its record.

    Family: risk scoring. Returns ``float64`` in [0, 100], one per enterprise.

    Models: assumption (a hook declared by a test, to show what one declaration gives).
    """
'''

FAST = {"examples": 5, "timing_rows": 200}


def national_risk_score(batch, params, today):
    return np.minimum(100.0, 10.0 * batch.serious_36m + 2.0 * batch.general_36m)


@pytest.fixture
def extra(monkeypatch):
    module = types.ModuleType("credsup_test_extra_hookspecs")
    exec(compile(textwrap.dedent(SPEC), "credsup_test_extra_hookspecs", "exec"), module.__dict__)
    with extra_hooks(module) as added:
        monkeypatch.setattr(national, "credsup_risk_score", hookimpl(national_risk_score), raising=False)
        yield added


def test_the_declaration_is_the_whole_contract(extra) -> None:
    contract = extra["credsup_risk_score"]
    assert contract.family == "risk scoring" and contract.rows == "batch" and contract.row_result is float
    assert contract.method == "risk_score" and contract.argnames == ("batch", "params", "today")


def test_national_answers_it_through_a_typed_method_and_the_result_is_validated(extra, plugin_dist) -> None:
    batch = EnterpriseBatch.build(3, serious_36m=[0, 2, 20], general_36m=[1, 0, 0])
    j = load_jurisdiction("national")
    assert j.risk_score(batch, TODAY).tolist() == [2.0, 20.0, 100.0]  # 10 per serious + 2 per general, capped
    assert j.answered_by("credsup_risk_score") == "national"
    plugin_dist(
        "riskier",
        """
        @hookimpl
        def credsup_risk_score(batch, params, today):
            return np.full(len(batch), 150.0)
        """,
    )
    with pytest.raises(HookResultError, match=r"plugin 'riskier', hook credsup_risk_score: risk: value 150 at row 0"):
        load_jurisdiction("riskier").risk_score(batch, TODAY)


def test_a_one_row_rule_for_it_is_adapted_and_checked(extra, plugin_dist) -> None:
    plugin_dist(
        "rowwise",
        """
        from credsup.core import DEFER

        @hookimpl
        @per_enterprise
        def credsup_risk_score(enterprise, params, today):
            if enterprise.listed:
                return "high"
            return 5.0 if enterprise.serious_36m == 0 else DEFER
        """,
    )
    j = load_jurisdiction("rowwise")
    batch = EnterpriseBatch.build(2, serious_36m=[0, 3])
    assert j.risk_score(batch, TODAY).tolist() == [5.0, 30.0]  # the second row deferred to national
    with pytest.raises(HookResultError, match=r"row 0: returned 'high' \(str\), expected a number \(risk score\)"):
        j.risk_score(EnterpriseBatch.build(1, listed=[True]), TODAY)


def test_the_reference_documents_it(extra) -> None:
    text = hooks_markdown()
    assert "## Risk scoring" in text and "\n### credsup_risk_score\n" in text
    assert "| [`credsup_risk_score`](#credsup_risk_score) | risk scoring | Risk score of each enterprise" in text
    assert "`credsup_risk_score(enterprise, params, today) -> float` (or `DEFER`)" in text
    assert "`j.risk_score(batch: EnterpriseBatch, today: dt.date)" not in text  # this spec has no annotations
    assert "`j.risk_score(batch, today)" in text
    assert "float64[n] in [0, 100]" in text


def test_the_conformance_kit_checks_it(extra, plugin_dist) -> None:
    inputs = make_inputs("credsup_risk_score", seed=3, n=4)
    assert len(inputs.kwargs["batch"]) == 4 and set(inputs.kwargs) == {"batch", "today"}
    plugin_dist(
        "good",
        """
        @hookimpl
        def credsup_risk_score(batch, params, today):
            return np.where(batch.listed, 80.0, 10.0)
        """,
    )
    report = check_jurisdiction("good", **FAST)
    assert [h.hook for h in report.hooks] == ["credsup_risk_score"] and report.ok, report.failure_text()
    plugin_dist(
        "flaky",
        """
        @hookimpl
        def credsup_risk_score(batch, params, today):
            return np.where(batch.serious_36m > 0, np.nan, 1.0)
        """,
    )
    (failure,) = check_jurisdiction("flaky", **FAST).failures
    assert (failure.hook, failure.kind) == ("credsup_risk_score", "nan"), str(failure)


def test_outside_the_fixture_the_hook_is_gone(extra) -> None:
    pass  # the fixture's own teardown is checked by the next test


def test_the_contract_is_back_to_its_own_hooks() -> None:
    from credsup.core import HOOKS

    assert "credsup_risk_score" not in HOOKS
    assert not hasattr(load_jurisdiction("national"), "risk_score")
