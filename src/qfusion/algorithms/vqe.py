"""The variational quantum eigensolver: minimise ``<psi(theta)|H|psi(theta)>`` over an ansatz.

By default the energy and its gradient come together from one adjoint sweep on the exact
state vector (:class:`qfusion.primitives.AdjointTape`) and SciPy's L-BFGS-B minimises them.
On any other backend, or with shots, the :class:`~qfusion.primitives.Estimator` gives the
energies and the parameter-shift rule the gradients (``gradient=None`` for gradient-free
optimisers such as COBYLA). A callback sees a :class:`VQEProgress` after every iteration.

>>> from qfusion.circuit import Circuit, Parameter
>>> from qfusion.observables import PauliSum
>>> t = Parameter("t")
>>> result = vqe(PauliSum.from_list([("Z", 1.0), ("X", 1.0)]), Circuit(1).ry(t, 0), initial_point=[0.1])
>>> round(result.energy, 8)      # -sqrt(2)
-1.41421356
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from qfusion._optional import import_optional
from qfusion.backends import get as get_backend
from qfusion.circuit import Circuit
from qfusion.errors import CircuitError
from qfusion.observables import PauliSum
from qfusion.primitives import AdjointTape, Estimator, value_and_gradient
from qfusion.primitives.circuits import unitary_part
from qfusion.primitives.estimator import state_expectation

GRADIENTS = ("adjoint", "parameter_shift", "finite_difference")


@dataclass(frozen=True)
class VQEProgress:
    """What a callback sees after each optimiser iteration."""
    iteration: int
    energy: float
    parameters: np.ndarray
    gradient_norm: float | None
    evaluations: int


@dataclass(frozen=True)
class VQEResult:
    """The minimum found: ``energy``, the ``parameters`` (``ansatz.parameters`` order) and a trace."""
    energy: float
    parameters: np.ndarray
    ansatz: Circuit
    history: tuple[float, ...]
    evaluations: int
    iterations: int
    converged: bool
    message: str
    time_taken: float
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def optimal_circuit(self) -> Circuit:
        """The ansatz with the optimal parameters bound."""
        return self.ansatz.bind(list(self.parameters))


class EnergyFunction:
    """``theta -> <H>`` and ``theta -> (<H>, gradient)`` for one ansatz, counting evaluations.

    >>> from qfusion.circuit import Circuit, Parameter
    >>> from qfusion.observables import PauliSum
    >>> f = EnergyFunction(PauliSum.from_label("Z"), Circuit(1).rx(Parameter("a"), 0))
    >>> value, grad = f.value_and_gradient(np.array([0.0]))
    >>> value, grad.tolist(), f.evaluations
    (1.0, [0.0], 1)
    """

    def __init__(self, hamiltonian: PauliSum, ansatz: Circuit, *, backend="statevector", shots: int | None = None,
                 seed=None, gradient: str | None = "adjoint"):
        if not isinstance(hamiltonian, PauliSum):
            raise CircuitError(f"the Hamiltonian is a PauliSum, got {type(hamiltonian).__name__}")
        if hamiltonian.num_qubits != ansatz.num_qubits:
            raise CircuitError(f"the Hamiltonian acts on {hamiltonian.num_qubits} qubits but the ansatz has "
                               f"{ansatz.num_qubits}")
        if not hamiltonian.is_hermitian():
            raise CircuitError("the Hamiltonian must be Hermitian (real coefficients after simplify)")
        if gradient is not None and gradient not in GRADIENTS:
            raise CircuitError(f"unknown gradient {gradient!r}; choose one of {', '.join(GRADIENTS)} or None")
        self.hamiltonian = hamiltonian
        self.ansatz = unitary_part(ansatz)
        self.backend = get_backend(backend)
        exact_statevector = self.backend.name == "statevector" and shots is None
        if gradient == "adjoint" and not exact_statevector:
            gradient = "parameter_shift"  # adjoint sweeps need the exact state vector
        self.gradient = gradient
        self.estimator = Estimator(self.backend, shots=shots, seed=seed)
        self._tape = AdjointTape(self.ansatz) if exact_statevector else None
        self.evaluations = 0

    @property
    def num_parameters(self) -> int:
        return len(self.ansatz.parameters)

    def value(self, theta) -> float:
        """``<H>`` at ``theta``."""
        self.evaluations += 1
        if self._tape is not None:
            return state_expectation(self._tape.state(np.asarray(theta, dtype=float)), self.hamiltonian)
        return float(self.estimator.run(self.ansatz, self.hamiltonian, np.asarray(theta, dtype=float)).values)

    def value_and_gradient(self, theta) -> tuple[float, np.ndarray]:
        """``(<H>, d<H>/d theta)`` at ``theta``, by the chosen gradient method."""
        if self.gradient is None:
            raise CircuitError("this energy function has no gradient (gradient=None)")
        self.evaluations += 1
        theta = np.asarray(theta, dtype=float)
        if self.gradient == "adjoint":
            value, grad = self._tape.value_and_gradient(self.hamiltonian, theta)
            return float(value), np.asarray(grad, dtype=float)
        result = value_and_gradient(self.ansatz, self.hamiltonian, theta, method=self.gradient,
                                    estimator=self.estimator)
        return float(result.value), np.asarray(result.gradient, dtype=float)


def minimize_energy(energy: EnergyFunction, initial_point, *, optimizer="L-BFGS-B", maxiter: int = 1000,
                    tol: float = 1e-10, callback: Callable[[VQEProgress], Any] | None = None):
    """Minimise ``energy`` from ``initial_point`` with a SciPy method name, or with any object
    that has ``minimize(fun, x0, jac=None, callback=None)`` returning a SciPy-like result.

    Returns ``(x, fun, nit, success, message, history)``.
    """
    x0 = np.asarray(initial_point, dtype=float).reshape(-1)
    if len(x0) != energy.num_parameters:
        raise CircuitError(f"the ansatz has {energy.num_parameters} parameters, the initial point {len(x0)}")
    history: list[float] = []
    last = {"value": None, "grad": None}
    use_gradient = energy.gradient is not None

    def fun(x):
        if use_gradient:
            value, grad = energy.value_and_gradient(x)
            last["value"], last["grad"] = value, grad
            return value, grad
        value = energy.value(x)
        last["value"] = value
        return value

    def step(x, *args):
        value = last["value"] if last["value"] is not None else energy.value(x)
        history.append(float(value))
        if callback is not None:
            norm = None if last["grad"] is None else float(np.linalg.norm(last["grad"]))
            callback(VQEProgress(len(history), float(value), np.array(x, dtype=float), norm, energy.evaluations))

    if len(x0) == 0:
        value = energy.value(x0)
        return x0, value, 0, True, "no parameters to optimise", [value]
    if hasattr(optimizer, "minimize"):
        result = optimizer.minimize(fun if not use_gradient else (lambda x: fun(x)[0]), x0,
                                    jac=(lambda x: energy.value_and_gradient(x)[1]) if use_gradient else None,
                                    callback=step)
    else:
        scipy_optimize = import_optional("scipy.optimize", "VQE optimisers")
        options = {"maxiter": int(maxiter)}
        method = str(optimizer)
        if method.upper() == "L-BFGS-B":
            options.update(ftol=tol, gtol=1e-8)
        try:
            result = scipy_optimize.minimize(fun, x0, jac=use_gradient, method=method, tol=tol,
                                             callback=step, options=options)
        except ValueError as exc:
            raise CircuitError(f"SciPy cannot use optimizer {method!r}: {exc}") from None
    x = np.asarray(result.x, dtype=float)
    value = float(result.fun)
    return x, value, int(getattr(result, "nit", len(history))), bool(getattr(result, "success", True)), \
        str(getattr(result, "message", "")), history


def vqe(hamiltonian: PauliSum, ansatz: Circuit, *, initial_point=None, optimizer="L-BFGS-B",
        gradient: str | None = "adjoint", backend="statevector", shots: int | None = None, seed=None,
        maxiter: int = 1000, tol: float = 1e-10, callback: Callable[[VQEProgress], Any] | None = None) -> VQEResult:
    """Minimise ``<H>`` over ``ansatz``'s parameters (see the module docstring).

    ``initial_point`` defaults to zeros (Hartree–Fock for a UCC ansatz on a reference state).

    >>> from qfusion.circuit import Circuit, Parameter
    >>> from qfusion.observables import PauliSum
    >>> a, b = Parameter("a"), Parameter("b")
    >>> ansatz = Circuit(2).ry(a, 0).ry(b, 1).cx(0, 1)
    >>> H = PauliSum.from_list([("ZZ", 1.0), ("XI", 0.5), ("IX", 0.5)])
    >>> seen = []
    >>> result = vqe(H, ansatz, initial_point=[0.3, -0.2], callback=seen.append)
    >>> round(result.energy, 6) <= -1.0, result.converged, len(seen) == result.iterations
    (True, True, True)
    """
    start = time.perf_counter()
    energy = EnergyFunction(hamiltonian, ansatz, backend=backend, shots=shots, seed=seed, gradient=gradient)
    x0 = np.zeros(energy.num_parameters) if initial_point is None else initial_point
    x, value, nit, success, message, history = minimize_energy(energy, x0, optimizer=optimizer, maxiter=maxiter,
                                                               tol=tol, callback=callback)
    return VQEResult(energy=value, parameters=x, ansatz=ansatz, history=tuple(history),
                     evaluations=energy.evaluations, iterations=nit, converged=success, message=message,
                     time_taken=time.perf_counter() - start,
                     metadata={"optimizer": getattr(optimizer, "__name__", str(optimizer)),
                               "gradient": energy.gradient, "backend": energy.backend.name, "shots": shots})
