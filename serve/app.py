"""The ASGI application: :func:`create_app` wires the snapshot service, the routes, the limits and the errors.

FastAPI on Starlette (docs/serve.md says why): request and response models give validation naming the
field and the OpenAPI document (``/openapi.json``) from one declaration. The interactive documentation
pages are off: they load scripts from a CDN, which neither a government network nor the public pages'
Content Security Policy should allow; any OpenAPI viewer can read ``/openapi.json``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from credsup import __version__
from credsup.core.errors import CredsupError, HookError
from credsup.core.jurisdiction import Jurisdiction
from credsup.serve import api, web
from credsup.serve.config import ServeConfig
from credsup.serve.middleware import BodyLimit, PayloadTooLarge, SecurityHeaders, is_page
from credsup.serve.problems import PROBLEM_JSON, ApiProblem, from_validation, internal_problem, problem_body
from credsup.serve.reports import ReportStore, default_url
from credsup.serve.snapshot import Service

log = logging.getLogger("credsup.serve")

SESSION_COOKIE = "credsup_session"


def _respond(request: Request, problem: ApiProblem) -> Response:
    """A problem as JSON for programs, or as an HTML page for people on the public pages."""
    if is_page(request.url.path):
        templates: Jinja2Templates = request.app.state.templates
        return templates.TemplateResponse(
            request,
            "error.html",
            {"title": problem.type.title, "message": problem.detail},
            status_code=problem.status,
            headers=problem.headers,
        )
    return JSONResponse(
        problem_body(problem, request.url.path),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=problem.headers,
    )


def install_error_handlers(app: FastAPI) -> None:
    async def on_problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiProblem)
        return _respond(request, exc)

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return _respond(request, from_validation(exc.errors()))

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        slug = {
            404: "not-found",
            405: "method-not-allowed",
            413: "payload-too-large",
            415: "unsupported-media-type",
            401: "unauthorized",
        }.get(exc.status_code)
        if exc.status_code == 400 and isinstance(exc.__cause__, PayloadTooLarge):
            slug, exc = "payload-too-large", exc.__cause__  # FastAPI wraps errors raised while reading a body
        detail = str(exc.detail) if exc.detail else ""
        if slug == "not-found" and detail == "Not Found":
            detail = (
                "This page does not exist."
                if is_page(request.url.path)
                else f"no route {request.method} {request.url.path}; /openapi.json lists the API"
            )
        if slug is None:
            slug = "http-error" if 400 <= exc.status_code < 500 else "internal"
        problem = ApiProblem(slug, detail or str(exc.status_code), status=exc.status_code, headers=exc.headers)
        return _respond(request, problem)

    async def on_credsup(request: Request, exc: Exception) -> Response:
        if isinstance(exc, HookError):
            log.error("plugin error on %s: %s", request.url.path, exc)
            public = is_page(request.url.path) or request.url.path.startswith("/public/")
            detail = "the jurisdiction plugin failed; the server log has the details" if public else str(exc)
            return _respond(request, ApiProblem("plugin-error", detail))
        return _respond(request, ApiProblem("validation", str(exc)))

    async def on_error(request: Request, exc: Exception) -> Response:
        return _respond(request, internal_problem(exc))

    app.add_exception_handler(ApiProblem, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(CredsupError, on_credsup)
    app.add_exception_handler(Exception, on_error)


def _templates(config: ServeConfig) -> Jinja2Templates:
    loaders: list[jinja2.BaseLoader] = []
    if config.templates:
        loaders.append(jinja2.FileSystemLoader(config.templates))
    loaders.append(jinja2.PackageLoader("credsup.serve", "templates"))
    env = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=True)
    return Jinja2Templates(env=env)


async def _refresh_every(app: FastAPI, seconds: float) -> None:
    """Refresh the registry on a schedule, in a worker thread, so the event loop keeps answering."""
    from starlette.concurrency import run_in_threadpool

    service: Service = app.state.service
    while True:
        await asyncio.sleep(seconds)
        try:
            await run_in_threadpool(service.refresh)
        except Exception:  # pragma: no cover - refresh() reports registry errors itself; anything else is a bug
            log.exception("scheduled refresh failed")


def create_app(
    config: ServeConfig,
    jurisdiction: Jurisdiction,
    *,
    service: Service | None = None,
    reports: ReportStore | None = None,
) -> FastAPI:
    """The service over ``config.registry``, deciding with ``jurisdiction``.

    Reads the registry now (a :class:`~credsup.registry.errors.RegistryError` stops here, before anything
    listens) and opens the reports store. ``service`` and ``reports`` may be given ready-made (tests).
    """
    service = service or Service(
        config.registry,
        jurisdiction,
        inspectors=config.inspectors,
        skip_bad_rows=config.skip_bad_rows,
        today=config.today,
    )
    reports = reports or ReportStore(config.reports or default_url(config.registry))

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(_refresh_every(app, config.refresh_every)) if config.refresh_every else None
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    app = FastAPI(
        title="credsup",
        version=__version__,
        summary=f"Credit supervision service: {jurisdiction.name} {jurisdiction.version} over a registry",
        description=(
            "Internal endpoints (`/api/v1`, token required) grade enterprises with the indicators that decided, "
            "give inspection probabilities, repair checks and the period's inspection plan, and list the "
            "jurisdiction's parameters with sources. Public endpoints (`/public/v1`, no token) give an "
            "enterprise's public commitments, demonstration status and the penalties and listings in their "
            "publicity period; never a risk grade. Errors are RFC 9457 problem details."
        ),
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.config = config
    app.state.service = service
    app.state.reports = reports
    app.state.tokens = config.tokens
    app.state.templates = _templates(config)
    app.include_router(api.router)
    app.include_router(web.router)
    app.mount("/static", StaticFiles(packages=[("credsup.serve", "static")]), name="static")
    install_error_handlers(app)
    # added innermost first: the body limit sees the request before the session, the headers go on last
    app.add_middleware(
        SessionMiddleware,
        secret_key=config.secret.decode("latin-1"),
        session_cookie=SESSION_COOKIE,
        same_site="strict",
        https_only=config.https_only,
        max_age=None,
    )
    app.add_middleware(BodyLimit, json_limit=config.max_json_bytes, form_limit=config.max_form_bytes)
    app.add_middleware(SecurityHeaders)
    return app
