"""Gate definitions and calls: CircuitGates, inline expansion, modifiers on defined gates, broadcasting."""

from __future__ import annotations

import numpy as np
import pytest
from qasm_helpers import assert_qasm_error

from qfusion.circuit import CircuitGate, ControlledGate, Parameter, StandardGate, circuit_unitary
from qfusion.qasm import loads

V3 = 'OPENQASM 3.0;\ninclude "stdgates.inc";\n'


def test_one_circuit_gate_per_distinct_argument_list():
    c = loads(V3 + "gate g(a) x { rx(a) x; } qubit[2] q; g(0.5) q[0]; g(0.5) q[1]; g(1) q[0]; g(1.0) q;")
    gates = [inst.operation for inst in c]
    assert gates[0] is gates[1] and gates[2] is not gates[0] and gates[2] is gates[3] is gates[4]
    assert len(c) == 5


def test_circuit_gates_keep_input_parameters_and_bind():
    c = loads(V3 + "input float theta; gate g(a, b) x, y { rx(a) x; cp(a * b) x, y; } qubit[2] q;"
                   "g(theta, 2) q[0], q[1];")
    gate = c.instructions[0].operation
    assert isinstance(gate, CircuitGate) and gate.params == (Parameter("theta"),)
    bound = c.bind({"theta": 0.4})
    expected = np.kron(np.eye(2), np.eye(2)).astype(complex)
    from qfusion.circuit import Circuit
    expected = circuit_unitary(Circuit(2).rx(0.4, 0).cp(0.8, 0, 1))
    np.testing.assert_allclose(circuit_unitary(bound), expected, atol=1e-12)


def test_modifiers_on_defined_gates():
    c = loads(V3 + "gate bell a, b { h a; cx a, b; } qubit[4] q; ctrl @ bell q[0], q[1], q[2]; "
                   "inv @ bell q[1], q[2]; pow(2) @ bell q[2], q[3]; negctrl(2) @ bell q[0], q[1], q[2], q[3];")
    first, second, third, fourth = (inst.operation for inst in c)
    assert isinstance(first, ControlledGate) and isinstance(first.base, CircuitGate)
    assert isinstance(second, CircuitGate) and second.name == "bell_dg"
    assert third.exponent == 2 and fourth.ctrl_state == 0 and fourth.num_ctrl_qubits == 2
    bell = circuit_unitary(loads(V3 + "qubit[2] q; h q[0]; cx q[0], q[1];"))
    np.testing.assert_allclose(second.matrix(), bell.conj().T, atol=1e-12)
    np.testing.assert_allclose(third.matrix(), bell @ bell, atol=1e-12)


def test_inline_gates_expands_definitions_but_keeps_modified_calls():
    text = V3 + "gate a2 x { h x; s x; } gate b2 x, y { a2 x; cx x, y; a2 y; } qubit[2] q; b2 q[0], q[1]; ctrl @ a2 q[0], q[1];"
    inline = loads(text, inline_gates=True)
    assert [inst.name for inst in inline][:5] == ["h", "s", "cx", "h", "s"]
    assert isinstance(inline.instructions[5].operation, ControlledGate)
    np.testing.assert_allclose(circuit_unitary(inline), circuit_unitary(loads(text)), atol=1e-12)


def test_gphase_inside_inlined_gates_goes_to_the_global_phase():
    c = loads(V3 + "gate ph(t) a { gphase(t); x a; } qubit q; ph(0.3) q; ph(0.2) q;", inline_gates=True)
    assert [inst.name for inst in c] == ["x", "x"] and c.global_phase == pytest.approx(0.5)


def test_gate_bodies_may_loop_over_constants():
    c = loads(V3 + "const int reps = 3; gate layer a { for i in [1:reps] { rz(i * 0.1) a; } } qubit q; layer q;",
              inline_gates=True)
    assert [inst.operation.params[0] for inst in c] == pytest.approx([0.1, 0.2, 0.3])


def test_broadcast_of_defined_and_modified_gates():
    c = loads(V3 + "gate g a, b { cz a, b; } qubit[3] q; qubit[3] r; g q, r; ctrl @ x q[0], r[1:2];")
    assert [inst.qubits for inst in c] == [(0, 3), (1, 4), (2, 5), (0, 4), (0, 5)]


def test_errors_of_calls():
    assert_qasm_error(V3 + "gate g a { h a; } qubit[2] q; g q[0], q[1];", "gate 'g' acts on 1 qubit(s), got 2", 3, 31)
    assert_qasm_error(V3 + "gate g(t) a { rx(t) a; } qubit q; g q;", "gate 'g' takes 1 parameter(s), got 0")
    assert_qasm_error(V3 + "gate g a { rx(undefined) a; } qubit q; g q;", "unknown name 'undefined'", 3, 15)
    assert_qasm_error(V3 + "input float tt; gate g a { rx(tt) a; } qubit q; g q;", "unknown name 'tt'")
    assert_qasm_error(V3 + "gate g a { if (true) { x a; } } gate k a { } qubit q; bit[1] c; g q; k q;"
                      "gate m a { if (c[0]) x a; } m q;", "conditions on measured bits are not allowed inside "
                      "gate definitions")
    assert_qasm_error(V3 + "qubit q; gphase(1, 2);", "gphase takes 1 parameter (the phase), got 2")


def test_gate_names_conflicting_with_registers():
    assert_qasm_error(V3 + "qubit[2] g; gate g a { }", "'g' is already declared as a register or variable")
    assert_qasm_error(V3 + "gate g a { } qubit[2] g;", "'g' is already the name of a gate")
    assert_qasm_error(V3 + 'gate x a { }', "gate 'x' is already defined (stdgates.inc)")


def test_including_both_libraries_and_twice():
    c = loads('OPENQASM 3; include "stdgates.inc"; include "qelib1.inc"; include "stdgates.inc"; qubit[3] q;'
              "cu1(0.5) q[0], q[1]; cphase(0.5) q[1], q[2]; rccx q[0], q[1], q[2];")
    assert c.instructions[0].operation == c.instructions[1].operation == StandardGate("cp", (0.5,))


def test_conditioned_defined_gates_keep_the_condition_when_inlined():
    text = ('OPENQASM 2.0;\ninclude "qelib1.inc";\ngate g a, b { h a; cx a, b; }\nqreg q[2];\ncreg c[1];\n'
            "if(c==1) g q[0], q[1];")
    kept = loads(text)
    assert [(inst.name, inst.condition.value) for inst in kept] == [("g", 1)]
    inline = loads(text, inline_gates=True)
    assert [(inst.name, inst.condition.clbits, inst.condition.value) for inst in inline] == [
        ("h", (0,), 1), ("cx", (0,), 1)]
