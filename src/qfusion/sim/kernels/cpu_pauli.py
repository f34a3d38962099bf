"""Pauli-string kernels: rotations ``exp(-i t/2 P)``, overlaps ``<a|P|b>`` and ``H|psi>`` for Pauli sums.

A Pauli string is ``m X^x Z^z`` (``Z`` acts first): ``P|i> = m (-1)**popcount(i & z) |i ^ x>``,
so ``(P psi)[j] = m (-1)**popcount((j ^ x) & z) psi[j ^ x]``. Masks are int64 bit masks over
index bits; the phase ``m`` (a power of i, or any complex number) is passed by the caller.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from qfusion.sim.kernels.cpu_measure import parity

_OPTS = dict(cache=True, nogil=True, fastmath=False, error_model="numpy")


@nb.njit(inline="always", **_OPTS)
def _sign(index, z):
    return 1.0 - 2.0 * parity(index & z)


@nb.njit(parallel=True, **_OPTS)
def pauli_rotation(state, x, z, phase, cos_half, sin_half):
    """``state <- (cos_half I - i sin_half m P) state`` in place; ``P`` must be Hermitian (``m P``)."""
    size = state.shape[0]
    factor = -1j * sin_half * phase
    if x == 0:
        for j in nb.prange(size):
            state[j] = state[j] * (cos_half + factor * _sign(j, z))
        return
    top = 63
    while not (x >> top) & 1:
        top -= 1
    low = (1 << top) - 1
    for g in nb.prange(size >> 1):
        j = ((g >> top) << (top + 1)) | (g & low)  # bit ``top`` of j is 0
        k = j ^ x
        a = state[j]
        b = state[k]
        state[j] = cos_half * a + factor * _sign(k, z) * b
        state[k] = cos_half * b + factor * _sign(j, z) * a


@nb.njit(parallel=True, **_OPTS)
def pauli_overlap(bra, ket, x, z):
    """``sum_j conj(bra[j]) (-1)**popcount((j ^ x) & z) ket[j ^ x]`` (``<bra|X^x Z^z|ket>``)."""
    total = 0j
    for j in nb.prange(bra.shape[0]):
        k = j ^ x
        total += np.conj(bra[j]) * (_sign(k, z) * ket[k])
    return total


@nb.njit(parallel=True, **_OPTS)
def apply_pauli_sum(state, out, x_masks, group_starts, z_masks, coeffs):
    """``out <- sum_t coeffs[t] X^x Z^z_t state``; terms grouped by X mask (group ``g`` holds
    ``z_masks[group_starts[g]:group_starts[g + 1]]``). Each output amplitude is gathered, so
    the loop is free of write races."""
    num_groups = x_masks.shape[0]
    for j in nb.prange(state.shape[0]):
        acc = 0j
        for g in range(num_groups):
            k = j ^ x_masks[g]
            amplitude = state[k]
            weight = 0j
            for t in range(group_starts[g], group_starts[g + 1]):
                weight += coeffs[t] * _sign(k, z_masks[t])
            acc += weight * amplitude
        out[j] = acc
