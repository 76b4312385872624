"""The internal API (``/api/v1``) for supervisors' systems: every route needs a token.

Grades, their reasons, inspection probabilities and plans are the regulator's internal working material
(docs/serve.md, "Why no grade is public"); they are only here, behind ``Authorization: Bearer TOKEN``.
Each answer comes from one registry snapshot and the same jurisdiction hooks as registry mode
(``credsup grade``, ``plan``, ``repair-check``; docs/registry.md), so the service and the command line
give the same answers for the same inputs.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import numpy as np
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import PlainTextResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from credsup import CONTRACT_VERSION, __version__
from credsup.core.batch import Period
from credsup.core.enums import InspectionBasis
from credsup.core.plans import period_chance
from credsup.registry.grading import grade_letters
from credsup.registry.plan import COLUMNS, checked_this_year, draw_plan, publication, redraw_command
from credsup.registry.repair import check_repair
from credsup.serve.models import (
    EnterpriseId,
    GradeRequest,
    GradeResponse,
    GradeResult,
    IsoDate,
    ParametersResponse,
    PeriodText,
    PlanRequest,
    PlanResponse,
    ProbabilityResponse,
    ProblemModel,
    RepairResponse,
    ReportOut,
    StatusResponse,
)
from credsup.serve.problems import PROBLEM_JSON, ApiProblem
from credsup.serve.reports import complaints_csv
from credsup.serve.snapshot import Service, Snapshot, shown

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="An API token of this server (--token-file or CREDSUP_SERVE_TOKEN); docs/serve.md.",
)


def require_token(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> None:
    """401 unless ``Authorization: Bearer`` carries one of the server's tokens (compared in constant time)."""
    tokens = request.app.state.tokens
    challenge = {"WWW-Authenticate": 'Bearer realm="credsup"'}
    if not tokens:
        raise ApiProblem(
            "no-token-configured",
            "no API token is configured on this server, so every internal request is refused; start it with "
            "--token-file FILE or CREDSUP_SERVE_TOKEN (docs/serve.md)",
            headers=challenge,
        )
    if credentials is None:
        raise ApiProblem(
            "unauthorized",
            "this endpoint needs a token: send the header Authorization: Bearer TOKEN",
            headers=challenge,
        )
    if not tokens.accepts(credentials.credentials):
        raise ApiProblem(
            "unauthorized",
            "the token is not accepted by this server",
            headers={"WWW-Authenticate": 'Bearer realm="credsup", error="invalid_token"'},
        )


def require_json(request: Request) -> None:
    """415 unless a request body is declared as JSON (otherwise FastAPI would not read it as JSON)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json" and not kind.endswith("+json"):
        raise ApiProblem(
            "unsupported-media-type",
            f"the body must be JSON, sent with Content-Type: application/json (got {kind or 'no Content-Type'})",
        )


PROBLEMS: dict[int | str, dict[str, Any]] = {
    status: {"model": ProblemModel, "content": {PROBLEM_JSON: {}}, "description": text}
    for status, text in ((401, "No token, or a wrong one"), (404, "Unknown enterprise"), (422, "Invalid fields"))
}

router = APIRouter(prefix="/api/v1", tags=["internal"], dependencies=[Depends(require_token)], responses=PROBLEMS)


def service_of(request: Request) -> Service:
    return request.app.state.service


def row_of(snapshot: Snapshot, enterprise_id: str) -> int:
    row = snapshot.index_of(enterprise_id)
    if row is None:
        raise ApiProblem(
            "unknown-enterprise",
            f"enterprise {enterprise_id!r} is not in the registry {shown(snapshot.registry.location)}",
            errors=[{"parameter": "enterprise_id", "in": "path", "detail": "unknown enterprise"}],
        )
    return row


def split_reasons(text: str) -> list[str]:
    """``"a (without: B; alone: D); b=1"`` -> ``["a (without: B; alone: D)", "b=1"]``: split at top level."""
    out, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == ";" and depth == 0:
            out.append(text[start:i].strip())
            start = i + 1
    tail = text[start:].strip()
    return [p for p in [*out, tail] if p]


def grade_results(snapshot: Snapshot, rows: np.ndarray, ids: list[str], as_of: dt.date) -> list[GradeResult]:
    evaluation, reasons = snapshot.evaluation(as_of)
    grades = grade_letters(evaluation.grades[rows])
    previous = grade_letters(evaluation.before.grade[rows])
    demonstration = evaluation.after.demonstration[rows]
    return [
        GradeResult(
            enterprise=eid,
            grade=str(grades[k]),  # type: ignore[arg-type]
            previous_grade=str(previous[k]) or None,  # type: ignore[arg-type]
            demonstration=bool(demonstration[k]),
            decided_by=split_reasons(str(reasons.decided_by[r])),
            record=split_reasons(str(reasons.record[r])),
        )
        for k, (eid, r) in enumerate(zip(ids, rows.tolist(), strict=True))
    ]


@router.post(
    "/grade",
    response_model=GradeResponse,
    summary="Grade enterprises, with the indicators that decided",
    dependencies=[Depends(require_json)],
)
def grade_batch(body: GradeRequest, request: Request) -> GradeResponse:
    """The jurisdiction's evaluation (``credsup_grade`` then ``credsup_demonstration``) as of ``as_of``,
    with the reasons ``credsup grade`` gives. Every id must be in the registry."""
    service = service_of(request)
    snapshot = service.snapshot
    as_of = body.as_of or service.today()
    found = [snapshot.index_of(e) for e in body.enterprises]
    rows = np.array([-1 if r is None else r for r in found], dtype=np.int64)
    unknown = np.flatnonzero(rows < 0)
    if len(unknown):
        errors = [
            {"pointer": f"#/enterprises/{int(k)}", "detail": f"unknown enterprise {body.enterprises[k]!r}"}
            for k in unknown[:100]
        ]
        names = ", ".join(repr(body.enterprises[k]) for k in unknown[:5]) + (" ..." if len(unknown) > 5 else "")
        raise ApiProblem("validation", f"enterprises: {len(unknown)} id(s) not in the registry: {names}", errors=errors)
    j = service.jurisdiction
    results = grade_results(snapshot, rows, list(body.enterprises), as_of)
    return GradeResponse(jurisdiction=j.name, version=j.version, as_of=as_of, results=results)


@router.get(
    "/enterprises/{enterprise_id}/grade", response_model=GradeResponse, summary="Grade one enterprise, with reasons"
)
def grade_one(
    enterprise_id: EnterpriseId, request: Request, as_of: Annotated[IsoDate | None, Query()] = None
) -> GradeResponse:
    service = service_of(request)
    snapshot = service.snapshot
    row = row_of(snapshot, enterprise_id)
    day = as_of or service.today()
    j = service.jurisdiction
    results = grade_results(snapshot, np.array([row]), [enterprise_id], day)
    return GradeResponse(jurisdiction=j.name, version=j.version, as_of=day, results=results)


@router.get(
    "/enterprises/{enterprise_id}/inspection-probability",
    response_model=ProbabilityResponse,
    summary="Chance of a random spot check in a period",
)
def inspection_probability(
    enterprise_id: EnterpriseId, request: Request, period: Annotated[PeriodText, Query()]
) -> ProbabilityResponse:
    """``credsup_inspection_probability`` for the period, on the evaluation as of its first day: the
    probability ``credsup plan`` draws the enterprise with (docs/registry.md; a yearly share becomes the
    period's part of the yearly plan, 0 for an enterprise already spot-checked this year)."""
    service = service_of(request)
    snapshot = service.snapshot
    row = row_of(snapshot, enterprise_id)
    per = Period.parse(period)
    evaluation, _ = snapshot.evaluation(per.start)
    one = evaluation.after.take(np.array([row]))
    rates = service.jurisdiction.inspection_probability(one, per)
    checked = checked_this_year(snapshot.registry, per)[[row]]  # a yearly plan draws nobody twice a year
    p = float(period_chance(rates, per, checked)[0])
    basis: Literal["full_coverage", "yearly_plan", "random", "exempt"] = (
        "exempt"
        if p == 0.0 and not checked[0]
        else "yearly_plan"
        if rates.basis[0] == InspectionBasis.YEAR
        else "full_coverage"
        if p >= 1.0
        else "random"
    )
    return ProbabilityResponse(
        enterprise=enterprise_id,
        jurisdiction=service.jurisdiction.name,
        period=per.label,
        period_start=per.start,
        period_end=per.end,
        grade=str(grade_letters(one.grade)[0]),  # type: ignore[arg-type]
        demonstration=bool(one.demonstration[0]),
        probability=p,
        basis=basis,
    )


@router.get(
    "/enterprises/{enterprise_id}/repair-check", response_model=RepairResponse, summary="May its records be repaired?"
)
def repair_check(
    enterprise_id: EnterpriseId, request: Request, as_of: Annotated[IsoDate | None, Query()] = None
) -> dict[str, Any]:
    """Each penalty on display and each active listing as a repair application filed on ``as_of``, decided
    by ``credsup_repair`` (``credsup repair-check``, docs/registry.md)."""
    service = service_of(request)
    snapshot = service.snapshot
    row_of(snapshot, enterprise_id)
    return check_repair(snapshot.registry, service.jurisdiction, enterprise_id, as_of or service.today()).as_dict()


@router.post(
    "/plan",
    response_model=PlanResponse,
    summary='Draw the period\'s "double random, one public" plan',
    dependencies=[Depends(require_json)],
)
def plan(body: PlanRequest, request: Request) -> PlanResponse:
    """The plan ``credsup plan`` draws for the same registry, inspectors, jurisdiction, period and seed, byte
    for byte; the summary carries the SHA-256 of every input and the command that re-draws it."""
    service = service_of(request)
    snapshot = service.snapshot
    if snapshot.inspectors is None:
        raise ApiProblem(
            "not-configured",
            "this service has no inspectors file: start it with --inspectors FILE (or keep inspectors.csv in the "
            "registry folder)",
        )
    if "checklist" not in snapshot.registry or snapshot.registry["checklist"].raw is None:
        raise ApiProblem("not-configured", "the registry has no checklist table; a plan needs one (docs/registry.md)")
    insp = snapshot.inspectors
    drawn = draw_plan(snapshot.registry, service.jurisdiction, insp.frame, Period.parse(body.period), body.seed)
    summary = publication(
        drawn,
        snapshot.registry,
        insp.input,
        service.jurisdiction,
        overrides=request.app.state.config.overrides,
        skipped_rows=len(snapshot.registry.skipped) + len(insp.skipped),
    )
    summary["redraw"] = redraw_command(summary, shown(snapshot.registry.location), shown(insp.location))
    columns = {c: drawn.columns[c].tolist() for c in COLUMNS}
    rows = [dict(zip(COLUMNS, values, strict=True)) for values in zip(*columns.values(), strict=True)]
    return PlanResponse(summary=summary, rows=rows, csv=drawn.csv_text())


@router.get("/parameters", response_model=ParametersResponse, summary="Parameters with their sources")
def parameters(request: Request) -> ParametersResponse:
    j = service_of(request).jurisdiction
    return ParametersResponse(
        jurisdiction=j.describe(),
        contract_version=CONTRACT_VERSION,
        parameters=j.parameters(),  # type: ignore[arg-type]
    )


def status_of(request: Request) -> StatusResponse:
    service = service_of(request)
    j = service.jurisdiction
    last = service.last_refresh
    return StatusResponse(
        credsup=__version__,
        jurisdiction=j.name,
        jurisdiction_version=j.version,
        today=service.today(),
        snapshot=service.snapshot.info(),
        refresh_every_seconds=request.app.state.config.refresh_every,
        last_refresh=last.as_dict() if last else None,  # type: ignore[arg-type]
        reports_store=request.app.state.reports.display_url,
    )


@router.get("/status", response_model=StatusResponse, summary="The snapshot being served and its inputs")
def status(request: Request) -> StatusResponse:
    return status_of(request)


@router.post("/refresh", response_model=StatusResponse, summary="Read the registry again and swap it in")
def refresh(request: Request) -> StatusResponse:
    """Reads the registry into a new snapshot while the old one keeps answering, then swaps. If the
    registry cannot be read, the old snapshot stays and the answer lists what is wrong (422)."""
    result = service_of(request).refresh()
    if not result.ok:
        lines = result.error.splitlines()
        raise ApiProblem(
            "registry-error",
            f"the registry could not be read; still serving the previous snapshot. {lines[0] if lines else ''}",
            errors=[{"detail": line} for line in lines[:100]],
        )
    return status_of(request)


@router.get(
    "/reports",
    response_model=list[ReportOut],
    summary="Breach reports from the public pages",
    responses={200: {"content": {"text/csv": {}}}},
)
def reports(
    request: Request,
    since: Annotated[IsoDate | None, Query(description="Only reports received on or after this day.")] = None,
    enterprise: Annotated[EnterpriseId | None, Query()] = None,
    format: Annotated[Literal["json", "csv"], Query(description="csv: rows of complaints.csv.")] = "json",
) -> Any:
    """Reports are complaints received (seed 000 (III)); ``format=csv`` gives them as rows of the registry's
    ``complaints.csv`` for the regulator's intake (docs/serve.md)."""
    found = request.app.state.reports.list(since=since, enterprise=enterprise)
    if format == "csv":
        return PlainTextResponse(complaints_csv(found), media_type="text/csv; charset=utf-8")
    return [r.as_dict() for r in found]
