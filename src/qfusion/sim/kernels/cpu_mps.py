"""The two-site update of a matrix-product state, compiled: contract two neighbouring site tensors,
apply a two-qubit gate, split them back by an SVD and truncate, in one call.

The MPS simulator spends most of a circuit with small bonds (say below 32) outside LAPACK when each of
these steps is a dozen NumPy calls; here it is one (the SVD is LAPACK's gesdd, through numba, which
needs SciPy). Tensors are ``(left bond, 2, right bond)``, C-contiguous; ``gate`` is 4 x 4 with the first
site as the high bit of its index (the order in which the contracted block stores the two sites).
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

_OPTS = dict(cache=True, nogil=True, fastmath=False, error_model="numpy")


@nb.njit(**_OPTS)
def two_site_update(first, second, gate, diagonal, max_keep, threshold, center_left):
    """``(new first, new second, lost weight, norm**2)`` after ``gate`` on the pair.

    Schmidt values whose weight ``s**2 / sum(s**2)`` is at most ``threshold`` are dropped, then all
    but the largest ``max_keep`` (0: no cap); at least one is kept, and the kept ones are rescaled to
    norm 1. ``diagonal``: only ``gate``'s diagonal is read. The orthogonality center (the singular
    values) goes into the first tensor with ``center_left``, else into the second. A state of norm
    zero returns the inputs and ``norm**2 == 0``.
    """
    left, middle, right = first.shape[0], first.shape[2], second.shape[2]
    theta = first.reshape(2 * left, middle) @ second.reshape(middle, 2 * right)  # rows (a, s0), cols (s1, b)
    block = np.empty((2 * left, 2 * right), dtype=theta.dtype)
    for a in range(left):
        for s0 in range(2):
            row = 2 * a + s0
            for s1 in range(2):
                j = 2 * s0 + s1
                if diagonal:
                    g = gate[j, j]
                    for b in range(right):
                        block[row, s1 * right + b] = g * theta[row, s1 * right + b]
                    continue
                g00, g01, g10, g11 = gate[j, 0], gate[j, 1], gate[j, 2], gate[j, 3]
                for b in range(right):
                    block[row, s1 * right + b] = (g00 * theta[2 * a, b] + g01 * theta[2 * a, right + b]
                                                  + g10 * theta[2 * a + 1, b] + g11 * theta[2 * a + 1, right + b])
    u, s, vh = np.linalg.svd(block, full_matrices=False)
    count = s.shape[0]
    weights = s * s
    total = weights.sum()
    if total == 0.0:
        return first, second, 0.0, 0.0
    keep = 0
    for i in range(count):  # s is in descending order
        if weights[i] > threshold * total:
            keep += 1
    keep = max(keep, 1)
    if max_keep > 0 and keep > max_keep:
        keep = max_keep
    lost, scale = 0.0, 1.0
    if keep < count:
        lost = weights[keep:].sum() / total
        scale = math.sqrt(total / weights[:keep].sum())
    elif abs(total - 1.0) > 1e-12:
        scale = 1.0 / math.sqrt(total)
    new_first = np.empty((2 * left, keep), dtype=theta.dtype)
    new_second = np.empty((keep, 2 * right), dtype=theta.dtype)
    for row in range(2 * left):
        for k in range(keep):
            new_first[row, k] = u[row, k] * (s[k] * scale if center_left else 1.0)
    for k in range(keep):
        factor = 1.0 if center_left else s[k] * scale
        for col in range(2 * right):
            new_second[k, col] = vh[k, col] * factor
    return new_first.reshape(left, 2, keep), new_second.reshape(keep, 2, right), lost, total
