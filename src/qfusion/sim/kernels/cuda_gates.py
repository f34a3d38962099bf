"""CUDA kernels (numba.cuda) applying one fused gate to a batch of state vectors, in place.

States are 2-D device arrays ``state[b, i]`` (a single state is a batch of one); index bit
``q`` of ``i`` is the wire ``q``. A gate's coefficients are ``coef[b', ...]`` with ``b' = b``
when ``coef`` has one row per state, else row 0 (the same gate for every state):

* :func:`dense_kernel`: a ``2^k x 2^k`` matrix on ascending ``bits`` (``k <=`` :func:`max_dense_qubits`),
  row-major, matrix index bit j on ``bits[j]``; ``offsets[a]`` is the state offset of matrix index a.
* :func:`diagonal_kernel`: ``2^k`` phases on ``bits`` (any k up to 62).
* :func:`permutation_kernel`: amplitude at matrix index ``c`` moves to ``perm[c]`` times ``phase[c]``
  (``k <=`` :func:`max_permutation_qubits`).
* :func:`swap_bits_kernel`: exchanges index bits ``first[j]`` and ``second[j]`` (a layout change).

Kernels are made per dtype (local arrays need it at compile time): complex for state vectors,
real for the density matrix's Pauli vector (:mod:`qfusion.sim.gpu.density_matrix`). They validate
nothing; :mod:`qfusion.sim.gpu.steps` builds their arguments. Each has a NumPy twin in :mod:`.reference`.
"""

from __future__ import annotations

from functools import cache

import numba
import numpy as np
from numba import cuda

MAX_DENSE_QUBITS = 5
MAX_DENSE_REAL_QUBITS = 8  # a four-qubit gate (mcx with three controls: not Clifford) on the Pauli vector
MAX_PERMUTATION_QUBITS = 7
MAX_PERMUTATION_REAL_QUBITS = 8  # a four-qubit permutation gate (mcx with three controls) on the Pauli vector


def max_dense_qubits(dtype) -> int:
    """The widest dense matrix :func:`dense_kernel` of ``dtype`` applies (its thread-local group)."""
    return MAX_DENSE_REAL_QUBITS if np.dtype(dtype).kind == "f" else MAX_DENSE_QUBITS


def max_permutation_qubits(dtype) -> int:
    """The widest permutation :func:`permutation_kernel` of ``dtype`` applies."""
    return MAX_PERMUTATION_REAL_QUBITS if np.dtype(dtype).kind == "f" else MAX_PERMUTATION_QUBITS


@cuda.jit(device=True)
def spread(g, bits, k):
    """``g`` with a zero inserted at each of the ascending positions ``bits[:k]``."""
    for j in range(k):
        p = bits[j]
        g = ((g >> p) << (p + 1)) | (g & ((1 << p) - 1))
    return g


@cuda.jit(device=True)
def gather_group(state, t, groups, bits, k, offsets, shared_coef, amps):
    """Thread item ``t`` of a ``k``-bit gate on a batch: ``(state row b, base index, coefficient
    row)``, with the group's ``2**k`` amplitudes copied into ``amps``."""
    b = t // groups
    base = spread(t - b * groups, bits, k)
    for a in range(1 << k):
        amps[a] = state[b, base + offsets[a]]
    return b, base, 0 if shared_coef else b


def dense_kernel(dtype, k: int = MAX_DENSE_QUBITS):
    """Kernel ``(state, bits, k, offsets, coef)`` for states of ``dtype`` and matrices on ``k`` bits: up to
    ``MAX_DENSE_QUBITS`` one kernel, wider ones (real dtypes) another, so that every thread of the
    common narrow kernel keeps a small local array."""
    return _dense_kernel(np.dtype(dtype), MAX_DENSE_QUBITS if k <= MAX_DENSE_QUBITS else max_dense_qubits(dtype))


@cache
def _dense_kernel(dtype, max_qubits: int):
    nb_type = numba.from_dtype(dtype)
    dim_max = 1 << max_qubits

    @cuda.jit
    def kernel(state, bits, k, offsets, coef):
        groups = state.shape[1] >> k
        total = groups * state.shape[0]
        dim = 1 << k
        amps = cuda.local.array(dim_max, nb_type)
        shared_coef = coef.shape[0] == 1
        for t in range(cuda.grid(1), total, cuda.gridsize(1)):
            b, base, row = gather_group(state, t, groups, bits, k, offsets, shared_coef, amps)
            for a in range(dim):
                c = a * dim
                acc = coef[row, c] * amps[0]
                for j in range(1, dim):
                    acc += coef[row, c + j] * amps[j]
                state[b, base + offsets[a]] = acc

    return kernel


@cuda.jit
def diagonal_kernel(state, bits, k, coef):
    """Multiply ``state[b, i]`` by ``coef[b', index of i over bits]``."""
    size = state.shape[1]
    total = size * state.shape[0]
    shared_coef = coef.shape[0] == 1
    for t in range(cuda.grid(1), total, cuda.gridsize(1)):
        b = t // size
        i = t - b * size
        index = 0
        for j in range(k):
            index |= ((i >> bits[j]) & 1) << j
        state[b, i] *= coef[0 if shared_coef else b, index]


@cache
def permutation_kernel(dtype):
    """Kernel ``(state, bits, k, offsets, perm, phase)`` for states of ``dtype``."""
    nb_type = numba.from_dtype(np.dtype(dtype))
    dim_max = 1 << max_permutation_qubits(dtype)

    @cuda.jit
    def kernel(state, bits, k, offsets, perm, phase):
        groups = state.shape[1] >> k
        total = groups * state.shape[0]
        dim = 1 << k
        amps = cuda.local.array(dim_max, nb_type)
        shared_coef = phase.shape[0] == 1
        for t in range(cuda.grid(1), total, cuda.gridsize(1)):
            b, base, row = gather_group(state, t, groups, bits, k, offsets, shared_coef, amps)
            for a in range(dim):
                state[b, base + offsets[perm[a]]] = phase[row, a] * amps[a]

    return kernel


@cuda.jit
def swap_bits_kernel(state, first, second):
    """Exchange index bits ``first[j]`` and ``second[j]`` of every amplitude (an involution)."""
    size = state.shape[1]
    total = size * state.shape[0]
    for t in range(cuda.grid(1), total, cuda.gridsize(1)):
        b = t // size
        i = t - b * size
        j = i
        for m in range(first.shape[0]):
            if ((i >> first[m]) ^ (i >> second[m])) & 1:
                j ^= (1 << first[m]) | (1 << second[m])
        if j > i:
            a = state[b, i]
            state[b, i] = state[b, j]
            state[b, j] = a


@cuda.jit
def scale_kernel(state, factors):
    """``state[b, :] *= factors[b']`` (global phases, normalisation)."""
    size = state.shape[1]
    total = size * state.shape[0]
    shared = factors.shape[0] == 1
    for t in range(cuda.grid(1), total, cuda.gridsize(1)):
        b = t // size
        state[b, t - b * size] *= factors[0 if shared else b]


@cuda.jit
def copy_kernel(target, source):
    """``target[:] = source[:]`` over flat arrays: the memory-bandwidth floor of one pass."""
    for t in range(cuda.grid(1), source.shape[0], cuda.gridsize(1)):
        target[t] = source[t]


@cuda.jit
def basis_zero_kernel(state):
    """Every ``state[b]`` set to the basis state 0."""
    size = state.shape[1]
    total = size * state.shape[0]
    for t in range(cuda.grid(1), total, cuda.gridsize(1)):
        b = t // size
        state[b, t - b * size] = 1 if t == b * size else 0
