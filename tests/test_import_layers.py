"""The packages build on each other in one direction: no module imports a layer above its own.

    core  <-  simulation, registry  <-  results  <-  experiments  <-  cli

(``simulation`` and ``registry`` are siblings: the simulator and registry mode share the kernel and its
record-summary rules, never each other's code.) Imports inside functions count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
#: What each package must never import.
FORBIDDEN = {
    "core": {"simulation", "registry", "results", "experiments", "cli"},
    "simulation": {"registry", "results", "experiments", "cli"},
    "registry": {"simulation", "results", "experiments", "cli"},
    "results": {"experiments", "cli"},
    "experiments": {"cli"},
}


def imported_packages(path: Path) -> set[str]:
    """The ``credsup.<package>`` names a module imports, anywhere in it."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        out |= {n.split(".")[1] for n in names if n.startswith("credsup.") and n.count(".") >= 1}
    return out


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_package_imports_a_layer_above_it(package: str) -> None:
    wrong = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & FORBIDDEN[package])
        for path in sorted((ROOT / package).rglob("*.py"))
    }
    assert not {k: v for k, v in wrong.items() if v}, f"{package} imports a layer above it"


def test_the_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from credsup.experiments.seeds import new_seed\n", encoding="utf-8")
    assert imported_packages(module) == {"experiments"}
