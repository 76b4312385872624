"""Public routes: the commitment page reached by QR code, its report form, and the public JSON.

Seed 000 (II): the regulator issues each participant "the exclusive QR code of credit commitment" and
the commitment letter is "double publicized on and off line"; (III): through it anyone is "able to inquire
the credit commitment status" and to "supervise, evaluate, complain and report". ``/e/{id}`` is that
page, ``/e/{id}/qr.svg`` (and ``.png``) its QR code, ``POST /e/{id}/report`` the report form, which stores a
complaint (:mod:`credsup.serve.reports`). No token is needed and none is looked at: the public routes
answer the same with or without one, and never with a grade (:mod:`credsup.serve.public`).

The form is protected by a CSRF token kept in a signed session cookie (``SameSite=Strict``) and repeated
in a hidden field; every value shown is escaped by Jinja2's autoescaping, and the Content Security
Policy allows no script at all (:mod:`credsup.serve.middleware`).
"""

from __future__ import annotations

import io
import re
import secrets
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from credsup.serve.models import EnterpriseId, ProblemModel, PublicEnterprise
from credsup.serve.problems import PROBLEM_JSON, ApiProblem
from credsup.serve.public import public_record
from credsup.serve.reports import MAX_CONTACT, MAX_TEXT, clean_text
from credsup.serve.snapshot import Service

router = APIRouter()

_REFERENCE = re.compile(r"R-[A-Z2-7]{10}")

#: Commitment kinds (seed 004 (I)-(IV)) as a reader of the page knows them: a name and what it means.
KIND_LABELS = {
    "notification": ("Notification commitment", "a licence granted on this commitment, checked afterwards"),
    "certification": ("Commitment in place of a certificate", "a document replaced by this commitment"),
    "voluntary": ("Voluntary commitment", "made of its own accord or under an industry's self-discipline"),
    "repair": ("Credit repair commitment", "made when applying to repair its credit record"),
}
LIST_LABELS = {"dishonesty": "List of seriously dishonest entities", "abnormal_operation": "Abnormal operation list"}


def service_of(request: Request) -> Service:
    return request.app.state.service


def templates_of(request: Request) -> Jinja2Templates:
    return request.app.state.templates


def page_url(request: Request, enterprise_id: str) -> str:
    """The public address of an enterprise's page: ``--public-url`` if given, else this request's base."""
    base = request.app.state.config.public_url or str(request.base_url)
    return base.rstrip("/") + "/e/" + quote(enterprise_id, safe="")


def _record(request: Request, enterprise_id: str) -> dict[str, Any] | None:
    service = service_of(request)
    snapshot = service.snapshot
    row = snapshot.index_of(enterprise_id)
    if row is None:
        return None
    record = public_record(snapshot, row, service.today())
    record["page"] = page_url(request, enterprise_id)
    return record


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("kind_labels", KIND_LABELS)
    context.setdefault("list_labels", LIST_LABELS)
    context.setdefault("max_text", MAX_TEXT)
    context.setdefault("max_contact", MAX_CONTACT)
    return templates_of(request).TemplateResponse(request, name, context, status_code=status)


def not_found_page(request: Request, enterprise_id: str) -> HTMLResponse:
    return render(
        request,
        "error.html",
        404,
        title="Not found",
        message=f"No enterprise with the code {enterprise_id} is in this registry.",
    )


# ------------------------------------------------------------------------------------- public JSON


@router.get(
    "/public/v1/enterprises/{enterprise_id}",
    response_model=PublicEnterprise,
    tags=["public"],
    summary="What the public may see of an enterprise",
    responses={404: {"model": ProblemModel, "content": {PROBLEM_JSON: {}}, "description": "Unknown enterprise"}},
)
def public_enterprise(enterprise_id: EnterpriseId, request: Request) -> dict[str, Any]:
    """Public commitments, demonstration status, and penalties and listings still in their publicity period.
    No grade: risk classification results are for supervisors' internal use (docs/serve.md)."""
    record = _record(request, enterprise_id)
    if record is None:
        raise ApiProblem(
            "unknown-enterprise",
            f"enterprise {enterprise_id!r} is not in the registry",
            errors=[{"parameter": "enterprise_id", "in": "path", "detail": "unknown enterprise"}],
        )
    return record


@router.get("/healthz", tags=["public"], summary="Liveness for load balancers")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


# ------------------------------------------------------------------------------------------- pages


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def index(request: Request) -> HTMLResponse:
    return render(request, "index.html", title="Enterprise credit commitments")


@router.get("/e", include_in_schema=False)
def find(request: Request, code: Annotated[str, Query(max_length=200)] = "") -> Response:
    code = code.strip()
    if not code:
        return render(request, "index.html", 422, title="Enterprise credit commitments", error="Type a code.")
    if service_of(request).snapshot.index_of(code) is None:
        return not_found_page(request, code)
    return RedirectResponse(request.url_for("enterprise_page", enterprise_id=code), status_code=303)


@router.get("/e/{enterprise_id}", response_class=HTMLResponse, include_in_schema=False, name="enterprise_page")
def enterprise_page(enterprise_id: str, request: Request) -> HTMLResponse:
    record = _record(request, enterprise_id)
    if record is None:
        return not_found_page(request, enterprise_id)
    return render(
        request,
        "enterprise.html",
        title=record["name"] or record["enterprise"],
        e=record,
        csrf=csrf_token(request),
        form={},
        errors={},
    )


def _qr(request: Request, enterprise_id: str) -> Any:
    import segno

    if service_of(request).snapshot.index_of(enterprise_id) is None:
        return None
    # error correction M (15% of the symbol may be damaged): a printed board gets dirty and scuffed
    return segno.make(page_url(request, enterprise_id), error="m", micro=False)


@router.get("/e/{enterprise_id}/qr.svg", include_in_schema=False)
def qr_svg(enterprise_id: str, request: Request) -> Response:
    qr = _qr(request, enterprise_id)
    if qr is None:
        return not_found_page(request, enterprise_id)
    out = io.BytesIO()
    qr.save(out, kind="svg", scale=8, border=4, title=f"QR code of {page_url(request, enterprise_id)}")
    return Response(out.getvalue(), media_type="image/svg+xml")


@router.get("/e/{enterprise_id}/qr.png", include_in_schema=False)
def qr_png(enterprise_id: str, request: Request) -> Response:
    qr = _qr(request, enterprise_id)
    if qr is None:
        return not_found_page(request, enterprise_id)
    out = io.BytesIO()
    qr.save(out, kind="png", scale=8, border=4)
    return Response(out.getvalue(), media_type="image/png")


@router.post("/e/{enterprise_id}/report", include_in_schema=False)
async def report(
    enterprise_id: str,
    request: Request,
    text: Annotated[str, Form()] = "",
    commitment: Annotated[str, Form()] = "",
    contact: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    record = await run_in_threadpool(_record, request, enterprise_id)
    if record is None:
        return not_found_page(request, enterprise_id)
    expected = request.session.get("csrf")
    if not isinstance(expected, str) or not secrets.compare_digest(csrf.encode(), expected.encode()):
        return render(
            request,
            "error.html",
            403,
            title="Form expired",
            message="This form has expired or did not come from this site. Open the page again and resend.",
            back=page_url(request, enterprise_id),
        )
    body, reach = clean_text(text), clean_text(contact)
    errors = {}
    if not body:
        errors["text"] = "Describe what you saw."
    elif len(body) > MAX_TEXT:
        errors["text"] = f"At most {MAX_TEXT} characters, please ({len(body)} given)."
    if len(reach) > MAX_CONTACT:
        errors["contact"] = f"At most {MAX_CONTACT} characters."
    known = {c["id"] for c in record["commitments"]}
    if commitment and commitment not in known:
        errors["commitment"] = "Choose one of this enterprise's commitments, or none."
    if errors:
        form = {"text": text[: MAX_TEXT * 2], "contact": contact[: MAX_CONTACT * 2], "commitment": commitment}
        return render(
            request,
            "enterprise.html",
            422,
            title=record["name"] or record["enterprise"],
            e=record,
            csrf=csrf_token(request),
            form=form,
            errors=errors,
        )
    stored = await run_in_threadpool(
        request.app.state.reports.add,
        enterprise_id,
        body,
        received=service_of(request).today(),
        commitment=commitment or None,
        contact=reach or None,
    )
    target = request.url_for("receipt", enterprise_id=enterprise_id, reference=stored.id)
    return RedirectResponse(target, status_code=303)


@router.get("/e/{enterprise_id}/reports/{reference}", include_in_schema=False, name="receipt")
def receipt(enterprise_id: str, reference: str, request: Request) -> HTMLResponse:
    stored = request.app.state.reports.get(reference) if _REFERENCE.fullmatch(reference) else None
    if stored is None or stored.enterprise != enterprise_id:
        return render(request, "error.html", 404, title="Not found", message="No report with this reference.")
    record = _record(request, enterprise_id)
    return render(
        request,
        "receipt.html",
        title="Report received",
        report=stored,
        e=record,
        received=stored.received.isoformat(),
        back=page_url(request, enterprise_id),
    )
