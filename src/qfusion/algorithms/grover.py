"""Grover search and amplitude amplification.

With ``M`` of ``N = 2**n`` states marked, ``sin(theta) = sqrt(M / N)`` and ``k`` Grover
iterations succeed with probability ``sin((2k + 1) theta)**2``; the best ``k`` is about
``pi / (4 theta) - 1/2``.

>>> result = grover_search(4, ["1011"])
>>> result.top_measurement, result.iterations, round(result.success_probability, 4)
('1011', 3, 0.9613)
>>> grover_search(3, "x0 & x1 & ~x2").top_measurement
'011'
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from qfusion.algorithms.oracles import marked_states, multi_controlled_z, phase_oracle
from qfusion.circuit import Circuit
from qfusion.errors import CircuitError
from qfusion.primitives import Sampler


@dataclass(frozen=True)
class GroverResult:
    """The most likely outcome, the probability of measuring a marked state, and the distribution.

    >>> result = grover_search(2, ["10"])
    >>> result.top_measurement, result.iterations, round(result.success_probability, 6), result.marked
    ('10', 1, 1.0, ('10',))
    """
    top_measurement: str
    success_probability: float
    iterations: int
    marked: tuple[str, ...]
    probabilities: dict[str, float]
    circuit: Circuit


def optimal_iterations(num_qubits: int, num_marked: int) -> int:
    """``round(pi / (4 theta) - 1/2)`` with ``sin(theta) = sqrt(M / N)`` (at least 0).

    >>> optimal_iterations(10, 1)
    25
    """
    if not 0 < num_marked <= 2 ** num_qubits:
        raise CircuitError(f"need between 1 and {2 ** num_qubits} marked states, got {num_marked}")
    theta = math.asin(math.sqrt(num_marked / 2 ** num_qubits))
    return max(0, int(round(math.pi / (4 * theta) - 0.5)))


def diffuser(state_preparation: Circuit) -> Circuit:
    """``A S_0 A^dagger`` with ``S_0`` the phase flip of ``|0...0>``: reflection about ``A|0>`` (up to -1).

    >>> from qfusion.circuit import Circuit
    >>> diffuser(Circuit(2).h(0).h(1)).num_qubits
    2
    """
    n = state_preparation.num_qubits
    zero_flip = Circuit(n)
    for q in range(n):
        zero_flip.x(q)
    multi_controlled_z(zero_flip, list(range(n)))
    for q in range(n):
        zero_flip.x(q)
    return state_preparation.inverse().compose(zero_flip).compose(state_preparation)


def amplitude_amplification(state_preparation: Circuit, oracle: Circuit, iterations: int) -> Circuit:
    """``(diffuser . oracle)**iterations . A`` (no measurements): amplifies the oracle's marked part.

    >>> import numpy as np
    >>> from qfusion.sim import simulate
    >>> from qfusion.algorithms.oracles import phase_oracle
    >>> c = amplitude_amplification(uniform_superposition(2), phase_oracle(2, ["11"]), 1)
    >>> np.round(np.abs(np.asarray(simulate(c))) ** 2, 6)  # one iteration finds 1 of 4 exactly
    array([0., 0., 0., 1.])
    """
    if oracle.num_qubits != state_preparation.num_qubits:
        raise CircuitError("the oracle and the state preparation must act on the same qubits")
    grover = oracle.compose(diffuser(state_preparation))
    circuit = state_preparation.copy()
    for _ in range(int(iterations)):
        circuit = circuit.compose(grover)
    return circuit


def uniform_superposition(num_qubits: int) -> Circuit:
    """``h`` on each of ``num_qubits`` qubits: the equal superposition of every basis state.


    >>> uniform_superposition(3).count_ops()
    {'h': 3}
    """
    circuit = Circuit(num_qubits, name="uniform")
    for q in range(num_qubits):
        circuit.h(q)
    return circuit


def grover_circuit(num_qubits: int, marked, iterations: int | None = None, variables=None) -> Circuit:
    """Grover's circuit for the marked states or Boolean expression, measured on every qubit.

    >>> c = grover_circuit(3, ["101"])
    >>> c.num_qubits, c.count_ops()["measure"]
    (3, 3)
    """
    states = marked_states(marked, num_qubits, variables)
    if not states:
        raise CircuitError("the oracle marks no state; Grover search needs at least one")
    k = optimal_iterations(num_qubits, len(states)) if iterations is None else int(iterations)
    return amplitude_amplification(uniform_superposition(num_qubits), phase_oracle(num_qubits, states), k)\
        .copy().measure_all()


def grover_search(num_qubits: int, marked, *, iterations: int | None = None, variables=None,
                  backend="statevector", shots: int | None = None, seed=None) -> GroverResult:
    """Search for the marked states; exact probabilities with ``shots=None``, else sampled.

    >>> result = grover_search(3, ["110"], shots=100, seed=1)
    >>> result.top_measurement
    '110'
    """
    states = marked_states(marked, num_qubits, variables)
    k = optimal_iterations(num_qubits, max(1, len(states))) if iterations is None else int(iterations)
    circuit = grover_circuit(num_qubits, states, k)
    distribution: dict[str, float] = Sampler(backend, shots=shots, seed=seed).run(circuit).probabilities.item()
    labels = tuple(format(s, f"0{num_qubits}b") for s in sorted(states))
    success = sum(distribution.get(label, 0.0) for label in labels)
    top = max(distribution, key=lambda label: distribution[label])
    return GroverResult(top, float(success), k, labels, distribution, circuit)
