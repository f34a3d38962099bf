"""OpenQASM 3 programs, feature by feature."""

from __future__ import annotations

import math

import numpy as np
import pytest
from qasm_helpers import assert_qasm_error

from qfusion.circuit import Condition, Parameter, StandardGate, circuit_unitary
from qfusion.circuit.classical import Store, Value
from qfusion.circuit.gates import Measure
from qfusion.circuit.parameter import apply
from qfusion.qasm import loads
from qfusion.qasm.qasm3 import LIBRARY

HEADER = 'OPENQASM 3.0;\ninclude "stdgates.inc";\n'


def gates(circuit):
    return [inst.operation for inst in circuit]


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_stdgates_names_map_onto_standard_gates(name):
    num_params, num_qubits, _ = LIBRARY[name]
    params = "(" + ", ".join(str(0.25 * (i + 1)) for i in range(num_params)) + ")" if num_params else ""
    c = loads(f"{HEADER}qubit[{num_qubits}] q; {name}{params} " + ", ".join(f"q[{i}]" for i in range(num_qubits)) + ";")
    assert isinstance(c.instructions[0].operation, StandardGate)
    aliases = {"CX": "cx", "phase": "p", "cphase": "cp", "u1": "p", "u2": "u", "u3": "u"}
    assert c.instructions[0].operation.name == aliases.get(name, name)


def test_declarations_of_qubits_and_bits():
    c = loads(HEADER + "qubit[2] q; qubit r; bit[3] c; bit b; qreg old[2]; creg oc[1]; h r; x q[1]; z old[1];")
    assert [(r.name, r.size) for r in c.qregs] == [("q", 2), ("r", 1), ("old", 2)]
    assert [(r.name, r.size) for r in c.cregs] == [("c", 3), ("b", 1), ("oc", 1)]
    assert [inst.qubits for inst in c] == [(2,), (1,), (4,)]
    assert_qasm_error(HEADER + "qubit r; h r[0];", "'r' is a single qubit and cannot be indexed", 3, 12)


def test_input_parameters_and_expressions():
    c = loads(HEADER + "input float[64] theta; input angle phi; input float t2; qubit q;\n"
                       "rx(theta) q; ry(2 * theta - phi / 3) q; rz(sin(theta) ** 2) q; p(-t2) q;")
    theta, phi, t2 = Parameter("theta"), Parameter("phi"), Parameter("t2")
    assert c.parameters == (phi, t2, theta)
    assert gates(c) == [StandardGate("rx", (theta,)), StandardGate("ry", (2 * theta - phi / 3,)),
                        StandardGate("rz", (apply("sin", theta) ** 2,)),
                        StandardGate("p", (-t2,))]
    bound = c.bind({"theta": 0.3, "phi": 0.6, "t2": 1.0})
    assert [inst.operation.params[0] for inst in bound] == pytest.approx([0.3, 0.4, math.sin(0.3) ** 2, -1.0])


def test_constants_and_constant_expressions():
    c = loads(HEADER + "const int n = 3; const float half = π / 2; const float tt = tau - 2 * pi + euler - ℇ;\n"
                       "const int m = n * 2 + 1 - 7 / 2; qubit[n] q; rx(half) q[n - 1]; rx(tt) q[0]; rx(m) q[1];\n"
                       "rx(2 ** 3 % 5) q[0]; rx(floor(2.7) + ceiling(0.2) + mod(7, 4)) q[0]; rx(1 << 3 | 1) q[0];"
                       "rx(log(euler)) q[0]; rx(float(7) / 2) q[0]; rx(int(3.9)) q[0];")
    values = [inst.operation.params[0] for inst in c]
    assert values == pytest.approx([math.pi / 2, 0, 4, 3, 6, 9, 1, 3.5, 3])
    assert c.num_qubits == 3
    assert_qasm_error(HEADER + "const int n = 3; n = 4;", "cannot assign to 'n': it is a constant", 3, 18)
    assert_qasm_error(HEADER + "input float tin; const float c = tin;", "needs a value known when the circuit is built")


def test_classical_variables_known_when_built():
    c = loads(HEADER + "qubit[4] q; int k = 0; for int i in [0:3] { k += i; x q[k % 4]; } float a = 0.5; a *= 2;"
                       "rx(a) q[0];")
    assert [inst.qubits for inst in c][:4] == [(0,), (1,), (3,), (2,)]
    assert c.instructions[-1].operation.params == (1.0,)


def test_for_loops_over_ranges_and_sets():
    c = loads(HEADER + "qubit[6] q;\nfor int i in [0:2] { h q[i]; }\nfor uint i in [5:-2:1] { x q[i]; }\n"
                       "for i in {1, 4} { cx q[i], q[i + 1]; }\nfor float a in {0.5, 1.5} { rz(a * pi) q[0]; }\n"
                       "for int[32] i in [0:1:1] { for j in [i:1] { cz q[i], q[j + 2]; } }")
    assert [(inst.name, inst.qubits) for inst in c] == [
        ("h", (0,)), ("h", (1,)), ("h", (2,)), ("x", (5,)), ("x", (3,)), ("x", (1,)), ("cx", (1, 2)), ("cx", (4, 5)),
        ("rz", (0,)), ("rz", (0,)), ("cz", (0, 2)), ("cz", (0, 3)), ("cz", (1, 3))]
    assert c.instructions[9].operation.params == (1.5 * math.pi,)
    assert_qasm_error(HEADER + "qubit q; for i in [0:0:3] { }", "a range step cannot be 0")


def test_modifiers():
    c = loads(HEADER + "qubit[4] q; ctrl @ h q[0], q[1]; ctrl(2) @ x q[0], q[1], q[2]; negctrl @ z q[3], q[0];"
                       "inv @ s q[0]; inv @ pow(0.5) @ h q[0]; pow(2) @ rx(0.25) q[1]; pow(0.5) @ x q[2];"
                       "ctrl @ negctrl(2) @ inv @ t q[0], q[1], q[2], q[3]; ctrl @ ctrl @ x q[3], q[2], q[1];")
    h, x, z, s, t = (StandardGate(n) for n in "hxzst")
    assert gates(c) == [h.control(1), x.control(2), z.control(1, 0), StandardGate("sdg"),
                        h.power(0.5).inverse(), StandardGate("rx", (0.5,)), x.power(0.5),
                        StandardGate("tdg").control(3, 1), x.control(2)]
    assert c.instructions[7].operation.ctrl_state == 1  # the ctrl qubit (first) on 1, the two negctrl on 0


def test_gphase_global_and_controlled():
    c = loads(HEADER + "qubit[3] q; gphase(0.5); gphase(-pi); ctrl @ gphase(0.25) q[0]; "
                       "ctrl(2) @ gphase(0.125) q[1], q[2]; negctrl @ gphase(0.5) q[1]; inv @ gphase(0.5);")
    assert c.global_phase == pytest.approx(0.5 - math.pi - 0.5)
    matrix = circuit_unitary(c)
    expected = np.ones(8, dtype=complex)
    for index in range(8):
        expected[index] *= np.exp(0.25j * (index & 1)) * np.exp(0.125j * ((index >> 1) & (index >> 2) & 1))
        expected[index] *= np.exp(0.5j * (1 - ((index >> 1) & 1)))
    np.testing.assert_allclose(matrix, np.diag(expected) * np.exp(1j * c.global_phase), atol=1e-12)


def test_gate_definitions_with_gphase_and_modifiers_inside():
    c = loads(HEADER + "gate my_x a { U(π, 0, π) a; } gate phased(t) a { gphase(t); my_x a; }\n"
                       "gate controlled_phased(t) a, b { ctrl @ phased(t) a, b; } qubit[2] q; "
                       "controlled_phased(0.3) q[0], q[1]; inv @ phased(0.2) q[1];")
    expected = np.diag([1, 1, 1, 1]).astype(complex)
    expected[np.ix_([1, 3], [1, 3])] = np.exp(0.3j) * np.array([[0, 1], [1, 0]])
    x_phase = np.kron(np.exp(-0.2j) * np.array([[0, 1], [1, 0]]), np.eye(2))
    np.testing.assert_allclose(circuit_unitary(c), x_phase @ expected, atol=1e-12)


def test_measurements_in_every_syntax():
    c = loads(HEADER + "qubit[3] q; bit[3] c; bit b; c[0] = measure q[0]; c = measure q; measure q[2] -> b;"
                       "bit[2] d = measure q[0:1]; bit e = measure q[2]; c[1:2] = measure q[{0, 2}];")
    measured = [(inst.qubits[0], inst.clbits[0]) for inst in c if isinstance(inst.operation, Measure)]
    assert measured == [(0, 0), (0, 0), (1, 1), (2, 2), (2, 3), (0, 4), (1, 5), (2, 6), (0, 1), (2, 2)]
    assert_qasm_error(HEADER + "qubit q; measure q;", "a measurement needs a target bit", 3, 19)


def test_if_on_bits_and_registers_with_blocks_and_else():
    c = loads(HEADER + "qubit[2] q; bit[2] c; bit f;\nif (c[0]) x q[0];\nif (!c[1]) { y q[0]; z q[1]; }\n"
                       "if (c == 2) { h q[0]; } if (c[1] == 1) s q[0]; if (c[1] == false) { t q[0]; } else { sdg q[0]; }\n"
                       "if (f == true) { if (c[0] != 1) { cx q[0], q[1]; } }\nif (3 == c) reset q[1];\n"
                       "if (c == \"10\") x q[1];")
    assert [inst.condition for inst in c] == [
        Condition((0,), 1), Condition((1,), 0), Condition((1,), 0), Condition((0, 1), 2), Condition((1,), 1),
        Condition((1,), 0), Condition((1,), 1), Condition((2, 0), 1), Condition((0, 1), 3), Condition((0, 1), 2)]


def test_static_if_selects_a_branch_when_the_circuit_is_built():
    c = loads(HEADER + "qubit[3] q; const int n = 2; for int i in [0:2] { if (i == n) { x q[i]; } else { h q[i]; } }"
                       "if (n > 5 || false) { z q[0]; }")
    assert [(inst.name, inst.qubits, inst.condition) for inst in c] == [
        ("h", (0,), None), ("h", (1,), None), ("x", (2,), None)]


def test_register_slices_and_negative_indices():
    c = loads(HEADER + "qubit[5] q; h q[1:3]; x q[-1]; cx q[0:1], q[3:4]; z q[{4, 0}]; y q[0:2:4]; sx q[:1];")
    assert [inst.qubits for inst in c] == [(1,), (2,), (3,), (4,), (0, 3), (1, 4), (4,), (0,), (0,), (2,), (4,),
                                          (0,), (1,)]
    assert_qasm_error(HEADER + "qubit[3] q; h q[5];", "qubit index 5 out of range for register q[3]", 3, 17)
    assert_qasm_error(HEADER + "qubit[3] q; h q[1:4];", "qubit index 4 out of range for register q[3]", 3, 15)


def test_version_line_is_optional_and_pragmas_are_skipped():
    c = loads('#pragma qfusion anything\ninclude "stdgates.inc";\npragma other\n@annotation here\nqubit q; h q;')
    assert [inst.name for inst in c] == ["h"]
    assert loads("OPENQASM 3; qubit q; U(1, 2, 3) q;").instructions[0].operation == StandardGate("u", (1, 2, 3))


def test_unicode_names_and_bare_blocks():
    c = loads(HEADER + "input float θ; qubit[1] q; { float half = 0.5; rz(θ * half) q[0]; } float half = 2;")
    assert c.parameters == (Parameter("θ"),)
    assert c.instructions[0].operation.params == (Parameter("θ") * 0.5,)


@pytest.mark.parametrize("source, message", [
    ("while (true) { }", "the 'while' loop runs more than 100,000 iterations (Limits.max_while_iterations)"),
    ("qubit q; delay[100] q;", "the duration of a delay must be a duration"),
    ("box[1] { }", "the duration of a box must be a duration"),
    ("qubit[2] q; let a = q ++ q[1];", "alias 'a' names a qubit twice"),
    ("qubit q; for i in [0:1] { break; }", "'break' is not supported"),
    ("switch (1) { case 1 }", "expected '{' after 'case'"),
    ("duration d = 3;", "the value of 'd' must be a duration"),
    ("duration d = 1ns * 2ns;", "operator '*' cannot combine"),
    ("complex z;", "'complex' variables are not supported"),
    ("bit[2] c; c = 1.5;", "bits take an integer, a boolean or a bit string"),
    ("qubit q; h $0;", "a program uses either physical or declared qubits"),
    ("qubit q; rx(100ns) q;", "parameter 1 of 'rx' must be a number, got Duration"),
    ("qubit q; rx(2im) q;", "imaginary numbers such as '2im' are not supported"),
    ("qubit q; rx(2x) q;", "invalid number literal '2x'"),
    ("opaque g q;", "'opaque' gates are not supported"),
    ("input bit b;", "'input' bits are not supported"),
])
def test_unsupported_constructs_are_named_with_their_position(source, message):
    error = assert_qasm_error(HEADER + source, message)
    assert error.line == 3 and error.column is not None


def test_outputs_bits_and_bit_initialisers():
    c = loads(HEADER + 'output bit[2] r; bit[2] zeros = "00"; bit one = 0; qubit q; r[1] = measure q;')
    assert [(reg.name, reg.size) for reg in c.cregs] == [("r", 2), ("zeros", 2), ("one", 1)]
    assert loads(HEADER + 'bit[2] b = "01";').instructions[0].operation == Store((0, 1), Value(1))
    assert_qasm_error(HEADER + 'bit[2] b = "011";', '"011" is not a bit string of length 2')
