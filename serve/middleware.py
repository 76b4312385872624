"""ASGI middleware of the service: request body limits and security headers on every response."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.exceptions import HTTPException

from credsup.serve.problems import PROBLEM_JSON, TYPES

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Content Security Policy of every page: nothing but our own stylesheet and images, no script at all,
#: forms only to ourselves, never framed (so an injected tag could neither run nor load anything).
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]
#: Paths whose answers may be cached (they change only with the code, or never for one address).
CACHEABLE = ("/static/",)


def is_page(path: str) -> bool:
    """Paths answered with HTML for people (everything else is JSON for programs)."""
    return path == "/" or path == "/e" or path.startswith("/e/")


class PayloadTooLarge(HTTPException):
    def __init__(self, limit: int):
        super().__init__(413, f"the request body is larger than {limit} bytes")
        self.limit = limit


class BodyLimit:
    """Refuse request bodies above a limit: at once from ``Content-Length``, or while streaming.

    The public report form has a small limit, the JSON API a larger one (a batch of ids).
    """

    def __init__(self, app: ASGIApp, *, json_limit: int, form_limit: int):
        self.app = app
        self.json_limit = json_limit
        self.form_limit = form_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = self.form_limit if is_page(path) else self.json_limit
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _too_large(scope, send, limit)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise PayloadTooLarge(limit)
            return message

        await self.app(scope, limited, send)


async def _too_large(scope: Scope, send: Send, limit: int) -> None:
    problem = TYPES["payload-too-large"]
    detail = f"the request body is larger than {limit} bytes"
    if is_page(scope.get("path", "")):
        body = f"<!doctype html><title>Too large</title><p>{problem.title}: {detail}.</p>".encode()
        ctype = b"text/html; charset=utf-8"
    else:
        body = json.dumps(
            {"type": problem.uri, "title": problem.title, "status": 413, "detail": detail, "instance": scope["path"]}
        ).encode()
        ctype = PROBLEM_JSON.encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", ctype),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """CSP, nosniff, no framing, and ``Cache-Control: no-store`` except for static files and QR codes."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        cacheable = path.startswith(CACHEABLE) or path.endswith(("/qr.svg", "/qr.png"))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                if b"cache-control" not in names:
                    headers.append((b"cache-control", b"public, max-age=300" if cacheable else b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
