"""Writing an experiment's outputs to a folder: plots (PNG, SVG) and the HTML report."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from credsup.core.errors import InputError
from credsup.results.plots import write_plots
from credsup.results.report import write_report
from credsup.results.store import ExperimentResults


def check_writable(out_dir: Path) -> None:
    """Fail early, with a clear message, when ``out_dir`` cannot be created or written."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create output folder {out_dir}: {exc.strerror}") from None
    if not out_dir.is_dir():
        raise InputError(f"output folder {out_dir} is not a folder")
    try:
        with tempfile.NamedTemporaryFile(dir=out_dir, prefix=".credsup-write-test-"):
            pass
    except OSError as exc:
        raise InputError(f"cannot write to output folder {out_dir}: {exc.strerror}") from None
    if not os.access(out_dir, os.W_OK):  # pragma: no cover - caught above on POSIX
        raise InputError(f"cannot write to output folder {out_dir}")


def write_outputs(results: ExperimentResults, out_dir: Path, point: int = 0) -> Path:
    """Plots into ``out_dir/plots/``, the report as ``out_dir/report.html``; returns the report path."""
    check_writable(out_dir)
    write_plots(results, out_dir / "plots", point)
    return write_report(results, out_dir / "report.html", point)
