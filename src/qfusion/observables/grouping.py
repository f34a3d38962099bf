"""Grouping Pauli strings into qubit-wise commuting sets.

Two strings commute qubit-wise when, on every qubit, they act with the same Pauli or one of
them acts with I; such a group is measured in one basis. A group is summarised by its *cover*,
the string that holds each qubit's non-identity Pauli, so a new string joins the first group
whose cover it agrees with.

>>> import numpy as np
>>> from qfusion.observables._terms import labels_to_masks
>>> x, z = labels_to_masks(["ZZ", "XX", "ZI", "IX"], 2)
>>> [idx.tolist() for idx in qubit_wise_groups(x, z)]
[[0, 2], [1, 3]]
"""

from __future__ import annotations

import numpy as np

from qfusion.observables._terms import popcount


def qubit_wise_groups(x: np.ndarray, z: np.ndarray) -> list[np.ndarray]:
    """Term indices of each group (ascending within a group; groups ordered by their first term).

    Greedy colouring, heaviest strings first (they constrain the most qubits); every pair of
    strings within a group commutes qubit-wise.

    >>> from qfusion.observables import PauliSum
    >>> x, z, _ = PauliSum.from_list([("ZZ", 1.0), ("XX", 1.0), ("ZI", 1.0)]).masks()
    >>> [g.tolist() for g in qubit_wise_groups(x, z)]
    [[0, 2], [1]]
    """
    count = len(x)
    if count == 0:
        return []
    support = x | z
    order = np.lexsort((np.arange(count), -popcount(support)))
    cover_x = np.zeros(count, dtype=np.uint64)
    cover_z = np.zeros(count, dtype=np.uint64)
    group_of = np.empty(count, dtype=np.int64)
    groups = 0
    for t in order:
        shared = support[t] & (cover_x[:groups] | cover_z[:groups])
        clash = ((cover_x[:groups] ^ x[t]) | (cover_z[:groups] ^ z[t])) & shared
        fits = np.flatnonzero(clash == 0)
        g = int(fits[0]) if len(fits) else groups
        if g == groups:
            groups += 1
        cover_x[g] |= x[t]
        cover_z[g] |= z[t]
        group_of[t] = g
    members = [np.flatnonzero(group_of == g) for g in range(groups)]
    members.sort(key=lambda idx: idx[0])
    return members
