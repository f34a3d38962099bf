"""Property-based fuzzing: whatever the text, loads returns a circuit or raises a positioned QasmError,
never anything else, and never hangs. What it reads, dumps can write and loads read again."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qfusion.circuit import Circuit
from qfusion.errors import QasmError
from qfusion.qasm import Limits, dumps, loads

# small limits: a mutation that asks for a huge loop must be refused, not run
LIMITS = Limits(max_operations=20_000, max_qubits=64)
FUZZ = settings(max_examples=250, deadline=None, derandomize=True,  # no timings: a hang still fails
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

PROGRAM_2 = """OPENQASM 2.0;
include "qelib1.inc";
gate rot(a, b) x, y { rx(a / 2) x; cx x, y; u3(b, -a, pi^2) y; barrier x, y; }
qreg q[3];
qreg r[2];
creg c[3];
creg f[1];
h q;
cx q[0], r[1];
rot(0.5, -pi/4) q[1], q[2];
cu1(sin(0.3) * 2) q[2], q[0];
rccx q[0], q[1], q[2];
measure q -> c;
if(c==5) x r[0];
if(f==1) measure r[0] -> f[0];
reset r;
barrier q, r;
"""

PROGRAM_3 = """OPENQASM 3.0;
include "stdgates.inc";
input float[64] theta;
const int n = 3;
gate layer(t) a, b { ctrl @ rx(t) a, b; negctrl @ inv @ s b, a; gphase(t / 2); pow(0.5) @ x a; }
qubit[n] q;
qubit anc;
bit[n] c;
bit flag;
for int i in [0:n - 2] { layer(theta * i) q[i], q[i + 1]; }
for i in {0, 2} { h q[i]; }
ctrl(2) @ x q[0], q[1], anc;
c = measure q;
flag = measure anc;
if (c == 5) { x anc; } else { }
if (flag) { z q[0]; } else { y q[0]; }
if (!c[1]) reset anc;
gphase(-pi / 4);
U(1, 2, 3) q[2];
barrier q, anc;
"""

INSERTABLE = ["qreg", "creg", "qubit", "bit", "gate", "measure", "reset", "barrier", "if", "else", "for", "in",
              "while", "def", "const", "input", "ctrl", "negctrl", "inv", "pow", "@", "gphase", "U", "CX", "h",
              "cx", "q", "c", "theta", "pi", "π", "0", "1", "-1", "2.5", "1e308", "1e999", "9" * 40, "0x1F",
              "(", ")", "[", "]", "{", "}", ";", ",", ":", "->", "=", "==", "!=", "+", "-", "*", "/", "**", "^",
              "&&", "||", "!", "~", "<<", '"stdgates.inc"', '"x.inc"', "include", "opaque", "OPENQASM", "$0",
              "//", "/*", "*/", "\n", "#pragma", "100ns", "ą", "\x00", "\\", "'", '"']
_PIECES = re.compile(r"\s+|[A-Za-z_0-9.]+|\S")


@st.composite
def mutated_programs(draw):
    pieces = _PIECES.findall(draw(st.sampled_from([PROGRAM_2, PROGRAM_3])))
    for _ in range(draw(st.integers(1, 5))):
        index = draw(st.integers(0, len(pieces) - 1))
        action = draw(st.sampled_from(["delete", "insert", "swap", "duplicate", "replace"]))
        if action == "delete" and len(pieces) > 1:
            del pieces[index]
        elif action == "insert":
            pieces.insert(index, " " + draw(st.sampled_from(INSERTABLE)) + " ")
        elif action == "swap":
            other = draw(st.integers(0, len(pieces) - 1))
            pieces[index], pieces[other] = pieces[other], pieces[index]
        elif action == "duplicate":
            pieces.insert(index, pieces[index])
        else:
            pieces[index] = draw(st.sampled_from(INSERTABLE))
    return "".join(pieces)


def check(text: str) -> Circuit | None:
    try:
        circuit = loads(text, limits=LIMITS)
    except QasmError as exc:
        assert exc.line is not None and exc.column is not None, f"unpositioned error: {exc}"
        assert exc.line >= 1 and exc.column >= 1
        return None
    assert isinstance(circuit, Circuit)
    return circuit


def check_written(circuit: Circuit) -> None:
    for version in (3, 2):
        try:
            text = dumps(circuit, version)
        except QasmError:
            assert version == 2  # OpenQASM 2 cannot express everything OpenQASM 3 can
            continue
        back = loads(text, limits=Limits(max_operations=10**6, max_qubits=64))
        assert [inst.qubits for inst in back] == [inst.qubits for inst in circuit], text
        assert [inst.clbits for inst in back] == [inst.clbits for inst in circuit], text


def test_the_seed_programs_are_valid():
    for program in (PROGRAM_2, PROGRAM_3):
        circuit = check(program)
        assert circuit is not None and len(circuit) > 10
        check_written(circuit)


@FUZZ
@given(mutated_programs())
def test_mutated_programs(text):
    circuit = check(text)
    if circuit is not None:
        check_written(circuit)


@FUZZ
@given(st.text(max_size=300))
def test_random_text(text):
    check(text)


@FUZZ
@given(st.lists(st.sampled_from(INSERTABLE), max_size=60).map(" ".join))
def test_random_token_soup(text):
    check('OPENQASM 3; include "stdgates.inc"; qubit[2] q; bit[2] c; ' + text)
    check('OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[2]; ' + text)
