"""Plain NumPy evaluation of small circuits: the obviously-correct way, for checks and definitions.

>>> from qfusion.circuit import Circuit
>>> import numpy as np
>>> np.round(circuit_unitary(Circuit(1).h(0)) * np.sqrt(2)).real
array([[ 1.,  1.],
       [ 1., -1.]])
"""

from __future__ import annotations

import cmath

import numpy as np

from qfusion.errors import CircuitError

MAX_UNITARY_QUBITS = 14


def apply_matrix(state: np.ndarray, matrix: np.ndarray, qubits, num_qubits: int) -> np.ndarray:
    """Apply a ``2^k x 2^k`` matrix (little-endian over ``qubits``) to a state of ``num_qubits``.

    ``state`` may carry trailing batch axes: shape ``(2**num_qubits, ...)``. Returns a new array.

    >>> x = np.array([[0, 1], [1, 0]])
    >>> apply_matrix(np.array([1, 0, 0, 0], dtype=complex), x, [1], 2).real
    array([0., 0., 1., 0.])
    """
    k = len(qubits)
    batch = state.shape[1:]
    tensor = state.reshape((2,) * num_qubits + batch)
    # axis of qubit q in C order is num_qubits - 1 - q; the gate's most significant bit is its last qubit
    axes = [num_qubits - 1 - q for q in reversed(qubits)]
    gate = matrix.reshape((2,) * (2 * k))
    moved = np.tensordot(gate, tensor, axes=(list(range(k, 2 * k)), axes))
    # tensordot puts the gate's output axes first; move them back where they were
    result = np.moveaxis(moved, list(range(k)), axes)
    return result.reshape(state.shape)


def circuit_unitary(circuit) -> np.ndarray:
    """The unitary of a circuit of gates (barriers ignored), including its global phase.

    >>> from qfusion.circuit import Circuit
    >>> circuit_unitary(Circuit(2).cx(0, 1)).real.astype(int)
    array([[1, 0, 0, 0],
           [0, 0, 0, 1],
           [0, 0, 1, 0],
           [0, 1, 0, 0]])
    """
    from qfusion.circuit.circuit import iter_gates
    if circuit.num_qubits > MAX_UNITARY_QUBITS:
        raise CircuitError(f"circuit_unitary is for at most {MAX_UNITARY_QUBITS} qubits, "
                           f"got {circuit.num_qubits}")
    dim = 1 << circuit.num_qubits
    unitary = np.eye(dim, dtype=complex)
    for gate, qubits in iter_gates(circuit):
        unitary = apply_matrix(unitary, gate.matrix(), qubits, circuit.num_qubits)
    return unitary * cmath.exp(1j * float(circuit.global_phase))
