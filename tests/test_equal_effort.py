"""Equal effort (issue 17 point 1): the random-check factor, and the search that finds it.

The oracles are independent of the code under test: a scaled rate is checked against the arithmetic the
docstring states (k times the rate, capped at 1; full coverage untouched), and the search against
step functions whose root is known in closed form.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from credsup.core.decisions import InspectionRates
from credsup.core.enums import InspectionBasis
from credsup.experiments.equal_effort import TOLERANCE, find_factor, linear_guess
from credsup.simulation.spot_checks import scale_random_draws


def _rates() -> InspectionRates:
    chance = np.array([0.02, 0.05, 1.0, 0.3, 1.0, 0.0])
    basis = np.array([1, 1, 1, 0, 0, 0], dtype=np.int8)  # YEAR x3, then PERIOD x3
    assert InspectionBasis.YEAR == 1 and InspectionBasis.PERIOD == 0
    return InspectionRates(chance=chance, basis=basis)


def test_scale_multiplies_random_draws_and_caps_at_one() -> None:
    out = scale_random_draws(_rates(), 4.0)
    # yearly shares (a share of 1 included: a class checked in full by draws over the year) and period
    # chances below 1 are scaled and capped; full coverage (period chance 1) stays
    assert out.chance.tolist() == pytest.approx([0.08, 0.2, 1.0, 1.0, 1.0, 0.0])
    assert out.basis.tolist() == _rates().basis.tolist()
    down = scale_random_draws(_rates(), 0.5)
    assert down.chance.tolist() == pytest.approx([0.01, 0.025, 0.5, 0.15, 1.0, 0.0])
    zero = scale_random_draws(_rates(), 0.0)
    assert zero.chance.tolist() == [0.0, 0.0, 0.0, 0.0, 1.0, 0.0]
    assert zero.full_coverage.tolist() == _rates().full_coverage.tolist()


def test_scale_one_is_the_policy_as_written() -> None:
    rates = _rates()
    assert scale_random_draws(rates, 1.0) is rates


def _steps(fixed: float, per_k: float, step: float = 1.0):  # type: ignore[no-untyped-def]
    """A non-decreasing step function like a CRN total: fixed + per_k * k, floored to whole ``step``s."""
    calls: list[float] = []

    def f(k: float) -> float:
        calls.append(k)
        return fixed + step * math.floor(per_k * k / step)

    return f, calls


@pytest.mark.parametrize(("fixed", "per_k", "target"), [(4000, 3000, 5700), (1000, 500, 5200), (0, 2000, 1500)])
def test_search_matches_within_tolerance(fixed: float, per_k: float, target: float) -> None:
    f, calls = _steps(fixed, per_k)
    found = find_factor(f, target)
    assert found.status == "matched"
    assert abs(found.inspections / target - 1) < TOLERANCE
    assert abs(f(found.factor) / target - 1) < TOLERANCE  # the factor reported gives that total
    exact = (target - fixed) / per_k
    assert found.factor == pytest.approx(exact, rel=0.05)
    assert len(set(calls[:-1])) == len(calls) - 1  # never the same k twice
    assert found.trace[0][0] == 1.0


def test_a_good_guess_saves_evaluations() -> None:
    f, _ = _steps(4000, 3000)
    guess = linear_guess(5700, 7000, 3000)
    assert guess == pytest.approx(1700 / 3000)
    found = find_factor(f, 5700, guess=guess)
    assert found.matched and len(found.trace) == 2


def test_floor_when_even_no_random_checks_is_too_many() -> None:
    f, _ = _steps(6000, 3000)
    found = find_factor(f, 5000)
    assert (found.status, found.factor) == ("floor", 0.0)
    assert found.gap == pytest.approx(0.2)


def test_ceiling_when_more_random_checks_add_nothing() -> None:
    found = find_factor(lambda k: min(1000 + 100 * k, 1300.0), 5000)
    assert found.status == "ceiling" and not found.matched
    assert found.inspections == 1300.0


def test_unmatched_when_the_steps_jump_over_the_band() -> None:
    # totals jump from 900 to 1100 at k = 0.5: nothing within 1 % of 1000; the closest is kept
    found = find_factor(lambda k: 900.0 if k < 0.5 else 1100.0, 1000)
    assert found.status == "unmatched"
    assert found.inspections in (900.0, 1100.0)
    assert len(found.trace) <= 14


# -- end to end: credsup compare --equal-effort ------------------------------------------------------------

TINY = (
    "--set",
    "scenario.population.enterprises=600",
    "--set",
    "scenario.months=6",
    "--set",
    "scenario.warmup_months=6",
    # without entry: with a sixth of the register new each year, shanghai's key supervision and commitment
    # checks alone exceed national's effort at this size, and its search stops at the floor (measured:
    # 58 inspections a run at factor 0 against national's 45), which is not what these tests are about
    "--set",
    "scenario.population.turnover_per_year=0",
)


def _totals(db: str, exp: int) -> dict[str, float]:
    """Mean total inspections per run by jurisdiction, summed from the stored monthly periods (not from
    anything the search reported)."""
    from credsup.results.db import open_database
    from credsup.results.store import load_experiment

    results = load_experiment(open_database(db), exp)
    return {j: float(np.mean(np.nansum(results.periods[(0, j)]["inspections"], axis=1))) for j in results.jurisdictions}


@pytest.fixture(scope="module")
def equal_run(tmp_path_factory):  # type: ignore[no-untyped-def]
    import json

    from click.testing import CliRunner

    from credsup.cli.main import cli

    tmp = tmp_path_factory.mktemp("equal")
    db = tmp / "e.db"
    # national as the baseline: shanghai inspects more as written (key supervision, commitment checks),
    # and can be brought down to national's effort by scaling its random checks
    args = ["compare", "--db", str(db), *TINY, "-j", "national", "-j", "shanghai", "-r", "3", "--seed", "5"]
    result = CliRunner().invoke(cli, [*args, "--equal-effort", "--json", "--out", str(tmp / "out")])
    assert result.exit_code == 0, result.output
    text = CliRunner().invoke(cli, ["results", "show", "1", "--db", str(db)])
    plain = CliRunner().invoke(cli, [*args])  # the same comparison without equal effort: experiment 2
    assert plain.exit_code == 0, plain.output
    return {"db": str(db), "data": json.loads(result.stdout), "text": text.output, "tmp": tmp}


def test_equal_effort_totals_match_the_baseline_within_one_percent(equal_run) -> None:  # type: ignore[no-untyped-def]
    totals = _totals(equal_run["db"], 1)
    ee = equal_run["data"]["equal_effort"]
    shanghai = ee["factors"]["shanghai"]
    assert shanghai["status"] == "matched"
    assert abs(totals["shanghai"] / totals["national"] - 1) < 0.01
    assert ee["target"] == pytest.approx(totals["national"])
    # as written, shanghai inspects a different amount: the factor is not 1, and it did something
    plain = _totals(equal_run["db"], 2)
    assert abs(plain["shanghai"] / plain["national"] - 1) >= 0.01
    assert shanghai["factor"] != 1.0
    assert plain["national"] == pytest.approx(totals["national"])  # the baseline is not touched


def test_equal_effort_is_said_in_the_table_and_the_report(equal_run) -> None:  # type: ignore[no-untyped-def]
    factor = equal_run["data"]["equal_effort"]["factors"]["shanghai"]["factor"]
    shown = f"×{factor:.3g}"
    assert "At equal effort:" in equal_run["text"] and shown in equal_run["text"]
    assert "--equal-effort" in equal_run["data"]["command"]
    report = (equal_run["tmp"] / "out" / "report.html").read_text()
    first = report[report.index('id="conclusion"') : report.index("</section>", report.index('id="conclusion"'))]
    assert "Most efficient at equal effort:" in first and "At equal effort:" in first
    assert shown in first
    assert 'id="equal-effort"' in report


def test_equal_effort_refuses_a_fixed_factor() -> None:
    from credsup.core.errors import InputError
    from credsup.experiments.compare import prepare

    with pytest.raises(InputError, match="random_check_scale"):
        prepare(
            "demo",
            ["traditional", "national"],
            replications=2,
            seed=1,
            set_texts=["scenario.regulator.random_check_scale=0.5"],
            equal_effort=True,
        )
    with pytest.raises(InputError, match="two jurisdictions"):
        prepare("demo", ["national"], replications=2, seed=1, equal_effort=True)


def test_factor_zero_stops_spot_checks_but_not_full_coverage_or_complaints() -> None:
    from credsup.experiments.equal_effort import total_inspections
    from credsup.experiments.tasks import RunTask, execute

    over = (("population.enterprises", 1500), ("months", 6), ("warmup_months", 0))
    runs = {
        k: execute(
            RunTask(
                "demo",
                "shanghai",
                seed=2,
                replication=0,
                scenario_overrides=over + (("regulator.random_check_scale", k),),
            )
        )
        for k in (0.0, 1.0)
    }
    assert all(o.ok for o in runs.values())
    by = {
        k: {
            s: total_inspections(o.result["periods"], f"inspections.{s}")
            for s in ("spot", "full_coverage", "complaint")
        }
        for k, o in runs.items()
    }  # type: ignore[index]
    assert by[1.0]["spot"] > 0 and by[0.0]["spot"] == 0
    assert by[0.0]["full_coverage"] > 0 and by[0.0]["complaint"] > 0


def test_a_resumed_equal_effort_comparison_runs_at_its_factors(equal_run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from click.testing import CliRunner
    from sqlalchemy import delete, select
    from sqlalchemy.orm import Session

    from credsup.cli.main import cli
    from credsup.results.db import open_database
    from credsup.results.models import Run

    db = tmp_path / "copy.db"
    shutil.copy(equal_run["db"], db)
    before = _totals(str(db), 1)
    engine = open_database(str(db))
    with Session(engine) as s, s.begin():  # lose shanghai's runs, as an interruption would
        ids = s.scalars(select(Run.id).where(Run.experiment_id == 1, Run.jurisdiction == "shanghai")).all()
        assert len(ids) == 3
        s.execute(delete(Run).where(Run.id.in_(ids)))
    result = CliRunner().invoke(cli, ["compare", "--resume", "1", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "3 to run" in result.stderr
    after = _totals(str(db), 1)
    assert after["shanghai"] == pytest.approx(before["shanghai"])  # the same runs: at the stored factor


def test_a_poor_guess_is_corrected_by_the_secant_before_trying_zero() -> None:
    f, calls = _steps(4000, 3000)
    found = find_factor(f, 5700, guess=0.9)  # far too high: both tries above the target
    assert found.matched
    assert 0.0 not in [k for k, _ in found.trace]
    assert len(found.trace) <= 4


def test_every_comparison_reports_visits_by_source_next_to_inspections(equal_run) -> None:  # type: ignore[no-untyped-def]
    from credsup.results.db import open_database
    from credsup.results.store import load_experiment
    from credsup.results.table import comparison

    results = load_experiment(open_database(equal_run["db"]), 2)  # the plain comparison
    for j in results.jurisdictions:
        periods = results.periods[(0, j)]
        by_source = sum(v for k, v in periods.items() if k.startswith("visits."))
        assert np.allclose(by_source, periods["visits"])  # the sources add up to the total, month by month
    keys = [row["key"] for row in comparison(results)["effort"]]
    assert keys.index("visits") < keys.index("visits.spot") < keys.index("inspector_utilisation")
    assert "inspections.spot" in keys and "visits.complaint" in keys


# -- the verdict, on hand-made tables whose answer is known ---------------------------------------------------


def _table(diffs: dict[str, dict[str, float]], leaders: dict[str, str], statuses: dict[str, str]) -> dict:  # type: ignore[type-arg]
    """A comparison table with a baseline ``base`` (mean 1.0 on every metric, lower is better) and the
    given clear differences (0 = no clear difference) and clear leaders."""
    from credsup.results.stats import Estimate

    names = ["base", *diffs]
    metrics = ["violation_prevalence", "undetected_exposure", "compliant_burden"]
    rows = []
    for m in metrics:
        rows.append(
            {
                "metric": m,
                "better": "lower",
                "values": {j: Estimate(1.0, 0.9, 1.1, 5) for j in names},
                "difference": {j: Estimate(diffs[j][m] or 0.01, -1, 1, 5) for j in diffs},
                "clear": {j: diffs[j][m] != 0 for j in diffs},
                "leader": {"jurisdiction": leaders[m], "clear": True} if m in leaders else None,
            }
        )
    factors = {
        j: {"factor": 0.5, "inspections": 1000.0, "target": 1000.0, "gap": 0.0, "status": statuses.get(j, "matched")}
        for j in diffs
    }
    return {
        "baseline": "base",
        "jurisdictions": names,
        "metrics": rows,
        "replications": dict.fromkeys(names, 5),
        "fdr": 0.05,
        "tests": 6,
        "small": False,
        "equal_effort": {"baseline": "base", "tolerance": 0.01, "target": 1000.0, "factors": factors},
    }


def test_the_verdict_names_the_one_better_on_more_outcomes() -> None:
    from credsup.i18n import language
    from credsup.results.equal_effort import verdict

    table = _table(
        {
            "x": {"violation_prevalence": -0.1, "undetected_exposure": -0.1, "compliant_burden": 0.1},
            "y": {"violation_prevalence": -0.1, "undetected_exposure": 0, "compliant_burden": 0},
        },
        leaders={},
        statuses={},
    )
    text = verdict(table, language())
    # x: 2 better, 1 worse (net 1); y: 1 better (net 1): a tie on counts, no leaders
    assert text.startswith("a tie between x and y")
    table["metrics"][0]["leader"] = {"jurisdiction": "y", "clear": True}
    text = verdict(table, language())
    assert text.startswith("y: at the same number of inspections as base, it is clearly better on 1 of 3")
    assert "clearly ahead of the next best on 1 key outcome." in text and "5 replications" in text


def test_the_verdict_ignores_a_jurisdiction_not_at_equal_effort() -> None:
    from credsup.i18n import language
    from credsup.results.equal_effort import verdict

    better = {"violation_prevalence": -0.1, "undetected_exposure": -0.1, "compliant_burden": -0.1}
    table = _table({"x": better, "y": {k: 0 for k in better}}, leaders={}, statuses={"x": "floor"})
    assert verdict(table, language()).startswith("base: at its number of inspections")
    zh = verdict(table, language("zh"))
    assert zh and "base" in zh
