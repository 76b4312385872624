"""Public routes: exactly the records still in their publicity period, demonstration status, commitments;
never a grade; the QR code opens the page; markup in the registry is shown as text."""

from __future__ import annotations

import datetime as dt
import io
import json
import textwrap
from pathlib import Path

import pytest

from credsup.serve.public import FORBIDDEN_KEYS

from .conftest import EXAMPLE

NAME = 'Café <b>Bold</b> & "Co" <script>alert(1)</script>'

TABLES = {
    "enterprises": f"""
        id,name,sector,size,registered,grade,graded_on,demonstration
        E1,"{NAME.replace('"', '""')}",food_beverage,small,2015-03-01,A,2026-10-01,true
        E2,Second shop,retail,micro,2020-01-01,B,2026-10-01,false
        E3,Clean shop,retail,micro,2020-01-01,,,false
        """,
    "commitments": """
        id,enterprise,made,kind,verified_on,found_false
        M1,E1,2026-01-10,notification,2026-03-01,false
        M2,E1,2026-06-01,voluntary,,false
        M3,E1,2027-02-01,voluntary,,false
        M4,E2,2026-02-01,repair,2026-05-01,true
        """,
    "violations": """
        id,enterprise,detected,item,severity
        V1,E1,2025-05-01,price_marking,general
        V2,E1,2026-02-01,fraud,serious
        V3,E2,2026-03-01,annual_report,minor
        """,
    "penalties": """
        id,enterprise,decided,severity,violation,fine,publicity_until,ban,ban_until
        P1,E1,2025-05-10,general,V1,2000,2026-05-10,none,
        P2,E1,2026-02-10,serious,V2,50000,2029-02-10,industry,2028-02-10
        P3,E1,2026-03-01,general,,1000,2028-03-01,none,
        P4,E1,2026-04-01,general,,1000,2028-04-01,none,
        P5,E1,2027-03-01,general,,1000,2028-03-01,none,
        P6,E1,2026-06-01,minor,,500,2027-06-01,none,
        P7,E2,2026-04-01,minor,V3,300,2027-04-01,none,
        """,
    "listings": """
        id,enterprise,list,start,until,region,violation
        L1,E1,dishonesty,2026-02-15,2029-02-15,,V2
        L2,E1,abnormal_operation,2025-01-01,2026-01-01,,
        L3,E1,dishonesty,2026-07-01,,guangdong,
        L4,E1,abnormal_operation,2026-08-01,,,
        L5,E1,abnormal_operation,2026-09-01,,,
        """,
    "repairs": """
        id,enterprise,record,record_id,applied,fulfilled,status,decided
        R1,E1,penalty,P3,2026-08-20,rectified,approved,2026-09-01
        R2,E1,abnormal_operation,L4,2026-09-20,,approved,2026-10-01
        """,
    "objections": """
        id,enterprise,record,record_id,filed,status,decided
        O1,E1,penalty,P4,2026-04-10,upheld,2026-05-01
        O2,E1,penalty,P6,2026-06-10,pending,
        """,
}


@pytest.fixture
def small_registry(tmp_path: Path) -> Path:
    folder = tmp_path / "small"
    folder.mkdir()
    for table, text in TABLES.items():
        (folder / f"{table}.csv").write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return folder


def ids(items: list[dict]) -> list[str]:
    return [i["id"] for i in items]


def test_public_record_shows_exactly_what_is_in_its_publicity_period(make_client, small_registry) -> None:
    client = make_client(registry=small_registry, today=dt.date(2027, 1, 1))
    e1 = client.get("/public/v1/enterprises/E1").json()
    assert e1["name"] == NAME and e1["sector"] == "food_beverage" and e1["as_of"] == "2027-01-01"
    assert e1["demonstration"] == {"status": True, "decided_on": "2026-10-01"}
    # newest first; M3 is not made yet
    assert ids(e1["commitments"]) == ["M2", "M1"]
    assert e1["commitments"][1] == {
        "id": "M1",
        "kind": "notification",
        "made": "2026-01-10",
        "verified_on": "2026-03-01",
        "found_false": False,
    }
    assert e1["commitments"][0]["verified_on"] is None and e1["commitments"][0]["found_false"] is None
    # P1 expired, P3 repaired, P4 withdrawn on objection, P5 not decided yet; P6's objection is pending
    assert ids(e1["penalties"]) == ["P6", "P2"]
    p2 = e1["penalties"][1]
    assert p2["item"] == "fraud" and p2["fine"] == 50000 and p2["ban"] == "industry" and p2["ban_until"] == "2028-02-10"
    assert p2["publicity_until"] == "2029-02-10" and e1["penalties"][0]["ban_until"] is None
    # L2 ended, L4 repaired; L3 is another region's list (mutual recognition)
    assert ids(e1["listings"]) == ["L5", "L3", "L1"]
    assert e1["listings"][1]["region"] == "guangdong" and e1["listings"][2]["region"] is None
    assert e1["listings"][0]["until"] is None and e1["listings"][2]["until"] == "2029-02-15"
    assert e1["page"] == "http://testserver/e/E1"
    e2 = client.get("/public/v1/enterprises/E2").json()
    assert ids(e2["penalties"]) == ["P7"] and e2["listings"] == []
    assert e2["commitments"][0]["found_false"] is True  # a verification result is public (seed 000 (III))
    assert e2["demonstration"] == {"status": False, "decided_on": None}
    e3 = client.get("/public/v1/enterprises/E3").json()
    assert (e3["commitments"], e3["penalties"], e3["listings"]) == ([], [], [])


def test_records_leave_public_view_when_their_period_ends(make_client, small_registry) -> None:
    later = make_client(registry=small_registry, today=dt.date(2029, 3, 1)).get("/public/v1/enterprises/E1").json()
    assert ids(later["penalties"]) == []  # P2 shown until 2029-02-10 (exclusive), P6 until 2027-06-01
    assert ids(later["listings"]) == ["L5", "L3"]  # L1 ended 2029-02-15
    assert ids(later["commitments"]) == ["M3", "M2", "M1"]


def _keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_no_grade_on_any_public_answer(shared_client) -> None:
    # the rule: risk classification is internal (docs/serve.md); check every public route of every 4th enterprise
    ents = [line.split(",")[0] for line in (EXAMPLE / "enterprises.csv").read_text().splitlines()[1:]]
    assert len(ents) == 1000
    for eid in ents[::4]:
        body = shared_client.get(f"/public/v1/enterprises/{eid}").json()
        assert not _keys(body) & set(FORBIDDEN_KEYS), eid
        assert "grade" not in json.dumps(body).lower()
        page = shared_client.get(f"/e/{eid}").text.lower()
        assert "grade" not in page and "risk class" not in page and "probability" not in page
    doc = shared_client.get("/openapi.json").json()
    schema = json.dumps(doc["components"]["schemas"]["PublicEnterprise"])
    assert "grade" not in schema.lower()


def test_page_escapes_markup_from_the_registry(make_client, small_registry) -> None:
    page = make_client(registry=small_registry).get("/e/E1")
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text and "<b>Bold</b>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "Good-credit demonstration enterprise" in page.text
    for shown in ("Decision P2 ", "Decision P6 ", "No. L1,", "No. L3,", "No. L5,", "No. M1,", "No. M2,"):
        assert shown in page.text
    for hidden in ("Decision P1 ", "Decision P3 ", "Decision P4 ", "Decision P5 ", "No. L2,", "No. L4,", "No. M3,"):
        assert hidden not in page.text
    headers = page.headers
    assert "script-src" not in headers["content-security-policy"]  # default-src 'none': no script runs at all
    assert headers["x-frame-options"] == "DENY" and headers["cache-control"] == "no-store"


def test_lookup_and_unknown_pages(shared_client) -> None:
    found = shared_client.get("/e", params={"code": " E000043 "}, follow_redirects=False)
    assert found.status_code == 303 and found.headers["location"].endswith("/e/E000043")
    missing = shared_client.get("/e/NOPE")
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
    assert "NOPE" in missing.text
    assert shared_client.get("/e", params={"code": "<i>x</i>"}).text.count("<i>x</i>") == 0
    assert shared_client.get("/").status_code == 200


def _decode_png(data: bytes) -> str:
    import zxingcpp
    from PIL import Image

    (result,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(data)))
    assert result.format == zxingcpp.BarcodeFormat.QRCode
    return str(result.text)


def test_qr_code_opens_the_page(make_client, small_registry) -> None:
    client = make_client(registry=small_registry)
    png = client.get("/e/E1/qr.png")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert _decode_png(png.content) == "http://testserver/e/E1"
    svg = client.get("/e/E1/qr.svg")
    assert svg.headers["content-type"] == "image/svg+xml" and svg.text.lstrip().startswith("<?xml")
    behind_proxy = make_client(registry=small_registry, public_url="https://credit.example.cn/")
    assert _decode_png(behind_proxy.get("/e/E1/qr.png").content) == "https://credit.example.cn/e/E1"
    assert behind_proxy.get("/public/v1/enterprises/E1").json()["page"] == "https://credit.example.cn/e/E1"
    assert client.get("/e/NOPE/qr.png").status_code == 404
