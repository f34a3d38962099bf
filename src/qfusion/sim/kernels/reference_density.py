"""NumPy twins of the density-matrix kernels, written for clarity; the tests compare the two."""

from __future__ import annotations

import numpy as np


def reduced_density_matrix(state, positions):
    """Twin of ``cpu_density_reduce.reduced_density_matrix``, by tensor contraction."""
    n = state.shape[0].bit_length() - 1
    tensor = state.reshape((2,) * n)
    axes = [n - 1 - p for p in reversed(list(positions))]  # most significant kept bit first
    others = [a for a in range(n) if a not in axes]
    moved = np.transpose(tensor, axes + others).reshape(1 << len(axes), -1)
    return moved @ moved.conj().T


def sample_one(state, threshold):
    """Twin of ``cpu_density_reduce.sample_one``."""
    running = np.cumsum(np.abs(state) ** 2)
    above = np.nonzero(running > threshold)[0]
    return int(above[0]) if len(above) else int(np.nonzero(np.abs(state))[0][-1])


def pauli_basis_zero(data, num_qubits):
    """Twin of ``cuda_density.pauli_basis_zero``: the I/Z components of ``|0><0|`` are 1."""
    index = np.arange(data.shape[0])
    data[:] = (index >> num_qubits) == (index & ((1 << num_qubits) - 1))


def gather(data, indices, out):
    """Twin of ``cuda_density.gather``."""
    out[:] = data[indices]
