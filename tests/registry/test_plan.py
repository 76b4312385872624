"""``credsup plan``: the double-random draw (seed 003 para 11) — reproducible byte for byte, exempt and
full-coverage enterprises handled by the plugin's probabilities, departments combined into joint visits,
and inspectors drawn within their department, qualifications, conflicts and capacity."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import types
from collections import Counter
from pathlib import Path

import pytest

from credsup.core.discovery import discover
from credsup.registry.generate import generate, write_csv

from .conftest import EXAMPLE, shuffled_copy

INSTALLED = sorted(i.name for i in discover() if i.status == "ok")
INSPECTORS = EXAMPLE / "inspectors.csv"


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def read(path: Path) -> list[dict[str, str]]:
    return rows(path.read_text(encoding="utf-8"))


def plan(run, registry=EXAMPLE, *extra, name="national", inspectors=None, seed=1, period="2027Q1"):
    result = run(
        "plan",
        registry,
        "-j",
        name,
        "--inspectors",
        inspectors or Path(registry) / "inspectors.csv",
        "--period",
        period,
        "--seed",
        seed,
        *extra,
    )
    assert result.exit_code == 0, result.stderr
    return result


# ------------------------------------------------------------------------------- reproducibility


@pytest.mark.parametrize("name", INSTALLED)
def test_same_seed_same_bytes_other_seed_other_plan(run, tmp_path, name) -> None:
    first, second, other = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    plan(run, EXAMPLE, "-o", first, name=name, seed=11)
    plan(run, EXAMPLE, "-o", second, name=name, seed=11)
    plan(run, EXAMPLE, "-o", other, name=name, seed=12)
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()
    assert len(read(first)) > 10


def test_the_plan_does_not_depend_on_row_order(run, tmp_path) -> None:
    shuffled = shuffled_copy(EXAMPLE, tmp_path / "shuffled", seed=3)
    assert plan(run, shuffled, seed=5).stdout == plan(run, EXAMPLE, seed=5).stdout


def test_it_prints_the_seed_and_the_hashes_to_verify_the_draw(run, tmp_path) -> None:
    out, summary = tmp_path / "plan.csv", tmp_path / "plan.json"
    result = plan(run, EXAMPLE, "-o", out, "--summary", summary, seed=42)
    err = result.stderr
    assert "with national 0.1.0, seed 42" in err
    for path in sorted(EXAMPLE.glob("*.csv")):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert f"{digest}  {path} (" in err
    plan_digest = hashlib.sha256(out.read_bytes()).hexdigest()
    assert f"plan SHA-256: {plan_digest}  {out}" in err
    assert f"re-draw: credsup plan {EXAMPLE} -j national --inspectors {INSPECTORS} --period 2027Q1 --seed 42" in err
    data = json.loads(summary.read_text())
    assert data["seed"] == 42 and data["plan_sha256"] == plan_digest and data["period"] == "2027Q1"
    assert {i["table"] for i in data["inputs"]} == {p.stem for p in EXAMPLE.glob("*.csv")}
    assert data["staffed"] + sum(data["unstaffed"].values()) == data["inspections"] == len(read(out))


# ------------------------------------------------------------------------ who is drawn, and how often


def test_demonstration_enterprises_are_never_drawn_and_key_ones_always(run, demo_jurisdiction) -> None:
    """The demo plugin (conftest) keeps demonstration status for grade A holders: the oracle is the
    registry's own demonstration column and the grade `credsup grade` gives (another hook), not the plan."""
    graded = rows(run("grade", EXAMPLE, "-j", demo_jurisdiction, "--as-of", "2027-01-01").stdout)
    grade_a = {r["enterprise"] for r in graded if r["grade"] == "A"}
    with (EXAMPLE / "enterprises.csv").open() as fh:
        ents = list(csv.DictReader(fh))
    demo = {e["id"] for e in ents if e["demonstration"] == "true"} & grade_a
    assert demo == {r["enterprise"] for r in graded if r["demonstration"] == "true"}
    from credsup.core.vocabulary import SECTORS

    key = {e["id"] for e in ents if SECTORS[e["sector"]].key} - demo
    assert len(demo) >= 5 and len(key) >= 100
    assert demo & {e["id"] for e in ents if SECTORS[e["sector"]].key}, "some exempt enterprises are in key sectors"
    for seed in range(10):
        result = plan(run, EXAMPLE, name=demo_jurisdiction, seed=seed)
        drawn = {r["enterprise"] for r in rows(result.stdout)}
        assert not drawn & demo
        assert key <= drawn
        assert f"exempt (probability 0) {len(demo)}; full coverage (probability 1) {len(key)}" in result.stderr


def test_enterprises_are_drawn_with_their_probability(tmp_path, run) -> None:
    """Drawn count against its expectation, within 4 standard deviations of the binomial sum
    (sd = sqrt(sum p(1-p))); the registry is generated with the plan's own seed, which must not
    correlate the draw with the registry."""
    folder = tmp_path / "reg"
    write_csv(generate(20_000, 11), folder)
    result = plan(run, folder, "--summary", tmp_path / "s.json", seed=11)
    s = json.loads((tmp_path / "s.json").read_text())
    # the probabilities are per enterprise; their variance bound: sum p(1-p) <= expected
    assert abs(s["drawn"] - s["expected_drawn"]) < 4 * math.sqrt(s["expected_drawn"]), result.stderr
    for letter, g in s["by_grade"].items():
        assert abs(g["drawn"] - g["expected"]) < 4 * math.sqrt(g["expected"]) + 1, letter


# ----------------------------------------------------------------------------------------- visits


def test_joint_visits_combine_the_departments_of_one_enterprise(run) -> None:
    separate = rows(plan(run, EXAMPLE, seed=3).stdout)
    joint = rows(plan(run, EXAMPLE, "--set", "schedule.joint_visits=true", seed=3).stdout)
    assert [{k: v for k, v in r.items() if k != "visit"} for r in separate] == [
        {k: v for k, v in r.items() if k != "visit"} for r in joint
    ]
    assert len({r["visit"] for r in separate}) == len(separate)
    per_enterprise = {}
    for r in joint:
        per_enterprise.setdefault(r["enterprise"], set()).add(r["visit"])
    assert all(len(v) == 1 for v in per_enterprise.values())
    assert len({r["visit"] for r in joint}) == len(per_enterprise) < len(joint)


# ------------------------------------------------------------------------------------- inspectors


def test_inspectors_have_the_department_qualifications_no_conflict_and_capacity(run) -> None:
    with INSPECTORS.open() as fh:
        insp = {r["id"]: r for r in csv.DictReader(fh)}
    with (EXAMPLE / "inspections.csv").open() as fh:
        past = list(csv.DictReader(fh))
    last: dict[str, str] = {}
    for p in past:
        last[p["enterprise"]] = max(last.get(p["enterprise"], ""), p["date"])
    last_inspectors = {
        (p["enterprise"], k) for p in past if p["date"] == last[p["enterprise"]] for k in p["inspectors"].split(";")
    }
    for seed in range(5):
        planned = rows(plan(run, EXAMPLE, "--set", "inspection.rate_per_year.B=0.5", seed=seed).stdout)
        staffed = [r for r in planned if r["status"] == "staffed"]
        assert len(staffed) > 50
        load = Counter()
        for r in staffed:
            pair = (r["inspector_1"], r["inspector_2"])
            assert pair[0] != pair[1]
            for k in pair:
                assert insp[k]["department"] == r["department"]
                assert set(filter(None, r["qualifications"].split(";"))) <= set(insp[k]["qualifications"].split(";"))
                assert r["enterprise"] not in insp[k]["conflicts"].split(";")
                assert (r["enterprise"], k) not in last_inspectors
                load[k] += 1
        assert all(load[k] <= int(insp[k]["capacity"]) for k in load)
        assert len(load) > 10  # the work is spread over many inspectors


def small_registry(write_registry, inspectors: str, enterprises: int = 1):
    ents = "\n".join(f"E{i},food_beverage,small,2015-01-01" for i in range(1, enterprises + 1))
    return write_registry(
        enterprises="id,sector,size,registered\n" + ents + "\n",
        inspections="id,enterprise,date,department,inspectors\nI1,E1,2026-01-01,food,K3;K9\n",
        checklist="id,item,department,sectors,qualification\nC1,hygiene,food,food_beverage,food_safety\n",
        inspectors=inspectors,
    )


CREW = """
    id,department,qualifications,capacity,conflicts
    K1,food,food_safety,5,
    K2,food,food_safety,5,E1
    K3,food,food_safety,5,
    K4,food,,5,
    K5,market,food_safety,5,
    K6,food,food_safety;drug_safety,5,
"""


def test_conflicts_and_qualifications_leave_exactly_the_right_pair(run, write_registry, demo_jurisdiction) -> None:
    folder = small_registry(write_registry, CREW)
    for seed in range(10):
        (r,) = rows(plan(run, folder, name=demo_jurisdiction, seed=seed).stdout)  # E1 is key: probability 1
        assert (r["enterprise"], r["status"]) == ("E1", "staffed")
        assert {r["inspector_1"], r["inspector_2"]} == {"K1", "K6"}
    folder = small_registry(write_registry, CREW.replace("K6,food", "K6,drugs"))
    (r,) = rows(plan(run, folder, name=demo_jurisdiction, seed=0).stdout)
    assert (r["status"], r["inspector_1"]) == ("unstaffed", "")
    assert r["note"] == (
        "conflict of interest: every free inspector of food holding food_safety inspected it last "
        "time or declared a relationship"
    )


def test_what_cannot_be_staffed_is_reported_not_overbooked(run, write_registry, demo_jurisdiction, tmp_path) -> None:
    folder = small_registry(
        write_registry,
        """
        id,department,qualifications,capacity,conflicts
        K1,food,food_safety,2,
        K2,food,food_safety,2,
        K3,food,food_safety,1,
    """,
        enterprises=5,
    )
    result = plan(run, folder, "--summary", tmp_path / "s.json", name=demo_jurisdiction, seed=4)
    planned = rows(result.stdout)
    assert [r["enterprise"] for r in planned] == ["E1", "E2", "E3", "E4", "E5"]
    staffed = [r for r in planned if r["status"] == "staffed"]
    assert len(staffed) == 2  # 5 seats for 2-inspector visits; E1 cannot have K3 (its last inspector)
    load = Counter(k for r in staffed for k in (r["inspector_1"], r["inspector_2"]))
    assert load["K1"] <= 2 and load["K2"] <= 2 and load["K3"] <= 1
    assert {r["note"] for r in planned if r["status"] == "unstaffed"} == {
        "no free capacity: every inspector of food holding food_safety is fully booked this period"
    }
    s = json.loads((tmp_path / "s.json").read_text())
    assert s["unstaffed"]["no_capacity"] == 3 and s["over_capacity"] == 0
    assert "unstaffed 3 (no capacity 3, conflict 0, no qualified inspector 0)" in result.stderr


def test_a_checklist_without_qualifications(run, write_registry, demo_jurisdiction) -> None:
    folder = small_registry(write_registry, "id,department,capacity\nK1,food,9\nK2,food,9\nK3,food,9\n")
    (folder / "checklist.csv").write_text("id,item,department,sectors\nC1,hygiene,food,*\n")
    (r,) = rows(plan(run, folder, name=demo_jurisdiction).stdout)
    assert (r["status"], r["qualifications"], {r["inspector_1"], r["inspector_2"]}) == ("staffed", "", {"K1", "K2"})


def test_nobody_qualified_and_no_checklist_item_are_reported(run, write_registry, demo_jurisdiction) -> None:
    folder = small_registry(write_registry, "id,department,qualifications,capacity\nK1,food,,9\nK2,food,,9\n")
    (folder / "enterprises.csv").write_text(
        "id,sector,size,registered\nE1,food_beverage,small,2015-01-01\nE2,drugs_medical,small,2015-01-01\n"
    )
    planned = rows(plan(run, folder, name=demo_jurisdiction).stdout)
    assert [(r["enterprise"], r["status"], r["note"]) for r in planned] == [
        ("E1", "unstaffed", "no inspector of food holding food_safety in the inspectors file"),
        ("E2", "no_checklist_item", "no checklist item applies to sector drugs_medical"),
    ]


# ------------------------------------------------------------------------------------------- errors


def test_plan_input_errors(run, write_registry, tmp_path) -> None:
    bad_period = run("plan", EXAMPLE, "-j", "national", "--inspectors", INSPECTORS, "--period", "2027Q5", "--seed", "1")
    assert bad_period.exit_code == 2 and "cannot read period '2027Q5'" in bad_period.stderr
    folder = write_registry(enterprises="id,sector,size,registered\nE1,retail,small,2015-01-01\n")
    no_list = run("plan", folder, "-j", "national", "--inspectors", INSPECTORS, "--period", "2027Q1", "--seed", "1")
    assert no_list.exit_code == 1 and f"{folder}/checklist.csv: file not found" in no_list.stderr
    broken = tmp_path / "inspectors.csv"
    broken.write_text("id,department,capacity,conflicts\nK1,food,many,\nK2,food,3,E404\n")
    result = run("plan", EXAMPLE, "-j", "national", "--inspectors", broken, "--period", "2027Q1", "--seed", "1")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        f"Error: {broken}:2: capacity: expected a whole number from 0 to 10,000, got 'many'",
        f"{broken}:3: conflicts: unknown enterprise id 'E404' (not in {EXAMPLE}/enterprises.csv)",
    ]
    missing = run(
        "plan",
        EXAMPLE,
        "-j",
        "national",
        "--inspectors",
        tmp_path / "none.csv",
        "--period",
        "2027Q1",
        "--seed",
        "1",
        "-o",
        tmp_path / "plan.csv",
    )
    assert missing.exit_code == 1 and f"{tmp_path}/none.csv: file not found" in missing.stderr
    assert not (tmp_path / "plan.csv").exists()


def test_the_summary_records_the_sha256_of_every_layers_plugin_code(run, tmp_path) -> None:
    """Oracle: the shell recipe of docs/registry.md, `find PKG -name '*.py' | sort | xargs sha256sum |
    sha256sum`, done with hashlib over the plugin packages' files on disk."""
    import credsup.plugins.dalian
    import credsup.plugins.national

    summary = tmp_path / "plan.json"
    result = plan(run, EXAMPLE, "--summary", summary, name="dalian", seed=1)
    data = json.loads(summary.read_text())
    layers = {layer["layer"]: layer for layer in data["plugin_code"]}
    assert list(layers) == ["national", "dalian"]  # root first
    for module in (credsup.plugins.national, credsup.plugins.dalian):
        package = Path(module.__file__).parent
        files = sorted(
            p.relative_to(package.parent).as_posix() for p in package.rglob("*.py") if "__pycache__" not in p.parts
        )
        listing = "".join(f"{hashlib.sha256((package.parent / f).read_bytes()).hexdigest()}  {f}\n" for f in files)
        layer = layers[package.name]
        assert [m["file"] for m in layer["modules"]] == files and layer["distribution"] == "credsup"
        assert layer["sha256"] == hashlib.sha256(listing.encode()).hexdigest()
        assert f"{layer['sha256']}  {package.name}: credsup " in result.stderr


def test_an_edited_plugin_file_changes_its_code_digest(tmp_path) -> None:
    from credsup.core.provenance import layer_code

    package = tmp_path / "credsup_town"
    package.mkdir()
    (package / "__init__.py").write_text("X = 1\n")
    (package / "rules.py").write_text("Y = 2\n")
    module = types.ModuleType("credsup_town")
    module.__file__ = str(package / "__init__.py")
    module.__path__ = [str(package)]
    before = layer_code("town", "credsup-town", "0.1.0", module)
    assert [m["file"] for m in before["modules"]] == ["credsup_town/__init__.py", "credsup_town/rules.py"]
    (package / "rules.py").write_text("Y = 3\n")
    after = layer_code("town", "credsup-town", "0.1.0", module)
    assert after["version"] == before["version"] and after["sha256"] != before["sha256"]
    assert after["modules"][0] == before["modules"][0] and after["modules"][1] != before["modules"][1]
