"""Quantum phase estimation: the eigenphase ``phi`` of ``U|psi> = exp(2 pi i phi)|psi>`` to ``m`` bits.

Evaluation qubits ``0..m-1`` control ``U**(2**j)``; the inverse QFT turns their phases into
the binary digits of ``phi``; the target register sits on qubits ``m..``.

>>> from qfusion.circuit import Circuit
>>> t_gate = Circuit(1).p(2 * 3.141592653589793 * 0.375, 0)   # phase 3/8 on |1>
>>> result = estimate_phase(t_gate, 3, state_preparation=Circuit(1).x(0))
>>> result.phase, result.probability
(0.375, 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qfusion.algorithms.qft import inverse_qft
from qfusion.circuit import Circuit, Gate
from qfusion.errors import CircuitError
from qfusion.primitives import Sampler


@dataclass(frozen=True)
class PhaseEstimationResult:
    """The most likely phase in ``[0, 1)``, its probability, and every measured phase's probability.

    >>> from qfusion.circuit import Circuit
    >>> result = estimate_phase(Circuit(1).z(0), 2, state_preparation=Circuit(1).x(0))  # Z|1> = e^(2 pi i / 2)|1>
    >>> result.phase, round(result.probability, 9), [round(p, 9) for p in result.phases.values()]
    (0.5, 1.0, [1.0])
    """
    phase: float
    probability: float
    phases: dict[float, float]
    circuit: Circuit


def phase_estimation_circuit(unitary: Circuit | Gate, num_evaluation_qubits: int, *,
                             state_preparation: Circuit | None = None, measure: bool = True) -> Circuit:
    """The QPE circuit: ``num_evaluation_qubits`` clock qubits first, then ``unitary``'s qubits.

    >>> from qfusion.circuit import Circuit
    >>> c = phase_estimation_circuit(Circuit(1).t(0), 3, state_preparation=Circuit(1).x(0))
    >>> c.num_qubits, c.num_clbits
    (4, 3)
    """
    gate = unitary.to_gate("U") if isinstance(unitary, Circuit) else unitary
    m = int(num_evaluation_qubits)
    if m < 1:
        raise CircuitError(f"phase estimation needs at least one evaluation qubit, got {num_evaluation_qubits}")
    target = list(range(m, m + gate.num_qubits))
    circuit = Circuit(m + gate.num_qubits, m if measure else 0, name="qpe")
    if state_preparation is not None:
        if state_preparation.num_qubits != gate.num_qubits:
            raise CircuitError(f"state_preparation acts on {state_preparation.num_qubits} qubits, the unitary on "
                               f"{gate.num_qubits}")
        circuit = circuit.compose(state_preparation, qubits=target)
    for j in range(m):
        circuit.h(j)
    for j in range(m):
        power = gate.power(2 ** j) if j else gate
        circuit.append(power.control(1), [j] + target)
    circuit = circuit.compose(inverse_qft(m), qubits=list(range(m)))
    if measure:
        for j in range(m):
            circuit.measure(j, j)
    return circuit


def estimate_phase(unitary: Circuit | Gate, num_evaluation_qubits: int, *, state_preparation=None,
                   backend="statevector", shots: int | None = None, seed=None) -> PhaseEstimationResult:
    """Run QPE (exact probabilities with ``shots=None``) and read the phases ``k / 2**m``.

    >>> from qfusion.circuit import Circuit
    >>> estimate_phase(Circuit(1).t(0), 3, state_preparation=Circuit(1).x(0)).phase  # T = diag(1, e^(2 pi i / 8))
    0.125
    """
    circuit = phase_estimation_circuit(unitary, num_evaluation_qubits, state_preparation=state_preparation)
    distribution: dict[str, float] = Sampler(backend, shots=shots, seed=seed).run(circuit).probabilities.item()
    scale = 2 ** int(num_evaluation_qubits)
    phases: dict[float, float] = {}
    for key, p in distribution.items():
        phase = int(key, 2) / scale
        phases[phase] = phases.get(phase, 0.0) + p
    best = max(phases, key=lambda phase: phases[phase])
    return PhaseEstimationResult(best, float(np.round(phases[best], 12)), phases, circuit)
