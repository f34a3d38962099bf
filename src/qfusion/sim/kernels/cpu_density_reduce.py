"""Kernels for quantum trajectories: reduced density matrices of a few qubits of a state vector
in one pass, and one sample drawn with a single early-exit scan.

``reduced_density_matrix(state, positions)``: ``rho[i, j] = sum_rest psi[rest + off(i)] conj(psi[rest + off(j)])``
for the bits at ``positions`` (index bit j of ``rho`` is ``positions[j]``).
"""

from __future__ import annotations

import numba as nb
import numpy as np

_OPTS = dict(cache=True, nogil=True, fastmath=False, error_model="numpy")
_BLOCKS = 64


def _reduced_density_matrix(state, positions):
    """``rho[i, j] = sum_rest psi[rest + off(i)] conj(psi[rest + off(j)])`` for the bits at ``positions``.

    ``positions`` are the bit positions of the kept qubits (index bit j of ``rho`` is
    ``positions[j]``); the trace of the result is the squared norm of ``state``.
    """
    k = positions.shape[0]
    dim = 1 << k
    offsets = np.zeros(dim, dtype=np.int64)
    for j in range(dim):
        for b in range(k):
            if (j >> b) & 1:
                offsets[j] += 1 << positions[b]
    ordered = np.sort(positions)
    groups = state.shape[0] >> k
    blocks = min(_BLOCKS, groups)
    partial = np.zeros((blocks, dim, dim), dtype=np.complex128)
    per_block = (groups + blocks - 1) // blocks
    for blk in nb.prange(blocks):
        amplitudes = np.empty(dim, dtype=np.complex128)
        for g in range(blk * per_block, min(groups, (blk + 1) * per_block)):
            base = g
            for j in range(k):
                p = ordered[j]
                base = ((base >> p) << (p + 1)) | (base & ((1 << p) - 1))
            for j in range(dim):
                amplitudes[j] = state[base + offsets[j]]
            for i in range(dim):
                for j in range(dim):
                    partial[blk, i, j] += amplitudes[i] * np.conj(amplitudes[j])
    out = np.zeros((dim, dim), dtype=np.complex128)
    for blk in range(blocks):
        out += partial[blk]
    return out


reduced_density_matrix = nb.njit(parallel=True, **_OPTS)(_reduced_density_matrix)
# the same loop on one thread: small states finish before threads would wake
reduced_density_matrix_serial = nb.njit(**_OPTS)(_reduced_density_matrix)


@nb.njit(**_OPTS)
def sample_one(state, threshold):
    """The first index whose running sum of ``|amplitude|^2`` exceeds ``threshold`` (the last
    non-zero one if rounding leaves the sum short): one basis state drawn by one partial scan."""
    running = 0.0
    last = 0
    for i in range(state.shape[0]):
        a = state[i]
        p = a.real * a.real + a.imag * a.imag
        if p > 0.0:
            last = i
            running += p
            if running > threshold:
                return i
    return last
