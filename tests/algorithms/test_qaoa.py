"""QAOA: the known p = 1 cut fraction on triangle-free 3-regular graphs, deeper is better, weighted
MaxCut and portfolios against brute force, warm starts and parameter transfer."""

import itertools
import math

import numpy as np
import pytest

from qfusion.algorithms.problems import (
    Graph,
    cut_value,
    diagonal,
    ising_hamiltonian,
    maxcut_hamiltonian,
    portfolio_hamiltonian,
    qubo_hamiltonian,
    read_graph,
)
from qfusion.algorithms.qaoa import interpolate, qaoa, qaoa_circuit, qaoa_ladder
from qfusion.errors import CircuitError
from qfusion.primitives import Estimator

CUBE = Graph.from_edges([(0, 1), (1, 3), (3, 2), (2, 0), (4, 5), (5, 7), (7, 6), (6, 4), (0, 4), (1, 5), (2, 6),
                         (3, 7)])
PETERSEN = Graph.from_edges([(0, 1), (1, 2), (2, 3), (3, 4), (4, 0), (0, 5), (1, 6), (2, 7), (3, 8), (4, 9),
                             (5, 7), (7, 9), (9, 6), (6, 8), (8, 5)])
# Farhi et al. 2014: on triangle-free 3-regular graphs p = 1 reaches 1/2 + 1/(3 sqrt 3) of the edges
P1_FRACTION = 0.5 + 1 / (3 * math.sqrt(3))


@pytest.mark.parametrize("graph", [CUBE, PETERSEN], ids=["cube", "petersen"])
def test_p1_reaches_the_known_cut_fraction_and_deeper_p_improves(graph):
    results = qaoa_ladder(maxcut_hamiltonian(graph), 3)
    fractions = [-r.eigenvalue / len(graph.edges) for r in results]
    assert abs(fractions[0] - P1_FRACTION) < 1e-6
    assert fractions[0] < fractions[1] - 1e-3 < fractions[2] - 2e-3


def _brute_force_max_cut(graph):
    return max(cut_value(graph, bits) for bits in range(2 ** graph.num_nodes))


def test_weighted_maxcut_finds_the_brute_force_optimum():
    rng = np.random.default_rng(0)
    edges = [(u, v, float(rng.uniform(0.2, 2.0))) for u, v in itertools.combinations(range(6), 2)
             if rng.random() < 0.6]
    graph = Graph.from_edges(edges, num_nodes=6)
    hamiltonian = maxcut_hamiltonian(graph)
    np.testing.assert_allclose(-diagonal(hamiltonian), [cut_value(graph, b) for b in range(64)], atol=1e-12)
    result = qaoa(hamiltonian, 4)
    assert abs(-result.best_cost - _brute_force_max_cut(graph)) < 1e-9
    assert result.optimum_probability > 0.2


def test_qubo_and_ising_diagonals_are_the_classical_costs():
    rng = np.random.default_rng(1)
    q, c = rng.normal(size=(4, 4)), rng.normal(size=4)
    values = diagonal(qubo_hamiltonian(q, c, 0.5))
    for index in range(16):
        x = np.array([(index >> i) & 1 for i in range(4)])
        assert abs(values[index] - (x @ q @ x + c @ x + 0.5)) < 1e-12
    h, j = rng.normal(size=3), np.triu(rng.normal(size=(3, 3)), 1)
    values = diagonal(ising_hamiltonian(h, j, 1.0))
    for index in range(8):
        z = np.array([1 - 2 * ((index >> i) & 1) for i in range(3)])
        assert abs(values[index] - (h @ z + z @ j @ z + 1.0)) < 1e-12


def _portfolio():
    rng = np.random.default_rng(3)
    mu = rng.uniform(0.01, 0.1, 5)
    a = rng.normal(size=(5, 5)) * 0.05
    return mu, a @ a.T, 0.5, 2


def test_portfolio_qaoa_picks_the_best_budgeted_portfolio_and_warm_starts():
    mu, sigma, q, budget = _portfolio()
    best = min((x for x in itertools.product([0, 1], repeat=5) if sum(x) == budget),
               key=lambda x: q * np.array(x) @ sigma @ np.array(x) - mu @ np.array(x))
    best_bits = "".join(str(b) for b in reversed(best))
    hamiltonian = portfolio_hamiltonian(mu, sigma, q, budget)
    cold = qaoa(hamiltonian, 2)
    assert cold.best_bitstring == best_bits
    # warm start from the continuous relaxation's optimum: at beta = gamma = 0 the state is the
    # product of RY(theta_i)|0> with P(x_i = 1) = c_i clipped into [epsilon, 1 - epsilon]
    relaxed = np.array(best, dtype=float) * 0.8 + 0.1
    circuit = qaoa_circuit(hamiltonian, 1, warm_start=relaxed, epsilon=0.2)
    probabilities = np.abs(np.asarray(__import__("qfusion").simulate(circuit, params=[0.0, 0.0]))) ** 2
    clipped = np.clip(relaxed, 0.2, 0.8)
    for i in range(5):
        marginal = sum(p for index, p in enumerate(probabilities) if (index >> i) & 1)
        assert abs(marginal - clipped[i]) < 1e-12
    warm = qaoa(hamiltonian, 1, warm_start=relaxed, epsilon=0.2)
    assert warm.best_bitstring == best_bits
    assert warm.optimum_probability > qaoa(hamiltonian, 1).optimum_probability


def test_interpolation_and_shot_based_runs(tmp_path):
    gammas, betas = interpolate([0.5], [0.3])
    np.testing.assert_allclose(gammas, [0.5, 0.5]) and np.testing.assert_allclose(betas, [0.3, 0.3])
    path = tmp_path / "square.txt"
    path.write_text("# a square\n0 1\n1 2 1.0\n2 3\n3 0\n")
    graph = read_graph(str(path))
    assert graph.num_nodes == 4 and graph.total_weight == 4
    result = qaoa(maxcut_hamiltonian(graph), 1, shots=2000, seed=3, maxiter=60)
    exact = Estimator().run(result.circuit, maxcut_hamiltonian(graph)).values
    assert abs(result.eigenvalue - exact) < 0.25 and result.best_bitstring in ("0101", "1010")
    with pytest.raises(CircuitError, match="diagonal"):
        qaoa_circuit(maxcut_hamiltonian(graph) + __import__("qfusion").PauliSum.from_label("XIII"), 1)


def test_ising_qaoa_concentrates_on_the_ground_state():
    rng = np.random.default_rng(5)
    h, j = rng.normal(size=5), np.triu(rng.normal(size=(5, 5)), 1)
    hamiltonian = ising_hamiltonian(h, j)
    ground = min(range(32), key=lambda i: (lambda z: h @ z + z @ j @ z)(
        np.array([1 - 2 * ((i >> q) & 1) for q in range(5)])))
    result = qaoa(hamiltonian, 3)
    assert result.optimum_probability > 8 / 32  # uniform sampling would give 1/32
    assert int(result.best_bitstring, 2) == ground
