"""Every built-in jurisdiction's every hook keeps the contract on random batches (hypothesis).

Hooks are called through ``load_jurisdiction(...)``, so the kernel validates each result (type, length,
dtype, range, NaN) and a violation fails the test with the plugin and hook named. On top of that we check
what the kernel cannot see in one call: row independence (a hook's answer for a row does not depend on
the other rows, so the simulator may split batches), determinism, and the commitment invariant that an
enterprise under joint punishment is barred from notification and certification commitments.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credsup.core import (
    HOOKS,
    Columnar,
    CommitmentKind,
    Jurisdiction,
    Period,
    RepairStatus,
    discover,
    load_jurisdiction,
)
from credsup.core.samples import (
    random_applications,
    random_batch,
    random_decisions,
    random_objections,
    random_violations,
)
from credsup.plugins.national import under_joint_punishment

BUILTIN = sorted(i.name for i in discover() if i.builtin)


@cache
def jurisdiction(name: str) -> Jurisdiction:
    return load_jurisdiction(name)


def test_the_five_built_in_jurisdictions_are_installed() -> None:
    assert BUILTIN == ["dalian", "hainan", "national", "shanghai", "traditional"]
    assert all(i.status == "ok" for i in discover() if i.builtin)


def same(a: object, b: object) -> bool:
    if isinstance(a, Columnar):
        return a.equals(b)  # type: ignore[arg-type]
    return np.array_equal(a, b, equal_nan=True)  # type: ignore[arg-type]


def take(result: object, idx: np.ndarray) -> object:
    return result.take(idx) if isinstance(result, Columnar) else result[idx]  # type: ignore[index,attr-defined]


@pytest.mark.parametrize("name", BUILTIN)
@settings(max_examples=50, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(0, 60),
    m=st.integers(0, 30),
    day=st.dates(dt.date(2021, 1, 1), dt.date(2032, 12, 31)),
    period=st.sampled_from(["month", "quarter", "year"]),
    graded=st.booleans(),
)
def test_every_hook_keeps_the_contract_on_random_batches(name, seed, n, m, day, period, graded) -> None:
    j = jurisdiction(name)
    rng = np.random.default_rng(seed)
    batch = random_batch(rng, n, day, graded=graded)
    span = {
        "month": f"{day.year}-{day.month:02d}",
        "quarter": f"{day.year}Q{(day.month - 1) // 3 + 1}",
        "year": str(day.year),
    }[period]
    m = m if n else 0
    violations = random_violations(rng, batch, m, day)
    decisions = random_decisions(rng, m)
    applications = random_applications(rng, batch, m, day)
    unknown = rng.random(m) < 0.1  # a few applications whose record date is unknown
    applications = attrs.evolve(
        applications, recorded=np.where(unknown, np.datetime64("NaT"), applications.recorded).astype("M8[D]")
    )
    objections = random_objections(rng, batch, m, day)

    # One call per hook (and per commitment kind); the kernel validates every result.
    calls = {
        "credsup_grade": lambda b: j.grade(b, day),
        "credsup_demonstration": lambda b: j.demonstration(b, day),
        "credsup_inspection_probability": lambda b: j.inspection_probability(b, Period.parse(span)),
        "credsup_complaint_intensity": lambda b: j.complaint_intensity(b, day),
        "credsup_complaint_verification": lambda b: j.complaint_verification(b, day),
    }
    for kind in CommitmentKind:
        calls[f"credsup_commitment_eligible/{kind.name}"] = lambda b, k=kind: j.commitment_eligible(b, k, day)
        calls[f"credsup_commitment_verification/{kind.name}"] = lambda b, k=kind: j.commitment_verification(b, k, day)
    case_calls = {
        "credsup_tolerance": lambda idx: j.tolerance(violations.take(idx), batch, day),
        "credsup_sanction": lambda idx: j.sanction(violations.take(idx), decisions.take(idx), batch, day),
        "credsup_repair": lambda idx: j.repair(applications.take(idx), batch, day),
        "credsup_objection": lambda idx: j.objection(objections.take(idx), batch, day),
    }
    assert {c.split("/")[0] for c in [*calls, *case_calls]} == set(HOOKS)

    # Row independence and determinism: the answer for a shuffled subset is the subset of the answer.
    sub = rng.permutation(n)[: rng.integers(0, n + 1)]
    for label, call in calls.items():
        full = call(batch)
        assert same(call(batch), full), f"{name} {label}: not deterministic"
        assert same(call(batch.take(sub)), take(full, sub)), f"{name} {label}: rows depend on each other"
    every, part = np.arange(m), rng.permutation(m)[: rng.integers(0, m + 1)]
    for label, call in case_calls.items():
        full = call(every)
        assert same(call(part), take(full, part)), f"{name} {label}: rows depend on each other"

    # A repair decision has an earliest date unless it is refused (RepairDecision contract).
    r = j.repair(applications, batch, day)
    assert np.array_equal(np.isnat(r.earliest), r.status == RepairStatus.REFUSED), name

    # The commitment invariant of the contract (seed 002 line 19; seed 004 (V)).
    punished = under_joint_punishment(batch, day)
    for kind in (CommitmentKind.NOTIFICATION, CommitmentKind.CERTIFICATION):
        assert not j.commitment_eligible(batch, kind, day)[punished].any(), name
