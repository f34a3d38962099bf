"""Physical qubits ($0, $1, ...) in OpenQASM 3: qubit k of a program that declares none."""

import numpy as np
import pytest

import qfusion as qf
from qfusion.errors import QasmError
from qfusion.qasm import dumps, loads

HEAD = 'OPENQASM 3; include "stdgates.inc"; '


def test_physical_qubit_k_is_qubit_k_and_sizes_the_circuit():
    c = loads(HEAD + "h $2; cx $2, $0;")
    assert c.num_qubits == 3 and [inst.qubits for inst in c.instructions] == [(2,), (2, 0)]
    expected = np.zeros(8, complex)
    expected[0] = expected[0b101] = 2 ** -0.5                  # (|000> + |101>)/sqrt(2), qubit 0 lowest
    assert np.allclose(np.asarray(qf.simulate(c)), expected, atol=1e-12)


def test_physical_qubits_write_back_as_themselves():
    c = loads(HEAD + "bit[2] c; h $1; cx $1, $0; c[0] = measure $0; c[1] = measure $1; delay[10ns] $2;")
    text = dumps(c)
    assert "cx $1, $0;" in text and "qubit" not in text
    assert loads(text) == c


@pytest.mark.parametrize("source, message", [
    ("qubit q; h $0;", "a program uses either physical or declared qubits"),
    ("h $0; qubit q;", "it cannot also declare qubits"),
    ("h $0[1];", "is a single qubit and cannot be indexed"),
    ("h $ 0;", "expected a physical qubit such as $0"),
    ("gate g a { h $0; } g $0;", "inside a gate definition, qubits are the gate's own arguments"),
])
def test_physical_qubit_errors(source, message):
    with pytest.raises(QasmError, match=__import__("re").escape(message)):
        loads(HEAD + source)
