"""Parameters of the national baseline (2019 Guiding Opinions, seed 002), the schema regions extend.

Values and their sources are in ``configs/jurisdictions/national.toml``. A regional plugin derives its
params class from :class:`NationalParams` so that every hook it leaves to the national fallback finds
the sections it reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from credsup.core.enums import Grade, Severity, Size
from credsup.core.params import (
    MAX_HARM,
    MAX_POINTS,
    MAX_YUAN,
    BySeverity,
    DaysBySeverity,
    JurisdictionParams,
    ParamValueError,
    SharesByGrade,
    flag,
    fraction,
    grade_letter,
    param,
    repair_conditions,
    require,
    section,
)

# --------------------------------------------------------------- field helpers for the regional plugins


def _one_of(valid: Iterable[str], what: str) -> Any:
    valid = tuple(valid)

    def check(_instance: object, attribute: attrs.Attribute, value: Any) -> None:
        names = (value,) if isinstance(value, str) else value
        for name in names:
            if isinstance(name, str) and name not in valid:
                raise ParamValueError(attribute.name, f"unknown {what} {name!r}; valid: {', '.join(valid)}")

    return check


def names_from(vocabulary: Mapping[str, Any] | Iterable[str], what: str, doc: str = "") -> Any:
    """A list of names that must come from a standard vocabulary (``credsup.core.vocabulary``).

    A typo in a sector or item name would otherwise match nothing and silently switch a rule off.
    """
    return attrs.field(validator=_one_of(vocabulary, what), metadata={"doc": doc})


def grade_letters(doc: str = "") -> Any:
    """A list of grade letters, ``["C", "D"]``; read it with :func:`grade_codes`."""
    return attrs.field(validator=_one_of([g.name for g in Grade], "grade"), metadata={"doc": doc})


def grade_codes(letters: Iterable[str]) -> tuple[int, ...]:
    return tuple(int(Grade.parse(letter)) for letter in letters)


def severity_name(doc: str = "") -> Any:
    """A severity written as ``"minor"``, ``"general"`` or ``"serious"``; read it with :func:`severity_code`."""
    return attrs.field(validator=_one_of([s.name.lower() for s in Severity], "severity"), metadata={"doc": doc})


def severity_code(name: str) -> int:
    return int(Severity[name.upper()])


def size_name(doc: str = "") -> Any:
    """A size class written as ``"micro"``, ``"small"``, ``"medium"`` or ``"large"``."""
    return attrs.field(validator=_one_of([s.name.lower() for s in Size], "size class"), metadata={"doc": doc})


def size_code(name: str) -> int:
    return int(Size[name.upper()])


# ------------------------------------------------------------------------------------- the sections


@attrs.frozen
class GradingWeights:
    """Risk points per record item (the score is their weighted sum; higher is riskier)."""

    serious: float = param(lo=0.0, doc="per serious violation in the window")
    general: float = param(lo=0.0, doc="per general violation in the window")
    minor: float = param(lo=0.0, doc="per minor violation in the window")
    failed_rectification: float = param(lo=0.0, doc="per rectification order missed in the window")
    false_commitment: float = param(lo=0.0, doc="per commitment found false in the window")
    verified_complaint: float = param(lo=0.0, doc="per founded complaint in the window")
    displayed_penalty: float = param(lo=0.0, doc="per penalty record on public display")
    abnormal_operation: float = param(lo=0.0, doc="on the abnormal-operation list")
    annual_report_missing: float = param(lo=0.0, doc="annual report not published")
    tax_arrears: float = param(lo=0.0, doc="tax arrears on record")
    social_security_arrears: float = param(lo=0.0, doc="social security arrears")
    clean_inspection: float = param(lo=0.0, doc="points removed per inspection that found nothing")


@attrs.frozen
class ScoreCuts:
    """Highest risk score that still earns each grade (A <= A; B <= B; C <= C; above C is D)."""

    A: float = param(lo=0.0, hi=MAX_POINTS, unit="points")
    B: float = param(lo=0.0, hi=MAX_POINTS, unit="points")
    C: float = param(lo=0.0, hi=MAX_POINTS, unit="points")

    def __attrs_post_init__(self) -> None:
        require(self.A <= self.B, "B", f"must be >= A ({self.A:g}); cuts rise from A to C")
        require(self.B <= self.C, "C", f"must be >= B ({self.B:g}); cuts rise from A to C")


@attrs.frozen
class Grading:
    weights: GradingWeights = section("risk points per record item", hi=MAX_POINTS, unit="risk points")
    cuts: ScoreCuts = section("score cuts between grades", unit="risk points")
    clean_inspection_cap: int = param(lo=0, hi=100, doc="at most this many clean inspections count")
    new_enterprise_years: float = param(lo=0.0, hi=10.0, doc="an enterprise younger than this ...", unit="years")
    new_enterprise_grade: str = grade_letter("... with no inspection yet gets at best this grade")
    listed_grade: str = grade_letter("grade of an enterprise on a dishonesty list or under a ban")


@attrs.frozen
class Inspection:
    rate_per_year: SharesByGrade = section(
        "share of each class checked by the yearly random plan, each enterprise at most once a year"
    )
    ungraded_rate_per_year: float = fraction("the same for an enterprise not yet graded")
    key_sector_multiplier: float = param(
        lo=0.0, hi=100.0, doc="multiplies the share in key-supervision fields (the result is at most 1)"
    )


@attrs.frozen
class Commitment:
    listed_barred: bool = flag("an enterprise under joint punishment may not commit")
    verification: SharesByGrade = section("probability a commitment is verified, by the promiser's grade")
    ungraded_verification: float = fraction("the same for an enterprise not yet graded")


@attrs.frozen
class Social:
    complaint_multiplier: float = param(lo=0.0, hi=100.0, doc="reporting intensity relative to the scenario")
    verification_probability: float = fraction("share of complaints verified on site")


@attrs.frozen
class Tolerance:
    """The clauses of Administrative Penalty Law 2021 Art. 33 (each its own switch) and Art. 32."""

    exempt_minor_corrected: bool = flag(
        "a minor violation corrected in time without harmful consequences is not penalised, first or not "
        "(Art. 33 para 1, first sentence: 'shall not')"
    )
    exempt_first_minor_harm: bool = flag(
        "the discretion of Art. 33 para 1, second sentence ('may'): a first violation with minor harmful "
        "consequences corrected in time is not penalised"
    )
    minor_harm: float = param(
        lo=0.0, hi=1000.0, doc="harm up to which harmful consequences are minor (Art. 33 para 1)", unit="harm units"
    )
    exempt_no_fault: bool = flag("no penalty where the party proves it had no subjective fault (Art. 33 para 2)")
    mitigate_first_general_corrected: bool = flag("first general offence corrected in time is penalised lightly")


@attrs.frozen
class Sanction:
    fine: BySeverity = section("fine by severity (yuan)", hi=MAX_YUAN, unit="yuan")
    mitigation_factor: float = fraction("share of the fine kept when mitigated")
    publicity_days: DaysBySeverity = section("days a penalty is publicly displayed, by severity")
    list_serious_harm: float = param(
        lo=0.0, hi=MAX_HARM, doc="a serious violation with at least this harm is listed", unit="harm units"
    )
    list_uncorrected_serious: bool = flag("a serious violation not corrected in time is listed")
    list_days: int = param(lo=0, hi=36_500, doc="days on the dishonesty list", unit="days")
    listed_rectify_days: int = param(lo=0, hi=3650, doc="time limit for a listed entity to rectify", unit="days")
    ban_harm: float = param(
        lo=0.0,
        hi=MAX_HARM,
        doc="a listed violation in a key field with at least this harm brings a ban",
        unit="harm units",
    )
    ban_days: int = param(lo=0, hi=36_500, doc="length of a market or industry ban", unit="days")
    ban_scope: str = flag("'industry' or 'market'")

    def __attrs_post_init__(self) -> None:
        require(
            self.ban_scope in ("industry", "market"),
            "ban_scope",
            f"must be 'industry' or 'market' (got {self.ban_scope!r})",
        )


@attrs.frozen
class Repair:
    min_publicity_days: DaysBySeverity = section("minimum publicity before a penalty record may be repaired (days)")
    listing_min_days: int = param(lo=0, hi=36_500, doc="minimum days on the list before repair", unit="days")
    required: tuple[str, ...] = repair_conditions("conditions an applicant must meet")
    review_working_days: int = param(lo=0, hi=365, doc="time the authority takes to decide", unit="working days")


@attrs.frozen
class Objection:
    uphold_with_evidence: bool = flag("a record shown wrong is withdrawn")
    review_working_days: int = param(lo=0, hi=365, doc="time the review takes", unit="working days")


@attrs.frozen
class NationalParams(JurisdictionParams):
    """The 2019 Guiding Opinions baseline: commitment before, classified supervision during, joint
    punishment after (seed 002 line 19)."""

    grading: Grading = section("credit evaluation into grades A-D")
    inspection: Inspection = section("classified random spot checks")
    commitment: Commitment = section("notification-commitment")
    social: Social = section("complaints and tip-offs")
    tolerance: Tolerance = section("tolerance of first minor offences")
    sanction: Sanction = section("penalties, listing, joint punishment, bans")
    repair: Repair = section("credit repair")
    objection: Objection = section("objections against records")
