"""The fit statistics against independent oracles: the J statistic is a sum of squares when the figures are
independent, the verdicts keep their error rate under a true model, and a parameter the targets cannot see
is reported undetermined."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats as sps

from credsup.calibration.stats import UNIFORM_PRECISION, fit_table, identification, moments


def _table(observed, cov, values, **kw):  # type: ignore[no-untyped-def]
    m = len(observed)
    return fit_table(
        [f"o{i}" for i in range(m)],
        np.asarray(observed, float),
        np.asarray(cov, float),
        moments(np.asarray(values, float)),
        sources=["s"] * m,
        ranges=[(-math.inf, math.inf)] * m,
        **kw,
    )


def test_j_is_the_sum_of_squared_standardised_residuals_for_independent_figures() -> None:
    rng = np.random.default_rng(1)
    values = rng.normal([1.0, 2.0, 3.0], 0.1, size=(8, 3))
    cov_obs = np.diag([0.01, 0.04, 0.09])
    table = _table([1.1, 1.8, 3.3], cov_obs, values)
    m = values.mean(axis=0)
    # simulation variance of the mean: the sample covariance over 8, here nearly diagonal; the oracle
    # uses the full matrix the same way a textbook GMM J does
    omega = cov_obs + np.cov(values, rowvar=False) / 8
    r = m - np.array([1.1, 1.8, 3.3])
    assert math.isclose(table.j, float(r @ np.linalg.inv(omega) @ r), rel_tol=1e-9)
    assert table.df == 3 and math.isclose(table.p_value, float(sps.chi2.sf(table.j, 3)))
    z = [row.z for row in table.rows]
    assert np.allclose(z, r / np.sqrt(np.diag(omega)))


def test_under_a_true_model_the_verdict_misses_at_most_the_stated_rate() -> None:
    """1,000 fits of a model that is right: observed and simulated drawn around the same truth. A figure
    is missed with Bonferroni over 4 figures at 95 %, so the share of fits with any miss is at most 5 %
    (plus 3 binomial standard errors of 1,000 trials)."""
    rng = np.random.default_rng(7)
    truth = np.array([0.6, 0.25, 0.1, 0.05])
    se = np.array([0.01, 0.01, 0.005, 0.003])
    misses = rejections = 0
    n = 1000
    for _ in range(n):
        observed = truth + rng.normal(0, se)
        values = truth + rng.normal(0, se * 2, size=(10, 4))
        table = _table(observed, np.diag(se**2), values)
        misses += bool(table.missed)
        rejections += table.rejected
    bound = 0.05 + 3 * math.sqrt(0.05 * 0.95 / n)
    assert misses / n <= bound and rejections / n <= bound + 0.02  # J with 10 replications: slightly liberal


def test_a_model_that_is_off_by_ten_standard_errors_is_missed() -> None:
    values = np.random.default_rng(3).normal([0.5, 0.3], 0.001, size=(10, 2))
    table = _table([0.5, 0.2], np.diag([1e-4, 1e-4]), values)
    assert table.missed == ["o1"] and table.verdict == "missed" and table.rejected


def test_a_parameter_the_targets_do_not_see_is_undetermined_and_named_in_a_flat_direction() -> None:
    g = np.array([[2.0, 0.0, 1.0], [0.0, 0.0, -1.0]])  # the second parameter moves no outcome
    ident = identification(["a", "b", "c"], g, np.diag([1e-4, 1e-4]))
    assert ident.status(0) == "determined" and ident.status(2) == "determined"
    assert ident.status(1) == "undetermined"
    assert math.isclose(ident.remaining[1], 1.0, rel_tol=1e-6)  # exactly the uniform prior's spread
    (flat,) = ident.flat_directions()
    assert flat["loadings"] == {"b": 1.0}


def test_two_parameters_that_move_the_outcomes_alike_form_one_flat_direction() -> None:
    g = np.array([[1.0, 1.0], [0.5, 0.5]])  # only their sum is seen
    ident = identification(["a", "b"], g, np.diag([1e-4, 1e-4]))
    (flat,) = ident.flat_directions()
    assert set(flat["loadings"]) == {"a", "b"}
    la, lb = flat["loadings"]["a"], flat["loadings"]["b"]
    assert math.isclose(la, -lb, rel_tol=1e-6) and math.isclose(abs(la), math.sqrt(0.5), rel_tol=1e-6)
    assert ident.identified_directions == 1 and ident.eigenvalues[0] < UNIFORM_PRECISION
