"""Scenario configs: the population a policy is played against, its behaviour, the regulator's means, the calendar.

A scenario is a plain TOML file (``configs/scenarios/<name>.toml``) validated into :class:`Scenario`.
Built-in scenarios are found by name; any other path is read as a file. Every section except
``population`` has defaults, so a scenario only writes what it changes; every value, default or not, is
documented with its source or assumption in ``docs/model.md`` (the default of each field below is the
value that page documents).

Units: money in yuan; rates "per month" are probabilities per monthly period; "per year" are expected
events per enterprise-year; harm in harm units (1.0 = the harm of a typical general violation, as in
:class:`credsup.core.cases.ViolationBatch`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

import attrs

from credsup.core.columns import FOREVER, INDEFINITE_DAYS
from credsup.core.config import CONVERTER, load_plain
from credsup.core.params import (
    FIRST_DAY,
    MAX_HARM,
    MAX_YUAN,
    BySeverity,
    date_param,
    fraction,
    name_field,
    numbers_by_name,
    param,
    require,
    section,
)
from credsup.core.shipped import shipped_names, shipped_or_path
from credsup.core.vocabulary import ITEMS

SCENARIO_DIR = files("credsup.configs") / "scenarios"

#: Kinds of :class:`Distribution` and what ``mean`` / ``spread`` mean for each.
DISTRIBUTIONS = {
    "fixed": "every enterprise gets `mean`; `spread` is ignored",
    "beta": "Beta distribution on [0, 1] with mean `mean` and concentration `spread` (= a + b)",
    "lognormal": "log-normal with arithmetic mean `mean` and log-scale standard deviation `spread`",
    "uniform": "uniform on [mean - spread, mean + spread]",
}
#: The largest log-scale standard deviation of a lognormal distribution: assumption, a long tail whose
#: mean a population still shows (the sample mean of 20,000 draws is within about 5 % of `mean` at 2 and
#: 65 % at 3; at 1e6 every draw is 0 or overflows).
MAX_LOG_SD = 3.0
#: The largest concentration (a + b) of a beta distribution: assumption, beyond it every draw equals the mean
#: to six decimals.
MAX_CONCENTRATION = 1e6

#: The first day a scenario may start: the first of the dates credsup supports.
FIRST_START = FIRST_DAY
#: The last day a run may reach: a measure of the longest length (``INDEFINITE_DAYS``) decided on it still
#: ends, with a year to spare, before the date that means "indefinite" (``FOREVER``, 9999-12-31).
LAST_RUN_DAY = FOREVER.astype(dt.date) - dt.timedelta(days=INDEFINITE_DAYS + 366)


# ---------------------------------------------------------------------------------------- population


@attrs.frozen
class Sector:
    name: str = name_field("the sector's name (a vocabulary word plugins may match, such as food_beverage)")
    share: float = fraction("share of enterprises in this sector")
    key: bool = attrs.field(default=False, metadata={"doc": "key-supervision field (seed 003 para 8)"})
    emerging: bool = attrs.field(default=False, metadata={"doc": "emerging industry (seed 003 para 12)"})


@attrs.frozen
class SizeShares:
    micro: float = fraction()
    small: float = fraction()
    medium: float = fraction()
    large: float = fraction()

    def __attrs_post_init__(self) -> None:
        total = self.micro + self.small + self.medium + self.large
        require(abs(total - 1.0) < 1e-6, "large", f"size shares must sum to 1 (they sum to {total:g})")

    def array(self) -> list[float]:
        return [self.micro, self.small, self.medium, self.large]


@attrs.frozen
class Dynamic:
    """Shares of the dynamic-information flags (seed 000 (I)), and how strongly they follow honesty."""

    annual_report_filed: float = fraction("share that filed the last annual report on time", default=0.90)
    tax_compliant: float = fraction("share with no tax arrears", default=0.95)
    social_security_compliant: float = fraction("share paying social security", default=0.93)
    ip_holder: float = fraction("share holding registered IP", default=0.10)
    abnormal_operation: float = fraction("share on the abnormal-operation list", default=0.03)
    self_report_verified: float = fraction("share with verified self-reported information", default=0.20)
    honesty_link: float = fraction(
        "0: flags independent of honesty; 1: the least honest enterprises carry every bad flag", default=0.3
    )


@attrs.frozen
class History:
    """The record an enterprise brings into the simulation (the 36 months before ``start``)."""

    violations_per_year: float = param(
        lo=0.0,
        hi=12.0,
        default=0.3,
        doc="detected violations a year of a wholly dishonest enterprise (scaled by 1 - honesty)",
    )
    inspections_per_year: float = param(lo=0.0, hi=12.0, default=0.1, doc="past inspections a year")


@attrs.frozen
class GradeShares:
    """One share per credit grade, summing to 1."""

    A: float = fraction()
    B: float = fraction()
    C: float = fraction()
    D: float = fraction()

    def __attrs_post_init__(self) -> None:
        total = self.A + self.B + self.C + self.D
        require(abs(total - 1.0) < 1e-3, "D", f"grade shares must sum to 1 (they sum to {total:g})")

    def array(self) -> list[float]:
        return [self.A, self.B, self.C, self.D]


def _dandong_2023() -> GradeShares:
    return GradeShares(A=0.654, B=0.253, C=0.078, D=0.015)


@attrs.frozen
class IndustryEvaluation:
    """Industry credit evaluations (seed 004 (X)): who has one, and the grade it gave (``industry_grade``).

    The grade follows honesty as the dynamic-information flags do (``honesty_link``), so an industry
    evaluation sees the same enterprise the regulator does, with its own noise.
    """

    share: float = fraction("share of enterprises with an industry credit evaluation", default=0.3)
    grades: GradeShares = attrs.field(factory=_dandong_2023)
    honesty_link: float = fraction(
        "0: industry grades independent of honesty; 1: the least honest get the worst grades", default=0.5
    )


def _external_listings() -> dict[str, float]:
    return {"guangdong": 0.003, "guangxi": 0.001, "fujian": 0.001}


@attrs.frozen
class ExternalListings:
    """Enterprises on another province's dishonesty list for the whole run (``external_listing``;
    seed 004 (V), (VIII), (XVI)): the share of enterprises on each region's list, the least honest first
    as far as ``honesty_link`` says."""

    shares: Mapping[str, float] = numbers_by_name(
        lo=0.0, hi=1.0, doc="share of enterprises on each region's dishonesty list", factory=_external_listings
    )
    honesty_link: float = fraction(
        "0: listings elsewhere independent of honesty; 1: the least honest enterprises are listed", default=0.5
    )

    def __attrs_post_init__(self) -> None:
        from credsup.core.vocabulary import REGIONS

        unknown = sorted(set(self.shares) - set(REGIONS))
        require(not unknown, "shares", f"unknown region(s) {', '.join(unknown)}; regions: {', '.join(REGIONS)}")
        total = sum(self.shares.values())
        require(total <= 1.0, "shares", f"shares must sum to at most 1 (they sum to {total:g})")


@attrs.frozen
class Population:
    enterprises: int = param(lo=1, hi=20_000_000, doc="number of enterprises")
    sectors: tuple[Sector, ...] = attrs.field(kw_only=True)
    sizes: SizeShares = attrs.field(kw_only=True)
    mean_age_years: float = param(lo=0.1, hi=100.0, doc="mean age at the start", unit="years")
    turnover_per_year: float = param(
        lo=0.0,
        hi=0.9,
        default=0.0,
        doc="yearly exit rate; each exit is replaced by a new enterprise (0: no entry or exit; docs/model.md)",
        unit="per year",
    )
    departments: float = param(
        lo=1.0,
        hi=10.0,
        default=1.6,
        doc="mean number of departments with inspection items at one enterprise (seed 003 para 11)",
    )
    dynamic: Dynamic = attrs.field(factory=Dynamic)
    history: History = attrs.field(factory=History)
    industry_evaluation: IndustryEvaluation = attrs.field(factory=IndustryEvaluation)
    external_listings: ExternalListings = attrs.field(factory=ExternalListings)

    def __attrs_post_init__(self) -> None:
        require(len(self.sectors) > 0, "sectors", "at least one sector is needed")
        total = sum(s.share for s in self.sectors)
        require(abs(total - 1.0) < 1e-6, "sectors", f"sector shares must sum to 1 (they sum to {total:g})")
        names = [s.name for s in self.sectors]
        dup = sorted({n for n in names if names.count(n) > 1})
        require(not dup, "sectors", f"duplicate sector names: {', '.join(dup)}")


# ----------------------------------------------------------------------------------------- behaviour


@attrs.frozen
class Distribution:
    """A distribution over enterprises: ``{ kind = "beta", mean = 0.7, spread = 2.0 }`` (see DISTRIBUTIONS)."""

    mean: float = param(lo=0.0, hi=MAX_YUAN, doc="the mean, in the unit of what is drawn")
    kind: str = "fixed"
    spread: float = param(
        lo=0.0,
        hi=MAX_CONCENTRATION,
        default=0.0,
        doc="beta: concentration a + b; lognormal: log-scale sd (at most 3); uniform: half-width (at most mean)",
    )

    def __attrs_post_init__(self) -> None:
        require(
            self.kind in DISTRIBUTIONS,
            "kind",
            f"unknown distribution {self.kind!r}; expected one of {', '.join(DISTRIBUTIONS)}",
        )
        if self.kind == "beta":
            require(0.0 < self.mean < 1.0, "mean", f"a beta distribution needs 0 < mean < 1 (got {self.mean:g})")
            require(self.spread > 0.0, "spread", "a beta distribution needs a concentration spread > 0")
        if self.kind == "lognormal":
            require(
                self.spread <= MAX_LOG_SD,
                "spread",
                f"a lognormal distribution's log-scale sd must be <= {MAX_LOG_SD:g} (got {self.spread:g})",
            )
        if self.kind == "uniform":
            require(
                self.spread <= self.mean,
                "spread",
                f"uniform on [mean - spread, mean + spread] must stay >= 0 (spread {self.spread:g} > "
                f"mean {self.mean:g})",
            )


@attrs.frozen(kw_only=True)
class Honesty(Distribution):
    """The honesty trait: a distribution on [0, 1] (fixed, beta, or uniform within [0, 1])."""

    mean: float = param(lo=0.0, hi=1.0, doc="mean honesty")

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        require(
            self.kind != "lognormal",
            "kind",
            "honesty lies in [0, 1]: use a fixed, beta or uniform distribution (a lognormal one is unbounded)",
        )
        if self.kind == "uniform":
            require(
                self.mean + self.spread <= 1.0,
                "spread",
                f"honesty lies in [0, 1]: mean + spread must be <= 1 (got {self.mean + self.spread:g})",
            )


@attrs.frozen(kw_only=True)
class Gain(Distribution):
    """The monthly gain of a general violation for a micro enterprise, in yuan."""

    mean: float = param(lo=0.0, hi=MAX_YUAN, doc="mean monthly gain", unit="yuan")


@attrs.frozen
class PerSize:
    """A factor per size class (assumption: at most 1,000, the ratio of a large enterprise's turnover to a
    micro one's is of that order)."""

    micro: float = param(lo=0.0, hi=1000.0, unit="factor")
    small: float = param(lo=0.0, hi=1000.0, unit="factor")
    medium: float = param(lo=0.0, hi=1000.0, unit="factor")
    large: float = param(lo=0.0, hi=1000.0, unit="factor")

    def array(self) -> list[float]:
        return [self.micro, self.small, self.medium, self.large]


def _default_items() -> dict[str, float]:
    return {
        "price_marking": 0.16,
        "licence_display": 0.08,
        "record_keeping": 0.14,
        "annual_report": 0.05,
        "labelling": 0.10,
        "advertising": 0.09,
        "hygiene": 0.10,
        "contract_terms": 0.06,
        "product_quality": 0.09,
        "unlicensed_operation": 0.04,
        "counterfeit": 0.03,
        "safety_hazard": 0.04,
        "fraud": 0.02,
    }


@attrs.frozen
class Perception:
    """How an enterprise perceives its monthly chance of an inspection it did not bring on itself
    (docs/model.md, "Perceived detection"): a prior that fades as its own experience accumulates, and,
    optionally, what it learns from the published spot-check results of others ("one public")."""

    prior_per_year: float = param(
        lo=0.0, hi=12.0, default=0.1, doc="inspections a year an enterprise expects before any experience"
    )
    prior_strength: float = param(
        lo=0.0,
        hi=1e9,
        default=6.0,
        doc="weight of the prior at the start, in months of experience; it fades with memory like experience",
        unit="months",
    )
    memory: float = param(
        lo=0.0, hi=1.0, default=0.97, doc="monthly factor by which past experience is kept (1 = never forgets)"
    )
    sanction_shock: float = param(
        lo=0.0, hi=1000.0, default=1.0, doc="extra 'inspections' remembered after a sanction (specific deterrence)"
    )
    public_weight: float = param(
        lo=0.0,
        hi=1000.0,
        default=0.0,
        doc="months of experience that a month of published spot-check results of the enterprise's own sector "
        "is worth (0: enterprises learn from their own inspections only)",
        unit="months",
    )


@attrs.frozen
class Costs:
    """What the consequences of a detected violation cost the enterprise, beyond the fine (yuan)."""

    publicity_per_year: float = param(
        lo=0.0, hi=MAX_YUAN, default=5_000.0, doc="reputation cost of a year of public display", unit="yuan"
    )
    listing_per_year: float = param(
        lo=0.0,
        hi=MAX_YUAN,
        default=100_000.0,
        doc="cost of a year on a dishonesty list under joint punishment",
        unit="yuan",
    )
    ban_per_year: float = param(
        lo=0.0, hi=MAX_YUAN, default=300_000.0, doc="lost profit of a year of market or industry ban", unit="yuan"
    )
    downgrade_per_grade: float = param(
        lo=0.0, hi=MAX_YUAN, default=5_000.0, doc="cost of one grade step down", unit="yuan"
    )
    horizon_years: float = param(
        lo=0.1, hi=100.0, default=5.0, doc="longest stretch of a listing or ban an enterprise counts"
    )


@attrs.frozen
class Correction:
    """Whether a detected violation is corrected by its rectification deadline."""

    base: float = fraction("probability a wholly dishonest enterprise corrects in time", default=0.6)
    honesty_weight: float = fraction("added per unit of honesty", default=0.35)


@attrs.frozen
class Commitments:
    """Licences obtained on a notification-commitment, and false commitments (seed 004 (I)-(II))."""

    applications_per_year: float = param(
        lo=0.0, hi=12.0, default=0.2, doc="licence or permit applications per enterprise-year"
    )
    conditions_unmet: float = fraction("share of applicants that do not meet the licence conditions", default=0.15)
    false_propensity: float = fraction(
        "probability a wholly dishonest applicant that does not meet the conditions commits falsely", default=0.8
    )


@attrs.frozen
class Repair:
    """Credit-repair applications and objections against records."""

    application_per_month: float = fraction(
        "probability an enterprise with a repairable record applies in a month", default=0.3
    )
    objection_wrongful: float = fraction("probability a wrongly recorded enterprise objects", default=0.8)
    objection_rightful: float = fraction("probability a rightly recorded enterprise objects anyway", default=0.03)
    training: float = fraction(
        "share of repair applicants that completed credit-repair training (seed 004 (XXVI))", default=0.5
    )
    credit_report: float = fraction(
        "share of repair applicants that submit a credit report (seed 004 (XXVI))", default=0.3
    )
    public_service: float = fraction(
        "share of repair applicants that took part in public welfare activities (seed 004 (XXVI))", default=0.5
    )


@attrs.frozen
class Committed:
    """Enterprises that comply whatever the risk: Braithwaite's postures of commitment and capitulation;
    Kagan and Scholz's (1984) good or political citizens where they accept the rules. They never choose to
    violate (a false finding can still be recorded against them)."""

    share: float = fraction("share of enterprises that comply whatever the risk", default=0.45)


@attrs.frozen
class Calculator:
    """Amoral calculators (Kagan and Scholz 1984; Braithwaite's game playing and resistance): they weigh the
    gain of a violation against its expected sanction (docs/model.md, equation 1). Their share is what
    the other types leave."""

    honesty: Honesty = attrs.field(factory=lambda: Honesty(mean=0.6, kind="beta", spread=2.0))
    deterrence: float = fraction("response to the expected sanction (1: the full Becker response)", default=1.0)
    opportunity_per_month: float = fraction("chance per month that a compliant one weighs violating", default=0.25)


@attrs.frozen
class Incompetent:
    """The organisationally incompetent (Kagan and Scholz 1984): they violate for want of knowledge, staff
    or money rather than by choice, and respond weakly to deterrence."""

    share: float = fraction("share of enterprises that violate out of incapacity", default=0.15)
    honesty: Honesty = attrs.field(factory=lambda: Honesty(mean=0.3, kind="beta", spread=2.0))
    deterrence: float = fraction("response to the expected sanction (0: none, 1: full)", default=0.05)
    opportunity_per_month: float = fraction("chance per month that a compliant one slips into a violation", default=0.5)


@attrs.frozen
class Types:
    """Persistent enterprise types (docs/model.md, "Enterprise types"); calculators are the rest."""

    committed: Committed = attrs.field(factory=Committed)
    calculator: Calculator = attrs.field(factory=Calculator)
    incompetent: Incompetent = attrs.field(factory=Incompetent)

    def __attrs_post_init__(self) -> None:
        rest = 1.0 - self.committed.share - self.incompetent.share
        require(
            rest >= -1e-9,
            "committed",
            f"committed.share + incompetent.share must be at most 1 (they sum to {1.0 - rest:g}); calculators "
            "are the rest",
        )

    @property
    def shares(self) -> list[float]:
        """Shares in :data:`TYPE_NAMES` order (committed, calculator, incompetent)."""
        c, i = self.committed.share, self.incompetent.share
        return [c, max(0.0, 1.0 - c - i), i]


#: The enterprise types, in code order (``World.etype``).
TYPE_NAMES = ("committed", "calculator", "incompetent")


@attrs.frozen
class Behaviour:
    """The deterrence model of docs/model.md (Becker 1968; Allingham and Sandmo 1972) and the enterprise
    types it is played by."""

    model: str = "deterrence"
    fixed_violation_probability: float = fraction(
        "q: violation probability per enterprise-month when model = 'fixed' (deterrence off)", default=0.1
    )
    types: Types = attrs.field(factory=Types)
    gain: Gain = attrs.field(factory=lambda: Gain(mean=600.0, kind="lognormal", spread=1.0))
    gain_by_size: PerSize = attrs.field(factory=lambda: PerSize(micro=1.0, small=2.0, medium=5.0, large=12.0))
    gain_by_severity: BySeverity = section(
        "factor on the gain by severity", hi=1000.0, unit="factor", factory=lambda: BySeverity(0.5, 1.0, 20.0)
    )
    risk_aversion: float = param(
        lo=0.0, hi=100.0, default=0.5, doc="rho: certainty-equivalent loading of the sanction risk"
    )
    noise: float = param(
        lo=0.0,
        hi=100.0,
        default=0.3,
        doc="sigma: scale of the logistic taste shock, relative to the honesty-discounted gain",
    )
    items: Mapping[str, float] = numbers_by_name(
        lo=0.0, hi=1.0, doc="share of each violation item in the mix", factory=_default_items
    )
    harm: BySeverity = section(
        "harm by severity", hi=MAX_HARM, unit="harm units", factory=lambda: BySeverity(0.2, 1.0, 3.0)
    )
    harmful_threshold: float = param(
        lo=0.0,
        hi=MAX_HARM,
        default=1.5,
        doc="a violation with at least this harm 'caused harmful consequences'",
        unit="harm units",
    )
    probe_size: int = param(
        lo=1,
        hi=1_000_000,
        default=400,
        doc="enterprises in the sample on which the jurisdiction's sanctions are probed (perceived costs)",
    )
    perception: Perception = attrs.field(factory=Perception)
    costs: Costs = attrs.field(factory=Costs)
    correction: Correction = attrs.field(factory=Correction)
    commitments: Commitments = attrs.field(factory=Commitments)
    repair: Repair = attrs.field(factory=Repair)

    def __attrs_post_init__(self) -> None:
        require(self.model in ("deterrence", "fixed"), "model", f"must be 'deterrence' or 'fixed' (got {self.model!r})")
        require(bool(self.items), "items", "at least one violation item is needed")
        unknown = sorted(set(self.items) - set(ITEMS))
        require(
            not unknown,
            "items",
            f"unknown item(s) {', '.join(unknown)}; standard items: "
            f"{', '.join(n for n in ITEMS if n != 'false_commitment')}",
        )
        require(
            "false_commitment" not in self.items,
            "items",
            "false_commitment is not chosen by enterprises: it comes from verified commitments",
        )
        total = sum(self.items.values())
        require(abs(total - 1.0) < 1e-6, "items", f"item shares must sum to 1 (they sum to {total:g})")


# ----------------------------------------------------------------------------------------- regulator


#: Upper bound of ``regulator.random_check_scale``: a factor this large turns any published yearly share of
#: 1 % or more into a certain check, so a larger one changes nothing a policy can state.
RANDOM_CHECK_SCALE_MAX = 100.0


@attrs.frozen
class Regulator:
    """The regulator's means: inspectors and what an inspection finds."""

    inspectors: int = param(lo=0, hi=1_000_000, default=30, doc="inspectors (or inspection teams)")
    visits_per_inspector_month: float = param(
        lo=0.0, hi=1000.0, default=12.0, doc="department visits one inspector makes in a month"
    )
    joint_visit_extra: float = fraction(
        "capacity each further department's items add to a joint visit (1 = no saving)", default=0.3
    )
    detection_probability: float = fraction("chance an inspection finds a violation in progress", default=0.8)
    false_positive_rate: float = fraction(
        "chance an inspection of a compliant enterprise records a violation", default=0.01
    )
    complaint_base_rate: float = param(
        lo=0.0,
        hi=1.0,
        default=0.05,
        doc="monthly chance that a violation of harm 1 is reported at complaint intensity 1",
    )
    false_complaint_rate: float = fraction(
        "monthly chance of an unfounded complaint about a compliant enterprise", default=0.0005
    )
    working_days_per_week: int = param(lo=1, hi=7, default=5, doc="days a week inspectors work")
    plan_expiry_months: int = param(
        lo=1, hi=120, default=3, doc="a drawn spot check not done within this many months is dropped"
    )
    random_check_scale: float = param(
        lo=0.0,
        hi=RANDOM_CHECK_SCALE_MAX,
        default=1.0,
        doc="multiplier on the jurisdiction's random-draw inspection rates (yearly spot-check shares and chances "
        "per period, not full coverage; complaints, commitments and follow-ups are untouched), each capped at 1: "
        "the equal-effort "
        "comparison's factor (docs/results.md, 'Equal effort'); 1 = the policy as written",
    )

    @property
    def visits_per_month(self) -> float:
        return self.inspectors * self.visits_per_inspector_month


# ------------------------------------------------------------------------------------------- metrics


@attrs.frozen
class Metrics:
    """Settings of the measurements (docs/metrics.md), not of the world."""

    recidivism_days: int = param(
        lo=1,
        hi=36_500,
        default=365,
        doc="follow-up after a repair within which a new detected violation counts as recidivism",
        unit="days",
    )


# -------------------------------------------------------------------------------------------- scenario


@attrs.frozen
class Scenario:
    """A population and a calendar to play a policy against."""

    scenario: str = name_field("the scenario's name")
    start: dt.date = date_param(lo=FIRST_START, hi=LAST_RUN_DAY, doc="the first day of the first period")
    months: int = param(lo=1, hi=600, doc="number of measured monthly periods, from start", unit="months")
    population: Population = attrs.field(kw_only=True)
    warmup_months: int = param(
        lo=0,
        hi=600,
        default=72,
        doc="months the model runs before start, measuring nothing (72: Welch's procedure on national/demo, "
        "prevalence and grade mix at their plateau by month 58-66, rounded up to whole grading years; docs/model.md, "
        "Warm-up)",
        unit="months",
    )
    title: str = ""
    behaviour: Behaviour = attrs.field(factory=Behaviour)
    regulator: Regulator = attrs.field(factory=Regulator)
    metrics: Metrics = attrs.field(factory=Metrics)

    def __attrs_post_init__(self) -> None:
        year, month = divmod(self.start.month - 1 + self.months, 12)
        last = dt.date(self.start.year + year, month + 1, 1) if self.start.year + year <= 9999 else dt.date.max
        require(
            last <= LAST_RUN_DAY,
            "months",
            f"the run would end on {last}, after the last day a run may reach ({LAST_RUN_DAY}): start earlier or "
            "run fewer months",
        )


def builtin_scenarios() -> list[str]:
    """Names of the scenarios shipped in ``configs/scenarios``."""
    return shipped_names(SCENARIO_DIR)


def scenario_path(name_or_path: str) -> Path:
    """A built-in scenario's file by name, or the given path if it is a file."""
    return shipped_or_path(
        name_or_path,
        SCENARIO_DIR,
        lambda: (
            f"unknown scenario '{name_or_path}': not a built-in scenario ({', '.join(builtin_scenarios())}) "
            "and no such file"
        ),
    )


def scenario_record(scenario: Scenario) -> dict[str, Any]:
    """The full resolved scenario as JSON-ready data (what a run or an experiment records)."""
    data = CONVERTER.unstructure(scenario)
    data["start"] = scenario.start.isoformat()
    return data


def load_scenario(name_or_path: str, overrides: Sequence[tuple[str, Any]] = ()) -> Scenario:
    """Load and validate a scenario by built-in name or path; ``overrides`` as from ``--set``.

    Overrides apply to the complete scenario, defaults included, so ``behaviour.honesty.mean=0.8`` works
    even when the file leaves ``behaviour.honesty`` to its default.
    """
    path = scenario_path(str(name_or_path))
    scenario = load_plain(path, Scenario, sourced_values=True)  # calibrated values carry their source
    if not overrides:
        return scenario
    return load_plain(path, Scenario, overrides=overrides, data=CONVERTER.unstructure(scenario))
