"""dumps: what is written, and exact round trips loads(dumps(c)) == c."""

from __future__ import annotations

import math

import numpy as np
import pytest
from qasm_helpers import full_circuit, modified_gate, random_unitary, unitary_circuit

from qfusion.circuit import (
    Circuit,
    CircuitGate,
    Condition,
    Parameter,
    Register,
    StandardGate,
    UnitaryGate,
    circuit_unitary,
)
from qfusion.circuit.parameter import apply
from qfusion.errors import QasmError
from qfusion.qasm import dump, dumps, load, loads


def assert_round_trip(circuit: Circuit, version: int) -> Circuit:
    text = dumps(circuit, version)
    back = loads(text)
    assert back == circuit, text
    assert [(r.name, r.size) for r in back.qregs] == [(r.name, r.size) for r in circuit.qregs if r.size]
    assert [(r.name, r.size) for r in back.cregs] == [(r.name, r.size) for r in circuit.cregs if r.size]
    assert dumps(back, version) == text  # a fixed point
    return back


@pytest.mark.parametrize("version", [2, 3])
@pytest.mark.parametrize("seed", range(60))
def test_round_trip_of_random_unitary_circuits(seed, version):
    rng = np.random.default_rng(seed)
    circuit = unitary_circuit(rng, num_qubits=int(rng.integers(1, 6)), depth=16, global_phase=version == 3)
    assert_round_trip(circuit, version)


@pytest.mark.parametrize("version", [2, 3])
@pytest.mark.parametrize("seed", range(60))
def test_round_trip_with_registers_measurements_conditions_and_parameters(seed, version):
    circuit = full_circuit(np.random.default_rng(1000 + seed), version)
    assert_round_trip(circuit, version)


@pytest.mark.parametrize("seed", range(40))
def test_round_trip_of_modified_and_circuit_gates_in_version_3(seed):
    rng = np.random.default_rng(2000 + seed)
    circuit = Circuit(4)
    for _ in range(6):
        gate = modified_gate(rng, 4)
        if isinstance(gate, UnitaryGate):
            continue  # a unitary comes back as U(...) plus a global phase: equal matrix, not equal gate
        circuit.append(gate, [int(q) for q in rng.permutation(4)[:gate.num_qubits]])
    back = assert_round_trip(circuit, 3)
    np.testing.assert_allclose(circuit_unitary(back), circuit_unitary(circuit), atol=1e-9)


def test_standard_gates_outside_the_libraries_are_defined_and_read_back():
    circuit = (Circuit(6).sxdg(0).iswap(0, 1).ecr(1, 2).rxx(0.1, 2, 3).ryy(0.2, 3, 4).rzz(0.3, 4, 5)
               .mcx([0], 1).mcx([0, 1], 2).mcx([0, 1, 2], 3).mcx([0, 1, 2, 3], 4).mcx([0, 1, 2, 3, 4], 5))
    text3 = dumps(circuit, 3)
    for name in ("gate sxdg", "gate iswap", "gate ecr", "gate rxx", "gate ryy", "gate rzz", "gate mcx_1",
                 "gate mcx_5"):
        assert name in text3
    text2 = dumps(circuit, 2)
    assert "gate sxdg" not in text2 and "gate rzz" not in text2  # both are in qelib1.inc
    assert "c3x q[0], q[1], q[2], q[3];" in text2 and "c4x q[0], q[1], q[2], q[3], q[4];" in text2
    assert "gate mcphase_5(theta)" in text2
    assert_round_trip(circuit, 3)
    assert_round_trip(circuit, 2)


def test_parameters_become_inputs_and_expressions_round_trip():
    a, b = Parameter("alpha"), Parameter("b_2")
    circuit = Circuit(2, global_phase=a - b)
    for expr in (a, -a, 2 * a + 1, a * (b - 1) / 3, (a + b) ** 2, a ** -b, apply("sin", a) * apply("exp", b),
                 apply("arccos", a / 4), apply("ln", a + 2), -(-a), a - (b - a), a / (b / a), 1 / a, -2.5 * a,  # noqa: B002 (a double negation, on purpose)
                 a * -0.5, apply("sqrt", a * a + b * b), a ** 2 ** b, (a ** 2) ** b, (-a) ** 2):
        circuit.rx(expr, 0)
        circuit.cp(expr, 0, 1)
    text = dumps(circuit)
    assert "input float[64] alpha;" in text and "input float[64] b_2;" in text
    back = assert_round_trip(circuit, 3)
    values = {"alpha": 0.3, "b_2": -1.1}
    np.testing.assert_allclose(circuit_unitary(back.bind(values)), circuit_unitary(circuit.bind(values)))


def test_parameter_names_that_are_not_identifiers_are_renamed():
    circuit = Circuit(1).rx(Parameter("θ[0]"), 0).ry(Parameter("for"), 0).rz(Parameter("pi"), 0)
    text = dumps(circuit)
    back = loads(text)
    assert len(back.parameters) == 3
    assert {p.name for p in back.parameters} == {"θ_0_", "for_1", "pi_1"}


def test_version_2_refuses_free_parameters():
    with pytest.raises(QasmError, match="OpenQASM 2 cannot express free parameters"):
        dumps(Circuit(1).rx(Parameter("t"), 0), version=2)


def test_numbers_are_written_exactly_and_multiples_of_pi_readably():
    values = [math.pi / 2, -3 * math.pi / 4, 2 * math.pi, 0.1, 1e-300, 1.7976931348623157e308, -0.0, 5e-324,
              1 / 3, 123456789.123456789, math.pi / 7]
    circuit = Circuit(1)
    for value in values:
        circuit.rz(value, 0)
    text = dumps(circuit, 2)
    assert "rz(pi/2) q[0];" in text and "rz(-3*pi/4) q[0];" in text and "rz(2*pi) q[0];" in text
    back = loads(text)
    assert [inst.operation.params[0] for inst in back] == values


def test_circuit_gates_get_definitions_shared_across_parameters():
    theta, phi = Parameter("theta"), Parameter("phi")
    template = Circuit(2).h(0).crx(theta, 0, 1).rz(theta / 2, 1)
    gate = CircuitGate(template, "layer")
    circuit = Circuit(3)
    circuit.append(gate, [0, 1]).append(gate.bind({theta: phi}), [1, 2]).append(gate.bind({theta: 0.5}), [0, 2])
    text = dumps(circuit)
    assert text.count("gate layer(") == 1 and "gate layer_1 " in text
    back = loads(text)
    assert back.instructions[:2] == circuit.instructions[:2]
    np.testing.assert_allclose(circuit_unitary(back.bind({"theta": 0.3, "phi": 0.7})),
                               circuit_unitary(circuit.bind({theta: 0.3, phi: 0.7})), atol=1e-12)


def test_nested_circuit_gates_and_their_global_phase():
    inner = Circuit(1, global_phase=0.25).h(0).t(0)
    outer = Circuit(2, global_phase=-0.5).append(CircuitGate(inner, "ht"), [1]).cx(0, 1)
    circuit = Circuit(3).append(CircuitGate(outer, "block"), [1, 0])
    circuit.append(CircuitGate(outer, "block").control(1), [2, 0, 1])
    back = assert_round_trip(circuit, 3)
    np.testing.assert_allclose(circuit_unitary(back), circuit_unitary(circuit), atol=1e-12)
    v2 = loads(dumps(Circuit(2).append(CircuitGate(outer, "block"), [1, 0]), 2))
    assert v2.instructions[0].operation.name == "block"


def test_unitary_gates_are_written_as_u_and_gphase():
    rng = np.random.default_rng(7)
    matrix = random_unitary(rng, 1)
    circuit = Circuit(2).unitary(matrix, [1])
    circuit.append(UnitaryGate(matrix).control(1), [0, 1])
    text = dumps(circuit)
    assert text.count("gphase(") >= 1 and "U(" in text and "ctrl @ unitary" in text
    back = loads(text)
    np.testing.assert_allclose(circuit_unitary(back), circuit_unitary(circuit), atol=1e-12)
    text2 = dumps(Circuit(1).unitary(matrix, [0]), 2)
    assert "// the global phases of 1-qubit unitary gates are dropped" in text2
    from qasm_helpers import equal_up_to_phase
    assert equal_up_to_phase(circuit_unitary(loads(text2)), matrix)


def test_larger_unitary_gates_are_refused():
    with pytest.raises(QasmError, match="2-qubit UnitaryGate cannot be written as OpenQASM; decompose it first"):
        dumps(Circuit(2).unitary(np.eye(4), [0, 1]))


def test_version_2_writes_controlled_and_inverse_gates_it_can_and_refuses_the_others():
    circuit = Circuit(3)
    circuit.append(StandardGate("ry", (0.3,)).control(1, 0), [0, 1])
    circuit.append(StandardGate("x").control(2, 1), [0, 1, 2])
    circuit.append(StandardGate("h").power(0.5), [2])
    circuit.append(CircuitGate(Circuit(2).h(0).cx(0, 1), "bell").inverse(), [0, 2])
    text = dumps(circuit, 2)
    from qasm_helpers import equal_up_to_phase
    assert equal_up_to_phase(circuit_unitary(loads(text)), circuit_unitary(circuit))
    for gate, qubits in ((StandardGate("rx", (0.1,)).control(2), [0, 1, 2]),
                         (StandardGate("iswap").inverse(), [0, 1]),
                         (StandardGate("swap").power(0.5), [0, 1])):
        with pytest.raises(QasmError, match="OpenQASM 2 has no"):
            dumps(Circuit(3).append(gate, qubits), 2)


def test_conditions_in_both_versions():
    circuit = Circuit.from_registers([Register("q", 2)], [Register("c", 2), Register("d", 1)])
    circuit.x(0).c_if([0, 1], 2).x(1).c_if([0, 1], 2).z(0).c_if(2, 0).h(1).c_if([2, 0], 3)
    text3 = dumps(circuit)
    assert "if (c == 2) {\n  x q[0];\n  x q[1];\n}" in text3
    assert "if (!d[0]) {" in text3 and "if (d[0]) {\n  if (c[0]) {\n    h q[1];" in text3
    assert_round_trip(circuit, 3)
    with pytest.raises(QasmError, match="OpenQASM 2 can only condition on a whole classical register"):
        dumps(circuit, 2)
    two = Circuit.from_registers([Register("q", 2)], [Register("c", 2)]).x(0).c_if([0, 1], 3)
    assert "if(c==3) x q[0];" in dumps(two, 2)
    assert_round_trip(two, 2)


def test_measure_reset_barrier_and_global_phase_statements():
    circuit = Circuit(2, global_phase=0.5).h(0).barrier().reset(1).measure_all()
    text = dumps(circuit)
    assert "gphase(0.5);" in text and "barrier q[0], q[1];" in text and "c[1] = measure q[1];" in text
    text2 = dumps(circuit, 2)
    assert "// global phase 0.5 dropped" in text2 and "measure q[1] -> c[1];" in text2


def test_register_names_are_made_valid_and_distinct():
    circuit = Circuit.from_registers([Register("h", 1), Register("Q", 1), Register("2x", 1)],
                                     [Register("measure", 1)])
    circuit.h(0).x(1).y(2).measure(0, 0)
    for version in (2, 3):
        back = loads(dumps(circuit, version))
        assert back.instructions == circuit.instructions
        names = [r.name for r in back.qregs] + [r.name for r in back.cregs]
        assert len(set(names)) == 4 and "h" not in names


def test_empty_and_classical_only_circuits():
    for circuit in (Circuit(0), Circuit(1), Circuit(0, 2)):
        for version in (2, 3):
            assert loads(dumps(circuit, version)) == circuit


def test_dump_and_load_files(tmp_path):
    circuit = Circuit(2).h(0).cx(0, 1).measure_all()
    path = tmp_path / "bell.qasm"
    dump(circuit, path, version=2)
    assert path.read_text().startswith("OPENQASM 2.0;")
    assert load(path) == circuit


def test_bad_arguments():
    with pytest.raises(QasmError, match="choose 2 or 3"):
        dumps(Circuit(1), version=4)
    with pytest.raises(TypeError):
        dumps("OPENQASM 3;")
    with pytest.raises(QasmError, match="cannot write the non-finite number"):
        dumps(Circuit(1).rx(float("nan"), 0))
    with pytest.raises(QasmError, match=r"cannot express free parameters \(k\)"):
        dumps(Circuit(1).append(StandardGate("h").power(Parameter("k")), [0]), 2)


def test_parameters_in_power_exponents_are_declared():
    k = Parameter("k")
    circuit = Circuit(2).append(StandardGate("h").power(k), [0])
    circuit.append(CircuitGate(Circuit(1).append(StandardGate("sx").power(2 * k), [0]), "g"), [1])
    text = dumps(circuit)
    assert "input float[64] k;" in text and "pow(k) @ h q[0];" in text and "g(k) q[1];" in text
    assert_round_trip(circuit, 3)


def test_conditioned_measure_and_reset_round_trip():
    circuit = Circuit(2, 2).measure(0, 0)
    circuit.append(circuit.instructions[0].operation, [1], [1], Condition((0,), 1))
    circuit.reset(0).c_if(0, 0)
    assert_round_trip(circuit, 3)
