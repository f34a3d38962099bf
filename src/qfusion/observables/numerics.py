"""Pauli sums on state vectors and as dense matrices, in plain NumPy, from the term masks.

Both functions take the *phased* form of :meth:`PauliSum.masks`: ``H = sum_t m_t X^x_t Z^z_t``
with ``Z^z`` acting first, so ``H|i> = sum_t m_t (-1)**popcount(i & z_t) |i ^ x_t>``. Terms that
share an X mask share one pass over the state.

>>> import numpy as np
>>> x, z, m = np.array([1], np.uint64), np.array([1], np.uint64), np.array([1j])  # i X Z = Y
>>> dense_matrix(x, z, m, 1)
array([[0.+0.j, 0.-1.j],
       [0.+1.j, 0.+0.j]])
>>> complex(expectation_sum(x, z, m, np.array([1, 1j]) / 2))  # <+i|Y|+i> = 1, state norm 1/2
(0.5+0j)
"""

from __future__ import annotations

import numpy as np

from qfusion.observables._terms import parity_signs, popcount

CHUNK = 1 << 18  # indices per vectorised block, so memory stays a small multiple of the state


def expectation_sum(x: np.ndarray, z: np.ndarray, phased: np.ndarray, psi: np.ndarray) -> complex:
    """``sum_t m_t sum_i conj(psi[i ^ x_t]) psi[i] (-1)**popcount(i & z_t)`` (no normalisation).

    >>> from qfusion.observables import PauliSum
    >>> x, z, phased = PauliSum.from_list([("X", 1.0), ("Z", 0.5)]).masks()
    >>> round(expectation_sum(x, z, phased, np.array([1, 1]) / np.sqrt(2)).real, 12)
    1.0
    """
    psi = np.asarray(psi, dtype=np.complex128)
    total = 0j
    for start in range(0, len(psi), CHUNK):
        index = np.arange(start, min(start + CHUNK, len(psi)), dtype=np.uint64)
        block = psi[start:start + len(index)]
        for x_mask in np.unique(x):
            overlap = np.conj(psi[(index ^ x_mask).astype(np.intp)]) * block
            overlap_sum = overlap.sum()
            for t in np.flatnonzero(x == x_mask):
                odd = (popcount(index & z[t]) & 1).astype(bool)  # where (-1)**popcount(i & z) is -1
                total += phased[t] * (overlap_sum - 2 * overlap[odd].sum())
    return complex(total)


def dense_matrix(x: np.ndarray, z: np.ndarray, phased: np.ndarray, num_qubits: int) -> np.ndarray:
    """The ``2**n x 2**n`` matrix: column ``i`` holds ``m_t (-1)**popcount(i & z_t)`` in row ``i ^ x_t``.

    >>> from qfusion.observables import PauliSum
    >>> dense_matrix(*PauliSum.from_list([("Y", 1.0)]).masks(), 1)
    array([[0.+0.j, 0.-1.j],
           [0.+1.j, 0.+0.j]])
    """
    dim = 1 << num_qubits
    index = np.arange(dim, dtype=np.uint64)
    columns = index.astype(np.intp)
    out = np.zeros((dim, dim), dtype=np.complex128)
    for x_mask in np.unique(x):
        values = np.zeros(dim, dtype=np.complex128)
        for t in np.flatnonzero(x == x_mask):
            values += phased[t] * parity_signs(index, z[t])
        out[(index ^ x_mask).astype(np.intp), columns] += values
    return out
