"""qfusion <-> Cirq conversion, checked against Cirq's unitaries and simulator.

Cirq orders amplitudes big-endian (its first qubit is the most significant bit), qfusion
little-endian; every comparison reverses the qubit order of Cirq's arrays first.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

cirq = pytest.importorskip("cirq")
sympy = pytest.importorskip("sympy")

from qfusion.circuit import (  # noqa: E402
    Circuit,
    CircuitGate,
    ControlledGate,
    Parameter,
    PowerGate,
    Register,
    StandardGate,
    UnitaryGate,
    circuit_unitary,
)
from qfusion.circuit.gates import STANDARD_GATES  # noqa: E402
from qfusion.errors import CircuitError  # noqa: E402
from qfusion.interop import from_cirq, to_cirq  # noqa: E402
from qfusion.interop.cirq import reverse_qubit_order  # noqa: E402


def cirq_unitary(cirq_circuit, qubits) -> np.ndarray:
    """Cirq's unitary over ``qubits``, as a little-endian (qfusion) matrix."""
    return reverse_qubit_order(cirq_circuit.unitary(qubit_order=qubits))


def little_endian_state(state: np.ndarray) -> np.ndarray:
    n = state.size.bit_length() - 1
    return state.reshape((2,) * n).transpose(list(reversed(range(n)))).reshape(-1)


def assert_same(cirq_circuit, circuit, qubits=None):
    qubits = qubits if qubits is not None else cirq.LineQubit.range(circuit.num_qubits)
    np.testing.assert_allclose(cirq_unitary(cirq_circuit, qubits), circuit_unitary(circuit), atol=1e-9)


# -- qfusion -> cirq -----------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(150))
def test_to_cirq_random_circuit_has_the_same_unitary(seed, make_random_circuit):
    rng = np.random.default_rng(seed)
    circuit = make_random_circuit(rng, int(rng.integers(1, 6)), 12)
    assert_same(to_cirq(circuit), circuit)


@pytest.mark.parametrize("name", sorted(STANDARD_GATES))
def test_every_standard_gate(name):
    spec = STANDARD_GATES[name]
    params = tuple(np.linspace(0.3, 1.1, spec.num_params))
    circuit = Circuit(spec.num_qubits).append(StandardGate(name, params), range(spec.num_qubits))
    converted = to_cirq(circuit)
    assert_same(converted, circuit)
    back = from_cirq(converted, qubit_order=cirq.LineQubit.range(spec.num_qubits))
    np.testing.assert_allclose(circuit_unitary(back), circuit_unitary(circuit), atol=1e-9)


@pytest.mark.parametrize("name", ["id", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "sxdg", "rx", "ry", "rz",
                                  "p", "cx", "cy", "cz", "ch", "cp", "crx", "cry", "crz", "swap", "iswap",
                                  "rxx", "ryy", "rzz", "ccx", "cswap"])
def test_gates_cirq_has_come_back_as_themselves(name):
    spec = STANDARD_GATES[name]
    gate = StandardGate(name, tuple(np.linspace(0.3, 1.1, spec.num_params)))
    circuit = Circuit(spec.num_qubits).append(gate, range(spec.num_qubits))
    back = from_cirq(to_cirq(circuit), qubit_order=cirq.LineQubit.range(spec.num_qubits))
    assert back.instructions[0].operation.name == name
    np.testing.assert_allclose(back.instructions[0].operation.params, gate.params, rtol=1e-12)


def test_cirq_gate_kinds_for_standard_gates():
    circuit = Circuit(4).h(0).cx(0, 1).cz(1, 2).swap(2, 3).iswap(0, 3).ccx(0, 1, 2).mcx([0, 1, 2], 3)
    ops = list(to_cirq(circuit).all_operations())
    assert [op.gate for op in ops[:6]] == [cirq.H, cirq.CNOT, cirq.CZ, cirq.SWAP, cirq.ISWAP, cirq.CCX]
    assert isinstance(ops[6].gate, cirq.ControlledGate) and ops[6].gate.sub_gate == cirq.X


def test_idle_qubits_and_custom_qubits():
    circuit = Circuit(3).h(2)
    grid = [cirq.GridQubit(0, 0), cirq.GridQubit(0, 1), cirq.GridQubit(1, 0)]
    converted = to_cirq(circuit, qubits=grid)
    assert converted.all_qubits() == {grid[2]}
    assert_same(converted, circuit, grid)
    assert from_cirq(converted, qubit_order=grid) == circuit
    with pytest.raises(CircuitError, match="needs 3 qubits"):
        to_cirq(circuit, qubits=grid[:2])


def test_symbolic_parameters_to_cirq():
    theta, phi = Parameter("theta"), Parameter("phi")
    circuit = Circuit(2, global_phase=phi / 2).rx(theta, 0).p(2 * phi, 1).cp(theta - phi, 0, 1)
    circuit.rzz(theta, 0, 1).u(theta, phi, 0.2, 1).cu(phi, theta, 0.1, theta, 1, 0).crz(phi, 0, 1)
    converted = to_cirq(circuit)
    assert cirq.parameter_names(converted) == {"theta", "phi"}
    values = {"theta": 0.7, "phi": -0.4}
    assert_same(cirq.resolve_parameters(converted, values), circuit.bind(values))


def test_unbound_power_gate_is_an_error():
    circuit = Circuit(1).append(PowerGate(StandardGate("rx", (Parameter("a"),)), 0.5), [0])
    with pytest.raises(CircuitError, match="unbound"):
        to_cirq(circuit)


# -- cirq -> qfusion -----------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(100))
def test_from_cirq_random_circuit_has_the_same_unitary(seed):
    qubits = cirq.LineQubit.range(1 + seed % 5)
    original = cirq.testing.random_circuit(qubits, n_moments=8, op_density=0.8, random_state=seed)
    circuit = from_cirq(original, qubit_order=qubits)
    assert_same(original, circuit, qubits)


def extended_gate_domain():
    rng = np.random.default_rng(0)
    matrix = cirq.testing.random_unitary(4, random_state=1)
    return {
        cirq.rx(0.3): 1, cirq.ry(-1.2): 1, cirq.rz(2.1): 1, cirq.XPowGate(exponent=0.37, global_shift=0.2): 1,
        cirq.YPowGate(exponent=-0.6): 1, cirq.ZPowGate(exponent=0.81, global_shift=0.3): 1,
        cirq.HPowGate(exponent=0.4): 1, cirq.S: 1, cirq.T ** -1: 1, cirq.X ** 0.5: 1,
        cirq.PhasedXPowGate(phase_exponent=0.3, exponent=0.7, global_shift=0.1): 1,
        cirq.PhasedXZGate(x_exponent=0.2, z_exponent=-0.4, axis_phase_exponent=0.9): 1,
        cirq.CNOT ** 0.3: 2, cirq.CZ ** -0.45: 2, cirq.SWAP ** 0.5: 2, cirq.ISWAP ** -1: 2, cirq.ISWAP ** 0.25: 2,
        cirq.XX ** 0.3: 2, cirq.YY ** -0.2: 2, cirq.ZZ ** 0.7: 2, cirq.FSimGate(0.3, 0.4): 2,
        cirq.MatrixGate(matrix): 2, cirq.ControlledGate(cirq.rx(0.4), control_values=[0]): 2,
        cirq.ControlledGate(cirq.X ** 0.3): 2, cirq.ControlledGate(cirq.Y): 2,
        cirq.CCX: 3, cirq.CCX ** 0.5: 3, cirq.CCZ: 3, cirq.CCZ ** 0.3: 3, cirq.CSWAP: 3,
        cirq.ControlledGate(cirq.H, num_controls=2, control_values=[1, 0]): 3,
        cirq.X.controlled(3): 4, cirq.IdentityGate(2): 2, cirq.PhasedISwapPowGate(exponent=float(rng.random())): 2,
    }


@pytest.mark.parametrize("seed", range(80))
def test_from_cirq_random_circuit_over_many_gates(seed):
    qubits = [cirq.GridQubit(r, c) for r in range(2) for c in range(2)]
    original = cirq.testing.random_circuit(qubits, n_moments=8, op_density=0.9,
                                           gate_domain=extended_gate_domain(), random_state=seed)
    original.insert(0, cirq.global_phase_operation(np.exp(0.3j)))
    circuit = from_cirq(original, qubit_order=qubits)
    assert_same(original, circuit, qubits)


def test_from_cirq_default_qubit_order_is_sorted():
    a, b, c = cirq.GridQubit(1, 0), cirq.GridQubit(0, 1), cirq.GridQubit(0, 0)
    circuit = from_cirq(cirq.Circuit(cirq.X(a), cirq.H(b), cirq.CNOT(c, a)))
    assert [(i.name, i.qubits) for i in circuit.instructions] == [("x", (2,)), ("h", (1,)), ("cx", (0, 2))]


def test_from_cirq_names_exact_gates():
    q = cirq.LineQubit.range(3)
    original = cirq.Circuit(cirq.X(q[0]) ** 0.5, cirq.S(q[1]) ** -1, cirq.rz(0.3).on(q[2]), cirq.CNOT(q[0], q[1]),
                            cirq.CZ(q[1], q[2]) ** 0.5, cirq.CCX(*q), cirq.X(q[0]).controlled_by(q[1], q[2]),
                            cirq.ControlledGate(cirq.rx(0.2)).on(q[2], q[0]), cirq.X(q[2]).controlled_by(q[0],
                            control_values=[0]))
    circuit = from_cirq(original)
    assert [i.name for i in circuit.instructions] == ["sx", "sdg", "rz", "cx", "cp", "ccx", "ccx", "crx", "cx"]
    assert circuit.instructions[-1].operation == ControlledGate(StandardGate("x"), 1, 0)
    assert_same(original, circuit)


def test_from_cirq_matrix_gate_and_circuit_operation():
    q = cirq.LineQubit.range(3)
    matrix = cirq.testing.random_unitary(4, random_state=3)
    sub = cirq.FrozenCircuit(cirq.H(q[0]), cirq.CNOT(q[0], q[1]), cirq.global_phase_operation(1j))
    original = cirq.Circuit(cirq.MatrixGate(matrix).on(q[2], q[0]), cirq.CircuitOperation(sub).repeat(2),
                            cirq.CircuitOperation(sub).controlled_by(q[2]))
    circuit = from_cirq(original)
    assert isinstance(circuit.instructions[0].operation, UnitaryGate)
    assert_same(original, circuit)


def test_symbolic_parameters_from_cirq():
    a, b = sympy.Symbol("a"), sympy.Symbol("b")
    q = cirq.LineQubit.range(3)
    original = cirq.Circuit(
        cirq.rx(a).on(q[0]), cirq.XPowGate(exponent=b, global_shift=0.25).on(q[1]), cirq.Z(q[2]) ** (a * b),
        cirq.CZ(q[0], q[1]) ** b, cirq.CNOT(q[1], q[2]) ** a, cirq.XX(q[0], q[2]) ** (2 * a - b),
        cirq.PhasedXPowGate(phase_exponent=a, exponent=b).on(q[1]),
        cirq.PhasedXZGate(x_exponent=a, z_exponent=b, axis_phase_exponent=0.1).on(q[2]),
        cirq.ControlledGate(cirq.Y ** a).on(q[2], q[0]), cirq.CCZ(*q) ** b,
        cirq.global_phase_operation(sympy.exp(sympy.I * (a + 1))), cirq.FSimGate(a, b).on(q[0], q[2]))
    circuit = from_cirq(original)
    assert {p.name for p in circuit.parameters} == {"a", "b"}
    assert circuit.instructions[0].operation == StandardGate("rx", (Parameter("a"),))
    values = {"a": 0.37, "b": -1.3}
    assert_same(cirq.resolve_parameters(original, values), circuit.bind(values))


# -- measurement and conditions ------------------------------------------------------------

def test_measurement_keys_to_cirq():
    circuit = Circuit.from_registers([Register("q", 2)], [Register("a", 1), Register("b", 2)])
    circuit.x(0).measure(0, 2).measure(1, 0)
    keys = {op.qubits[0].x: cirq.measurement_key_name(op) for op in to_cirq(circuit).all_operations()
            if cirq.is_measurement(op)}
    assert keys == {0: "b[1]", 1: "a[0]"}


def test_measurement_keys_from_cirq():
    q = cirq.LineQubit.range(3)
    original = cirq.Circuit(cirq.measure(q[2], q[0], key="m"), cirq.measure(q[1], key="flag"),
                            cirq.measure(q[0], key="r[1]"))
    circuit = from_cirq(original)
    assert circuit.cregs == [Register("m", 2), Register("flag", 1), Register("r", 2)]
    assert [(i.qubits, i.clbits) for i in circuit.instructions] == [((2,), (0,)), ((0,), (1,)), ((1,), (2,)),
                                                                    ((0,), (4,))]


def test_inverted_measurement():
    q = cirq.LineQubit(0)
    circuit = from_cirq(cirq.Circuit(cirq.measure(q, key="m", invert_mask=(True,))))
    assert [i.name for i in circuit.instructions] == ["x", "measure", "x"]


def test_conditions_round_trip_and_simulate():
    circuit = Circuit(3, 3).x(0).measure(0, 0).x(1).c_if(0, 1).measure(1, 1)
    circuit.x(2).c_if((0, 1), 3).h(2).c_if((0, 1), 1).y(2).c_if(1, 0).measure(2, 2)
    converted = to_cirq(circuit)
    result = cirq.Simulator(seed=1).run(converted, repetitions=20)
    assert all((result.measurements[f"c[{i}]"] == 1).all() for i in range(3))
    assert from_cirq(converted) == circuit


def test_conditions_from_cirq():
    q = cirq.LineQubit.range(3)
    original = cirq.Circuit(
        cirq.measure(q[0], q[1], key="m"), cirq.measure(q[2], key="f"),
        cirq.X(q[2]).with_classical_controls("f"),
        cirq.H(q[2]).with_classical_controls(sympy.Eq(sympy.Symbol("m"), 2)),
        cirq.Z(q[0]).with_classical_controls(sympy.And(sympy.Eq(sympy.Symbol("m"), 1),
                                                       sympy.Eq(sympy.Symbol("f"), 0))))
    circuit = from_cirq(original)
    conditions = {i.name: {b: i.condition.value >> k & 1 for k, b in enumerate(i.condition.clbits)}
                  for i in circuit.instructions if i.condition}
    # m is read big-endian: m == 2 means its first qubit (clbit 0) is 1
    assert conditions == {"x": {2: 1}, "h": {0: 1, 1: 0}, "z": {0: 0, 1: 1, 2: 0}}
    with pytest.raises(CircuitError, match="multi-bit"):
        from_cirq(cirq.Circuit(cirq.measure(*q[:2], key="m"), cirq.X(q[2]).with_classical_controls("m")))


# -- simulation against cirq ---------------------------------------------------------------

def test_cirq_state_vector_matches_the_unitary(make_random_circuit):
    rng = np.random.default_rng(8)
    for _ in range(5):
        circuit = make_random_circuit(rng, 4, 15)
        state = cirq.final_state_vector(to_cirq(circuit), qubit_order=cirq.LineQubit.range(4))
        np.testing.assert_allclose(little_endian_state(state), circuit_unitary(circuit)[:, 0], atol=1e-6)


def test_teleportation_in_cirq():
    theta = 1.1
    circuit = Circuit(3, 3).ry(theta, 0).h(1).cx(1, 2).cx(0, 1).h(0).measure(0, 0).measure(1, 1)
    circuit.x(2).c_if(1, 1).z(2).c_if(0, 1).measure(2, 2)
    result = cirq.Simulator(seed=5).run(to_cirq(circuit), repetitions=4000)
    assert abs(result.measurements["c[2]"].mean() - math.sin(theta / 2) ** 2) < 0.03


def test_circuit_gate_to_cirq_is_a_circuit_operation():
    sub = Circuit(2, name="bell", global_phase=0.3).h(0).cx(0, 1)
    circuit = Circuit(3).append(CircuitGate(sub, "bell"), [2, 0]).append(sub.to_gate().control(1), [1, 0, 2])
    converted = to_cirq(circuit)
    assert isinstance(next(iter(converted.all_operations())), cirq.CircuitOperation)
    assert_same(converted, circuit)
