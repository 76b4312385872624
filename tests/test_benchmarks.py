"""Every benchmark script runs: smoke runs at tiny sizes (nothing about time is asserted, ever).

The figures themselves are produced by ``python benchmarks/run_all.py`` and recorded in
docs/performance.md; these tests only make sure the scripts keep working as the code changes.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

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
    assert {t["met"] for t in data["targets"]} <= {True, False, None} and len(data["targets"]) >= 4
    models = [r["model"] for r in data["naive"]]
    assert models[0].startswith("SimPy") and models[-1].startswith("credsup")
    assert any(r.get("skipped") for r in data["naive"]) != HAS_MESA  # Mesa runs exactly when installed
    assert plot.stat().st_size > 10_000  # a real PNG, written where asked
    assert {(r["enterprises"], r["months"]) for r in data["scaling"]} == {(1000, 3), (2000, 3), (1000, 2)}


def test_profile_city_smoke() -> None:
    out = run("profile_city.py", "-j", "national", "--enterprises", "1000", "--months", "2", "--top", "3")
    assert "behaviour: enterprises decide" in out and "credsup_grade" in out and "functions by own time" in out


def test_jurisdiction_hooks_smoke() -> None:
    out = run("jurisdiction_hooks.py", "2000", "200")
    assert "inspection_probability" in out and "shanghai" in out


def test_bench_registry_smoke() -> None:
    out = run("bench_registry.py", "--enterprises", "1000")
    assert "`credsup grade`" in out and "`credsup plan`" in out
