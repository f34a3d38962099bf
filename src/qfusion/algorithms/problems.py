"""Optimisation problems as diagonal Pauli sums: MaxCut (weighted), QUBO and Ising models, portfolios.

Binary variable ``x_i`` is qubit ``i`` (bit ``i`` of a basis-state index); ``x = (1 - Z) / 2``.
Every cost is a Hamiltonian to *minimise*; MaxCut's is minus the cut.

>>> graph = Graph.from_edges([(0, 1), (1, 2), (2, 0)])
>>> H = maxcut_hamiltonian(graph)
>>> float(diagonal(H)[0b001]), cut_value(graph, 0b001)
(-2.0, 2.0)
>>> Q = np.array([[1.0, -2.0], [0.0, 1.0]])
>>> [float(v) for v in diagonal(qubo_hamiltonian(Q))]  # x^T Q x for x = 00, 10, 01, 11 (x0 first)
[0.0, 1.0, 1.0, 0.0]
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

import numpy as np

from qfusion.errors import CircuitError
from qfusion.observables import PauliSum

MAX_DIAGONAL_QUBITS = 24


@dataclass(frozen=True)
class Graph:
    """An undirected weighted graph on nodes ``0..num_nodes-1``; ``edges`` holds ``(u, v, weight)``.

    >>> Graph(3, ((0, 1, 1.0), (1, 2, 2.5))).total_weight
    3.5
    """
    num_nodes: int
    edges: tuple[tuple[int, int, float], ...]

    @classmethod
    def from_edges(cls, edges, num_nodes: int | None = None) -> Graph:
        """From ``(u, v)`` or ``(u, v, weight)`` pairs (weight 1 by default).

        >>> Graph.from_edges([(0, 1), (1, 3, 2.0)])
        Graph(num_nodes=4, edges=((0, 1, 1.0), (1, 3, 2.0)))
        """
        parsed = []
        for edge in edges:
            if len(edge) not in (2, 3):
                raise CircuitError(f"an edge is (u, v) or (u, v, weight), got {edge!r}")
            u, v = int(edge[0]), int(edge[1])
            if u == v or u < 0 or v < 0:
                raise CircuitError(f"edge {edge!r} must join two different non-negative nodes")
            parsed.append((u, v, float(edge[2]) if len(edge) == 3 else 1.0))
        size = max([max(u, v) + 1 for u, v, _ in parsed], default=0)
        if num_nodes is not None and num_nodes < size:
            raise CircuitError(f"an edge names node {size - 1} but the graph has {num_nodes} nodes")
        return cls(num_nodes if num_nodes is not None else size, tuple(parsed))

    @property
    def total_weight(self) -> float:
        """The sum of the edge weights.


        >>> Graph.from_edges([(0, 1, 0.5), (1, 2, 1.5)]).total_weight
        2.0
        """
        return float(sum(w for _, _, w in self.edges))

    @classmethod
    def from_networkx(cls, graph, weight: str = "weight") -> Graph:
        """A networkx graph's edges (attribute ``weight``, 1 where absent); its nodes become
        ``0..n-1`` in ``graph.nodes`` order (so node labels may be anything).

        >>> import networkx as nx
        >>> Graph.from_networkx(nx.cycle_graph(3)).edges
        ((0, 1, 1.0), (0, 2, 1.0), (1, 2, 1.0))
        """
        if graph.is_directed() or graph.is_multigraph():
            raise CircuitError("MaxCut takes a simple undirected graph (networkx.Graph), not a directed or multigraph")
        index = {node: k for k, node in enumerate(graph.nodes)}
        edges = [(index[u], index[v], float(data.get(weight, 1.0))) for u, v, data in graph.edges(data=True)]
        return cls.from_edges(edges, num_nodes=len(index))


def as_graph(graph) -> Graph:
    """``graph`` as a :class:`Graph`: itself, a networkx graph, or a list of ``(u, v[, w])`` edges.

    >>> import networkx as nx
    >>> as_graph(nx.cycle_graph(3)), as_graph([(0, 1)]).num_nodes
    (Graph(num_nodes=3, edges=((0, 1, 1.0), (0, 2, 1.0), (1, 2, 1.0))), 2)
    """
    if isinstance(graph, Graph):
        return graph
    if hasattr(graph, "nodes") and hasattr(graph, "edges") and hasattr(graph, "is_directed"):
        return Graph.from_networkx(graph)
    if isinstance(graph, (list, tuple)):
        return Graph.from_edges(graph)
    raise CircuitError(f"expected a Graph, a networkx graph or a list of edges, got {type(graph).__name__}")


def read_graph(path: str) -> Graph:
    """A graph from a file: JSON ``{"num_nodes": n, "edges": [[u, v, w], ...]}`` (or a bare list of
    edges), or text with one ``u v [weight]`` per line (``#`` starts a comment).

    >>> import json, os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "triangle.json")
    >>> with open(path, "w") as f:
    ...     json.dump({"num_nodes": 3, "edges": [[0, 1, 1], [1, 2, 1], [2, 0, 2]]}, f)
    >>> read_graph(path).total_weight
    4.0
    """
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    name = os.path.basename(path)
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CircuitError(f"{name}: not valid JSON: {exc.msg} (line {exc.lineno})") from None
        edges = data.get("edges") if isinstance(data, dict) else data
        if not isinstance(edges, list):
            raise CircuitError(f"{name}: expected an \"edges\" list")
        return Graph.from_edges(edges, data.get("num_nodes") if isinstance(data, dict) else None)
    edges = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#")[0].strip()
        if not line:
            continue
        parts = line.replace(",", " ").split()
        try:
            edges.append(tuple(int(p) for p in parts[:2]) + tuple(float(p) for p in parts[2:3]))
        except ValueError:
            raise CircuitError(f"{name}:{number}: expected 'u v [weight]', got {line!r}") from None
        if len(parts) not in (2, 3):
            raise CircuitError(f"{name}:{number}: expected 'u v [weight]', got {line!r}")
    if not edges:
        raise CircuitError(f"{name}: no edges")
    return Graph.from_edges(edges)


def maxcut_hamiltonian(graph) -> PauliSum:
    """``-sum_(u,v) w (1 - Z_u Z_v) / 2``: its minimum is minus the maximum cut. ``graph``: a
    :class:`Graph`, a networkx graph (edge attribute ``weight``) or a list of edges.

    >>> maxcut_hamiltonian([(0, 1)])
    PauliSum([('ZZ', 0.5), ('II', -0.5)], num_qubits=2)
    """
    graph = as_graph(graph)
    n = graph.num_nodes
    terms = [("ZZ", [u, v], 0.5 * w) for u, v, w in graph.edges]
    offset = -0.5 * graph.total_weight
    return (PauliSum.from_sparse_list(terms, num_qubits=n) + offset).simplify()


def cut_value(graph, bits: int | str) -> float:
    """The total weight of the edges cut by ``bits`` (an integer, or a bitstring with node 0 rightmost).

    >>> square = [(0, 1), (1, 2), (2, 3), (3, 0)]
    >>> cut_value(square, "0101"), cut_value(square, 0b0011)
    (4.0, 2.0)
    """
    graph = as_graph(graph)
    if isinstance(bits, str):
        bits = int(bits, 2)
    return float(sum(w for u, v, w in graph.edges if ((bits >> u) ^ (bits >> v)) & 1))


def ising_hamiltonian(linear, couplings, offset: float = 0.0) -> PauliSum:
    """``sum_i h_i Z_i + sum_(i<j) J_ij Z_i Z_j + offset`` from ``h`` and a (dense) ``J``.

    >>> ising_hamiltonian([1.0, 0.0], [[0, 0.5], [0, 0]], offset=2.0)
    PauliSum([('IZ', 1.0), ('ZZ', 0.5), ('II', 2.0)], num_qubits=2)
    """
    h = np.asarray(linear, dtype=float)
    j = np.asarray(couplings, dtype=float)
    n = len(h)
    terms = [("Z", [i], h[i]) for i in range(n) if h[i]]
    terms += [("ZZ", [a, b], j[a, b] + j[b, a]) for a in range(n) for b in range(a + 1, n) if j[a, b] + j[b, a]]
    return (PauliSum.from_sparse_list(terms, num_qubits=n) + (offset + float(np.trace(j)))).simplify()


def qubo_hamiltonian(quadratic, linear=None, offset: float = 0.0) -> PauliSum:
    """The Hamiltonian whose diagonal is ``x^T Q x + c^T x + offset`` (``x_i = (1 - Z_i) / 2``).

    >>> [float(v) for v in diagonal(qubo_hamiltonian([[0, 0], [0, 0]], linear=[1.0, 2.0]))]  # c^T x
    [0.0, 1.0, 2.0, 3.0]
    """
    q = np.asarray(quadratic, dtype=float)
    n = q.shape[0]
    c = np.zeros(n) if linear is None else np.asarray(linear, dtype=float)
    sym = (q + q.T) / 2
    h = np.zeros(n)
    j = np.zeros((n, n))
    constant = offset
    for a in range(n):
        constant += sym[a, a] / 2 + c[a] / 2
        h[a] -= sym[a, a] / 2 + c[a] / 2
        for b in range(n):
            if a != b:
                constant += sym[a, b] / 4
                h[a] -= sym[a, b] / 2  # (-z_a - z_b) / 4 summed over both orders
                if a < b:
                    j[a, b] += sym[a, b] / 2
    return ising_hamiltonian(h, j, constant)


def portfolio_qubo(expected_returns, covariance, risk_factor: float, budget: int, penalty: float | None = None):
    """``(Q, c, offset)`` of ``q x^T S x - mu^T x + lambda (sum x - B)**2`` (choose ``B`` assets).

    >>> Q, c, offset = portfolio_qubo([0.1, 0.2], np.eye(2) * 0.01, risk_factor=0.5, budget=1, penalty=1.0)
    >>> Q.shape, c.round(6), offset
    ((2, 2), array([-2.1, -2.2]), 1.0)
    """
    mu = np.asarray(expected_returns, dtype=float)
    sigma = np.asarray(covariance, dtype=float)
    n = len(mu)
    if penalty is None:
        penalty = float(n * (np.abs(mu).max() + risk_factor * np.abs(sigma).max()) + 1.0)
    quadratic = risk_factor * sigma + penalty * np.ones((n, n))
    linear = -mu - 2 * penalty * budget * np.ones(n)
    return quadratic, linear, penalty * budget ** 2


def portfolio_hamiltonian(expected_returns, covariance, risk_factor: float, budget: int,
                          penalty: float | None = None) -> PauliSum:
    """The portfolio-selection cost as a Hamiltonian (see :func:`portfolio_qubo`).

    >>> H = portfolio_hamiltonian([0.1, 0.3, 0.2], np.eye(3) * 0.01, risk_factor=0.5, budget=1)
    >>> brute_force(H)[1]  # pick the asset with the highest return
    [2]
    """
    return qubo_hamiltonian(*portfolio_qubo(expected_returns, covariance, risk_factor, budget, penalty))


def diagonal(hamiltonian: PauliSum) -> np.ndarray:
    """Every basis state's cost, for a Hamiltonian of Z strings only (at most 24 qubits).

    >>> from qfusion.observables import PauliSum
    >>> diagonal(PauliSum.from_list([("ZI", 1.0), ("IZ", 0.5)]))
    array([ 1.5,  0.5, -0.5, -1.5])
    """
    n = hamiltonian.num_qubits
    if n > MAX_DIAGONAL_QUBITS:
        raise CircuitError(f"diagonal() lists 2**n costs, for at most {MAX_DIAGONAL_QUBITS} qubits")
    if np.any(hamiltonian.x_masks):
        raise CircuitError("the Hamiltonian is not diagonal (it has X or Y factors)")
    index = np.arange(2 ** n, dtype=np.uint64)
    out = np.zeros(2 ** n)
    for z, coeff in zip(hamiltonian.z_masks, hamiltonian.coeffs, strict=False):
        parity = np.bitwise_count(index & z) & 1 if hasattr(np, "bitwise_count") else \
            np.array([bin(int(v)).count("1") & 1 for v in index & z])
        out += coeff.real * (1 - 2 * parity.astype(float))
    return out


def brute_force(hamiltonian: PauliSum) -> tuple[float, list[int]]:
    """The minimum cost and every basis state that reaches it.

    >>> brute_force(maxcut_hamiltonian([(0, 1), (1, 2)]))  # cut both edges: 010 or 101
    (-2.0, [2, 5])
    """
    values = diagonal(hamiltonian)
    best = float(values.min())
    return best, [int(i) for i in np.flatnonzero(np.isclose(values, best, atol=1e-9))]
