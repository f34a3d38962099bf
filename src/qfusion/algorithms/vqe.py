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
>>> round(result.eigenvalue, 8)      # -sqrt(2)
-1.41421356
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qfusion.algorithms._names import deprecated_alias
from qfusion.backends import get as get_backend
from qfusion.circuit import Circuit
from qfusion.errors import CircuitError
from qfusion.observables import PauliSum
from qfusion.primitives import AdjointTape, Estimator, optimizers, value_and_gradient
from qfusion.primitives.circuits import unitary_part
from qfusion.primitives.estimator import state_expectation

GRADIENTS = ("adjoint", "parameter_shift", "finite_difference")
STATIONARY_GRADIENT = 1e-6
GRADIENT_FREE = ("COBYLA", "NELDER-MEAD", "POWELL", "COBYQA")


@dataclass(frozen=True)
class VQEProgress:
    """What a callback sees after each optimiser iteration.

    >>> from qfusion.circuit import Circuit, Parameter
    >>> from qfusion.observables import PauliSum
    >>> seen = []
    >>> _ = vqe(PauliSum.from_label("Z"), Circuit(1).ry(Parameter("t"), 0), initial_point=[0.5], callback=seen.append)
    >>> seen[0].iteration, seen[-1].energy < -0.999
    (1, True)
    """
    iteration: int
    energy: float
    parameters: np.ndarray
    gradient_norm: float | None
    evaluations: int


@dataclass(frozen=True)
class VQEResult:
    """The minimum found: ``eigenvalue`` (the energy), the ``parameters`` (``ansatz.parameters`` order,
    also ``optimal_point``) and a trace; Qiskit's names (``energy`` and ``evaluations`` are
    deprecated aliases of ``eigenvalue`` and ``cost_function_evals``).

    ``converged`` is True only when the optimiser's own stopping criterion was met (SPSA has none,
    so it never is); ``stopped_at_maxiter`` says it ran out of iterations instead. With shots,
    ``eigenvalue`` is a fresh estimate at the final parameters (the optimiser's lowest noisy value
    is biased low) and ``energy_std_error`` its standard error; exactly, the error is 0.

    >>> from qfusion.circuit import Circuit, Parameter
    >>> from qfusion.observables import PauliSum
    >>> result = vqe(PauliSum.from_label("X"), Circuit(1).ry(Parameter("t"), 0), initial_point=[0.1])
    >>> round(result.eigenvalue, 8), round(float(result.parameters[0]), 6), result.converged
    (-1.0, -1.570796, True)
    """
    eigenvalue: float
    parameters: np.ndarray
    ansatz: Circuit
    history: tuple[float, ...]
    cost_function_evals: int
    iterations: int
    converged: bool
    message: str
    time_taken: float
    metadata: dict[str, Any] = field(default_factory=dict)
    energy_std_error: float = 0.0
    stopped_at_maxiter: bool = False

    energy = deprecated_alias("energy", "eigenvalue")
    evaluations = deprecated_alias("evaluations", "cost_function_evals")

    @property
    def optimal_point(self) -> np.ndarray:
        """The optimal parameters (Qiskit's name), the same array as :attr:`parameters`.

        >>> from qfusion.circuit import Circuit, Parameter
        >>> from qfusion.observables import PauliSum
        >>> result = vqe(PauliSum.from_label("Z"), Circuit(1).ry(Parameter("t"), 0), initial_point=[3.0])
        >>> round(abs(float(result.optimal_point[0])), 6)  # ry(pi)|0> = |1>
        3.141593
        """
        return self.parameters

    @property
    def optimal_value(self) -> float:
        """The minimised energy (Qiskit's ``optimal_value``), :attr:`eigenvalue`.

        >>> from qfusion.circuit import Circuit, Parameter
        >>> from qfusion.observables import PauliSum
        >>> round(vqe(PauliSum.from_label("Z"), Circuit(1).ry(Parameter("t"), 0), initial_point=[3.0]).optimal_value, 8)
        -1.0
        """
        return self.eigenvalue

    @property
    def optimal_circuit(self) -> Circuit:
        """The ansatz with the optimal parameters bound.

        >>> from qfusion.circuit import Circuit, Parameter
        >>> from qfusion.observables import PauliSum
        >>> result = vqe(PauliSum.from_label("Z"), Circuit(1).ry(Parameter("t"), 0), initial_point=[3.0])
        >>> result.optimal_circuit.parameters
        ()
        """
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
            swapped = isinstance(hamiltonian, Circuit) and isinstance(ansatz, PauliSum)
            raise CircuitError(f"the Hamiltonian must be a PauliSum, got {type(hamiltonian).__name__}"
                               + ("; the Hamiltonian comes first: vqe(hamiltonian, ansatz)" if swapped else
                                  " (build one with qf.PauliSum.from_list([(label, coefficient), ...]))"))
        if not isinstance(ansatz, Circuit):
            raise CircuitError(f"the ansatz must be a qfusion Circuit, got {type(ansatz).__name__}")
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
        """The number of ansatz parameters.


        >>> from qfusion.circuit import Circuit, ParameterVector
        >>> from qfusion.observables import PauliSum
        >>> EnergyFunction(PauliSum.from_label("ZZ"), Circuit(2).ry(ParameterVector("t", 2)[0], 0)).num_parameters
        1
        """
        return len(self.ansatz.parameters)

    def state(self, theta) -> np.ndarray:
        """The ansatz state vector at ``theta`` (exact state-vector runs only).

        >>> from qfusion.circuit import Circuit, Parameter
        >>> from qfusion.observables import PauliSum
        >>> f = EnergyFunction(PauliSum.from_label("Z"), Circuit(1).rx(Parameter("a"), 0))
        >>> f.state([np.pi]).round(6)
        array([0.+0.j, 0.-1.j])
        """
        if self._tape is None:
            raise CircuitError("the state vector is only available on the exact statevector backend")
        return self._tape.state(np.asarray(theta, dtype=float))

    def value(self, theta) -> float:
        """``<H>`` at ``theta``.

        >>> from qfusion.circuit import Circuit, Parameter
        >>> from qfusion.observables import PauliSum
        >>> f = EnergyFunction(PauliSum.from_label("Z"), Circuit(1).rx(Parameter("a"), 0))
        >>> round(f.value([np.pi / 3]), 12), f.evaluations  # cos(pi / 3)
        (0.5, 1)
        """
        self.evaluations += 1
        if self._tape is not None:
            return state_expectation(self._tape.state(np.asarray(theta, dtype=float)), self.hamiltonian)
        return float(self.estimator.run(self.ansatz, self.hamiltonian, np.asarray(theta, dtype=float)).values)

    def value_and_gradient(self, theta) -> tuple[float, np.ndarray]:
        """``(<H>, d<H>/d theta)`` at ``theta``, by the chosen gradient method.

        >>> from qfusion.circuit import Circuit, Parameter
        >>> from qfusion.observables import PauliSum
        >>> f = EnergyFunction(PauliSum.from_label("Z"), Circuit(1).rx(Parameter("a"), 0), gradient="parameter_shift")
        >>> value, grad = f.value_and_gradient([np.pi / 2])
        >>> round(value, 12), grad.round(12)  # cos a, -sin a
        (0.0, array([-1.]))
        """
        if self.gradient is None:
            raise CircuitError("this energy function has no gradient (gradient=None)")
        self.evaluations += 1
        theta = np.asarray(theta, dtype=float)
        if self.gradient == "adjoint" and self._tape is not None:
            value, grad = self._tape.value_and_gradient(self.hamiltonian, theta)
            return float(value), np.asarray(grad, dtype=float)
        result = value_and_gradient(self.ansatz, self.hamiltonian, theta, method=self.gradient,
                                    estimator=self.estimator)
        return float(result.value), np.asarray(result.gradient, dtype=float)


def minimize_energy(energy: EnergyFunction, initial_point, *, optimizer="L-BFGS-B", maxiter: int = 1000,
                    tol: float = 1e-10, callback: Callable[[VQEProgress], Any] | None = None,
                    progress: bool = False, seed=None):
    """Minimise ``energy`` from ``initial_point`` with :mod:`qfusion.primitives.optimizers`: a SciPy
    method name (gradient-based ones get the energy and gradient together), ``"SPSA"`` or ``"Adam"``.

    Returns ``(x, fun, nit, success, message, history)``.

    >>> from qfusion.circuit import Circuit, Parameter
    >>> from qfusion.observables import PauliSum
    >>> f = EnergyFunction(PauliSum.from_label("Z"), Circuit(1).ry(Parameter("a"), 0))
    >>> x, fun, *_ = minimize_energy(f, [0.5], optimizer="Adam", maxiter=300)
    >>> round(fun, 3)
    -1.0
    """
    x0 = np.asarray(initial_point, dtype=float).reshape(-1)
    if len(x0) != energy.num_parameters:
        raise CircuitError(f"the ansatz has {energy.num_parameters} parameters, the initial point {len(x0)}")
    if len(x0) == 0:
        value = energy.value(x0)
        return x0, value, 0, True, "no parameters to optimise", [value]
    method = str(optimizer)
    last_gradient = {"norm": None}

    def value_and_gradient(x):
        value, grad = energy.value_and_gradient(x)
        last_gradient["norm"] = float(np.linalg.norm(grad))
        return value, grad

    def step(iteration, x, value):
        if callback is not None:
            callback(VQEProgress(int(iteration), float(value), np.array(x, dtype=float), last_gradient["norm"],
                                 energy.evaluations))
        return False

    kind = method.upper()
    if kind == "SPSA":
        found = optimizers.spsa(energy.value, x0, maxiter=maxiter, seed=seed, callback=step, progress=progress)
    elif kind == "ADAM":
        if energy.gradient is None:
            raise CircuitError("Adam needs gradients; give gradient='adjoint' or 'parameter_shift'")
        found = optimizers.adam(value_and_gradient, x0, jac=True, maxiter=maxiter, gtol=max(tol, 1e-8),
                                callback=step, progress=progress)
    elif energy.gradient is not None and kind not in GRADIENT_FREE:
        options = {"ftol": tol, "gtol": 1e-8} if kind == "L-BFGS-B" else None
        found = optimizers.minimize(value_and_gradient, x0, method=method, jac=True, maxiter=maxiter, tol=tol,
                                    callback=step, progress=progress, options=options)
    else:
        found = optimizers.minimize(energy.value, x0, method=method, maxiter=maxiter, tol=tol, callback=step,
                                    progress=progress)
    success, message = bool(found.success), str(found.message)
    if not success and energy.gradient is not None:
        # L-BFGS-B's line search gives up at the optimum when energies agree to machine precision
        norm = float(np.linalg.norm(energy.value_and_gradient(found.x)[1]))
        if norm < STATIONARY_GRADIENT:
            success, message = True, f"{message} (gradient norm {norm:.1e}: at a stationary point)"
    return (np.asarray(found.x, dtype=float), float(found.fun), int(found.nit), success, message,
            list(found.history))


def vqe(hamiltonian: PauliSum, ansatz: Circuit, *, initial_point=None, optimizer="L-BFGS-B",
        gradient: str | None = "adjoint", backend="statevector", shots: int | None = None, seed=None,
        maxiter: int = 1000, tol: float = 1e-10, callback: Callable[[VQEProgress], Any] | None = None,
        progress: bool = False) -> VQEResult:
    """Minimise ``<H>`` over ``ansatz``'s parameters (see the module docstring).

    ``initial_point`` defaults to zeros (Hartree–Fock for a UCC ansatz on a reference state).
    ``optimizer`` is a SciPy method name, ``"SPSA"`` or ``"Adam"``; ``progress=True`` shows a bar.

    >>> from qfusion.circuit import Circuit, Parameter
    >>> from qfusion.observables import PauliSum
    >>> a, b = Parameter("a"), Parameter("b")
    >>> ansatz = Circuit(2).ry(a, 0).ry(b, 1).cx(0, 1)
    >>> H = PauliSum.from_list([("ZZ", 1.0), ("XI", 0.5), ("IX", 0.5)])
    >>> seen = []
    >>> result = vqe(H, ansatz, initial_point=[0.3, -0.2], callback=seen.append)
    >>> round(result.eigenvalue, 6) <= -1.0, result.converged, len(seen) == result.iterations
    (True, True, True)
    """
    start = time.perf_counter()
    energy = EnergyFunction(hamiltonian, ansatz, backend=backend, shots=shots, seed=seed, gradient=gradient)
    x0 = np.zeros(energy.num_parameters) if initial_point is None else initial_point
    x, value, nit, success, message, history = minimize_energy(energy, x0, optimizer=optimizer, maxiter=maxiter,
                                                               tol=tol, callback=callback, progress=progress,
                                                               seed=seed)
    metadata = {"optimizer": getattr(optimizer, "__name__", str(optimizer)), "gradient": energy.gradient,
                "backend": energy.backend.name, "shots": shots}
    std_error = 0.0
    if shots is not None:
        metadata["optimizer_value"] = value
        # fresh shots: the optimiser saw the same noise at every point when seeded
        fresh = int(np.random.SeedSequence([int(seed), 1]).generate_state(1)[0]) \
            if isinstance(seed, (int, np.integer)) else None
        final = energy.estimator.run(energy.ansatz, hamiltonian, x, seed=fresh)
        value, std_error = float(np.reshape(final.values, -1)[0]), float(np.reshape(final.std_errors, -1)[0])
    return VQEResult(eigenvalue=value, parameters=x, ansatz=ansatz, history=tuple(history),
                     cost_function_evals=energy.evaluations, iterations=nit, converged=success, message=message,
                     time_taken=time.perf_counter() - start, metadata=metadata, energy_std_error=std_error,
                     stopped_at_maxiter=not success and nit >= maxiter)
