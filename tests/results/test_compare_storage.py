"""A real comparison stored on each backend (SQLite and PostgreSQL) and read back identically."""

from __future__ import annotations

import numpy as np

from credsup.experiments.compare import prepare, run_compare
from credsup.results.db import open_database
from credsup.results.export import to_json
from credsup.results.store import list_experiments, load_experiment


def test_compare_round_trips_through_the_database(db_url) -> None:
    prepared = prepare(
        "demo",
        ["traditional", "dalian"],
        replications=2,
        seed=21,
        set_texts=("scenario.population.enterprises=400", "scenario.months=4"),
    )
    engine = open_database(db_url)
    exp, tally = run_compare(engine, prepared, progress=False)
    assert (tally.ok, tally.failed) == (4, 0)
    res = load_experiment(engine, exp)
    assert res.experiment["command"].startswith("credsup compare --scenario demo -j traditional -j dalian")
    assert [j["name"] for j in res.experiment["jurisdictions"]] == ["traditional", "dalian"]
    dalian = res.experiment["jurisdictions"][1]
    assert dalian["params"]["schedule.demonstration_grading_months"] == {  # participants every quarter
        "value": 3,
        "source": dalian["params"]["schedule.demonstration_grading_months"]["source"],
    }
    assert res.experiment["scenario_config"]["population"]["enterprises"] == 400
    assert res.periods[(0, "dalian")]["grade_share_A"].shape == (2, 4)
    assert np.isfinite(res.summary[(0, "traditional")]["violation_prevalence"]).all()
    assert list_experiments(engine)[0]["runs"] == 4
    assert '"comparison"' in to_json(res)
