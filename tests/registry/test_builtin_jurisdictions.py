"""Registry mode with the built-in regional plugins: the same hooks decide on a registry as in the simulator."""

from __future__ import annotations

import csv
import io

import pytest

from credsup.core import load_jurisdiction
from credsup.core.vocabulary import SECTORS

from .conftest import EXAMPLE

BUILTIN = ("traditional", "national", "dalian", "hainan", "shanghai")


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def plan_rows(run, name: str, seed: int) -> tuple[list[dict[str, str]], str]:
    result = run(
        "plan", EXAMPLE, "-j", name, "--inspectors", EXAMPLE / "inspectors.csv", "--period", "2027Q1", "--seed", seed
    )
    assert result.exit_code == 0, result.stderr
    return rows(result.stdout), result.stderr


@pytest.mark.parametrize("name", BUILTIN)
def test_grade_plan_and_repair_check_work_for_every_builtin(run, name: str) -> None:
    graded = run("grade", EXAMPLE, "-j", name, "--as-of", "2027-01-01")
    assert graded.exit_code == 0, graded.stderr
    grades = rows(graded.stdout)
    assert len(grades) == 1000 and {r["grade"] for r in grades} <= {"A", "B", "C", "D"}
    drawn, _ = plan_rows(run, name, seed=3)
    assert drawn and all(r["enterprise"].startswith("E") for r in drawn)
    checked = run("repair-check", EXAMPLE, "-j", name, grades[0]["enterprise"], "--as-of", "2027-01-01")
    assert checked.exit_code == 0, checked.stderr


def test_dalian_demonstration_enterprises_with_good_credit_are_never_drawn(run) -> None:
    """Seed 000 (IV): good-credit demonstration enterprises are no longer entered into the "double random,
    one public" checklist."""
    exempt_max = load_jurisdiction("dalian").params.demonstration.exempt_max_grade
    graded = rows(run("grade", EXAMPLE, "-j", "dalian", "--as-of", "2027-01-01").stdout)
    exempt = {r["enterprise"] for r in graded if r["demonstration"] == "true" and r["grade"] <= exempt_max}
    assert len(exempt) >= 10  # the example registry has enough of them for the test to mean something
    for seed in range(10):
        drawn, _ = plan_rows(run, "dalian", seed)
        assert not exempt & {r["enterprise"] for r in drawn}, f"seed {seed}"


def test_shanghai_key_supervision_enterprises_that_are_due_are_all_planned(run) -> None:
    """Seed 003 para 8: full coverage of key-supervision lists; probability 1.0 means always in the plan.

    The oracle is Shanghai's rule applied to the registry's files: an enterprise of a key sector graded C
    or D (`shanghai.toml` key_supervision.grades, graded by `credsup grade`, another hook) whose last
    inspection is more than 12 months (coverage_months) before the period ends is due. Enterprises under
    a risk warning are key supervision objects too, so the plan may cover more, never fewer, and only
    enterprises of key sectors."""
    graded = rows(run("grade", EXAMPLE, "-j", "shanghai", "--as-of", "2027-01-01").stdout)
    grade = {r["enterprise"]: r["grade"] for r in graded}
    with (EXAMPLE / "enterprises.csv").open() as fh:
        sector = {e["id"]: e["sector"] for e in csv.DictReader(fh)}
    last: dict[str, str] = {}
    with (EXAMPLE / "inspections.csv").open() as fh:
        for i in csv.DictReader(fh):
            if i["date"] < "2027-01-01":
                last[i["enterprise"]] = max(last.get(i["enterprise"], ""), i["date"])
    cutoff = "2026-04-01"  # 12 months before the end of 2027Q1
    due = {e for e, s in sector.items() if SECTORS[s].key and grade[e] in ("C", "D") and last.get(e, "") < cutoff}
    assert len(due) >= 5, "the example registry has key-supervision enterprises due this quarter"
    first, stderr = plan_rows(run, "shanghai", seed=1)
    full = {r["enterprise"] for r in first if float(r["probability"]) == 1.0}
    assert due <= full
    assert all(SECTORS[sector[e]].key for e in full)
    for seed in (2, 3, 4):
        drawn, _ = plan_rows(run, "shanghai", seed)
        assert due <= {r["enterprise"] for r in drawn}
    assert f"full coverage (probability 1) {len(full)}" in stderr
