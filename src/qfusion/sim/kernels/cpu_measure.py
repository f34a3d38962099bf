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


_PAULI_BLOCK_BITS = 10


@nb.njit(parallel=True, cache=True, nogil=True, fastmath=True, error_model="numpy")
def _signed_sums(state, x, hole, spread_low, z_masks, signs, flips):
    """Per Pauli term t: sum_i s_t(i) p(i), or q(i) where ``flips[t]``, over one index per pair.

    For ``x == 0`` every i counts and p = |psi_i|^2. Otherwise i runs over the indices whose
    bit ``hole`` is 0, j = i ^ x, and p + iq = conj(psi_j) psi_i. s_t(i) = (-1)^parity(i & z_t)
    is ``signs[t, low part]`` times the sign of the block's base, so the inner loops are dot
    products with +-1 tables, not a parity per term and amplitude.
    """
    low = spread_low.shape[0]
    count = state.shape[0] if x == 0 else state.shape[0] >> 1
    num_blocks = count // low
    groups = min(_BLOCKS, num_blocks)
    per_group = num_blocks // groups
    terms = z_masks.shape[0]
    sums = np.zeros((groups, terms))
    for grp in nb.prange(groups):
        p = np.empty(low)
        q = np.empty(low)
        for block in range(grp * per_group, (grp + 1) * per_group):
            g = block * low
            base = g if hole < 0 else ((g >> hole) << (hole + 1)) | (g & ((1 << hole) - 1))
            for j in range(low):
                i = base | spread_low[j]
                a = state[i]
                if x == 0:
                    p[j] = a.real * a.real + a.imag * a.imag
                else:
                    b = state[i ^ x]
                    p[j] = b.real * a.real + b.imag * a.imag
                    q[j] = b.real * a.imag - b.imag * a.real
            for t in range(terms):
                v = base & z_masks[t]
                v ^= v >> 32
                v ^= v >> 16
                v ^= v >> 8
                v ^= v >> 4
                v ^= v >> 2
                v ^= v >> 1
                row = signs[t]
                dot = 0.0
                if flips[t]:
                    for j in range(low):
                        dot += row[j] * q[j]
                else:
                    for j in range(low):
                        dot += row[j] * p[j]
                sums[grp, t] += -dot if v & 1 else dot
    return sums.sum(axis=0)


def _parities(values: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """parity(values[j] & masks[t]) as an array [t, j] of 0/1."""
    v = values[None, :] & masks[:, None]
    parity = np.zeros(v.shape, dtype=np.int64)
    while np.any(v):
        parity ^= v & 1
        v = v >> 1
    return parity


def pauli_expectations(state, x_masks, group_starts, z_masks, coeffs):
    """sum_t coeffs[t] <psi| X^x_t Z^z_t |psi> for Pauli terms grouped by equal x mask.

    Terms ``group_starts[g]`` to ``group_starts[g+1]`` share ``x_masks[g]``: one pass over the
    state per distinct x mask, however many terms share it, reading each amplitude once
    (pairs i, i^x are visited together). ``coeffs`` carry any phase (for Y).
    """
    size = state.shape[0]
    total = 0.0 + 0.0j
    for g in range(x_masks.shape[0]):
        x = int(x_masks[g])
        t0, t1 = int(group_starts[g]), int(group_starts[g + 1])
        z = np.ascontiguousarray(z_masks[t0:t1], dtype=np.int64)
        c = np.asarray(coeffs[t0:t1], dtype=np.complex128)
        hole = x.bit_length() - 1  # pair i with i ^ x through x's highest bit
        count = size if x == 0 else size >> 1
        low_bits = min(_PAULI_BLOCK_BITS, count.bit_length() - 1)
        j = np.arange(1 << low_bits, dtype=np.int64)
        spread = j if hole < 0 else ((j >> hole) << (hole + 1)) | (j & ((1 << hole) - 1))
        signs = 1.0 - 2.0 * _parities(spread, z)
        flips = (_parities(np.array([x], dtype=np.int64), z)[:, 0] == 1) if x else np.zeros(len(z), dtype=bool)
        sums = _signed_sums(state, x, hole, spread, z, signs, flips)
        if x == 0:
            total += np.sum(c * sums)
        else:
            total += np.sum(c * np.where(flips, 2j, 2.0) * sums)
    return total
