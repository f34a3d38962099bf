"""NumPy twins of :mod:`.cpu_density`, written for clarity; the tests compare the two."""

from __future__ import annotations

import numpy as np


def _square(rho, num_qubits):
    return rho.reshape(1 << num_qubits, 1 << num_qubits)


def probability_of_one(rho, num_qubits, qubit):
    index = np.arange(1 << num_qubits)
    return float(np.diagonal(_square(rho, num_qubits)).real[((index >> qubit) & 1) == 1].sum())


def collapse(rho, num_qubits, qubit, outcome, scale):
    index = np.arange(1 << num_qubits)
    keep = ((index >> qubit) & 1) == outcome
    square = _square(rho, num_qubits)
    square *= np.outer(keep, keep) * scale


def diagonal(rho, num_qubits):
    return np.diagonal(_square(rho, num_qubits)).real.copy()


def pauli_expectations(rho, num_qubits, x_masks, group_starts, z_masks, coeffs):
    """``Tr(rho P)`` built from explicit Pauli matrices."""
    square = _square(rho, num_qubits)
    dim = 1 << num_qubits
    index = np.arange(dim)
    total = 0j
    for g, x in enumerate(x_masks):
        for t in range(group_starts[g], group_starts[g + 1]):
            parity = np.array([bin(v).count("1") & 1 for v in (index & z_masks[t])])
            pauli = np.zeros((dim, dim), dtype=complex)
            pauli[index ^ x, index] = 1 - 2 * parity  # X^x Z^z
            total += coeffs[t] * np.trace(square @ pauli)
    return total


def reduced_density_matrix(state, positions):
    """Twin of ``cpu_density_reduce.reduced_density_matrix``, by tensor contraction."""
    n = state.shape[0].bit_length() - 1
    tensor = state.reshape((2,) * n)
    axes = [n - 1 - p for p in reversed(list(positions))]  # most significant kept bit first
    others = [a for a in range(n) if a not in axes]
    moved = np.transpose(tensor, axes + others).reshape(1 << len(axes), -1)
    return moved @ moved.conj().T
