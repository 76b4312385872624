"""mypy in CI: no error at all in the strict packages, and no new error (nor a stale baseline) elsewhere.

    python .ci/mypy_check.py            # what CI runs
    python .ci/mypy_check.py --update   # rewrite .ci/mypy-baseline.txt after fixing errors (it only shrinks)

The repository root is the ``credsup`` package, so mypy runs from a temporary folder holding a link named
``credsup`` to the root. Baseline entries are ``file: error: message [code]`` without line numbers (so an
edit above an old error does not make it "new"); each entry is matched as many times as it occurs.
"""

from __future__ import annotations

import collections
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / ".ci" / "mypy-baseline.txt"
#: packages that must stay free of mypy errors
STRICT = ("credsup.core", "credsup.plugins", "credsup.simulation", "credsup.testing")
#: packages held to the baseline (errors may only go away)
BASELINED = (
    "credsup.cli",
    "credsup.experiments",
    "credsup.registry",
    "credsup.results",
)
_LINE = re.compile(r"^(?P<file>[^:]+):\d+: (?P<rest>error: .*)$")


def run_mypy(packages: tuple[str, ...]) -> list[str]:
    """mypy's error lines for ``packages``, as baseline entries (no line numbers), sorted."""
    with tempfile.TemporaryDirectory() as tmp:
        os.symlink(ROOT, Path(tmp) / "credsup")
        args = [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), "--no-error-summary"]
        for p in packages:
            args += ["-p", p]
        done = subprocess.run(args, cwd=tmp, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        sys.exit(f"mypy failed to run:\n{done.stdout}{done.stderr}")
    return sorted(f"{m['file']}: {m['rest']}" for m in map(_LINE.match, done.stdout.splitlines()) if m)


def main() -> int:
    strict = run_mypy(STRICT)
    if strict:
        print("mypy errors in packages that must have none (" + ", ".join(STRICT) + "):")
        print("\n".join(f"  {e}" for e in strict))
        return 1
    found = run_mypy(BASELINED)
    if "--update" in sys.argv[1:]:
        BASELINE.write_text("".join(f"{e}\n" for e in found), encoding="utf-8")
        print(f"wrote {len(found)} entries to {BASELINE.relative_to(ROOT)}")
        return 0
    known = collections.Counter(BASELINE.read_text(encoding="utf-8").splitlines())
    now = collections.Counter(found)
    new, fixed = now - known, known - now
    if new:
        print(f"{sum(new.values())} new mypy error(s) (not in {BASELINE.relative_to(ROOT)}); fix them:")
        print("\n".join(f"  {e}" for e in sorted(new.elements())))
    if fixed:
        print(f"{sum(fixed.values())} baseline entr(ies) no longer occur: run `python .ci/mypy_check.py --update`:")
        print("\n".join(f"  {e}" for e in sorted(fixed.elements())))
    if new or fixed:
        return 1
    print(f"mypy: {', '.join(STRICT)} clean; {len(found)} known error(s) elsewhere, none new")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
