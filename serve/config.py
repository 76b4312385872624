"""What a service is started with: its registry, its jurisdiction, its tokens, its limits.

Tokens are read from a file (``--token-file`` or ``CREDSUP_SERVE_TOKEN_FILE``: one token per line, ``#``
comments and blank lines ignored, so an old and a new token can be valid together while clients move
over) and from ``CREDSUP_SERVE_TOKEN`` (one token, or several separated by commas). Only their SHA-256
digests are kept; a presented token is hashed and compared with :func:`hmac.compare_digest` against every
digest, so neither the comparison time nor a log line can give a token away. Messages about a bad token
name the file and line, never the token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re
import secrets
import stat
from collections.abc import Mapping
from pathlib import Path

import attrs

from credsup.core.errors import InputError

TOKEN_ENV = "CREDSUP_SERVE_TOKEN"
TOKEN_FILE_ENV = "CREDSUP_SERVE_TOKEN_FILE"
SECRET_ENV = "CREDSUP_SERVE_SECRET"
#: Shortest token accepted (assumption: 16 characters of ``secrets.token_urlsafe`` carry 96 bits; a
#: shorter string is more likely a password typed by hand than a generated token).
MIN_TOKEN_LENGTH = 16
#: Shortest refresh interval (assumption: re-reading a city registry takes seconds; faster is a typo).
MIN_REFRESH_SECONDS = 10.0

TOKEN_HINT = 'make one with: python -c "import secrets; print(secrets.token_urlsafe(32))"'


@attrs.frozen
class Tokens:
    """The accepted API tokens, as SHA-256 digests."""

    digests: tuple[bytes, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.digests)

    def __len__(self) -> int:
        return len(self.digests)

    def accepts(self, token: str) -> bool:
        """Constant-time: every digest is compared, whichever matches."""
        presented = hashlib.sha256(token.encode("utf-8", "surrogateescape")).digest()
        ok = False
        for digest in self.digests:
            ok |= hmac.compare_digest(presented, digest)
        return ok

    @classmethod
    def of(cls, *tokens: str) -> Tokens:
        return cls(tuple(hashlib.sha256(t.encode("utf-8")).digest() for t in tokens))


def _check_token(token: str, where: str) -> None:
    if len(token) < MIN_TOKEN_LENGTH:
        raise InputError(f"{where}: token shorter than {MIN_TOKEN_LENGTH} characters; {TOKEN_HINT}")
    if any(c.isspace() or not c.isprintable() for c in token):
        raise InputError(f"{where}: a token may not contain spaces or control characters; {TOKEN_HINT}")


def read_token_file(path: str | Path) -> tuple[list[str], list[str]]:
    """Tokens of a token file and warnings about it (a file others can read)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
        mode = p.stat().st_mode
    except FileNotFoundError:
        raise InputError(f"{p}: token file not found") from None
    except IsADirectoryError:
        raise InputError(f"{p}: is a directory, expected a token file") from None
    except PermissionError:
        raise InputError(f"{p}: token file cannot be read (permission denied)") from None
    except UnicodeDecodeError:
        raise InputError(f"{p}: token file is not UTF-8 text") from None
    tokens = []
    for number, line in enumerate(text.splitlines(), start=1):
        token = line.strip()
        if not token or token.startswith("#"):
            continue
        _check_token(token, f"{p}:{number}")
        tokens.append(token)
    if not tokens:
        raise InputError(f"{p}: the token file holds no token; {TOKEN_HINT}")
    warnings = []
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        warnings.append(f"{p}: the token file can be read by other users; chmod 600 {p}")
    return tokens, warnings


def load_tokens(token_file: str | Path | None, environ: Mapping[str, str] | None = None) -> tuple[Tokens, list[str]]:
    """Tokens from ``token_file`` (or ``$CREDSUP_SERVE_TOKEN_FILE``) and ``$CREDSUP_SERVE_TOKEN``."""
    env = os.environ if environ is None else environ
    tokens: list[str] = []
    warnings: list[str] = []
    file = token_file or env.get(TOKEN_FILE_ENV) or None
    if file:
        found, warnings = read_token_file(file)
        tokens += found
    for i, token in enumerate(t.strip() for t in env.get(TOKEN_ENV, "").split(",")):
        if token:
            _check_token(token, f"${TOKEN_ENV} (token {i + 1})")
            tokens.append(token)
    return Tokens.of(*tokens), warnings


def load_secret(path: str | Path | None, environ: Mapping[str, str] | None = None) -> tuple[bytes, bool]:
    """The key that signs the report form's session cookie (CSRF token) and whether it was configured.

    From ``path`` or ``$CREDSUP_SERVE_SECRET``; otherwise a random key for this process (forms opened
    before a restart must then be reloaded, and several processes behind one address need a shared key).
    """
    env = os.environ if environ is None else environ
    if path:
        try:
            text = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise InputError(f"{path}: cannot read the secret file ({exc.strerror or exc})") from None
    else:
        text = env.get(SECRET_ENV, "").strip()
    if not text:
        return secrets.token_bytes(32), False
    if len(text) < 32:
        raise InputError(f"{path or '$' + SECRET_ENV}: the secret must be at least 32 characters; {TOKEN_HINT}")
    return text.encode("utf-8"), True


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*$")


def parse_duration(text: str) -> float:
    """``"90"``, ``"90s"``, ``"15m"``, ``"1h"`` -> seconds (at least :data:`MIN_REFRESH_SECONDS`)."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"cannot read {text!r}: expected seconds or a number with s, m or h (15m, 1h)")
    seconds = float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]
    if seconds < MIN_REFRESH_SECONDS:
        raise ValueError(f"{text!r} is shorter than {MIN_REFRESH_SECONDS:g} seconds")
    return seconds


@attrs.frozen
class ServeConfig:
    """Everything :func:`credsup.serve.app.create_app` needs besides the loaded jurisdiction."""

    registry: str
    #: inspectors file or URL for plans (None: ``inspectors.csv`` in a registry folder, if there is one)
    inspectors: str | None = None
    skip_bad_rows: bool = False
    tokens: Tokens = Tokens()
    #: SQLAlchemy URL of the public reports store (None: see :func:`credsup.serve.reports.default_url`)
    reports: str | None = None
    #: absolute address of the site as the public reaches it (QR codes); None: from each request
    public_url: str | None = None
    #: refresh the registry every so many seconds (None: only on request)
    refresh_every: float | None = None
    #: serve as of this date instead of today (demonstrations, tests)
    today: dt.date | None = None
    secret: bytes = attrs.field(factory=lambda: secrets.token_bytes(32), repr=False)
    #: session cookie only over HTTPS (set behind a TLS-terminating proxy)
    https_only: bool = False
    #: extra template folder searched before the built-in templates (local branding and language)
    templates: str | None = None
    #: request body limits in bytes: JSON API requests, and the public report form
    max_json_bytes: int = 1_048_576
    max_form_bytes: int = 16_384
    #: the ``--set`` overrides the jurisdiction was loaded with (published with plans)
    overrides: tuple[str, ...] = ()
