"""Conditions on measured bits: recognised forms, nesting, else, and static conditions."""

from __future__ import annotations

import pytest
from qasm_helpers import assert_qasm_error

from qfusion.circuit import Condition
from qfusion.qasm import loads
from qfusion.qasm.conditions import Conditions

V3 = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[3] c;\nbit f;\n'


def conditions(body):
    return [inst.condition for inst in loads(V3 + body)]


@pytest.mark.parametrize("test, expected", [
    ("c[1]", Condition((1,), 1)), ("!c[1]", Condition((1,), 0)), ("c[2] == 1", Condition((2,), 1)),
    ("c[2] == true", Condition((2,), 1)), ("c[2] == false", Condition((2,), 0)), ("c[2] != 1", Condition((2,), 0)),
    ("0 == c[0]", Condition((0,), 0)), ("c == 6", Condition((0, 1, 2), 6)), ('c == "110"', Condition((0, 1, 2), 6)),
    ("f", Condition((3,), 1)), ("f == 0", Condition((3,), 0)), ("c[0:1] == 2", Condition((0, 1), 2)),
    ("c[{2, 0}] == 1", Condition((2, 0), 1)), ("c[-1]", Condition((2,), 1)),
])
def test_condition_forms(test, expected):
    assert conditions(f"if ({test}) x q[0];") == [expected]


def test_nested_conditions_combine_and_contradictions_drop_the_body():
    assert conditions("if (c[0]) { if (!c[2]) { x q[0]; } y q[0]; }") == [Condition((0, 2), 1), Condition((0,), 1)]
    assert conditions("if (c == 5) { if (c[0]) x q[0]; if (c[1]) y q[0]; if (f) z q[0]; }") == [
        Condition((0, 1, 2), 5), Condition((0, 1, 2, 3), 13)]


def test_else_on_single_bits():
    assert conditions("if (c[1]) { x q[0]; } else { y q[0]; z q[1]; }") == [
        Condition((1,), 1), Condition((1,), 0), Condition((1,), 0)]
    assert conditions("if (c[0]) x q[0]; else if (c[1]) y q[0]; else z q[0];") == [
        Condition((0,), 1), Condition((0, 1), 2), Condition((0, 1), 0)]


def test_static_conditions_need_no_measurement():
    assert conditions("const int k = 2; if (k == 2) x q[0]; if (k < 1) { y q[0]; } else z q[0];") == [None, None]


def test_conditioned_measure_reset_barrier_and_loops():
    circuit = loads(V3 + "if (f) { c[0] = measure q[0]; reset q[1]; barrier q; for i in [0:1] { h q[i]; } }")
    assert [(inst.name, inst.condition) for inst in circuit] == [(name, Condition((3,), 1)) for name in
                                                                 ("measure", "reset", "barrier", "h", "h")]


def test_condition_errors():
    assert_qasm_error(V3 + "if (c[0] == theta) x q[0];", "unknown name 'theta'", 6, 13)
    assert_qasm_error(V3 + "if (c[1:2] == 4) x q[0];", "condition value 4 does not fit in 2 bit(s)", 6, 15)
    assert_qasm_error(V3 + "if (c == -1) x q[0];", "condition value -1 does not fit in 3 bit(s)", 6, 10)
    assert_qasm_error(V3 + "if (f[0]) x q[0];", "'f' is a single bit and cannot be indexed", 6, 5)
    assert_qasm_error(V3 + "if (c[7]) x q[0];", "bit index 7 out of range for register c[3]", 6, 7)
    assert_qasm_error(V3 + "if (c[1:5]) x q[0];", "bit range out of range for register c[3]", 6, 5)


def test_combine():
    combine = Conditions().combine
    assert combine(None, (2, 0), 1) == Condition((2, 0), 1)
    assert combine(Condition((0, 1), 2), (1, 3), 3) == Condition((0, 1, 3), 6)
    assert combine(Condition((0, 1), 2), (1,), 0) is None
    assert combine(None, (1, 1), 1) is None and combine(None, (1, 1), 3) == Condition((1,), 1)
