"""Measurement, sampling and expectation kernels over a state vector (in place, no copies)."""

from __future__ import annotations

import numba as nb
import numpy as np

_OPTS = dict(cache=True, nogil=True, fastmath=False, error_model="numpy")
_BLOCKS = 256


@nb.njit(parallel=True, **_OPTS)
def probability_of_one(state, position):
    """Total probability of the amplitudes whose bit ``position`` is 1."""
    total = 0.0
    half = state.shape[0] >> 1
    low = (1 << position) - 1
    for g in nb.prange(half):
        i = ((g >> position) << (position + 1)) | (g & low) | (1 << position)
        a = state[i]
        total += a.real * a.real + a.imag * a.imag
    return total


@nb.njit(parallel=True, **_OPTS)
def collapse(state, position, outcome, scale, move_to_zero):
    """Keep amplitudes with bit ``position`` == ``outcome``, scaled; zero the rest.

    With ``move_to_zero`` the kept amplitudes move to bit value 0 (a reset after outcome 1).
    """
    half = state.shape[0] >> 1
    low = (1 << position) - 1
    for g in nb.prange(half):
        i0 = ((g >> position) << (position + 1)) | (g & low)
        i1 = i0 | (1 << position)
        if outcome == 1:
            kept = state[i1] * scale
            if move_to_zero:
                state[i0] = kept
                state[i1] = 0
            else:
                state[i0] = 0
                state[i1] = kept
        else:
            state[i0] = state[i0] * scale
            state[i1] = 0


@nb.njit(parallel=True, **_OPTS)
def block_norms(state, num_blocks):
    """Squared norm of each of ``num_blocks`` equal contiguous blocks."""
    size = state.shape[0] // num_blocks
    out = np.zeros(num_blocks)
    for b in nb.prange(num_blocks):
        total = 0.0
        for i in range(b * size, (b + 1) * size):
            a = state[i]
            total += a.real * a.real + a.imag * a.imag
        out[b] = total
    return out


@nb.njit(parallel=True, **_OPTS)
def sample_sorted(state, num_blocks, block_starts, uniforms, first_uniform):
    """Indices for sorted ``uniforms`` (scaled to the total norm), walking each block once.

    ``block_starts[b]`` is the cumulative norm before block b and ``first_uniform[b]`` the first
    uniform that falls in block b (``first_uniform[num_blocks]`` = len(uniforms)).
    """
    size = state.shape[0] // num_blocks
    out = np.empty(uniforms.shape[0], dtype=np.int64)
    for b in nb.prange(num_blocks):
        u = first_uniform[b]
        end = first_uniform[b + 1]
        if u == end:
            continue
        running = block_starts[b]
        last_nonzero = b * size
        for i in range(b * size, (b + 1) * size):
            a = state[i]
            p = a.real * a.real + a.imag * a.imag
            if p > 0.0:
                last_nonzero = i
            running += p
            while u < end and uniforms[u] < running:
                out[u] = i
                u += 1
            if u == end:
                break
        while u < end:  # rounding left a few uniforms past the block's end
            out[u] = last_nonzero
            u += 1
    return out


@nb.njit(parallel=True, **_OPTS)
def pauli_expectations(state, x_masks, group_starts, z_masks, coeffs):
    """sum_t coeffs[t] <psi| X^x_t Z^z_t |psi> for Pauli terms grouped by equal x mask.

    Terms ``group_starts[g]`` to ``group_starts[g+1]`` share ``x_masks[g]``: one pass over the
    state per distinct x mask, however many terms share it. ``coeffs`` carry any phase (for Y).
    """
    total = 0.0 + 0.0j
    for g in range(x_masks.shape[0]):
        x = x_masks[g]
        t0 = group_starts[g]
        t1 = group_starts[g + 1]
        partial = 0.0 + 0.0j
        for i in nb.prange(state.shape[0]):
            product = np.conj(state[i ^ x]) * state[i]
            weight = 0.0 + 0.0j
            for t in range(t0, t1):
                v = i & z_masks[t]
                v ^= v >> 32
                v ^= v >> 16
                v ^= v >> 8
                v ^= v >> 4
                v ^= v >> 2
                v ^= v >> 1
                weight += -coeffs[t] if v & 1 else coeffs[t]
            partial += product * weight
        total += partial
    return total
