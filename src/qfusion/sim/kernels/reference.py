"""NumPy twins of the compiled kernels, written for clarity; the tests compare the two."""

from __future__ import annotations

import numpy as np


def _bits(index, positions):
    out = np.zeros_like(index)
    for j, p in enumerate(positions):
        out |= ((index >> p) & 1) << j
    return out


def sweep(state, local_qubits, op_type, op_local, op_nlocal, op_high, op_nhigh, op_data,
          op_stride, op_perm, op_skip, data, perm_data, skip):
    """Twin of ``cpu_sweep.sweep``: applies every op to the whole state, block by block."""
    index = np.arange(state.shape[0])
    for o in range(op_type.shape[0]):
        local = list(op_local[o, :op_nlocal[o]])
        high = list(op_high[o, :op_nhigh[o]])
        k = len(local)
        block = _bits(index, high)
        sub = _bits(index, local)
        rest = index & ~sum((1 << p) for p in local)
        new = state.copy()
        for h in np.unique(block):
            if skip[op_skip[o] + h]:
                continue
            off = op_data[o] + h * op_stride[o]
            rows = block == h
            if op_type[o] == 1:
                new[rows] = state[rows] * data[off:off + (1 << k)][sub[rows]]
                continue
            dim = 1 << k
            if op_type[o] == 0:
                matrix = data[off:off + dim * dim].reshape(dim, dim)
            else:
                perm = perm_data[op_perm[o] + h * dim: op_perm[o] + (h + 1) * dim]
                matrix = np.zeros((dim, dim), dtype=state.dtype)
                matrix[perm, np.arange(dim)] = data[off:off + dim]
            offsets = np.array([sum(((j >> b) & 1) << p for b, p in enumerate(local)) for j in range(dim)])
            bases = np.unique(rest[rows])
            groups = state[bases[:, None] + offsets[None, :]]
            new[bases[:, None] + offsets[None, :]] = groups @ matrix.T
        state[:] = new


def lanes_sweep(state_floats, active, outer_positions, offsets_low, offsets_high, buffer_low, buffer_high,
                op_type, op_target, op_bits, op_nbits, op_sel, op_nsel, op_data, op_stride, op_skip,
                coef_re, coef_im, skip, run=1):
    """Twin of ``cpu_lanes.sweep``. It applies every block, ignoring ``skip``, so a block wrongly
    flagged as the identity makes the two differ; it checks that the low tables step by one
    within each block of ``run`` entries, as the kernel's plain copies assume."""
    step = np.arange(len(offsets_low)) % run
    if not (np.array_equal(offsets_low - offsets_low[np.arange(len(offsets_low)) - step], step)
            and np.array_equal(buffer_low - buffer_low[np.arange(len(buffer_low)) - step], step)):
        raise AssertionError(f"the low tables have no runs of {run}")
    state = state_floats[0::2] + 1j * state_floats[1::2]
    coef = coef_re.astype(complex) + 1j * coef_im
    offsets = (offsets_high[:, None] + offsets_low[None, :]).ravel()
    buffer_index = (buffer_high[:, None] + buffer_low[None, :]).ravel()
    index = np.arange(1 << active)
    for chunk in range(1 << len(outer_positions)):
        base = sum(((chunk >> j) & 1) << int(p) for j, p in enumerate(outer_positions))
        buf = np.empty(1 << active, dtype=complex)
        buf[buffer_index] = state[base + offsets]
        for o in range(op_type.shape[0]):
            block = np.zeros_like(index)
            for j, b in enumerate(op_sel[o, :op_nsel[o]]):
                bit = (chunk >> (b - active)) & 1 if b >= active else (index >> b) & 1
                block |= bit << j
            start = op_data[o] + block * op_stride[o]
            bits = list(op_bits[o, :op_nbits[o]])
            if op_type[o] == 0:
                q = op_target[o]
                i0 = index[((index >> q) & 1) == 0]
                i1 = i0 | (1 << q)
                c = start[i0]
                a0, a1 = buf[i0].copy(), buf[i1].copy()
                buf[i0] = coef[c] * a0 + coef[c + 1] * a1
                buf[i1] = coef[c + 2] * a0 + coef[c + 3] * a1
            elif op_type[o] in (1, 3):
                position = _bits(index, bits)
                if op_type[o] == 3:
                    position = position * 16 + (index & 15)
                buf = buf * coef[start + position]
            else:  # 2 (any dense) and 4 (two qubits) share the encoding
                dim = 1 << len(bits)
                local = np.array([sum(((j >> b) & 1) << p for b, p in enumerate(bits)) for j in range(dim)])
                rest = np.unique(index & ~sum(1 << p for p in bits))
                groups = buf[rest[:, None] + local[None, :]]
                starts = start[rest]
                matrices = coef[starts[:, None, None] + np.arange(dim * dim).reshape(dim, dim)[None]]
                buf[rest[:, None] + local[None, :]] = np.einsum("gab,gb->ga", matrices, groups)
        state[base + offsets] = buf[buffer_index]
    state_floats[0::2] = state.real
    state_floats[1::2] = state.imag


def swap_bit_positions(state, first, second):
    """Twin of ``cpu_sweep.swap_bit_positions``."""
    index = np.arange(state.shape[0])
    target = index.copy()
    for a, b in zip(first, second, strict=False):
        differ = ((index >> a) ^ (index >> b)) & 1
        target ^= differ * ((1 << a) | (1 << b))
    state[target] = state.copy()


def probability_of_one(state, position):
    index = np.arange(state.shape[0])
    return float(np.sum(np.abs(state[((index >> position) & 1) == 1]) ** 2))


def pauli_expectations(state, x_masks, group_starts, z_masks, coeffs):
    """Twin of ``cpu_measure.pauli_expectations``."""
    index = np.arange(state.shape[0])
    total = 0j
    for g, x in enumerate(x_masks):
        product = np.conj(state[index ^ x]) * state
        for t in range(group_starts[g], group_starts[g + 1]):
            parity = np.array([bin(v).count("1") & 1 for v in (index & z_masks[t])])
            total += coeffs[t] * np.sum(product * (1 - 2 * parity))
    return total


# -- twins of the CUDA kernels (cuda_gates, cuda_lanes, cuda_measure) ----------------------

def batch_dense(state, bits, k, offsets, coef):
    """Twin of ``cuda_gates.dense_kernel``: ``state[b]`` times the matrix on ``bits``."""
    dim = 1 << k
    rest = np.arange(state.shape[1])
    rest = rest[(rest & sum(1 << int(p) for p in bits[:k])) == 0]
    for b in range(state.shape[0]):
        matrix = coef[b if coef.shape[0] > 1 else 0].reshape(dim, dim)
        groups = state[b][rest[:, None] + offsets[None, :dim]]
        state[b][rest[:, None] + offsets[None, :dim]] = groups @ matrix.T


def batch_diagonal(state, bits, k, coef):
    """Twin of ``cuda_gates.diagonal_kernel``."""
    index = _bits(np.arange(state.shape[1]), list(bits[:k]))
    for b in range(state.shape[0]):
        state[b] *= coef[b if coef.shape[0] > 1 else 0][index]


def batch_permutation(state, bits, k, offsets, perm, phase):
    """Twin of ``cuda_gates.permutation_kernel``."""
    dim = 1 << k
    rest = np.arange(state.shape[1])
    rest = rest[(rest & sum(1 << int(p) for p in bits[:k])) == 0]
    for b in range(state.shape[0]):
        old = state[b][rest[:, None] + offsets[None, :dim]]
        new = np.empty_like(old)
        new[:, perm[:dim]] = old * phase[b if phase.shape[0] > 1 else 0][None, :dim]
        state[b][rest[:, None] + offsets[None, :dim]] = new


def gpu_sweep(state, active, outer, offsets_low, offsets_high, buffer_low, buffer_high, op_type, op_target,
              op_bits, op_nbits, op_sel, op_nsel, op_data, op_stride, op_skip, coef, skip):
    """Twin of ``cuda_lanes.sweep_kernel``: the lane-sweep twin on a complex state and coefficients."""
    floats = np.empty(2 * state.shape[0])
    floats[0::2], floats[1::2] = state.real, state.imag
    lanes_sweep(floats, active, outer, offsets_low, offsets_high, buffer_low, buffer_high, op_type, op_target,
                op_bits, op_nbits, op_sel, op_nsel, op_data, op_stride, op_skip, coef.real, coef.imag, skip)
    state[:] = floats[0::2] + 1j * floats[1::2]


def sample_keys(state, uniforms, positions):
    """Twin of ``cuda_measure.sample_keys`` (block size one): inverse-CDF draws reduced to keys."""
    cumulative = np.cumsum(np.abs(state) ** 2)
    index = np.minimum(np.searchsorted(cumulative, uniforms * cumulative[-1], side="right"), len(state) - 1)
    return _bits(index, list(positions))


def _signs(index, z):
    return np.array([1.0 - 2.0 * (bin(int(v)).count("1") & 1) for v in (index & z)])


def pauli_rotation(state, x, z, phase, cos_half, sin_half):
    """Twin of ``cpu_pauli.pauli_rotation`` and ``cuda_pauli.pauli_rotation`` (which takes
    ``factor = -1j * sin_half * phase`` and the top bit of ``x`` instead)."""
    index = np.arange(state.shape[0])
    applied = phase * _signs(index ^ x, z) * state[index ^ x]
    state[:] = cos_half * state - 1j * sin_half * applied


def pauli_overlap(bra, ket, x, z):
    """Twin of ``cpu_pauli.pauli_overlap`` and ``cuda_measure.pauli_overlap``: <bra|X^x Z^z|ket>."""
    index = np.arange(bra.shape[0])
    return complex(np.sum(np.conj(bra) * _signs(index ^ x, z) * ket[index ^ x]))


def apply_pauli_sum(state, out, x_masks, group_starts, z_masks, coeffs):
    """Twin of ``cpu_pauli.apply_pauli_sum`` and ``cuda_pauli.apply_pauli_sum``."""
    index = np.arange(state.shape[0])
    out[:] = 0
    for g, x in enumerate(x_masks):
        for t in range(group_starts[g], group_starts[g + 1]):
            out += coeffs[t] * _signs(index ^ x, z_masks[t]) * state[index ^ x]


def two_site_update(first, second, gate, diagonal, max_keep, threshold, center_left):
    """Twin of ``cpu_mps.two_site_update``, by einsum and NumPy's SVD."""
    left, right = first.shape[0], second.shape[2]
    theta = np.einsum("asm,mtb->astb", first, second).reshape(left, 4, right)
    matrix = np.diag(np.diag(gate)) if diagonal else gate
    block = np.einsum("jk,akb->ajb", matrix, theta).reshape(2 * left, 2 * right)
    u, s, vh = np.linalg.svd(block, full_matrices=False)
    weights = s * s
    total = float(weights.sum())
    if total == 0:
        return first, second, 0.0, 0.0
    keep = max(int(np.count_nonzero(weights > threshold * total)), 1)
    if max_keep > 0:
        keep = min(keep, max_keep)
    lost = float(weights[keep:].sum()) / total
    kept = s[:keep] / np.sqrt(weights[:keep].sum())
    if center_left:
        return (u[:, :keep] * kept).reshape(left, 2, keep), vh[:keep].reshape(keep, 2, right), lost, total
    return u[:, :keep].reshape(left, 2, keep), (kept[:, None] * vh[:keep]).reshape(keep, 2, right), lost, total
