"""Every parameter of every built-in jurisdiction is live: changed to another valid value, it changes a hook's
answer on a representative batch, or else a simulation's outcome. A parameter that changes nothing is a defect
(fix the rule or remove the parameter), unless the jurisdiction's own text leaves it nothing to act on: those
few are listed in :data:`INERT`, each with its reason, and the test fails when that list is wrong either way.

**The alternative value** of a parameter (docs/configs.md, "Every parameter is live"), unless
:data:`ALTERNATIVES` gives one with its reason:

* a switch is flipped;
* a number is doubled (0 becomes 1), or halved when double is out of its range, rounded for an integer;
* a grade letter moves one class (A to B, the others one class better), a severity one step (minor to
  general, the others one step down), a size class one step up, a ban scope to the other scope;
* a list of names loses its first name (an empty list has its alternative in :data:`ALTERNATIVES`).

**Representative inputs**: the conformance kit's inputs (``credsup.testing.make_inputs``) of every hook,
several seeds, a few hundred rows each: varied records, every sector, key fields, emerging industries,
demonstration enterprises, listings here and elsewhere, industry grades, violations of every item, severity
and source, repair applications with every mix of conditions. **The simulation**, for what no hook answer
shows (the regulator's calendar): the demo scenario cut to 3,000 enterprises, 5 inspectors (its ratio) and
24 months, seed 1; its summary metrics, counts, per-grade and per-month metrics, and the perceived costs at
the evaluations both runs made are compared.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
import pytest

from credsup.core import HOOKS, discover, load_jurisdiction
from credsup.core.columns import Columnar
from credsup.core.config import leaf_paths
from credsup.core.enums import Grade
from credsup.core.errors import ConfigError
from credsup.testing import HookInputs, make_inputs

BUILTIN = sorted(i.name for i in discover() if i.builtin)
SEEDS = (1, 2, 3)
ROWS = 1000

#: Alternatives the general rule cannot give (an empty list has no first name to drop), with why.
ALTERNATIVES: dict[str, Any] = {
    # exploratory levers, off by default: on, with the provinces seed 004 (VIII) names
    "mutual_recognition.regions": ["guangdong", "guangxi"],
    "cross_provincial.regions": ["guangdong", "guangxi"],
    # dropping "complaint" would leave nothing; a wider net is the alternative
    "public_pledge.found_by": ["complaint", "spot_check"],
    # a time limit to verify complaints shows in the complaints verified after it; in the representative
    # world complaints wait a few days (served first, with spare capacity), so a one-day limit is missed
    # where 21 or 42 days never are (and with too few inspectors the backlog outgrows any limit)
    "schedule.complaint_days": 1,
}
#: Parameters tested with others set (a lever that must be on for them to act), with why.
CONTEXT: dict[str, list[tuple[str, Any]]] = {
    # the measure of "minor harm" acts only where the discretion of APL 2021 Art. 33 para 1 (second
    # sentence) is exercised; national, Dalian and Hainan do not exercise it (Shanghai does)
    "tolerance.minor_harm": [("tolerance.exempt_first_minor_harm", True)],
    # the grade of a partner province's listing acts only with the exploratory cross-provincial lever on
    "cross_provincial.listed_grade": [("cross_provincial.regions", ["guangdong", "guangxi"])],
}
#: Parameters a jurisdiction has but its text leaves nothing to act on, with the reason (also in its notes).
INERT: dict[tuple[str, str], str] = {
    ("traditional", "schedule.commitment_check_months"): "traditional supervision accepts no commitments",
    ("traditional", "schedule.demonstration_grading_months"): "traditional supervision has no demonstration status",
    ("traditional", "schedule.grading_months"): (
        "traditional supervision evaluates no credit: everyone is in one class whenever it is evaluated"
    ),
    ("national", "schedule.demonstration_grading_months"): "no demonstration status nationally (a Dalian practice)",
    ("shanghai", "schedule.demonstration_grading_months"): "Shanghai has no demonstration status (national's)",
    ("hainan", "schedule.demonstration_grading_months"): "Hainan has no demonstration status (national's)",
    ("shanghai", "inspection.key_sector_multiplier"): (
        "seed 003 para 11 takes key fields out of the random draws (full coverage, para 8): the national "
        "multiplier of their random rate has nothing to multiply"
    ),
}


# ----------------------------------------------------------------------------------- alternatives


def _field(params: Any, path: str) -> attrs.Attribute:
    *sections, name = path.split(".")
    for part in sections:
        params = getattr(params, part)
    return attrs.fields_dict(type(params))[name]


def alternatives(value: Any, meta: dict[str, Any]) -> list[Any]:
    """Candidate alternative values by the rule of the module docstring, the preferred first."""
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, (int, float)):
        hi = meta.get("hi")
        up = 1 if value == 0 else value * 2
        down = value / 2
        if isinstance(value, int):
            up, down = int(up), (int(down) if int(down) != value else value - 1)
        return [up, down] if hi is None or up <= hi else [down, up]
    if isinstance(value, str):
        letters = [g.name for g in Grade]
        if value in letters:
            return ["B"] if value == "A" else [letters[letters.index(value) - 1]]
        steps = {"minor": "general", "general": "minor", "serious": "general", "micro": "small"}
        steps |= {"small": "medium", "medium": "large", "large": "medium", "industry": "market", "market": "industry"}
        return [steps[value]]
    if isinstance(value, tuple):
        return [list(value[1:])] if value else []
    raise AssertionError(f"no alternative rule for {value!r}")


@functools.cache
def loaded(name: str, overrides: tuple[tuple[str, Any], ...] = ()) -> Any:
    return load_jurisdiction(name, overrides=[(k, list(v) if isinstance(v, tuple) else v) for k, v in overrides])


def alternative(name: str, path: str) -> tuple[tuple[str, Any], ...]:
    """The overrides that change ``path`` of ``name`` to its alternative (with its context)."""
    j = loaded(name)
    value = leaf_paths(j.params)[path]
    context = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in CONTEXT.get(path, []))
    candidates = [ALTERNATIVES[path]] if path in ALTERNATIVES else alternatives(value, _field(j.params, path).metadata)
    for alt in candidates:
        try:
            loaded(name, (*context, (path, tuple(alt) if isinstance(alt, list) else alt)))
        except ConfigError:
            continue
        return (*context, (path, tuple(alt) if isinstance(alt, list) else alt))
    raise AssertionError(f"{name}: {path} = {value!r}: no valid alternative; give one in ALTERNATIVES")


# ----------------------------------------------------------------------------------------- answers


def _day(kwargs: Mapping[str, Any]) -> np.datetime64:
    day = kwargs["today"] if "today" in kwargs else kwargs["period"].start
    return np.datetime64(day, "D")


def wide(call: HookInputs, seed: int) -> HookInputs:
    """The same call with its batches' flags, counts, harm and registration dates redrawn wide (every flag
    a coin toss, counts geometric from 0 (P(0) = 0.45, capped at 8: most records near a grade's cut, some
    long), harm 0-12, registered 0-6 years ago): the kit draws each column as it is
    common, so a rule that needs several uncommon facts at once (a serious, harmful, repeated violation;
    a young emerging enterprise's corrected violation) seldom meets a row there. Kept consistent:
    ``listed`` with ``listed_until`` (untouched), inspections >= clean inspections, earlier violations
    >= earlier ones of the same item."""
    rng = np.random.default_rng([seed, 0x77696465])
    kwargs = dict(call.kwargs)
    today = _day(kwargs)
    for key, value in call.kwargs.items():
        if not isinstance(value, Columnar) or len(value) == 0:
            continue
        n, new = len(value), {}
        for spec in type(value).columns():
            if spec.name in {"listed", "enterprise"}:
                continue
            if spec.dtype == np.dtype(bool):
                new[spec.name] = rng.random(n) < 0.5
            elif spec.unit == "count":
                new[spec.name] = np.minimum(rng.geometric(0.45, n) - 1, 8).astype(spec.dtype)
            elif spec.name == "harm":
                new[spec.name] = rng.uniform(0.0, 12.0, n)
            elif spec.name == "registered":
                new[spec.name] = today - rng.integers(0, 6 * 365, n).astype("timedelta64[D]")
        if "clean_inspections_36m" in new:
            new["inspections_36m"] = (new["clean_inspections_36m"] + rng.integers(0, 4, n)).astype(np.int16)
        if "prior_same_item_36m" in new:
            new["prior_36m"] = (new["prior_same_item_36m"] + rng.integers(0, 4, n)).astype(np.int16)
        kwargs[key] = attrs.evolve(value, **new)
    return attrs.evolve(call, kwargs=kwargs, seed=None)


def dalian_candidates(seed: int) -> HookInputs:
    """Enterprises at the edge of Dalian's demonstration criteria (seed 000 (I)): each meets every criterion
    of the default parameters but one, drawn at random, or none broken. The criteria are a conjunction of
    a dozen facts, so drawn batches (even :func:`wide` ones) hardly ever have a row that meets all the
    others: this batch is where each criterion decides."""
    call = make_inputs("credsup_demonstration", seed=seed, n=ROWS)
    batch, today, rng = call.kwargs["batch"], _day(call.kwargs), np.random.default_rng([seed, 0x64616C])
    d = loaded("dalian").params.demonstration
    n = len(batch)
    good: dict[str, Any] = {
        "sector": np.array([batch.sectors.index(s) for s in d.sectors])[rng.integers(0, len(d.sectors), n)],
        "size": rng.integers(1, 4, n),
        "registered": today - rng.integers(3 * 365, 10 * 365, n).astype("timedelta64[D]"),
        "annual_report_filed": True,
        "social_security_compliant": True,
        "tax_compliant": True,
        "ip_holder": True,
        "abnormal_operation": False,
        "grade": 0,
        **{c: 0 for c in ("serious_36m", "displayed_penalties", "violations_12m", "false_commitments_36m")},
        "verified_complaints_36m": 0,
        "listed": False,
        "listed_until": np.datetime64("NaT", "D"),
        "banned_until": np.datetime64("NaT", "D"),
    }
    dtypes = {spec.name: spec.dtype for spec in type(batch).columns()}
    columns = {k: np.broadcast_to(np.asarray(v), (n,)).astype(dtypes[k]) for k, v in good.items()}
    broken = {
        "size": 0,
        "registered": today - np.timedelta64(100, "D"),
        "annual_report_filed": False,
        "social_security_compliant": False,
        "tax_compliant": False,
        "ip_holder": False,
        "abnormal_operation": True,
        "grade": 1,
        "serious_36m": 1,
        "displayed_penalties": 1,
        "violations_12m": 1,
        "false_commitments_36m": 1,
        "verified_complaints_36m": 2,
    }
    which = rng.integers(0, len(broken) + 1, n)  # len(broken): none broken
    for i, (column, value) in enumerate(broken.items()):
        columns[column][which == i] = value
    return attrs.evolve(call, kwargs={**call.kwargs, "batch": attrs.evolve(batch, **columns)}, seed=None)


@functools.cache
def inputs() -> list[HookInputs]:
    """The kit's inputs of every hook, their :func:`wide` variants and the Dalian candidates."""
    kit = [make_inputs(hook, seed=seed, n=ROWS) for hook in HOOKS for seed in SEEDS]
    return [*kit, *(wide(call, i) for i, call in enumerate(kit)), *(dalian_candidates(seed) for seed in SEEDS)]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Columnar):
        return a.equals(b)
    return np.array_equal(a, b, equal_nan=True)


def hook_answers_differ(name: str, base: tuple[tuple[str, Any], ...], changed: tuple[tuple[str, Any], ...]) -> bool:
    a, b = loaded(name, base), loaded(name, changed)
    for call in inputs():
        if not _same(a.call(call.hook, **call.call_kwargs()), b.call(call.hook, **call.call_kwargs())):
            return True
    return False


#: The representative simulation: the demo scenario cut down (its inspectors-per-enterprise ratio kept).
SCENARIO: tuple[tuple[str, Any], ...] = (("population.enterprises", 3000), ("months", 24), ("regulator.inspectors", 5))
#: Parameters whose effect shows only in another world, with the scenario overrides and why.
SCENARIO_CONTEXT: dict[str, tuple[tuple[str, Any], ...]] = {
    # Dalian's quarterly re-evaluation of its ~150 participants among 3,000 moves too few to show in 24
    # months; among the demo district's 20,000 (30 inspectors, its own ratio) it shows
    "schedule.demonstration_grading_months": (("population.enterprises", 20000), ("regulator.inspectors", 30)),
}


@functools.cache
def simulated(
    name: str, overrides: tuple[tuple[str, Any], ...], world: tuple[tuple[str, Any], ...]
) -> tuple[str, dict[int, str]]:
    """Every outcome of the run: summary metrics, raw counts, per-grade and per-month metrics (a rule may
    move a few enterprises between grades or months only), and the perceived costs by the month of the
    evaluation that computed them."""
    from credsup.simulation import run_simulation
    from credsup.simulation.scenario import load_scenario

    result = run_simulation(load_scenario("demo", [*SCENARIO, *world]), loaded(name, overrides), seed=1)
    outcome = json.dumps([result.summary, result.counts, result.grades, result.periods], sort_keys=True, default=str)
    perceived = {int(c["month"]): json.dumps(c, sort_keys=True, default=str) for c in result.perceived_costs}
    return outcome, perceived


def outcomes_differ(a: tuple[str, dict[int, str]], b: tuple[str, dict[int, str]]) -> bool:
    """Different outcomes, or different perceived costs at an evaluation both runs made (evaluating at
    other dates only, with the same costs, changes nothing an enterprise does)."""
    return a[0] != b[0] or any(a[1][m] != b[1][m] for m in a[1].keys() & b[1].keys())


def live(name: str, path: str) -> str | None:
    """How ``path`` of ``name`` showed itself live ("hooks", "simulation"), or None."""
    changed = alternative(name, path)
    base = changed[:-1]  # the context alone
    if hook_answers_differ(name, base, changed):
        return "hooks"
    world = SCENARIO_CONTEXT.get(path, ())
    if outcomes_differ(simulated(name, base, world), simulated(name, changed, world)):
        return "simulation"
    return None


def parameters() -> list[tuple[str, str]]:
    return [(name, path) for name in BUILTIN for path in leaf_paths(loaded(name).params)]


@pytest.mark.parametrize(("name", "path"), parameters(), ids=lambda x: x)
def test_every_parameter_changes_a_hook_answer_or_a_simulation(name: str, path: str) -> None:
    how = live(name, path)
    if (name, path) in INERT:
        assert how is None, f"{name}: {path} is listed as inert ({INERT[name, path]}) but it changes the {how}"
        return
    assert how is not None, (
        f"{name}: {path} changes nothing (alternative {alternative(name, path)[-1][1]!r}): fix the rule that "
        "should read it, or remove the parameter"
    )


def test_inert_parameters_exist_and_say_why() -> None:
    for (name, path), why in INERT.items():
        assert path in leaf_paths(loaded(name).params), (name, path)
        assert len(why.split()) >= 5


def test_the_alternative_rule() -> None:
    assert alternatives(True, {}) == [False]
    assert alternatives(0.0, {}) == [1, 0.0] and alternatives(0.3, {"hi": 1.0})[0] == pytest.approx(0.6)
    assert alternatives(1.0, {"hi": 1.0})[0] == 0.5  # double is out of range: halved
    assert alternatives(12, {"hi": 60}) == [24, 6] and alternatives(1, {"hi": 7}) == [2, 0]
    assert alternatives("A", {}) == ["B"] and alternatives("D", {}) == ["C"]
    assert alternatives("minor", {}) == ["general"] and alternatives("industry", {}) == ["market"]
    assert alternatives(("a", "b"), {}) == [["b"]] and alternatives((), {}) == []
