"""Issue 14: valid files other tools write read as they do, invalid ones are refused.

Each finding has a small file of our own under ``files/`` (or inline), cross-checked against
Qiskit's readers (``qiskit.qasm2``, ``qiskit.qasm3``) and ``Statevector``.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

import qfusion as qf
from qfusion.circuit import Circuit, CircuitGate, Condition, StandardGate
from qfusion.errors import QasmError
from qfusion.qasm import dumps, load, loads

qiskit = pytest.importorskip("qiskit")
qasm2 = pytest.importorskip("qiskit.qasm2")
from qiskit.quantum_info import Statevector  # noqa: E402

FILES = os.path.join(os.path.dirname(__file__), "files")


def path(name: str) -> str:
    return os.path.join(FILES, name)


def qiskit_state(text: str, version: int) -> np.ndarray:
    if version == 2:
        circuit = qasm2.loads(text)
    else:
        from qiskit import qasm3
        circuit = qasm3.loads(text)
    return np.asarray(Statevector(circuit.remove_final_measurements(inplace=False)).data)


def assert_same_state(ours: Circuit, theirs: np.ndarray):
    state = np.asarray(qf.simulate(ours))
    overlap = abs(np.vdot(state, theirs))
    assert overlap == pytest.approx(1.0, abs=1e-9)


# -- 1: a file's own definition of a name of Qiskit's extended qelib1.inc ----------------------
def test_own_definitions_shadow_the_extended_qelib1():
    text = open(path("shadow_qelib1.qasm")).read()
    circuit = load(path("shadow_qelib1.qasm"))
    names = {inst.operation.name: inst.operation for inst in circuit.instructions}
    assert all(isinstance(names[n], CircuitGate) for n in ("cu", "sx", "rzz", "csx"))
    assert_same_state(circuit, qiskit_state(text, 2))  # Qiskit reads the file's own meanings


def test_shadowing_file_round_trips():
    circuit = load(path("shadow_qelib1.qasm"))
    assert loads(dumps(circuit, 2)) == circuit  # names kept: the structure is the same
    again = loads(dumps(circuit, 3))  # stdgates.inc has cu and sx, so they are renamed there
    assert_same_state(again, np.asarray(qf.simulate(circuit)))
    assert_same_state(loads(dumps(circuit, 2)), qiskit_state(dumps(circuit, 2), 2))


def test_a_definition_before_the_include_also_stays():
    text = 'OPENQASM 2.0; gate sx a { U(pi/2, 0, pi) a; } include "qelib1.inc"; qreg q[1]; sx q[0];'
    circuit = loads(text)
    assert isinstance(circuit.instructions[0].operation, CircuitGate)
    assert_same_state(circuit, qiskit_state(text, 2))


def test_specification_gates_still_cannot_be_redefined():
    with pytest.raises(QasmError, match=r"^2:1: gate 'cx' is already defined \(qelib1.inc\)"):
        loads('OPENQASM 2.0; include "qelib1.inc";\ngate cx a, b { CX a, b; }')
    with pytest.raises(qasm2.QASM2ParseError):  # Qiskit refuses it too
        qasm2.loads('OPENQASM 2.0; include "qelib1.inc";\ngate cx a, b { CX a, b; }')


# -- 2: integer literals of any size -----------------------------------------------------------
def test_wide_register_compared_with_its_value():
    text = open(path("wide_condition.qasm")).read()
    circuit = load(path("wide_condition.qasm"))
    conditioned = circuit.instructions[2]
    assert conditioned.condition == Condition(tuple(range(151)), 2**150)
    theirs = qasm2.loads(text)
    if_else = next(inst for inst in theirs.data if inst.operation.name == "if_else")
    assert if_else.operation.condition[1] == conditioned.condition.value
    assert loads(dumps(circuit, 2)) == circuit and loads(dumps(circuit, 3)) == circuit
    aer = pytest.importorskip("qiskit_aer")
    written = qasm2.loads(dumps(circuit, 2))  # what we write, Aer runs: the condition holds
    counts = aer.AerSimulator().run(written, shots=20, seed_simulator=3).result().get_counts()
    assert counts == {"1" + "0" * 149 + "1": 20}


@pytest.mark.parametrize("flip, expected", [("x", "1" + "0" * 58 + "1"), ("id", "0" * 60)])
def test_conditions_on_a_large_value_run(flip, expected):
    # (60 bits: qfusion's samplers pack clbits into 64-bit integers)
    text = open(path("wide_condition.qasm")).read().replace("x q[0];", f"{flip} q[0];")
    text = text.replace("c[151]", "c[60]").replace("c[150]", "c[59]")
    text = text.replace("1427247692705959881058285969449495136382746624", str(2**59))
    assert qf.run(loads(text), shots=10, seed=1).counts == {expected: 10}


# -- 4: programs the grammar rejects -----------------------------------------------------------
_V3 = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[2] c;\nint i = 0;\n'
INVALID = [  # our versions of the specification's grammar tests (source/grammar/tests/invalid)
    ("if (true);", 6, 10, "expected a statement or '{' after 'if', found ';'"),
    ("if (true) { x q[0]; } else;", 6, 27, "after 'else', found ';'"),
    ("bool[4] myvar;", 6, 5, "'bool' takes no size"),
    ("for int myvar in { 1, 2, 3 };", 6, 29, "after 'for', found ';'"),
    ("for for in {1, 2, 3} { x q[0]; }", 6, 5, "'for' is a reserved word"),
    ("for int def in [0:2] { x q[0]; }", 6, 9, "'def' is a reserved word"),
    ("for int a, b in { 1, 2, 3 } { x q[0]; }", 6, 10, "expected 'in'"),
    ("for in { 1, 2, 3 } { x q[0]; }", 6, 5, "'in' is a reserved word"),
    ("for (true) { x q[0]; }", 6, 5, "expected a loop variable"),
    ("if true x q[0];", 6, 4, "expected '('"),
    ("if (i += 1) { x q[0]; }", 6, 7, "expected ')'"),
    ("if (true) else x q[0];", 6, 11, "'else' without a matching 'if'"),
    ("float;", 6, 6, "expected a name for the variable"),
    ("int[8, 8] myvar;", 6, 6, "expected ']'"),
    ("int[8] int;", 6, 8, "reserved word"),
    ("int[8] a, b;", 6, 9, "expected ';'"),
    ("int a[8];", 6, 6, "expected ';'"),
    ("input int[8];", 6, 13, "expected a name"),
    ("const myvar = 8.0;", 6, 7, "expected a type"),
    ("pow @ x q[0];", 6, 5, "expected '(' and an exponent"),
    ("ctrl(2, 3) @ x q[0], q[1];", 6, 7, "expected ')'"),
    ("measure q[0], q[1];", 6, 13, "expected '->'"),
    ("c = 2 * measure q[0];", 6, 17, "expected ';'"),
    ("int a = 3__4;", 6, 9, "invalid number literal '3__4'"),
    ("int a = 3_4_;", 6, 9, "invalid number literal '3_4_'"),
    ("int a = 0b123;", 6, 9, "invalid number literal '0b123'"),
    ("int a = 0x12g;", 6, 9, "invalid number literal '0x12g'"),
]


@pytest.mark.parametrize("statement, line, column, message", INVALID)
def test_invalid_programs_are_refused_at_their_place(statement, line, column, message, tmp_path):
    file = tmp_path / "bad.qasm"
    file.write_text(_V3 + statement + "\n")
    with pytest.raises(QasmError) as info:
        load(file)
    text = str(info.value)
    assert text.startswith(f"{file}:{line}:{column}: "), text
    assert message in text


@pytest.mark.parametrize("statement", [s for s, *_ in INVALID[:4]])
def test_qiskit_refuses_them_too(statement):
    qasm3 = pytest.importorskip("qiskit.qasm3")
    pytest.importorskip("qiskit_qasm3_import")
    parser = pytest.importorskip("openqasm3.parser")
    with pytest.raises((qasm3.QASM3ImporterError, parser.QASM3ParsingError)):
        qasm3.loads(_V3 + statement)


def test_the_valid_neighbours_still_read():
    circuit = loads(_V3 + "if (true) { x q[0]; } for int k in {1, 2} x q[1]; bool flag = true; bit[2] d;")
    assert circuit.count_ops() == {"x": 3}


# -- 5: round trips keep the names that do not clash --------------------------------------------
def test_user_gates_named_like_canonical_definitions_keep_their_names():
    circuit = load(path("user_ryy.qasm"))
    assert [inst.operation.name for inst in circuit.instructions] == ["ryy", "iswap"]
    for version in (2, 3):
        text = dumps(circuit, version)
        assert "ryy_1" not in text and "gate ryy" in text
        assert loads(text) == circuit
    assert_same_state(circuit, qiskit_state(open(path("user_ryy.qasm")).read(), 3))


def test_a_user_gate_and_the_standard_gate_of_one_name_are_both_kept():
    mine = CircuitGate(Circuit(2).h(0).cx(0, 1), "ryy")
    circuit = Circuit(2).append(mine, [0, 1]).append(StandardGate("ryy", (0.3,)), [0, 1])
    for version in (2, 3):
        again = loads(dumps(circuit, version))
        assert again.instructions[1].operation == StandardGate("ryy", (0.3,))
        assert isinstance(again.instructions[0].operation, CircuitGate)
        assert_same_state(again, np.asarray(qf.simulate(circuit)))


def test_a_user_gate_with_the_canonical_body_is_renamed_not_mistaken():
    canonical = Circuit(2).rx(np.pi / 2, 0).rx(np.pi / 2, 1).cx(0, 1).rz(0.5, 1).cx(0, 1)
    canonical.rx(-np.pi / 2, 0).rx(-np.pi / 2, 1)
    circuit = Circuit(2).append(CircuitGate(canonical, "ryy"), [0, 1])
    again = loads(dumps(circuit, 3))
    assert isinstance(again.instructions[0].operation, CircuitGate)
    assert_same_state(again, np.asarray(qf.simulate(circuit)))


def test_csx_and_c3sqrtx_are_written_by_name_in_version_2():
    text = 'OPENQASM 2.0; include "qelib1.inc"; qreg q[4]; h q; csx q[0], q[1]; c3sqrtx q[0], q[1], q[2], q[3];'
    circuit = loads(text)
    written = dumps(circuit, 2)
    assert "csx q[0], q[1];" in written and "c3sqrtx q[0], q[1], q[2], q[3];" in written
    assert "cu(" not in written
    assert loads(written) == circuit
    theirs = qasm2.loads(written, custom_instructions=qasm2.LEGACY_CUSTOM_INSTRUCTIONS)
    assert_same_state(circuit, np.asarray(Statevector(theirs).data))
