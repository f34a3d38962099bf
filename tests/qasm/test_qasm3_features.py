"""Issue 14, item 3: the OpenQASM 3 features read (casts in conditions, bits of integers, externs)
and the clear refusals of those that are not, each from a small file of our own."""

from __future__ import annotations

import os
import warnings

import numpy as np
import pytest

import qfusion as qf
from qfusion.errors import QasmError
from qfusion.qasm import load, loads

qiskit = pytest.importorskip("qiskit")
FILES = os.path.join(os.path.dirname(__file__), "files")


def path(name: str) -> str:
    return os.path.join(FILES, name)


def test_casts_of_measured_registers_in_conditions_run_as_aer_runs_them():
    circuit = load(path("cast_conditions.qasm"))
    conditions = [inst.condition for inst in circuit.instructions if inst.condition is not None]
    assert [(c.clbits, c.value) for c in conditions[:2]] == [((0, 1), 1), ((0, 1), 3)]
    aer = pytest.importorskip("qiskit_aer")
    from qiskit import qasm3
    # the same program without casts, in the form qiskit's OpenQASM 3 reader takes
    text = open(path("cast_conditions.qasm")).read()
    plain = (text.replace("int[2](c) == 1", "c == 1").replace("uint(c) == 3", "c == 3")
             .replace("bool(c[1])", "c[1]"))
    theirs = qasm3.loads(plain)
    theirs.measure_all()
    ours = load(path("cast_conditions.qasm"))
    ours.measure_all()
    their_counts = aer.AerSimulator().run(theirs, shots=400, seed_simulator=5).result().get_counts()
    our_counts = qf.run(ours, shots=400, seed=5).counts
    assert set(our_counts) == {k.replace(" ", "") for k in their_counts}
    for key, count in their_counts.items():  # h on q[0]: two outcomes, about half each
        assert abs(our_counts[key.replace(" ", "")] - count) < 80


def test_bool_of_a_register_of_several_bits_is_refused():
    with pytest.raises(QasmError, match=r"^4:5: bool\(...\) of a register of several bits"):
        loads('OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit q; bit[2] c;\nif (bool(c)) x q;')


def test_bits_of_integer_variables_select_gates():
    circuit = load(path("integer_bits.qasm"))
    from qiskit import QuantumCircuit
    from qiskit.quantum_info import Statevector
    expected = QuantumCircuit(4)
    for i in (0, 1, 3):  # 11 = 0b1011
        expected.x(i)
    expected.h(3)  # 6 = 0b110: bit 1 set, bit 0 not
    state = np.asarray(qf.simulate(circuit))
    assert abs(np.vdot(state, Statevector(expected).data)) == pytest.approx(1.0)


def test_bit_index_errors_are_placed():
    with pytest.raises(QasmError, match=r"^3:26: bit index -1 of 'v' is negative"):
        loads('OPENQASM 3.0;\ninclude "stdgates.inc";\nint v = 3; qubit q; rx(v[-1]) q;')


def test_externs_run_a_python_function_while_the_circuit_is_built():
    calls = []

    def scale(x, k):
        calls.append((x, k))
        return x * k

    circuit = load(path("externs.qasm"), externs={"scale": scale})
    assert calls == [(0.25, 3)]
    from qiskit.circuit.library import RXGate
    from qiskit.quantum_info import Operator
    assert np.allclose(circuit.instructions[0].operation.matrix(), Operator(RXGate(0.75)).data)


def test_an_extern_without_a_function_is_refused_where_it_is_called():
    with pytest.raises(QasmError) as info:
        load(path("externs.qasm"))
    assert str(info.value).startswith(f"{path('externs.qasm')}:6:4: extern function 'scale' has no definition")
    assert "externs={'scale': function}" in str(info.value)


def test_extern_misuse():
    with pytest.raises(QasmError, match="extern 'scale' raised ZeroDivisionError"):
        load(path("externs.qasm"), externs={"scale": lambda x, k: x / 0})
    with pytest.raises(QasmError, match="returned 'a'; it must return a number"):
        load(path("externs.qasm"), externs={"scale": lambda x, k: "a"})
    with pytest.raises(TypeError, match="must be a Python function"):
        load(path("externs.qasm"), externs={"scale": 3})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        load(path("externs.qasm"), externs={"scale": lambda x, k: 1.0, "other": abs})
    assert any("does not declare: other" in str(w.message) for w in caught)


@pytest.mark.parametrize("source, line, column, message", [
    # what the specification's examples use and qfusion's circuits cannot hold, named at its place
    ("def f(readonly array[int[32], #dim = 2] a) { }", 4, 31, "('#dim = n') are not supported"),
    ("angle[4] ang;\nrz(ang) q;", 5, 4, "a value that only measurements give at run time"),
    ("while (c == 0) { }", 4, 1, "'while' loops are not supported"),
    ("duration d = 10ns;", 4, 1, "'duration' variables are not supported"),
    ("stretch s;", 4, 1, "'stretch' variables are not supported"),
    ("delay[10ns] q;", 4, 1, "'delay' instructions are not supported"),
])
def test_unsupported_features_are_named_at_their_line_and_column(source, line, column, message):
    with pytest.raises(QasmError) as info:
        loads('OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit q; bit c;\n' + source)
    assert (info.value.line, info.value.column) == (line, column)
    assert message in str(info.value)
