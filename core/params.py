"""Building blocks of jurisdiction parameter classes, and the part every jurisdiction shares.

A jurisdiction's parameters are a frozen attrs class (its ``PARAMS_CLASS``) loaded from its TOML config
through :mod:`credsup.core.config`. Declare each field with :func:`param` so that its valid range is
checked with a message naming the key; derive from :class:`JurisdictionParams` (every jurisdiction has
a :class:`Schedule`), or from ``credsup.plugins.national.NationalParams`` to be able to leave hooks to
the national fallback.

Every number has a range, declared where the field is: :func:`param` (``lo``, ``hi``) and
:func:`section` (a bound on every number of a nested table, such as ``fine: BySeverity =
section(hi=MAX_YUAN)``). Numbers are finite: NaN and infinities are refused whatever the range.
The ranges are checked at load with the file and key named, listed in ``docs/ranges.md`` and walked by
:func:`declared_ranges`; ``tests/test_ranges.py`` fails for a number declared without a finite range.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

import attrs
import numpy as np

from credsup.core.enums import Grade, RepairCondition

#: The largest amount of money any parameter may hold, in yuan (fines, costs, gains): 100 billion, above
#: the largest administrative fine imposed in China (18.228 billion yuan, SAMR on Alibaba Group, 10 April
#: 2021: https://www.chinajusticeobserver.com/a/alibaba-fined-cny-18-2-billion-for-anti-monopoly-violations)
#: and small enough that sums of many of them stay finite.
MAX_YUAN = 1e11
#: The largest harm any parameter may hold, in harm units (1.0 = a typical general violation): assumption,
#: a million typical violations' worth is beyond any one violation's harm, and sums stay finite.
MAX_HARM = 1e6
#: The largest risk score or weight of a points-based grading, in points: assumption, published credit
#: evaluation schemes score on scales of 100 or 1,000 points; a million leaves room for any such scale.
MAX_POINTS = 1e6
#: The longest name (a scenario, a sector, a sweep), in characters: assumption, a name is a label for
#: tables and file names, and 100 characters hold any descriptive one.
MAX_NAME = 100

#: The dates credsup supports (as registry mode: ``registry.schema.MIN_DATE``): from 1900-01-01, assumption,
#: no enterprise or credit event on record predates it (an earlier date is a typo or a placeholder such as
#: 0001-01-01), to the day before 9999-12-31, which means "indefinite".
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(9999, 12, 30)
#: The largest seed: 128 bits, the entropy numpy's SeedSequence draws for a fresh seed (and what an
#: experiment's seed column holds with room to spare).
MAX_SEED = 2**128 - 1


class ParamValueError(ValueError):
    """A parameter value outside its valid range; ``key`` is the field name inside its section."""

    def __init__(self, key: str, message: str):
        self.key = key
        super().__init__(message)


def _fmt(x: Any) -> str:
    if isinstance(x, dt.date):
        return x.isoformat()
    if isinstance(x, int) and not isinstance(x, bool):
        if x.bit_length() > 133:  # beyond 40 digits: str() is slow, and refused beyond 4300 digits
            return "an integer of more than 40 digits"
        return str(x)
    return f"{x:g}"


def out_of_range(value: Any, lo: Any, hi: Any, unit: str = "") -> str:
    """Why ``value`` is not a valid number (or date) in ``[lo, hi]`` ("" when it is): NaN and infinities
    are never valid; a bool is not a number. ``unit`` is said with the upper bound ("<= 12 a year")."""
    if isinstance(value, bool) or not isinstance(value, int | float | dt.date):
        return ""  # the type is checked when structuring
    if isinstance(value, float) and not math.isfinite(value):
        return f"must be a finite number, got {_fmt(value)}"
    suffix = f" {unit}" if unit and not isinstance(value, dt.date) else ""
    if lo is not None and value < lo:
        return f"must be >= {_fmt(lo)} (got {_fmt(value)})"
    if hi is not None and value > hi:
        return f"must be <= {_fmt(hi)}{suffix} (got {_fmt(value)})"
    return ""


def _check_range(lo: Any, hi: Any, unit: str = "") -> Any:
    def check(_instance: object, attribute: attrs.Attribute, value: Any) -> None:
        problem = out_of_range(value, lo, hi, unit)
        if problem:
            raise ParamValueError(attribute.name, problem)

    return check


def param(
    *, lo: float | None = None, hi: float | None = None, doc: str = "", unit: str = "", default: Any = attrs.NOTHING
) -> Any:
    """A parameter field with an inclusive range ``[lo, hi]``, a unit and a one-line meaning.

    Give both bounds: a number without a finite range fails ``tests/test_ranges.py`` (NaN and
    infinities are refused in any case). The meaning and unit show up in ``credsup params``; the *source*
    of each value lives in the TOML file next to the value, because the same field has different sources
    in different jurisdictions.
    """
    return attrs.field(
        default=default,
        validator=_check_range(lo, hi, unit),
        metadata={"doc": doc, "unit": unit, "lo": lo, "hi": hi},
    )


def date_param(*, lo: dt.date, hi: dt.date, doc: str = "", default: Any = attrs.NOTHING) -> Any:
    """A date field valid from ``lo`` to ``hi`` (inclusive)."""
    return attrs.field(
        default=default, validator=_check_range(lo, hi), metadata={"doc": doc, "unit": "date", "lo": lo, "hi": hi}
    )


def fraction(doc: str = "", default: Any = attrs.NOTHING) -> Any:
    """A share or probability in [0, 1]."""
    return param(lo=0.0, hi=1.0, doc=doc, default=default)


def flag(doc: str = "") -> Any:
    """A parameter without a range (a switch, a name), with its one-line meaning for ``credsup params``."""
    return attrs.field(metadata={"doc": doc})


def name_problem(value: Any, max_len: int = MAX_NAME) -> str:
    """Why ``value`` is not a usable name ("" when it is): empty or blank, longer than ``max_len``
    characters, or holding a control character (a tab, a newline, a NUL)."""
    if not isinstance(value, str):
        return ""  # the type is checked when structuring
    if not value.strip():
        return "must not be empty"
    if len(value) > max_len:
        return f"must be at most {max_len} characters (got {len(value)})"
    bad = next((c for c in value if unicodedata.category(c) == "Cc"), None)
    if bad is not None:
        return f"must not contain control characters (found {bad!r})"
    return ""


def _check_name(_instance: object, attribute: attrs.Attribute, value: Any) -> None:
    problem = name_problem(value)
    if problem:
        raise ParamValueError(attribute.name, problem)


def name_field(doc: str = "", default: Any = attrs.NOTHING) -> Any:
    """A name: not empty, at most :data:`MAX_NAME` characters, no control characters."""
    return attrs.field(default=default, validator=_check_name, metadata={"doc": doc, "name": True})


def _check_mapping(lo: float, hi: float) -> Any:
    def check(_instance: object, attribute: attrs.Attribute, value: Any) -> None:
        for key, number in value.items():
            problem = out_of_range(number, lo, hi)
            if problem:
                raise ParamValueError(f"{attribute.name}.{key}", problem)

    return check


def numbers_by_name(*, lo: float, hi: float, doc: str = "", factory: Any = None) -> Any:
    """A table of numbers keyed by free names (``{ price_marking = 0.16, ... }``), each in ``[lo, hi]``."""
    return attrs.field(
        factory=factory, validator=_check_mapping(lo, hi), metadata={"doc": doc, "lo": lo, "hi": hi, "unit": ""}
    )


def _check_section(lo: float | None, hi: float | None, unit: str) -> Any:
    def check(_instance: object, attribute: attrs.Attribute, value: Any) -> None:
        if not attrs.has(type(value)):
            return
        for path, number in _numbers(value):
            problem = out_of_range(number, lo, hi, unit)
            if problem:
                raise ParamValueError(f"{attribute.name}.{path}", problem)

    return check


def _numbers(obj: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """``(dotted path, value)`` of every number inside an attrs instance."""
    for f in attrs.fields(type(obj)):
        value = getattr(obj, f.name)
        if attrs.has(type(value)):
            yield from _numbers(value, f"{prefix}{f.name}.")
        elif isinstance(value, int | float) and not isinstance(value, bool):
            yield f"{prefix}{f.name}", value


def section(
    doc: str = "",
    *,
    lo: float | None = None,
    hi: float | None = None,
    unit: str = "",
    factory: Any = None,
) -> Any:
    """A nested table of parameters; ``lo``, ``hi`` and ``unit`` bound every number inside it, on top of
    each field's own range (``fine: BySeverity = section("fine by severity", hi=MAX_YUAN, unit="yuan")``).
    ``factory`` makes its default (scenario sections have defaults; jurisdiction sections do not)."""
    bounded = lo is not None or hi is not None
    return attrs.field(
        factory=factory,
        validator=_check_section(lo, hi, unit) if bounded else None,
        metadata={"doc": doc, "section": True, "lo": lo, "hi": hi, "unit": unit},
    )


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

    A: float = param(lo=0.0, hi=1.0)
    B: float = param(lo=0.0, hi=1.0)
    C: float = param(lo=0.0, hi=1.0)
    D: float = param(lo=0.0, hi=1.0)


def _per_year() -> Any:
    """A rate in [0, 12] a year, the unit said in its messages ("must be <= 12 a year")."""
    return attrs.field(
        validator=_check_range(0.0, 12.0, "a year"), metadata={"doc": "", "unit": "a year", "lo": 0.0, "hi": 12.0}
    )


@attrs.frozen
class RatesByGrade(ByGrade):
    """Expected events per year per enterprise, by grade, each at most 12 (once a month)."""

    A: float = _per_year()
    B: float = _per_year()
    C: float = _per_year()
    D: float = _per_year()


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
    rectification_days: DaysBySeverity = section(
        "time limit to correct a detected violation, by severity", lo=1, unit="days"
    )
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


@attrs.frozen
class JurisdictionParams:
    """What every jurisdiction's parameters contain; subclass it and add your sections."""

    schedule: Schedule = section("the regulator's calendar")


# ------------------------------------------------------------------------------ meanings and units
# (what `credsup params` shows next to each value; declared above with each field's doc= and unit=)

_UNIT_IN_DOC = re.compile(r"\(([^()]+)\)\s*$")


def _implied_unit(owner: type, field: attrs.Attribute, value: Any) -> str:
    """The unit of a field declared without one: a share for [0, 1] ranges and SharesByGrade, a rate
    for RatesByGrade, yes/no for switches, a count for other integers, a name for text."""
    meta = field.metadata
    if isinstance(value, bool):
        return "yes/no"
    if issubclass(owner, SharesByGrade) or (meta.get("lo") == 0.0 and meta.get("hi") == 1.0):
        return "share (0-1)"
    if issubclass(owner, RatesByGrade) or field.name.endswith("rate_per_year"):
        return "per enterprise per year"
    if field.name.endswith("multiplier"):
        return "times"
    if isinstance(value, int):
        return "count"
    if isinstance(value, str):
        return "grade" if field.validator is _grade_letter else "name"
    if isinstance(value, (list, tuple)):
        return "list"
    return ""


def describe_params(params: Any, prefix: str = "", context: tuple[str, str] = ("", "")) -> dict[str, dict[str, str]]:
    """``{"a.b.c": {"doc": ..., "unit": ...}}`` for every leaf of a parameters object (the same paths as
    :func:`credsup.core.config.leaf_paths`). A field of a generic table (``BySeverity.serious``)
    without a meaning of its own reads as its table's (``fine by severity (yuan): serious``), and takes
    its table's unit (declared, or written in brackets at the end of the table's doc)."""
    out: dict[str, dict[str, str]] = {}
    owner = type(params)
    for f in attrs.fields(owner):
        value = getattr(params, f.name)
        path = f"{prefix}{f.name}"
        doc = str(f.metadata.get("doc", "") or "")
        unit = str(f.metadata.get("unit", "") or "")
        if attrs.has(type(value)):
            m = _UNIT_IN_DOC.search(doc)
            out.update(describe_params(value, path + ".", (doc or context[0], unit or (m.group(1) if m else ""))))
            continue
        parent_doc, parent_unit = context
        if not doc and parent_doc:
            doc = f"{parent_doc}: {f.name}"
        out[path] = {"doc": doc, "unit": unit or parent_unit or _implied_unit(owner, f, value)}
    return out
