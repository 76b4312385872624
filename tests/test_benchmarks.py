"""Every benchmark script runs: smoke runs at tiny sizes (nothing about time is asserted, ever).

The figures themselves are produced by ``python benchmarks/run_all.py`` and recorded in
docs/performance.md; these tests only make sure the scripts keep working as the code changes.
"""

from __future__ import annotations

import importlib.util
import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

from credsup.core import HOOKS
from credsup.core.discovery import discover

BENCH = Path(__file__).parents[1] / "benchmarks"
HAS_MESA = importlib.util.find_spec("mesa") is not None


def run(script: str, *args: str) -> str:
    out = subprocess.run([sys.executable, str(BENCH / script), *args], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


def test_bench_city_smoke() -> None:
    data = json.loads(run("bench_city.py", "--enterprises", "1500", "--months", "3", "-j", "national", "--json"))
    floor, national = data["rows"]
    assert floor["enterprises"] == national["enterprises"] == 1500 and national["months"] == 3
    assert national["peak_mb"] > 0 and national["enterprise_periods_per_s"] > 0
    assert "credsup_grade" in national["hooks"] and national["times_floor"] > 0
    assert national["hooks"]["credsup_grade"]["ns_per_enterprise_period"] > 0


def test_bench_fixed_cost_smoke(tmp_path: Path) -> None:
    out = tmp_path / "fixed.json"
    run("bench_fixed_cost.py", "--repeat", "1", "--enterprises", "200", "--json", str(out))
    (row,) = json.loads(out.read_text())["rows"]
    assert row["code"] == "this commit"
    for part in ("help", "import_runner", "small_run", "cli_run"):
        assert row[part + "_cpu_s"] > 0 and row[part + "_wall_s"] > 0
    assert 0 < row["small_run_hooks_s"]


def test_naive_simpy_plays_the_behaviour_model() -> None:
    data = json.loads(run("naive_simpy.py", "--enterprises", "400", "--months", "4"))
    tally = data["tally"]
    assert data["enterprises"] == 400 and data["months"] == 4
    # every enterprise is counted once a month (no one is banned in the naive model)
    assert tally["enterprise_months"] == 1600
    assert 0 < tally["violating_months"] < tally["enterprise_months"] and tally["inspections"] > 0


@pytest.mark.skipif(not HAS_MESA, reason="mesa is not installed (it is in the optional 'benchmark' extra)")
def test_naive_mesa_plays_the_behaviour_model() -> None:
    data = json.loads(run("naive_mesa.py", "--enterprises", "400", "--months", "4"))
    tally = data["tally"]
    assert tally["enterprise_months"] == 1600
    assert 0 < tally["violating_months"] < tally["enterprise_months"] and tally["inspections"] > 0


def test_run_all_quick_prints_every_section(tmp_path: Path) -> None:
    figures = tmp_path / "figures.json"
    plot = tmp_path / "scaling.png"
    out = run(
        "run_all.py",
        "--quick",
        "-j",
        "national",
        "--target-jurisdiction",
        "national",
        "--json",
        str(figures),
        "--plot",
        str(plot),
    )
    for section in ("city end to end", "time in each hook", "naive", "scaling", "targets"):
        assert section in out
    data = json.loads(figures.read_text())
    assert [r["jurisdiction"] for r in data["city"]][1:] == ["national"]
    assert len(data["targets"]) >= 4
    for t in data["targets"]:  # each verdict agrees with its own value and threshold, read from the text
        assert t["met"] is None or t["met"] == target_met(t["target"], t["value"]), t
    models = [r["model"] for r in data["naive"]]
    assert models[0].startswith("SimPy") and models[-1].startswith("credsup")
    assert any(r.get("skipped") for r in data["naive"]) != HAS_MESA  # Mesa runs exactly when installed
    assert plot.stat().st_size > 10_000  # a real PNG, written where asked
    assert {(r["enterprises"], r["months"]) for r in data["scaling"]} == {(1000, 3), (2000, 3), (1000, 2)}


def target_met(target: str, value: str) -> bool:
    """Whether ``value`` ("3.21 s", "12.5x") meets ``target`` ("... <= 15 s", ">= 100x ...", "within 6x ...")."""
    number = float(re.match(r"[\d.e+-]+", value).group())  # type: ignore[union-attr]
    if m := re.search(r"<= ([\d.]+)", target):
        return number <= float(m.group(1))
    if m := re.search(r">= ([\d.]+)x", target):
        return number >= float(m.group(1))
    m = re.search(r"within ([\d.]+)x", target)
    assert m, target
    return number <= float(m.group(1))


def table(out: str, first: str) -> dict[str, list[str]]:
    """The whitespace table of ``out`` whose header starts with ``first``: row name -> the other cells."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[:1] == [first])
    rows = {}
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        cells = line.rsplit(None, 3) if first == "step" else line.split()
        rows[cells[0]] = cells[1:]
    return rows


def test_profile_city_smoke() -> None:
    out = run("profile_city.py", "-j", "national", "--enterprises", "1000", "--months", "2", "--top", "3")
    steps = table(out, "step")
    # national grades every 12 months (national.toml schedule.grading_months) from the first simulated
    # month; the city scenario's 72-month warm-up comes first, so 74 months hold months 0, 12, ..., 72
    assert steps["grading"][0] == "7"
    assert int(steps["behaviour: enterprises decide"][0]) == 72 + 2  # once a month, warm-up included
    hooks = table(out, "hook")
    assert "credsup_grade" in hooks and all(int(cells[0]) > 0 for cells in hooks.values())
    assert set(hooks) <= set(HOOKS)
    assert "List reduced from" in out and "to 3 due to restriction <3>" in out


def test_jurisdiction_hooks_smoke() -> None:
    out = run("jurisdiction_hooks.py", "2000", "200")
    rows = table(out, "hook")
    header = next(line for line in out.splitlines() if line.startswith("hook")).split()[1:]
    assert header == sorted(i.name for i in discover() if i.builtin)
    assert set(rows) == {h.removeprefix("credsup_") for h in HOOKS}  # one row per hook of the contract
    assert all(len(cells) == len(header) and all(float(c) >= 0 for c in cells) for cells in rows.values())


def test_bench_registry_smoke() -> None:
    out = run("bench_registry.py", "--enterprises", "1000")
    assert "registry: 1,000 enterprises" in out
    assert "| `credsup grade` (national, with reasons) |" in out and "| `credsup plan` (national, 2027Q1) |" in out
    m = re.search(r"plan: (\d+) enterprises drawn \(expected ([\d.]+)\)", out)
    assert m, out
    drawn, expected = int(m.group(1)), float(m.group(2))
    assert abs(drawn - expected) < 4 * math.sqrt(expected) + 1  # a sum of Bernoulli draws: sd <= sqrt(mean)


def test_warmup_welch_smoke(tmp_path: Path) -> None:
    out = tmp_path / "welch.json"
    args = ("-r", "2", "--months", "14", "--enterprises", "600", "--inspectors", "1", "--plateau", "6")
    text = run("warmup.py", *args, "--window", "2", "--json", str(out))
    saved = json.loads(out.read_text())["series"]
    assert "prevalence" in text and "grade_share.D" in saved and "perceived.incompetent" in saved
    values = saved["prevalence"]["values"]
    assert len(values) == 2 and len(values[0]) == 14  # replications x months, from the model's first month
    assert 0 <= saved["prevalence"]["relaxed"] <= 14 - 2
