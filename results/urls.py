"""Database URLs: what ``--db`` means, how a URL is read, and how it is shown (never with its password).

``--db`` accepts a SQLAlchemy URL (``sqlite:///path.db``, ``postgresql://user:pw@host/db``) or a plain
file path (a SQLite file). Without ``--db``, ``$CREDSUP_DB`` is used, else ``credsup.db`` in the user's
data folder (:func:`default_database`: ``~/.local/share/credsup/credsup.db`` on Linux, by
``platformdirs``; ``$XDG_DATA_HOME`` is honoured).

A password may be written percent-encoded (``p%40ss``, as RFC 3986 asks) or as it is, even with ``@``
or ``/`` in it (``postgresql://me:p@ss/w@host/db``): the user part ends at the *last* ``@`` before the
query string, as ``urllib.parse`` reads a URL. ``?`` in a password must be encoded (``%3F``).

Every URL a message shows goes through :func:`display_url`: the password hidden by SQLAlchemy's own
``URL.render_as_string(hide_password=True)`` (and a ``password=`` query parameter as well); a URL that
cannot be read is shown with everything that could be a password hidden, never as it was typed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import quote, unquote

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from credsup.results.errors import DatabaseError

DB_ENV = "CREDSUP_DB"
DEFAULT_DB = "credsup.db"  # the file's name in the user's data folder
HIDDEN = "***"

#: Query parameters that carry a password (libpq's ``password``; MySQL drivers' ``passwd``).
PASSWORD_PARAMETERS = frozenset({"password", "passwd", "pwd"})

_SCHEME = re.compile(r"(?P<scheme>[A-Za-z][\w+.-]*)://(?P<rest>.*)", re.DOTALL)


def default_database() -> Path:
    """Where results go when neither ``--db`` nor ``$CREDSUP_DB`` says: ``credsup.db`` in the user's
    data folder (``platformdirs.user_data_path("credsup")``), which may not exist yet."""
    import platformdirs

    return platformdirs.user_data_path("credsup", appauthor=False) / DEFAULT_DB


def is_default(db: str | None) -> bool:
    """Whether ``--db`` (or its absence) means the default database."""
    return not (db or os.environ.get(DB_ENV))


def resolve_url(db: str | None) -> str:
    """The SQLAlchemy URL for ``--db`` (or ``$CREDSUP_DB``, or :func:`default_database`), as a string.

    A value without ``://`` is a SQLite file path; ``postgresql://`` and ``postgres://`` select psycopg 3.
    """
    raw = db or os.environ.get(DB_ENV) or str(default_database())
    if "://" not in raw:
        return f"sqlite:///{Path(raw).expanduser()}"
    if raw.startswith("postgresql://") or raw.startswith("postgres://"):
        raw = "postgresql+psycopg://" + raw.split("://", 1)[1]
    return raw


def _is_sqlite(scheme: str) -> bool:
    return scheme.split("+", 1)[0].lower() == "sqlite"


def _read(url: str) -> URL:
    """``url`` as a SQLAlchemy URL; raises ValueError or ArgumentError (whose text may hold the password)."""
    m = _SCHEME.fullmatch(url)
    if m is None:
        raise ArgumentError("no DIALECT:// at the start")
    scheme, rest = m["scheme"], m["rest"]
    if not _is_sqlite(scheme):  # a SQLite path may contain "@": it has no user part
        head, q, query = rest.partition("?")
        userinfo, at, hostpart = head.rpartition("@")
        user, colon, password = userinfo.partition(":")
        if at and "/" not in user:  # "host/db@x" has no user part: "host/db" is no user name
            encoded = quote(unquote(user), safe="") + (":" + quote(unquote(password), safe="") if colon else "")
            rest = f"{encoded}@{hostpart}{q}{query}"
    parsed = make_url(f"{scheme}://{rest}")
    _ = parsed.port  # a port that is no number fails here, not later
    return parsed


def parse_url(url: str) -> URL:
    """``url`` read as a SQLAlchemy URL; a :class:`DatabaseError` that never shows the password if it
    cannot be read."""
    try:
        return _read(url)
    except ValueError:  # SQLAlchemy's message quotes the bad port, which may be a password
        hint = (
            ""
            if "@" in url
            else " (a password needs a user and an @HOST after it: DIALECT://USER:PASSWORD@HOST:PORT/DATABASE)"
        )
        raise DatabaseError(f"malformed database URL {display_url(url)!r}: the port is not a number{hint}") from None
    except ArgumentError:  # SQLAlchemy's message quotes the whole URL
        raise DatabaseError(
            f"malformed database URL {display_url(url)!r}: expected DIALECT[+DRIVER]://USER:PASSWORD@HOST:PORT/"
            "DATABASE, sqlite:///PATH or a file path"
        ) from None


def _hide_query_passwords(url: URL) -> URL:
    if not any(k.lower() in PASSWORD_PARAMETERS for k in url.query):
        return url
    return url.set(query={k: (HIDDEN if k.lower() in PASSWORD_PARAMETERS else v) for k, v in url.query.items()})


def display_url(url: str | URL) -> str:
    """The URL for a message: the password (and any ``password=`` query parameter) hidden."""
    try:
        parsed = url if isinstance(url, URL) else _read(url)
    except (ArgumentError, ValueError):
        return _masked(str(url))
    shown = _hide_query_passwords(parsed).render_as_string(hide_password=True)
    return shown.replace("=" + quote(HIDDEN, safe=""), "=" + HIDDEN)  # "password=***", not "%2A%2A%2A"


def _masked(url: str) -> str:
    """An unreadable URL with whatever could be a password hidden: the user part and anything after a
    ``:`` in the host part, and the query string."""
    m = _SCHEME.fullmatch(url)
    if m is None:  # not even a dialect name: only what comes before "://" can be shown
        return f"{url.split('://', 1)[0]}://{HIDDEN}" if "://" in url else HIDDEN
    head, q, _ = m["rest"].partition("?")
    if _is_sqlite(m["scheme"]):
        shown = head
    elif "@" in head:
        shown = f"{HIDDEN}@{head.rpartition('@')[2]}"
    else:
        authority, slash, path = head.partition("/")
        host, colon, _ = authority.partition(":")
        shown = f"{host}{':' + HIDDEN if colon else ''}{slash}{path}"
    return f"{m['scheme']}://{shown}{'?' + HIDDEN if q else ''}"


def has_password(url: str) -> bool:
    """Whether the URL holds a password (in its user part or its query)."""
    try:
        parsed = _read(url)
    except (ArgumentError, ValueError):
        return True  # cannot tell: treat it as secret
    return parsed.password is not None or any(k.lower() in PASSWORD_PARAMETERS for k in parsed.query)


def scrub(text: str, url: URL) -> str:
    """``text`` (a driver's error message, say) with the URL's password replaced by ``***``."""
    password = url.password
    if password:
        text = text.replace(str(password), HIDDEN)
    return text
