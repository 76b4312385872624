"""The registry schema: every table (CSV file or database table), column, type and allowed value.

This module is the one place the registry format is written down: the readers validate against it,
:mod:`credsup.registry.sql` builds the SQLAlchemy tables from it, and the schema section of
``docs/registry.md`` is generated from it (``python -m credsup.registry.schema`` rewrites it;
``tests/test_registry_docs.py`` fails when it is stale).

A registry holds enterprises and their credit record as time-stamped events (``../shared/DESIGN.md``, "credit
record"): commitments, inspections and their results (the violations they found), penalties,
complaints, listings, repairs and objections. The kernel never sees these events: the registry tools
turn them into the record summary (:class:`~credsup.core.EnterpriseBatch`) as of a date
(:mod:`credsup.registry.summary`).
"""

from __future__ import annotations

import datetime as dt
import enum
import sys
from collections.abc import Mapping
from pathlib import Path

import attrs

from credsup.core.enums import CommitmentKind, DetectionSource, Grade, RecordKind, RepairCondition, Severity, Size

#: The longest cell any column may hold, in bytes (UTF-8, after trimming). The same
#: number as Python's ``csv.field_size_limit()`` default, so no reader of ours or of a user's script
#: cuts a cell the registry accepts (assumption: the longest real cell, a list of enterprise ids an
#: inspector declared conflicts with, holds a few thousand 18-character credit codes, well below it).
CELL_LIMIT = 131_072

#: Dates a registry may hold: from 1900-01-01 (assumption: no enterprise or credit event on record
#: predates it; an earlier date is a typo or a placeholder such as 0001-01-01) to 9999-12-31, which
#: means "indefinite". ``--as-of`` dates and planning periods must lie in the same range.
MIN_DATE = dt.date(1900, 1, 1)
MAX_DATE = dt.date(9999, 12, 31)

#: Kinds of column and how a value is written in a CSV file.
KINDS: Mapping[str, str] = {
    "id": "text, unique in the table, not empty",
    "ref": "text, the `id` of a row of another table",
    "refs": "`;`-separated ids",
    "text": "free text",
    "name": "a name (a vocabulary word such as a sector, an item, a department)",
    "names": "`;`-separated names",
    "date": f"`YYYY-MM-DD` from `{MIN_DATE}` to `{MAX_DATE}` (`{MAX_DATE}` means indefinite)",
    "bool": "`true`/`false` (also `1`/`0`, `yes`/`no`)",
    "int": "a whole number >= 0 (at most the column's maximum, if it has one)",
    "float": "a finite number >= 0 (at most the column's maximum, if it has one)",
    "enum": "one of the values listed",
}


@attrs.frozen
class Col:
    """One column of a registry table.

    ``required``: the column must be present in the file. ``nullable``: a value may be empty (an
    absent optional column behaves as if every value were empty). ``default`` is the value an empty
    cell stands for, as text.
    """

    name: str
    kind: str
    doc: str
    required: bool = False
    nullable: bool = True
    values: tuple[str, ...] = ()
    ref: str | None = None
    default: str = ""
    #: the largest value an ``int`` or ``float`` column accepts (None: any finite number)
    maximum: float | None = None

    def __attrs_post_init__(self) -> None:
        if self.kind not in KINDS:  # pragma: no cover - a developer error
            raise ValueError(f"column {self.name}: unknown kind {self.kind}")

    @property
    def type_text(self) -> str:
        if self.kind == "enum":
            return "enum: " + ", ".join(f"`{v}`" for v in self.values)
        if self.kind in ("ref", "refs"):
            return f"{self.kind} -> `{self.ref}`"
        if self.maximum is not None:
            return f"{self.kind} <= {self.maximum:,.0f}"
        return self.kind


@attrs.frozen
class TableSpec:
    """One table: a CSV file ``<name>.csv`` in the registry folder, or a database table ``<name>``."""

    name: str
    doc: str
    columns: tuple[Col, ...]
    #: must the table exist (``enterprises``), or is an absent table simply empty
    required: bool = False

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Col:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _lower(enum_cls: type[enum.Enum]) -> tuple[str, ...]:
    return tuple(m.name.lower() for m in enum_cls)


SIZES = _lower(Size)
SEVERITIES = _lower(Severity)
COMMITMENT_KINDS = _lower(CommitmentKind)
SOURCES = _lower(DetectionSource)
RECORDS = _lower(RecordKind)
GRADES = tuple(g.name for g in Grade)
LISTS = ("dishonesty", "abnormal_operation")
BANS = ("none", "industry", "market")
REPAIR_STATUSES = ("pending", "approved", "refused")
OBJECTION_STATUSES = ("pending", "upheld", "dismissed")
CONDITIONS = tuple(c.name.lower() for c in RepairCondition if c.name and c.value)

_ID = Col("id", "id", "identifier of the row", required=True, nullable=False)
_ENT = Col("enterprise", "ref", "the enterprise", required=True, nullable=False, ref="enterprises")


def _bool(name: str, doc: str, default: str) -> Col:
    return Col(name, "bool", doc, default=default)


ENTERPRISES = TableSpec(
    "enterprises",
    "The supervised market subjects, one row each (basic and dynamic information, seed 000 (I)), with the "
    "outcome of their last credit evaluation. `abnormal_operation` is not a column: it follows from "
    "`listings`.",
    (
        Col("id", "id", "unified social credit code or any unique identifier", required=True, nullable=False),
        Col("name", "text", "enterprise name (carried into outputs, not used by any rule)"),
        Col(
            "sector",
            "name",
            "sector of activity; use the standard names of `credsup.core.vocabulary.SECTORS` "
            "where they fit (plugins refer to sectors by name)",
            required=True,
            nullable=False,
        ),
        Col("size", "enum", "size class", required=True, nullable=False, values=SIZES),
        Col("registered", "date", "registration date", required=True, nullable=False),
        Col(
            "key_sector",
            "bool",
            "in a key-supervision field (seed 003 para 8); empty: the standard "
            "vocabulary's flag for the sector, false for other sectors",
        ),
        Col(
            "emerging",
            "bool",
            "emerging industry or new business form (seed 003 para 12); empty: the "
            "standard vocabulary's flag for the sector",
        ),
        _bool("annual_report_filed", "last annual report published on time", "true"),
        _bool("tax_compliant", "no tax arrears on record", "true"),
        _bool("social_security_compliant", "social security contributions paid", "true"),
        _bool("ip_holder", "holds registered intellectual property", "false"),
        _bool("self_report_verified", "self-reported credit information verified (seed 004 (XI))", "false"),
        Col(
            "industry_grade",
            "enum",
            "grade of an industry credit evaluation (seed 004 (X)); empty: none",
            values=GRADES,
        ),
        Col("grade", "enum", "grade of the last credit evaluation; empty: never graded", values=GRADES),
        Col("graded_on", "date", "date of the last credit evaluation"),
        _bool(
            "demonstration", "holds good-credit demonstration status after the last evaluation (seed 000 (IV))", "false"
        ),
    ),
    required=True,
)

INSPECTIONS = TableSpec(
    "inspections",
    "Inspections carried out. An inspection is *clean* when no violation refers to it.",
    (
        _ID,
        _ENT,
        Col("date", "date", "day of the inspection", required=True, nullable=False),
        Col("department", "name", "department that inspected", required=True, nullable=False),
        Col("source", "enum", "why it took place", values=SOURCES, default="spot_check"),
        Col(
            "inspectors",
            "names",
            "ids of the inspectors who took part (an inspector of an enterprise's last "
            "inspection is not drawn for its next one)",
        ),
    ),
)

VIOLATIONS = TableSpec(
    "violations",
    "Detected violations (the results of inspections, complaints and commitment checks) and the rectification ordered.",
    (
        _ID,
        _ENT,
        Col("detected", "date", "day the regulator detected it", required=True, nullable=False),
        Col(
            "item",
            "name",
            "violated item; standard names in `credsup.core.vocabulary.ITEMS`",
            required=True,
            nullable=False,
        ),
        Col("severity", "enum", "severity", required=True, nullable=False, values=SEVERITIES),
        Col("inspection", "ref", "the inspection that found it; empty if found otherwise", ref="inspections"),
        Col("rectify_by", "date", "deadline of the rectification order; empty: none ordered"),
        Col("rectified_on", "date", "day the rectification was completed; empty: not (yet) done"),
    ),
)

PENALTIES = TableSpec(
    "penalties",
    "Administrative penalty decisions, their public display and any market or industry ban.",
    (
        _ID,
        _ENT,
        Col("decided", "date", "date of the penalty decision", required=True, nullable=False),
        Col("severity", "enum", "severity of the penalised conduct", required=True, nullable=False, values=SEVERITIES),
        Col("violation", "ref", "the violation penalised, if recorded", ref="violations"),
        Col(
            "fine",
            "float",
            "fine in yuan (at most 10^12, over 50 times the largest fine SAMR has imposed: 18.228 billion "
            "yuan on Alibaba, 国市监处〔2021〕28号; assumption: a larger number is a typo)",
            default="0",
            maximum=1e12,
        ),
        Col("publicity_until", "date", "end of the public display of the decision", required=True, nullable=False),
        Col("ban", "enum", "market or industry ban imposed with it", values=BANS, default="none"),
        Col("ban_until", "date", "end of the ban (`9999-12-31`: lifelong); required when `ban` is not `none`"),
    ),
)

COMPLAINTS = TableSpec(
    "complaints",
    "Complaints, tip-offs and reports from the public (social supervision, seed 000 (III)).",
    (
        _ID,
        _ENT,
        Col("received", "date", "day it was received", required=True, nullable=False),
        Col("founded", "bool", "verification result: true founded, false unfounded, empty not yet verified"),
        Col("verified_on", "date", "day of the verification result; required when `founded` is given"),
    ),
)

COMMITMENTS = TableSpec(
    "commitments",
    "Written credit commitments (seed 004 (I)-(IV)) and the result of their verification.",
    (
        _ID,
        _ENT,
        Col("made", "date", "day the commitment was made", required=True, nullable=False),
        Col("kind", "enum", "kind of commitment", required=True, nullable=False, values=COMMITMENT_KINDS),
        Col("verified_on", "date", "day it was verified; empty: not verified"),
        Col("found_false", "bool", "verification found it false (needs `verified_on`)", default="false"),
    ),
)

LISTINGS = TableSpec(
    "listings",
    "Entries on a dishonesty (joint punishment) list or the abnormal-operation list, of this registry's "
    "authority or, for mutual recognition (seed 004 (XIV)), of another region.",
    (
        _ID,
        _ENT,
        Col("list", "enum", "which list", required=True, nullable=False, values=LISTS),
        Col("start", "date", "day the entry took effect", required=True, nullable=False),
        Col("until", "date", "day it ends; empty: until removed"),
        Col(
            "region",
            "name",
            "listing region; empty: this registry's own authority; other names (standard "
            "ones in `credsup.core.vocabulary.REGIONS`) are another region's list",
        ),
        Col("violation", "ref", "the violation behind it, if recorded", ref="violations"),
    ),
)

REPAIRS = TableSpec(
    "repairs",
    "Credit-repair applications (seed 004 (XXVI)) and their outcome. An approved repair ends the public "
    "display of a penalty or removes a listing from the day it is decided.",
    (
        _ID,
        _ENT,
        Col("record", "enum", "kind of record to repair", required=True, nullable=False, values=RECORDS),
        Col(
            "record_id",
            "ref",
            "the penalty (record `penalty`) or listing (other records) to repair",
            required=True,
            nullable=False,
            ref="penalties|listings",
        ),
        Col("applied", "date", "day of the application", required=True, nullable=False),
        Col("fulfilled", "names", "repair conditions the applicant has met: " + ", ".join(CONDITIONS)),
        Col("status", "enum", "outcome", values=REPAIR_STATUSES, default="pending"),
        Col("decided", "date", "day of the decision; required unless `status` is `pending`"),
    ),
)

OBJECTIONS = TableSpec(
    "objections",
    "Objections against a record (seed 004 (XXVII)); an upheld objection withdraws the record (and, for a "
    "penalty, the violation behind it) from the day it is decided.",
    (
        _ID,
        _ENT,
        Col("record", "enum", "kind of record contested", required=True, nullable=False, values=RECORDS),
        Col(
            "record_id",
            "ref",
            "the contested penalty or listing",
            required=True,
            nullable=False,
            ref="penalties|listings",
        ),
        Col("filed", "date", "day the objection was filed", required=True, nullable=False),
        Col("status", "enum", "outcome", values=OBJECTION_STATUSES, default="pending"),
        Col("decided", "date", "day of the decision; required unless `status` is `pending`"),
    ),
)

CHECKLIST = TableSpec(
    "checklist",
    'The list of spot-check items (seed 003 para 11: "make and perfect the lists of items subject to random '
    'inspections"): which department checks which item in which sectors, and the qualification its '
    "inspectors need. Needed by `credsup plan` only.",
    (
        _ID,
        Col(
            "item",
            "name",
            "item checked (standard names in `credsup.core.vocabulary.ITEMS`)",
            required=True,
            nullable=False,
        ),
        Col("department", "name", "department responsible", required=True, nullable=False),
        Col("sectors", "names", "sectors where the item applies; `*` for every sector", required=True, nullable=False),
        Col(
            "qualification",
            "name",
            "qualification both inspectors need; empty: none beyond a law-enforcement certificate",
        ),
    ),
)

INSPECTORS = TableSpec(
    "inspectors",
    "The inspectors available for the period (the `--inspectors` file of `credsup plan`; seed 003 para 11: "
    '"random selection of inspection objects and inspectors").',
    (
        _ID,
        Col("department", "name", "department the inspector belongs to", required=True, nullable=False),
        Col("qualifications", "names", "qualifications held (matched against `checklist.qualification`)"),
        Col(
            "capacity",
            "int",
            "most inspections the inspector can take part in during the planning period (at most 10,000: "
            "27 a day, every day of a year; assumption: a larger number is a typo, and the plan books "
            "one slot per unit of capacity)",
            required=True,
            nullable=False,
            maximum=10_000,
        ),
        Col(
            "conflicts",
            "refs",
            "enterprises the inspector has declared a relationship with (never drawn for them)",
            ref="enterprises",
        ),
    ),
)

#: Tables of a registry, in the order they are read (a table refers only to tables before it).
REGISTRY_TABLES: tuple[TableSpec, ...] = (
    ENTERPRISES,
    INSPECTIONS,
    VIOLATIONS,
    PENALTIES,
    COMPLAINTS,
    COMMITMENTS,
    LISTINGS,
    REPAIRS,
    OBJECTIONS,
    CHECKLIST,
)
TABLES: Mapping[str, TableSpec] = {t.name: t for t in (*REGISTRY_TABLES, INSPECTORS)}


# -------------------------------------------------------------------------------------- reference doc

DOC = "docs/registry.md"
BEGIN = "<!-- schema:begin (generated by `python -m credsup.registry.schema`; do not edit by hand) -->"
END = "<!-- schema:end -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def schema_markdown() -> str:
    """The generated part of ``docs/registry.md``: every table, column, type and allowed value."""
    out = [BEGIN, "", "| kind | how a value is written |", "|---|---|"]
    out += [f"| `{k}` | {_cell(v)} |" for k, v in KINDS.items()]
    for spec in TABLES.values():
        where = "`--inspectors` file" if spec is INSPECTORS else f"`{spec.file}` / table `{spec.name}`"
        need = " Required." if spec.required else ""
        out += [
            "",
            f"### {spec.name}",
            "",
            f"{where}.{need} {spec.doc}",
            "",
            "| column | type | required | empty means | meaning |",
            "|---|---|---|---|---|",
        ]
        for c in spec.columns:
            empty = "not allowed" if not c.nullable else (f"`{c.default}`" if c.default else "none")
            out.append(
                f"| `{c.name}` | {_cell(c.type_text)} | {'yes' if c.required else 'no'} | {empty} | {_cell(c.doc)} |"
            )
    out += ["", END]
    return "\n".join(out)


def render_doc(text: str) -> str:
    """``text`` (the current doc) with its generated schema section replaced by the current schema."""
    if BEGIN not in text or END not in text:
        raise ValueError(f"{DOC} has no generated schema section ({BEGIN!r} ... {END!r})")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return head + schema_markdown() + tail


if __name__ == "__main__":  # pragma: no cover
    path = Path(sys.argv[1] if len(sys.argv) > 1 else ".") / DOC
    path.write_text(render_doc(path.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {path}")
