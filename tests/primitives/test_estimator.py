"""The Estimator against Qiskit's Statevector.expectation_value, exactly and with shots."""

import numpy as np
import pytest
from primitive_helpers import random_circuit, random_pauli_sum
from qiskit.quantum_info import Statevector

from qfusion.circuit import Circuit, Parameter
from qfusion.errors import BackendError, CircuitError
from qfusion.interop.qiskit import to_qiskit
from qfusion.primitives import Estimator


def qiskit_value(circuit, observable, values):
    bound = circuit.bind(dict(zip(circuit.parameters, values, strict=False)))
    return Statevector(to_qiskit(bound)).expectation_value(observable.to_qiskit()).real


@pytest.mark.parametrize("backend", ["statevector", "reference"])
def test_exact_values_match_qiskit_with_broadcasting(backend):
    rng = np.random.default_rng(1)
    circuit = random_circuit(4, 3, 3, rng)
    observables = [random_pauli_sum(4, 6, rng) for _ in range(2)]
    params = rng.normal(size=(5, 3))
    result = Estimator(backend).run(circuit, [[h] for h in observables], params)
    assert result.values.shape == (2, 5) and np.all(result.std_errors == 0)
    expected = [[qiskit_value(circuit, h, row) for row in params] for h in observables]
    np.testing.assert_allclose(result.values, expected, atol=1e-10)


def test_several_circuits_broadcast_against_one_parameter_set():
    rng = np.random.default_rng(2)
    circuits = [random_circuit(3, 2, 2, rng) for _ in range(3)]
    H = random_pauli_sum(3, 5, rng)
    row = rng.normal(size=2)
    result = Estimator().run(circuits, H, row)
    assert result.values.shape == (3,)
    np.testing.assert_allclose(result.values, [qiskit_value(c, H, row) for c in circuits], atol=1e-10)


@pytest.mark.parametrize("backend", ["statevector", "reference"])
def test_shot_estimates_fall_within_their_standard_errors(backend):
    rng = np.random.default_rng(3)
    circuit = random_circuit(3, 2, 2, rng)
    H = random_pauli_sum(3, 8, rng) + 0.7  # an identity term is counted exactly
    params = rng.normal(size=(4 if backend == "statevector" else 2, 2))
    exact = [qiskit_value(circuit, H, row) for row in params]
    shots = 3000 if backend == "statevector" else 300
    result = Estimator(backend, shots=shots, seed=11).run(circuit, H, params)
    assert np.all(result.std_errors > 0)
    z = (result.values - exact) / result.std_errors
    assert np.all(np.abs(z) < 4.5), z
    # the standard error is what the spread of repeated estimates shows
    if backend == "statevector":
        repeats = np.array([Estimator(shots=shots, seed=s).run(circuit, H, params[0]).values for s in range(40)])
        assert 0.6 < repeats.std() / result.std_errors[0] < 1.5


def test_errors_are_actionable():
    t = Parameter("t")
    with pytest.raises(CircuitError, match="params="):
        Estimator().run(Circuit(1).rx(t, 0), "Z")
    with pytest.raises(CircuitError, match="cannot broadcast"):
        Estimator().run(Circuit(1).rx(t, 0), ["Z", "X"], np.zeros((3, 1)))
    with pytest.raises(CircuitError, match="Hermitian"):
        Estimator().run(Circuit(1), [("Z", 1j)])
    with pytest.raises(BackendError, match="shots="):
        Estimator("null").run(Circuit(1), "Z")


def test_density_matrix_states_give_the_trace_formula():
    from qfusion.primitives.estimator import state_expectation
    rng = np.random.default_rng(9)
    H = random_pauli_sum(3, 7, rng)
    states = [rng.normal(size=8) + 1j * rng.normal(size=8) for _ in range(2)]
    states = [s / np.linalg.norm(s) for s in states]
    rho = 0.3 * np.outer(states[0], states[0].conj()) + 0.7 * np.outer(states[1], states[1].conj())
    expected = np.trace(rho @ H.to_matrix()).real
    assert abs(state_expectation(rho, H) - expected) < 1e-12
    assert abs(state_expectation(states[0], H) - H.expectation_value(states[0])) < 1e-12
    from qfusion.sim.density_state import DensityMatrix
    assert abs(state_expectation(DensityMatrix.from_matrix(rho), H) - expected) < 1e-12  # its Pauli components
