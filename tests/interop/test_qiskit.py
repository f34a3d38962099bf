"""qfusion <-> Qiskit conversion, checked against Qiskit's own Operator and Aer."""

from __future__ import annotations

import math

import numpy as np
import pytest

qiskit = pytest.importorskip("qiskit")

from qiskit import ClassicalRegister, QuantumCircuit, QuantumRegister  # noqa: E402
from qiskit.circuit import Parameter as QiskitParameter  # noqa: E402
from qiskit.circuit.library import get_standard_gate_name_mapping  # noqa: E402
from qiskit.circuit.random import random_circuit as qiskit_random_circuit  # noqa: E402
from qiskit.quantum_info import Operator  # noqa: E402

from qfusion.circuit import (  # noqa: E402
    Circuit,
    CircuitGate,
    Condition,
    ControlledGate,
    InverseGate,
    Parameter,
    PowerGate,
    Register,
    StandardGate,
    circuit_unitary,
)
from qfusion.circuit.gates import STANDARD_GATES  # noqa: E402
from qfusion.errors import CircuitError, ParameterError  # noqa: E402
from qfusion.interop import from_qiskit, to_qiskit  # noqa: E402


def assert_same_operator(qc, circuit):
    np.testing.assert_allclose(Operator(qc).data, circuit_unitary(circuit), atol=1e-9)


# -- random circuits both ways -------------------------------------------------------------

@pytest.mark.parametrize("seed", range(150))
def test_to_qiskit_random_circuit_has_the_same_unitary(seed, make_random_circuit):
    rng = np.random.default_rng(seed)
    circuit = make_random_circuit(rng, int(rng.integers(1, 6)), 12)
    assert_same_operator(to_qiskit(circuit), circuit)


@pytest.mark.parametrize("seed", range(150))
def test_from_qiskit_random_circuit_has_the_same_unitary(seed):
    rng = np.random.default_rng(seed)
    qc = qiskit_random_circuit(int(rng.integers(1, 6)), 6, max_operands=4, seed=seed)
    assert_same_operator(qc, from_qiskit(qc))


@pytest.mark.parametrize("seed", range(100))
def test_round_trip_of_standard_gates_is_exact(seed, make_random_circuit):
    rng = np.random.default_rng(seed)
    circuit = make_random_circuit(rng, 4, 20, modifiers=False)
    circuit.measure_all()
    assert from_qiskit(to_qiskit(circuit)) == circuit


@pytest.mark.parametrize("seed", range(30))
def test_round_trip_of_modified_gates_keeps_the_unitary(seed, make_random_circuit):
    rng = np.random.default_rng(1000 + seed)
    circuit = make_random_circuit(rng, 4, 10)
    back = from_qiskit(to_qiskit(circuit))
    np.testing.assert_allclose(circuit_unitary(back), circuit_unitary(circuit), atol=1e-9)


# -- every gate ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(STANDARD_GATES))
def test_every_standard_gate_maps_to_the_qiskit_gate_of_the_same_name(name):
    spec = STANDARD_GATES[name]
    params = tuple(np.linspace(0.3, 1.1, spec.num_params))
    circuit = Circuit(spec.num_qubits).append(StandardGate(name, params), range(spec.num_qubits))
    qc = to_qiskit(circuit)
    assert qc.data[0].operation.name == name
    assert_same_operator(qc, circuit)
    assert from_qiskit(qc) == circuit


@pytest.mark.parametrize("num_controls", [1, 2, 3, 5])
def test_mcx(num_controls):
    circuit = Circuit(num_controls + 1).mcx(range(num_controls), num_controls)
    qc = to_qiskit(circuit)
    assert_same_operator(qc, circuit)
    back = from_qiskit(qc)
    assert_same_operator(qc, back)
    if num_controls >= 3:  # Qiskit itself turns MCXGate(1), MCXGate(2) into cx and ccx
        assert back == circuit


@pytest.mark.parametrize("name", sorted(set(get_standard_gate_name_mapping()) - {"measure", "reset", "delay"}))
def test_every_qiskit_standard_gate_converts_exactly(name):
    gate = get_standard_gate_name_mapping()[name]
    params = list(np.linspace(0.2, 0.9, len(gate.params)))
    gate = gate.base_class(*params) if params else gate
    qc = QuantumCircuit(gate.num_qubits)
    qc.append(gate, range(gate.num_qubits))
    circuit = from_qiskit(qc)
    assert_same_operator(qc, circuit)
    if name in STANDARD_GATES:
        assert circuit.instructions[0].operation == StandardGate(name, params)


@pytest.mark.parametrize("name, expected", [("u1", "p"), ("u2", "u"), ("u3", "u"), ("r", "u"), ("cs", "cp"),
                                            ("csdg", "cp"), ("cu1", "cp"), ("cu3", "cu")])
def test_qiskit_aliases_map_to_standard_gates(name, expected):
    gate = get_standard_gate_name_mapping()[name]
    gate = gate.base_class(*np.linspace(0.2, 0.9, len(gate.params))) if gate.params else gate
    qc = QuantumCircuit(gate.num_qubits)
    qc.append(gate, range(gate.num_qubits))
    circuit = from_qiskit(qc)
    assert circuit.instructions[0].name == expected
    assert_same_operator(qc, circuit)


def test_gates_without_equivalent_use_their_definition_or_matrix():
    qc = QuantumCircuit(3)
    qc.rzx(0.4, 0, 1)
    qc.dcx(1, 2)
    qc.rccx(0, 1, 2)
    qc.append(qiskit.circuit.library.XXPlusYYGate(0.3, 0.2), [2, 0])
    circuit = from_qiskit(qc)
    assert [type(i.operation) for i in circuit.instructions] == [CircuitGate] * 4
    assert [i.name for i in circuit.instructions] == ["rzx", "dcx", "rccx", "xx_plus_yy"]
    assert_same_operator(qc, circuit)


def test_open_controls_and_controlled_gates():
    qc = QuantumCircuit(4)
    qc.cx(0, 1, ctrl_state=0)
    qc.append(qiskit.circuit.library.CUGate(0.1, 0.2, 0.3, 0.4, ctrl_state=0), [1, 2])
    qc.append(qiskit.circuit.library.RYGate(0.7).control(2, ctrl_state="01", annotated=False), [3, 1, 0])
    qc.append(qiskit.circuit.library.HGate().control(3, annotated=False), [0, 1, 2, 3])
    qc.ccz(0, 1, 3)
    qc.csx(2, 0)
    circuit = from_qiskit(qc)
    assert all(isinstance(i.operation, ControlledGate) for i in circuit.instructions)
    assert circuit.instructions[0].operation == ControlledGate(StandardGate("x"), 1, 0)
    assert_same_operator(qc, circuit)
    assert_same_operator(to_qiskit(circuit), circuit)


def test_unitary_gate_keeps_its_matrix_and_label():
    matrix = qiskit.quantum_info.random_unitary(4, seed=5).data
    circuit = Circuit(3).unitary(matrix, [2, 0], label="mine")
    qc = to_qiskit(circuit)
    assert qc.data[0].operation.label == "mine"
    back = from_qiskit(qc)
    assert back == circuit and back.instructions[0].operation.label == "mine"


def test_inverse_power_and_circuit_gates():
    sub = Circuit(2, name="bell").h(0).cx(0, 1)
    circuit = Circuit(3).append(sub.to_gate(), [1, 2]).append(InverseGate(StandardGate("t")), [0])
    circuit.append(PowerGate(StandardGate("h"), 0.5), [1]).append(PowerGate(StandardGate("rx", (0.3,)), 3), [2])
    qc = to_qiskit(circuit)
    assert qc.data[0].operation.name == "bell"
    assert_same_operator(qc, circuit)
    back = from_qiskit(qc)
    assert back.instructions[0].operation == sub.to_gate()
    assert_same_operator(qc, back)


def test_parameters_shared_with_circuit_gates():
    theta = Parameter("theta")
    circuit = Circuit(2).rx(theta, 0).append(Circuit(1).ry(theta, 0).to_gate(), [1])
    circuit.append(ControlledGate(StandardGate("rz", (2 * theta,)), 1), [0, 1])
    qc = to_qiskit(circuit)
    assert [p.name for p in qc.parameters] == ["theta"]
    assert_same_operator(qc.assign_parameters([0.3]), circuit.bind({"theta": 0.3}))
    back = from_qiskit(qc)
    assert back.parameters == (theta,)
    assert_same_operator(qc.assign_parameters([0.3]), back.bind({"theta": 0.3}))


@pytest.mark.filterwarnings("ignore:.*CSC")  # scipy, inside Qiskit's PauliEvolutionGate definition
def test_qiskit_library_gates_and_transpiled_circuits():
    from qiskit.circuit.library import MCMTGate, PauliEvolutionGate, QFTGate, StatePreparation, ZGate
    from qiskit.providers.fake_provider import GenericBackendV2
    from qiskit.quantum_info import SparsePauliOp
    t = QiskitParameter("t")
    qc = QuantumCircuit(4)
    qc.append(QFTGate(4), range(4))
    qc.append(MCMTGate(ZGate(), 2, 2), range(4))
    qc.append(PauliEvolutionGate(SparsePauliOp(["XXZI", "IYYZ"], [0.5, 0.2]), time=t), range(4))
    qc.append(StatePreparation([0.6, 0, 0, 0.8]), [1, 3])
    circuit = from_qiskit(qc)
    assert [i.name for i in circuit.instructions] == ["qft", "mcmt", "PauliEvolution", "state_preparation"]
    assert_same_operator(qc.assign_parameters({t: 0.7}), circuit.bind({"t": 0.7}))
    small = QuantumCircuit(3)
    small.h(0)
    small.ccx(0, 1, 2)
    small.rzx(0.3, 1, 0)
    transpiled = qiskit.transpile(small, GenericBackendV2(5, seed=1), seed_transpiler=1)
    assert_same_operator(transpiled, from_qiskit(transpiled))


def test_annotated_operations_from_qiskit():
    from qiskit.circuit import AnnotatedOperation, ControlModifier, InverseModifier, PowerModifier
    qc = QuantumCircuit(3)
    qc.append(AnnotatedOperation(qiskit.circuit.library.SGate(), [InverseModifier(), ControlModifier(2, 1)]),
              [0, 1, 2])
    qc.append(AnnotatedOperation(qiskit.circuit.library.RXGate(0.3), [PowerModifier(2)]), [1])
    assert_same_operator(qc, from_qiskit(qc))


# -- parameters ----------------------------------------------------------------------------

def test_parameters_round_trip_by_name():
    theta, phi = Parameter("theta"), Parameter("phi")
    circuit = Circuit(2, global_phase=phi).rx(theta, 0).cu(theta, phi, 0.3, theta, 0, 1)
    qc = to_qiskit(circuit)
    assert {p.name for p in qc.parameters} == {"theta", "phi"}
    assert from_qiskit(qc) == circuit
    values = {"theta": 0.4, "phi": -1.2}
    bound_qc = qc.assign_parameters({p: values[p.name] for p in qc.parameters})
    assert_same_operator(bound_qc, circuit.bind(values))


@pytest.mark.parametrize("build", [
    lambda a, b: 2 * a + b / 3 - 0.5,
    lambda a, b: (a - b) * (a + 1.25) / b,
    lambda a, b: -a ** 2 + b ** -1,
    lambda a, b: a * math.pi + 1e-7 * b,
    lambda a, b: 2 ** a - (-b),
])
def test_parameter_expressions_keep_their_values(build):
    a, b = Parameter("a"), Parameter("b")
    circuit = Circuit(1).rz(build(a, b), 0)
    qc = to_qiskit(circuit)
    back = from_qiskit(qc)
    for values in ({"a": 0.3, "b": 1.7}, {"a": -2.0, "b": 0.9}):
        expected = float(build(values["a"], values["b"]))
        qiskit_value = qc.data[0].operation.params[0].bind(
            {p: values[p.name] for p in qc.parameters}).numeric()
        assert math.isclose(float(qiskit_value), expected, rel_tol=1e-12)
        assert math.isclose(back.instructions[0].operation.params[0].bind(values), expected, rel_tol=1e-12)


def test_parameter_functions_and_vector_elements():
    from qiskit.circuit import ParameterVector
    v = ParameterVector("v", 2)
    t = QiskitParameter("θ")
    qc = QuantumCircuit(1)
    qc.rx(v[0].sin() * v[1] + t.cos().exp(), 0)
    qc.ry(t.arctan() - (v[1] + 0.5).log(), 0)
    circuit = from_qiskit(qc)
    assert {p.name for p in circuit.parameters} == {"v[0]", "v[1]", "θ"}
    values = {"v[0]": 0.3, "v[1]": 1.1, "θ": -0.7}
    bound = qc.assign_parameters({p: values[p.name] for p in qc.parameters})
    assert_same_operator(bound, circuit.bind(values))
    again = to_qiskit(circuit)
    again = again.assign_parameters({p: values[p.name] for p in again.parameters})
    np.testing.assert_allclose(Operator(again).data, Operator(bound).data, atol=1e-12)


def test_unsupported_parameter_function_is_an_error():
    a = QiskitParameter("a")
    qc = QuantumCircuit(1)
    qc.rx(a.abs(), 0)
    with pytest.raises(ParameterError, match="abs"):
        from_qiskit(qc)


def test_symbolic_global_phase_from_qiskit():
    a = QiskitParameter("a")
    qc = QuantumCircuit(1, global_phase=2 * a)
    qc.h(0)
    circuit = from_qiskit(qc)
    assert_same_operator(qc.assign_parameters({a: 0.3}), circuit.bind({"a": 0.3}))


# -- registers, measurement, conditions ----------------------------------------------------

def test_registers_and_names_are_kept():
    circuit = Circuit.from_registers([Register("a", 2), Register("b", 1)], [Register("m", 3)], name="demo")
    circuit.h(0).cx(0, 2).measure(2, 1).reset(1).barrier(0, 2)
    qc = to_qiskit(circuit)
    assert [(r.name, r.size) for r in qc.qregs] == [("a", 2), ("b", 1)]
    assert [(r.name, r.size) for r in qc.cregs] == [("m", 3)]
    assert qc.name == "demo"
    back = from_qiskit(qc)
    assert back == circuit and back.qregs == circuit.qregs and back.cregs == circuit.cregs
    assert back.name == "demo"


def test_loose_qiskit_bits_get_default_registers():
    from qiskit.circuit import Clbit, Qubit
    qc = QuantumCircuit([Qubit(), Qubit()], [Clbit()])
    qc.h(1)
    qc.measure(1, 0)
    circuit = from_qiskit(qc)
    assert circuit.qregs == [Register("q", 2)] and circuit.cregs == [Register("c", 1)]
    assert circuit == Circuit(2, 1).h(1).measure(1, 0)


@pytest.mark.parametrize("clbits, value", [((0,), 1), ((1,), 0), ((0, 1, 2), 5), ((2, 0), 2)])
def test_conditions_round_trip(clbits, value):
    circuit = Circuit(2, 3).h(0).measure(0, 0).x(1).c_if(clbits, value).rz(0.3, 0).c_if(clbits, value)
    qc = to_qiskit(circuit)
    assert [i.operation.name for i in qc.data][-2:] == ["if_else", "if_else"]
    assert from_qiskit(qc) == circuit


def test_if_else_forms_from_qiskit():
    q, c = QuantumRegister(2, "q"), ClassicalRegister(2, "c")
    qc = QuantumCircuit(q, c)
    qc.measure(0, 0)
    with qc.if_test((c, 2)):
        qc.x(0)
        qc.h(1)
    with qc.if_test((c[1], False)) as else_:
        qc.z(0)
    with else_:
        qc.y(0)
    expr = qiskit.circuit.classical.expr
    with qc.if_test(expr.logic_and(c[0], expr.logic_not(c[1]))):
        with qc.if_test(expr.equal(c[0], True)):
            qc.s(1)
    circuit = from_qiskit(qc)
    conditions = [(i.name, i.condition) for i in circuit.instructions[1:]]
    assert conditions == [("x", Condition((0, 1), 2)), ("h", Condition((0, 1), 2)),
                          ("z", Condition((1,), 0)), ("y", Condition((1,), 1)),
                          ("s", Condition((0, 1), 1))]


def test_unsupported_control_flow_is_an_error():
    qc = QuantumCircuit(1, 1)
    with qc.while_loop((qc.clbits[0], 0)):
        qc.h(0)
        qc.measure(0, 0)
    with pytest.raises(CircuitError, match="while_loop"):
        from_qiskit(qc)
    qc = QuantumCircuit(1, 2)
    with qc.if_test((qc.cregs[0], 1)) as else_:
        qc.x(0)
    with else_:
        qc.h(0)
    with pytest.raises(CircuitError, match="else branch"):
        from_qiskit(qc)


def test_symbolic_power_cannot_be_converted():
    circuit = Circuit(1).append(PowerGate(StandardGate("rx", (Parameter("a"),)), 0.5), [0])
    with pytest.raises(CircuitError, match="unbound"):
        to_qiskit(circuit)


# -- against Aer ---------------------------------------------------------------------------

aer = pytest.importorskip("qiskit_aer")


def run_aer(qc, shots=2000, statevector=False):
    simulator = aer.AerSimulator(method="statevector", seed_simulator=11)
    qc = qc.copy()
    if statevector:
        qc.save_statevector()
    result = simulator.run(qiskit.transpile(qc, simulator), shots=shots).result()
    return np.asarray(result.get_statevector()) if statevector else result.get_counts()


def test_aer_statevector_matches_the_unitary(make_random_circuit):
    rng = np.random.default_rng(3)
    for _ in range(5):
        circuit = make_random_circuit(rng, 4, 15)
        state = run_aer(to_qiskit(circuit), shots=1, statevector=True)
        np.testing.assert_allclose(state, circuit_unitary(circuit)[:, 0], atol=1e-8)


def test_aer_runs_conditions_as_qfusion_means_them():
    # qubit 0 is |1>, so the condition on clbit 0 holds, then (0, 1) read 3, never 1 or 2
    circuit = Circuit(3, 3).x(0).measure(0, 0).x(1).c_if(0, 1).measure(1, 1)
    circuit.x(2).c_if((0, 1), 3).h(2).c_if((0, 1), 1).y(2).c_if((1, 0), 1).measure(2, 2)
    assert run_aer(to_qiskit(circuit), shots=100) == {"111": 100}


def test_aer_teleportation():
    theta = 1.1
    circuit = Circuit(3, 3).ry(theta, 0).h(1).cx(1, 2).cx(0, 1).h(0).measure(0, 0).measure(1, 1)
    circuit.x(2).c_if(1, 1).z(2).c_if(0, 1).measure(2, 2)
    counts = run_aer(to_qiskit(circuit), shots=4000)
    ones = sum(v for k, v in counts.items() if k[0] == "1") / 4000
    assert abs(ones - math.sin(theta / 2) ** 2) < 0.03
    assert from_qiskit(to_qiskit(circuit)) == circuit
