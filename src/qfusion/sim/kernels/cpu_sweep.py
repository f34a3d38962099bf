"""Cache-blocked sweeps: many gates applied to one cache-sized chunk of the state at a time.

The state is cut into chunks of ``2**local_qubits`` contiguous amplitudes. Every op of a
sweep acts non-trivially only on *local* bit positions (below ``local_qubits``); bit
positions above it are fixed inside a chunk, so an op that touches them only as controls
or through phases (``cz``, ``cp`` to a far qubit, a control of ``cx``) is reduced, per
chunk, to one of its precomputed *blocks*, selected by those high bits. A block whose
``skip`` flag is set is the identity and costs nothing.

Op encoding (one row per op):
  ``op_type``   0 dense (a ``2^k x 2^k`` matrix), 1 diagonal (``2^k`` phases),
                2 permutation (``perm`` of ``2^k`` basis states with ``2^k`` phases)
  ``op_local``  the ``k`` local bit positions, ascending; matrix index bit j is ``op_local[j]``
  ``op_high``   the high bit positions selecting a block; block index bit j is ``op_high[j]``
  ``op_data``   offset of block 0 in ``data``; block ``h`` starts at ``op_data + h * op_stride``
  ``op_perm``   offset of the permutation table in ``perm_data`` (permutation ops)
  ``op_skip``   offset of the op's skip flags (one per block) in ``skip``

Kernels validate nothing; :mod:`qfusion.sim.fusion` builds the encoding.
"""

from __future__ import annotations

import numba as nb
import numpy as np

_OPTS = dict(cache=True, nogil=True, fastmath=True, error_model="numpy")


# Gates on a bit of stride >= _VECTOR_STRIDE go through _pair/_quad on separate views of the two
# (four) halves: LLVM then knows how the halves are laid out and vectorises the loop.
_VECTOR_STRIDE = 4


@nb.njit(inline="never", **_OPTS)
def _pair(x0, x1, m00, m01, m10, m11):
    for i in range(x0.shape[0]):
        a0 = x0[i]
        a1 = x1[i]
        x0[i] = m00 * a0 + m01 * a1
        x1[i] = m10 * a0 + m11 * a1


@nb.njit(inline="never", **_OPTS)
def _quad(x0, x1, x2, x3, m):
    for i in range(x0.shape[0]):
        a0 = x0[i]
        a1 = x1[i]
        a2 = x2[i]
        a3 = x3[i]
        x0[i] = m[0] * a0 + m[1] * a1 + m[2] * a2 + m[3] * a3
        x1[i] = m[4] * a0 + m[5] * a1 + m[6] * a2 + m[7] * a3
        x2[i] = m[8] * a0 + m[9] * a1 + m[10] * a2 + m[11] * a3
        x3[i] = m[12] * a0 + m[13] * a1 + m[14] * a2 + m[15] * a3


@nb.njit(inline="always", **_OPTS)
def _dense1(chunk, q, data, off):
    m00, m01, m10, m11 = data[off], data[off + 1], data[off + 2], data[off + 3]
    stride = 1 << q
    size = chunk.shape[0]
    if stride < _VECTOR_STRIDE:
        for i0 in range(0, size, 2 * stride):
            for i in range(i0, i0 + stride):
                a0 = chunk[i]
                a1 = chunk[i + stride]
                chunk[i] = m00 * a0 + m01 * a1
                chunk[i + stride] = m10 * a0 + m11 * a1
        return
    for i0 in range(0, size, 2 * stride):
        _pair(chunk[i0:i0 + stride], chunk[i0 + stride:i0 + 2 * stride], m00, m01, m10, m11)


@nb.njit(inline="always", **_OPTS)
def _dense2(chunk, q0, q1, data, off):
    s0 = 1 << q0
    s1 = 1 << q1
    m = data[off:off + 16]
    size = chunk.shape[0]
    if s0 < _VECTOR_STRIDE:
        for i1 in range(0, size, 2 * s1):
            for i2 in range(i1, i1 + s1, 2 * s0):
                for i in range(i2, i2 + s0):
                    a0 = chunk[i]
                    a1 = chunk[i + s0]
                    a2 = chunk[i + s1]
                    a3 = chunk[i + s0 + s1]
                    chunk[i] = m[0] * a0 + m[1] * a1 + m[2] * a2 + m[3] * a3
                    chunk[i + s0] = m[4] * a0 + m[5] * a1 + m[6] * a2 + m[7] * a3
                    chunk[i + s1] = m[8] * a0 + m[9] * a1 + m[10] * a2 + m[11] * a3
                    chunk[i + s0 + s1] = m[12] * a0 + m[13] * a1 + m[14] * a2 + m[15] * a3
        return
    for i1 in range(0, size, 2 * s1):
        for i in range(i1, i1 + s1, 2 * s0):
            _quad(chunk[i:i + s0], chunk[i + s0:i + 2 * s0], chunk[i + s1:i + s1 + s0],
                  chunk[i + s1 + s0:i + s1 + 2 * s0], m)


@nb.njit(inline="always", **_OPTS)
def _insert_zeros(g, positions, k):
    # spread the bits of g around zero bits at the (ascending) positions
    for j in range(k):
        p = positions[j]
        low = g & ((1 << p) - 1)
        g = ((g >> p) << (p + 1)) | low
    return g


@nb.njit(inline="always", **_OPTS)
def _offsets(positions, k):
    dim = 1 << k
    offs = np.zeros(dim, dtype=np.int64)
    for j in range(dim):
        o = 0
        for b in range(k):
            if (j >> b) & 1:
                o += 1 << positions[b]
        offs[j] = o
    return offs


@nb.njit(inline="always", **_OPTS)
def _dense_k(chunk, positions, k, data, off):
    dim = 1 << k
    offs = _offsets(positions, k)
    buf = np.empty(dim, dtype=chunk.dtype)
    for g in range(chunk.shape[0] >> k):
        base = _insert_zeros(g, positions, k)
        for j in range(dim):
            buf[j] = chunk[base + offs[j]]
        for r in range(dim):
            acc = buf[0] * 0
            row = off + r * dim
            for j in range(dim):
                acc += data[row + j] * buf[j]
            chunk[base + offs[r]] = acc


@nb.njit(inline="always", **_OPTS)
def _diagonal(chunk, positions, k, data, off):
    size = chunk.shape[0]
    if k == 1:
        stride = 1 << positions[0]
        d0 = data[off]
        d1 = data[off + 1]
        for i0 in range(0, size, 2 * stride):
            if d0 != 1:
                for i in range(i0, i0 + stride):
                    chunk[i] *= d0
            for i in range(i0 + stride, i0 + 2 * stride):
                chunk[i] *= d1
        return
    for i in range(size):
        idx = 0
        for j in range(k):
            idx |= ((i >> positions[j]) & 1) << j
        chunk[i] *= data[off + idx]


@nb.njit(inline="always", **_OPTS)
def _permutation(chunk, positions, k, perm_data, poff, data, off):
    dim = 1 << k
    offs = _offsets(positions, k)
    buf = np.empty(dim, dtype=chunk.dtype)
    for g in range(chunk.shape[0] >> k):
        base = _insert_zeros(g, positions, k)
        for j in range(dim):
            buf[j] = chunk[base + offs[j]]
        for j in range(dim):
            chunk[base + offs[perm_data[poff + j]]] = data[off + j] * buf[j]


@nb.njit(parallel=True, **_OPTS)
def sweep(state, local_qubits, op_type, op_local, op_nlocal, op_high, op_nhigh, op_data,
          op_stride, op_perm, op_skip, data, perm_data, skip):
    """Apply every op to every chunk of ``2**local_qubits`` amplitudes of ``state``, in place."""
    chunk_size = 1 << local_qubits
    num_chunks = state.shape[0] >> local_qubits
    num_ops = op_type.shape[0]
    for c in nb.prange(num_chunks):
        chunk = state[c * chunk_size:(c + 1) * chunk_size]
        for o in range(num_ops):
            h = 0
            for j in range(op_nhigh[o]):
                h |= ((c >> (op_high[o, j] - local_qubits)) & 1) << j
            if skip[op_skip[o] + h]:
                continue
            off = op_data[o] + h * op_stride[o]
            k = op_nlocal[o]
            t = op_type[o]
            if t == 0:
                if k == 1:
                    _dense1(chunk, op_local[o, 0], data, off)
                elif k == 2:
                    _dense2(chunk, op_local[o, 0], op_local[o, 1], data, off)
                else:
                    _dense_k(chunk, op_local[o], k, data, off)
            elif t == 1:
                if k == 0:
                    d = data[off]
                    for i in range(chunk_size):
                        chunk[i] *= d
                else:
                    _diagonal(chunk, op_local[o], k, data, off)
            else:
                _permutation(chunk, op_local[o], k, perm_data, op_perm[o] + (h << k), data, off)


@nb.njit(inline="never", **_OPTS)
def _exchange(x0, x1):
    for i in range(x0.shape[0]):
        a = x0[i]
        x0[i] = x1[i]
        x1[i] = a


@nb.njit(parallel=True, **_OPTS)
def swap_bit_positions(state, first, second):
    """Exchange index bit ``first[j]`` with ``second[j]`` for every j (disjoint pairs), in place.

    One pass over memory however many pairs: the state moves in contiguous runs as long as
    the lowest position involved allows.
    """
    num_pairs = first.shape[0]
    lowest = 62
    for j in range(num_pairs):
        lowest = min(lowest, first[j], second[j])
    run = 1 << lowest
    for r in nb.prange(state.shape[0] >> lowest):
        i = r << lowest
        flip = 0
        for j in range(num_pairs):
            if ((i >> first[j]) ^ (i >> second[j])) & 1:
                flip |= (1 << first[j]) | (1 << second[j])
        target = i ^ flip
        if target > i:
            if run >= 4:
                _exchange(state[i:i + run], state[target:target + run])
            else:
                for k in range(run):
                    a = state[i + k]
                    state[i + k] = state[target + k]
                    state[target + k] = a
