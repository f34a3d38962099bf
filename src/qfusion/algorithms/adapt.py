"""ADAPT-VQE (Grimsley et al., Nat. Commun. 10, 3007 (2019)): grow the ansatz one pool operator
at a time, always the one whose energy gradient is largest, and re-optimise every parameter.

The pool is a list of Hermitian :class:`PauliSum` generators ``A_k``; adding ``A_k`` appends
``exp(-i θ A_k)``. The gradient ``dE/dθ_k`` at ``θ_k = 0`` is ``i <psi|[A_k, H]|psi>``, read off
the current state with ``H psi`` computed once.

>>> from qfusion.circuit import Circuit
>>> from qfusion.observables import PauliSum
>>> H = PauliSum.from_list([("ZZ", 1.0), ("XX", 0.5), ("YY", 0.5)])
>>> pool = [PauliSum.from_label("XY"), PauliSum.from_label("YX")]
>>> result = adapt_vqe(H, Circuit(2).x(0), pool)
>>> round(result.eigenvalue, 8), len(result.operators)
(-2.0, 1)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from qfusion.algorithms._names import deprecated_alias
from qfusion.algorithms.vqe import EnergyFunction, VQEProgress, minimize_energy
from qfusion.circuit import Circuit, Parameter
from qfusion.errors import CircuitError
from qfusion.observables import PauliSum
from qfusion.observables.evolution import append_pauli_evolution
from qfusion.sim.adjoint import apply_pauli_sum


@dataclass(frozen=True)
class ADAPTStep:
    """One growth step: which pool operator was added, its gradient, and the energy after re-optimising.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.observables import PauliSum
    >>> H = PauliSum.from_list([("ZZ", 1.0), ("XX", 0.5), ("YY", 0.5)])
    >>> step = adapt_vqe(H, Circuit(2).x(0), [PauliSum.from_label("XY")]).steps[0]
    >>> step.operator_index, round(step.max_gradient, 6), round(step.energy, 6)
    (0, 2.0, -2.0)
    """
    operator_index: int
    max_gradient: float
    energy: float


@dataclass(frozen=True)
class ADAPTResult:
    """The final energy and ansatz; ``operators`` are the chosen pool indices in order.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.observables import PauliSum
    >>> result = adapt_vqe(PauliSum.from_label("X"), Circuit(1), [PauliSum.from_label("Y")])
    >>> round(result.eigenvalue, 8), result.operators, result.converged, result.ansatz.num_qubits
    (-1.0, (0,), True, 1)
    """
    eigenvalue: float
    parameters: np.ndarray
    ansatz: Circuit
    operators: tuple[int, ...]
    steps: tuple[ADAPTStep, ...]
    converged: bool
    message: str
    cost_function_evals: int
    time_taken: float
    metadata: dict[str, Any] = field(default_factory=dict)

    energy = deprecated_alias("energy", "eigenvalue")
    evaluations = deprecated_alias("evaluations", "cost_function_evals")

    @property
    def optimal_point(self) -> np.ndarray:
        """The optimal parameters (Qiskit's name), :attr:`parameters`.

        >>> from qfusion.circuit import Circuit
        >>> from qfusion.observables import PauliSum
        >>> result = adapt_vqe(PauliSum.from_label("X"), Circuit(1), [PauliSum.from_label("Y")])
        >>> result.optimal_point is result.parameters, len(result.optimal_point)
        (True, 1)
        """
        return self.parameters


def _grown(reference: Circuit, pool: Sequence[PauliSum], chosen: Sequence[int], prefix: str) -> Circuit:
    circuit = reference.copy(name="adapt")
    width = 3
    for position, k in enumerate(chosen):
        append_pauli_evolution(circuit, pool[k], Parameter(f"{prefix}{position:0{width}d}"))
    return circuit


def pool_gradients(hamiltonian: PauliSum, state, pool: Sequence[PauliSum]) -> np.ndarray:
    """``dE/dθ_k`` at ``θ_k = 0`` for appending ``exp(-i θ_k A_k)`` to a circuit whose state is
    ``state``: ``i <psi|[A_k, H]|psi> = 2 Im <H psi|A_k psi>``, with ``H psi`` computed once.

    >>> import numpy as np
    >>> from qfusion.observables import PauliSum
    >>> plus = np.array([1, 1]) / np.sqrt(2)
    >>> pool_gradients(PauliSum.from_label("Z"), plus, [PauliSum.from_label("Y")]).round(12).tolist()
    [-2.0]
    """
    psi = np.asarray(state, dtype=np.complex128)
    applied = apply_pauli_sum(psi, *hamiltonian.masks())
    return np.array([-2 * np.vdot(apply_pauli_sum(psi, *generator.masks()), applied).imag for generator in pool])


def adapt_vqe(hamiltonian: PauliSum, reference: Circuit, pool: Sequence[PauliSum], *, gradient_tol: float = 1e-4,
              max_operators: int = 50, optimizer="L-BFGS-B", tol: float = 1e-10, maxiter: int = 1000,
              callback: Callable[[ADAPTStep], Any] | None = None,
              vqe_callback: Callable[[VQEProgress], Any] | None = None, parameter_prefix: str = "a") -> ADAPTResult:
    """Grow an ansatz from ``reference`` with operators of ``pool`` until the largest pool gradient
    falls below ``gradient_tol`` (or ``max_operators`` are used), re-optimising all parameters
    (previous optimum plus a new zero) after each addition. Runs on the exact state vector.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.observables import PauliSum
    >>> H = PauliSum.from_list([("Z", 1.0), ("X", 1.0)])
    >>> round(adapt_vqe(H, Circuit(1), [PauliSum.from_label("Y")]).eigenvalue, 8)  # -sqrt(2)
    -1.41421356
    """
    if not pool:
        raise CircuitError("ADAPT-VQE needs a non-empty operator pool")
    for k, generator in enumerate(pool):
        if not isinstance(generator, PauliSum) or generator.num_qubits != hamiltonian.num_qubits:
            raise CircuitError(f"pool operator {k} must be a PauliSum on {hamiltonian.num_qubits} qubits")
        if not generator.is_hermitian():
            raise CircuitError(f"pool operator {k} must be Hermitian (the ansatz applies exp(-i θ A))")
    start = time.perf_counter()
    chosen: list[int] = []
    steps: list[ADAPTStep] = []
    parameters = np.zeros(0)
    circuit = _grown(reference, pool, chosen, parameter_prefix)
    energy = EnergyFunction(hamiltonian, circuit)
    energy_value = energy.value(parameters)
    evaluations = 1
    converged, message = False, f"stopped after max_operators={max_operators} operators"
    while len(chosen) < max_operators:
        gradients = pool_gradients(hamiltonian, energy.state(parameters), pool)
        best = int(np.argmax(np.abs(gradients)))
        if abs(gradients[best]) < gradient_tol:
            converged, message = True, f"largest pool gradient {abs(gradients[best]):.2e} < {gradient_tol:g}"
            break
        chosen.append(best)
        circuit = _grown(reference, pool, chosen, parameter_prefix)
        energy = EnergyFunction(hamiltonian, circuit)
        parameters, energy_value, _, _, _, _ = minimize_energy(energy, np.append(parameters, 0.0), optimizer=optimizer,
                                                               maxiter=maxiter, tol=tol, callback=vqe_callback)
        evaluations += energy.evaluations
        steps.append(ADAPTStep(best, float(abs(gradients[best])), float(energy_value)))
        if callback is not None:
            callback(steps[-1])
    return ADAPTResult(eigenvalue=float(energy_value), parameters=parameters, ansatz=circuit, operators=tuple(chosen),
                       steps=tuple(steps), converged=converged, message=message, cost_function_evals=evaluations,
                       time_taken=time.perf_counter() - start)
