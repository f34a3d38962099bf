"""CUDA kernels for measurement, sampling and expectation values over one state vector.

Reductions write one partial sum per thread block (launch with :data:`THREADS` threads per
block); the caller adds the few partials up. Sampling draws on the device and returns only
what was asked: per-shot outcome keys, or a histogram of them. Kernels validate nothing.
"""

from __future__ import annotations

import numba
from numba import cuda

from qfusion.sim.kernels.bodies import collapse_pair, scan_block

# threads per block of the reductions (a power of two); numba's CUDA simulator runs each as a
# Python thread, so it gets fewer (asked of numba.cuda: the numba-cuda package keeps its own config)
THREADS = 32 if cuda.config.ENABLE_CUDASIM else 128
_collapse_pair = cuda.jit(device=True)(collapse_pair)
_scan_block = cuda.jit(device=True)(scan_block)


@cuda.jit(device=True)
def _reduce_into(shared, value, out, slot):
    tid = cuda.threadIdx.x
    shared[tid] = value
    cuda.syncthreads()
    width = THREADS // 2
    while width > 0:
        if tid < width:
            shared[tid] += shared[tid + width]
        cuda.syncthreads()
        width //= 2
    if tid == 0:
        out[cuda.blockIdx.x, slot] = shared[0]


@cuda.jit
def probability_of_one(state, position, out):
    """``out[block, 0]``: partial sums of ``|state[i]|^2`` over i with bit ``position`` set."""
    shared = cuda.shared.array(THREADS, numba.float64)
    half = state.shape[0] >> 1
    low = (1 << position) - 1
    total = 0.0
    for g in range(cuda.grid(1), half, cuda.gridsize(1)):
        a = state[((g >> position) << (position + 1)) | (g & low) | (1 << position)]
        total += a.real * a.real + a.imag * a.imag
    _reduce_into(shared, total, out, 0)


@cuda.jit
def collapse(state, position, outcome, scale, move_to_zero):
    """Keep amplitudes with bit ``position`` == ``outcome`` times ``scale``, zero the rest;
    with ``move_to_zero`` the kept ones move to bit value 0 (a reset)."""
    half = state.shape[0] >> 1
    low = (1 << position) - 1
    for g in range(cuda.grid(1), half, cuda.gridsize(1)):
        _collapse_pair(state, g, position, low, outcome, scale, move_to_zero)


@cuda.jit
def block_norms(state, block_size, out):
    """``out[b]``: squared norm of amplitudes ``b * block_size`` to ``(b + 1) * block_size``."""
    for b in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        total = 0.0
        for i in range(b * block_size, (b + 1) * block_size):
            a = state[i]
            total += a.real * a.real + a.imag * a.imag
        out[b] = total


@cuda.jit
def sample_keys(state, block_size, cumulative, uniforms, positions, out):
    """Per shot s: the index i with cumulative probability just above ``uniforms[s]`` (scaled to
    ``cumulative[-1]``), reduced to a key: key bit j = index bit ``positions[j]``.

    ``cumulative[b]`` is the norm before block b (``cumulative[num_blocks]`` the total).
    """
    num_blocks = cumulative.shape[0] - 1
    for s in range(cuda.grid(1), uniforms.shape[0], cuda.gridsize(1)):
        u = uniforms[s] * cumulative[num_blocks]
        lo = 0
        hi = num_blocks - 1
        while lo < hi:  # the last block whose start is <= u
            mid = (lo + hi + 1) >> 1
            if cumulative[mid] <= u:
                lo = mid
            else:
                hi = mid - 1
        start = lo * block_size
        _, _, chosen = _scan_block(state, start, start + block_size, cumulative[lo], start, u)
        key = 0
        for j in range(positions.shape[0]):
            key |= ((chosen >> positions[j]) & 1) << j
        out[s] = key


@cuda.jit
def histogram(keys, counts):
    """``counts[key] += 1`` for every key."""
    for s in range(cuda.grid(1), keys.shape[0], cuda.gridsize(1)):
        cuda.atomic.add(counts, keys[s], 1)


@cuda.jit
def pauli_overlap(bra, ket, x, z, out):
    """``out[block, 0:2]``: partial sums (real, imaginary) of
    ``conj(bra[i ^ x]) * ket[i] * (-1)^popcount(i & z)``, i.e. <bra|X^x Z^z|ket> (real or complex arrays)."""
    shared = cuda.shared.array(THREADS, numba.float64)
    re = 0.0
    im = 0.0
    for i in range(cuda.grid(1), ket.shape[0], cuda.gridsize(1)):
        a = ket[i]
        b = bra[i ^ x]
        pr = b.real * a.real + b.imag * a.imag
        pi = b.real * a.imag - b.imag * a.real
        if cuda.popc(i & z) & 1:
            pr = -pr
            pi = -pi
        re += pr
        im += pi
    _reduce_into(shared, re, out, 0)
    _reduce_into(shared, im, out, 1)
