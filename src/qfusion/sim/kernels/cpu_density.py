"""Density-matrix kernels: measurement, collapse and Pauli expectation values (in place, no copies).

The density matrix of ``n`` qubits is a flat row-major array: ``rho[r * 2^n + c]``.
Gates and channels do not need kernels of their own: they run through the state-vector
sweeps on the ``2n``-bit vector (see :mod:`qfusion.sim.density_ops`).
"""

from __future__ import annotations

import numba as nb
import numpy as np

_OPTS = dict(cache=True, nogil=True, fastmath=False, error_model="numpy")


@nb.njit(parallel=True, **_OPTS)
def probability_of_one(rho, num_qubits, qubit):
    """``sum_r rho[r, r]`` over the rows whose bit ``qubit`` is 1 (real part)."""
    dim = 1 << num_qubits
    half = dim >> 1
    low = (1 << qubit) - 1
    total = 0.0
    for g in nb.prange(half):
        r = ((g >> qubit) << (qubit + 1)) | (g & low) | (1 << qubit)
        total += rho[r * dim + r].real
    return total


@nb.njit(parallel=True, **_OPTS)
def collapse(rho, num_qubits, qubit, outcome, scale):
    """Keep the block whose row and column bit ``qubit`` equal ``outcome``, times ``scale``; zero the rest."""
    dim = 1 << num_qubits
    for r in nb.prange(dim):
        row_kept = ((r >> qubit) & 1) == outcome
        base = r * dim
        for c in range(dim):
            if row_kept and ((c >> qubit) & 1) == outcome:
                rho[base + c] *= scale
            else:
                rho[base + c] = 0


@nb.njit(parallel=True, **_OPTS)
def diagonal(rho, num_qubits):
    """The real diagonal ``rho[i, i]`` as a new array."""
    dim = 1 << num_qubits
    out = np.empty(dim)
    for i in nb.prange(dim):
        out[i] = rho[i * dim + i].real
    return out


@nb.njit(parallel=True, **_OPTS)
def pauli_expectations(rho, num_qubits, x_masks, group_starts, z_masks, coeffs):
    """``sum_t coeffs[t] Tr(rho X^x_t Z^z_t)`` for terms grouped by equal x mask.

    ``Tr(rho X^x Z^z) = sum_s (-1)^{z.s} rho[s, s ^ x]``: one strided pass per distinct x mask.
    """
    dim = 1 << num_qubits
    total = 0.0 + 0.0j
    for g in range(x_masks.shape[0]):
        x = x_masks[g]
        t0 = group_starts[g]
        t1 = group_starts[g + 1]
        partial = 0.0 + 0.0j
        for s in nb.prange(dim):
            value = rho[s * dim + (s ^ x)]
            weight = 0.0 + 0.0j
            for t in range(t0, t1):
                v = s & z_masks[t]
                v ^= v >> 32
                v ^= v >> 16
                v ^= v >> 8
                v ^= v >> 4
                v ^= v >> 2
                v ^= v >> 1
                weight += -coeffs[t] if v & 1 else coeffs[t]
            partial += value * weight
        total += partial
    return total
