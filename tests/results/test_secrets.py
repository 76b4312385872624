"""Database passwords are never shown: in messages about good and unreadable URLs, in errors from the
driver, and in the hint that says how to resume (which names ``$CREDSUP_DB`` instead)."""

from __future__ import annotations

import os
import uuid

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from credsup.cli.main import cli
from credsup.cli.results_cmds import db_hint, resume_hint
from credsup.experiments import executors
from credsup.experiments.executors import InlineExecutor
from credsup.results.db import DatabaseError, display_url, has_password, open_database, resolve_url
from credsup.results.urls import parse_url

SECRET = "s3cr3t"

#: URLs as a user might type them, each with the password somewhere in it.
URLS = [
    f"postgresql+psycopg://user:{SECRET}@db.example:5432/results",
    f"postgresql+psycopg://user:{SECRET}@more@db.example/results",  # "@" in the password, as typed
    f"postgresql+psycopg://user:{SECRET}/x@db.example/results",  # "/" in the password, as typed
    f"postgresql+psycopg://user:{SECRET}/results",  # no host: SQLAlchemy reads the password as a port
    f"postgresql+psycopg://user:{SECRET}@db.example:notaport/results",
    f"postgresql+psycopg://user@db.example/results?password={SECRET}",
    f"postgresql+psycopg://user:{SECRET}%40more@db.example/results",  # percent-encoded "@"
    f"post gres://user:{SECRET}@db.example/results",  # no valid dialect name
]


@pytest.mark.parametrize("url", URLS)
def test_display_never_shows_the_password(url: str) -> None:
    shown = display_url(url)
    assert SECRET not in shown and "more" not in shown and "x@" not in shown, shown
    assert has_password(url)


@pytest.mark.parametrize("url", URLS)
def test_errors_about_a_url_never_show_the_password(url: str) -> None:
    """Unreadable URLs, unsupported dialects and unreachable servers: one line, no password (the issue saw
    an unparseable URL echoed whole, and a password with "@" masked only up to its first "@")."""
    unreachable = url.replace("db.example", "127.0.0.1:1").replace("127.0.0.1:1:5432", "127.0.0.1:1")
    for candidate in (url, unreachable):
        with pytest.raises(DatabaseError) as err:
            open_database(candidate)
        message = str(err.value)
        assert SECRET not in message and "more@" not in message, message
        assert "\n" not in message


def test_the_cli_hides_a_password_that_contains_an_at_sign() -> None:
    result = CliRunner().invoke(cli, ["results", "list", "--db", f"postgresql://me:{SECRET}@x@127.0.0.1:1/db"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot connect to database postgresql+psycopg://me:***@127.0.0.1:1/db")
    assert SECRET not in result.output and "x@" not in result.output


def test_a_malformed_url_says_what_is_wrong_without_echoing_it() -> None:
    with pytest.raises(DatabaseError) as err:
        open_database(f"postgresql://user:{SECRET}/db")
    assert str(err.value) == (
        "malformed database URL 'postgresql+psycopg://user:***/db': the port is not a number (a password "
        "needs a user and an @HOST after it: DIALECT://USER:PASSWORD@HOST:PORT/DATABASE)"
    )


def test_a_password_with_at_sign_and_slash_is_read_whole() -> None:
    url = parse_url("postgresql+psycopg://me:p@ss/w:rd@db.example:6543/results?sslmode=require")
    assert (url.username, url.password, url.host, url.port, url.database) == (
        "me",
        "p@ss/w:rd",
        "db.example",
        6543,
        "results",
    )
    assert url.query == {"sslmode": "require"}
    assert parse_url("postgresql+psycopg://me:p%40ss@h/d").password == "p@ss"  # percent-encoded: the same
    assert parse_url("sqlite:////data/run@home/r.db").database == "/data/run@home/r.db"  # a path, no user


def test_a_password_with_at_sign_connects_to_postgresql(tmp_path) -> None:
    """The password reaches the server as typed: a role whose password holds "@", "/" and ":"."""
    from .conftest import PG_ENV

    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL not configured: set {PG_ENV}")
    admin = create_engine(resolve_url(base), isolation_level="AUTOCOMMIT")
    role, password = f"credsup_pw_{uuid.uuid4().hex[:8]}", "p@ss/w:rd"
    try:
        with admin.connect() as conn:
            conn.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'"))
    except Exception as exc:  # not allowed to create roles here
        pytest.skip(f"cannot create a test role: {type(exc).__name__}")
    try:
        server = make_url(resolve_url(base))
        url = f"postgresql://{role}:{password}@{server.host}:{server.port or 5432}/{server.database}"
        engine = open_database(url, migrate=False)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT current_user")).scalar() == role
        engine.dispose()
        wrong = url.replace(password, "p@ss/wrong")
        with pytest.raises(DatabaseError) as err:
            open_database(wrong, migrate=False)
        assert "p@ss" not in str(err.value) and "wrong" not in str(err.value)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
        admin.dispose()


# ---------------------------------------------------------------------------------- resume hints


def test_the_resume_hint_names_the_url_only_without_a_password(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("CREDSUP_DB", raising=False)
    record = {"id": 7, "kind": "compare", "command": "credsup compare --scenario demo"}
    sqlite = f"sqlite:///{tmp_path / 'r.db'}"
    assert resume_hint(record, sqlite) == f"credsup compare --resume 7 --db {sqlite}"
    assert resume_hint(record, None) == "credsup compare --resume 7"
    secret = f"postgresql://me:{SECRET}@db.example/results"
    hint = resume_hint(record, secret)
    assert hint.startswith('credsup compare --resume 7 --db "$CREDSUP_DB" (with CREDSUP_DB set to the database URL')
    assert SECRET not in hint and "***" not in hint  # a masked password could not be pasted back
    monkeypatch.setenv("CREDSUP_DB", secret)
    assert resume_hint(record, secret) == "credsup compare --resume 7"  # $CREDSUP_DB is used anyway
    assert db_hint(None) == ([], "")
    sweep = {"id": 3, "kind": "sweep", "command": "credsup sweep /specs/s.toml --seed 11 --set scenario.months=3"}
    assert resume_hint(sweep, None, "s.toml") == "credsup sweep s.toml --seed 11 --set scenario.months=3 --resume 3"


def test_an_interrupted_comparison_on_postgresql_hints_without_the_password(monkeypatch) -> None:
    """Ctrl-C in ``credsup compare --db postgresql://user:password@...``: the hint can be pasted as it is
    once $CREDSUP_DB holds the URL, and shows no password, real or masked."""
    from .conftest import PG_ENV, _postgres_database

    if not os.environ.get(PG_ENV):
        pytest.skip(f"PostgreSQL not configured: set {PG_ENV}")

    class Interrupting(InlineExecutor):
        def run(self, tasks):
            for i, outcome in enumerate(super().run(tasks)):
                if i == 1:
                    raise KeyboardInterrupt
                yield outcome

    monkeypatch.setattr(executors, "local_executor", lambda workers, **_: Interrupting())
    monkeypatch.delenv("CREDSUP_DB", raising=False)
    databases = _postgres_database()
    url = next(databases)
    try:
        password = make_url(url).password
        assert password
        args = ["compare", "-j", "national", "-r", "2", "--seed", "1", "--set", "scenario.population.enterprises=200"]
        result = CliRunner().invoke(cli, [*args, "--set", "scenario.months=2", "--db", url])
        assert result.exit_code == 130
        assert 'resume with: credsup compare --resume 1 --db "$CREDSUP_DB" (with CREDSUP_DB set' in result.stderr
        assert f":{password}@" not in result.output and ":***@" not in result.stderr.split("resume with:")[1]
        monkeypatch.setenv("CREDSUP_DB", url)
        monkeypatch.undo()
        monkeypatch.setenv("CREDSUP_DB", url)
        resumed = CliRunner().invoke(cli, ["compare", "--resume", "1"])
        assert resumed.exit_code == 0, resumed.output
        assert "resuming experiment 1: 1 run(s) stored, 1 to run" in resumed.stderr
    finally:
        next(databases, None)
