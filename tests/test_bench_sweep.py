"""The sweep benchmark script runs (a smoke run at a small size; nothing about time is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parents[1] / "benchmarks" / "bench_sweep.py"


def test_bench_sweep_smoke() -> None:
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--enterprises", "300", "--months", "3", "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    one, two = json.loads(out.stdout)["rows"]
    assert (one["workers"], two["workers"]) == (1, 2) and one["runs"] == two["runs"] == 24
    assert two["identical_to_1_worker"] and one["speedup"] == 1.0 and two["wall_s"] > 0
