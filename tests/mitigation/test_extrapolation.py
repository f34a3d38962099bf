"""Extrapolation fits against closed forms computed here (Lagrange weights, least squares by the
normal equations, exact recovery of the models they fit) and their error propagation."""

import math

import numpy as np
import pytest

from qfusion.errors import MitigationError
from qfusion.mitigation import ZNE, extrapolate


def lagrange_weights(scales):
    return np.array([np.prod([s / (s - t) for s in scales if s != t]) for t in scales])


@pytest.mark.parametrize("scales", [(1, 3), (1, 3, 5), (1, 1.5, 2, 2.5), (1, 2, 4, 7, 9)])
def test_richardson_is_the_lagrange_combination(scales):
    rng = np.random.default_rng(len(scales))
    values, errors = rng.uniform(-1, 1, len(scales)), rng.uniform(0.01, 0.05, len(scales))
    weights = lagrange_weights(scales)
    fit = extrapolate(scales, values, errors, "richardson")
    assert fit.value == pytest.approx(weights @ values, abs=1e-9)
    assert fit.shot_error == pytest.approx(math.sqrt(np.sum((weights * errors) ** 2)), rel=1e-9)
    assert fit.fit_error == 0


def test_linear_is_ordinary_least_squares():
    s, y = np.array([1.0, 2, 3, 4]), np.array([0.81, 0.72, 0.58, 0.51])
    slope = ((s - s.mean()) @ (y - y.mean())) / ((s - s.mean()) @ (s - s.mean()))
    intercept = y.mean() - slope * s.mean()
    fit = extrapolate(s, y, [0.01] * 4, "linear")
    assert fit.value == pytest.approx(intercept)
    residual = y - (intercept + slope * s)
    sigma2 = residual @ residual / 2
    var_intercept = sigma2 * (1 / 4 + s.mean() ** 2 / ((s - s.mean()) @ (s - s.mean())))
    assert fit.fit_error == pytest.approx(math.sqrt(var_intercept))
    assert fit.std_error == pytest.approx(math.hypot(fit.shot_error, fit.fit_error))


def test_polynomial_matches_numpy_polyfit():
    s, y = [1, 1.5, 2, 3, 4], [0.9, 0.85, 0.77, 0.66, 0.52]
    assert extrapolate(s, y, None, "polynomial", order=2).value == pytest.approx(np.polyfit(s, y, 2)[-1])


@pytest.mark.parametrize("method,kwargs", [("exponential", {}), ("exponential", {"asymptote": 0.1}),
                                           ("poly_exponential", {"order": 1}), ("adaptive", {})])
def test_exponential_models_recover_their_own_curves(method, kwargs):
    s = np.array([1.0, 2, 3, 4, 5])
    y = 0.1 + 0.7 * np.exp(-0.3 * s)
    fit = extrapolate(s, y, None, method, **kwargs)
    assert fit.value == pytest.approx(0.8, abs=1e-6)
    assert fit.curve(s) == pytest.approx(y, abs=1e-6)


def test_poly_exponential_with_asymptote_recovers_a_quadratic_exponent():
    s = np.array([1.0, 2, 3, 4])
    y = -0.05 + np.exp(-0.2 - 0.1 * s - 0.02 * s ** 2)
    assert extrapolate(s, y, None, "poly_exponential", order=2, asymptote=-0.05).value == pytest.approx(
        -0.05 + math.exp(-0.2))


def test_nonlinear_shot_error_matches_the_numerical_jacobian():
    s, y, e = np.array([1.0, 2, 3]), np.array([0.7, 0.52, 0.4]), np.array([0.01, 0.02, 0.03])
    fit = extrapolate(s, y, e, "exponential", asymptote=0.0)
    # closed form with a known asymptote: E0 = exp(intercept of log y fit)
    design = np.vander(s, 2)
    weights = np.linalg.pinv(design)[-1]
    jacobian = fit.value * weights / y
    assert fit.shot_error == pytest.approx(math.sqrt(np.sum((jacobian * e) ** 2)), rel=1e-4)


@pytest.mark.parametrize("method,scales,kwargs", [("linear", [1], {}), ("richardson", [3], {}),
                                                  ("polynomial", [1, 2, 3], {"order": 3}),
                                                  ("exponential", [1, 2], {}), ("adaptive", [1, 3], {})])
def test_too_few_scale_factors_are_refused(method, scales, kwargs):
    with pytest.raises(MitigationError, match="needs at least"):
        extrapolate(scales, [0.5] * len(scales), None, method, **kwargs)
    with pytest.raises(MitigationError, match="needs at least"):
        ZNE(scale_factors=scales, extrapolation=method, **kwargs)


def test_bad_zne_arguments_are_refused():
    with pytest.raises(MitigationError, match=">= 1"):
        ZNE(scale_factors=[0.5, 1, 3])
    with pytest.raises(MitigationError, match="extrapolation must be"):
        ZNE(extrapolation="cubic-spline")
    with pytest.raises(MitigationError, match="folding must be"):
        ZNE(folding="everywhere")
    with pytest.raises(MitigationError, match="distinct"):
        extrapolate([1, 1, 3], [0.1, 0.2, 0.3], None, "linear")
