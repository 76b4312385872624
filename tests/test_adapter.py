"""The per-enterprise adapter: a one-row rule runs as a batch hook and agrees with batch code."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credsup.core import (
    CommitmentKind,
    Grade,
    InspectionBasis,
    InspectionRate,
    Period,
    Reason,
    RepairDecision,
    RepairStatus,
    Sanction,
    Tolerance,
    ToleranceDecision,
    load_jurisdiction,
    per_enterprise,
)
from credsup.core.samples import random_applications, random_batch, random_violations
from credsup.plugins import national


def test_rule_must_be_named_after_a_hook() -> None:
    with pytest.raises(TypeError, match="'credsup_gradez' is not a credsup hook"):

        @per_enterprise
        def credsup_gradez(enterprise, params, today):
            return 0


def test_wrapper_has_the_hook_signature() -> None:
    import inspect

    @per_enterprise
    def credsup_tolerance(violation, enterprise, params, today):
        return ToleranceDecision(Tolerance.PENALISE)

    assert tuple(inspect.signature(credsup_tolerance).parameters) == ("violations", "batch", "params", "today")
    assert credsup_tolerance.__name__ == "credsup_tolerance"


# One-row restatements of national rules: the adapter must give what the batch code gives.


def _row_commitment_eligible(enterprise, kind, params, today):
    t = np.datetime64(today, "D")
    listed = enterprise.listed and (enterprise.listed_until is None or np.datetime64(enterprise.listed_until) > t)
    banned = enterprise.banned_until is not None and np.datetime64(enterprise.banned_until) > t
    if kind in (CommitmentKind.REPAIR, CommitmentKind.VOLUNTARY):
        return True
    return not (listed or banned)


def _row_inspection(enterprise, params, period):
    table = params.inspection.rate_per_year
    rate = (
        getattr(table, Grade(enterprise.grade).name)
        if enterprise.grade >= 0
        else params.inspection.ungraded_rate_per_year
    )
    if enterprise.key_sector:
        rate *= params.inspection.key_sector_multiplier
    return InspectionRate(min(1.0, rate), InspectionBasis.YEAR)


def _row_tolerance(violation, enterprise, params, today):
    """APL 2021 Art. 33 and 32 for one violation, clause by clause (plugins/national docstring)."""
    t = params.tolerance
    first = violation.prior_same_item_36m == 0
    minor, corrected, harmful = violation.severity == 0, violation.corrected, violation.harmful
    slight = violation.harm <= t.minor_harm
    if violation.false_commitment:
        return ToleranceDecision(Tolerance.PENALISE, Reason.FALSE_COMMITMENT)
    if t.exempt_minor_corrected and minor and corrected and not harmful:  # Art. 33 para 1, first sentence
        return ToleranceDecision(Tolerance.EXEMPT, Reason.MINOR_CORRECTED)
    if t.exempt_no_fault and violation.no_fault:  # Art. 33 para 2
        return ToleranceDecision(Tolerance.EXEMPT, Reason.NO_FAULT)
    if t.exempt_first_minor_harm and first and corrected and slight:  # Art. 33 para 1, second sentence
        return ToleranceDecision(Tolerance.EXEMPT, Reason.FIRST_OFFENCE_MINOR_HARM)
    if t.mitigate_first_general_corrected and violation.severity == 1 and first and corrected and not harmful:
        return ToleranceDecision(Tolerance.MITIGATE, Reason.MITIGATING)  # Art. 32
    if minor and not corrected:
        reason = Reason.NOT_CORRECTED
    elif minor and harmful:
        reason = Reason.HARMFUL
    elif t.exempt_first_minor_harm and not minor and corrected and slight and not first:
        reason = Reason.REPEAT_OFFENCE
    else:
        reason = Reason.SEVERITY
    return ToleranceDecision(Tolerance.PENALISE, reason)


def _adapt(fn, name):
    fn.__name__ = name
    return per_enterprise(fn)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 40))
def test_adapter_agrees_with_national_batch_code(seed: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    today = dt.date(2026, 1, 1)
    params = load_jurisdiction("national").params
    batch = random_batch(rng, n, today).readonly()
    period = Period.parse("2026Q1")
    for kind in CommitmentKind:
        a = _adapt(_row_commitment_eligible, "credsup_commitment_eligible")(batch, kind, params, today)
        assert (a == national.credsup_commitment_eligible(batch, kind, params, today)).all()
    a = _adapt(_row_inspection, "credsup_inspection_probability")(batch, params, period)
    b = national.credsup_inspection_probability(batch, params, period)
    assert np.allclose(a.chance, b.chance) and (a.basis == b.basis).all()
    if n:
        v = random_violations(rng, batch, 30, today).readonly()
        a = _adapt(_row_tolerance, "credsup_tolerance")(v, batch, params, today)
        assert a.equals(national.credsup_tolerance(v, batch, params, today))


def test_adapter_stacks_decision_values(rng, today) -> None:
    batch = random_batch(rng, 10, today)
    v = random_violations(rng, batch, 6, today)

    @per_enterprise
    def credsup_sanction(violation, decision, enterprise, params, today):
        assert isinstance(decision, ToleranceDecision)
        return Sanction(fine=100.0 * (violation.severity + 1), list_days=10 if violation.severity == 2 else 0)

    from credsup.core.samples import random_decisions

    s = credsup_sanction(v, random_decisions(rng, 6), batch, None, today)
    assert s.fine.tolist() == [100.0 * (x + 1) for x in v.severity.tolist()]
    assert ((s.list_days > 0) == (v.severity == 2)).all()

    @per_enterprise
    def credsup_repair(application, enterprise, params, today):
        return RepairDecision(RepairStatus.NOT_YET, earliest=dt.date(2027, 1, 1), review_days=3)

    apps = random_applications(rng, batch, 4, today)
    d = credsup_repair(apps, batch, None, today)
    assert (d.status == RepairStatus.NOT_YET).all() and (d.earliest == np.datetime64("2027-01-01")).all()


def test_adapted_plugin_runs_through_the_kernel(plugin_dist, rng, today) -> None:
    plugin_dist(
        "rowwise",
        """
        @hookimpl
        @per_enterprise
        def credsup_grade(enterprise, params, today):
            return Grade.D if enterprise.serious_36m else Grade.A
    """,
    )
    j = load_jurisdiction("rowwise")
    batch = random_batch(rng, 40, today)
    assert (j.grade(batch, today) == np.where(batch.serious_36m > 0, 3, 0)).all()
