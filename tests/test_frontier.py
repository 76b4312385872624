"""`credsup frontier` (issue 17 point 2): a sweep over inspector capacity whose page plots each outcome
against the inspections spent; stored like a sweep, resumable, and refused for a spec that is no frontier."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from credsup.cli.main import cli
from credsup.results.db import open_database
from credsup.results.store import load_experiment

sys.path.insert(0, str(Path(__file__).parent / "results"))
from reports_data import store_frontier

SPEC = """
sweep = "tiny-frontier"
title = "Tiny frontier"
frontier = true
scenario = "demo"
jurisdictions = ["traditional", "national"]
replications = 2
seed = 3
design = "grid"
outcomes = ["violation_prevalence", "undetected_exposure", "hit_rate", "compliant_burden"]

[fixed]
"scenario.population.enterprises" = 800
"scenario.months" = 6
"scenario.warmup_months" = 3

[parameters]
"scenario.regulator.inspectors" = [1, 8]
"""


def test_frontier_runs_stores_writes_its_page_and_resumes(tmp_path: Path) -> None:
    spec = tmp_path / "f.toml"
    spec.write_text(SPEC)
    db = tmp_path / "f.db"
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["frontier", str(spec), "--db", str(db), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["runs"] == 2 * 2 * 2
    page = (out / "report.html").read_text()
    assert 'id="frontier"' in page and "Efficiency frontier" in page
    assert (out / "plots" / "frontier.png").stat().st_size > 1000
    # more inspectors buy more inspections: the x axis moves with capacity (1 inspector binds at 800
    # enterprises: 12 visits a month for what the policies plan)
    from credsup.results.frontier import frontier_data

    fd = frontier_data(load_experiment(open_database(str(db)), data["experiment"]))
    for j in ("traditional", "national"):
        xs = {
            r["parameters"]["scenario.regulator.inspectors"]: r["x"].mean for r in fd["rows"] if r["jurisdiction"] == j
        }
        assert xs[8] > xs[1] > 0
    again = CliRunner().invoke(cli, ["frontier", str(spec), "--db", str(db), "--resume", str(data["experiment"])])
    assert again.exit_code == 0, again.output
    assert "8 run(s) stored, 0 to run" in again.stderr
    report = CliRunner().invoke(
        cli, ["results", "report", str(data["experiment"]), "--db", str(db), "--out", str(tmp_path / "again")]
    )
    assert report.exit_code == 0, report.output
    assert 'id="frontier"' in (tmp_path / "again" / "report.html").read_text()


def test_frontier_refuses_a_spec_that_is_no_frontier(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["frontier", "capacity-x-d-rate", "--db", str(tmp_path / "x.db")])
    assert result.exit_code != 0
    assert "not a frontier spec" in result.output
    assert not (tmp_path / "x.db").exists()


def test_the_frontier_x_is_inspections_per_1000_enterprise_years(tmp_path: Path) -> None:
    from credsup.results.frontier import frontier_data

    engine, exp = store_frontier(f"sqlite:///{tmp_path / 'f.db'}")
    results = load_experiment(engine, exp)
    fd = frontier_data(results)
    assert fd["outcomes"] == ["violation_prevalence", "undetected_exposure", "hit_rate", "compliant_burden"]
    for r in fd["rows"]:
        # the oracle: sum the stored months by hand; 1,000 enterprises over 12 months = 1 enterprise-year each
        data = results.periods[(r["point"], r["jurisdiction"])]["inspections"]
        per_run = np.nansum(data, axis=1) * 1000 / (1000 * 1.0)
        assert r["x"].mean == pytest.approx(float(np.mean(per_run)))
        assert r["x"].low < r["x"].mean < r["x"].high
        assert all(math.isfinite(e.mean) for e in r["values"].values())
