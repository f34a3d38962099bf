"""CUDA gathered sweeps: the lane-sweep plan of :mod:`.cpu_lanes` run in shared memory.

The arguments are those of :func:`qfusion.sim.kernels.cpu_lanes.sweep` (same op encoding,
see its docstring), except that the state is a complex vector and the coefficients one complex
array. One thread block takes a chunk of ``2**active`` amplitudes (the sweep's buffer bits; the
chunk index sets the *outer* bits), gathers it into shared memory, applies every op of the
sweep there with ``__syncthreads`` between ops, and scatters it back: one read and one write
of the state per sweep. Lanes are a CPU notion; here they are just buffer bits no op mixes.

The chunk lives in *dynamic* shared memory: launch with :func:`shared_bytes` of it (through
:func:`qfusion.sim.kernels.cuda_launch.launch`, which opts in above 48 KiB). The default chunk
fills 32 KiB (:func:`max_active`); up to :data:`MAX_SHARED_BYTES` a block (H100/H200) bigger
chunks hold more qubits, so a sweep mixes more of them and a circuit needs fewer sweeps.

Per op type, each thread takes: 0 a pair of amplitudes, 4 a quadruple, 1 and 3 one amplitude,
2 a group of ``2^k`` amplitudes (``k <= MAX_DENSE_BITS``, copied to the thread's local array).
Type-2 ops on more bits run only in the *wide* kernel (``sweep_kernel(dtype, wide=True)``):
there each thread computes up to :data:`WIDE_OUTPUTS` output amplitudes of whole groups from
shared memory, the block syncs, and the outputs are written back, round after round; ``2^k``
may be at most ``WIDE_OUTPUTS`` times the threads of a block (:func:`max_wide_bits`).
Kernels validate nothing.
"""

from __future__ import annotations

from functools import cache

import numba
import numpy as np
from numba import cuda

from qfusion.sim.kernels.bodies import block_index

MAX_DENSE_BITS = 5  # a type-2 op may mix at most this many buffer bits in a thread's local array
WIDE_OUTPUTS = 32   # output amplitudes one thread holds per round of a wider type-2 op
DEFAULT_SHARED_BYTES = 32 << 10
MAX_SHARED_BYTES = 227 << 10  # the most dynamic shared memory a block may opt in to (H100, H200, B200)


def max_active(dtype, shared_bytes: int = DEFAULT_SHARED_BYTES) -> int:
    """The most buffer bits a sweep of ``dtype`` may have when its chunk may fill ``shared_bytes``."""
    return (shared_bytes // np.dtype(dtype).itemsize).bit_length() - 1


def shared_bytes(active: int, dtype) -> int:
    """The dynamic shared memory a block of a sweep with ``active`` buffer bits takes."""
    return (1 << int(active)) * np.dtype(dtype).itemsize


def max_wide_bits(threads: int) -> int:
    """The widest type-2 op the wide kernel applies with ``threads`` threads a block."""
    return (threads * WIDE_OUTPUTS).bit_length() - 1


def needs_wide(op_type: np.ndarray, op_nbits: np.ndarray) -> bool:
    """Whether a sweep has a type-2 op on more than :data:`MAX_DENSE_BITS` bits."""
    return bool(np.any((op_type == 2) & (op_nbits > MAX_DENSE_BITS)))


_LANES = 16  # 2 ** cpu_lanes.LANE_BITS: type-3 diagonals hold one coefficient per lane


_block = cuda.jit(device=True)(block_index)


@cuda.jit(device=True)
def _insert_zero(g, p):
    return ((g >> p) << (p + 1)) | (g & ((1 << p) - 1))


@cuda.jit(device=True)
def _group_base(g, bits, o, k):
    """Group ``g`` of an op on the ascending buffer bits ``bits[o, :k]``: its index with those bits zero."""
    for j in range(k):
        g = _insert_zero(g, bits[o, j])
    return g


@cuda.jit(device=True)
def _deposit(a, bits, o, k):
    """The buffer offset of matrix index ``a`` over the bits ``bits[o, :k]``."""
    index = 0
    for j in range(k):
        if (a >> j) & 1:
            index |= 1 << bits[o, j]
    return index


def sweep_kernel(dtype, wide: bool = False):
    """The sweep kernel for states of ``dtype``; launch one block per chunk (or fewer: blocks loop)
    with :func:`shared_bytes` of dynamic shared memory. ``wide``: the kernel that also applies
    type-2 ops on more than :data:`MAX_DENSE_BITS` bits (a separate kernel, so that the common one
    keeps its small footprint)."""
    return _sweep_kernel(np.dtype(dtype), bool(wide))


@cache
def _sweep_kernel(dtype, wide: bool):
    nb_type = numba.from_dtype(dtype)
    dim_max = 1 << MAX_DENSE_BITS
    outputs = WIDE_OUTPUTS if wide else 1

    @cuda.jit
    def kernel(state, active, outer, offsets_low, offsets_high, buffer_low, buffer_high,
               op_type, op_target, op_bits, op_nbits, op_sel, op_nsel, op_data, op_stride, op_skip,
               coef, skip):
        buf = cuda.shared.array(0, nb_type)
        amps = cuda.local.array(dim_max, nb_type)
        held = cuda.local.array(outputs, nb_type)
        tid = cuda.threadIdx.x
        nt = cuda.blockDim.x
        size = 1 << active
        low = offsets_low.shape[0]
        num_outer = outer.shape[0]
        for chunk in range(cuda.blockIdx.x, 1 << num_outer, cuda.gridDim.x):
            base = 0
            for j in range(num_outer):
                base |= ((chunk >> j) & 1) << outer[j]
            for t in range(tid, size, nt):
                hi = t // low
                lo = t - hi * low
                buf[buffer_high[hi] + buffer_low[lo]] = state[base + offsets_high[hi] + offsets_low[lo]]
            cuda.syncthreads()
            for o in range(op_type.shape[0]):
                kind = op_type[o]
                sel = op_sel[o]
                nsel = op_nsel[o]
                off = op_data[o]
                stride = op_stride[o]
                skip_off = op_skip[o]
                if kind == 0:
                    q = op_target[o]
                    for p in range(tid, size >> 1, nt):
                        i0 = _insert_zero(p, q)
                        i1 = i0 | (1 << q)
                        h = _block(i0, chunk, sel, nsel, active)
                        if not skip[skip_off + h]:
                            c = off + h * stride
                            a0 = buf[i0]
                            a1 = buf[i1]
                            buf[i0] = coef[c] * a0 + coef[c + 1] * a1
                            buf[i1] = coef[c + 2] * a0 + coef[c + 3] * a1
                elif kind == 4:
                    b0 = op_bits[o, 0]
                    b1 = op_bits[o, 1]
                    for p in range(tid, size >> 2, nt):
                        i0 = _insert_zero(_insert_zero(p, b0), b1)
                        h = _block(i0, chunk, sel, nsel, active)
                        if not skip[skip_off + h]:
                            c = off + h * stride
                            i1 = i0 | (1 << b0)
                            i2 = i0 | (1 << b1)
                            i3 = i1 | (1 << b1)
                            x0 = buf[i0]
                            x1 = buf[i1]
                            x2 = buf[i2]
                            x3 = buf[i3]
                            buf[i0] = coef[c] * x0 + coef[c + 1] * x1 + coef[c + 2] * x2 + coef[c + 3] * x3
                            buf[i1] = coef[c + 4] * x0 + coef[c + 5] * x1 + coef[c + 6] * x2 + coef[c + 7] * x3
                            buf[i2] = coef[c + 8] * x0 + coef[c + 9] * x1 + coef[c + 10] * x2 + coef[c + 11] * x3
                            buf[i3] = coef[c + 12] * x0 + coef[c + 13] * x1 + coef[c + 14] * x2 + coef[c + 15] * x3
                elif kind == 1 or kind == 3:
                    k = op_nbits[o]
                    for i in range(tid, size, nt):
                        h = _block(i, chunk, sel, nsel, active)
                        if not skip[skip_off + h]:
                            index = 0
                            for j in range(k):
                                index |= ((i >> op_bits[o, j]) & 1) << j
                            if kind == 3:
                                index = index * _LANES + (i & (_LANES - 1))
                            buf[i] *= coef[off + h * stride + index]
                elif wide and op_nbits[o] > MAX_DENSE_BITS:
                    k = op_nbits[o]
                    dim = 1 << k
                    mask = _deposit(dim - 1, op_bits, o, k)
                    groups = size >> k
                    per_round = (nt * outputs) >> k  # whole groups, so a round reads nothing it overwrites
                    for g0 in range(0, groups, per_round):
                        count = (per_round if g0 + per_round <= groups else groups - g0) << k
                        j = 0
                        for u in range(tid, count, nt):
                            first = _group_base(g0 + (u >> k), op_bits, o, k)
                            a = u & (dim - 1)
                            h = _block(first, chunk, sel, nsel, active)
                            if skip[skip_off + h]:
                                held[j] = buf[first | _deposit(a, op_bits, o, k)]
                            else:
                                c = off + h * stride + a * dim
                                acc = coef[c] * buf[first]
                                column = 0
                                for m in range(1, dim):
                                    column = ((column | ~mask) + 1) & mask  # the next offset over the op's bits
                                    acc += coef[c + m] * buf[first | column]
                                held[j] = acc
                            j += 1
                        cuda.syncthreads()
                        j = 0
                        for u in range(tid, count, nt):
                            first = _group_base(g0 + (u >> k), op_bits, o, k)
                            buf[first | _deposit(u & (dim - 1), op_bits, o, k)] = held[j]
                            j += 1
                        cuda.syncthreads()
                else:
                    k = op_nbits[o]
                    dim = 1 << k
                    for g in range(tid, size >> k, nt):
                        first = _group_base(g, op_bits, o, k)  # op_bits ascending
                        h = _block(first, chunk, sel, nsel, active)
                        if skip[skip_off + h]:
                            continue
                        for a in range(dim):
                            amps[a] = buf[first | _deposit(a, op_bits, o, k)]
                        c0 = off + h * stride
                        for a in range(dim):
                            acc = coef[c0 + a * dim] * amps[0]
                            for m in range(1, dim):
                                acc += coef[c0 + a * dim + m] * amps[m]
                            buf[first | _deposit(a, op_bits, o, k)] = acc
                cuda.syncthreads()
            for t in range(tid, size, nt):
                hi = t // low
                lo = t - hi * low
                state[base + offsets_high[hi] + offsets_low[lo]] = buf[buffer_high[hi] + buffer_low[lo]]
            cuda.syncthreads()

    return kernel
