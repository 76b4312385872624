"""The JSON the service takes and gives, as pydantic models: they validate requests and make the OpenAPI document."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema

from credsup.core.batch import Period

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Most enterprises one grade request may name (assumption: a registry system asks in pages; the whole
#: registry is `credsup grade`'s job). 10,000 ids are about 120 kB of JSON.
MAX_BATCH = 10_000


def _iso_date(value: Any) -> dt.date:
    """Only ``YYYY-MM-DD`` text (no timestamps, no ``2027-1-1``), and only real calendar days."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError(f"expected a date YYYY-MM-DD, got {value!r}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a calendar date") from None


def _period(value: str) -> str:
    Period.parse(value)  # raises ValueError with the accepted forms
    return value


IsoDate = Annotated[dt.date, PlainValidator(_iso_date), WithJsonSchema({"type": "string", "format": "date"})]
PeriodText = Annotated[
    str,
    Field(min_length=1, max_length=20, examples=["2027Q1", "2027-03", "2027"]),
    AfterValidator(_period),
]
EnterpriseId = Annotated[str, Field(min_length=1, max_length=200, examples=["E000001"])]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ------------------------------------------------------------------------------------------ grading


class GradeRequest(Strict):
    enterprises: list[EnterpriseId] = Field(min_length=1, max_length=MAX_BATCH, description="Enterprise ids.")
    as_of: IsoDate | None = Field(None, description="Evaluation date (default: the service's today).")


class GradeResult(BaseModel):
    enterprise: str
    grade: Literal["A", "B", "C", "D"]
    previous_grade: Literal["A", "B", "C", "D"] | None = Field(description="Grade of the registry's last evaluation.")
    demonstration: bool = Field(description="Demonstration status after this evaluation (seed 000 (IV)).")
    decided_by: list[str] = Field(
        description="Indicators that decided the grade: necessary ('(without: B)') or sufficient ('(alone: D)'), "
        "exactly as `credsup grade` writes them (docs/registry.md)."
    )
    record: list[str] = Field(description="Every indicator the enterprise's record holds.")


class GradeResponse(BaseModel):
    jurisdiction: str
    version: str
    as_of: dt.date
    results: list[GradeResult]


# -------------------------------------------------------------------------------------- inspections


class ProbabilityResponse(BaseModel):
    enterprise: str
    jurisdiction: str
    period: str
    period_start: dt.date
    period_end: dt.date
    grade: Literal["A", "B", "C", "D"] = Field(description="The grade as of the period's first day.")
    demonstration: bool
    probability: float = Field(ge=0.0, le=1.0, description="Chance of a random spot check in the period.")
    basis: Literal["full_coverage", "yearly_plan", "random", "exempt"] = Field(
        description="full_coverage: probability 1 (key supervision); yearly_plan: the period's part of a "
        "yearly share of the class, drawn among those not yet checked this year; exempt: probability 0; "
        "random otherwise."
    )


# ------------------------------------------------------------------------------------------- repair


class RepairRecord(BaseModel):
    record: str
    id: str
    recorded: dt.date
    severity: str
    status: Literal["eligible", "not yet", "refused"]
    earliest: dt.date | None
    missing: list[str]
    fulfilled: list[str]
    review_working_days: int


class RepairResponse(BaseModel):
    enterprise: str
    as_of: dt.date
    jurisdiction: str
    eligible: bool
    earliest: dt.date | None
    missing: list[str]
    records: list[RepairRecord]
    other_regions: list[str]


# --------------------------------------------------------------------------------------------- plan


class PlanRequest(Strict):
    period: PeriodText
    seed: Annotated[int, Field(ge=0, le=2**63 - 1, strict=True, description="Seed of the draw (published).")]


class PlanResponse(BaseModel):
    summary: dict[str, Any] = Field(
        description="What was drawn and staffed, the seed, the SHA-256 of every input and of the plan, and the "
        "`credsup plan` command that re-draws it byte for byte."
    )
    rows: list[dict[str, str]] = Field(description="The plan, one row per inspection (docs/registry.md columns).")
    csv: str = Field(description="The plan as published CSV; its SHA-256 is summary.plan_sha256.")


# ------------------------------------------------------------------------------------- the service


class Parameter(BaseModel):
    value: Any
    source: str | None


class ParametersResponse(BaseModel):
    jurisdiction: dict[str, Any] = Field(description="Name, title, version, distribution, hooks and who answers each.")
    contract_version: str = Field(description="Version of the hook contract this credsup provides.")
    parameters: dict[str, Parameter]


class RefreshInfo(BaseModel):
    ok: bool
    changed: bool
    at: dt.datetime
    error: str | None


class StatusResponse(BaseModel):
    credsup: str
    jurisdiction: str
    jurisdiction_version: str
    today: dt.date
    snapshot: dict[str, Any]
    refresh_every_seconds: float | None
    last_refresh: RefreshInfo | None
    reports_store: str


class ReportOut(BaseModel):
    id: str
    enterprise: str
    received: dt.date
    submitted_at: dt.datetime
    commitment: str | None
    text: str
    contact: str | None
    founded: bool | None
    verified_on: dt.date | None


# ------------------------------------------------------------------------------------------- public


class PublicCommitment(BaseModel):
    id: str
    kind: str
    made: dt.date
    verified_on: dt.date | None
    found_false: bool | None = Field(description="The verification's result once verified (seed 000 (III)).")


class PublicPenalty(BaseModel):
    id: str
    decided: dt.date
    severity: str
    item: str | None
    fine: float
    publicity_until: dt.date
    ban: str
    ban_until: dt.date | None


class PublicListing(BaseModel):
    id: str
    list: str
    start: dt.date
    until: dt.date | None
    region: str | None = Field(description="Another region's list (mutual recognition); empty: this authority's.")


class Demonstration(BaseModel):
    status: bool
    decided_on: dt.date | None


class PublicEnterprise(BaseModel):
    enterprise: str
    name: str | None
    sector: str
    as_of: dt.date
    demonstration: Demonstration
    commitments: list[PublicCommitment]
    penalties: list[PublicPenalty] = Field(description="Penalty decisions still in their publicity period.")
    listings: list[PublicListing] = Field(description="Active dishonesty and abnormal-operation listings.")
    page: str = Field(description="Address of the public commitment page (the QR code's target).")


class ProblemModel(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[dict[str, Any]] | None = None
