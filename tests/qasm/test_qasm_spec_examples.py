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
    "arrays.qasm": "'#dim = n'",                      # arrays are not in the IR
    "cphase.qasm": "unknown gate 'CX'",               # the file has no include and uses CX (a spec bug)
    "dd.qasm": "unknown gate 'u'",                    # 'u $3;': no such gate without parameters (a spec bug)
    "msd.qasm": "'success' is used before it is given a value",   # read uninitialised; distill never declares it
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
