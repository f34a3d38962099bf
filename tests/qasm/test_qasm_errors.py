"""Malformed programs: each one is a QasmError that says what was wrong, and where."""

from __future__ import annotations

import pytest
from qasm_helpers import assert_qasm_error

from qfusion.errors import QasmError
from qfusion.qasm import load, loads

V2 = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[3];\ncreg c[2];\n'  # programs start on line 5
V3 = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[3] q;\nbit[2] c;\n'

CASES = [
    # (prefix, body on line 5, message, line, column)
    ("", "OPENQASM 4.0;", "unsupported OpenQASM version 4.0 (2.0 and 3 are supported)", 1, 10),
    ("", "OPENQASM 2.1;", "unsupported OpenQASM version 2.1", 1, 10),
    ("", "OPENQASM;", "expected a version number after 'OPENQASM', found ';'", 1, 9),
    ("", "OPENQASM 3 qubit q;", "expected ';' after the OPENQASM version, found 'qubit'", 1, 12),
    (V3, "qubit r; OPENQASM 3;", "the OPENQASM version line must be the first statement", 5, 10),
    (V2, "qreg r[2] h r[0];", "expected ';' after the quantum register declaration, found 'h'", 5, 11),
    (V2, "h q[0]\nx q[1];", "expected ';' after the arguments of 'h', found 'x'", 6, 1),
    (V3, "h q[0]", "expected ';' after the arguments of 'h', found end of file", 5, 7),
    (V2, "foo q[0];", "unknown gate 'foo'", 5, 1),
    (V2, "h q[5];", "qubit index 5 out of range for register q[3]", 5, 5),
    (V3, "h q[-4];", "qubit index -1 out of range for register q[3]", 5, 5),
    (V2, "cx q[0], q[0];", "'cx' is applied to q[0] more than once", 5, 1),
    (V2, "rx q[0];", "gate 'rx' takes 1 parameter(s), got 0", 5, 1),
    (V2, "rx(1, 2) q[0];", "gate 'rx' takes 1 parameter(s), got 2", 5, 1),
    (V2, "U(1, 2) q[0];", "gate 'U' takes 3 parameter(s), got 2", 5, 1),
    (V2, "h q[0], q[1];", "gate 'h' acts on 1 qubit(s), got 2", 5, 1),
    (V2, "qreg q[3];", "'q' is already declared as a register", 5, 6),
    (V2, "creg q[3];", "'q' is already declared as a register", 5, 6),
    (V2, "gate h a { x a; }", "gate 'h' is already defined (qelib1.inc)", 5, 1),
    (V2, "gate g a { x a; }\ngate g a { y a; }", "gate 'g' is already defined (at 5:1)", 6, 1),
    (V2, "h r[0];", "unknown qubit register 'r' (not declared)", 5, 3),
    (V2, "h c[0];", "unknown qubit register 'c' (a classical register)", 5, 3),
    (V2, "measure q[0] -> d[0];", "unknown classical register 'd' (not declared)", 5, 17),
    (V2, "measure q[0] -> q[1];", "unknown classical register 'q' (a qubit register)", 5, 17),
    (V2, "measure q[0] c[0];", "expected '->' after the measured qubit, found 'c'", 5, 14),
    (V2, "rx(1/0) q[0];", "division by zero", 5, 5),
    (V2, "rx(sqrt(-1)) q[0];", "cannot evaluate sqrt(-1): math domain error", 5, 4),
    (V2, "rx(ln(0)) q[0];", "cannot evaluate ln(0): math domain error", 5, 4),
    (V2, "rx(foo) q[0];", "unknown name 'foo'", 5, 4),
    (V2, "rx(c) q[0];", "'c' is a classical register: its value is only known when the circuit runs", 5, 4),
    (V2, "rx(q) q[0];", "'q' is a qubit register, not a value", 5, 4),
    (V2, "rx(h) q[0];", "'h' is a gate, not a value", 5, 4),
    (V2, "rx(arcsin(1)) q[0];", "unknown function 'arcsin'", 5, 4),
    (V2, "qreg r[0];", "the size of register 'r' must be at least 1, got 0", 5, 8),
    (V2, "qreg r[1.5];", "the size of register 'r' must be an integer known when the circuit is built, got 1.5", 5, 8),
    (V2, 'include "no_such_file.inc";', "cannot read included file 'no_such_file.inc': No such file or directory", 5, 9),
    (V2, "gate g(a, a) x { }", "'a' is used twice in the definition of gate 'g'", 5, 11),
    (V2, "gate g a, a { }", "'a' is used twice in the definition of gate 'g'", 5, 11),
    (V2, "gate g a { h b; }\ng q[0];", "inside a gate definition, qubits are the gate's own arguments by name (a); "
                                      "found 'b'", 5, 14),
    (V2, "gate g a { h a[0]; }\ng q[0];", "inside a gate definition, qubits are the gate's own arguments", 5, 14),
    (V2, "gate g a { measure a -> c[0]; }", "'measure' is not allowed inside a gate definition", 5, 12),
    (V2, "gate g a { reset a; }", "'reset' is not allowed inside a gate definition", 5, 12),
    (V2, "gate g a { g a; }", "gate 'g' cannot call itself (recursive gate definitions are not allowed)", 5, 12),
    (V2, "gate g a { undefined a; }", "unknown gate 'undefined'", 5, 12),
    (V2, "gate g a { h a; ", "'{' after gate 'g' is never closed", 5, 10),
    (V2, "gate g a h a;", "expected '{' to start the body of gate 'g', found 'h'", 5, 10),
    (V2, "gate g() { }", "expected a name for the gate qubit, found '{'", 5, 10),
    (V2, "gate g a { }\ng(1) q[0];", "gate 'g' takes 0 parameter(s), got 1", 6, 1),
    (V2, 'h q[0]; "unterminated', "unterminated string", 5, 9),
    (V2, "h q[0]; }", "expected a statement, found '}'", 5, 9),
    (V2, "h q[0]; ?", "unexpected character '?'", 5, 9),
    (V2, "h q[0]; /* never closed", "unterminated '/*' comment", 5, 9),
    (V2, "if (c == 1) { x q[0]; }", "expected a statement, found '{'", 5, 13),
    (V2, "ctrl @ x q[0], q[1];", "expected a qubit or bit, found '@'", 5, 6),
    (V2, "rx(1 +) q[0];", "expected an expression, found ')'", 5, 7),
    (V2, "rx((1) q[0];", "expected ')' after the parameters of 'rx', found 'q'", 5, 8),
    (V2, "h q[];", "expected an index inside '[]'", 5, 4),
    (V2, "h q[0;", "expected ']' after an index, found ';'", 5, 6),
    (V2, "rx(1e999) q[0];", "parameter 1 of 'rx' is not a finite number (inf)", 5, 4),
    (V2, "qreg r[2]; creg d[2]; if (d == 4) x r[0];", "condition value 4 does not fit in 2 bit(s)", 5, 32),
    (V2, "if (c == 1.5) x q[0];", "a condition compares bits with an integer", 5, 10),
    (V2, 'include "qelib1.inc"\nh q[0];', "expected ';' after the include file name, found 'h'", 6, 1),
    (V2, "include qelib1.inc;", "expected a file name in quotes after 'include', found 'qelib1'", 5, 9),
    (V3, "ctrl @ h q[0];", "gate 'h' acts on 2 qubit(s), got 1", 5, 8),
    (V3, "pow @ x q[0];", "expected '(' and an exponent after 'pow'", 5, 5),
    (V3, "ctrl(0) @ x q[0];", "'ctrl(0)' needs at least one control qubit", 5, 1),
    (V3, "ctrl(1.5) @ x q[0], q[1];", "the argument of 'ctrl' must be an integer", 5, 6),
    (V3, "inv(2) @ x q[0];", "'inv' takes no argument", 5, 1),
    (V3, "ctrl @ bogus q[0], q[1];", "unknown gate 'bogus'", 5, 8),
    (V3, "ctrl @ 3 q[0];", "expected a gate name after '@', found '3'", 5, 8),
    (V3, "if (c) x q[0];", "a register of several bits is not a condition by itself", 5, 5),
    (V3, "if (c[0] == 2) x q[0];", "condition value 2 does not fit in 1 bit(s)", 5, 13),
    (V3, 'if (c == "012") x q[0];', '"012" is not a bit string of length 2', 5, 10),
    (V3, "if (c == 1) { x q[0];", "'{' after 'if' is never closed", 5, 13),
    (V3, "for i in q { }", "a 'for' loop runs over a range [a:b] or a set {a, b, ...}", 5, 1),
    (V3, "for i [0:1] { }", "expected 'in' after the loop variable, found '['", 5, 7),
    (V3, "for i in [0:] { }", "a loop range needs a start and an end", 5, 11),
    (V3, "for i in [] { }", "expected a range such as [0:n] after 'in'", 5, 10),
    (V3, "undefined_variable = 1;", "unknown variable 'undefined_variable'", 5, 1),
    (V3, "int a = 1; int a = 2;", "'a' is already declared in this scope", 5, 16),
    (V3, "int a = 1; a = a / 0;", "division by zero", 5, 18),
    (V3, "for i in [0:1] { i = 2; }", "cannot assign to 'i': it is a loop variable", 5, 18),
    (V3, "input float t0; t0 = 1;", "cannot assign to 't0': it is an input parameter", 5, 17),
    (V3, "int k; h q[k];", "'k' is used before it is given a value", 5, 12),
    (V3, "input float t0; h q[t0];", "a qubit index must be an integer known when the circuit is built", 5, 21),
    (V3, "input float t0; for i in [0:t0] { }", "a range end must be an integer", 5, 29),
    (V3, "input float t0; if (t0 > 1) { }", "operator '>' cannot be applied to a free parameter", 5, 24),
    (V3, "input bool flag;", "'input bool' is not supported", 5, 7),
    (V3, "input float t0 = 1;", "an 'input' declaration cannot have a value", 5, 18),
    (V3, "const float k;", "constant 'k' needs a value", 5, 13),
    (V3, "int for = 1;", "'for' is a reserved word and cannot name a variable", 5, 5),
    (V3, "qubit[2] pi;", "'pi' is a reserved word and cannot name a qubit register", 5, 10),
    (V3, "gate g(t) a { rx(t) a; }\ninput float w; g(w) q[0]; h q[0];\ngate k a { rx(w) a; }\nk q[0];",
     "unknown name 'w'", 7, 15),
    (V3, "gate g a { qubit b; }", "'qubit' is not allowed inside a gate definition", 5, 12),
    (V3, "gate g a { c[0] = measure a; }\ng q[0];", "'measure' is not allowed inside a gate definition", 5, 19),
    (V3, "for i in [0:1] { qubit[2] r; }", "'qubit' is only allowed at the top level of the program", 5, 18),
    (V3, "if (true) { gate g a { } }", "'gate' is only allowed at the top level of the program", 5, 13),
    (V3, "c[0] = measure q;", "cannot measure 3 qubit(s) into 1 bit(s)", 5, 8),
    (V3, "c[0] += measure q[0];", "'+=' cannot take a measurement", 5, 6),
    (V3, "h q[0, 1];", "multi-dimensional indices are not supported", 5, 6),
    (V3, "h q[0:1:2:3];", "a range has at most three parts (start:step:stop)", 5, 5),
    (V3, "rx(true) q[0];", "parameter 1 of 'rx' must be a number, got the boolean true", 5, 4),
    (V3, 'rx("01") q[0];', 'parameter 1 of \'rx\' must be a number, got the bit string "01"', 5, 4),
    (V3, "rx(1 << 70) q[0];", "shift by 70 bits is out of range (0 to 63)", 5, 6),
    (V3, "rx(2 ** 100) q[0];", "integer overflow in 2 ** 100", 5, 6),
    (V3, "rx(2.0 ** 2000) q[0];", "cannot evaluate 2.0 ** 2000", 5, 8),
    (V3, "rx(1.5 & 2) q[0];", "operator '&' needs integers", 5, 8),
    (V3, "rx(sin(1, 2)) q[0];", "sin() takes 1 argument(s), got 2", 5, 4),
    (V3, "rx(float[64](1) + int[8](2.5)) q[0]; rx(float[64] 3) q[0];", "expected '(' after the type 'float[...]'",
     5, 51),
    (V3, "reset;", "expected a qubit or bit, found ';'", 5, 6),
    (V3, "gphase q[0];", "gphase takes 1 parameter (the phase), got 0", 5, 1),
    (V3, "ctrl(2) @ gphase(1) q[0];", "controlled 'gphase' acts on 2 control qubit(s), got 1", 5, 11),
    (V3, "bit[2] d = measure q;", "cannot measure 3 qubit(s) into 2 bit(s)", 5, 12),
    (V3, "int[8] m = measure q[0];", "only bits can hold a measurement, not 'int'", 5, 12),
    (V3, "ctrl @ U(1, 2, 3) q[0], q[0];", "'U' is applied to q[0] more than once", 5, 8),
    (V3, "ctrl @ x q[0], q[0];", "'x' is applied to q[0] more than once", 5, 8),
]


@pytest.mark.parametrize("prefix, body, message, line, column", CASES,
                         ids=[f"{i}:{case[1][:30]}" for i, case in enumerate(CASES)])
def test_malformed_program(prefix, body, message, line, column):
    assert_qasm_error(prefix + body, message, line, column)


def test_the_file_name_is_part_of_the_message(tmp_path):
    path = tmp_path / "broken.qasm"
    path.write_text(V3 + "h q[7];\n")
    with pytest.raises(QasmError) as info:
        load(path)
    assert str(info.value) == f"{path}:5:5: qubit index 7 out of range for register q[3]"
    assert info.value.filename == str(path)
    with pytest.raises(QasmError, match=r"^prog\.qasm:1:1: unknown gate 'hh'"):
        loads("hh q;", "prog.qasm")


def test_errors_inside_included_files_point_into_them(tmp_path):
    (tmp_path / "lib.inc").write_text("// helpers\ngate g a { h a; }\ngate bad a { oops a; }\n")
    main = tmp_path / "main.qasm"
    main.write_text('OPENQASM 3;\ninclude "stdgates.inc";\ninclude "lib.inc";\nqubit q;\n')
    with pytest.raises(QasmError) as info:
        load(main)
    assert info.value.filename == str(tmp_path / "lib.inc") and (info.value.line, info.value.column) == (3, 14)


def test_files_that_cannot_be_read(tmp_path):
    with pytest.raises(QasmError, match="cannot read the file"):
        load(tmp_path / "missing.qasm")
    binary = tmp_path / "binary.qasm"
    binary.write_bytes(b"\xff\xfe\x00qubit")
    with pytest.raises(QasmError, match="not UTF-8"):
        load(binary)
    with pytest.raises(TypeError):
        loads(b"OPENQASM 3;")
