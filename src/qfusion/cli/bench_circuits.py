"""The benchmark's circuit families, shared by ``qfusion bench`` and ``bench/bench_statevector.py``.

>>> qft(3).count_ops()
{'h': 3, 'cp': 3, 'swap': 1}
>>> len(random_regular_graph(8, 3, seed=1))
12
"""

from __future__ import annotations

import math
import random

from qfusion.circuit import Circuit


def qft(num_qubits: int) -> Circuit:
    """The quantum Fourier transform, highest qubit first, with the final swaps."""
    c = Circuit(num_qubits, name="qft")
    for j in reversed(range(num_qubits)):
        c.h(j)
        for k in reversed(range(j)):
            c.cp(math.pi / 2 ** (j - k), k, j)
    for i in range(num_qubits // 2):
        c.swap(i, num_qubits - 1 - i)
    return c


def brickwork(num_qubits: int, layers: int = 20, seed: int = 0) -> Circuit:
    """Random brickwork: rx and rz on every qubit, then CZ on alternating neighbour pairs."""
    rng = random.Random(seed)
    c = Circuit(num_qubits, name="brickwork")
    for layer in range(layers):
        for q in range(num_qubits):
            c.rx(rng.uniform(0, 2 * math.pi), q).rz(rng.uniform(0, 2 * math.pi), q)
        for q in range(layer % 2, num_qubits - 1, 2):
            c.cz(q, q + 1)
    return c


def ghz(num_qubits: int) -> Circuit:
    """``(|0...0> + |1...1>)/sqrt(2)`` by a chain of CNOTs."""
    c = Circuit(num_qubits, name="ghz").h(0)
    for q in range(num_qubits - 1):
        c.cx(q, q + 1)
    return c


def random_regular_graph(num_nodes: int, degree: int, seed: int = 0) -> list[tuple[int, int]]:
    """Edges of a random simple ``degree``-regular graph (pairing model, retried until simple)."""
    rng = random.Random(seed)
    if num_nodes * degree % 2:
        raise ValueError("num_nodes * degree must be even")
    while True:
        stubs = [v for v in range(num_nodes) for _ in range(degree)]
        rng.shuffle(stubs)
        edges = {tuple(sorted(stubs[i:i + 2])) for i in range(0, len(stubs), 2)}
        if len(edges) == len(stubs) // 2 and all(a != b for a, b in edges):
            return sorted(edges)


def qaoa_maxcut(num_qubits: int, p: int = 2, seed: int = 0) -> Circuit:
    """QAOA for MaxCut on a random 3-regular graph, ``p`` layers with seeded angles."""
    rng = random.Random(seed)
    edges = random_regular_graph(num_qubits, 3, seed)
    c = Circuit(num_qubits, name="qaoa")
    for q in range(num_qubits):
        c.h(q)
    for _ in range(p):
        gamma, beta = rng.uniform(0, math.pi), rng.uniform(0, math.pi)
        for a, b in edges:
            c.rzz(2 * gamma, a, b)
        for q in range(num_qubits):
            c.rx(2 * beta, q)
    return c


FAMILIES = {"qft": qft, "brickwork": brickwork, "ghz": ghz, "qaoa": qaoa_maxcut}
