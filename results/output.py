"""Writing an experiment's outputs to a folder: plots (PNG, SVG) and the HTML report."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from credsup.core.errors import InputError
from credsup.i18n import Lang, language
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


#: What credsup writes into an output folder (``plots/`` holds the images): none of it may be an input.
OUTPUT_NAMES = ("report.html", "plots", "points.csv", "sweep.json", "sensitivity.csv")


def guard_output_dir(out: str | Path | None, db: str | None, *, force: bool, option: str = "--out") -> Path | None:
    """Check ``--out DIR`` before anything runs (:func:`credsup.core.files.check_output_dir`: never over
    the results database, into a folder credsup does not own only with ``force``), then create it with
    credsup's marker. Returns the folder (None when not given)."""
    from credsup.core.files import check_output_dir, claim_output_dir
    from credsup.results.db import sqlite_path

    database = sqlite_path(db)
    inputs = [("the results database", database)] if database is not None else []
    folder = check_output_dir(option, out, force=force, inputs=inputs, names=OUTPUT_NAMES)
    if folder is not None:
        claim_output_dir(folder)
    return folder


def check_report_prerequisites(lang: Lang, templates: Sequence[str | Path] = ()) -> None:
    """What a report in this language needs, checked before anything runs: a CJK font for Chinese plots,
    the template folders. Raises InputError with what to install or fix."""
    from credsup.results.fonts import plot_fonts
    from credsup.results.templating import environment

    plot_fonts(lang.code)
    environment(lang, templates)


def write_outputs(
    results: ExperimentResults,
    out_dir: Path,
    point: int = 0,
    lang: Lang | None = None,
    templates: Sequence[str | Path] = (),
) -> Path:
    """Plots into ``out_dir/plots/``, the report as ``out_dir/report.html``; returns the report path."""
    from credsup.results.plots import figures, save_figures
    from credsup.results.report import data_uris, write_report
    from credsup.results.table import comparison

    lang = lang or language()
    check_writable(out_dir)
    table = comparison(results, point, lang=lang)
    figs = figures(results, point, lang, table) if table["jurisdictions"] else {}
    written = save_figures(figs, out_dir / "plots", lang=lang)
    return write_report(results, out_dir / "report.html", point, lang, templates, figs=figs, images=data_uris(written))
