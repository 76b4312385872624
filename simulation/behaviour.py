"""The enterprises' side: a deterrence model of when to violate (Becker 1968; Allingham and Sandmo 1972),
played by enterprises of persistent types (Kagan and Scholz 1984).

Each month every active enterprise that is not under a rectification order either has a violation in
progress, which it reconsiders, or with its type's ``opportunity_per_month`` weighs starting one of an
item drawn from the scenario's mix. It violates iff

    G_s (1 - h) (1 + sigma eps) - r p C_s (1 + rho (1 - p)) > 0,

with ``G_s`` its monthly gain from a violation of severity ``s``, ``h`` its honesty, ``eps`` a standard
logistic taste shock, ``r`` its type's response to deterrence, ``p`` its perceived monthly probability of
detection, ``C_s`` the perceived cost of being caught and ``rho`` its risk aversion (docs/model.md states
and sources every term). The cost ``C_s`` is what the jurisdiction would do: it is measured by asking the
jurisdiction's own hooks about a probe sample (:func:`perceived_costs`), so a policy deters through its
real sanctions, listings, bans and downgrades and never through numbers copied into the simulator.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np

from credsup.core import DetectionSource, Severity, ViolationBatch
from credsup.simulation.member_parameters import MemberParameters
from credsup.simulation.members import Members
from credsup.simulation.scenario import Scenario
from credsup.simulation.state import World

DAYS_PER_YEAR = 365.25


# -------------------------------------------------------------------------------- the decision rule


def perceived_inspection(
    seen: np.ndarray, experience: float | np.ndarray, prior: float | np.ndarray, weight: float | np.ndarray
) -> np.ndarray:
    """Posterior mean of the monthly chance of an inspection the enterprise did not bring on itself
    (beta-binomial with forgetting), in [0, 1].

    ``experience``, ``prior`` and ``weight`` are numbers, or arrays with one value per row of ``seen``
    (a batch whose members differ). ``seen`` is the discounted count of months with such an inspection, ``experience`` the discounted count
    of months observed; the prior, probability ``prior``, is worth ``weight`` months now (it fades with
    the same memory as experience, so experience takes over).
    """
    denom = weight + experience
    if np.ndim(denom) == 0:
        if denom <= 0.0:
            return np.full(seen.shape, prior, dtype=np.float64)
        return np.minimum(1.0, (weight * prior + seen.astype(np.float64)) / denom)
    # per row (a batch whose members differ in their perception): each row as its member alone
    known = denom > 0.0
    p = np.minimum(1.0, (weight * prior + seen.astype(np.float64)) / np.where(known, denom, 1.0))
    return np.where(known, p, prior)


def detection_chance(p_inspection: np.ndarray, detection: float, p_complaint: np.ndarray) -> np.ndarray:
    """Perceived monthly chance that a violation is found: by an inspection it did not bring on itself, or
    through a complaint about it (the two are learned apart, so neither is counted twice)."""
    return 1.0 - (1.0 - p_inspection * detection) * (1.0 - p_complaint)


def net_gain(
    gain: np.ndarray,
    honesty: np.ndarray,
    p: np.ndarray,
    cost: np.ndarray,
    risk_aversion: float | np.ndarray,
    deterrence: np.ndarray | float = 1.0,
) -> np.ndarray:
    """``G (1 - h) - r p C (1 + rho (1 - p))``: the honesty-discounted gain less the certainty equivalent of
    the expected sanction (mean-variance approximation of a risk-averse expected utility), weighed by the
    type's response ``r`` to deterrence."""
    return gain * (1.0 - honesty) - deterrence * p * cost * (1.0 + risk_aversion * (1.0 - p))


def logistic(u: np.ndarray) -> np.ndarray:
    """Standard logistic variates from uniforms in [0, 1): ``log(u) - log1p(-u)``, ``u`` kept in
    [1e-12, 1 - 1e-12]. Computed in place (``np.clip`` and the temporaries took half its time)."""
    x = u.astype(np.float64)  # a copy: the caller's uniforms are left alone
    np.maximum(x, 1e-12, out=x)
    np.minimum(x, 1.0 - 1e-12, out=x)
    tail = np.negative(x)
    np.log1p(tail, out=tail)
    np.log(x, out=x)
    x -= tail
    return x


def violates(
    gain: np.ndarray,
    honesty: np.ndarray,
    p: np.ndarray,
    cost: np.ndarray,
    risk_aversion: float | np.ndarray,
    noise: float | np.ndarray,
    shock: np.ndarray | None = None,
    deterrence: np.ndarray | float = 1.0,
) -> np.ndarray:
    """The rule: violate iff the net gain, with the taste shock on the honesty-discounted gain, is strictly
    positive. An enterprise with ``honesty = 1`` never violates.

    With ``honesty = 0``, ``risk_aversion = 0``, ``noise = 0`` and ``deterrence = 1`` this is Becker's
    risk-neutral offender: violate iff ``G > p C``; comply when ``p C >= G``.
    """
    net = net_gain(gain, honesty, p, cost, risk_aversion, deterrence)
    if shock is not None and np.any(noise > 0.0):  # per row, a noise of 0 adds 0 to a finite net gain
        net = net + noise * gain * (1.0 - honesty) * shock
    return net > 0.0


# ------------------------------------------------------------------------------------ perceived cost


@attrs.frozen
class PerceivedCosts:
    """What an enterprise expects if caught, by severity code (float64[3]): the cost in yuan and the
    monthly chance of being reported and found through a complaint."""

    cost: np.ndarray
    complaint: np.ndarray

    def as_dict(self) -> dict[str, Any]:
        names = [s.name.lower() for s in Severity]
        return {
            "cost": dict(zip(names, self.cost.round(2).tolist())),
            "complaint": dict(zip(names, self.complaint.round(6).tolist())),
        }


def typical_items(items: tuple[str, ...], shares: np.ndarray, severity: np.ndarray) -> dict[int, int]:
    """For each severity, the most common item of that severity in the scenario's mix."""
    out = {}
    for s in Severity:
        codes = [i for i in range(len(items)) if severity[i] == s and shares[i] > 0]
        if codes:
            out[int(s)] = max(codes, key=lambda i: shares[i])
    return out


def perceived_costs(
    jurisdiction: Any,
    world: World,
    rows: np.ndarray,
    scenario: Scenario,
    today: dt.date,
    item_shares: np.ndarray,
    item_severity: np.ndarray,
) -> PerceivedCosts:
    """Ask the jurisdiction what a detected violation of each severity costs, on a probe sample.

    For each severity the probe builds a violation of its typical item and typical harm for every probe
    enterprise, once corrected in time and once not, and calls the tolerance, sanction and grading hooks
    exactly as the regulator would. Costs are weighted by the chance of correcting in time.
    """
    return perceived_costs_of_members(jurisdiction, world, [rows], scenario, today, item_shares, item_severity)[0]


def _parameters(scenario: Scenario | MemberParameters) -> MemberParameters:
    return scenario if isinstance(scenario, MemberParameters) else MemberParameters([scenario])


def perceived_costs_of_members(
    jurisdiction: Any,
    world: World,
    probes: list[np.ndarray],
    scenario: Scenario | MemberParameters,
    today: dt.date,
    item_shares: np.ndarray,
    item_severity: np.ndarray,
) -> list[PerceivedCosts]:
    """:func:`perceived_costs` for each member of a batch (``probes``: each member's probe rows), asking
    the hooks once for every member's probe (hooks answer row by row), each member's means over its own
    rows with its own scenario's parameters (``scenario``: one for all, or the batch's
    :class:`~credsup.simulation.member_parameters.MemberParameters`): the costs each member would
    measure alone."""
    params = _parameters(scenario)
    scenarios = params.scenarios if len(params.scenarios) == len(probes) else [params.scenarios[0]] * len(probes)
    shares = params.item_shares if len(params.item_shares) == len(probes) else [item_shares] * len(probes)
    # each member's typical item of each severity (from its own item mix)
    typicals = [typical_items(world.items, sh, item_severity) for sh in shares]
    sev_codes = sorted(set().union(*typicals))
    if not sev_codes:
        return [PerceivedCosts(np.zeros(3), np.zeros(3)) for _ in probes]
    rows = np.concatenate(probes)
    sizes = [len(p) for p in probes]
    bounds = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    owner = np.repeat(np.arange(len(probes)), sizes)  # the member of each probe row
    sub = world.batch.take(rows)
    m = len(rows)
    t64 = np.datetime64(today, "D")
    # per member and severity: the item and harm of the probe's violation (a member without an item of
    # that severity gets another member's: its rows are asked but not used)
    fallback = {s: next(t[s] for t in typicals if s in t) for s in sev_codes}
    item_table = np.array([[t.get(s, fallback[s]) for s in sev_codes] for t in typicals], dtype=np.int16)
    harm_means = [np.asarray(sc.behaviour.harm.array()) for sc in scenarios]
    harm_table = np.array([[h[s] for s in sev_codes] for h in harm_means])
    threshold = np.array([sc.behaviour.harmful_threshold for sc in scenarios])
    rows_per = 2 * m
    k = len(sev_codes) * rows_per
    enterprise = np.tile(np.arange(m, dtype=np.int64), 2 * len(sev_codes))
    who = owner[enterprise]
    sev_pos = np.repeat(np.arange(len(sev_codes)), rows_per)
    severity = np.array(sev_codes, dtype=np.int8)[sev_pos]
    item = item_table[who, sev_pos]
    corrected = np.tile(np.repeat(np.array([True, False]), m), len(sev_codes))
    same, any_ = world.record.prior_counts(rows[enterprise], item.astype(np.int64))
    harm = harm_table[who, sev_pos]
    vb = ViolationBatch(
        enterprise=enterprise,
        item=item,
        severity=severity,
        harm=harm.astype(np.float64),
        harmful=harm >= threshold[who],
        committed=np.full(k, t64),
        detected=np.full(k, t64),
        source=np.full(k, DetectionSource.SPOT_CHECK, dtype=np.int8),
        corrected=corrected,
        prior_same_item_36m=same,
        prior_36m=any_,
        false_commitment=np.zeros(k, dtype=bool),
        no_fault=np.zeros(k, dtype=bool),  # simulated violations are chosen: never without fault (docs/model.md)
        items=world.items,
    )
    decisions = jurisdiction.tolerance(vb, sub, today)
    sanctions = jurisdiction.sanction(vb, decisions, sub, today)
    before = jurisdiction.grade(sub, today).astype(np.int64)
    intensity = jurisdiction.complaint_intensity(sub, today)
    verification = jurisdiction.complaint_verification(sub, today)
    field = {Severity.MINOR: "minor_36m", Severity.GENERAL: "general_36m", Severity.SERIOUS: "serious_36m"}
    steps = {}
    for s in sev_codes:
        name = field[Severity(s)]
        worse = attrs.evolve(sub, **{name: (getattr(sub, name) + 1).astype(np.int16)})
        steps[s] = np.maximum(0, jurisdiction.grade(worse, today).astype(np.int64) - before)
    out = []
    for mi, (lo, hi) in enumerate(zip(bounds[:-1].tolist(), bounds[1:].tolist())):
        cost = np.zeros(3)
        complaint = np.zeros(3)
        out.append(PerceivedCosts(cost, complaint))
        if hi == lo:
            continue
        beh, reg = scenarios[mi].behaviour, scenarios[mi].regulator
        costs = beh.costs
        horizon = costs.horizon_years * DAYS_PER_YEAR
        p_correct = float(
            np.clip(beh.correction.base + beh.correction.honesty_weight * world.honesty[rows[lo:hi]].mean(), 0.0, 1.0)
        )
        member_intensity = float(intensity[lo:hi].mean())
        member_verification = float(verification[lo:hi].mean())
        for i, s in enumerate(sev_codes):
            if s not in typicals[mi]:
                continue
            # the member's rows of this severity: corrected in time, then not
            at = np.r_[i * rows_per + lo : i * rows_per + hi, i * rows_per + m + lo : i * rows_per + m + hi]
            block = (
                sanctions.fine[at]
                + costs.publicity_per_year * np.minimum(sanctions.publicity_days[at], horizon) / DAYS_PER_YEAR
                + costs.listing_per_year * np.minimum(sanctions.list_days[at], horizon) / DAYS_PER_YEAR
                + costs.ban_per_year * np.minimum(sanctions.ban_days[at], horizon) / DAYS_PER_YEAR
            )
            n = hi - lo
            expected = p_correct * block[:n].mean() + (1.0 - p_correct) * block[n:].mean()
            cost[s] = expected + costs.downgrade_per_grade * float(steps[s][lo:hi].mean())
            harm_mean = harm_means[mi]
            reported = 1.0 - np.exp(-reg.complaint_base_rate * member_intensity * harm_mean[s])
            complaint[s] = reported * member_verification * reg.detection_probability
    return out


# ----------------------------------------------------------------------------------- the monthly step


@attrs.frozen
class Decisions:
    """What the month's decisions changed: rows that started and that stopped a violation."""

    started: np.ndarray
    stopped: np.ndarray


def decide(
    world: World,
    scenario: Scenario | MemberParameters,
    costs: PerceivedCosts | Sequence[PerceivedCosts],
    rng: np.random.Generator | Members,
    day: int,
    item_shares: np.ndarray,
    item_severity: np.ndarray,
) -> Decisions:
    """Each enterprise's choice this month; updates the violation columns of ``world`` in place.

    Draws exactly two uniforms per enterprise from ``rng`` whatever the policy (common random numbers).
    For a batch, ``rng`` is its :class:`~credsup.simulation.members.Members` (each member draws from its own
    ``behaviour`` stream), ``costs`` has one entry per member and ``scenario`` is the batch's
    :class:`~credsup.simulation.member_parameters.MemberParameters` (each member's behaviour).
    """
    params = _parameters(scenario)
    n = world.n
    if isinstance(rng, Members):
        u = rng.random_all("behaviour", np.float32)
        v = rng.random_all("behaviour", np.float32)
        member = rng.member
        cost_table = np.stack([c.cost for c in costs])  # type: ignore[union-attr]
        complaint_table = np.stack([c.complaint for c in costs])  # type: ignore[union-attr]
    else:
        u = rng.random(n, dtype=np.float32)
        v = rng.random(n, dtype=np.float32)
        member = np.zeros(n, dtype=np.intp)
        cost_table = np.asarray(costs.cost)[None]  # type: ignore[union-attr]
        complaint_table = np.asarray(costs.complaint)[None]  # type: ignore[union-attr]
    free = world.active & ~world.under_order
    models = params.per_member("behaviour.model")
    if all(mo == models[0] for mo in models):
        scopes: list[tuple[str, np.ndarray | None]] = [(models[0], None)]
    else:  # members of both models: each model decides for its members' rows
        scopes = [(mo, np.isin(member, [i for i, x in enumerate(models) if x == mo])) for mo in sorted(set(models))]
    parts = []
    for model, scope in scopes:
        free_here = free if scope is None else free & scope
        if model == "fixed":
            parts.append(_decide_fixed(world, params, free_here, u))
        else:
            parts.append(
                _decide_deterrence(world, params, free_here, u, v, member, cost_table, complaint_table, item_severity)
            )
    if len(parts) == 1:
        fresh, item, stopped = parts[0]
    else:
        fresh = np.concatenate([p[0] for p in parts])
        order = np.argsort(fresh, kind="stable")
        fresh, item = fresh[order], np.concatenate([p[1] for p in parts])[order]
        stopped = np.sort(np.concatenate([p[2] for p in parts]))
    severity = item_severity[item]
    world.violating[stopped] = False
    world.violating[fresh] = True
    world.v_since[fresh] = day
    world.v_item[fresh] = item
    world.v_severity[fresh] = severity
    harm = params.lookup("harm", lambda sc: sc.behaviour.harm.array(), fresh, severity, np.float32)
    world.v_harm[fresh] = harm * world.harm_factor[fresh]
    return Decisions(started=fresh, stopped=stopped)


def _decide_fixed(
    world: World, params: MemberParameters, free: np.ndarray, u: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Deterrence off: violate with probability q every month, independently."""
    q = params.value("behaviour.fixed_violation_probability", None, np.float32)  # compared with float32 draws
    want = free & (u < q)
    fresh = np.flatnonzero(want & ~world.violating)
    q_fresh = params.value("behaviour.fixed_violation_probability", fresh)
    item = params.categorical(u[fresh].astype(np.float64) / np.maximum(q_fresh, 1e-300), fresh)
    stopped = np.flatnonzero(free & world.violating & ~want)
    return fresh, item, stopped


def _decide_deterrence(
    world: World,
    params: MemberParameters,
    free: np.ndarray,
    u: np.ndarray,
    v: np.ndarray,
    member: np.ndarray,
    cost_table: np.ndarray,
    complaint_table: np.ndarray,
    item_severity: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The deterrence model (module docstring): ongoing violations are reconsidered, newcomers weigh one."""
    opp = world.opportunity
    ongoing = np.flatnonzero(free & world.violating)
    newcomer = np.flatnonzero(free & ~world.violating & (u < opp))
    scaled = u[newcomer].astype(np.float64) / np.maximum(opp[newcomer].astype(np.float64), 1e-300)
    cand_item = params.categorical(scaled, newcomer)
    rows = np.concatenate([ongoing, newcomer])
    severity = np.concatenate([world.v_severity[ongoing], item_severity[cand_item]]).astype(np.intp)
    who = member[rows]
    experience, weight = world.experience, world.prior_weight
    if isinstance(experience, np.ndarray):  # one per member: each row's member's
        experience = experience[who]
    if isinstance(weight, np.ndarray):
        weight = weight[who]
    prior = params.value("behaviour.perception.prior_per_year", rows)
    p_insp = perceived_inspection(world.seen[rows], experience, prior / 12.0, weight)
    p = detection_chance(p_insp, params.value("regulator.detection_probability", rows), complaint_table[who, severity])
    by_severity = params.lookup("gain_by_severity", lambda sc: sc.behaviour.gain_by_severity.array(), rows, severity)
    gain = world.gain[rows].astype(np.float64) * by_severity
    noise = params.value("behaviour.noise", rows)
    shock = logistic(v[rows]) if np.any(noise > 0.0) else None
    yes = violates(
        gain,
        world.honesty[rows].astype(np.float64),
        p,
        cost_table[who, severity],
        params.value("behaviour.risk_aversion", rows),
        noise,
        shock,
        world.deterrence[rows].astype(np.float64),
    )
    k = len(ongoing)
    stopped = ongoing[~yes[:k]]
    chosen = yes[k:]
    return newcomer[chosen], cand_item[chosen], stopped


def remember_month(
    world: World,
    inspected: np.ndarray,
    memory: float | np.ndarray,
    public: np.ndarray | None = None,
    public_weight: float | np.ndarray = 0.0,
    member: np.ndarray | None = None,
) -> None:
    """Fold the month's experience into perception: ``seen <- memory * seen + inspected``, the experience
    and the prior's weight fade by ``memory``; with ``public_weight`` > 0, each enterprise also learns from
    the published results of its sector as from ``public_weight`` months at the rate ``public`` (per row).

    In a batch whose members differ in perception, ``memory`` and ``public_weight`` are per member
    (float64[K], ``member`` the member of each row) and the world's ``experience`` and ``prior_weight``
    become per member too."""
    if np.ndim(memory):
        assert member is not None
        world.seen *= np.asarray(memory, dtype=np.float32)[member]
    else:
        world.seen *= np.float32(memory)
    world.seen[inspected] += np.float32(1.0)
    world.experience = memory * world.experience + 1.0
    world.prior_weight = memory * world.prior_weight
    if public is not None and np.any(np.asarray(public_weight) > 0.0):
        row_weight = public_weight if not np.ndim(public_weight) else np.asarray(public_weight)[member]
        world.seen += (row_weight * public).astype(np.float32)
        world.experience = world.experience + public_weight  # a weight of 0 adds 0: the member's own sum


def learn_from_sanction(world: World, ids: np.ndarray, scenario: Scenario | MemberParameters) -> None:
    """Specific deterrence: a sanctioned enterprise remembers extra inspections (they fade with memory)."""
    shock = _parameters(scenario).value("behaviour.perception.sanction_shock", ids, np.float32)
    world.seen[ids] += np.float32(shock) if not np.ndim(shock) else shock
