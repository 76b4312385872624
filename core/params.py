"""Building blocks of jurisdiction parameter classes, and the part every jurisdiction shares.

A jurisdiction's parameters are a frozen attrs class (its ``PARAMS_CLASS``) loaded from its TOML config
through :mod:`credsup.core.config`. Declare each field with :func:`param` so that its valid range is
checked with a message naming the key; derive from :class:`JurisdictionParams` (every jurisdiction has
a :class:`Schedule`), or from ``credsup.plugins.national.NationalParams`` to be able to leave hooks to
the national fallback.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from credsup.core.enums import Grade, RepairCondition


class ParamValueError(ValueError):
    """A parameter value outside its valid range; ``key`` is the field name inside its section."""

    def __init__(self, key: str, message: str):
        self.key = key
        super().__init__(message)


def _fmt(x: float) -> str:
    return f"{x:g}"


def _check_range(lo: float | None, hi: float | None) -> Any:
    def check(_instance: object, attribute: attrs.Attribute, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return  # the type is checked when structuring
        if value != value:  # NaN
            raise ParamValueError(attribute.name, "must be a number, got NaN")
        if lo is not None and value < lo:
            raise ParamValueError(attribute.name, f"must be >= {_fmt(lo)} (got {_fmt(value)})")
        if hi is not None and value > hi:
            raise ParamValueError(attribute.name, f"must be <= {_fmt(hi)} (got {_fmt(value)})")

    return check


def param(
    *, lo: float | None = None, hi: float | None = None, doc: str = "", unit: str = "", default: Any = attrs.NOTHING
) -> Any:
    """A parameter field with an optional inclusive range ``[lo, hi]``, a unit and a one-line meaning.

    The meaning and unit show up in ``credsup params``; the *source* of each value lives in the TOML file
    next to the value, because the same field has different sources in different jurisdictions.
    """
    return attrs.field(
        default=default, validator=_check_range(lo, hi), metadata={"doc": doc, "unit": unit, "lo": lo, "hi": hi}
    )


def fraction(doc: str = "", default: Any = attrs.NOTHING) -> Any:
    """A share or probability in [0, 1]."""
    return param(lo=0.0, hi=1.0, doc=doc, default=default)


def flag(doc: str = "") -> Any:
    """A parameter without a range (a switch, a name), with its one-line meaning for ``credsup params``."""
    return attrs.field(metadata={"doc": doc})


def section(doc: str = "") -> Any:
    """A nested table of parameters."""
    return attrs.field(metadata={"doc": doc})


def require(condition: bool, key: str, message: str) -> None:
    """For ``__attrs_post_init__`` cross-field checks: raise a :class:`ParamValueError` about ``key``."""
    if not condition:
        raise ParamValueError(key, message)


def _grade_letter(_instance: object, attribute: attrs.Attribute, value: Any) -> None:
    if isinstance(value, str):
        try:
            Grade.parse(value)
        except ValueError as exc:
            raise ParamValueError(attribute.name, str(exc)) from None


def grade_letter(doc: str = "") -> Any:
    """A grade written as a letter ``"A"`` .. ``"D"``; read it with ``Grade.parse``."""
    return attrs.field(validator=_grade_letter, metadata={"doc": doc})


def _condition_names(_instance: object, attribute: attrs.Attribute, value: Any) -> None:
    valid = [c.name.lower() for c in RepairCondition if c.name and c.value]
    for name in value:
        if isinstance(name, str) and name.lower() not in valid:
            raise ParamValueError(attribute.name, f"unknown repair condition {name!r}; valid: {', '.join(valid)}")


def repair_conditions(doc: str = "") -> Any:
    """A list of :class:`RepairCondition` names (``["rectified", "commitment"]``)."""
    return attrs.field(validator=_condition_names, metadata={"doc": doc})


def condition_mask(names: tuple[str, ...]) -> int:
    """``("rectified", "commitment")`` -> the RepairCondition bit mask."""
    mask = RepairCondition.NONE
    for name in names:
        mask |= RepairCondition[name.upper()]
    return int(mask)


@attrs.frozen
class BySeverity:
    """One number per violation severity (minor, general, serious); ``array()`` indexes by Severity code."""

    minor: float = param(lo=0.0)
    general: float = param(lo=0.0)
    serious: float = param(lo=0.0)

    def array(self) -> np.ndarray:
        return np.array([self.minor, self.general, self.serious], dtype=np.float64)


@attrs.frozen
class DaysBySeverity:
    """A number of days per violation severity; ``array()`` indexes by Severity code."""

    minor: int = param(lo=0, hi=36_500, unit="days")
    general: int = param(lo=0, hi=36_500, unit="days")
    serious: int = param(lo=0, hi=36_500, unit="days")

    def array(self) -> np.ndarray:
        return np.array([self.minor, self.general, self.serious], dtype=np.int64)


@attrs.frozen
class ByGrade:
    """One non-negative number per credit grade; ``array()`` indexes by Grade code (``table[grades]``)."""

    A: float = param(lo=0.0)
    B: float = param(lo=0.0)
    C: float = param(lo=0.0)
    D: float = param(lo=0.0)

    def array(self) -> np.ndarray:
        return np.array([self.A, self.B, self.C, self.D], dtype=np.float64)


@attrs.frozen
class SharesByGrade(ByGrade):
    """One probability or share in [0, 1] per credit grade."""

    def __attrs_post_init__(self) -> None:
        for letter in "ABCD":
            value = getattr(self, letter)
            require(value <= 1.0, letter, f"must be <= 1 (got {value:g})")


@attrs.frozen
class RatesByGrade(ByGrade):
    """Expected events per year per enterprise, by grade, each at most 12 (once a month)."""

    def __attrs_post_init__(self) -> None:
        for letter in "ABCD":
            value = getattr(self, letter)
            require(value <= 12.0, letter, f"must be <= 12 a year (got {value:g})")


@attrs.frozen
class Schedule:
    """The calendar of a jurisdiction's regulator: how often and how fast it acts.

    The simulator and the registry tools read it; units are in the field names.
    """

    grading_months: int = param(lo=1, hi=60, doc="months between credit evaluations", unit="months")
    complaint_days: int = param(lo=1, hi=365, doc="time limit to verify a complaint", unit="days")
    commitment_check_months: int = param(
        lo=1, hi=60, doc="window after a commitment within which it is verified", unit="months"
    )
    rectification_days: DaysBySeverity = section("time limit to correct a detected violation, by severity")
    joint_visits: bool = attrs.field(
        default=False,
        metadata={"doc": "items of several departments due at one enterprise in a period are combined into one visit"},
    )
    #: Range [0, 60] months; 0 (the default) is off: demonstration enterprises are evaluated with everyone.
    demonstration_grading_months: int = param(
        lo=0,
        hi=60,
        default=0,
        doc="months between the re-evaluations of demonstration enterprises alone, between the evaluations of "
        "everyone (0: none)",
        unit="months",
    )

    def __attrs_post_init__(self) -> None:
        for name in ("minor", "general", "serious"):
            value = getattr(self.rectification_days, name)
            require(value >= 1, "rectification_days", f"{name} must be at least 1 day (got {value})")


@attrs.frozen
class JurisdictionParams:
    """What every jurisdiction's parameters contain; subclass it and add your sections."""

    schedule: Schedule = section("the regulator's calendar")
