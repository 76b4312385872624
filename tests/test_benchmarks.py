"""The city benchmark script runs (a smoke run at a small size; nothing about time is asserted)."""

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
