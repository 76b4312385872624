"""Targets files: the shipped ones load; every mistake is one line naming the file and the key; the
covariance of shares is the multinomial one."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

from credsup.calibration.outcomes import outcome_keys, outcome_values
from credsup.calibration.targets import builtin_targets, load_targets, targets_path
from credsup.core.errors import ConfigError

sys.path.insert(0, str(Path(__file__).parent))
from helpers import targets_file


def test_the_shipped_targets_load_with_the_issues_figures() -> None:
    assert {"dandong-2023", "bayannur-2022", "xinjiang-2022"} <= set(builtin_targets())
    dandong = load_targets(targets_path("dandong-2023"))
    assert dict(zip(dandong.outcomes, dandong.observed)) == {
        "grade_share.A": 0.654,
        "grade_share.B": 0.253,
        "grade_share.C": 0.077,
        "grade_share.D": 0.015,
    }
    bayannur = load_targets(targets_path("bayannur-2022"))
    assert list(bayannur.observed) == [0.732, 0.187, 0.052, 0.030]
    assert dict(bayannur.policy) == {"inspection.rate_per_year.C": 1.0}
    for t in (dandong, bayannur):
        assert t.jurisdiction == "national" and all(f.source for f in t.figures)


def test_standard_errors_follow_the_stated_parts(tmp_path: Path) -> None:
    t = load_targets(targets_file(tmp_path / "t.toml", sample_size=10000))
    p = np.array([0.654, 0.253, 0.077, 0.015])
    q = p / p.sum()
    # sampling (multinomial, shares scaled to sum to 1) plus rounding to 0.1 point: uniform on +-0.0005
    expected = q * (1 - q) / 10000 + 0.0005**2 / 3
    assert np.allclose(np.diag(t.covariance()), expected)
    cov = t.covariance()
    assert math.isclose(cov[0, 1], -q[0] * q[1] / 10000)
    # the total of the shares carries only rounding error: sampling moves shares, not their sum
    assert math.isclose(cov.sum(), 4 * 0.0005**2 / 3, rel_tol=1e-9)


def _problem(tmp_path: Path, **kwargs) -> str:  # type: ignore[no-untyped-def]
    path = targets_file(tmp_path / "bad.toml", **kwargs)
    with pytest.raises(ConfigError) as info:
        load_targets(path)
    text = str(info.value)
    assert len(text.splitlines()) == 1, text
    assert text.startswith(str(path) + ": ")
    return text


def test_an_unknown_outcome_is_named_with_a_suggestion(tmp_path: Path) -> None:
    text = _problem(tmp_path, figures={"grade_shar.A": 0.5, "grade_share.B": 0.5}, sum_to_one=False)
    assert "figures[0].outcome: unknown outcome 'grade_shar.A' (did you mean 'grade_share.A'?)" in text


def test_shares_that_do_not_sum_to_one_within_their_rounding_are_refused(tmp_path: Path) -> None:
    text = _problem(
        tmp_path, figures={"grade_share.A": 0.6, "grade_share.B": 0.25, "grade_share.C": 0.077, "grade_share.D": 0.015}
    )
    assert "sum_to_one[0]: the shares grade_share.A, grade_share.B, grade_share.C, grade_share.D sum to 0.942" in text
    # 99.9 % is within 4 x 0.05 points of rounding: accepted
    load_targets(targets_file(tmp_path / "ok.toml"))


def test_a_jurisdiction_that_is_not_installed_is_named(tmp_path: Path) -> None:
    text = _problem(tmp_path, jurisdiction="dandong")
    assert "jurisdiction: 'dandong' is not an installed jurisdiction (installed:" in text


def test_a_policy_key_the_jurisdiction_lacks_is_named(tmp_path: Path) -> None:
    extra = '[policy]\n"inspection.rate_per_yer.C" = { value = 1.0, source = "a test" }\n'
    text = _problem(tmp_path, extra=extra)
    assert 'policy."inspection.rate_per_yer.C"' in text and "rate_per_year" in text


def test_a_sample_size_is_for_shares_only_and_an_uncertainty_needs_a_source(tmp_path: Path) -> None:
    text = _problem(tmp_path, figures={"compliant_burden": 120.0}, sum_to_one=False)
    assert "uncertainty.sample_size: a sample size gives a binomial standard error, for shares only" in text
    text = _problem(tmp_path, uncertainty="[uncertainty]\nsample_size = 100\n")
    assert "uncertainty.source: " in text


def test_a_value_outside_the_outcomes_range_is_refused(tmp_path: Path) -> None:
    text = _problem(tmp_path, figures={"hit_rate": 1.2}, sum_to_one=False)
    assert "figures[0].value: hit_rate lies in [0, 1] (got 1.2)" in text


def test_outcome_values_read_a_run_and_its_stored_form_alike() -> None:
    from credsup.simulation.runner import run_simulation

    result = run_simulation("demo", "national", 1, scenario_overrides=[("population.enterprises", 800), ("months", 6)])
    a = outcome_values(result)
    b = outcome_values(result.to_dict())
    assert set(a) == set(outcome_keys())
    assert all((math.isnan(a[k]) and math.isnan(b[k])) or a[k] == b[k] for k in a)
    # the grade shares are the shares of enterprise-months per grade (an independent count: they sum to 1)
    assert math.isclose(sum(a[f"grade_share.{g}"] for g in ("A", "B", "C", "D", "ungraded")), 1.0)
    assert a["hit_rate"] == result.summary["hit_rate"]
    assert a["hit_rate.D"] == result.grades["D"]["hit_rate"] or math.isnan(a["hit_rate.D"])
