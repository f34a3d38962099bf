"""Pauli exponentials as gates: ``exp(-i angle/2 P)`` and (Trotterised) ``exp(-i t H)`` for Pauli sums.

Each exponential is the textbook decomposition: a basis change (``h`` for X, ``rx(pi/2)`` for Y),
a CNOT ladder onto the last qubit, ``rz(angle)``, and the undo. Every backend runs it, and the
adjoint tape moves the ``rz`` through the Clifford gates around it, so a UCCSD-style circuit costs
one pass per exponential to differentiate. ``angle`` may be a parameter expression.

>>> import numpy as np
>>> from qfusion.circuit import Circuit, circuit_unitary
>>> from qfusion.observables import PauliSum
>>> c = append_pauli_rotation(Circuit(3), "XIY", 0.4)
>>> P = PauliSum.from_label("XIY").to_matrix()
>>> bool(np.allclose(circuit_unitary(c), np.cos(0.2) * np.eye(8) - 1j * np.sin(0.2) * P))
True
"""

from __future__ import annotations

import math

from qfusion.circuit import Circuit
from qfusion.errors import CircuitError
from qfusion.observables import PauliSum


def append_pauli_rotation(circuit: Circuit, label: str, angle, qubits=None) -> Circuit:
    """Append ``exp(-i angle/2 P)`` for the Pauli ``label`` (rightmost character on ``qubits[0]``,
    default qubit 0); returns the circuit. An all-identity label adds nothing (a global phase)."""
    qubits = list(range(len(label))) if qubits is None else list(qubits)
    if len(qubits) != len(label) or set(label.upper()) - set("IXYZ"):
        raise CircuitError(f"Pauli label {label!r} must have one of I, X, Y, Z per qubit of {qubits}")
    support = [(q, p) for q, p in zip(qubits, reversed(label.upper())) if p != "I"]
    if not support:
        return circuit
    for q, p in support:
        if p == "X":
            circuit.h(q)
        elif p == "Y":
            circuit.rx(math.pi / 2, q)
    ladder = [(a, b) for (a, _), (b, _) in zip(support, support[1:])]
    for a, b in ladder:
        circuit.cx(a, b)
    circuit.rz(angle, support[-1][0])
    for a, b in reversed(ladder):
        circuit.cx(a, b)
    for q, p in support:
        if p == "X":
            circuit.h(q)
        elif p == "Y":
            circuit.rx(-math.pi / 2, q)
    return circuit


def append_pauli_evolution(circuit: Circuit, hamiltonian: PauliSum, time, *, steps: int = 1,
                           qubits=None) -> Circuit:
    """Append ``exp(-i time H)`` by ``steps`` first-order Trotter steps (exact when the terms commute).
    ``time`` may be a parameter expression; ``H`` must be Hermitian."""
    if not hamiltonian.is_hermitian():
        raise CircuitError("exp(-i t H) needs a Hermitian H (real coefficients)")
    if int(steps) != steps or steps < 1:
        raise CircuitError(f"steps must be a positive integer, got {steps!r}")
    for _ in range(int(steps)):
        for label, coeff in hamiltonian.terms:
            append_pauli_rotation(circuit, label, 2 * float(coeff.real if isinstance(coeff, complex) else coeff)
                                  * time / steps, qubits)
    return circuit
