"""Measurement, sampling and expectation kernels over a state vector (in place, no copies)."""

from __future__ import annotations

import numba as nb
import numpy as np

from qfusion.sim.kernels.bodies import collapse_pair, scan_block

_OPTS = dict(cache=True, nogil=True, fastmath=False, error_model="numpy")
_collapse_pair = nb.njit(inline="always", **_OPTS)(collapse_pair)
_scan_block = nb.njit(inline="always", **_OPTS)(scan_block)
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
        _collapse_pair(state, g, position, low, outcome, scale, move_to_zero)


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
        i, stop = b * size, (b + 1) * size
        running, last_nonzero = block_starts[b], b * size
        while u < end and i < stop:
            i, running, last_nonzero = _scan_block(state, i, stop, running, last_nonzero, uniforms[u])
            while i < stop and u < end and uniforms[u] < running:  # the uniforms falling on index i
                out[u] = i
                u += 1
            i += 1
        while u < end:  # rounding left a few uniforms past the block's end
            out[u] = last_nonzero
            u += 1
    return out


_PAULI_BLOCK_BITS = 10


@nb.njit(inline="always", **_OPTS)
def parity(v):
    """Parity of the set bits of ``v`` (0 or 1) by folding: no loop over the bits."""
    v ^= v >> 32
    v ^= v >> 16
    v ^= v >> 8
    v ^= v >> 4
    v ^= v >> 2
    v ^= v >> 1
    return v & 1
_SUPERBLOCK_BITS = 18  # 2 x 4 MiB of complex128: a superblock and its partner stay in the L3 cache


@nb.njit(inline="always", **_OPTS)
def _pair_range(x, hole, block, super_bits):
    """The pair indices (i = index with a zero spread in at ``hole``) whose i lies in superblock ``block``."""
    if x == 0:
        return block << super_bits, 1 << super_bits
    if hole < super_bits:
        return block << (super_bits - 1), 1 << (super_bits - 1)
    bit = hole - super_bits  # drop the hole's (zero) bit from the superblock index
    squeezed = ((block >> (bit + 1)) << bit) | (block & ((1 << bit) - 1))
    return squeezed << super_bits, 1 << super_bits


@nb.njit(parallel=True, cache=True, nogil=True, fastmath=True, error_model="numpy")
def _class_sums(state, xs, holes, spreads, z_masks, term_starts, signs, flips, super_bits, workers):
    """Per Pauli term t: sum_i s_t(i) p(i), or q(i) where ``flips[t]``, over one index per pair.

    ``xs`` are x masks whose bits above ``super_bits`` agree (one class); the terms of mask m are
    ``term_starts[m]`` to ``term_starts[m+1]``. For x == 0 every i counts and p = |psi_i|^2;
    otherwise i runs over the indices whose bit ``holes[m]`` is 0, j = i ^ x and
    p + iq = conj(psi_j) psi_i. s_t(i) = (-1)^parity(i & z_t) is ``signs[t, low part]`` times the
    sign of the block's base, so the inner loops are dot products with +-1 tables. The state is
    walked superblock by superblock, every mask of the class on one superblock (and its partner)
    before the next, so memory is read about once for the whole class; each of ``workers``
    threads takes every ``workers``-th block of a superblock (one parallel launch in all).
    """
    low = spreads.shape[1]
    num_super = state.shape[0] >> super_bits
    out = np.zeros((workers, z_masks.shape[0]))
    for w in nb.prange(workers):
        p = np.empty(low)
        q = np.empty(low)
        for sb in range(num_super):
            for m in range(xs.shape[0]):
                x = xs[m]
                hole = holes[m]
                if x != 0 and hole >= super_bits and (sb >> (hole - super_bits)) & 1:
                    continue  # the partner side of this mask's pairs
                first, count = _pair_range(x, hole, sb, super_bits)
                spread = spreads[m]
                for block in range(w, count // low, workers):
                    g = first + block * low
                    base = g if x == 0 else ((g >> hole) << (hole + 1)) | (g & ((1 << hole) - 1))
                    for j in range(low):
                        i = base | spread[j]
                        a = state[i]
                        if x == 0:
                            p[j] = a.real * a.real + a.imag * a.imag
                        else:
                            b = state[i ^ x]
                            p[j] = b.real * a.real + b.imag * a.imag
                            q[j] = b.real * a.imag - b.imag * a.real
                    for t in range(term_starts[m], term_starts[m + 1]):
                        negative = parity(base & z_masks[t])
                        row = signs[t]
                        dot = 0.0
                        if flips[t]:
                            for j in range(low):
                                dot += row[j] * q[j]
                        else:
                            for j in range(low):
                                dot += row[j] * p[j]
                        out[w, t] += -dot if negative else dot
    return out.sum(axis=0)


def pauli_expectations(state, x_masks, group_starts, z_masks, coeffs):
    """sum_t coeffs[t] <psi| X^x_t Z^z_t |psi> for Pauli terms grouped by equal x mask.

    Terms ``group_starts[g]`` to ``group_starts[g+1]`` share ``x_masks[g]``. Each amplitude is read
    once per x mask (pairs i, i^x are visited together), and masks whose bits above a superblock
    agree share those reads through the cache (:func:`_class_sums`). ``coeffs`` carry any phase (Y).
    """
    size = state.shape[0]
    num_qubits = size.bit_length() - 1
    super_bits = min(_SUPERBLOCK_BITS, max(num_qubits - 1, 0))
    low = 1 << min(_PAULI_BLOCK_BITS, max(super_bits - 1, 0))
    classes: dict[int, list[int]] = {}
    for g in range(x_masks.shape[0]):
        classes.setdefault(int(x_masks[g]) >> super_bits, []).append(g)
    workers = nb.get_num_threads()
    total = 0.0 + 0.0j
    j = np.arange(low, dtype=np.int64)
    for members in classes.values():
        xs = np.array([int(x_masks[g]) for g in members], dtype=np.int64)
        holes = np.array([int(x).bit_length() - 1 for x in xs], dtype=np.int64)
        spreads = np.array([j if x == 0 else ((j >> h) << (h + 1)) | (j & ((1 << h) - 1))
                            for x, h in zip(xs, holes, strict=False)], dtype=np.int64)
        terms = [np.arange(group_starts[g], group_starts[g + 1]) for g in members]
        term_starts = np.cumsum([0] + [len(t) for t in terms]).astype(np.int64)
        index = np.concatenate(terms)
        z = np.ascontiguousarray(z_masks[index], dtype=np.int64)
        mask_of_term = np.repeat(np.arange(len(members)), [len(t) for t in terms])
        signs = np.ascontiguousarray(1.0 - 2.0 * _parities_rows(spreads[mask_of_term], z))
        flips = np.array([bin(int(xs[m]) & int(zt)).count("1") & 1 for m, zt in zip(mask_of_term, z, strict=False)], dtype=np.bool_)
        sums = _class_sums(state, xs, holes, spreads, z, term_starts, signs, flips, super_bits, workers)
        weight = np.where(xs[mask_of_term] == 0, 1.0, np.where(flips, 2j, 2.0))
        total += np.sum(np.asarray(coeffs, dtype=np.complex128)[index] * weight * sums)
    return total


def _parities_rows(values: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """parity(values[t, j] & masks[t]) as an array [t, j] of 0/1."""
    v = values & masks[:, None]
    parity = np.zeros(v.shape, dtype=np.int64)
    while np.any(v):
        parity ^= v & 1
        v = v >> 1
    return parity
