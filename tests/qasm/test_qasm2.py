"""OpenQASM 2.0 programs, feature by feature."""

from __future__ import annotations

import math

import numpy as np
import pytest
from qasm_helpers import assert_qasm_error, equal_up_to_phase

from qfusion.circuit import Circuit, CircuitGate, Condition, StandardGate, circuit_unitary
from qfusion.circuit.gates import Barrier, Measure, Reset
from qfusion.qasm import loads
from qfusion.qasm.qasm2 import LIBRARY

HEADER = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'


def ops(circuit):
    return [(inst.operation, inst.qubits) for inst in circuit]


def test_registers_are_kept_in_order():
    c = loads(HEADER + "qreg a[2]; creg m[1]; qreg b[3]; creg n[2]; x b[2];")
    assert [(r.name, r.size) for r in c.qregs] == [("a", 2), ("b", 3)]
    assert [(r.name, r.size) for r in c.cregs] == [("m", 1), ("n", 2)]
    assert c.num_qubits == 5 and c.num_clbits == 3
    assert ops(c) == [(StandardGate("x"), (4,))]


def test_builtin_u_and_cx_need_no_include():
    c = loads("OPENQASM 2.0; qreg q[2]; U(0.1, 0.2, 0.3) q[0]; CX q[0], q[1];")
    assert ops(c) == [(StandardGate("u", (0.1, 0.2, 0.3)), (0,)), (StandardGate("cx"), (0, 1))]


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_every_qelib1_gate_matches_its_definition_in_the_file(name):
    """Each name mapped onto a qfusion gate has the matrix of qelib1.inc's own definition (up to phase)."""
    num_params, num_qubits, _ = LIBRARY[name]
    args = ",".join(f"q[{i}]" for i in range(num_qubits))
    params = "(" + ",".join(str(0.3 + 0.4 * i) for i in range(num_params)) + ")" if num_params else ""
    mapped = loads(f"{HEADER}qreg q[{num_qubits}]; {name}{params} {args};")
    # the same gate through the file's own definition: rename every gate of qelib1.inc
    from pathlib import Path

    import qfusion.qasm as qasm_package
    library = (Path(qasm_package.__file__).parent / "qelib1.inc").read_text()
    names = [line.split()[1].split("(")[0] for line in library.splitlines() if line.startswith("gate ")]
    renamed = library
    for gate in sorted(names, key=len, reverse=True):
        renamed = __import__("re").sub(rf"\b{gate}\b", f"my_{gate}", renamed)
    expanded = loads(f"OPENQASM 2.0;\n{renamed}\nqreg q[{num_qubits}]; my_{name}{params} {args};",
                     inline_gates=True)
    assert all(isinstance(inst.operation, StandardGate) for inst in expanded)
    assert equal_up_to_phase(circuit_unitary(mapped), circuit_unitary(expanded))


def test_exact_mappings_of_qelib1_gates():
    c = loads(HEADER + "qreg q[5]; u3(1,2,3) q[0]; u2(1,2) q[0]; u1(1) q[0]; u0(5) q[0]; cu1(1) q[0],q[1];"
              "cu3(1,2,3) q[0],q[1]; c3x q[0],q[1],q[2],q[3]; c4x q[0],q[1],q[2],q[3],q[4]; csx q[0],q[1];"
              "c3sqrtx q[0],q[1],q[2],q[3];")
    assert [inst.operation for inst in c] == [
        StandardGate("u", (1, 2, 3)), StandardGate("u", (math.pi / 2, 1, 2)), StandardGate("p", (1,)),
        StandardGate("id"), StandardGate("cp", (1,)), StandardGate("cu", (1, 2, 3, 0)),
        StandardGate("mcx", (), 4), StandardGate("mcx", (), 5), StandardGate("sx").control(1),
        StandardGate("sx").control(3)]


def test_rccx_and_rc3x_are_expanded():
    c = loads(HEADER + "qreg q[4]; rccx q[0],q[1],q[2]; rc3x q[0],q[1],q[2],q[3];")
    assert {inst.operation.name for inst in c} <= {"u", "p", "cx"}
    assert len(c) == 9 + 18


def test_custom_gates_with_parameters_become_circuit_gates():
    c = loads(HEADER + "gate rot(a, b) x, y { rx(a) x; cx x, y; rz(b / 2 + a) y; }\n"
              "qreg q[2]; rot(0.5, pi) q[0], q[1]; rot(0.5, pi) q[1], q[0]; rot(1, 2) q[0], q[1];")
    first, second, third = (inst.operation for inst in c)
    assert isinstance(first, CircuitGate) and first.name == "rot" and first is second
    assert first.definition.instructions[2].operation == StandardGate("rz", (math.pi / 2 + 0.5,))
    assert third.definition.instructions[0].operation == StandardGate("rx", (1,))
    expected = Circuit(2).rx(0.5, 0).cx(0, 1).rz(math.pi / 2 + 0.5, 1)
    np.testing.assert_allclose(first.matrix(), circuit_unitary(expected))


def test_custom_gates_can_be_inlined():
    c = loads(HEADER + "gate g a, b { h a; cx a, b; barrier a, b; } gate two a, b { g a, b; g b, a; }\n"
              "qreg q[2]; two q[0], q[1];", inline_gates=True)
    assert [inst.name for inst in c] == ["h", "cx", "barrier", "h", "cx", "barrier"]
    assert c.instructions[3].qubits == (1,)


def test_broadcasting_over_registers():
    c = loads(HEADER + "qreg a[3]; qreg b[3]; qreg ctl[1]; h a; cx a, b; cx ctl[0], b; rz(0.1) b;")
    pairs = [inst.qubits for inst in c]
    assert pairs == [(0,), (1,), (2,), (0, 3), (1, 4), (2, 5), (6, 3), (6, 4), (6, 5), (3,), (4,), (5,)]
    assert_qasm_error(HEADER + "qreg a[3]; qreg b[2]; cx a, b;", "cannot broadcast over registers of "
                      "different sizes (2, 3)", 3, 23)


def test_measure_reset_and_barrier():
    c = loads(HEADER + "qreg q[2]; creg c[2]; measure q -> c; measure q[1] -> c[0]; reset q; barrier q; "
                       "barrier q[0], q; barrier q[1];")
    assert [(type(i.operation), i.qubits, i.clbits) for i in c] == [
        (Measure, (0,), (0,)), (Measure, (1,), (1,)), (Measure, (1,), (0,)), (Reset, (0,), ()), (Reset, (1,), ()),
        (Barrier, (0, 1), ()), (Barrier, (0, 1), ()), (Barrier, (1,), ())]
    assert_qasm_error(HEADER + "qreg q[2]; creg c[3]; measure q -> c;", "cannot measure 2 qubit(s) into 3 bit(s)")


def test_if_conditions_on_a_whole_register():
    c = loads(HEADER + "qreg q[1]; creg a[1]; creg c[3]; if(c==5) x q[0]; if (a == 1) measure q[0] -> c[1];"
                       "if(c==0) reset q[0];")
    assert [inst.condition for inst in c] == [Condition((1, 2, 3), 5), Condition((0,), 1), Condition((1, 2, 3), 0)]
    assert_qasm_error(HEADER + "qreg q[1]; creg c[2]; if(c==4) x q[0];", "condition value 4 does not fit in 2 bit(s)",
                      3, 29)
    assert_qasm_error(HEADER + "qreg q[1]; creg c[2]; if(c==1) barrier q;",
                      "'if' must be followed by one gate, measure or reset")


def test_expressions_and_functions():
    c = loads(HEADER + "qreg q[1]; rx(-pi/2 + 2*3 - 4/8) q[0]; rx(2^3^2) q[0]; rx(-2^2) q[0]; "
                       "rx(sin(1) + cos(2) * tan(0.5) - exp(1) / ln(2) + sqrt(2)) q[0]; rx(--1) q[0]; rx(1/2) q[0];")
    values = [inst.operation.params[0] for inst in c]
    expected = [-math.pi / 2 + 6 - 0.5, 2.0 ** 9, -4, math.sin(1) + math.cos(2) * math.tan(0.5)
                - math.exp(1) / math.log(2) + math.sqrt(2), 1, 0.5]
    assert values == pytest.approx(expected, rel=1e-15)


def test_comments_and_whitespace():
    c = loads("// leading comment\nOPENQASM 2.0; /* block\ncomment */ include \"qelib1.inc\";\n"
              "qreg q[1];\n\n  h q[0]; // trailing\n/**/x q[0];")
    assert [inst.name for inst in c] == ["h", "x"]


def test_version_3_words_are_plain_names_in_version_2():
    c = loads(HEADER + "qreg input[1]; creg for[1]; gate inv a { x a; } inv input[0]; measure input -> for;")
    assert c.qregs[0].name == "input" and c.instructions[0].operation.name == "inv"


def test_opaque_is_refused_with_its_position():
    assert_qasm_error(HEADER + "qreg q[1];\nopaque magic(a) q;", "'opaque' gates are not supported", 4, 1)


def test_version_3_syntax_is_refused_in_version_2():
    assert_qasm_error(HEADER + "qubit[2] q;", "expected", 3, 6)
    assert_qasm_error(HEADER + "qreg q[2]; ctrl @ x q[0], q[1];", "expected", 3, 17)
    assert_qasm_error(HEADER + "qreg q;", "expected '[' and a size after the quantum register name 'q'", 3, 7)


def test_missing_include_is_explained():
    assert_qasm_error("OPENQASM 2.0; qreg q[1]; h q[0];", "unknown gate 'h' (missing include \"qelib1.inc\";?)",
                      1, 26)


def test_gate_definitions_may_use_builtins_and_other_gates():
    c = loads("OPENQASM 2.0; gate my_h a { U(pi/2, 0, pi) a; } gate twice a { my_h a; my_h a; } qreg q[1]; twice q;")
    np.testing.assert_allclose(circuit_unitary(c), np.eye(2), atol=1e-12)
