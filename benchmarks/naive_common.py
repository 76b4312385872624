"""credsup's behaviour model written the naive way: one Python object per enterprise.

``naive_simpy.py`` (one SimPy process per enterprise) and ``naive_mesa.py`` (a Mesa model) both play
the rules of this module, which are the equations of docs/model.md for one enterprise at a time:

* the choice, eq. (1): violate iff ``G_s (1 - h)(1 + sigma eps) - r p_s C_s (1 + rho (1 - p_s)) > 0``
  with the type's opportunity draw and deterrence response ``r``, the item mix, the logistic taste shock;
* perceived detection ``p_s = 1 - (1 - pi d)(1 - c_s)``, ``pi`` the beta-binomial posterior with
  forgetting and a fading prior, learned from the enterprise's own inspections; specific deterrence
  after a sanction;
* complaints ``1 - exp(-base I harm)`` (unfounded ones at ``false_complaint_rate``), verified with the
  jurisdiction's probability; spot checks drawn with the jurisdiction's inspection probability;
* inspectors with the scenario's capacity, complaint verifications served before spot checks, a backlog
  when demand exceeds it, drawn checks expiring after ``plan_expiry_months``; detection with
  probability ``d``, false positives; rectification by the jurisdiction's deadline, corrected with
  probability ``base + honesty_weight h``.

The enterprises, the perceived costs ``C_s`` and ``c_s`` and the policy's inputs come from credsup
itself (:func:`prepare`: the same population generator, the jurisdiction's own hooks), so the naive
models play the same world. What they leave out (each is work credsup's run does and they skip, so the
comparison flatters them): the policy is frozen at month 0 (no regrading, no monthly re-evaluation of
inspection probabilities from the record, perceived costs not refreshed); no tolerance or sanction
decision per detected violation (every true detection is treated as penalised), hence no fines,
listings, bans, public records, credit repair or objections; no licence applications or commitment
checks; no full-coverage queue; no record summary (windowed counts); metrics are only the totals
printed below. The Mesa model, being stepped monthly, also rounds rectification deadlines and complaint
arrival to month starts.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import attrs
import numpy as np


@dataclass(frozen=True)
class Rules:
    """The scalar parameters of the rules (docs/model.md), one set for every enterprise."""

    item_cum: tuple[float, ...]  #: cumulative item shares, normalised
    item_severity: tuple[int, ...]
    gain_by_severity: tuple[float, ...]
    harm: tuple[float, ...]  #: harm of a violation by severity, before the enterprise's harm factor
    cost: tuple[float, ...]  #: perceived cost C_s of being caught, yuan
    complaint: tuple[float, ...]  #: perceived monthly chance c_s of being found through a complaint
    prior: float  #: p0, monthly
    strength: float  #: S, months
    memory: float  #: lambda
    shock: float
    detection: float  #: d
    false_positive: float
    risk_aversion: float
    noise: float
    complaint_base: float
    false_complaint: float
    correction_base: float
    correction_weight: float
    rect_days: tuple[int, ...]  #: rectification time limit by severity, days
    visits_per_month: float  #: inspectors' capacity, department visits a month
    inspectors: int
    visits_per_inspector_month: float
    plan_expiry_months: int


@dataclass
class Setup:
    """Everything a naive model needs: the world as plain Python lists, the rules, the calendar."""

    jurisdiction: str
    n: int
    months: int
    seed: int
    starts: list[int]  #: day offset of each month's first day, plus the day after the last month
    experience: list[float]  #: remembered months W at the start of each month (the same for all)
    rules: Rules
    honesty: list[float]
    opportunity: list[float]  #: the type's chance a month of weighing a violation
    deterrence: list[float]  #: the type's response r to the expected sanction
    gain: list[float]
    harm_factor: list[float]
    cost: list[float]  #: capacity cost of inspecting each enterprise, department visits
    p_inspect: list[float]  #: monthly spot-check probability (month 0)
    intensity: list[float]  #: complaint intensity I
    verification: list[float]  #: complaint verification probability
    seen: list[float]
    prepare_s: float = 0.0


def prepare(scenario: Any, jurisdiction: str, seed: int) -> Setup:
    """Generate the scenario's population with credsup and ask the jurisdiction for the policy's inputs."""
    from credsup.core import Period, load_jurisdiction
    from credsup.core.months import add_months
    from credsup.core.plans import period_chance
    from credsup.simulation.behaviour import perceived_costs
    from credsup.simulation.clock import month_starts
    from credsup.simulation.population import generate, item_table
    from credsup.simulation.streams import as_seed_sequence, streams

    t0 = time.perf_counter()
    # the naive baselines play a fixed population: no entry or exit (a process per enterprise, for speed)
    sc = attrs.evolve(scenario, population=attrs.evolve(scenario.population, turnover_per_year=0.0))
    j = load_jurisdiction(jurisdiction)
    seq = as_seed_sequence(seed)
    world, probe = generate(sc, streams(seq)["population"])
    _, shares, severity = item_table(sc)
    today = sc.start
    c = world.cols
    c["grade"][:] = j.grade(world.batch, today)
    c["graded_on"][:] = np.datetime64(today, "D")
    c["demonstration"][:] = j.demonstration(world.batch, today)
    costs = perceived_costs(j, world, probe, sc, today, shares, severity)
    month = Period(today, add_months(today, 1))
    p = period_chance(j.inspection_probability(world.batch, month), month, np.zeros(world.n, dtype=bool))
    intensity = j.complaint_intensity(world.batch, today)
    verification = j.complaint_verification(world.batch, today)
    beh, reg = sc.behaviour, sc.regulator
    if j.schedule.joint_visits:
        cost = 1.0 + reg.joint_visit_extra * (world.departments.astype(np.float64) - 1.0)
    else:
        cost = world.departments.astype(np.float64)
    cum = np.cumsum(shares) / shares.sum()
    lam = beh.perception.memory
    experience = [world.experience]
    for _ in range(sc.months):
        experience.append(lam * experience[-1] + 1.0)
    rules = Rules(
        item_cum=tuple(cum.tolist()),
        item_severity=tuple(int(s) for s in severity),
        gain_by_severity=tuple(beh.gain_by_severity.array()),
        harm=tuple(beh.harm.array()),
        cost=tuple(costs.cost.tolist()),
        complaint=tuple(costs.complaint.tolist()),
        prior=beh.perception.prior_per_year / 12.0,
        strength=beh.perception.prior_strength,
        memory=lam,
        shock=beh.perception.sanction_shock,
        detection=reg.detection_probability,
        false_positive=reg.false_positive_rate,
        risk_aversion=beh.risk_aversion,
        noise=beh.noise,
        complaint_base=reg.complaint_base_rate,
        false_complaint=reg.false_complaint_rate,
        correction_base=beh.correction.base,
        correction_weight=beh.correction.honesty_weight,
        rect_days=tuple(int(d) for d in j.schedule.rectification_days.array()),
        visits_per_month=reg.visits_per_month,
        inspectors=reg.inspectors,
        visits_per_inspector_month=reg.visits_per_inspector_month,
        plan_expiry_months=reg.plan_expiry_months,
    )
    return Setup(
        jurisdiction=jurisdiction,
        n=world.n,
        months=sc.months,
        seed=int(seq.generate_state(1)[0]),
        starts=month_starts(sc.start, sc.months).tolist(),
        experience=experience,
        rules=rules,
        honesty=world.honesty.astype(np.float64).tolist(),
        opportunity=world.opportunity.astype(np.float64).tolist(),
        deterrence=world.deterrence.astype(np.float64).tolist(),
        gain=world.gain.astype(np.float64).tolist(),
        harm_factor=world.harm_factor.astype(np.float64).tolist(),
        cost=cost.tolist(),
        p_inspect=p.tolist(),
        intensity=intensity.tolist(),
        verification=verification.tolist(),
        seen=world.seen.astype(np.float64).tolist(),
        prepare_s=time.perf_counter() - t0,
    )


@dataclass
class Tally:
    """Run totals, the naive models' only metrics."""

    enterprise_months: int = 0
    violating_months: int = 0
    inspections: int = 0
    detections: int = 0
    false_positives: int = 0
    complaints: int = 0
    corrected: int = 0
    expired: int = 0
    delay_days: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        d = dict(vars(self))
        d["violation_prevalence"] = self.violating_months / max(self.enterprise_months, 1)
        d["hit_rate"] = self.detections / self.inspections if self.inspections else None
        return d


class EnterpriseRules:
    """One enterprise's state and rules. A mixin: the SimPy model uses it as is, the Mesa model mixes
    it into a ``mesa.Agent``."""

    def init_enterprise(self, i: int, s: Setup) -> None:
        self.index = i
        self.honesty = s.honesty[i]
        self.opportunity = s.opportunity[i]
        self.deterrence = s.deterrence[i]
        self.gain = s.gain[i]
        self.harm_factor = s.harm_factor[i]
        self.cost = s.cost[i]
        self.p_inspect = s.p_inspect[i]
        self.intensity = s.intensity[i]
        self.verification = s.verification[i]
        self.seen = s.seen[i]
        self.inspected = False
        self.violating = False
        self.severity = 0
        self.harm = 0.0
        self.since = 0  #: day the undetected stretch of the violation began
        self.under_order = False
        self.spot_pending = False

    def decide(self, r: Rules, experience: float, u: float, v: float, day: int) -> None:
        """Eq. (1) for this enterprise this month (docs/model.md, "Choice")."""
        if self.under_order:
            return
        if self.violating:
            s = self.severity
        elif u < self.opportunity:
            item = min(bisect_right(r.item_cum, u / self.opportunity), len(r.item_cum) - 1)
            s = r.item_severity[item]
        else:
            return
        # the prior fades with memory like experience; experience starts at 0, so lambda^t = 1 - (1 - lambda) W
        weight = r.strength * (1.0 - (1.0 - r.memory) * experience)
        pi = min(1.0, (weight * r.prior + self.seen) / (weight + experience)) if weight + experience > 0 else r.prior
        p = 1.0 - (1.0 - pi * r.detection) * (1.0 - r.complaint[s])
        g = self.gain * r.gain_by_severity[s]
        net = g * (1.0 - self.honesty) - self.deterrence * p * r.cost[s] * (1.0 + r.risk_aversion * (1.0 - p))
        if r.noise > 0.0:
            v = min(max(v, 1e-12), 1.0 - 1e-12)
            net += r.noise * g * (1.0 - self.honesty) * (math.log(v) - math.log1p(-v))
        if self.violating:
            if net <= 0.0:
                self.violating = False
        elif net > 0.0:
            self.violating = True
            self.severity = s
            self.harm = r.harm[s] * self.harm_factor
            self.since = day

    def complaint_probability(self, r: Rules) -> float:
        if self.violating and not self.under_order:
            return 1.0 - math.exp(-r.complaint_base * self.intensity * self.harm)
        return r.false_complaint

    def remember(self, r: Rules) -> None:
        """Fold last month's experience into perception: ``seen <- memory seen + inspected``."""
        self.seen = r.memory * self.seen + (1.0 if self.inspected else 0.0)
        self.inspected = False

    def inspect(self, r: Rules, u: float, day: int, tally: Tally) -> bool:
        """An inspection today; True when it detects the violation in progress (a rectification order)."""
        self.inspected = True
        tally.inspections += 1
        if self.violating and not self.under_order:
            if u < r.detection:
                self.under_order = True
                tally.detections += 1
                tally.delay_days += day - self.since
                return True
        elif not self.violating and u < r.false_positive:
            tally.false_positives += 1
        return False

    def deadline(self, r: Rules, u: float, day: int, tally: Tally) -> None:
        """The rectification time limit is over: corrected or not; the sanction deters (docs/model.md)."""
        self.under_order = False
        if u < min(1.0, max(0.0, r.correction_base + r.correction_weight * self.honesty)):
            self.violating = False
            tally.corrected += 1
        else:
            self.since = day
        self.seen += r.shock


@dataclass
class Measured:
    """What a naive benchmark prints (JSON)."""

    model: str
    enterprises: int
    months: int
    wall_s: float
    prepare_s: float
    tally: dict[str, Any] = field(default_factory=dict)

    def as_dict(self, peak: float) -> dict[str, Any]:
        return {
            "model": self.model,
            "enterprises": self.enterprises,
            "months": self.months,
            "wall_s": self.wall_s,
            "enterprise_periods_per_s": self.enterprises * self.months / self.wall_s,
            "prepare_s": self.prepare_s,
            "peak_mb": peak,
            "tally": self.tally,
        }


def command_line(doc: str, measure: Callable[[Setup], Measured], argv: list[str] | None = None) -> int:
    """The command line both naive models share: size and policy in, one line of JSON out."""
    from common import peak_mb, sized_scenario

    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--scenario", default="city")
    parser.add_argument("-j", "--jurisdiction", default="national", help="the policy, frozen at month 0")
    parser.add_argument("--enterprises", type=int, default=20_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    setup = prepare(sized_scenario(args.scenario, args.enterprises, args.months), args.jurisdiction, args.seed)
    print(json.dumps(measure(setup).as_dict(peak_mb())))
    return 0
