"""The benchmark's circuit families, shared by ``qfusion bench`` and ``bench/bench_statevector.py``.

Each family is first a neutral gate list ``[(name, qubits, params), ...]`` (plain data any
framework can replay with ``getattr(circuit, name)(*params, *qubits)``), then a qfusion
:class:`~qfusion.circuit.Circuit`. Random choices use seeded :class:`random.Random` streams
(``seed * 1000 + n`` for brickwork angles and graphs, ``seed * 7 + n`` for QAOA angles), so a
family and a size name one circuit everywhere.

>>> gates("ghz", 3)
[('h', (0,), ()), ('cx', (0, 1), ()), ('cx', (1, 2), ())]
>>> circuit("qft", 3).count_ops()
{'h': 3, 'cp': 3, 'swap': 1}
>>> len(random_regular_graph(8, 3))
12
"""

from __future__ import annotations

import math
import random

from qfusion.circuit import Circuit
from qfusion.errors import CircuitError

SEED = 1234
Gate = tuple[str, tuple[int, ...], tuple[float, ...]]


def qft_gates(num_qubits: int) -> list[Gate]:
    """The quantum Fourier transform, highest qubit first, with the final swaps.

    >>> qft_gates(2)
    [('h', (1,), ()), ('cp', (0, 1), (1.5707963267948966,)), ('h', (0,), ()), ('swap', (0, 1), ())]
    """
    out: list[Gate] = []
    for j in reversed(range(num_qubits)):
        out.append(("h", (j,), ()))
        for k in reversed(range(j)):
            out.append(("cp", (k, j), (math.pi / 2 ** (j - k),)))
    for i in range(num_qubits // 2):
        out.append(("swap", (i, num_qubits - 1 - i), ()))
    return out


def brickwork_gates(num_qubits: int, layers: int = 20, seed: int = SEED) -> list[Gate]:
    """Random brickwork: per layer rx and rz on every qubit, then CZ on alternating neighbour pairs.

    >>> [name for name, _, _ in brickwork_gates(3, layers=2)]
    ['rx', 'rz', 'rx', 'rz', 'rx', 'rz', 'cz', 'rx', 'rz', 'rx', 'rz', 'rx', 'rz', 'cz']
    """
    rng = random.Random(seed * 1000 + num_qubits)
    out: list[Gate] = []
    for layer in range(layers):
        for q in range(num_qubits):
            out.append(("rx", (q,), (rng.uniform(0, 2 * math.pi),)))
            out.append(("rz", (q,), (rng.uniform(0, 2 * math.pi),)))
        for a in range(layer % 2, num_qubits - 1, 2):
            out.append(("cz", (a, a + 1), ()))
    return out


def ghz_gates(num_qubits: int) -> list[Gate]:
    """``(|0...0> + |1...1>)/sqrt(2)``: H on qubit 0, then a chain of CNOTs.

    >>> len(ghz_gates(5))
    5
    """
    return [("h", (0,), ())] + [("cx", (q, q + 1), ()) for q in range(num_qubits - 1)]


def random_regular_graph(num_nodes: int, degree: int = 3, seed: int = SEED) -> list[tuple[int, int]]:
    """Sorted edges of a random simple ``degree``-regular graph (pairing model, retried until simple).

    >>> edges = random_regular_graph(6, 3, seed=5)
    >>> sorted({sum(v in e for e in edges) for v in range(6)})
    [3]
    """
    if num_nodes * degree % 2 or num_nodes <= degree:
        raise CircuitError(f"no simple {degree}-regular graph has {num_nodes} nodes: it needs more than "
                           f"{degree} nodes and nodes x degree even (for QAOA, an even number of qubits >= 4)")
    rng = random.Random(seed * 1000 + num_nodes)
    while True:
        stubs = [v for v in range(num_nodes) for _ in range(degree)]
        rng.shuffle(stubs)
        edges: set[tuple[int, int]] = set()
        for a, b in zip(stubs[::2], stubs[1::2], strict=False):
            edge = (min(a, b), max(a, b))
            if a == b or edge in edges:
                break
            edges.add(edge)
        else:
            return sorted(edges)


def qaoa_gates(num_qubits: int, p: int = 2, seed: int = SEED) -> list[Gate]:
    """QAOA for MaxCut on a random 3-regular graph: ``p`` layers of RZZ on the edges and RX mixers.

    >>> sum(name == "rzz" for name, _, _ in qaoa_gates(8))  # 12 edges, p = 2
    24
    """
    rng = random.Random(seed * 7 + num_qubits)
    edges = random_regular_graph(num_qubits, 3, seed)
    out: list[Gate] = [("h", (q,), ()) for q in range(num_qubits)]
    for _ in range(p):
        gamma, beta = rng.uniform(0, math.pi), rng.uniform(0, math.pi)
        out += [("rzz", edge, (2 * gamma,)) for edge in edges]
        out += [("rx", (q,), (2 * beta,)) for q in range(num_qubits)]
    return out


def rotation_layers_gates(num_qubits: int, layers: int = 20, seed: int = SEED) -> list[Gate]:
    """Random rotation layers (issue 22): per layer ``rx`` on every qubit, then ``rz`` on every qubit,
    then CZ on alternating neighbour pairs; angles uniform in [-pi, pi) from their own stream
    (``seed * 22 + num_qubits``), so the circuit differs from :func:`brickwork_gates`.

    >>> [name for name, _, _ in rotation_layers_gates(3, layers=1)]
    ['rx', 'rx', 'rx', 'rz', 'rz', 'rz', 'cz']
    """
    rng = random.Random(seed * 22 + num_qubits)
    out: list[Gate] = []
    for layer in range(layers):
        out += [("rx", (q,), (rng.uniform(-math.pi, math.pi),)) for q in range(num_qubits)]
        out += [("rz", (q,), (rng.uniform(-math.pi, math.pi),)) for q in range(num_qubits)]
        out += [("cz", (a, a + 1), ()) for a in range(layer % 2, num_qubits - 1, 2)]
    return out


FAMILIES = {"qft": qft_gates, "brickwork": brickwork_gates, "ghz": ghz_gates, "qaoa": qaoa_gates,
            "rotlayers": rotation_layers_gates}


def gates(family: str, num_qubits: int) -> list[Gate]:
    """The neutral gate list of ``family`` (one of :data:`FAMILIES`) on ``num_qubits`` qubits.

    >>> gates("qaoa", 4)[:2]
    [('h', (0,), ()), ('h', (1,), ())]
    """
    if family not in FAMILIES:
        raise CircuitError(f"unknown circuit family {family!r}; choose from {', '.join(FAMILIES)}")
    if num_qubits < 1:
        raise CircuitError(f"a benchmark circuit needs at least 1 qubit, got {num_qubits}")
    return FAMILIES[family](num_qubits)


def build(gate_list: list[Gate], num_qubits: int, name: str | None = None) -> Circuit:
    """A :class:`Circuit` replaying a neutral gate list.

    >>> build([("h", (0,), ()), ("rz", (0,), (0.5,))], 1).count_ops()
    {'h': 1, 'rz': 1}
    """
    c = Circuit(num_qubits, name=name)
    for gate_name, qubits, params in gate_list:
        getattr(c, gate_name)(*params, *qubits)
    return c


def circuit(family: str, num_qubits: int) -> Circuit:
    """The qfusion circuit of ``family`` on ``num_qubits`` qubits.

    >>> circuit("ghz", 4).count_ops()
    {'h': 1, 'cx': 3}
    """
    return build(gates(family, num_qubits), num_qubits, name=f"{family}_{num_qubits}")


def qft(num_qubits: int) -> Circuit:
    """QFT circuit (see :func:`qft_gates`).

    >>> qft(4).num_qubits
    4
    """
    return circuit("qft", num_qubits)


def brickwork(num_qubits: int) -> Circuit:
    """20-layer random brickwork circuit (see :func:`brickwork_gates`).

    >>> len(brickwork(4))  # 20 layers of 8 rotations, then 2 or 1 CZ
    190
    """
    return circuit("brickwork", num_qubits)


def ghz(num_qubits: int) -> Circuit:
    """GHZ-state preparation circuit (see :func:`ghz_gates`).

    >>> ghz(3).count_ops()
    {'h': 1, 'cx': 2}
    """
    return circuit("ghz", num_qubits)


def random_u_cx(num_qubits: int, layers: int, seed: int) -> Circuit:
    """``layers`` layers of a random ``u`` on every qubit, then ``cx`` on random disjoint pairs
    (NumPy's ``default_rng(seed)``): deep and entangling, so no backend but a dense one can hold it
    exactly (the planner's benchmark and tests).

    >>> random_u_cx(4, 3, seed=1).count_ops()
    {'u': 12, 'cx': 6}
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    c = Circuit(num_qubits)
    for _ in range(layers):
        for q in range(num_qubits):
            theta, phi, lam = rng.uniform(0, np.pi, 3)
            c.u(theta, phi, lam, q)
        order = rng.permutation(num_qubits)
        for a, b in zip(order[::2], order[1::2], strict=False):
            c.cx(int(a), int(b))
    return c


def qaoa_maxcut(num_qubits: int) -> Circuit:
    """p = 2 QAOA MaxCut circuit on a random 3-regular graph (see :func:`qaoa_gates`).

    >>> qaoa_maxcut(6).count_ops()["rzz"]
    18
    """
    return circuit("qaoa", num_qubits)
