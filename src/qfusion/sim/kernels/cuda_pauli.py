"""CUDA kernels for Pauli strings on a state vector: rotations ``exp(-i t/2 P)`` and ``H|psi>``.

The device twins of :mod:`.cpu_pauli`, with its conventions: a Pauli string is ``m X^x Z^z``
(``Z`` acts first), ``(P psi)[j] = m (-1)**popcount((j ^ x) & z) psi[j ^ x]``, masks are int64.
Overlaps ``<a|P|b>`` are :func:`qfusion.sim.kernels.cuda_measure.pauli_overlap`. Kernels validate
nothing; :mod:`qfusion.sim.gpu.adjoint` builds their arguments.
"""

from __future__ import annotations

from numba import cuda


@cuda.jit(device=True)
def _sign(index, z):
    return 1.0 - 2.0 * (cuda.popc(index & z) & 1)


@cuda.jit
def pauli_rotation(state, x, z, top, factor, cos_half):
    """``state <- (cos_half I + factor X^x Z^z) state`` in place, with ``factor = -i sin_half m``;
    ``top`` is the highest set bit of ``x`` (any value when ``x == 0``)."""
    size = state.shape[0]
    if x == 0:
        for j in range(cuda.grid(1), size, cuda.gridsize(1)):
            state[j] = state[j] * (cos_half + factor * _sign(j, z))
        return
    low = (1 << top) - 1
    for g in range(cuda.grid(1), size >> 1, cuda.gridsize(1)):
        j = ((g >> top) << (top + 1)) | (g & low)  # bit ``top`` of j is 0: each pair once
        k = j ^ x
        a = state[j]
        b = state[k]
        state[j] = cos_half * a + factor * _sign(k, z) * b
        state[k] = cos_half * b + factor * _sign(j, z) * a


@cuda.jit
def apply_pauli_sum(state, out, x_masks, group_starts, z_masks, coeffs):
    """``out <- sum_t coeffs[t] X^x Z^z_t state``; terms grouped by X mask (group ``g`` holds
    ``z_masks[group_starts[g]:group_starts[g + 1]]``); every output amplitude is gathered."""
    num_groups = x_masks.shape[0]
    for j in range(cuda.grid(1), state.shape[0], cuda.gridsize(1)):
        acc = 0j
        for g in range(num_groups):
            k = j ^ x_masks[g]
            weight = 0j
            for t in range(group_starts[g], group_starts[g + 1]):
                weight += coeffs[t] * _sign(k, z_masks[t])
            acc += weight * state[k]
        out[j] = acc
