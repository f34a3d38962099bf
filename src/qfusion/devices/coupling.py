"""Coupling graphs of real chips: heavy-hex (IBM), square grids, lines and rings.

>>> len(heavy_hex_27())
28
>>> grid(2, 3)
((0, 1), (1, 2), (3, 4), (4, 5), (0, 3), (1, 4), (2, 5))
"""

from __future__ import annotations

import numpy as np


def heavy_hex_27() -> tuple[tuple[int, int], ...]:
    """The 27-qubit heavy-hex lattice of IBM Falcon processors (ibmq_montreal, ibm_kolkata, ...).

    >>> len(heavy_hex_27()), max(max(pair) for pair in heavy_hex_27())
    (28, 26)
    """
    return ((0, 1), (1, 2), (1, 4), (2, 3), (3, 5), (4, 7), (5, 8), (6, 7), (7, 10), (8, 9),
            (8, 11), (10, 12), (11, 14), (12, 13), (12, 15), (13, 14), (14, 16), (15, 18),
            (16, 19), (17, 18), (18, 21), (19, 20), (19, 22), (21, 23), (22, 25), (23, 24),
            (24, 25), (25, 26))


def grid(rows: int, columns: int) -> tuple[tuple[int, int], ...]:
    """Nearest neighbours of a ``rows x columns`` square lattice, qubit ``r * columns + c``.

    >>> grid(2, 2)
    ((0, 1), (2, 3), (0, 2), (1, 3))
    """
    horizontal = [(r * columns + c, r * columns + c + 1) for r in range(rows) for c in range(columns - 1)]
    vertical = [(r * columns + c, (r + 1) * columns + c) for r in range(rows - 1) for c in range(columns)]
    return tuple(horizontal + vertical)


def line(num_qubits: int) -> tuple[tuple[int, int], ...]:
    """A chain ``0 - 1 - ... - (n-1)``.

    >>> line(3)
    ((0, 1), (1, 2))
    """
    return tuple((q, q + 1) for q in range(num_qubits - 1))


def ring(num_qubits: int) -> tuple[tuple[int, int], ...]:
    """A chain closed into a ring.

    >>> ring(3)
    ((0, 1), (1, 2), (2, 0))
    """
    return line(num_qubits) + ((num_qubits - 1, 0),)


def distance_matrix(edges, num_qubits: int) -> np.ndarray:
    """Hop distances (breadth-first search) on the undirected graph of ``edges``; ``inf`` between
    qubits that are not connected.

    >>> distance_matrix(line(3), 3)[0].tolist()
    [0.0, 1.0, 2.0]
    """
    neighbours: list[list[int]] = [[] for _ in range(num_qubits)]
    for a, b in edges:
        neighbours[a].append(b)
        neighbours[b].append(a)
    distance = np.full((num_qubits, num_qubits), np.inf)
    for source in range(num_qubits):
        distance[source, source] = 0
        frontier = [source]
        while frontier:
            nxt = []
            for q in frontier:
                for r in neighbours[q]:
                    if distance[source, r] == np.inf:
                        distance[source, r] = distance[source, q] + 1
                        nxt.append(r)
            frontier = nxt
    return distance
