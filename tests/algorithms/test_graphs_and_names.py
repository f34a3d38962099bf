"""Issue 12: QAOA and MaxCut take networkx graphs (checked against networkx's own cut sizes), and
the algorithms' results share Qiskit's field names, the old ones warning as deprecated aliases."""

from __future__ import annotations

import itertools

import pytest

nx = pytest.importorskip("networkx")

from qfusion.algorithms import qaoa, vqe  # noqa: E402
from qfusion.algorithms.problems import Graph, cut_value, diagonal, maxcut_hamiltonian  # noqa: E402
from qfusion.circuit import Circuit, Parameter  # noqa: E402
from qfusion.observables import PauliSum  # noqa: E402


def networkx_max_cut(graph) -> float:
    nodes = list(graph.nodes)
    best = 0.0
    for size in range(len(nodes) + 1):
        for subset in itertools.combinations(nodes, size):
            best = max(best, nx.cut_size(graph, subset, weight="weight"))
    return best


def test_maxcut_hamiltonian_of_a_labelled_weighted_networkx_graph():
    graph = nx.Graph()
    graph.add_weighted_edges_from([("a", "b", 2.0), ("b", "c", 1.0), ("c", "a", 0.5), ("c", "d", 1.5)])
    cost = maxcut_hamiltonian(graph)
    values = diagonal(cost)
    nodes = list(graph.nodes)
    for s in range(16):
        side = [nodes[k] for k in range(4) if (s >> k) & 1]
        assert -values[s] == pytest.approx(nx.cut_size(graph, side, weight="weight"))
        assert cut_value(graph, s) == pytest.approx(nx.cut_size(graph, side, weight="weight"))


def test_qaoa_takes_a_networkx_graph():
    graph = nx.random_regular_graph(3, 6, seed=4)
    result = qaoa(graph, p=2)
    best = networkx_max_cut(graph)
    assert cut_value(graph, result.best_bitstring) == pytest.approx(best)
    assert -result.eigenvalue <= best + 1e-9 and result.cost_function_evals > 0
    assert len(result.optimal_point) == 4


def test_directed_graphs_are_refused():
    from qfusion.errors import CircuitError
    with pytest.raises(CircuitError, match="undirected"):
        Graph.from_networkx(nx.DiGraph([(0, 1)]))


def test_old_result_names_are_deprecated_aliases():
    result = qaoa([(0, 1), (1, 2)], p=1)
    with pytest.warns(DeprecationWarning, match=r"QAOAResult.value is deprecated; use QAOAResult.eigenvalue"):
        assert result.value == result.eigenvalue
    with pytest.warns(DeprecationWarning, match="QAOAResult.nfev"):
        assert result.nfev == result.cost_function_evals
    found = vqe(PauliSum.from_label("Z"), Circuit(1).ry(Parameter("a"), 0), initial_point=[0.5])
    assert found.eigenvalue == pytest.approx(-1.0) and found.optimal_value == found.eigenvalue
    assert found.optimal_point is found.parameters
    with pytest.warns(DeprecationWarning, match="VQEResult.energy"):
        assert found.energy == found.eigenvalue
    with pytest.warns(DeprecationWarning, match="VQEResult.evaluations"):
        assert found.evaluations == found.cost_function_evals


def test_a_graph_without_edges_is_refused_with_a_reason():
    """It was "params must end in an axis of 1 value(s) ..., got shape (144, 2)" from the grid search."""
    from qfusion.errors import CircuitError
    with pytest.raises(CircuitError, match="constant .*graph without edges"):
        qaoa(nx.empty_graph(3), p=1)
    with pytest.raises(CircuitError, match="constant"):
        qaoa(PauliSum.from_list([("II", 2.0)]), p=1)
