"""Every kind of bad hook result gives one error naming the plugin, the hook and the problem."""

from __future__ import annotations

import numpy as np
import pytest

from credsup.core import (
    HOOKS,
    HookError,
    HookResultError,
    InspectionRates,
    ObjectionDecisions,
    Period,
    load_jurisdiction,
)
from credsup.core.samples import random_batch, random_decisions, random_violations


@pytest.fixture
def batch(rng, today):
    return random_batch(rng, 20, today)


def jurisdiction_with(plugin_dist, hook_source: str):
    plugin_dist("faulty", hook_source)
    return load_jurisdiction("faulty")


GRADE = """
@hookimpl
def credsup_grade(batch, params, today):
    return {expr}
"""


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("[1] * len(batch)", "returned list, expected a numpy array of int8 with 20 rows"),
        ("np.zeros(len(batch) + 1, dtype=np.int8)", "grade: expected shape (20,), got (21,)"),
        ("np.zeros((len(batch), 2), dtype=np.int8)", "grade: expected shape (20,), got (20, 2)"),
        ("np.full(len(batch), 1.0)", "grade: expected dtype int8, got float64"),
        ("np.array(['B'] * len(batch))", "grade: expected dtype int8, got <U1"),
        (
            "np.r_[np.zeros(len(batch) - 1, dtype=np.int8), 4]",
            "grade 4 at row 19 is outside [0, 3] (grades are Grade codes A=0 .. D=3)",
        ),
        (
            "np.r_[np.int8(-1), np.zeros(len(batch) - 1, dtype=np.int8)]",
            "grade -1 at row 0 is outside [0, 3] (grades are Grade codes A=0 .. D=3)",
        ),
    ],
)
def test_bad_grade_results(plugin_dist, batch, today, expr: str, message: str) -> None:
    j = jurisdiction_with(plugin_dist, GRADE.format(expr=expr))
    with pytest.raises(HookResultError) as err:
        j.grade(batch, today)
    assert str(err.value) == f"plugin 'faulty', hook credsup_grade: {message}"
    assert (err.value.plugin, err.value.hook) == ("faulty", "credsup_grade")


def test_any_integer_dtype_is_accepted_and_cast_to_int8(plugin_dist, batch, today) -> None:
    j = jurisdiction_with(plugin_dist, GRADE.format(expr="np.full(len(batch), 3, dtype=np.int64)"))
    grades = j.grade(batch, today)
    assert grades.dtype == np.int8 and (grades == 3).all()


PROBABILITY = """
@hookimpl
def credsup_inspection_probability(batch, params, period):
    p = np.full(len(batch), 0.1)
    {mutation}
    return p
"""


@pytest.mark.parametrize(
    ("mutation", "message"),
    [
        ("p[3] = 1.2", "probability: value 1.2 at row 3 is outside [0, 1]"),
        ("p[5] = -0.01", "probability: value -0.01 at row 5 is outside [0, 1]"),
        ("p[7] = np.nan", "probability: 1 value(s) are NaN or infinite (first at row 7)"),
        ("p = p.astype(bool)", "probability: expected dtype float64, got bool"),
    ],
)
def test_bad_probabilities(plugin_dist, batch, mutation: str, message: str) -> None:
    j = jurisdiction_with(plugin_dist, PROBABILITY.format(mutation=mutation))
    with pytest.raises(HookResultError) as err:
        j.inspection_probability(batch, Period.parse("2026Q1"))
    assert str(err.value) == f"plugin 'faulty', hook credsup_inspection_probability: {message}"


def test_infinite_complaint_multiplier(plugin_dist, batch, today) -> None:
    j = jurisdiction_with(
        plugin_dist,
        """
@hookimpl
def credsup_complaint_intensity(batch, params, today):
    return np.full(len(batch), np.inf)
""",
    )
    with pytest.raises(HookResultError, match="multiplier: 20 value.s. are NaN or infinite"):
        j.complaint_intensity(batch, today)


def test_decisions_of_the_wrong_type_or_length(plugin_dist, rng, batch, today) -> None:
    j = jurisdiction_with(
        plugin_dist,
        """
from credsup.core import ToleranceDecisions
@hookimpl
def credsup_tolerance(violations, batch, params, today):
    if len(violations) == 3:
        return {"decision": [0, 0, 0]}
    return ToleranceDecisions.build(1)
""",
    )
    v3 = random_violations(rng, batch, 3, today)
    with pytest.raises(
        HookResultError, match="credsup_tolerance: returned dict, expected ToleranceDecisions with 3 rows"
    ):
        j.tolerance(v3, batch, today)
    with pytest.raises(HookResultError, match="credsup_tolerance: returned 1 rows, expected 5"):
        j.tolerance(random_violations(rng, batch, 5, today), batch, today)


def test_decision_code_out_of_range(plugin_dist, rng, batch, today) -> None:
    j = jurisdiction_with(
        plugin_dist,
        """
from credsup.core import Sanctions
@hookimpl
def credsup_sanction(violations, decisions, batch, params, today):
    s = Sanctions.build(len(violations))
    s.ban_scope[...] = 7  # a plugin scribbling past the builder's checks
    return s
""",
    )
    v = random_violations(rng, batch, 4, today)
    with pytest.raises(
        HookResultError, match=r"credsup_sanction: Sanctions.ban_scope: value 7 at row 0 is outside \[0, 2\]"
    ):
        j.sanction(v, random_decisions(rng, 4), batch, today)


def test_plugin_exception_is_wrapped_with_plugin_and_hook(plugin_dist, batch, today) -> None:
    j = jurisdiction_with(
        plugin_dist,
        """
@hookimpl
def credsup_demonstration(batch, params, today):
    raise KeyError("demonstration_list")
""",
    )
    with pytest.raises(HookError) as err:
        j.demonstration(batch, today)
    assert str(err.value) == "plugin 'faulty', hook credsup_demonstration: raised KeyError: 'demonstration_list'"
    assert isinstance(err.value.__cause__, KeyError)


def test_writing_into_the_batch_is_refused(plugin_dist, batch, today) -> None:
    j = jurisdiction_with(
        plugin_dist,
        """
@hookimpl
def credsup_grade(batch, params, today):
    batch.grade[:] = 0
    return batch.grade
""",
    )
    with pytest.raises(HookError, match="credsup_grade: raised ValueError: assignment destination is read-only"):
        j.grade(batch, today)
    assert batch.grade.flags.writeable  # the caller's own arrays stay writable


def test_none_delegates_to_the_fallback(plugin_dist, batch, today) -> None:
    j = jurisdiction_with(
        plugin_dist,
        """
@hookimpl
def credsup_grade(batch, params, today):
    return None
""",
    )
    national = load_jurisdiction("national")
    assert (j.grade(batch, today) == national.grade(batch, today)).all()


def test_per_enterprise_rules_are_validated_like_batch_hooks(plugin_dist, today) -> None:
    from credsup.core import EnterpriseBatch

    batch = EnterpriseBatch.build(3, listed=[False, True, False])
    j = jurisdiction_with(
        plugin_dist,
        """
@hookimpl
@per_enterprise
def credsup_grade(enterprise, params, today):
    return 7 if enterprise.listed else Grade.B
""",
    )
    with pytest.raises(
        HookResultError, match=r"plugin 'faulty', hook credsup_grade: row 1: returned 7, outside \[0, 3\]"
    ):
        j.grade(batch, today)


@pytest.mark.parametrize(
    ("hook", "answer", "problem"),
    [
        # each used to be coerced silently: None -> False, "no" -> True, 2.7 -> 2, 259 -> 3 (int8 wraps)
        ("credsup_demonstration", "None", r"row 1: returned None \(None\), expected a bool"),
        ("credsup_demonstration", "'no'", r"row 1: returned 'no' \(str\), expected a bool"),
        ("credsup_demonstration", "1", r"row 1: returned 1 \(int\), expected a bool"),
        ("credsup_grade", "2.7", r"row 1: returned 2.7 \(float\), expected an integer \(Grade code\)"),
        ("credsup_grade", "2.0", r"row 1: returned 2.0 \(float\), expected an integer"),
        ("credsup_grade", "259", r"row 1: returned 259, outside \[0, 3\]"),
        ("credsup_grade", "True", r"row 1: returned True \(bool\), expected an integer"),
        ("credsup_complaint_intensity", "'1.5'", r"row 1: returned '1.5' \(str\), expected a number"),
        ("credsup_complaint_verification", "None", r"row 1: returned None \(None\), expected a number"),
    ],
)
def test_a_one_row_answer_of_the_wrong_type_is_refused_not_coerced(plugin_dist, today, hook, answer, problem) -> None:
    from credsup.core import EnterpriseBatch

    method = hook.removeprefix("credsup_")
    good = {"credsup_demonstration": "False", "credsup_grade": "1"}.get(hook, "0.5")
    j = jurisdiction_with(
        plugin_dist,
        f"""
@hookimpl
@per_enterprise
def {hook}(enterprise, params, today):
    return {answer} if enterprise.listed else {good}
""",
    )
    batch = EnterpriseBatch.build(3, listed=[False, True, False])
    with pytest.raises(HookResultError, match=f"plugin 'faulty', hook {hook}: {problem}"):
        getattr(j, method)(batch, today)


def test_a_case_rule_names_the_case_row(plugin_dist, today) -> None:
    from credsup.core import EnterpriseBatch, ViolationBatch

    j = jurisdiction_with(
        plugin_dist,
        """
from credsup.core import Tolerance, ToleranceDecision

@hookimpl
@per_enterprise
def credsup_tolerance(violation, enterprise, params, today):
    return "exempt" if violation.severity == 2 else ToleranceDecision(Tolerance.PENALISE)
""",
    )
    v = ViolationBatch.build(3, enterprise=[0, 0, 1], severity=[0, 0, 2])
    with pytest.raises(
        HookResultError, match=r"hook credsup_tolerance: row 2: returned 'exempt' \(str\), expected a ToleranceDecision"
    ):
        j.tolerance(v, EnterpriseBatch.build(2), today)


def test_a_row_answered_defer_is_decided_by_the_layer_below(plugin_dist, today) -> None:
    """The rule decides listed enterprises (D) and defers the others: national grades those, and is asked
    about those rows only (its answer for them is the one it gives when asked alone)."""
    from credsup.core import load_jurisdiction
    from credsup.core.samples import random_batch

    j = jurisdiction_with(
        plugin_dist,
        """
from credsup.core import DEFER

SEEN = []

@hookimpl
@per_enterprise
def credsup_grade(enterprise, params, today):
    return Grade.A if enterprise.sector_name == "retail" else DEFER

@hookimpl(wrapper=False, trylast=True)
def credsup_demonstration(batch, params, today):
    return None
""",
    )
    batch = random_batch(np.random.default_rng(4), 60, today)
    retail = np.array([batch.sectors[c] == "retail" for c in batch.sector])
    assert 0 < retail.sum() < 60
    national = load_jurisdiction("national")
    grades = j.grade(batch, today)
    assert (grades[retail] == 0).all()
    others = np.flatnonzero(~retail)
    assert grades[others].tolist() == national.grade(batch.take(others), today).tolist()
    assert j.call_unchecked("credsup_grade", batch=batch, today=today)[0] == "faulty+national"
    only_retail = batch.take(np.flatnonzero(retail))
    assert j.call_unchecked("credsup_grade", batch=only_retail, today=today)[0] == "faulty"


def test_defer_in_a_root_layer_is_an_error_naming_it(plugin_dist, today) -> None:
    from credsup.core import EnterpriseBatch

    j = jurisdiction_with(
        plugin_dist,
        """
from credsup.core import DEFER

@hookimpl(trylast=True)
@per_enterprise
def credsup_grade(enterprise, params, today):
    return DEFER if enterprise.listed else Grade.B
""",
    )
    # trylast: called after national, which answers every row, so this rule is never asked
    assert j.answered_by("credsup_grade") == "national"
    assert j.grade(EnterpriseBatch.build(2, listed=[True, False]), today).dtype == np.int8


@pytest.mark.parametrize(
    ("hook", "result", "kind"),
    [
        ("credsup_grade", [1, 1, 1], "type"),
        ("credsup_grade", np.zeros(4, dtype=np.int8), "shape"),
        ("credsup_grade", np.ones(3), "dtype"),
        ("credsup_grade", np.array([0, 4, 1]), "range"),
        ("credsup_inspection_probability", InspectionRates.yearly(np.array([0.1, np.nan, 0.2])), "nan"),
        ("credsup_inspection_probability", np.array([0.1, 0.1, 0.2]), "type"),
        ("credsup_tolerance", {"decision": [0, 0, 0]}, "type"),
        ("credsup_objection", ObjectionDecisions.build(2), "shape"),
        ("credsup_grade", np.array([0, 3, 1], dtype=np.int64), None),
    ],
)
def test_result_problems_have_a_kind(hook: str, result, kind: str | None) -> None:
    """The conformance checks classify a bad result by kind; the message is the one users see."""
    problem = HOOKS[hook].diagnose(result, 3)
    assert (problem.kind if problem else None) == kind
    if problem is not None:
        with pytest.raises(HookResultError) as err:
            HOOKS[hook].validate(result, 3, "p")
        assert err.value.problem == problem.message


def test_call_unchecked_gives_the_raw_answer_and_who_gave_it(plugin_dist, batch, today) -> None:
    j = jurisdiction_with(
        plugin_dist,
        """
@hookimpl
def credsup_grade(batch, params, today):
    return None if batch.listed.any() else np.full(len(batch), 9)
""",
    )
    clean = batch.take(~batch.listed)
    who, raw = j.call_unchecked("credsup_grade", batch=clean, today=today)
    assert who == "faulty" and raw.dtype == np.int64 and (raw == 9).all()  # not validated, not cast
    from credsup.core import EnterpriseBatch

    who, raw = j.call_unchecked("credsup_grade", batch=EnterpriseBatch.build(2, listed=[True, False]), today=today)
    assert who == "national" and raw[0] == 3  # listed: D
    with pytest.raises(HookResultError, match="grade 9 at row 0"):
        j.grade(clean, today)


def test_rows_deferred_by_a_root_layer_are_an_error_naming_it(plugin_dist, today) -> None:
    """A root layer (no `inherits`) has nobody below it: its DEFER is a mistake, reported as such."""
    from credsup.core import EnterpriseBatch
    from credsup.plugins import traditional

    config = traditional.DEFAULT_CONFIG.read_text(encoding="utf-8").replace(
        'jurisdiction = "traditional"', 'jurisdiction = "rootish"'
    )
    hooks = [h for h in dir(traditional) if h.startswith("credsup_") and h != "credsup_grade"]
    plugin_dist(
        "rootish",
        f"""
from credsup.core import DEFER
from credsup.plugins.traditional import TraditionalParams, {", ".join(hooks)}

PARAMS_CLASS = TraditionalParams

@hookimpl
@per_enterprise
def credsup_grade(enterprise, params, today):
    return DEFER if enterprise.listed else Grade.B
""",
        config=config,
    )
    j = load_jurisdiction("rootish")
    assert j.layers == ("rootish",)
    assert j.grade(EnterpriseBatch.build(2), today).tolist() == [1, 1]
    with pytest.raises(
        HookResultError,
        match=r"plugin 'rootish', hook credsup_grade: left 1 row\(s\) to the layers below \(DEFER\), but none",
    ):
        j.grade(EnterpriseBatch.build(2, listed=[False, True]), today)
