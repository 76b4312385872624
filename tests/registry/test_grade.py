"""``credsup grade``: every installed jurisdiction grades the example registry, and the reasons are the
indicators that decided each grade according to the plugin itself."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from credsup.core.discovery import discover
from credsup.core.jurisdiction import load_jurisdiction
from credsup.registry.grading import evaluate, explain
from credsup.registry.load import load_registry
from credsup.registry.summary import summarise

from .conftest import AS_OF, EXAMPLE

INSTALLED = sorted(i.name for i in discover() if i.status == "ok")


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("name", INSTALLED)
def test_grade_works_for_every_installed_jurisdiction(run, name, tmp_path) -> None:
    out = tmp_path / "grades.csv"
    result = run("grade", EXAMPLE, "-j", name, "--as-of", "2027-01-01", "-o", out)
    assert result.exit_code == 0, result.stderr
    graded = rows(out.read_text())
    assert len(graded) == 1000 and list(graded[0])[:5] == [
        "enterprise",
        "grade",
        "previous_grade",
        "demonstration",
        "decided_by",
    ]
    assert "record" not in graded[0] and "serious_36m" in graded[0]  # indicators as columns
    assert {r["grade"] for r in graded} <= set("ABCD")
    assert f"graded 1000 enterprise(s) as of 2027-01-01 with {name}" in result.stderr
    # the CSV is the plugin's own grading of the summary, row for row in id order, except where the
    # jurisdiction re-evaluates demonstration enterprises alone between everyone's evaluations (Dalian,
    # seed 000 (IV)): there an enterprise that is not one, graded within grading_months, keeps its grade
    j = load_jurisdiction(name)
    reg = load_registry(EXAMPLE)
    expected = ["ABCD"[g] for g in j.grade(summarise(reg, AS_OF), AS_OF)]
    schedule = j.schedule_at(AS_OF)
    with (EXAMPLE / "enterprises.csv").open() as fh:
        registry = {e["id"]: e for e in csv.DictReader(fh)}
    cutoff = dt.date(AS_OF.year - schedule.grading_months // 12, AS_OF.month, AS_OF.day)
    assert schedule.grading_months % 12 == 0  # the cut-off above counts whole years
    kept = [
        bool(schedule.demonstration_grading_months)
        and e["demonstration"] != "true"
        and e["grade"] != ""
        and dt.date.fromisoformat(e["graded_on"]) > cutoff
        for e in (registry[r["enterprise"]] for r in graded)
    ]
    assert (name == "dalian") == any(kept)
    assert [r["grade"] for r in graded] == [
        r["previous_grade"] if k else g for r, k, g in zip(graded, kept, expected, strict=True)
    ]
    assert [r["enterprise"] for r in graded] == reg.ids.tolist()


def test_grades_go_to_stdout_without_out(run) -> None:
    result = run("grade", EXAMPLE, "-j", "national", "--as-of", "2027-01-01")
    assert result.exit_code == 0 and len(rows(result.stdout)) == 1000


def test_reasons_are_necessary_or_sufficient_indicators(write_registry) -> None:
    folder = write_registry(
        enterprises="""
            id,sector,size,registered,annual_report_filed
            CLEAN,retail,small,2010-01-01,
            YOUNG,retail,small,2026-09-01,
            GENERAL,retail,small,2010-01-01,
            LISTED,retail,small,2010-01-01,false
        """,
        violations="""
            id,enterprise,detected,item,severity
            V1,GENERAL,2026-05-01,hygiene,general
            V2,LISTED,2026-05-01,fraud,serious
            V3,LISTED,2026-06-01,fraud,serious
            V4,LISTED,2026-06-15,fraud,serious
        """,
        listings="""
            id,enterprise,list,start,until
            L1,LISTED,dishonesty,2026-07-01,2029-07-01
        """,
    )
    j = load_jurisdiction("national")
    reg = load_registry(folder)
    ev = evaluate(j, summarise(reg, AS_OF), AS_OF)
    reasons = dict(zip(reg.ids.tolist(), explain(ev).decided_by.tolist(), strict=True))
    grades = dict(zip(reg.ids.tolist(), ["ABCD"[g] for g in ev.grades], strict=True))
    assert grades == {"CLEAN": "A", "GENERAL": "B", "LISTED": "D", "YOUNG": "B"}
    assert reasons["CLEAN"] == ""  # a clean record decides nothing
    assert reasons["GENERAL"] == "general_36m=1 (without: A; alone: B)"
    assert reasons["YOUNG"] == "age=0.3y (without: A; alone: B)"
    # three serious violations (18 points, above national's C/D cut of 14.07) and a listing: each alone
    # already gives D, none is necessary
    assert reasons["LISTED"] == "listed until 2029-07-01 (alone: D); serious_36m=3 (alone: D)"


def test_a_plugin_that_ignores_the_record_has_no_reasons(run) -> None:
    result = run("grade", EXAMPLE, "-j", "traditional", "--as-of", "2027-01-01")
    graded = rows(result.stdout)
    assert {r["grade"] for r in graded} == {"B"} and {r["decided_by"] for r in graded} == {""}
    assert any(int(r["minor_36m"]) or int(r["serious_36m"]) for r in graded)  # a record, deciding nothing
    assert "no indicator changes any grade" in result.stderr


def test_set_overrides_a_parameter_and_names_the_jurisdiction(run) -> None:
    base = rows(run("grade", EXAMPLE, "-j", "national", "--as-of", "2027-01-01").stdout)
    strict = run("grade", EXAMPLE, "-j", "national", "--as-of", "2027-01-01", "--set", "national:grading.cuts.A=0.0")
    assert strict.exit_code == 0
    assert sum(r["grade"] == "A" for r in rows(strict.stdout)) < sum(r["grade"] == "A" for r in base)
    wrong = run("grade", EXAMPLE, "-j", "national", "--set", "hainan:grading.cuts.A=0")
    assert wrong.exit_code == 1
    assert "jurisdiction 'hainan' is not used here (national)" in wrong.stderr
    typo = run("grade", EXAMPLE, "-j", "national", "--set", "grading.cut.A=0")
    assert typo.exit_code == 1 and "grading.cut.A: no such parameter" in typo.stderr
