"""Circuits for exponentials of Pauli sums: ``exp(-i t sum_k c_k P_k)`` as a product of
Pauli rotations (exact when the strings commute, one first-order Trotter step otherwise).

Each ``exp(-i t c P)`` is a basis change onto Z (H for X, S† then H for Y), a CNOT ladder
that gathers the parity of the support on its highest qubit, ``rz(2 c t)`` there, and the
ladder and basis change undone. ``t`` may be a number or a circuit parameter expression.

>>> from qfusion.observables import PauliSum
>>> c = pauli_evolution_circuit(PauliSum.from_list([("XY", 0.5)]), 0.2)
>>> c.count_ops()
{'h': 2, 'sdg': 1, 'cx': 2, 'rz': 1, 's': 1}
"""

from __future__ import annotations

from qfusion.circuit import Circuit
from qfusion.errors import CircuitError
from qfusion.observables.pauli import PauliSum


def append_pauli_rotation(circuit: Circuit, label: str, angle) -> Circuit:
    """Append ``exp(-i angle/2 P)`` for the little-endian label ``P`` (identity: nothing) to ``circuit``.

    >>> append_pauli_rotation(Circuit(2), "ZZ", 0.3).count_ops()
    {'cx': 2, 'rz': 1}
    """
    if len(label) != circuit.num_qubits:
        raise CircuitError(f"Pauli label {label!r} has {len(label)} characters for a {circuit.num_qubits}-qubit circuit")
    support = [q for q in range(circuit.num_qubits) if label[circuit.num_qubits - 1 - q] != "I"]
    if not support:
        return circuit
    paulis = {q: label[circuit.num_qubits - 1 - q] for q in support}
    for q in support:
        if paulis[q] == "X":
            circuit.h(q)
        elif paulis[q] == "Y":
            circuit.sdg(q).h(q)
    for a, b in zip(support, support[1:]):
        circuit.cx(a, b)
    circuit.rz(angle, support[-1])
    for a, b in reversed(list(zip(support, support[1:]))):
        circuit.cx(a, b)
    for q in support:
        if paulis[q] == "X":
            circuit.h(q)
        elif paulis[q] == "Y":
            circuit.h(q).s(q)
    return circuit


def append_pauli_evolution(circuit: Circuit, operator: PauliSum, time) -> Circuit:
    """Append ``exp(-i time * operator)`` (a Hermitian :class:`PauliSum`; the identity term is a
    global phase and is dropped) to ``circuit``, one rotation per term in the order of the sum.

    >>> from qfusion.observables import PauliSum
    >>> append_pauli_evolution(Circuit(1), PauliSum.from_list([("X", 1.0), ("Z", 2.0)]), 0.1).count_ops()
    {'h': 2, 'rz': 2}
    """
    if operator.num_qubits != circuit.num_qubits:
        raise CircuitError(f"a {operator.num_qubits}-qubit operator cannot evolve a {circuit.num_qubits}-qubit circuit")
    for label, coeff in operator.terms:
        if isinstance(coeff, complex):
            raise CircuitError(f"exp(-i t H) needs a Hermitian H with real coefficients; term {label!r} "
                               f"has {coeff!r}")
        angle = 2 * coeff * time if isinstance(time, (int, float)) else (2 * coeff) * time
        append_pauli_rotation(circuit, label, angle)
    return circuit


def pauli_evolution_circuit(operator: PauliSum, time) -> Circuit:
    """A new circuit for ``exp(-i time * operator)``; see :func:`append_pauli_evolution`.

    >>> import numpy as np
    >>> from qfusion.circuit import circuit_unitary
    >>> from qfusion.observables import PauliSum
    >>> Z = PauliSum.from_label("Z")
    >>> np.allclose(circuit_unitary(pauli_evolution_circuit(Z, 0.4)), np.diag(np.exp([-0.4j, 0.4j])))
    True
    """
    return append_pauli_evolution(Circuit(operator.num_qubits), operator, time)
