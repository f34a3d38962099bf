"""CUDA gathered sweeps: the lane-sweep plan of :mod:`.cpu_lanes` run in shared memory.

The arguments are those of :func:`qfusion.sim.kernels.cpu_lanes.sweep` (same op encoding,
see its docstring), except that the state is a complex vector and the coefficients one complex
array. One thread block takes a chunk of ``2**active`` amplitudes (the sweep's buffer bits; the
chunk index sets the *outer* bits), gathers it into shared memory, applies every op of the
sweep there with ``__syncthreads`` between ops, and scatters it back: one read and one write
of the state per sweep. Lanes are a CPU notion; here they are just buffer bits no op mixes.

Per op type, each thread takes: 0 a pair of amplitudes, 4 a quadruple, 1 and 3 one amplitude,
2 a group of ``2^k`` amplitudes (``k <= MAX_DENSE_BITS``, copied to the thread's local array).
``active`` may be at most :func:`max_active` of the dtype. Kernels validate nothing.
"""

from __future__ import annotations

from functools import cache

import numba
import numpy as np
from numba import cuda

from qfusion.sim.kernels.bodies import block_index

MAX_DENSE_BITS = 5  # a type-2 op may mix at most this many buffer bits here (a thread's local array)
_SHARED_BYTES = 32 << 10


def max_active(dtype) -> int:
    """The most buffer bits a sweep of ``dtype`` may have: its chunk fills 32 KiB of shared memory."""
    return (_SHARED_BYTES // np.dtype(dtype).itemsize).bit_length() - 1


_LANES = 16  # 2 ** cpu_lanes.LANE_BITS: type-3 diagonals hold one coefficient per lane


_block = cuda.jit(device=True)(block_index)


@cuda.jit(device=True)
def _insert_zero(g, p):
    return ((g >> p) << (p + 1)) | (g & ((1 << p) - 1))


@cache
def sweep_kernel(dtype):
    """The sweep kernel for states of ``dtype``; launch one block per chunk (or fewer: blocks loop)."""
    nb_type = numba.from_dtype(np.dtype(dtype))
    size_max = 1 << max_active(dtype)
    dim_max = 1 << MAX_DENSE_BITS

    @cuda.jit
    def kernel(state, active, outer, offsets_low, offsets_high, buffer_low, buffer_high,
               op_type, op_target, op_bits, op_nbits, op_sel, op_nsel, op_data, op_stride, op_skip,
               coef, skip):
        buf = cuda.shared.array(size_max, nb_type)
        amps = cuda.local.array(dim_max, nb_type)
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
                else:
                    k = op_nbits[o]
                    dim = 1 << k
                    for g in range(tid, size >> k, nt):
                        first = g
                        for j in range(k):  # op_bits ascending: spread g around zeros there
                            first = _insert_zero(first, op_bits[o, j])
                        h = _block(first, chunk, sel, nsel, active)
                        if skip[skip_off + h]:
                            continue
                        for a in range(dim):
                            index = first
                            for j in range(k):
                                if (a >> j) & 1:
                                    index |= 1 << op_bits[o, j]
                            amps[a] = buf[index]
                        c0 = off + h * stride
                        for a in range(dim):
                            acc = coef[c0 + a * dim] * amps[0]
                            for m in range(1, dim):
                                acc += coef[c0 + a * dim + m] * amps[m]
                            index = first
                            for j in range(k):
                                if (a >> j) & 1:
                                    index |= 1 << op_bits[o, j]
                            buf[index] = acc
                cuda.syncthreads()
            for t in range(tid, size, nt):
                hi = t // low
                lo = t - hi * low
                state[base + offsets_high[hi] + offsets_low[lo]] = buf[buffer_high[hi] + buffer_low[lo]]
            cuda.syncthreads()

    return kernel
