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

from credsup.core.config import CONVERTER, load_plain
from credsup.core.errors import InputError
from credsup.core.params import BySeverity, fraction, param, require
from credsup.core.vocabulary import ITEMS

SCENARIO_DIR = files("credsup.configs") / "scenarios"

#: Kinds of :class:`Distribution` and what ``mean`` / ``spread`` mean for each.
DISTRIBUTIONS = {
    "fixed": "every enterprise gets `mean`; `spread` is ignored",
    "beta": "Beta distribution on [0, 1] with mean `mean` and concentration `spread` (= a + b)",
    "lognormal": "log-normal with arithmetic mean `mean` and log-scale standard deviation `spread`",
    "uniform": "uniform on [mean - spread, mean + spread]",
}


# ---------------------------------------------------------------------------------------- population


@attrs.frozen
class Sector:
    name: str
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
        "0: flags independent of honesty; 1: the least honest enterprises carry every bad flag", default=0.5
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
class Population:
    enterprises: int = param(lo=1, hi=20_000_000, doc="number of enterprises")
    sectors: tuple[Sector, ...] = attrs.field(kw_only=True)
    sizes: SizeShares = attrs.field(kw_only=True)
    mean_age_years: float = param(lo=0.1, hi=100.0, doc="mean age at the start", unit="years")
    departments: float = param(
        lo=1.0,
        hi=10.0,
        default=1.6,
        doc="mean number of departments with inspection items at one enterprise (seed 003 para 11)",
    )
    dynamic: Dynamic = attrs.field(factory=Dynamic)
    history: History = attrs.field(factory=History)

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

    mean: float = param(lo=0.0)
    kind: str = "fixed"
    spread: float = param(lo=0.0, default=0.0)

    def __attrs_post_init__(self) -> None:
        require(
            self.kind in DISTRIBUTIONS,
            "kind",
            f"unknown distribution {self.kind!r}; expected one of {', '.join(DISTRIBUTIONS)}",
        )
        if self.kind == "beta":
            require(0.0 < self.mean < 1.0, "mean", f"a beta distribution needs 0 < mean < 1 (got {self.mean:g})")
            require(self.spread > 0.0, "spread", "a beta distribution needs a concentration spread > 0")
        if self.kind == "uniform":
            require(
                self.spread <= self.mean,
                "spread",
                f"uniform on [mean - spread, mean + spread] must stay >= 0 (spread {self.spread:g} > "
                f"mean {self.mean:g})",
            )


@attrs.frozen
class PerSize:
    micro: float = param(lo=0.0)
    small: float = param(lo=0.0)
    medium: float = param(lo=0.0)
    large: float = param(lo=0.0)

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
    """How an enterprise perceives its monthly chance of inspection and learns it from its own inspections."""

    prior_per_year: float = param(
        lo=0.0, hi=12.0, default=0.1, doc="inspections a year an enterprise expects before any experience"
    )
    prior_strength: float = param(lo=0.0, hi=1e9, default=24.0, doc="weight of the prior, in months of experience")
    memory: float = param(
        lo=0.0, hi=1.0, default=0.97, doc="monthly factor by which past experience is kept (1 = never forgets)"
    )
    sanction_shock: float = param(
        lo=0.0, hi=1000.0, default=3.0, doc="extra 'inspections' remembered after a sanction (specific deterrence)"
    )


@attrs.frozen
class Costs:
    """What the consequences of a detected violation cost the enterprise, beyond the fine (yuan)."""

    publicity_per_year: float = param(lo=0.0, default=5_000.0, doc="reputation cost of a year of public display")
    listing_per_year: float = param(
        lo=0.0, default=100_000.0, doc="cost of a year on a dishonesty list under joint punishment"
    )
    ban_per_year: float = param(lo=0.0, default=300_000.0, doc="lost profit of a year of market or industry ban")
    downgrade_per_grade: float = param(lo=0.0, default=5_000.0, doc="cost of one grade step down")
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
        "share of repair applicants that completed credit-repair training (seed 004 (XXVI))", default=1.0
    )
    credit_report: float = fraction(
        "share of repair applicants that submit a credit report (seed 004 (XXVI))", default=1.0
    )
    public_service: float = fraction(
        "share of repair applicants that took part in public welfare activities (seed 004 (XXVI))", default=0.5
    )


@attrs.frozen
class Behaviour:
    """The deterrence model of docs/model.md (Becker 1968; Allingham and Sandmo 1972)."""

    model: str = "deterrence"
    fixed_violation_probability: float = fraction(
        "q: violation probability per enterprise-month when model = 'fixed' (deterrence off)", default=0.1
    )
    opportunity_per_month: float = fraction(
        "chance per month that a compliant enterprise weighs violating", default=0.25
    )
    honesty: Distribution = attrs.field(factory=lambda: Distribution(mean=0.7, kind="beta", spread=2.0))
    gain: Distribution = attrs.field(factory=lambda: Distribution(mean=600.0, kind="lognormal", spread=1.0))
    gain_by_size: PerSize = attrs.field(factory=lambda: PerSize(micro=1.0, small=2.0, medium=5.0, large=12.0))
    gain_by_severity: BySeverity = attrs.field(factory=lambda: BySeverity(minor=0.5, general=1.0, serious=20.0))
    risk_aversion: float = param(
        lo=0.0, hi=100.0, default=0.5, doc="rho: certainty-equivalent loading of the sanction risk"
    )
    noise: float = param(
        lo=0.0, hi=100.0, default=0.3, doc="sigma: scale of the logistic taste shock, relative to the gain"
    )
    items: Mapping[str, float] = attrs.field(factory=_default_items)
    harm: BySeverity = attrs.field(factory=lambda: BySeverity(minor=0.2, general=1.0, serious=3.0))
    harmful_threshold: float = param(
        lo=0.0, default=1.5, doc="a violation with at least this harm 'caused harmful consequences'"
    )
    probe_size: int = param(
        lo=1,
        hi=1_000_000,
        default=400,
        doc="enterprises in the sample on which the jurisdiction's sanctions are probed (perceived costs)",
    )
    learning: float = fraction("honesty gained after a sanction (1 - h shrinks by this share)", default=0.1)
    perception: Perception = attrs.field(factory=Perception)
    costs: Costs = attrs.field(factory=Costs)
    correction: Correction = attrs.field(factory=Correction)
    commitments: Commitments = attrs.field(factory=Commitments)
    repair: Repair = attrs.field(factory=Repair)

    def __attrs_post_init__(self) -> None:
        require(self.model in ("deterrence", "fixed"), "model", f"must be 'deterrence' or 'fixed' (got {self.model!r})")
        require(
            self.honesty.mean <= 1.0
            and self.honesty.mean + (self.honesty.spread if self.honesty.kind == "uniform" else 0.0) <= 1.0,
            "honesty",
            "honesty lies in [0, 1]",
        )
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
        bad = sorted(k for k, v in self.items.items() if not 0.0 <= v <= 1.0)
        require(not bad, "items", f"item shares must be in [0, 1] ({', '.join(bad)})")
        total = sum(self.items.values())
        require(abs(total - 1.0) < 1e-6, "items", f"item shares must sum to 1 (they sum to {total:g})")


# ----------------------------------------------------------------------------------------- regulator


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

    scenario: str
    start: dt.date
    months: int = param(lo=1, hi=600, doc="number of monthly periods", unit="months")
    population: Population = attrs.field(kw_only=True)
    title: str = ""
    behaviour: Behaviour = attrs.field(factory=Behaviour)
    regulator: Regulator = attrs.field(factory=Regulator)
    metrics: Metrics = attrs.field(factory=Metrics)


def builtin_scenarios() -> list[str]:
    """Names of the scenarios shipped in ``configs/scenarios``."""
    return sorted(p.name.removesuffix(".toml") for p in SCENARIO_DIR.iterdir() if p.name.endswith(".toml"))


def scenario_path(name_or_path: str) -> Any:
    """A built-in scenario's file by name, or the given path if it is a file."""
    candidate = SCENARIO_DIR / f"{name_or_path}.toml"
    if "/" not in name_or_path and not name_or_path.endswith(".toml") and candidate.is_file():
        return candidate
    path = Path(name_or_path)
    if path.is_file():
        return path
    raise InputError(
        f"unknown scenario '{name_or_path}': not a built-in scenario ({', '.join(builtin_scenarios())}) "
        "and no such file"
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
