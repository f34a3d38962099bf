"""OpenQASM 3 timing read into the IR: durations, delay, stretch, box, durationof (qasm/timing.py)."""

import re

import numpy as np
import pytest

import qfusion as qf
from qfusion.circuit import Delay, Duration
from qfusion.circuit.timing import Box, DurationOf, Stretch, TimeExpression
from qfusion.errors import QasmError
from qfusion.qasm import dumps, loads

HEAD = 'OPENQASM 3; include "stdgates.inc"; '


def test_duration_literals_variables_and_constants_fold():
    c = loads(HEAD + "const duration step = 1.5us; duration d = 2 * step - 500ns; qubit[2] q; x q[0];"
                     "delay[d] q[0]; delay[d / 2] q; delay[40dt] q[1];")
    delays = [(inst.operation, inst.qubits) for inst in c.instructions if isinstance(inst.operation, Delay)]
    assert delays[0] == (Delay(1, Duration(2.5e-06)), (0,))
    assert delays[1][0].seconds() == pytest.approx(1.25e-6) and delays[1][1] == (0, 1)
    assert delays[2] == (Delay(1, Duration(40, "dt")), (1,))


def test_a_delay_without_operands_is_on_every_qubit_and_keeps_its_condition():
    c = loads(HEAD + "qubit[3] q; bit c; c = measure q[0]; if (c) { delay[10ns]; }")
    inst = c.instructions[-1]
    assert inst.qubits == (0, 1, 2) and inst.condition is not None and inst.condition.clbits == (0,)


def test_stretches_and_durationof_stay_symbolic():
    c = loads(HEAD + "stretch a; qubit[2] q; duration half = -0.5 * durationof({x q[0];}) + a;"
                     "delay[half] q[0]; x q[0];")
    duration = c.instructions[0].operation.duration
    assert isinstance(duration, TimeExpression) and duration.stretches == ("a",)
    coefficients = dict((type(symbol).__name__, k) for k, symbol in duration.terms)
    assert coefficients == {"DurationOf": -0.5, "Stretch": 1.0}
    block = next(symbol for _, symbol in duration.terms if isinstance(symbol, DurationOf))
    assert [inst.name for inst in block.instructions] == ["x"]
    assert c.count_ops() == {"delay": 1, "x": 1}       # the durationof block itself is not run


def test_box_marks_its_body_which_simulates_unchanged():
    c = loads(HEAD + "qubit[2] q; h q[0]; box[2us] { cx q[0], q[1]; delay[100ns] q[1]; } rz(0.3) q[1];")
    box = c.instructions[1]
    assert box.operation == Box(2, 2, Duration(2, "us")) and box.qubits == (0, 1)
    plain = qf.Circuit(2).h(0).cx(0, 1).rz(0.3, 1)
    assert np.allclose(np.asarray(qf.simulate(c)), np.asarray(qf.simulate(plain)), atol=1e-12)


@pytest.mark.parametrize("program", [
    HEAD + "qubit[2] q; x q[0]; delay[100ns] q[0], q[1]; box[1us] { x q[0]; box { h q[1]; } delay[20dt] q[1]; } z q[0];",
    HEAD + "stretch g; qubit[3] q; barrier q; cx q[0], q[1]; delay[g] q[2]; U(pi/4, 0, pi/2) q[2]; delay[2*g] q[2];",
    HEAD + "qubit[2] q; delay[durationof({x q[0]; cx q[0], q[1];})] q[1]; box { }",
])
def test_timing_round_trips_through_the_exporter(program):
    c = loads(program)
    assert loads(dumps(c)) == c


def test_openqasm2_refuses_a_delay_by_name():
    with pytest.raises(QasmError, match="OpenQASM 2 has no delay"):
        dumps(qf.Circuit(1).delay(10, 0, unit="ns"), version=2)


def test_stretch_in_the_ir_is_named():
    c = loads(HEAD + "stretch g; qubit q; delay[g] q;")
    assert c.instructions[0].operation.duration.terms == ((1.0, Stretch("g")),)


@pytest.mark.parametrize("source, message", [
    ("qubit q; delay[1] q;", "the duration of a delay must be a duration"),
    ("qubit q; delay[10ns] r;", "unknown qubit register 'r'"),
    ("qubit q; delay[-10ns] q;", "a delay cannot be negative"),
    ("qubit q; duration d = 10ns + 1;", "operator '+' cannot combine"),
    ("qubit q; const duration d;", "constant 'd' needs a value"),
    ("qubit q; durationof({x q;});", "'durationof' is an expression"),
    ("qubit q; delay[durationof(x q)] q;", "'durationof' takes a block in braces"),
    ("qubit q; gate g a { duration d = 1ns; x a; }", "'duration' is not allowed inside a gate definition"),
])
def test_timing_errors_name_the_problem(source, message):
    with pytest.raises(QasmError, match=re.escape(message)):
        loads(HEAD + source)
