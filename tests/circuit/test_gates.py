"""Every gate's matrix against Qiskit's, and the algebra of modifiers."""

import numpy as np
import pytest
from qiskit.circuit.library import MCXGate, get_standard_gate_name_mapping
from qiskit.quantum_info import Operator

from qfusion.circuit import (
    STANDARD_GATES,
    Circuit,
    ControlledGate,
    Parameter,
    UnitaryGate,
    circuit_unitary,
    matrix_kind,
    standard_gate,
)
from qfusion.errors import CircuitError, ParameterError

QISKIT = get_standard_gate_name_mapping()


@pytest.mark.parametrize("name", list(STANDARD_GATES))
def test_matrix_kind_and_inverse_match_qiskit(name):
    rng = np.random.default_rng(abs(hash(name)) % 1000)
    spec = STANDARD_GATES[name]
    params = list(rng.uniform(-3, 3, spec.num_params))
    reference = QISKIT[name].__class__(*params) if spec.num_params else QISKIT[name]
    gate = standard_gate(name, *params)
    np.testing.assert_allclose(gate.matrix(), Operator(reference).data, atol=1e-12)
    np.testing.assert_allclose(gate.inverse().matrix(), gate.matrix().conj().T, atol=1e-12)
    assert matrix_kind(gate.matrix(), 1e-12) == gate.kind


@pytest.mark.parametrize("name", ["rxx", "ryy", "rzz"])
@pytest.mark.parametrize("angle", [0.0, 0.3, -1.1, np.pi, 2.5 * np.pi])
def test_two_qubit_pauli_rotations_match_qiskit_and_the_exponential(name, angle):
    # the closed forms against Qiskit's and against exp(-i t/2 P(x)P) by eigendecomposition
    pauli = {"rxx": np.array([[0, 1], [1, 0]]), "ryy": np.array([[0, -1j], [1j, 0]]), "rzz": np.diag([1, -1])}[name]
    values, vectors = np.linalg.eigh(np.kron(pauli, pauli).astype(complex))
    exponential = (vectors * np.exp(-0.5j * angle * values)) @ vectors.conj().T
    matrix = standard_gate(name, angle).matrix()
    np.testing.assert_allclose(matrix, Operator(QISKIT[name].__class__(angle)).data, atol=1e-12)
    np.testing.assert_allclose(matrix, exponential, atol=1e-12)


def test_mcx_matches_qiskit():
    for controls in (1, 2, 3, 4):
        gate = standard_gate("mcx", num_qubits=controls + 1)
        np.testing.assert_allclose(gate.matrix(), Operator(MCXGate(controls)).data, atol=1e-12)


def test_controlled_power_and_unitary_gates():
    cs = standard_gate("h").control(2, ctrl_state=1)
    reference = QISKIT["h"].control(2, ctrl_state=1, annotated=False)
    np.testing.assert_allclose(cs.matrix(), Operator(reference).data, atol=1e-12)
    assert isinstance(cs, ControlledGate) and cs.kind == "dense"
    np.testing.assert_allclose(standard_gate("t").power(2).matrix(), standard_gate("s").matrix(), atol=1e-12)
    half = standard_gate("x").power(0.5)
    np.testing.assert_allclose(half.matrix() @ half.matrix(), standard_gate("x").matrix(), atol=1e-12)
    assert standard_gate("rx", 0.4).power(3) == standard_gate("rx", 1.2000000000000002)
    with pytest.raises(CircuitError, match="not unitary"):
        UnitaryGate([[1, 1], [0, 1]])


def test_parameters_arithmetic_and_binding():
    a, b = Parameter("a"), Parameter("b")
    expr = (a + 2) * b - a / 4
    assert expr.bind({a: 4, b: 0.5}) == pytest.approx(2.0)
    assert expr.bind({"a": 4}).parameters == {b}
    with pytest.raises(ParameterError, match="unbound parameters: a, b"):
        float(expr)
    gate = standard_gate("rz", 2 * a)
    assert gate.is_parameterized and not gate.bind({a: 0.1}).is_parameterized
    assert gate.inverse().bind({a: 0.1}) == standard_gate("rz", -0.2)


def test_circuit_inverse_and_compose_are_exact():
    rng = np.random.default_rng(2)
    c = Circuit(3).h(0).cx(0, 1).rzz(0.3, 1, 2).u(0.1, 0.2, 0.3, 2).iswap(0, 2).cswap(1, 0, 2)
    u = circuit_unitary(c)
    np.testing.assert_allclose(circuit_unitary(c.inverse()), u.conj().T, atol=1e-12)
    np.testing.assert_allclose(circuit_unitary(c + c.inverse()), np.eye(8), atol=1e-12)
    np.testing.assert_allclose(circuit_unitary(c.power(2)), u @ u, atol=1e-12)
    wrapped = Circuit(4).append(c.to_gate("block"), [3, 1, 0])
    np.testing.assert_allclose(circuit_unitary(Circuit(3).append(c.to_gate(), [0, 1, 2])), u, atol=1e-12)
    assert wrapped.count_ops() == {"block": 1}
    controlled = circuit_unitary(c.control(1))
    np.testing.assert_allclose(controlled[1::2, 1::2], u, atol=1e-12)
    assert rng is not None


def test_builder_validates_indices():
    with pytest.raises(CircuitError, match="qubit 2 is out of range"):
        Circuit(2).h(2)
    with pytest.raises(CircuitError, match="repeated qubits"):
        Circuit(2).cx(1, 1)
    with pytest.raises(CircuitError, match="clbit"):
        Circuit(1, 1).measure(0, 3)


def test_depth_size_and_measure_all():
    c = Circuit(3).h(0).cx(0, 1).x(2).barrier().measure_all()
    assert c.depth() == 3 and c.size() == 6 and c.num_clbits == 3
    assert [r.name for r in c.cregs] == ["c"]
    c.measure_all()
    assert [r.name for r in c.cregs] == ["c", "meas"] and c.num_clbits == 6


def test_symbolic_power_exponents_are_parameters_and_bind():
    import qfusion as qf
    t = qf.Parameter("t")
    c = Circuit(1)
    c.append(standard_gate("sx").power(2 * t), [0])
    assert c.parameters == (t,) and c.is_parameterized
    bound = c.bind({t: 0.5})
    assert not bound.is_parameterized
    # sx ** (2 * 0.5) is sx itself; compare with its own matrix
    np.testing.assert_allclose(np.asarray(qf.simulate(c, {t: 0.5})), standard_gate("sx").matrix()[:, 0], atol=1e-12)


def test_gate_dags_bind_and_multiply_out_once_per_shared_gate():
    # g_k applies g_{k-1} twice: 2**depth paths to the bottom gate, but only depth distinct gates
    t = Parameter("t")
    gate = Circuit(1).rx(t, 0).to_gate("g0")
    gates = [gate]
    for k in range(1, 40):
        c = Circuit(1)
        c.append(gates[-1], [0]).append(gates[-1], [0])
        gates.append(c.to_gate(f"g{k}"))
    top = Circuit(1).append(gates[-1], [0])
    bound = top.bind({t: 0.1})  # exponential without memoisation: this would never return
    assert not bound.is_parameterized
    level16 = bound.instructions[0].operation
    for _ in range(39 - 16):
        level16 = level16.definition.instructions[0].operation
    np.testing.assert_allclose(level16.matrix(), standard_gate("rx", 0.1 * 2 ** 16).matrix(), atol=1e-9)
    assert bound.instructions[0].operation.matrix().shape == (2, 2)
