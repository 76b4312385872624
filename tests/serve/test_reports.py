"""The report form: CSRF-protected, size-limited, stored whole as a complaint received (in a side store for a
CSV registry, beside the tables of a database registry), never as markup or SQL."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from credsup.cli.main import cli
from credsup.registry.load import load_registry
from credsup.registry.summary import summarise

from .conftest import AS_OF, AUTH

HOSTILE = "<script>window.pwned = 1</script> '); DROP TABLE public_reports; -- \" <img src=x onerror=alert(1)>"


def csrf_of(page_html: str) -> str:
    (token,) = re.findall(r'name="csrf" value="([^"]+)"', page_html)
    return token


def send(client, enterprise: str = "E000043", **fields: str):
    form = {"csrf": csrf_of(client.get(f"/e/{enterprise}").text), "text": "Prices not marked", **fields}
    return client.post(f"/e/{enterprise}/report", data=form, follow_redirects=False)


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_a_report_is_stored_and_shown_back_as_text(make_client, registry_copy, tmp_path) -> None:
    before = digests(registry_copy)
    client = make_client(registry=registry_copy, reports=f"sqlite:///{tmp_path / 'side.db'}")
    sent = send(client, text=HOSTILE, contact="me@example.com")
    assert sent.status_code == 303
    receipt = client.get(sent.headers["location"])
    assert receipt.status_code == 200
    assert "<script>" not in receipt.text and "<img" not in receipt.text
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in receipt.text
    reference = re.search(r'id="reference">(R-[A-Z2-7]{10})<', receipt.text).group(1)
    # stored whole, verbatim, in the side store; the registry's files are untouched
    with sa.create_engine(f"sqlite:///{tmp_path / 'side.db'}").connect() as conn:
        rows = conn.execute(
            sa.text("SELECT id, enterprise, received, text, contact, founded FROM public_reports")
        ).all()
    assert rows == [(reference, "E000043", "2027-01-01", HOSTILE.strip(), "me@example.com", None)]
    assert digests(registry_copy) == before
    # the internal API lists it, with the contact; the CSV form is rows of complaints.csv
    listed = client.get("/api/v1/reports", headers=AUTH).json()
    assert [(r["id"], r["text"], r["contact"]) for r in listed] == [(reference, HOSTILE.strip(), "me@example.com")]
    as_csv = client.get("/api/v1/reports", params={"format": "csv"}, headers=AUTH)
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.text == f"id,enterprise,received,founded,verified_on\n{reference},E000043,2027-01-01,,\n"
    assert "me@example.com" not in client.get(sent.headers["location"]).text  # the receipt never shows contacts


def test_reports_become_complaints_the_way_registry_mode_reads_them(make_client, registry_copy, tmp_path) -> None:
    client = make_client(registry=registry_copy)
    for text in ("one", "two"):
        assert send(client, "E000007", text=text).status_code == 303
    rows = client.get("/api/v1/reports", params={"format": "csv", "since": "2027-01-01"}, headers=AUTH).text
    before = summarise(load_registry(registry_copy), AS_OF)
    # the regulator's intake: append the rows to complaints.csv (what the docs describe)
    complaints = registry_copy / "complaints.csv"
    complaints.write_text(complaints.read_text(encoding="utf-8") + rows.split("\n", 1)[1], encoding="utf-8")
    reg = load_registry(registry_copy)
    after = summarise(reg, AS_OF)
    row = reg.index_of("E000007")
    assert after.complaints_36m[row] == before.complaints_36m[row] + 2
    assert after.verified_complaints_36m[row] == before.verified_complaints_36m[row]  # not verified yet


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"text": "   "}, 422, "Describe what you saw"),
        ({"text": "x" * 2001}, 422, "At most 2000 characters"),
        ({"contact": "c" * 201}, 422, "At most 200 characters"),
        ({"commitment": "M999999"}, 422, "this enterprise&#39;s commitments"),
    ],
)
def test_invalid_reports_are_refused_with_the_reason(make_client, fields, status, message, tmp_path) -> None:
    client = make_client()
    got = send(client, **fields)
    assert got.status_code == status and message in got.text
    assert client.get("/api/v1/reports", headers=AUTH).json() == []


def test_the_form_needs_its_csrf_token(make_client) -> None:
    client = make_client()
    page = client.get("/e/E000043")
    token = csrf_of(page.text)
    assert "samesite=strict" in page.headers["set-cookie"].lower() and "httponly" in page.headers["set-cookie"].lower()
    tampered = token[:-1] + ("B" if token.endswith("A") else "A")  # always differs from the real token
    for form in ({"text": "x"}, {"text": "x", "csrf": ""}, {"text": "x", "csrf": tampered}):
        got = client.post("/e/E000043/report", data=form, follow_redirects=False)
        assert got.status_code == 403 and "Form expired" in got.text
    # a token from this page is no use from another browser (no session cookie, or another one)
    other = make_client()
    other.get("/e/E000043")
    assert other.post("/e/E000043/report", data={"text": "x", "csrf": token}).status_code == 403
    client.cookies.clear()
    assert client.post("/e/E000043/report", data={"text": "x", "csrf": token}).status_code == 403
    assert client.get("/api/v1/reports", headers=AUTH).json() == []


def test_report_forms_have_a_size_limit(make_client) -> None:
    client = make_client()
    token = csrf_of(client.get("/e/E000043").text)
    got = client.post("/e/E000043/report", data={"text": "x" * 20_000, "csrf": token})
    assert got.status_code == 413 and "text/html" in got.headers["content-type"]
    assert client.post("/e/NOPE/report", data={"text": "x", "csrf": token}).status_code == 404


def test_receipts_are_found_only_by_their_reference(make_client) -> None:
    client = make_client()
    location = send(client).headers["location"]
    reference = location.rsplit("/", 1)[1]
    assert client.get(f"/e/E000001/reports/{reference}").status_code == 404  # another enterprise
    assert client.get("/e/E000043/reports/R-AAAAAAAAAA").status_code == 404
    assert client.get("/e/E000043/reports/' OR 1=1 --").status_code == 404


def test_a_database_registry_keeps_its_reports_beside_its_tables(make_client, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    from .conftest import EXAMPLE

    out = CliRunner().invoke(cli, ["registry", "to-sql", str(EXAMPLE), url])
    assert out.exit_code == 0, out.output
    inputs = {i.table: i.sha256 for i in load_registry(url).inputs}
    client = make_client(registry=url, reports=None)
    assert client.app.state.reports.url == url
    assert send(client, text=HOSTILE).status_code == 303
    with sa.create_engine(url).connect() as conn:
        assert conn.execute(sa.text("SELECT text FROM public_reports")).scalar_one() == HOSTILE.strip()
        assert conn.execute(sa.text("SELECT count(*) FROM enterprises")).scalar_one() == 1000
    assert {i.table: i.sha256 for i in load_registry(url).inputs} == inputs  # registry mode sees no change


def test_a_csv_registry_defaults_to_a_side_file_in_the_working_directory(
    make_client, registry_copy, monkeypatch, tmp_path
):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    client = make_client(registry=registry_copy, reports=None)
    assert client.app.state.reports.url == "sqlite:///credsup-reports.db"
    assert send(client).status_code == 303
    assert (work / "credsup-reports.db").is_file()
    assert not list(registry_copy.glob("*.db"))


@pytest.fixture
def postgres_url() -> Iterator[str]:
    base = os.environ.get("CREDSUP_TEST_POSTGRES_URL")
    if not base:
        if os.environ.get("CREDSUP_REQUIRE_POSTGRES") == "1":
            pytest.fail("CREDSUP_TEST_POSTGRES_URL is not set but CREDSUP_REQUIRE_POSTGRES=1")
        pytest.skip("PostgreSQL not configured: set CREDSUP_TEST_POSTGRES_URL")
    admin_url = sa.engine.make_url(base).set(drivername="postgresql+psycopg")
    name = f"credsup_serve_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_reports_on_a_postgresql_registry(make_client, postgres_url) -> None:
    from .conftest import EXAMPLE

    out = CliRunner().invoke(cli, ["registry", "to-sql", str(EXAMPLE), postgres_url])
    assert out.exit_code == 0, out.output
    client = make_client(registry=postgres_url, reports=None)
    assert send(client, "E000010", text=HOSTILE).status_code == 303
    client.app.state.reports.dispose()
    engine = sa.create_engine(postgres_url)
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT enterprise, text, received FROM public_reports")).one()
        assert row == ("E000010", HOSTILE.strip(), dt.date(2027, 1, 1))
        assert conn.execute(sa.text("SELECT count(*) FROM complaints")).scalar_one() == 288  # untouched
    engine.dispose()
    listed = list(csv.DictReader(io.StringIO(client.get("/api/v1/reports?format=csv", headers=AUTH).text)))
    assert [r["enterprise"] for r in listed] == ["E000010"]
    # the database password never appears in an answer
    password = sa.engine.make_url(postgres_url).password
    assert password
    status = client.get("/api/v1/status", headers=AUTH).text
    missing = client.get("/api/v1/enterprises/NOPE/grade", headers=AUTH).text
    assert f":{password}@" not in status and f":{password}@" not in missing and "***" in status
