"""The examples folder: the demo runs clean, and the OpenQASM files are what they say they are."""

import subprocess
import sys

import numpy as np
import pytest
from cli_helpers import EXAMPLES

import qfusion as qf
from qfusion.cli.bench_circuits import qft
from qfusion.errors import QasmError


def test_demo_runs_clean():
    out = subprocess.run([sys.executable, str(EXAMPLES / "demo.py")], capture_output=True, text=True,
                         timeout=600, cwd=EXAMPLES.parent)  # a hang detector, not a speed target
    assert out.returncode == 0, out.stderr
    assert out.stderr == "" and "Traceback" not in out.stdout
    for heading in ("== 1. A Bell pair", "== 2. GHZ(5)", "== 3. A parameterised circuit", "== 4. QFT on 4 qubits",
                    "== 5. OpenQASM files", "$ qfusion run examples/teleport.qasm", "demo finished"):
        assert heading in out.stdout
    assert "qfusion: error: examples/bad.qasm:6:1:" in out.stdout


@pytest.mark.parametrize("name", ["bell.qasm", "teleport.qasm", "qft5.qasm"])
def test_examples_parse_with_qiskit_too(name):
    from qiskit import qasm2, qasm3
    text = (EXAMPLES / name).read_text()
    theirs = qasm3.loads(text) if "OPENQASM 3" in text else qasm2.loads(text)
    ours = qf.qasm.load(EXAMPLES / name)
    assert (ours.num_qubits, ours.num_clbits) == (theirs.num_qubits, theirs.num_clbits)


def test_bad_example_is_rejected_by_qiskit_too():
    from qiskit import qasm2
    with pytest.raises(qasm2.QASM2ParseError):
        qasm2.loads((EXAMPLES / "bad.qasm").read_text())
    with pytest.raises(QasmError, match=r"bad\.qasm:6:1: expected ';'"):
        qf.qasm.load(EXAMPLES / "bad.qasm")


def test_qft5_is_the_qft_of_5():
    circuit = qf.qasm.load(EXAMPLES / "qft5.qasm")
    expected = qf.Circuit(5).x(0).x(2).compose(qft(5))
    state = np.asarray(qf.simulate(circuit))
    np.testing.assert_allclose(state, np.asarray(qf.simulate(expected)), atol=1e-12)
    np.testing.assert_allclose(state, np.exp(2j * np.pi * 5 * np.arange(32) / 32) / np.sqrt(32), atol=1e-12)
    assert circuit.count_ops()["measure"] == 5
