"""Helpers shared by the benchmark scripts: sized scenarios, peak memory, child processes, run info.

The benchmark scripts are plain scripts (``python benchmarks/<name>.py``), not part of the installed
package; each imports this module from its own folder.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def peak_mb() -> float:
    """Peak resident set size of this process, in MB.

    On Linux this is ``VmHWM`` of ``/proc/self/status``: the high-water mark of this program's own
    memory. ``ru_maxrss`` is not used there because a child inherits its parent's high-water mark
    through fork and exec, so a child of a large parent would report the parent's peak.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    scale = 1024.0 * 1024.0 if sys.platform == "darwin" else 1024.0  # bytes on macOS, KB elsewhere
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def sized_scenario(name: str, enterprises: int = 0, months: int = 0) -> Any:
    """Scenario ``name`` with its population and months overridden (0 keeps the scenario's own).

    A smaller or larger population keeps the scenario's inspectors per enterprise, so the regulator's
    load, and with it the behaviour, stays comparable across sizes.
    """
    from credsup.simulation import load_scenario

    base = load_scenario(name)
    overrides: list[tuple[str, Any]] = []
    if enterprises:
        scale = enterprises / base.population.enterprises
        overrides += [
            ("population.enterprises", enterprises),
            ("regulator.inspectors", max(1, round(base.regulator.inspectors * scale))),
        ]
    if months:
        overrides.append(("months", months))
    return load_scenario(name, overrides) if overrides else base


def builtin_jurisdictions() -> list[str]:
    """The built-in jurisdictions, national and traditional first (the baselines), then the regions."""
    from credsup.core import discover

    names = sorted(i.name for i in discover() if i.builtin)
    first = [n for n in ("national", "traditional") if n in names]
    return first + [n for n in names if n not in first]


def run_child(script: str, args: list[str], timeout: float | None = None) -> dict[str, Any]:
    """Run ``benchmarks/<script> *args`` in a fresh Python process and parse the JSON it prints.

    A fresh process per measurement makes its peak memory its own and keeps one run's heap and caches
    from flattering or hurting the next.
    """
    cmd = [sys.executable, str(HERE / script), *args]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stderr[-4000:]}")
    return json.loads(out.stdout)


def run_info() -> dict[str, Any]:
    """Date, commit, machine and load: what a figure needs to be read later."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True, cwd=HERE
    ).stdout.strip()
    import numpy
    import simpy

    return {
        "date": time.strftime("%Y-%m-%d"),
        "commit": (commit + ("+dirty" if dirty else "")) or "?",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {numpy.__version__}, SimPy {simpy.__version__}",
        "load_average": list(os.getloadavg()),
    }
