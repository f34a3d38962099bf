"""QFT against the DFT matrix and Qiskit's QFTGate, phase estimation against exact eigenphases,
Grover against the closed form sin((2k + 1) theta)**2."""

import math

import numpy as np
import pytest

from qfusion.algorithms.grover import amplitude_amplification, grover_search, optimal_iterations
from qfusion.algorithms.oracles import marked_states, phase_oracle
from qfusion.algorithms.phase_estimation import estimate_phase
from qfusion.algorithms.qft import inverse_qft, qft
from qfusion.circuit import Circuit, UnitaryGate, circuit_unitary
from qfusion.errors import CircuitError


@pytest.mark.parametrize("n", [1, 2, 4, 5])
def test_qft_is_the_dft_and_qiskits_qft(n):
    from qiskit.circuit.library import QFTGate
    from qiskit.quantum_info import Operator
    dim = 2 ** n
    dft = np.exp(2j * np.pi * np.outer(range(dim), range(dim)) / dim) / np.sqrt(dim)
    np.testing.assert_allclose(circuit_unitary(qft(n)), dft, atol=1e-12)
    np.testing.assert_allclose(circuit_unitary(qft(n)), Operator(QFTGate(n)).data, atol=1e-12)
    np.testing.assert_allclose(circuit_unitary(inverse_qft(n)), dft.conj().T, atol=1e-12)


def test_approximate_qft_stays_close():
    exact, approximate = circuit_unitary(qft(6)), circuit_unitary(qft(6, approximation_degree=2))
    assert 0 < np.abs(exact - approximate).max() < 0.1


def test_phase_estimation_of_random_unitary_eigenphases():
    rng = np.random.default_rng(3)
    q, _ = np.linalg.qr(rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4)))
    phases = np.array([3, 11, 5, 14]) / 16  # exactly representable with 4 bits
    unitary = (q * np.exp(2j * np.pi * phases)) @ q.conj().T
    for j in range(4):
        prep = Circuit(2).unitary(np.linalg.qr(np.column_stack([q[:, j], np.eye(4)[:, 1:]]))[0] *
                                  (q[0, j] / np.linalg.qr(np.column_stack([q[:, j], np.eye(4)[:, 1:]]))[0][0, 0]),
                                  [0, 1])
        result = estimate_phase(UnitaryGate(unitary), 4, state_preparation=prep)
        assert result.phase == phases[j] and abs(result.probability - 1) < 1e-9
    # a phase between grid points: the two nearest readings dominate
    result = estimate_phase(Circuit(1).p(2 * math.pi * 0.3, 0), 5, state_preparation=Circuit(1).x(0))
    assert abs(result.phase - 0.3) <= 1 / 32


@pytest.mark.parametrize("n, marked", [(3, [5]), (4, [0, 9, 15]), (5, [3, 17]), (6, [42])])
def test_grover_success_matches_closed_form_for_every_iteration_count(n, marked):
    theta = math.asin(math.sqrt(len(marked) / 2 ** n))
    for k in range(0, optimal_iterations(n, len(marked)) + 2):
        result = grover_search(n, marked, iterations=k)
        assert abs(result.success_probability - math.sin((2 * k + 1) * theta) ** 2) < 1e-10


def test_boolean_expression_oracles_mark_the_truth_table():
    expression = "(x0 and not x2) ^ (x1 | x3)"
    table = {x for x in range(16) if (bool(x & 1) and not x & 4) != (bool(x & 2) or bool(x & 8))}
    assert marked_states(expression, 4) == table
    diagonal = np.diag(circuit_unitary(phase_oracle(4, expression)))
    np.testing.assert_allclose(diagonal, [-1 if x in table else 1 for x in range(16)], atol=1e-12)
    with pytest.raises(CircuitError, match="unknown variable"):
        marked_states("x0 & y", 2)
    with pytest.raises(CircuitError, match="may use"):
        marked_states("x0 + x1", 2)


def test_amplitude_amplification_with_a_non_uniform_preparation():
    prep = Circuit(2).ry(0.4, 0).ry(1.1, 1)  # P(|11>) = sin(0.2)^2 sin(0.55)^2
    a = math.sin(0.2) ** 2 * math.sin(0.55) ** 2
    theta = math.asin(math.sqrt(a))
    for k in range(3):
        state = np.asarray(__import__("qfusion").simulate(amplitude_amplification(prep, phase_oracle(2, [3]), k)))
        assert abs(abs(state[3]) ** 2 - math.sin((2 * k + 1) * theta) ** 2) < 1e-10


def test_sampled_grover_finds_the_marked_state():
    result = grover_search(5, ["10110"], shots=200, seed=1)
    assert result.top_measurement == "10110" and result.success_probability > 0.9
