"""The response surface the calibration searches: exact on a quadratic, local around its centre, simpler
with few points, and its minimum found within the box."""

from __future__ import annotations

import numpy as np
import pytest

from credsup.calibration.surrogate import degree_for, fit_surface, minimise, quadratic_terms


def _quadratic(u: np.ndarray) -> np.ndarray:
    """Two outcomes, known in closed form: their gradients below are worked out by hand."""
    x, y = u[..., 0], u[..., 1]
    return np.stack([1 + 2 * x - 3 * y + 4 * x * y + x**2, 0.5 - y**2 + 0.25 * x], axis=-1)


def test_a_quadratic_is_fitted_exactly_and_its_gradient_is_the_analytic_one() -> None:
    units = np.random.default_rng(1).random((20, 2))
    s = fit_surface(units, _quadratic(units))
    assert s.degree == "quadratic"
    u = np.array([0.3, 0.6])
    assert np.allclose(s.predict(u), _quadratic(u))
    # d/dx, d/dy of each outcome at (0.3, 0.6), by hand
    assert np.allclose(s.gradient(u), [[2 + 4 * 0.6 + 2 * 0.3, -3 + 4 * 0.3], [0.25, -2 * 0.6]], atol=1e-6)
    assert np.all(s.residual_sd < 1e-9)


def test_the_surface_is_fitted_to_the_points_nearest_its_centre() -> None:
    units = np.random.default_rng(2).random((40, 2))
    s = fit_surface(units, _quadratic(units), centre=np.array([0.9, 0.9]))
    keep = max(quadratic_terms(2) + 2, 20)
    assert len(s.used) == keep
    far = np.linalg.norm(units - 0.9, axis=1)
    assert far[s.used].max() <= np.sort(far)[keep - 1]


@pytest.mark.parametrize(("n", "degree"), [(3, "linear"), (7, "squares"), (8, "quadratic")])
def test_few_points_give_a_simpler_surface(n: int, degree: str) -> None:
    assert degree_for(n, 2) == degree
    units = np.random.default_rng(3).random((n, 2))
    assert fit_surface(units, _quadratic(units)).degree == degree


def test_an_outcome_undefined_at_some_points_is_fitted_on_the_others() -> None:
    units = np.random.default_rng(4).random((20, 2))
    means = _quadratic(units)
    means[:5, 1] = np.nan
    s = fit_surface(units, means)
    assert np.allclose(s.predict(np.array([0.5, 0.5])), _quadratic(np.array([0.5, 0.5])))


def test_the_minimum_is_found_inside_the_box_and_on_its_edge() -> None:
    target = np.array([0.3, 0.7])
    u, d = minimise(lambda x: float(np.sum((x - target) ** 2)), [np.full(2, 0.5)], 2)
    assert np.allclose(u, target, atol=1e-4) and d < 1e-8
    u, _ = minimise(lambda x: float(np.sum((x - np.array([1.4, 0.2])) ** 2)), [np.full(2, 0.5)], 2)
    assert np.allclose(u, [1.0, 0.2], atol=1e-4)


@pytest.mark.parametrize(("low", "high"), [(0.3, 0.9), (0.1, 0.7), (0.05, 0.3), (4.0, 16.0)])
def test_a_free_parameters_values_stay_within_its_range(low: float, high: float) -> None:
    """An interval reported at either end of a range is the range's end, not one float step beyond it (0.3
    + 1.0 * 0.6 is 0.9000000000000001, which a report once showed above its range's 0.9)."""
    from credsup.calibration.free import FreeParameter

    free = FreeParameter("k", low, high)
    assert free.value(1.0) == high and free.value(0.0) == low
    assert free.value(2.0) == high and free.value(-1.0) == low
    assert all(low <= free.value(u) <= high for u in np.linspace(0, 1, 101))
