"""Small calibrations for the tests: a 1,500-enterprise district over 12 months without a warm-up (the tests
of the calibration's mechanics: storage, resume, budget, verdicts), runs of a fraction of a second."""

from __future__ import annotations

import textwrap
from pathlib import Path

#: The incompetent share and entry are the model's defaults (docs/model.md, "Enterprise types", "Entry and
#: exit"), not `demo`'s calibrated values: the mechanics tests keep their world whatever `demo` is calibrated
#: to, and ``FREE``'s committed share up to 0.8 leaves room for the calculators.
SMALL = (
    "scenario.population.enterprises=1500",
    "scenario.months=12",
    "scenario.warmup_months=0",
    "scenario.behaviour.types.incompetent.share=0.15",
    "scenario.population.turnover_per_year=0.0",
)
FREE = (
    "scenario.behaviour.types.committed.share=0.2..0.8",
    "scenario.behaviour.types.calculator.honesty.mean=0.3..0.9",
)
SHARES = ("grade_share.A", "grade_share.B", "grade_share.C", "grade_share.D")


def targets_file(
    path: Path,
    figures: dict[str, float] | None = None,
    *,
    jurisdiction: str = "national",
    sample_size: int = 20000,
    extra: str = "",
    sum_to_one: bool = True,
    uncertainty: str | None = None,
) -> Path:
    """A targets file; by default Dandong's shares."""
    figures = figures or {
        "grade_share.A": 0.654,
        "grade_share.B": 0.253,
        "grade_share.C": 0.077,
        "grade_share.D": 0.015,
    }
    body = "\n".join(f'[[figures]]\noutcome = "{k}"\nvalue = {v!r}\n' for k, v in figures.items())
    unc = uncertainty or (
        f'[uncertainty]\nsample_size = {sample_size}\nrounding = 0.0005\nsource = "assumption: a test register"\n'
    )
    group = (
        "[[sum_to_one]]\noutcomes = [" + ", ".join(f'"{k}"' for k in figures if k.startswith("grade_share")) + "]\n"
        if sum_to_one
        else ""
    )
    path.write_text(
        textwrap.dedent(f'''
        targets = "test"
        jurisdiction = "{jurisdiction}"
        source = "a test figure"
        {extra}
        ''')
        + unc
        + "\n"
        + body
        + "\n"
        + group,
        encoding="utf-8",
    )
    return path
