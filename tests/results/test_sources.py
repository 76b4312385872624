"""Inspections by source in the results database, the outcome keys and the comparison's "By source" block
(issue 13 point 5)."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

from credsup.core.errors import ConfigError
from credsup.experiments.runner import store_format
from credsup.results.outcomes import outcome_keys, parse, stored_values, unknown
from credsup.results.store import create_experiment, finish_experiment, load_experiment, record_run
from credsup.simulation.metrics import SOURCE_FIGURES, by_source
from credsup.simulation.tally import GRADE_LABELS, SOURCE_LABELS, Tally

sys.path.insert(0, str(Path(__file__).parent))
from reports_data import store_compare

SPOT, COMPLAINT, FOLLOW_UP = (SOURCE_LABELS.index(s) for s in ("spot", "complaint", "follow_up"))
A, D = GRADE_LABELS.index("A"), GRADE_LABELS.index("D")


def hand_tally() -> Tally:
    """Two months: spot checks find 1 of 10 A and 4 of 8 D enterprises, complaints 3 of 4 (grade D);
    nothing else inspects."""
    t = Tally.zeros(2)
    t.source_inspections[0, SPOT, A] = 6
    t.source_inspections[1, SPOT, A] = 4
    t.source_detections[1, SPOT, A] = 1
    t.source_inspections[0, SPOT, D] = 8
    t.source_detections[0, SPOT, D] = 4
    t.source_inspections[1, COMPLAINT, D] = 4
    t.source_detections[1, COMPLAINT, D] = 3
    t.source_visits[:, SPOT, A] = 5  # 10 visits over the two months
    return t


def test_a_hand_built_tally_gives_the_hit_rate_by_source_and_grade() -> None:
    sources = by_source(hand_tally())
    assert list(sources) == list(SOURCE_LABELS)
    assert sources["spot"]["inspections"] == 18
    assert sources["spot"]["hit_rate"] == pytest.approx(5 / 18)
    assert sources["spot"]["grades"]["A"]["hit_rate"] == pytest.approx(1 / 10)
    assert sources["spot"]["grades"]["D"]["hit_rate"] == pytest.approx(4 / 8)
    assert sources["spot"]["visits"] == 10
    assert sources["complaint"]["hit_rate"] == pytest.approx(3 / 4)
    # never inspected from: no hit rate (undefined), not zero
    assert sources["follow_up"]["inspections"] == 0
    assert sources["follow_up"]["hit_rate"] is None
    assert sources["spot"]["grades"]["B"]["hit_rate"] is None


def _fake_result(tally: Tally) -> dict:
    return {
        "summary": {"hit_rate": 8 / 22},
        "periods": [{"period": "2025-01"}, {"period": "2025-02"}],
        "grades": {g: {"hit_rate": None} for g in GRADE_LABELS},
        "sources": by_source(tally),
    }


def test_per_source_figures_are_stored_and_read_back_by_key(tmp_path: Path) -> None:
    engine, exp = _store([_fake_result(hand_tally())], tmp_path)
    res = load_experiment(engine, exp)
    assert stored_values(res, 0, "national", "hit_rate.spot") == pytest.approx([5 / 18])
    assert stored_values(res, 0, "national", "inspections.complaint") == pytest.approx([4])
    assert stored_values(res, 0, "national", "hit_rate.spot.D") == pytest.approx([0.5])
    assert stored_values(res, 0, "national", "hit_rate.spot.A") == pytest.approx([0.1])
    assert stored_values(res, 0, "national", "visits.spot.A") == pytest.approx([10])
    assert np.isnan(stored_values(res, 0, "national", "hit_rate.follow_up")).all()  # undefined stays undefined
    # the comparison's rows stay the run metrics: per-source figures are no extra tested metric
    from credsup.results.table import comparison

    assert [r["metric"] for r in comparison(res)["metrics"]] == ["hit_rate"]


def _store(results: list[dict], tmp_path: Path, jurisdiction: str = "national"):
    from credsup.results.db import open_database

    engine = open_database(f"sqlite:///{tmp_path / 'sources.db'}")
    exp = create_experiment(
        engine,
        kind="compare",
        command="test",
        scenario="demo",
        scenario_config={"scenario": "demo", "months": 2, "population": {"enterprises": 100}},
        jurisdictions=[{"name": jurisdiction}],
        seed=1,
        replications=len(results),
    )
    for rep, result in enumerate(results):
        record_run(engine, exp, jurisdiction=jurisdiction, replication=rep, seed_key=str(rep), **store_format(result))
    finish_experiment(engine, exp, status="finished")
    return engine, exp


def test_a_real_run_stores_every_source_figure_as_computed(db_url) -> None:
    """Stored == in memory, for each source and figure, in total and per grade, on each backend."""
    from credsup.experiments.compare import prepare
    from credsup.experiments.runner import store_outcome
    from credsup.experiments.tasks import execute
    from credsup.results.db import open_database

    prepared = prepare("demo", ["national"], replications=1, seed=5, set_texts=("scenario.population.enterprises=600",))
    engine = open_database(db_url)
    from credsup.experiments.compare import start
    from credsup.experiments.executors import local_executor

    exp = start(engine, prepared, local_executor(1))
    (task,) = prepared.tasks()
    outcome = execute(task)
    assert outcome.ok, outcome.error
    store_outcome(engine, exp, outcome)
    res = load_experiment(engine, exp)
    memory = outcome.result["sources"]
    assert sum(memory[s]["inspections"] for s in SOURCE_LABELS) > 0
    assert memory["spot"]["inspections"] > 0
    for source in SOURCE_LABELS:
        for figure in SOURCE_FIGURES:
            want = memory[source][figure]
            got = stored_values(res, 0, "national", f"{figure}.{source}")
            assert got.shape == (1,)
            if want is None:
                assert np.isnan(got[0]), (figure, source)
            else:
                assert got[0] == pytest.approx(want, rel=1e-12, abs=0), (figure, source)
            for grade in ("A", "B", "C", "D", "ungraded"):
                want = memory[source]["grades"][grade][figure]
                got = stored_values(res, 0, "national", f"{figure}.{source}.{grade}")
                if want is None:
                    assert np.isnan(got[0]), (figure, source, grade)
                else:
                    assert got[0] == pytest.approx(want, rel=1e-12, abs=0), (figure, source, grade)
    # the grade share over the measured months, as the run reported it
    share = outcome.result["grades"]["A"]["enterprise_share"]
    assert stored_values(res, 0, "national", "grade_share.A")[0] == pytest.approx(share, rel=1e-12)


def test_outcome_keys_parse_and_an_unknown_one_is_named_with_the_closest() -> None:
    for key in ("hit_rate", "hit_rate.D", "grade_share.A", "hit_rate.spot", "inspections.complaint", "hit_rate.spot.D"):
        assert key in outcome_keys()
        assert parse(key) is not None and unknown(key) is None
    assert parse("hit_rate.spot.D").grade == "D" and parse("hit_rate.spot.D").name == "hit_rate.spot"
    assert parse("grade_share.C").name == "enterprise_share"
    for bad, close in (("hit_rate.spt", "hit_rate.spot"), ("hit_rate.spot.E", None), ("grade_share.Z", None)):
        message = unknown(bad)
        assert message is not None and message.startswith(f"unknown outcome {bad!r}")
        if close:
            assert f"did you mean '{close}'?" in message
    assert parse("grade_auc.D") is None  # grade AUC is a property of grading, not of one grade
    assert parse("hit_rate.spot").bounds == (0.0, 1.0)
    assert parse("inspections.spot.D").bounds == (0.0, math.inf)


def test_a_sweep_spec_accepts_per_source_keys_and_refuses_an_unknown_one_naming_it() -> None:
    from credsup.experiments.spec import load_spec

    head = {
        "sweep": "s",
        "scenario": "demo",
        "jurisdictions": ["national"],
        "design": "grid",
        "parameters": {"inspection.rate_per_year.C": [0.1, 0.5]},
    }
    good = load_spec("s.toml", data={**head, "outcomes": ["hit_rate.spot.D", "grade_share.A", "hit_rate.spot"]})
    assert good.spec.outcomes == ("hit_rate.spot.D", "grade_share.A", "hit_rate.spot") or list(good.spec.outcomes) == [
        "hit_rate.spot.D",
        "grade_share.A",
        "hit_rate.spot",
    ]
    with pytest.raises(ConfigError) as err:
        load_spec("s.toml", data={**head, "outcomes": ["hit_rate", "hit_rate.spt.D"]})
    text = str(err.value)
    assert "s.toml" in text and "outcomes[1]" in text and "'hit_rate.spt.D'" in text
    assert "did you mean 'hit_rate.spot.D'?" in text


def test_the_sweep_table_reads_per_grade_and_per_source_outcomes(tmp_path: Path) -> None:
    from credsup.results.sweep_table import point_summary

    results = [_fake_result(hand_tally()), _fake_result(hand_tally())]
    engine, exp = _store(results, tmp_path)
    res = load_experiment(engine, exp)
    table = point_summary(res, ["hit_rate.spot.D", "hit_rate.complaint", "inspections.spot"])
    values = table["rows"][0]["values"]
    assert values["hit_rate.spot.D"].mean == pytest.approx(0.5)
    assert values["hit_rate.complaint"].mean == pytest.approx(0.75)
    assert values["inspections.spot"].mean == pytest.approx(18)


def test_the_comparison_shows_inspections_and_hit_rate_by_source(tmp_path: Path) -> None:
    from reports_data import PROFILES

    from credsup.results.output import write_outputs
    from credsup.results.table import comparison, comparison_json, render_text

    engine, exp = store_compare(f"sqlite:///{tmp_path / 'c.db'}", sources=True)
    res = load_experiment(engine, exp)
    table = comparison(res)
    rows = {r["source"]: r for r in table["sources"]}
    assert list(rows) == ["spot", "complaint"]  # in source order; sources nobody used are left out
    for j, p in PROFILES.items():
        # 70 % of the monthly inspections x 12 months per 1,000 enterprises (1 year): per 1,000 enterprise-years
        assert rows["spot"]["inspections"][j].mean == pytest.approx(0.7 * p["inspections"] * 12, rel=0.02)
        want = np.mean(stored_values(res, 0, j, "hit_rate.spot"))
        assert rows["spot"]["hit_rate"][j].mean == pytest.approx(want)
        assert rows["complaint"]["hit_rate"][j].mean == pytest.approx(4 * want)  # hand-made: 2.0 vs 0.5
        assert rows["spot"]["hit_rate"][j].has_interval
    text = render_text(table)
    assert "By source: inspections per 1,000 enterprise-years, and hit rate" in text
    assert "random spot checks" in text and "complaint verification" in text
    assert set(comparison_json(table)["sources"]) == {"spot", "complaint"}
    from credsup.i18n import language

    for lang, heading, measure in (("en", "By source", "hit rate"), ("zh", "按来源", "命中率")):
        page = write_outputs(res, tmp_path / lang, lang=language(lang)).read_text(encoding="utf-8")
        assert 'id="by-source"' in page
        assert heading in page and measure in page
    zh = language("zh")
    zh_text = render_text(comparison(res, lang=zh), zh)
    assert "按来源：每千户企业年的检查次数及检查命中率" in zh_text and "“双随机、一公开”抽查" in zh_text


def test_results_show_and_export_carry_the_per_source_figures(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from credsup.cli.main import cli

    db = tmp_path / "c.db"
    engine, exp = store_compare(f"sqlite:///{db}", sources=True)
    res = load_experiment(engine, exp)
    shown = CliRunner().invoke(cli, ["results", "show", str(exp), "--db", str(db)])
    assert shown.exit_code == 0, shown.output
    assert "By source: inspections per 1,000 enterprise-years, and hit rate" in shown.output
    exported = CliRunner().invoke(cli, ["results", "export", str(exp), "--db", str(db), "--table", "summary"])
    assert exported.exit_code == 0, exported.output
    rows = [line.split(",") for line in exported.output.splitlines()[1:]]
    spot = {(r[2], int(r[3])): float(r[5]) for r in rows if r[4] == "hit_rate.spot"}
    for (j, rep), value in spot.items():
        assert value == pytest.approx(stored_values(res, 0, j, "hit_rate.spot")[res.replications[(0, j)].index(rep)])
    assert len(spot) == sum(len(r) for r in res.replications.values())
    grades = CliRunner().invoke(cli, ["results", "export", str(exp), "--db", str(db), "--table", "grades"])
    assert any(line.split(",")[4:6] == ["D", "hit_rate.spot"] for line in grades.output.splitlines())
