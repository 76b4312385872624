"""The benchmark scripts run (smoke runs at a small size; nothing about time is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parents[1] / "benchmarks" / "bench_city.py"


def test_bench_city_smoke() -> None:
    out = subprocess.run([sys.executable, str(SCRIPT), "--enterprises", "1500", "--months", "3",
                          "-j", "national", "--json"], check=True, capture_output=True, text=True)
    data = json.loads(out.stdout)
    floor, national = data["rows"]
    assert floor["enterprises"] == national["enterprises"] == 1500 and national["months"] == 3
    assert national["peak_mb"] > 0 and national["enterprise_periods_per_s"] > 0
    assert "credsup_grade" in national["hooks"] and national["times_floor"] > 0


def test_bench_sweep_smoke() -> None:
    script = Path(__file__).parents[1] / "benchmarks" / "bench_sweep.py"
    out = subprocess.run([sys.executable, str(script), "--enterprises", "300", "--months", "3", "--json"],
                         check=True, capture_output=True, text=True)
    one, two = json.loads(out.stdout)["rows"]
    assert (one["workers"], two["workers"]) == (1, 2) and one["runs"] == two["runs"] == 24
    assert two["identical_to_1_worker"] and one["speedup"] == 1.0 and two["wall_s"] > 0
