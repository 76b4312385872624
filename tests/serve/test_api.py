"""The internal API answers what registry mode answers: grades and their reasons, inspection probabilities,
repair checks, plans (byte for byte), and the parameters with their sources."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from credsup import CONTRACT_VERSION
from credsup.cli.main import cli
from credsup.core.vocabulary import SECTORS

from .conftest import AS_OF, AUTH, EXAMPLE, ROOT, cli_csv


def _letters(value: str) -> str | None:
    return value or None


def test_grade_batch_gives_the_grades_and_reasons_of_credsup_grade(shared_client, grade_oracle) -> None:
    ids = sorted(grade_oracle)
    answer = shared_client.post("/api/v1/grade", json={"enterprises": ids, "as_of": "2027-01-01"}, headers=AUTH)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["jurisdiction"] == "national" and body["as_of"] == "2027-01-01"
    assert [r["enterprise"] for r in body["results"]] == ids
    decided = 0
    for result in body["results"]:
        row = grade_oracle[result["enterprise"]]
        assert result["grade"] == row["grade"]
        assert result["previous_grade"] == _letters(row["previous_grade"])
        assert result["demonstration"] == (row["demonstration"] == "true")
        assert "; ".join(result["decided_by"]) == row["decided_by"]
        assert "; ".join(result["record"]) == row["record"]
        decided += bool(result["decided_by"])
    assert decided > 100  # the example has plenty of grades decided by an indicator


def test_grade_of_one_enterprise_and_the_default_date(shared_client, grade_oracle) -> None:
    one = shared_client.get("/api/v1/enterprises/E000043/grade", headers=AUTH).json()
    assert one["as_of"] == AS_OF.isoformat()  # the service's today (--as-of)
    (result,) = one["results"]
    assert result["grade"] == grade_oracle["E000043"]["grade"]
    assert "; ".join(result["decided_by"]) == grade_oracle["E000043"]["decided_by"]
    # a reason holding both tests stays one item: "x (without: B; alone: D)"
    both = [r for r in grade_oracle.values() if "; alone:" in r["decided_by"]]
    if both:
        got = shared_client.get(f"/api/v1/enterprises/{both[0]['enterprise']}/grade", headers=AUTH).json()
        assert all(item.count("(") == item.count(")") for item in got["results"][0]["decided_by"])


def test_grade_on_another_date_differs_where_the_record_does(shared_client) -> None:
    later = cli_csv("grade", EXAMPLE, "-j", "national", "--as-of", "2029-06-30")
    expected = {r["enterprise"]: r["grade"] for r in later}
    ids = sorted(expected)[:300]
    body = shared_client.post("/api/v1/grade", json={"enterprises": ids, "as_of": "2029-06-30"}, headers=AUTH).json()
    assert {r["enterprise"]: r["grade"] for r in body["results"]} == {i: expected[i] for i in ids}


def _national_rates() -> tuple[dict[str, float], float]:
    raw = tomllib.loads((ROOT / "configs" / "jurisdictions" / "national.toml").read_text(encoding="utf-8"))
    insp = raw["inspection"]
    return {g: v["value"] for g, v in insp["rate_per_year"].items()}, insp["key_sector_multiplier"]["value"]


def test_inspection_probability_follows_the_national_rates(shared_client, grade_oracle) -> None:
    # oracle: national.toml's yearly share by grade (x2 in key sectors, at most 1) is a yearly plan; the
    # year's first quarter draws its part, the share times the quarter's 90 of the year's 365 days
    rates, key_factor = _national_rates()
    sectors = {r["id"]: r["sector"] for r in cli_rows(EXAMPLE / "enterprises.csv")}
    years = (dt.date(2027, 4, 1) - dt.date(2027, 1, 1)).days / 365
    for eid in sorted(grade_oracle)[::7]:
        got = shared_client.get(
            f"/api/v1/enterprises/{eid}/inspection-probability", params={"period": "2027Q1"}, headers=AUTH
        ).json()
        grade = grade_oracle[eid]["grade"]
        assert got["grade"] == grade
        key = SECTORS[sectors[eid]].key if sectors[eid] in SECTORS else False
        expected = min(1.0, rates[grade] * (key_factor if key else 1.0)) * years
        assert got["probability"] == pytest.approx(expected, rel=1e-12), eid
        assert got["period_start"] == "2027-01-01" and got["period_end"] == "2027-04-01"
        assert got["basis"] == "yearly_plan"


def cli_rows(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_inspection_probability_exempt_and_full_coverage(make_client, demo_jurisdiction) -> None:
    # the demo jurisdiction (tests/registry/conftest.py): demonstration A enterprises 0.0, key sectors 1.0
    client = make_client(jurisdiction=demo_jurisdiction)
    ents = cli_rows(EXAMPLE / "enterprises.csv")
    demo = [e["id"] for e in ents if e["demonstration"] == "true"]
    key = [e["id"] for e in ents if SECTORS.get(e["sector"]) is not None and SECTORS[e["sector"]].key]
    bases = {}
    for eid in demo[:5] + key[:5]:
        got = client.get(
            f"/api/v1/enterprises/{eid}/inspection-probability", params={"period": "2027-02"}, headers=AUTH
        ).json()
        bases[eid] = (got["basis"], got["probability"], got["demonstration"])
    assert any(b == ("exempt", 0.0, True) for b in bases.values())
    assert all(bases[e][:2] == ("full_coverage", 1.0) for e in key[:5] if not bases[e][2])


def test_repair_check_is_credsup_repair_check(shared_client) -> None:
    penalties = cli_rows(EXAMPLE / "penalties.csv")
    shown = sorted({p["enterprise"] for p in penalties if p["publicity_until"] > "2027-01-01"})[:8]
    assert shown
    for eid in shown:
        out = CliRunner().invoke(
            cli, ["repair-check", str(EXAMPLE), eid, "-j", "national", "--as-of", "2027-01-01", "--json"]
        )
        assert out.exit_code == 0, out.output
        got = shared_client.get(f"/api/v1/enterprises/{eid}/repair-check", headers=AUTH)
        assert got.status_code == 200
        assert got.json() == json.loads(out.stdout)


def test_plan_is_credsup_plan_byte_for_byte(shared_client, tmp_path) -> None:
    got = shared_client.post("/api/v1/plan", json={"period": "2027Q1", "seed": 20270101}, headers=AUTH)
    assert got.status_code == 200, got.text
    body = got.json()
    plan_csv, summary_json = tmp_path / "plan.csv", tmp_path / "plan.json"
    out = CliRunner().invoke(
        cli,
        [
            "plan",
            str(EXAMPLE),
            "-j",
            "national",
            "--inspectors",
            str(EXAMPLE / "inspectors.csv"),
            "--period",
            "2027Q1",
            "--seed",
            "20270101",
            "--out",
            str(plan_csv),
            "--summary",
            str(summary_json),
        ],
    )
    assert out.exit_code == 0, out.output
    assert body["csv"] == plan_csv.read_text(encoding="utf-8")
    summary = body["summary"]
    assert summary["plan_sha256"] == hashlib.sha256(plan_csv.read_bytes()).hexdigest()
    assert summary["seed"] == 20270101
    # every input's hash is the hash of the file, computed here independently
    for entry in summary["inputs"]:
        assert entry["sha256"] == hashlib.sha256(Path(entry["source"]).read_bytes()).hexdigest()
    assert {e["table"] for e in summary["inputs"]} >= {"enterprises", "checklist", "inspectors"}
    cli_summary = json.loads(summary_json.read_text(encoding="utf-8"))
    assert {k: v for k, v in summary.items() if k != "redraw"} == cli_summary
    assert summary["redraw"] == (
        f"credsup plan {EXAMPLE} -j national --inspectors {EXAMPLE / 'inspectors.csv'} --period 2027Q1 --seed 20270101"
    )
    assert len(body["rows"]) == len(cli_rows(plan_csv)) and body["rows"] == cli_rows(plan_csv)


def test_plan_without_inspectors_is_a_clear_problem(make_client, registry_copy) -> None:
    (registry_copy / "inspectors.csv").unlink()
    client = make_client(registry=registry_copy)
    got = client.post("/api/v1/plan", json={"period": "2027Q1", "seed": 1}, headers=AUTH)
    assert got.status_code == 409
    assert got.headers["content-type"] == "application/problem+json"
    assert "--inspectors" in got.json()["detail"]


def test_parameters_have_sources_and_the_contract_version(shared_client) -> None:
    body = shared_client.get("/api/v1/parameters", headers=AUTH).json()
    assert body["contract_version"] == CONTRACT_VERSION
    assert body["jurisdiction"]["name"] == "national"
    params = body["parameters"]
    assert params["inspection.rate_per_year.D"]["value"] == _national_rates()[0]["D"]
    assert params["inspection.rate_per_year.D"]["source"].startswith("Bayannur 2022")
    out = CliRunner().invoke(cli, ["params", "national", "--json"])
    assert out.exit_code == 0
    listed = {p["key"]: {"value": p["value"], "source": p["source"]} for p in json.loads(out.stdout)["parameters"]}
    assert params == listed  # the same values and sources as `credsup params national`
    assert all(entry["source"] for entry in params.values())


def test_status_names_the_snapshot_and_its_inputs(shared_client) -> None:
    body = shared_client.get("/api/v1/status", headers=AUTH).json()
    assert body["snapshot"]["enterprises"] == 1000
    assert body["today"] == "2027-01-01"
    sources = {i["table"]: i for i in body["snapshot"]["inputs"]}
    assert sources["enterprises"]["sha256"] == hashlib.sha256((EXAMPLE / "enterprises.csv").read_bytes()).hexdigest()


def test_openapi_documents_every_api_route_and_the_token(shared_client) -> None:
    doc = shared_client.get("/openapi.json").json()
    paths = doc["paths"]
    for path in (
        "/api/v1/grade",
        "/api/v1/enterprises/{enterprise_id}/grade",
        "/api/v1/enterprises/{enterprise_id}/inspection-probability",
        "/api/v1/enterprises/{enterprise_id}/repair-check",
        "/api/v1/plan",
        "/api/v1/parameters",
        "/api/v1/refresh",
        "/api/v1/reports",
        "/public/v1/enterprises/{enterprise_id}",
    ):
        assert path in paths, path
    assert "token" in doc["components"]["securitySchemes"]
    assert paths["/api/v1/grade"]["post"]["security"] == [{"token": []}]
    assert "security" not in paths["/public/v1/enterprises/{enterprise_id}"]["get"]
    assert not any(p.startswith("/e/") for p in paths)  # pages are for people, not in the API description
