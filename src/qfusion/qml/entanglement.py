"""Which qubit sets a feature map's many-qubit terms act on, by Qiskit's entanglement names.

>>> pairs(3, 2, "full")
[(0, 1), (0, 2), (1, 2)]
>>> pairs(3, 2, "circular")
[(2, 0), (0, 1), (1, 2)]
>>> pairs(4, 2, "pairwise")
[(0, 1), (2, 3), (1, 2)]
>>> pairs(3, 1, "linear")
[(0,), (1,), (2,)]
"""

from __future__ import annotations

import itertools

from qfusion.errors import DataError

NAMES = ("full", "linear", "reverse_linear", "circular", "pairwise")


def pairs(num_qubits: int, size: int, entanglement) -> list[tuple[int, ...]]:
    """Qubit tuples of ``size`` for ``entanglement``: a name of :data:`NAMES` (as Qiskit's feature
    maps read it) or an explicit list of tuples.

    >>> pairs(4, 2, "linear"), pairs(3, 2, [(0, 2)])
    ([(0, 1), (1, 2), (2, 3)], [(0, 2)])
    """
    if size == 1:
        return [(q,) for q in range(num_qubits)]
    if not isinstance(entanglement, str):
        chosen = [tuple(int(q) for q in block) for block in entanglement]
        bad = [b for b in chosen if len(set(b)) != len(b) or not all(0 <= q < num_qubits for q in b)]
        if bad:
            raise DataError(f"entanglement blocks must be distinct qubits below {num_qubits}, got {bad}")
        return [b for b in chosen if len(b) == size]
    if size > num_qubits:
        return []
    linear = [tuple(range(i, i + size)) for i in range(num_qubits - size + 1)]
    if entanglement == "full":
        return list(itertools.combinations(range(num_qubits), size))
    if entanglement == "linear":
        return linear
    if entanglement == "reverse_linear":
        return linear[::-1]
    if entanglement == "circular":
        if num_qubits <= size:
            return linear
        wrap = [tuple([num_qubits - size + 1 + i for i in range(size - 1)] + [0])] if size == 2 else \
            [tuple(list(range(num_qubits - size + 1, num_qubits)) + [0])]
        return wrap + linear
    if entanglement == "pairwise":
        if size != 2:
            raise DataError("pairwise entanglement is defined for two-qubit terms only")
        return linear[::2] + linear[1::2]
    raise DataError(f"unknown entanglement {entanglement!r}; use one of {', '.join(NAMES)} or a list of qubit tuples")
