"""Every example of the OpenQASM 3 specification (tests/qasm/files/spec, Apache-2.0): the ones qfusion
reads are read and checked; the others must fail with a message that names what is missing, at its
line, never a crash."""

import os

import numpy as np
import pytest

import qfusion as qf
from qfusion.errors import QasmError
from qfusion.qasm import load

SPEC = os.path.join(os.path.dirname(__file__), "files", "spec")
EXAMPLES = sorted(f for f in os.listdir(SPEC) if f.endswith(".qasm"))

# file -> what the message names (the reason the file does not read yet)
NOT_READ = {
    "arrays.qasm": "51:20: array index 4 out of range for a dimension of size 4",   # a = 5 indexes 4 values
    "cphase.qasm": "unknown gate 'CX'",               # the file has no include and uses CX (a spec bug)
    "dd.qasm": "unknown gate 'u'",                    # 'u $3;': no such gate without parameters (a spec bug)
    "msd.qasm": "qubit index 3 out of range for register scratch[3]",   # cz scratch[3], ... (a spec bug)
    "vqe.qasm": "'q' is a single qubit and cannot be indexed",   # gate entangler q { cx q[i], ... } (a spec bug)
}


def test_the_corpus_is_the_specifications_21_examples():
    assert len(EXAMPLES) == 21


# unrolled shot loops: t1.qasm is 500,000 instructions, scqec.qasm 361,000 (tens of seconds to read and write back)
LARGE = {"t1.qasm", "scqec.qasm"}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in LARGE else n
                                  for n in EXAMPLES if n not in NOT_READ])
def test_example_reads_and_round_trips(name):
    circuit = load(os.path.join(SPEC, name))
    assert circuit.num_qubits > 0 or name == "defcal.qasm"   # (calibrations only: no qubit of its own)
    if name == "ipe.qasm":   # 'inv @ phase(c)' writes back as phase(-(c)); checked in test_qasm_runtime
        return
    assert qf.qasm.loads(qf.qasm.dumps(circuit)) == circuit


@pytest.mark.parametrize("name", sorted(NOT_READ))
def test_example_not_read_yet_is_refused_with_its_reason_and_line(name):
    with pytest.raises(QasmError) as info:
        load(os.path.join(SPEC, name))
    assert NOT_READ[name] in str(info.value)
    assert info.value.line is not None and info.value.filename.endswith(name)


def test_alignment_keeps_its_stretched_delays():
    circuit = load(os.path.join(SPEC, "alignment.qasm"))
    delays = [inst for inst in circuit.instructions if inst.name == "delay"]
    assert [(inst.qubits, inst.operation.duration.terms[0][0]) for inst in delays] == [((2,), 1.0), ((2,), 2.0)]
    assert {inst.operation.duration.stretches for inst in delays} == {("g",)}


def test_qft_example_measures_the_fourier_transform_of_its_input():
    # qft.qasm prepares |0101> (x q[0]; x q[2];), applies the QFT and measures: uniform outcomes
    circuit = load(os.path.join(SPEC, "qft.qasm"))
    unmeasured = circuit.copy()
    unmeasured.instructions = [inst for inst in circuit.instructions if inst.name != "measure"]
    probabilities = np.abs(np.asarray(qf.simulate(unmeasured))) ** 2
    assert np.allclose(probabilities, 1 / 16, atol=1e-12)


# The refused examples are invalid programs; with their bugs mended (the smallest change each), they read.
MENDED = {
    "arrays.qasm": [("my_defined_uints[a - 1] = a + 1;", "my_defined_uints[a - 2] = a + 1;"),
                    ("const uint[32] first_dimension = sizeof(my_doubles);",   # (declared twice)
                     "const uint[32] first_dimension_again = sizeof(my_doubles);")],
    "cphase.qasm": [("gate cphase", 'include "stdgates.inc";\nqubit[2] q;\ngate my_cphase'),
                    ("cphase(π / 2) q", "my_cphase(π / 2) q")],
    "dd.qasm": [("u $3;", "U(0, 0, 0) $3;")],
    "vqe.qasm": [("gate entangler q { for uint i in [0:n-2] { cx q[i], q[i+1]; } }",
                  "def entangler(qubit[n] q) { for uint i in [0:n-2] { cx q[i], q[i+1]; } }")],
}


def _mended(name: str) -> str:
    with open(os.path.join(SPEC, name), encoding="utf-8") as handle:
        text = handle.read()
    for old, new in MENDED[name]:
        assert old in text
        text = text.replace(old, new)
    return text


def test_the_mended_cphase_example_is_the_controlled_phase_qiskit_reads():
    from qiskit import qasm3
    from qiskit.quantum_info import Operator
    text = _mended("cphase.qasm")
    ours = qf.qasm.loads(text)
    theirs = Operator(qasm3.loads(text)).data
    mine = qf.circuit.circuit_unitary(ours)
    expected = np.diag([1, 1, 1, np.exp(0.5j * np.pi)])        # cp(pi/2), little-endian as Qiskit
    assert np.allclose(theirs, expected) and np.allclose(mine, expected)


@pytest.mark.parametrize("name", ["arrays.qasm", "dd.qasm", pytest.param("vqe.qasm", marks=pytest.mark.slow)])
def test_a_mended_example_reads(name):
    circuit = qf.qasm.loads(_mended(name))
    assert circuit.num_qubits > 0 or name == "arrays.qasm"   # (classical declarations only)
