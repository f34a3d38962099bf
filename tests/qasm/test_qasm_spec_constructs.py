"""The OpenQASM 3 constructs that the specification's examples use and the reader once refused, each
in a small file of qfusion's own (tests/qasm/files), checked against an independent reference:
Qiskit's OpenQASM 3 reader where it reads the construct, else a closed form computed here."""

import math
import os

import numpy as np
import pytest

import qfusion as qf
from qfusion.circuit import Calibration, Circuit
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


# -- classical variables known only at run time ------------------------------------------------------
def _by_offset(circuit, bits: str) -> dict:
    """The value of each classical register, from the bits of an outcome (clbit 0 first)."""
    values, start = {}, 0
    for register in circuit.cregs:
        values[register.name] = int(bits[start:start + register.size][::-1], 2)
        start += register.size
    return values


def test_run_time_counters_angles_and_loop_bounds_follow_each_shots_measurements():
    reports = []

    def report(ones, c):
        reports.append((ones, c))

    circuit = load(os.path.join(FILES, "runtime_variables.qasm"),
                   externs={"report": report, "angle_for": lambda n: math.pi * (n % 2)})
    names = [r.name for r in circuit.cregs]
    assert names[:3] == ["c", "flip", "parity"] and "ones_0" in names and "theta_0" in names
    counts = qf.run(circuit, shots=200, seed=3).counts
    assert sum(counts.values()) == 200 and len(reports) == 200
    # closed form per shot: ones is the number of 1s measured; theta = pi * (ones mod 2) flips r exactly
    # then; the loop over [1:ones] applies x to w ones times
    for key in counts:
        values = _by_offset(circuit, key[::-1])
        ones = bin(values["c"]).count("1")
        assert values["ones_0"] == ones
        assert values["flip"] == ones % 2 and values["parity"] == ones % 2
        assert values["theta_0"] == int.from_bytes(np.float64(math.pi * (ones % 2)).tobytes(), "little")
    assert all(ones == bin(c).count("1") for ones, c in reports)
    assert len({c for _, c in reports}) > 4          # the outcomes vary (eight equally likely)


def test_an_extern_without_a_function_is_kept_and_refused_at_run_time_with_its_line():
    circuit = load(os.path.join(FILES, "runtime_variables.qasm"), externs={"report": lambda ones, c: None})
    with pytest.raises(Exception, match=r"runtime_variables.qasm:20:19: extern function 'angle_for' has no "
                                        r"Python definition"):
        qf.run(circuit, shots=1, seed=0)


def test_a_counter_set_inside_a_run_time_loop_counts_its_passes():
    # repeat until a fair coin gives 1: the number of passes k is geometric, P(k = j) = 2**-j, mean 2
    circuit = loads(HEAD + "qubit q; bit b = 0; int[8] k = 0; while (b == 0) { k += 1; reset q; h q; "
                           "b = measure q; }")
    counts = qf.run(circuit, shots=2000, seed=5).counts
    passes = []
    for key, n in counts.items():
        values = _by_offset(circuit, key[::-1])
        assert values["b"] == 1 and values["k_0"] >= 1
        passes += [values["k_0"]] * n
    assert abs(np.mean(passes) - 2) < 0.15            # standard error sqrt(2 / 2000) = 0.032
    assert abs(np.mean(np.array(passes) == 1) - 0.5) < 0.05


# -- arrays -----------------------------------------------------------------------------------------
def test_arrays_slices_sizeof_and_array_arguments_give_the_angles_numpy_computes():
    circuit = load(os.path.join(FILES, "arrays_rotations.qasm"))
    # the same steps in NumPy (OpenQASM ranges include their end)
    angles = np.array([[0.1, 0.2, 0.3], [1.0, 2.0, 3.0]])
    steps = np.array([1, 2, 3, 4])
    angles[0, 2] = angles[1, 0] + steps.size
    angles[1, 0:2] = angles[0, 0:2]
    steps[1:3] = steps[2:4].copy()
    steps[3] *= 2
    expected = Circuit(3)
    for i in range(3):
        expected.rx(angles[0, i], i).rz(angles[1, i], i)
    for k in range(4):
        expected.ry(steps[k] * 0.125, 0)
    assert [(inst.name, inst.qubits) for inst in circuit.instructions] == \
        [(inst.name, inst.qubits) for inst in expected.instructions]
    got = [float(inst.operation.params[0]) for inst in circuit.instructions]
    assert np.allclose(got, [float(inst.operation.params[0]) for inst in expected.instructions], atol=1e-15)
    assert np.allclose(np.asarray(qf.simulate(circuit)), np.asarray(qf.simulate(expected)), atol=1e-12)


@pytest.mark.parametrize("source, message", [
    ("array[int[8], 2] a = {1, 2, 3};", "an array of shape (2,) cannot take a value of shape (3,)"),
    ("array[int[8], 2] a; a[2] = 1;", "array index 2 out of range for a dimension of size 2"),
    ("const array[int[8], 2] a = {1, 2}; a[0] = 3;", "'a' cannot be written: it is a constant"),
    ("def f(readonly array[int[8], 2] a) { a[0] = 1; } array[int[8], 2] b; f(b);",
     "'a' cannot be written: it is a constant or a readonly array argument"),
    ("def f(readonly array[int[8], #dim = 2] a) { } array[int[8], 2] b; f(b);",
     "takes an array of 2 dimension(s), got 1"),
    ("def f(array[int[8], 2] a) { }", "'readonly array[...]' or 'mutable array[...]'"),
    ("array[int[8], 2] a; int m = sizeof(a, 1);", "sizeof(): dimension 1 of an array of 1 dimension(s)"),
    ("qubit[2] q; h q[0, 1];", "multi-dimensional indices are not supported"),
])
def test_array_errors_name_the_problem(source, message):
    with pytest.raises(QasmError) as info:
        loads(HEAD + source)
    assert message in str(info.value) and info.value.line == 1


def test_an_output_integer_is_a_register_of_its_own_name_holding_the_measured_value():
    # closed form: x on q[0] and q[2] -> c = 0b101 = 5; n = 2 * c - 1 = 9 in every shot
    circuit = loads(HEAD + "qubit[3] q; bit[3] c; output int[8] n; x q[0]; x q[2]; c = measure q; "
                           "n = 2 * int(c) - 1;")
    assert [(r.name, r.size) for r in circuit.cregs] == [("c", 3), ("n", 8)]
    counts = qf.run(circuit, shots=20, seed=1).counts
    assert counts == {format(9, "08b") + "101": 20}
