"""Classical optimisers for variational loops: SciPy's methods, SPSA and Adam, with callbacks and progress.

Every optimiser returns an :class:`OptimizerResult` and calls ``callback(iteration, x, value)``
after each iteration (return ``True`` from it to stop early); ``progress=True`` shows a tqdm
bar (or one line per iteration on stderr when tqdm is not installed).

>>> import numpy as np
>>> quadratic = lambda x: float(np.sum((x - 1.0) ** 2))
>>> minimize(quadratic, [0.0, 0.0], method="COBYLA").x.round(3)
array([1., 1.])
>>> result = adam(lambda x: (quadratic(x), 2 * (x - 1.0)), [0.0, 0.0], jac=True, learning_rate=0.1, maxiter=500)
>>> result.x.round(3), result.nfev
(array([1., 1.]), 500)
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from qfusion._optional import available, import_optional
from qfusion.errors import QfusionError


@dataclass(frozen=True)
class OptimizerResult:
    """The best point found, its value, how many function (and gradient) calls it took, and the
    value after each iteration.

    >>> result = minimize(lambda x: float((x[0] - 2) ** 2), [0.0], method="BFGS")
    >>> round(float(result.x[0]), 4), round(result.fun, 8), result.nfev > 0
    (2.0, 0.0, True)
    """
    x: np.ndarray
    fun: float
    nfev: int
    nit: int
    history: tuple[float, ...]
    njev: int = 0
    success: bool = True
    message: str = ""


class _Tracker:
    """Counts calls, remembers the best point, reports progress and runs the callback."""

    def __init__(self, fun, jac, callback, progress: bool, total: int | None, name: str):
        self.fun, self.jac, self.callback = fun, jac, callback
        self.nfev = self.njev = self.nit = 0
        self.best_x, self.best_value = None, math.inf
        self.last_value = math.inf
        self.history: list[float] = []
        self.bar = None
        self.progress = progress
        if progress and available("tqdm"):
            self.bar = import_optional("tqdm").tqdm(total=total, desc=name, unit="it")

    def value(self, x) -> float:
        self.nfev += 1
        if self.jac is True:
            value, grad = self.fun(x)
            self._grad = np.asarray(grad, dtype=float)
        else:
            value = self.fun(x)
        value = float(value)
        self._see(x, value)
        return value

    def gradient(self, x) -> np.ndarray:
        self.njev += 1
        if self.jac is True:
            self.nfev += 1
            value, grad = self.fun(x)
            self._see(x, float(value))
            return np.asarray(grad, dtype=float)
        return np.asarray(self.jac(x), dtype=float)

    def value_and_gradient(self, x) -> tuple[float, np.ndarray]:
        if self.jac is True:
            self.njev += 1
            value = self.value(x)
            return value, self._grad
        return self.value(x), self.gradient(x)

    def _see(self, x, value: float) -> None:
        self.last_value = value
        if value < self.best_value:
            self.best_value, self.best_x = value, np.array(x, dtype=float)

    def step(self, x, value: float | None = None) -> bool:
        """One iteration done; True when the callback asks to stop."""
        self.nit += 1
        value = self.last_value if value is None else value
        self.history.append(value)
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(value=f"{value:.8g}")
        elif self.progress:
            print(f"iteration {self.nit}: value {value:.10g}", file=sys.stderr)
        return bool(self.callback(self.nit, np.array(x, dtype=float), value)) if self.callback else False

    def result(self, x, value, success=True, message="") -> OptimizerResult:
        if self.bar is not None:
            self.bar.close()
        if self.best_x is not None and self.best_value < value:
            x, value = self.best_x, self.best_value
        return OptimizerResult(np.array(x, dtype=float), float(value), self.nfev, self.nit, tuple(self.history),
                               self.njev, success, message)


class _Stop(Exception):
    pass


def minimize(fun: Callable, x0, *, method: str = "L-BFGS-B", jac=None, bounds=None, maxiter: int | None = None,
             tol: float | None = None, callback=None, progress: bool = False, options: dict | None = None
             ) -> OptimizerResult:
    """``scipy.optimize.minimize`` with ``method`` (``"COBYLA"``, ``"L-BFGS-B"``, ``"BFGS"``,
    ``"Nelder-Mead"``, ``"SLSQP"``, ...). ``jac`` is a gradient function, or ``True`` when
    ``fun`` returns ``(value, gradient)`` (as :meth:`AdjointTape.value_and_gradient` does).

    >>> result = minimize(lambda x: (float(x @ x), 2 * x), [1.0, -1.0], jac=True)
    >>> result.x.round(6), round(result.fun, 12)
    (array([0., 0.]), 0.0)
    """
    optimize = import_optional("scipy.optimize", "the SciPy optimisers")
    tracker = _Tracker(fun, jac, callback, progress, maxiter, method)
    options = dict(options or {})
    if maxiter is not None:
        options["maxiter"] = maxiter
    gradient = None if jac is None else tracker.gradient
    if jac is True:
        gradient = True

        def objective(x):
            return tracker.value_and_gradient(x)
    else:
        objective = tracker.value

    def on_iteration(*args, **kwargs):
        x = kwargs["intermediate_result"].x if "intermediate_result" in kwargs else args[0]
        if tracker.step(x):
            raise _Stop

    try:
        result = optimize.minimize(objective, np.asarray(x0, dtype=float), method=method, jac=gradient,
                                   bounds=bounds, tol=tol, callback=on_iteration, options=options)
    except _Stop:
        return tracker.result(tracker.best_x, tracker.best_value, True, "stopped by the callback")
    except ValueError as exc:
        raise QfusionError(f"scipy.optimize.minimize({method!r}): {exc}") from exc
    return tracker.result(result.x, result.fun, bool(result.success), str(result.message))


def spsa(fun: Callable, x0, *, maxiter: int = 100, learning_rate: float = 0.2, perturbation: float = 0.1,
         alpha: float = 0.602, gamma: float = 0.101, stability: float | None = None, seed=None,
         callback=None, progress: bool = False) -> OptimizerResult:
    """Simultaneous-perturbation stochastic approximation (Spall): two evaluations per iteration
    whatever the dimension, robust to shot noise. Gains ``a_k = learning_rate / (k + 1 + A)**alpha``,
    ``c_k = perturbation / (k + 1)**gamma`` with ``A = stability`` (default ``maxiter / 10``).

    >>> result = spsa(lambda x: float(np.sum((x - 0.5) ** 2)), [0.0, 0.0], maxiter=300, seed=1)
    >>> result.x.round(2)
    array([0.5, 0.5])
    """
    rng = np.random.default_rng(seed)
    tracker = _Tracker(fun, None, callback, progress, maxiter, "SPSA")
    x = np.array(x0, dtype=float)
    stability = maxiter / 10 if stability is None else stability
    for k in range(maxiter):
        a_k = learning_rate / (k + 1 + stability) ** alpha
        c_k = perturbation / (k + 1) ** gamma
        delta = rng.choice([-1.0, 1.0], size=x.shape)
        plus, minus = tracker.value(x + c_k * delta), tracker.value(x - c_k * delta)
        x = x - a_k * (plus - minus) / (2 * c_k) * delta
        if tracker.step(x, 0.5 * (plus + minus)):
            break
    final = tracker.value(x)
    # SPSA has no convergence test: it always runs its iterations (or stops at the callback's word)
    stopped = tracker.nit < maxiter
    return tracker.result(x, final, False, "stopped by the callback" if stopped else
                          f"maximum number of iterations reached ({maxiter}; SPSA has no convergence test)")


def adam(fun: Callable, x0, *, jac=True, learning_rate: float = 0.05, maxiter: int = 200, beta1: float = 0.9,
         beta2: float = 0.999, epsilon: float = 1e-8, gtol: float | None = None, callback=None,
         progress: bool = False) -> OptimizerResult:
    """Adam (Kingma and Ba). ``jac=True``: ``fun`` returns ``(value, gradient)``; or a gradient
    function. Stops after ``maxiter`` steps, or when the gradient norm falls below ``gtol``.

    >>> result = adam(lambda x: (float((x[0] - 3) ** 2), 2 * (x - 3)), [0.0], learning_rate=0.2, maxiter=300)
    >>> round(float(result.x[0]), 3)
    3.0
    """
    tracker = _Tracker(fun, jac, callback, progress, maxiter, "Adam")
    x = np.array(x0, dtype=float)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    message = "maximum number of iterations reached"
    for k in range(1, maxiter + 1):
        value, grad = tracker.value_and_gradient(x)
        if gtol is not None and np.linalg.norm(grad) < gtol:
            message = "gradient norm below gtol"
            break
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad * grad
        x = x - learning_rate * (m / (1 - beta1 ** k)) / (np.sqrt(v / (1 - beta2 ** k)) + epsilon)
        if tracker.step(x, value):
            message = "stopped by the callback"
            break
    return tracker.result(x, tracker.last_value if tracker.best_x is None else tracker.best_value,
                          message == "gradient norm below gtol", message)
