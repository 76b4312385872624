"""``credsup repair-check``: eligible or not, the earliest date and the missing conditions, decided by
the jurisdiction's repair hook from what the registry shows."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest

from credsup.core.discovery import discover
from credsup.core.errors import InputError
from credsup.core.jurisdiction import load_jurisdiction
from credsup.registry.load import load_registry
from credsup.registry.repair import check_repair

from .conftest import EXAMPLE

RECORD = dict(
    enterprises="""
        id,sector,size,registered
        E1,retail,small,2015-03-01
        E2,retail,small,2015-03-01
    """,
    violations="""
        id,enterprise,detected,item,severity,rectify_by,rectified_on
        V1,E1,2026-05-01,hygiene,general,2026-06-01,2026-05-20
        V2,E2,2026-01-01,fraud,serious,2026-03-01,
    """,
    penalties="""
        id,enterprise,decided,severity,violation,publicity_until
        P1,E1,2026-06-01,general,V1,2027-06-01
    """,
    listings="""
        id,enterprise,list,start,until,region,violation
        L1,E2,dishonesty,2026-03-01,2029-03-01,,V2
        L2,E2,dishonesty,2026-03-01,2029-03-01,guangdong,
    """,
    commitments="""
        id,enterprise,made,kind
        M1,E1,2026-07-01,repair
    """,
)


def check(folder, enterprise, day, name="national"):
    return check_repair(load_registry(folder), load_jurisdiction(name), enterprise, day)


def test_a_rectified_general_penalty_waits_for_its_publicity_period(write_registry) -> None:
    folder = write_registry(**RECORD)
    early = check(folder, "E1", dt.date(2026, 7, 15))
    (r,) = early.records
    assert (r.record, r.id, r.status) == ("penalty", "P1", "not yet")
    assert r.earliest == dt.date(2026, 8, 30)  # decided 2026-06-01 + 90 days of minimum publicity
    assert r.missing == ("publicity_period",) and r.fulfilled == ("rectified", "commitment")
    later = check(folder, "E1", dt.date(2026, 9, 1))
    assert later.eligible and later.earliest == dt.date(2026, 9, 1) and later.missing == ()


def test_missing_conditions_are_named(write_registry) -> None:
    folder = write_registry(**RECORD)
    result = check(folder, "E2", dt.date(2027, 6, 1))
    (r,) = result.records
    assert (r.record, r.id, r.severity, r.status) == ("dishonesty_list", "L1", "serious", "not yet")
    assert r.missing == ("rectified", "commitment") and r.earliest == dt.date(2027, 6, 1)
    assert not result.eligible and result.other_regions == ("guangdong",)


def test_a_declared_condition_in_an_earlier_application_counts(write_registry) -> None:
    folder = write_registry(
        **RECORD,
        repairs="""
        id,enterprise,record,record_id,applied,fulfilled,status,decided
        R1,E2,dishonesty_list,L1,2027-03-05,rectified;commitment,refused,2027-03-09
    """,
    )
    result = check(folder, "E2", dt.date(2027, 6, 1))
    assert result.eligible and result.records[0].fulfilled == ("rectified", "commitment")


def test_traditional_supervision_has_no_credit_repair(write_registry) -> None:
    result = check(write_registry(**RECORD), "E1", dt.date(2027, 1, 1), "traditional")
    assert [r.status for r in result.records] == ["refused"] and result.earliest is None


def test_unknown_enterprise_is_an_input_error(write_registry) -> None:
    with pytest.raises(InputError, match="enterprise 'E9' is not in .*enterprises.csv"):
        check(write_registry(**RECORD), "E9", dt.date(2027, 1, 1))


@pytest.mark.parametrize("name", sorted(i.name for i in discover() if i.status == "ok"))
def test_repair_check_works_for_every_installed_jurisdiction(run, name) -> None:
    with (EXAMPLE / "penalties.csv").open() as fh:
        enterprise = [r for r in csv.DictReader(fh) if r["publicity_until"] > "2027-01-01"][-1]["enterprise"]
    result = run("repair-check", EXAMPLE, enterprise, "-j", name, "--as-of", "2027-01-01")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"{enterprise} as of 2027-01-01 under {name}:")
    assert "eligible: " in result.stdout
    data = json.loads(run("repair-check", EXAMPLE, enterprise, "-j", name, "--as-of", "2027-01-01", "--json").stdout)
    assert data["enterprise"] == enterprise and data["records"] and data["records"][0]["record"] == "penalty"
    missing = run("repair-check", EXAMPLE, "NOPE", "-j", name, "--as-of", "2027-01-01")
    assert missing.exit_code == 1 and "enterprise 'NOPE' is not in" in missing.stderr
