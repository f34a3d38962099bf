"""Zero-noise extrapolation fits: linear, Richardson, polynomial, exponential, poly-exponential, adaptive.

Each fit takes the noise scale factors ``lambda_i``, the measured values ``E(lambda_i)`` and their
standard errors, and returns ``E(0)`` with a standard error that combines the shot noise, carried
through the fit by its Jacobian ``dE(0)/dE_i``, and the fit's own uncertainty (the covariance of the
intercept from the residuals, when there are more points than parameters). The models follow
Mitiq's factories (Giurgica-Tiron et al., arXiv:2005.10921): linear and polynomial least squares,
Richardson interpolation through all points, ``a + b e^{-c lambda}`` and ``a + s e^{z(lambda)}``
with a polynomial ``z`` (with a known asymptote ``a``, a linear fit of the logarithm).

>>> fit = extrapolate([1, 3, 5], [0.8, 0.55, 0.35], [0.01, 0.01, 0.01], "richardson")
>>> round(fit.value, 6), round(fit.shot_error, 6)   # Richardson weights (15, -10, 3) / 8
(0.94375, 0.022845)
>>> round(extrapolate([1, 2, 3], [0.9, 0.8, 0.7], None, "linear").value, 6)
1.0
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np

from qfusion.errors import MitigationError

METHODS = ("linear", "richardson", "polynomial", "exponential", "poly_exponential", "adaptive")


@dataclass(frozen=True)
class Extrapolation:
    """``value`` = the fit at zero noise; ``std_error`` combines ``shot_error`` and ``fit_error``.

    >>> fit = extrapolate([1, 2, 3], [0.9, 0.8, 0.7], [0.01, 0.01, 0.01], "linear")
    >>> round(fit.value, 6), fit.method, fit.scale_factors
    (1.0, 'linear', (1.0, 2.0, 3.0))
    """
    value: float
    std_error: float
    shot_error: float
    fit_error: float
    method: str
    order: int | None
    scale_factors: tuple[float, ...]
    values: tuple[float, ...]
    errors: tuple[float, ...]
    params: tuple[float, ...] = field(default=())
    asymptote: float | None = None

    def curve(self, scale) -> np.ndarray:
        """The fitted model at ``scale`` (an array of noise scale factors).

        >>> fit = extrapolate([1, 2, 3], [0.9, 0.8, 0.7], None, "linear")
        >>> fit.curve(np.array([0.0, 4.0])).round(6)
        array([1. , 0.6])
        """
        return _model(self.method, self.params, np.asarray(scale, dtype=float), self.asymptote,
                      self.scale_factors, self.values)


def required_points(method: str, order: int | None, asymptote=None) -> int:
    """The fewest scale factors the fit needs.

    >>> required_points("linear", None), required_points("polynomial", 3), required_points("exponential", None, asymptote=0.0)
    (2, 4, 2)
    """
    if method == "linear":
        return 2
    if method == "richardson":
        return 2
    if method == "polynomial":
        return (order or 2) + 1
    if method == "exponential":
        return 2 if asymptote is not None else 3
    if method == "poly_exponential":
        return (order or 1) + (1 if asymptote is not None else 2)
    if method == "adaptive":
        return 3
    raise MitigationError(f"extrapolation must be one of {', '.join(METHODS)}, got {method!r}")


def _model(method, params, s, asymptote, scales, values):
    if method == "richardson":
        return np.polyval(params, s)
    if method in ("linear", "polynomial"):
        return np.polyval(params, s)
    if method == "exponential":
        a, b, c = params
        return a + b * np.exp(-c * s)
    a, sign, *z = params
    return a + sign * np.exp(np.polyval(z, s))


def _fit(method, order, scales, values, asymptote):
    """``(value at 0, params, intercept variance from residuals or 0)``."""
    n = len(scales)
    if method in ("linear", "polynomial", "richardson"):
        degree = 1 if method == "linear" else (n - 1 if method == "richardson" else (order or 2))
        design = np.vander(scales, degree + 1)
        params, *_ = np.linalg.lstsq(design, values, rcond=None)
        dof = n - degree - 1
        variance = 0.0
        if dof > 0:
            residual = values - design @ params
            sigma2 = float(residual @ residual) / dof
            variance = sigma2 * float(np.linalg.pinv(design.T @ design)[-1, -1])
        return float(params[-1]), tuple(float(p) for p in params), variance
    if method == "exponential":
        return _fit_exponential(scales, values, asymptote)
    return _fit_poly_exponential(order or 1, scales, values, asymptote)


def _fit_exponential(scales, values, asymptote):
    if asymptote is not None:
        value, params, variance = _fit_poly_exponential(1, scales, values, asymptote)
        a, sign, slope, intercept = params
        return value, (a, sign * math.exp(intercept), -slope), variance
    optimize = _scipy_optimize()
    span = max(values) - min(values)
    guess = (float(values[-1]) - 0.1 * span, float(values[0] - values[-1]) or 1e-3, 0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            params, cov = optimize.curve_fit(lambda s, a, b, c: a + b * np.exp(-c * s), scales, values,
                                             p0=guess, maxfev=20000)
        except RuntimeError as exc:
            raise MitigationError(f"the exponential fit did not converge ({exc}); try extrapolation='linear' "
                                  "or 'richardson', or give an asymptote") from None
    a, b, c = (float(p) for p in params)
    grad = np.array([1.0, 1.0, 0.0])
    variance = float(grad @ cov @ grad) if len(scales) > 3 and np.all(np.isfinite(cov)) else 0.0
    return a + b, (a, b, c), variance


def _fit_poly_exponential(order, scales, values, asymptote):
    if asymptote is not None:
        shifted = values - asymptote
        sign = 1.0 if np.sum(shifted) >= 0 else -1.0
        magnitude = np.abs(shifted)
        if np.any(magnitude <= 0):
            raise MitigationError("a value equals the asymptote: its logarithm cannot be fitted")
        design = np.vander(scales, order + 1)
        z, *_ = np.linalg.lstsq(design, np.log(magnitude), rcond=None)
        value = asymptote + sign * math.exp(z[-1])
        return float(value), (float(asymptote), sign, *(float(v) for v in z)), 0.0
    optimize = _scipy_optimize()
    start = _fit_poly_exponential(order, scales, values, float(values[-1]) - 0.5 * (values[0] - values[-1])
                                  if values[0] != values[-1] else float(values[-1]) - 1e-3)[1]
    sign = start[1]

    def model(s, a, *z):
        return a + sign * np.exp(np.polyval(z, s))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            params, cov = optimize.curve_fit(model, scales, values, p0=(start[0], *start[2:]), maxfev=20000)
        except RuntimeError as exc:
            raise MitigationError(f"the poly-exponential fit did not converge ({exc})") from None
    a, *z = (float(p) for p in params)
    value = a + sign * math.exp(z[-1])
    variance = 0.0
    if len(scales) > order + 2 and np.all(np.isfinite(cov)):
        grad = np.zeros(len(params))
        grad[0], grad[-1] = 1.0, sign * math.exp(z[-1])
        variance = float(grad @ cov @ grad)
    return value, (a, sign, *z), variance


def _scipy_optimize():
    from qfusion._optional import import_optional
    return import_optional("scipy.optimize", "exponential zero-noise extrapolation")


def _aicc(method, order, scales, values, params, asymptote) -> float:
    residual = values - _model(method, params, scales, asymptote, scales, values)
    k = (order or 1) + 2
    n = len(scales)
    rss = max(float(residual @ residual), 1e-300)
    correction = 2 * k * (k + 1) / (n - k - 1) if n - k - 1 > 0 else 0.0
    return n * math.log(rss / n) + 2 * k + correction


def extrapolate(scale_factors, values, errors=None, method: str = "richardson", *, order: int | None = None,
                asymptote: float | None = None) -> Extrapolation:
    """Fit ``values`` measured at ``scale_factors`` (standard errors ``errors``, or None) and
    extrapolate to zero noise with ``method`` (one of ``METHODS``; ``order`` for ``"polynomial"``
    and ``"poly_exponential"``; ``asymptote`` for the exponential fits, e.g. 0 for a Pauli string
    under depolarizing noise). ``"adaptive"`` tries the poly-exponential orders the points allow and
    keeps the one of lowest corrected Akaike criterion.

    >>> fit = extrapolate([1, 3, 5], [0.8, 0.6, 0.45], None, "exponential", asymptote=0.0)
    >>> round(fit.value, 4)
    0.9238
    """
    scales = np.asarray(scale_factors, dtype=float).reshape(-1)
    y = np.asarray(values, dtype=float).reshape(-1)
    sigma = np.zeros_like(y) if errors is None else np.asarray(errors, dtype=float).reshape(-1)
    if len(scales) != len(y) or len(sigma) != len(y):
        raise MitigationError(f"{len(scales)} scale factors for {len(y)} values and {len(sigma)} errors")
    if np.any(scales < 1) or not np.all(np.isfinite(scales)):
        raise MitigationError(f"noise scale factors must be >= 1, got {scales.tolist()}")
    needed = required_points(method, order, asymptote)
    if len(scales) < needed:
        raise MitigationError(f"{method} extrapolation{f' of order {order}' if order else ''} needs at least "
                              f"{needed} scale factors, got {len(scales)}")
    if len(set(scales.tolist())) != len(scales):
        raise MitigationError(f"the scale factors must be distinct, got {scales.tolist()}")
    if method == "adaptive":
        return _adaptive(scales, y, sigma, asymptote)
    value, params, fit_variance = _fit(method, order, scales, y, asymptote)
    jacobian = _jacobian(method, order, scales, y, asymptote, value)
    shot_error = float(np.sqrt(np.sum((jacobian * sigma) ** 2)))
    fit_error = float(np.sqrt(max(fit_variance, 0.0)))
    return Extrapolation(float(value), float(math.hypot(shot_error, fit_error)), shot_error, fit_error, method,
                         order, tuple(scales.tolist()), tuple(y.tolist()), tuple(sigma.tolist()), params, asymptote)


def _jacobian(method, order, scales, y, asymptote, value) -> np.ndarray:
    if method in ("linear", "polynomial", "richardson"):
        degree = 1 if method == "linear" else (len(scales) - 1 if method == "richardson" else (order or 2))
        return np.linalg.pinv(np.vander(scales, degree + 1))[-1]
    step = 1e-6 * max(1.0, float(np.max(np.abs(y))))
    out = np.zeros(len(y))
    for i in range(len(y)):
        shifted = y.copy()
        shifted[i] += step
        try:
            out[i] = (_fit(method, order, scales, shifted, asymptote)[0] - value) / step
        except MitigationError:
            out[i] = np.nan
    return out


def _adaptive(scales, y, sigma, asymptote) -> Extrapolation:
    best = None
    extra = 1 if asymptote is not None else 2
    for order in range(1, len(scales) - extra + 1):
        try:
            fit = extrapolate(scales, y, sigma, "poly_exponential", order=order, asymptote=asymptote)
        except MitigationError:
            continue
        score = _aicc("poly_exponential", order, scales, y, fit.params, asymptote)
        if best is None or score < best[0]:
            best = (score, fit)
    if best is None:
        raise MitigationError("no poly-exponential fit converged; try extrapolation='richardson'")
    fit = best[1]
    return Extrapolation(fit.value, fit.std_error, fit.shot_error, fit.fit_error, "adaptive", fit.order,
                         fit.scale_factors, fit.values, fit.errors, fit.params, asymptote)
