"""The statement parser: versions, the syntax tree it builds, includes, and lazy statements."""

from __future__ import annotations

import pytest

from qfusion.errors import QasmError
from qfusion.qasm import loads
from qfusion.qasm.parser import Parser
from qfusion.qasm.syntax import (
    Assign,
    Block,
    ClassicalDecl,
    For,
    GateCall,
    GateDef,
    If,
    Include,
    Measure,
    MeasureExpr,
    QuantumDecl,
    RangeExpr,
    SetExpr,
)


def statements(text, **kwargs):
    return list(Parser(text, **kwargs).statements())


@pytest.mark.parametrize("header, version", [("OPENQASM 2.0;", 2), ("OPENQASM 2;", 2), ("OPENQASM 3;", 3),
                                             ("OPENQASM 3.0;", 3), ("OPENQASM 3.1;", 3), ("", 3),
                                             ("// c\n/* d */ OPENQASM 2.0;", 2)])
def test_version_detection(header, version):
    assert Parser(header + " qubit q;" if version == 3 else header + " qreg q[1];").version == version


def test_default_version_can_be_2():
    assert Parser("qreg q[1];", default_version=2).version == 2


def test_the_tree_of_a_version_3_program():
    tree = statements('OPENQASM 3; include "stdgates.inc"; const int n = 2; qubit[n] q; bit c;'
                      "gate g(t) a, b { ctrl @ rx(t) a, b; } for int i in [0:1] { h q[i]; } if (c) { x q[0]; }"
                      "else x q[1]; c = measure q[0]; measure q[1] -> c; { h q; } for i in {1, 2} { }")
    assert [type(s) for s in tree] == [Include, ClassicalDecl, QuantumDecl, ClassicalDecl, GateDef, For, If,
                                       Assign, Measure, Block, For]
    gate = tree[4]
    assert [t.text for t in gate.params] == ["t"] and [t.text for t in gate.qubits] == ["a", "b"]
    assert gate.body[0].modifiers[0].kind == "ctrl" and gate.tokens[0] == ("id", "g")
    assert isinstance(tree[5].iterable, RangeExpr) and isinstance(tree[10].iterable, SetExpr)
    assert tree[6].else_body[0].name == "x" and isinstance(tree[7].value, MeasureExpr)


def test_statements_are_produced_lazily():
    parser = Parser("OPENQASM 3; qubit q; h q; h q; this is not valid")
    produced = parser.statements()
    assert isinstance(next(produced), QuantumDecl) and isinstance(next(produced), GateCall)
    next(produced)
    with pytest.raises(QasmError):
        next(produced)


def test_includes_are_spliced_relative_to_the_including_file(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "gates.inc").write_text('OPENQASM 3;\ninclude "more.inc";\ngate a q { h q; }\n')
    (tmp_path / "lib" / "more.inc").write_text("gate b q { x q; }\n")
    main = tmp_path / "main.qasm"
    main.write_text('OPENQASM 3;\ninclude "stdgates.inc";\ninclude "lib/gates.inc";\nqubit q;\na q;\nb q;\n')
    tree = statements(main.read_text(), filename=str(main))
    assert [type(s).__name__ for s in tree] == ["Include", "GateDef", "GateDef", "QuantumDecl", "GateCall",
                                                "GateCall"]
    assert tree[1].token.filename == str(tmp_path / "lib" / "more.inc")


def test_an_included_file_of_the_other_version_is_refused(tmp_path):
    (tmp_path / "old.inc").write_text("OPENQASM 2.0;\n")
    with pytest.raises(QasmError, match="'old.inc' is OpenQASM 2, the program OpenQASM 3"):
        statements('OPENQASM 3; include "old.inc";', filename=str(tmp_path / "main.qasm"))


def test_includes_without_a_file_name_are_relative_to_the_working_directory(tmp_path, monkeypatch):
    (tmp_path / "here.inc").write_text("gate here q { }\n")
    monkeypatch.chdir(tmp_path)
    assert loads('OPENQASM 3; include "here.inc"; qubit q; here q;').count_ops() == {"here": 1}


def test_empty_statements_and_programs():
    assert statements("OPENQASM 3;;;") == [] and statements("") == []
    assert loads("").num_qubits == 0
