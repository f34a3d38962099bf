"""The definitions dumps writes for gates outside the libraries: exact, and recognised only when unchanged."""

from __future__ import annotations

import numpy as np
import pytest
from qasm_helpers import equal_up_to_phase

from qfusion.circuit import CircuitGate, StandardGate, circuit_unitary
from qfusion.qasm import loads
from qfusion.qasm.definitions import canonical_text, definitions, mcx_name, standard_gate_for

HEADERS = {2: 'OPENQASM 2.0;\ninclude "qelib1.inc";\n', 3: 'OPENQASM 3.0;\ninclude "stdgates.inc";\n'}
CASES = [("sxdg", ()), ("iswap", ()), ("ecr", ()), ("rxx", (0.7,)), ("ryy", (-1.3,)), ("rzz", (2.1,))]
CASES += [(f"mcx_{k}", ()) for k in (1, 2, 3, 4, 5, 6)]
# (name, params, version) for the definitions each version writes (the others are library gates there)
WRITTEN = [(name, params, version) for version in (2, 3) for name, params in CASES if definitions(name, version)]


def _program(name, params, version, rename=None):
    texts = definitions(name, version)
    body = "\n".join(text for _, text in texts)
    call = rename or name
    if rename:
        body = body.replace(f"gate {name}", f"gate {rename}")
    num_qubits = standard_gate_for(name)[1]
    args = ", ".join(f"q[{i}]" for i in range(num_qubits))
    params_text = f"({', '.join(map(str, params))})" if params else ""
    return f"{HEADERS[version]}{body}\nqreg q[{num_qubits}];\n{call}{params_text} {args};"


@pytest.mark.parametrize("name, params, version", WRITTEN)
def test_definitions_have_the_gates_matrix(name, params, version):
    """Under another name the definition is an ordinary gate: its matrix must be the standard gate's."""
    program = _program(name, params, version, rename="renamed_gate")
    circuit = loads(program)
    gate = circuit.instructions[0].operation
    assert isinstance(gate, CircuitGate) and gate.name == "renamed_gate"
    expected = standard_gate_for(name)[2](*params).matrix()
    if version == 3:
        np.testing.assert_allclose(circuit_unitary(circuit), expected, atol=1e-12)
    else:
        assert equal_up_to_phase(circuit_unitary(circuit), expected)


@pytest.mark.parametrize("name, params, version", WRITTEN)
def test_definitions_are_recognised_under_their_own_name(name, params, version):
    program = _program(name, params, version)
    gate = loads(program).instructions[0].operation
    assert gate == standard_gate_for(name)[2](*params)


def test_recognition_ignores_formatting_and_formal_names():
    text = HEADERS[3] + "gate rzz(ang) first,second{cx first,second;\n rz( ang )second; cx first , second ;}\n"
    gate = loads(text + "qubit[2] q; rzz(0.5) q[0], q[1];").instructions[0].operation
    assert gate == StandardGate("rzz", (0.5,))


@pytest.mark.parametrize("body", [
    "gate rzz(t) a, b { cx a, b; rz(2 * t) b; cx a, b; }",       # different body
    "gate rzz(t) a, b { cx a, b; rz(t) b; cx b, a; }",           # different qubits
])
def test_modified_definitions_stay_circuit_gates(body):
    gate = loads(HEADERS[3] + body + "\nqubit[2] q; rzz(0.5) q[0], q[1];").instructions[0].operation
    assert isinstance(gate, CircuitGate) and gate.name == "rzz"


def test_the_same_body_over_user_gates_stays_a_circuit_gate():
    text = ("OPENQASM 3.0;\ngate cx a, b { U(0, 0, 0) a; }\ngate rz(t) a { U(0, 0, 0) a; }\n"
            "gate rzz(theta) a, b { cx a, b; rz(theta) b; cx a, b; }\nqubit[2] q; rzz(0.5) q[0], q[1];")
    gate = loads(text).instructions[0].operation
    assert isinstance(gate, CircuitGate) and np.allclose(gate.matrix(), np.eye(4))


def test_a_user_gate_named_like_a_dependency_prevents_recognition():
    text = ('OPENQASM 2.0;\ninclude "qelib1.inc";\ngate mcphase_2(theta) c0, c1, t { cp(theta) c0, t; }\n'
            + "\n".join(t for n, t in definitions("mcx_5", 2) if n != "mcphase_2") + "\nqreg q[6];\n"
            "mcx_5 q[0], q[1], q[2], q[3], q[4], q[5];")
    assert isinstance(loads(text).instructions[0].operation, CircuitGate)


def test_names_and_helpers():
    assert [mcx_name(k, 2) for k in (1, 2, 3, 4, 5)] == ["mcx_1", "mcx_2", "c3x", "c4x", "mcx_5"]
    assert [mcx_name(k, 3) for k in (1, 3)] == ["mcx_1", "mcx_3"]
    assert canonical_text("h", 3) is None and canonical_text("sxdg", 2) is None
    assert standard_gate_for("unknown") is None and standard_gate_for("mcphase_1") is None
    assert standard_gate_for("mcphase_3")[2](0.5) == StandardGate("p", (0.5,)).control(3)
    assert [n for n, _ in definitions("mcphase_6", 2)] == ["mcphase_2", "mcphase_3", "mcphase_4", "mcphase_5",
                                                           "mcx_5", "mcphase_6"]
