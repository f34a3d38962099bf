"""ADAPT-VQE (Grimsley et al., Nat. Commun. 10, 3007 (2019)): grow the ansatz one pool operator
at a time, always the one whose energy gradient is largest, and re-optimise every parameter.

The pool is a list of Hermitian :class:`PauliSum` generators ``A_k``; adding ``A_k`` appends
``exp(-i θ A_k)``. The gradient ``dE/dθ_k`` at ``θ_k = 0`` is ``i <psi|[A_k, H]|psi>``; all of
them come from one adjoint sweep over the current ansatz followed by every pool exponential
at angle zero.

>>> from qfusion.circuit import Circuit
>>> from qfusion.observables import PauliSum
>>> H = PauliSum.from_list([("ZZ", 1.0), ("XX", 0.5), ("YY", 0.5)])
>>> pool = [PauliSum.from_label("XY"), PauliSum.from_label("YX")]
>>> result = adapt_vqe(H, Circuit(2).x(0), pool)
>>> round(result.energy, 8), len(result.operators)
(-2.0, 1)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from qfusion.algorithms.vqe import EnergyFunction, VQEProgress, minimize_energy
from qfusion.circuit import Circuit, Parameter
from qfusion.errors import CircuitError
from qfusion.observables import PauliSum
from qfusion.observables.evolution import append_pauli_evolution


@dataclass(frozen=True)
class ADAPTStep:
    """One growth step: which pool operator was added, its gradient, and the energy after re-optimising."""
    operator_index: int
    max_gradient: float
    energy: float


@dataclass(frozen=True)
class ADAPTResult:
    """The final energy and ansatz; ``operators`` are the chosen pool indices in order."""
    energy: float
    parameters: np.ndarray
    ansatz: Circuit
    operators: tuple[int, ...]
    steps: tuple[ADAPTStep, ...]
    converged: bool
    message: str
    evaluations: int
    time_taken: float
    metadata: dict[str, Any] = field(default_factory=dict)


def _grown(reference: Circuit, pool: Sequence[PauliSum], chosen: Sequence[int], prefix: str) -> Circuit:
    circuit = reference.copy(name="adapt")
    width = 3
    for position, k in enumerate(chosen):
        append_pauli_evolution(circuit, pool[k], Parameter(f"{prefix}{position:0{width}d}"))
    return circuit


def pool_gradients(hamiltonian: PauliSum, circuit: Circuit, parameters, pool: Sequence[PauliSum]) -> np.ndarray:
    """``dE/dθ_k`` at ``θ_k = 0`` for appending ``exp(-i θ_k A_k)`` to ``circuit`` at ``parameters``,
    every pool operator at once (one adjoint sweep).

    >>> from qfusion.observables import PauliSum
    >>> H = PauliSum.from_label("Z")
    >>> pool_gradients(H, Circuit(1).h(0), [], [PauliSum.from_label("Y")]).round(12).tolist()   # d<Z>/dθ for ry(2θ)|+>
    [-2.0]
    """
    values = dict(zip([p.name for p in circuit.parameters], np.asarray(parameters, dtype=float)))
    probe = circuit.copy()
    names = [f"~pool{k:05d}" for k in range(len(pool))]  # '~' sorts after every letter and digit
    for name, generator in zip(names, pool):
        append_pauli_evolution(probe, generator, Parameter(name))
    values.update({name: 0.0 for name in names})
    order = [p.name for p in probe.parameters]
    if order[-len(pool):] != names:
        raise CircuitError("pool parameters must sort after the ansatz parameters; rename parameters that "
                           "start with '~'")
    energy = EnergyFunction(hamiltonian, probe)
    _, grad = energy.value_and_gradient(np.array([values[name] for name in order]))
    return grad[-len(pool):]


def adapt_vqe(hamiltonian: PauliSum, reference: Circuit, pool: Sequence[PauliSum], *, gradient_tol: float = 1e-4,
              max_operators: int = 50, optimizer="L-BFGS-B", tol: float = 1e-10, maxiter: int = 1000,
              callback: Callable[[ADAPTStep], Any] | None = None,
              vqe_callback: Callable[[VQEProgress], Any] | None = None, parameter_prefix: str = "a") -> ADAPTResult:
    """Grow an ansatz from ``reference`` with operators of ``pool`` until the largest pool gradient
    falls below ``gradient_tol`` (or ``max_operators`` are used), re-optimising all parameters
    (previous optimum plus a new zero) after each addition. Runs on the exact state vector.
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
    energy_value = EnergyFunction(hamiltonian, circuit).value(parameters)
    evaluations = 1
    converged, message = False, f"stopped after max_operators={max_operators} operators"
    while len(chosen) < max_operators:
        gradients = pool_gradients(hamiltonian, circuit, parameters, pool)
        evaluations += 1
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
    return ADAPTResult(energy=float(energy_value), parameters=parameters, ansatz=circuit, operators=tuple(chosen),
                       steps=tuple(steps), converged=converged, message=message, evaluations=evaluations,
                       time_taken=time.perf_counter() - start)
