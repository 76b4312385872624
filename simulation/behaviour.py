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
from credsup.simulation.members import Members
from credsup.simulation.population import categorical
from credsup.simulation.scenario import Scenario
from credsup.simulation.state import World

DAYS_PER_YEAR = 365.25


# -------------------------------------------------------------------------------- the decision rule


def perceived_inspection(seen: np.ndarray, experience: float, prior: float, weight: float) -> np.ndarray:
    """Posterior mean of the monthly chance of an inspection the enterprise did not bring on itself
    (beta-binomial with forgetting), in [0, 1].

    ``seen`` is the discounted count of months with such an inspection, ``experience`` the discounted count
    of months observed; the prior, probability ``prior``, is worth ``weight`` months now (it fades with
    the same memory as experience, so experience takes over).
    """
    denom = weight + experience
    if denom <= 0.0:
        return np.full(seen.shape, prior, dtype=np.float64)
    return np.minimum(1.0, (weight * prior + seen.astype(np.float64)) / denom)


def detection_chance(p_inspection: np.ndarray, detection: float, p_complaint: np.ndarray) -> np.ndarray:
    """Perceived monthly chance that a violation is found: by an inspection it did not bring on itself, or
    through a complaint about it (the two are learned apart, so neither is counted twice)."""
    return 1.0 - (1.0 - p_inspection * detection) * (1.0 - p_complaint)


def net_gain(
    gain: np.ndarray,
    honesty: np.ndarray,
    p: np.ndarray,
    cost: np.ndarray,
    risk_aversion: float,
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
    risk_aversion: float,
    noise: float,
    shock: np.ndarray | None = None,
    deterrence: np.ndarray | float = 1.0,
) -> np.ndarray:
    """The rule: violate iff the net gain, with the taste shock on the honesty-discounted gain, is strictly
    positive. An enterprise with ``honesty = 1`` never violates.

    With ``honesty = 0``, ``risk_aversion = 0``, ``noise = 0`` and ``deterrence = 1`` this is Becker's
    risk-neutral offender: violate iff ``G > p C``; comply when ``p C >= G``.
    """
    net = net_gain(gain, honesty, p, cost, risk_aversion, deterrence)
    if noise > 0.0 and shock is not None:
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


def perceived_costs_of_members(
    jurisdiction: Any,
    world: World,
    probes: list[np.ndarray],
    scenario: Scenario,
    today: dt.date,
    item_shares: np.ndarray,
    item_severity: np.ndarray,
) -> list[PerceivedCosts]:
    """:func:`perceived_costs` for each member of a batch (``probes``: each member's probe rows), asking
    the hooks once for every member's probe (hooks answer row by row), each member's means over its own
    rows: the costs each member would measure alone."""
    beh = scenario.behaviour
    costs = beh.costs
    typical = typical_items(world.items, item_shares, item_severity)
    if not typical:
        return [PerceivedCosts(np.zeros(3), np.zeros(3)) for _ in probes]
    rows = np.concatenate(probes)
    bounds = np.concatenate([[0], np.cumsum([len(p) for p in probes])])
    sub = world.batch.take(rows)
    m = len(rows)
    t64 = np.datetime64(today, "D")
    harm_mean = np.asarray(beh.harm.array())
    sev_codes = sorted(typical)
    rows_per = 2 * m
    k = len(sev_codes) * rows_per
    enterprise = np.tile(np.arange(m, dtype=np.int64), 2 * len(sev_codes))
    severity = np.repeat(np.array(sev_codes, dtype=np.int8), rows_per)
    item = np.repeat(np.array([typical[s] for s in sev_codes], dtype=np.int16), rows_per)
    corrected = np.tile(np.repeat(np.array([True, False]), m), len(sev_codes))
    same, any_ = world.record.prior_counts(rows[enterprise], item.astype(np.int64))
    harm = harm_mean[severity]
    vb = ViolationBatch(
        enterprise=enterprise,
        item=item,
        severity=severity,
        harm=harm.astype(np.float64),
        harmful=harm >= beh.harmful_threshold,
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
    horizon = costs.horizon_years * DAYS_PER_YEAR
    row_cost = (
        sanctions.fine
        + costs.publicity_per_year * np.minimum(sanctions.publicity_days, horizon) / DAYS_PER_YEAR
        + costs.listing_per_year * np.minimum(sanctions.list_days, horizon) / DAYS_PER_YEAR
        + costs.ban_per_year * np.minimum(sanctions.ban_days, horizon) / DAYS_PER_YEAR
    )
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
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        cost = np.zeros(3)
        complaint = np.zeros(3)
        out.append(PerceivedCosts(cost, complaint))
        if hi == lo:
            continue
        p_correct = float(
            np.clip(beh.correction.base + beh.correction.honesty_weight * world.honesty[rows[lo:hi]].mean(), 0.0, 1.0)
        )
        member_intensity = float(intensity[lo:hi].mean())
        member_verification = float(verification[lo:hi].mean())
        for i, s in enumerate(sev_codes):
            block = row_cost[i * rows_per : (i + 1) * rows_per]
            expected = p_correct * block[lo:hi].mean() + (1.0 - p_correct) * block[m + lo : m + hi].mean()
            cost[s] = expected + costs.downgrade_per_grade * float(steps[s][lo:hi].mean())
            reported = 1.0 - np.exp(-scenario.regulator.complaint_base_rate * member_intensity * harm_mean[s])
            complaint[s] = reported * member_verification * scenario.regulator.detection_probability
    return out


# ----------------------------------------------------------------------------------- the monthly step


@attrs.frozen
class Decisions:
    """What the month's decisions changed: rows that started and that stopped a violation."""

    started: np.ndarray
    stopped: np.ndarray


def decide(
    world: World,
    scenario: Scenario,
    costs: PerceivedCosts | Sequence[PerceivedCosts],
    rng: np.random.Generator | Members,
    day: int,
    item_shares: np.ndarray,
    item_severity: np.ndarray,
) -> Decisions:
    """Each enterprise's choice this month; updates the violation columns of ``world`` in place.

    Draws exactly two uniforms per enterprise from ``rng`` whatever the policy (common random numbers).
    For a batch, ``rng`` is its :class:`~credsup.simulation.members.Members` (each member draws from its own
    ``behaviour`` stream) and ``costs`` has one entry per member.
    """
    beh = scenario.behaviour
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
    if beh.model == "fixed":
        # deterrence off: violate with probability q every month, independently
        want = free & (u < beh.fixed_violation_probability)
        fresh = np.flatnonzero(want & ~world.violating)
        item = categorical(u[fresh].astype(np.float64) / max(beh.fixed_violation_probability, 1e-300), item_shares)
        stopped = np.flatnonzero(free & world.violating & ~want)
    else:
        opp = world.opportunity
        ongoing = np.flatnonzero(free & world.violating)
        newcomer = np.flatnonzero(free & ~world.violating & (u < opp))
        scaled = u[newcomer].astype(np.float64) / np.maximum(opp[newcomer].astype(np.float64), 1e-300)
        cand_item = categorical(scaled, item_shares)
        rows = np.concatenate([ongoing, newcomer])
        severity = np.concatenate([world.v_severity[ongoing], item_severity[cand_item]]).astype(np.intp)
        p_insp = perceived_inspection(
            world.seen[rows], world.experience, beh.perception.prior_per_year / 12.0, world.prior_weight
        )
        who = member[rows]
        p = detection_chance(p_insp, scenario.regulator.detection_probability, complaint_table[who, severity])
        gain = world.gain[rows].astype(np.float64) * np.asarray(beh.gain_by_severity.array())[severity]
        shock = logistic(v[rows]) if beh.noise > 0.0 else None
        yes = violates(
            gain,
            world.honesty[rows].astype(np.float64),
            p,
            cost_table[who, severity],
            beh.risk_aversion,
            beh.noise,
            shock,
            world.deterrence[rows].astype(np.float64),
        )
        k = len(ongoing)
        stopped = ongoing[~yes[:k]]
        chosen = yes[k:]
        fresh = newcomer[chosen]
        item = cand_item[chosen]
    severity = item_severity[item]
    world.violating[stopped] = False
    world.violating[fresh] = True
    world.v_since[fresh] = day
    world.v_item[fresh] = item
    world.v_severity[fresh] = severity
    world.v_harm[fresh] = np.asarray(beh.harm.array(), dtype=np.float32)[severity] * world.harm_factor[fresh]
    return Decisions(started=fresh, stopped=stopped)


def remember_month(
    world: World, inspected: np.ndarray, memory: float, public: np.ndarray | None = None, public_weight: float = 0.0
) -> None:
    """Fold the month's experience into perception: ``seen <- memory * seen + inspected``, the experience
    and the prior's weight fade by ``memory``; with ``public_weight`` > 0, each enterprise also learns from
    the published results of its sector as from ``public_weight`` months at the rate ``public`` (per row)."""
    m = np.float32(memory)
    world.seen *= m
    world.seen[inspected] += np.float32(1.0)
    world.experience = memory * world.experience + 1.0
    world.prior_weight = memory * world.prior_weight
    if public is not None and public_weight > 0.0:
        world.seen += (public_weight * public).astype(np.float32)
        world.experience += public_weight


def learn_from_sanction(world: World, ids: np.ndarray, scenario: Scenario) -> None:
    """Specific deterrence: a sanctioned enterprise remembers extra inspections (they fade with memory)."""
    world.seen[ids] += np.float32(scenario.behaviour.perception.sanction_shock)
