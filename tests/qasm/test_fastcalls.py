"""The fast path for simple gate calls gives the circuit, and the errors, of the ordinary path."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qfusion.errors import QasmError
from qfusion.qasm import loads
from qfusion.qasm.interpreter import Interpreter
from qfusion.qasm.lexer import iter_chunks
from qfusion.qasm.parser import Parser

GATES = {"h": (0, 1), "x": (0, 1), "rz": (1, 1), "u3": (3, 1), "cx": (0, 2), "cu1": (1, 2), "ccx": (0, 3),
         "sx": (0, 1), "rzz": (1, 2), "U": (3, 1), "CX": (0, 2), "nosuch": (0, 1), "maj": (0, 3)}
ANGLES = ["0.5", "-1", "pi/2", "-pi/4", "1e-3", "2*pi/3", "sin(0.2)", "1e400", "theta", ".5", "3.", "(1+2)"]
HEADER = ('OPENQASM 2.0;\ninclude "qelib1.inc";\ngate maj a, b, c { cx c, b; cx c, a; ccx a, b, c; }\n'
          "qreg q[3];\nqreg r[2];\ncreg c[2];\n")


def ordinary(text: str):
    parser = Parser(text, calls=False)
    return Interpreter(parser.version).run(parser.statements())


def outcome(function, text):
    try:
        return function(text)
    except QasmError as exc:
        return str(exc)


@st.composite
def statement(draw):
    name = draw(st.sampled_from(sorted(GATES)))
    num_params, num_qubits = GATES[name]
    num_params += draw(st.sampled_from([0, 0, 0, 1]))  # sometimes a wrong number of parameters
    params = [draw(st.sampled_from(ANGLES)) for _ in range(num_params)]
    qubits = [f"{draw(st.sampled_from(['q', 'r', 'c', 'zz']))}[{draw(st.integers(0, 3))}]"
              for _ in range(num_qubits + draw(st.sampled_from([0, 0, 0, 1])))]
    text = name + (f"({','.join(params)})" if params else "") + " " + ", ".join(qubits) + ";"
    return draw(st.sampled_from(["", "if(c==1) ", "if(c==3) "])) + text


@settings(max_examples=150, deadline=None)
@given(st.lists(statement(), min_size=1, max_size=8), st.sampled_from(["\n", " ", "\n// note\n", "\npragma x\n"]))
def test_fast_and_ordinary_paths_agree(statements, separator):
    text = HEADER + separator.join(statements) + "\n"
    assert outcome(loads, text) == outcome(ordinary, text)


def test_simple_calls_are_single_tokens_and_keywords_are_not():
    kinds = [(t.kind, t.text) for chunk in iter_chunks("cx q[0], q[1];\nreset q[0];\nrz(0.5) r[1];", calls=True)
             for t in chunk]
    assert kinds[0] == ("call", "cx q[0], q[1];") and kinds[-2] == ("call", "rz(0.5) r[1];")
    assert ("id", "reset") in kinds


def test_calls_inside_gate_definitions_and_after_modifiers_take_the_ordinary_path():
    text = ('OPENQASM 3; include "stdgates.inc"; qubit[3] q; ctrl @ x q[0], q[1]; inv @ rz(0.5) q[2];'
            "gate g a, b { cx a, b; } g q[0], q[2];")
    assert loads(text) == ordinary(text)
    assert len(loads(text).instructions) == 3


def test_errors_keep_their_place():
    with pytest.raises(QasmError, match=r"^5:1: gate 'cx' acts on 2 qubit\(s\), got 3"):
        loads('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[3];\n\ncx q[0], q[1], q[2];')
    with pytest.raises(QasmError, match=r"^4:13: qubit index 5 out of range for register q\[3\]"):
        loads('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[3];\nh q[1]; h q[5];')


def test_a_later_register_or_definition_changes_what_a_call_means():
    text = ('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\nsx q[0];\ngate sx a { h a; }\nsx q[0];\n'
            "qreg r[1];\nsx r[0];")
    circuit = loads(text)
    assert circuit == ordinary(text)
    assert [inst.operation.name for inst in circuit.instructions] == ["sx", "sx", "sx"]
    assert type(circuit.instructions[0].operation).__name__ == "StandardGate"
    assert type(circuit.instructions[1].operation).__name__ == "CircuitGate"
