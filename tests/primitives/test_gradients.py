"""Adjoint, parameter-shift and finite-difference gradients agree on random circuits."""

import numpy as np
import pytest
from primitive_helpers import clifford_frame_circuit, random_circuit, random_pauli_sum
from qiskit.quantum_info import Statevector

from qfusion.circuit import Circuit, Parameter, standard_gate
from qfusion.errors import CircuitError
from qfusion.interop.qiskit import to_qiskit
from qfusion.observables import PauliSum
from qfusion.primitives import AdjointTape, Estimator, shift_rule, value_and_gradient


def qiskit_value(circuit, observable, values):
    bound = circuit.bind(dict(zip(circuit.parameters, values, strict=False)))
    return Statevector(to_qiskit(bound)).expectation_value(observable.to_qiskit()).real


def central_difference(circuit, observable, x, h=1e-5):
    """Independent reference: central differences of Qiskit's expectation values."""
    return np.array([(qiskit_value(circuit, observable, x + h * e) - qiskit_value(circuit, observable, x - h * e))
                     / (2 * h) for e in np.eye(len(x))])


@pytest.mark.parametrize("seed", range(4))
def test_three_methods_agree_with_each_other_and_with_qiskit_differences(seed):
    rng = np.random.default_rng(seed)
    circuit = random_circuit(4, 3, 4, rng)
    H = random_pauli_sum(4, 6, rng)
    x = rng.normal(size=len(circuit.parameters))
    results = {m: value_and_gradient(circuit, H, x, method=m)
               for m in ("adjoint", "parameter_shift", "finite_difference")}
    reference = central_difference(circuit, H, x)
    value = qiskit_value(circuit, H, x)
    for method, result in results.items():
        assert abs(result.value - value) < 1e-10, method
        np.testing.assert_allclose(result.gradient, reference, atol=1e-6, err_msg=method)
    np.testing.assert_allclose(results["adjoint"].gradient, results["parameter_shift"].gradient, atol=1e-10)


def test_adjoint_handles_inlined_gate_definitions_and_controlled_gates():
    a, b = Parameter("a"), Parameter("b")
    inner = Circuit(2).ry(a, 0).cx(0, 1).rz(a * b, 1)
    circuit = Circuit(3).h(2).append(inner.to_gate("block"), [2, 0])
    circuit.append(standard_gate("ry", b).control(2), [0, 2, 1])
    H = random_pauli_sum(3, 5, np.random.default_rng(9))
    x = np.array([0.3, -0.8])
    adjoint = value_and_gradient(circuit, H, x).gradient
    np.testing.assert_allclose(adjoint, central_difference(circuit, H, x), atol=1e-6)
    np.testing.assert_allclose(value_and_gradient(circuit, H, x, method="parameter_shift").gradient, adjoint,
                               atol=1e-10)


def test_vector_jacobian_product_is_the_weighted_sum_of_gradients():
    rng = np.random.default_rng(4)
    circuit = random_circuit(3, 2, 3, rng)
    observables = [random_pauli_sum(3, 4, rng) for _ in range(3)]
    x, weights = rng.normal(size=3), rng.normal(size=3)
    tape = AdjointTape(circuit)
    values, vjp = tape.vector_jacobian_product(observables, weights, x)
    grads = np.array([tape.value_and_gradient(h, x)[1] for h in observables])
    np.testing.assert_allclose(vjp, weights @ grads, atol=1e-12)
    np.testing.assert_allclose(values, [qiskit_value(circuit, h, x) for h in observables], atol=1e-10)


def test_shot_based_parameter_shift_is_within_its_standard_errors():
    rng = np.random.default_rng(8)
    circuit = random_circuit(3, 2, 3, rng)
    H = random_pauli_sum(3, 5, rng)
    x = rng.normal(size=3)
    exact = value_and_gradient(circuit, H, x).gradient
    noisy = value_and_gradient(circuit, H, x, method="parameter_shift",
                               estimator=Estimator(shots=4000, seed=3))
    assert np.all(noisy.std_errors > 0)
    assert np.all(np.abs(noisy.gradient - exact) < 4.5 * noisy.std_errors + 1e-12)


@pytest.mark.parametrize("name, frequencies", [("rx", (1.0,)), ("rzz", (1.0,)), ("p", (1.0,)),
                                                ("crx", (0.5, 1.0)), ("cp", (1.0,))])
def test_shift_rules_know_each_gates_spectrum(name, frequencies):
    rule = shift_rule(lambda v: standard_gate(name, v).matrix(), 0.4)
    np.testing.assert_allclose(rule.frequencies, frequencies, atol=1e-9)
    # the rule differentiates cos and sin of every frequency exactly
    for w in rule.frequencies:
        for f, df in ((np.sin, np.cos), (np.cos, lambda v: -np.sin(v))):
            estimate = sum(c * (f(w * (0.4 + s)) - f(w * (0.4 - s))) for c, s in zip(rule.weights, rule.shifts, strict=False))
            assert abs(estimate - w * df(w * 0.4)) < 1e-12


def test_unknown_method_is_named():
    with pytest.raises(CircuitError, match="parameter_shift"):
        value_and_gradient(Circuit(1).rx(Parameter("t"), 0), "Z", [0.1], method="magic")


def test_rotations_moved_through_clifford_frames_and_non_clifford_gates():
    rng = np.random.default_rng(21)
    c = clifford_frame_circuit()
    H = random_pauli_sum(4, 8, rng)
    x = rng.normal(size=4)
    result = value_and_gradient(c, H, x)
    assert abs(result.value - qiskit_value(c, H, x)) < 1e-10
    np.testing.assert_allclose(result.gradient, central_difference(c, H, x), atol=1e-6)
    np.testing.assert_allclose(AdjointTape(c).state(x), Statevector(to_qiskit(c.bind(dict(zip(c.parameters, x, strict=False)))))
                               .data * np.exp(-1j * 0), atol=1e-10)


def test_pauli_evolution_matches_the_matrix_exponential_and_differentiates_fast():
    from scipy.linalg import expm

    from qfusion.circuit import circuit_unitary
    from qfusion.primitives import append_pauli_evolution
    commuting = PauliSum.from_list([("ZZI", 0.7), ("IZZ", -0.3), ("XXX", 0.2)])
    t = Parameter("t")
    c = append_pauli_evolution(Circuit(3), commuting, 2 * t)
    np.testing.assert_allclose(circuit_unitary(c.bind({t: 0.35})), expm(-1j * 0.7 * commuting.to_matrix()),
                               atol=1e-12)
    H = random_pauli_sum(3, 5, np.random.default_rng(2))
    grad = value_and_gradient(c, H, [0.35]).gradient
    np.testing.assert_allclose(grad, central_difference(c, H, np.array([0.35])), atol=1e-6)


def test_tape_expectation_value_and_size_guard():
    from qfusion.errors import CircuitTooLargeError
    rng = np.random.default_rng(6)
    circuit = random_circuit(3, 2, 2, rng)
    H = random_pauli_sum(3, 5, rng)
    x = rng.normal(size=2)
    assert abs(AdjointTape(circuit).expectation_value(H, x) - qiskit_value(circuit, H, x)) < 1e-10
    with pytest.raises(CircuitTooLargeError, match="adjoint differentiation"):
        AdjointTape(Circuit(45).rx(Parameter("t"), 0))


def test_tape_refuses_an_observable_of_another_size():
    tape = AdjointTape(Circuit(2).rx(Parameter("t"), 0))
    assert abs(tape.value_and_gradient("IZ", [0.3])[1][0] + np.sin(0.3)) < 1e-12  # labels are accepted
    with pytest.raises(CircuitError, match="3 qubits but the circuit has 2"):
        tape.value_and_gradient("ZZZ", [0.3])


def test_adjoint_tape_differentiates_global_pulses_factor_by_factor(monkeypatch):
    """A BroadcastGate runs as its one-qubit factors (never its 2^n matrix); a shared angle sums their partials."""
    from qfusion.circuit import BroadcastGate
    t, u = Parameter("t"), Parameter("u")
    circuit = Circuit(5)
    circuit.append(BroadcastGate(standard_gate("h"), 5), list(range(5)))
    circuit.cx(0, 4)
    circuit.append(BroadcastGate(standard_gate("rx", 2 * t), 5), [4, 3, 2, 1, 0])
    circuit.append(BroadcastGate(standard_gate("t"), 3), [0, 2, 4])
    circuit.append(BroadcastGate(standard_gate("p", u), 4), [3, 1, 0, 2])
    circuit.append(BroadcastGate(standard_gate("ry", t + u), 5), list(range(5)))
    H = random_pauli_sum(5, 6, np.random.default_rng(10))
    x = np.array([0.35, -0.7])
    reference = central_difference(circuit, H, x)
    value = qiskit_value(circuit, H, x)
    monkeypatch.setattr(BroadcastGate, "_matrix", lambda gate, params: pytest.fail("a 2^n matrix was built"))
    tape = AdjointTape(circuit)
    got_value, gradient = tape.value_and_gradient(H, x)
    assert abs(got_value - value) < 1e-10
    np.testing.assert_allclose(gradient, reference, atol=1e-6)
