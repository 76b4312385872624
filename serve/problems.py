"""Errors as RFC 9457 problem details (``application/problem+json``), each naming what was wrong.

Every error of the JSON API is an object ``{type, title, status, detail, instance}``; ``type`` is a URN
of this module's :data:`TYPES` (``urn:credsup:problem:unknown-enterprise``), so a client can branch on
it. A request that names a bad field gets ``errors``, one entry per field, each with a ``detail`` and
either a JSON ``pointer`` into the body (``#/enterprises/3``, RFC 9457 section 3's example) or the
``parameter`` (query or path) it concerns. A user's mistake is a 4xx; a 500 never carries a traceback
(the server log has it, under the ``reference`` the answer gives).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

log = logging.getLogger("credsup.serve")

PROBLEM_JSON = "application/problem+json"
URN = "urn:credsup:problem:"


@attrs.frozen
class ProblemType:
    slug: str
    title: str
    status: int

    @property
    def uri(self) -> str:
        return URN + self.slug


TYPES: dict[str, ProblemType] = {
    t.slug: t
    for t in (
        ProblemType("malformed-json", "The request body is not valid JSON", 400),
        ProblemType("unauthorized", "A valid API token is required", 401),
        ProblemType("no-token-configured", "This server has no API token configured", 401),
        ProblemType("unknown-enterprise", "No such enterprise in the registry", 404),
        ProblemType("not-found", "No such resource", 404),
        ProblemType("method-not-allowed", "Method not allowed", 405),
        ProblemType("not-configured", "The service is not configured for this request", 409),
        ProblemType("payload-too-large", "The request body is too large", 413),
        ProblemType("unsupported-media-type", "Unsupported media type", 415),
        ProblemType("validation", "The request has invalid fields", 422),
        ProblemType("registry-error", "The registry could not be read", 422),
        ProblemType("http-error", "The request failed", 400),
        ProblemType("plugin-error", "The jurisdiction plugin failed", 500),
        ProblemType("internal", "Internal server error", 500),
    )
}


class ApiProblem(Exception):
    """Raise from a route to answer with a problem of type ``slug``."""

    def __init__(
        self,
        slug: str,
        detail: str,
        *,
        status: int | None = None,
        errors: Sequence[Mapping[str, Any]] = (),
        headers: Mapping[str, str] | None = None,
        **extensions: Any,
    ):
        super().__init__(detail)
        self.type = TYPES[slug]
        self.detail = detail
        self.status = status or self.type.status
        self.errors = list(errors)
        self.headers = dict(headers or {})
        self.extensions = extensions


def problem_body(problem: ApiProblem, instance: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": problem.type.uri,
        "title": problem.type.title,
        "status": problem.status,
        "detail": problem.detail,
        "instance": instance,
    }
    if problem.errors:
        body["errors"] = problem.errors
    body.update(problem.extensions)
    return body


# ------------------------------------------------------------------------- validation errors, mapped


def _pointer(path: Iterable[Any]) -> str:
    """A JSON pointer (RFC 6901) to a body location, as RFC 9457 section 3 writes it: ``#/a/0``."""
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in path]
    return "#/" + "/".join(parts) if parts else "#"


def _field_name(loc: Sequence[Any]) -> str:
    return ".".join(str(p) for p in loc[1:]) or "body"


def from_validation(errors: Sequence[Mapping[str, Any]]) -> ApiProblem:
    """FastAPI/pydantic validation errors -> one problem naming every bad field."""
    for err in errors:
        if err.get("type") == "json_invalid":
            loc = err.get("loc", ())
            where = f" at character {loc[1]}" if len(loc) > 1 else ""
            reason = (err.get("ctx") or {}).get("error", err.get("msg", ""))
            return ApiProblem("malformed-json", f"the request body is not valid JSON{where}: {reason}")
    items = []
    texts = []
    for err in errors:
        loc = tuple(err.get("loc", ()))
        where = loc[0] if loc else "body"
        message = str(err.get("msg", "invalid value"))
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        if where == "body":
            name = _field_name(loc)
            items.append({"pointer": _pointer(loc[1:]), "detail": message})
        else:
            name = str(loc[1]) if len(loc) > 1 else str(where)
            items.append({"parameter": name, "in": str(where), "detail": message})
        texts.append(f"{name}: {message}")
    detail = "; ".join(texts) or "the request is invalid"
    return ApiProblem("validation", detail, errors=items)


def internal_problem(exc: BaseException) -> ApiProblem:
    """A 500 without the traceback: the log has it under a reference the client can quote."""
    reference = secrets.token_hex(6)
    log.error("internal error (reference %s)", reference, exc_info=exc)
    return ApiProblem(
        "internal",
        f"an internal error occurred; the server log has it under reference {reference}",
        reference=reference,
    )
