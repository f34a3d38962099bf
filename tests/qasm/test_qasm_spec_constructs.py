"""The OpenQASM 3 constructs that the specification's examples use and the reader once refused, each
in a small file of qfusion's own (tests/qasm/files), checked against an independent reference:
Qiskit's OpenQASM 3 reader where it reads the construct, else a closed form computed here."""

import math
import os

import numpy as np
import pytest

import qfusion as qf
from qfusion.circuit import Calibration
from qfusion.errors import QasmError
from qfusion.qasm import dumps, load, loads

FILES = os.path.join(os.path.dirname(__file__), "files")
HEAD = 'OPENQASM 3; include "stdgates.inc"; '


# -- defcalgrammar / defcal / cal ------------------------------------------------------------------
def test_calibrations_are_kept_verbatim_and_the_gates_run_as_their_unitaries():
    circuit = load(os.path.join(FILES, "calibrations.qasm"))
    calibrations = [inst.operation for inst in circuit.instructions if isinstance(inst.operation, Calibration)]
    assert [c.kind for c in calibrations] == ["defcalgrammar", "cal", "defcal", "defcal", "defcal"]
    assert calibrations[2].text == "defcal x $0 {\n  play f0, gaussian(160dt, 40dt, 0.2);\n}"
    assert [c.physical_qubits for c in calibrations[2:]] == [(0,), (), (0,)]
    # closed form: x then rz(0.5) on qubit 0, a Bell pair on qubits 1 and 2 (the pulses change nothing)
    x_rz = np.array([0, np.exp(0.25j)])
    bell = np.array([1, 0, 0, 1]) / math.sqrt(2)
    expected = np.kron(bell, x_rz)
    state = np.asarray(qf.simulate(circuit))
    assert abs(abs(np.vdot(expected, state)) - 1) < 1e-12
    assert loads(dumps(circuit)) == circuit


def test_calibration_errors_name_the_construct_and_its_line():
    with pytest.raises(QasmError, match=r"2:13: .\{. after .defcal. is never closed"):
        loads('OPENQASM 3;\ndefcal x $0 { play(;')
    with pytest.raises(QasmError, match="1:27: expected the name of a calibration grammar"):
        loads('OPENQASM 3; defcalgrammar openpulse;')
    with pytest.raises(QasmError, match="only allowed at the top level"):
        loads(HEAD + 'qubit q; if (true) { defcal x $0 { } }')
    with pytest.raises(QasmError, match="OpenQASM 2 has no 'defcal'"):
        dumps(loads('OPENQASM 3; defcal x $0 { }'), version=2)
