"""CUDA kernels particular to the density matrix held as its Pauli components (a real vector).

The gates, channels and sweeps are the state-vector kernels of :mod:`.cuda_gates` and
:mod:`.cuda_lanes` specialised to a real dtype; what is left is the initial state and reading
components back. Index bits ``(q, q + n)`` hold qubit ``q``'s Pauli digit (I, X, Y, Z = 0..3),
see :mod:`qfusion.sim.density_ops`. Kernels validate nothing.
"""

from __future__ import annotations

from numba import cuda


@cuda.jit
def pauli_basis_zero(data, num_qubits):
    """``data`` set to the components of ``|0...0><0...0|``: 1 where every digit is I or Z (the
    row half of the index equals the column half), else 0."""
    low = (1 << num_qubits) - 1
    for i in range(cuda.grid(1), data.shape[0], cuda.gridsize(1)):
        data[i] = 1 if (i >> num_qubits) == (i & low) else 0


@cuda.jit
def gather(data, indices, out):
    """``out[j] = data[indices[j]]``: the few components an expectation value, a measurement or the
    diagonal needs, without copying the whole vector to the host."""
    for j in range(cuda.grid(1), indices.shape[0], cuda.gridsize(1)):
        out[j] = data[indices[j]]
