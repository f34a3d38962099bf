"""Issue 12: arguments the front door used to take silently (``shots=True`` ran one shot,
``memory="no"`` kept every string) or fail on with a raw Python error (``AttributeError`` for a
QASM string, ``IndexError`` for a short layout, ``MemoryError`` for ``shots=10**12``) now give a
qfusion error that says what to do."""

from __future__ import annotations

import numpy as np
import pytest

import qfusion as qf
from qfusion.errors import BackendError, CircuitError, CircuitTooLargeError

BELL = qf.Circuit(2).h(0).cx(0, 1).measure_all()


@pytest.mark.parametrize("shots", [True, False, np.bool_(True), 0, -3, 2.5, "5"])
def test_shots_must_be_a_positive_integer(shots):
    with pytest.raises(CircuitError, match="shots must be a positive integer"):
        qf.run(BELL, shots=shots)


def test_integral_shots_of_other_types_still_run():
    assert qf.run(BELL, shots=np.int64(4), seed=1).shots == 4
    assert qf.run(BELL, shots=4.0, seed=1).shots == 4


@pytest.mark.parametrize("memory", ["no", 1, None])
def test_memory_must_be_a_bool(memory):
    with pytest.raises(BackendError, match="memory must be True or False"):
        qf.run(BELL, shots=3, memory=memory)


def test_negative_seed_is_refused_by_name():
    with pytest.raises(BackendError, match="seed must be a non-negative integer"):
        qf.run(BELL, shots=3, seed=-1)
    with pytest.raises(BackendError, match="seed must be a non-negative integer"):
        qf.simulate(BELL.copy(), seed=-5)


def test_qasm_text_says_parse_it_first():
    with pytest.raises(CircuitError, match=r"qf.run takes a qfusion Circuit, got str: .*qf.qasm.loads"):
        qf.run("OPENQASM 2.0; qreg q[1];", shots=3)
    with pytest.raises(CircuitError, match=r"qf.simulate takes a qfusion Circuit, got str"):
        qf.simulate("OPENQASM 2.0; qreg q[1];")


def test_qiskit_circuit_says_convert_it():
    qiskit = pytest.importorskip("qiskit")
    with pytest.raises(CircuitError, match=r"got QuantumCircuit: convert it with qf.interop.from_qiskit"):
        qf.run(qiskit.QuantumCircuit(1), shots=3)


@pytest.mark.parametrize("bad", [5, None, {"x": 1}])
def test_other_objects_are_named(bad):
    with pytest.raises(CircuitError, match=f"got {type(bad).__name__}"):
        qf.run(bad, shots=3)


def test_a_bad_item_in_a_list_is_refused_before_anything_runs():
    with pytest.raises(CircuitError, match="got int"):
        qf.run([BELL, 5], shots=3)


def test_primitives_refuse_non_circuits_and_bool_shots():
    H = qf.PauliSum.from_list([("ZZ", 1.0)])
    with pytest.raises(CircuitError, match="Sampler.run/Estimator.run takes a qfusion Circuit, got str"):
        qf.Sampler().run("OPENQASM 2.0;", shots=3)
    with pytest.raises(CircuitError, match="got int"):
        qf.Estimator().run(5, H)
    with pytest.raises(CircuitError, match="positive integer, got True"):
        qf.Sampler().run(BELL, shots=True)
    with pytest.raises(CircuitError, match="integer >= 2, got True"):
        qf.Estimator().run(qf.Circuit(2).h(0), H, shots=True)


@pytest.mark.parametrize("layout, message", [
    ([0, 0], "logical qubits 0 and 1 both on physical qubit 0"),
    ([0], "1 entries for a circuit of 2 qubits"),
    ([0, 1, 2], "3 entries for a circuit of 2 qubits"),
    ([0, 999], r"initial_layout\[1\] = 999 is not a qubit of device 'trapped_ion' \(0 to 19\)"),
    ([0, -1], r"initial_layout\[1\] = -1 is not a qubit"),
    ("ab", "must be a list of physical qubits"),
    (3, "must be a list of physical qubits"),
    ([0, 1.5], r"initial_layout\[1\] must be a physical qubit number"),
])
def test_bad_initial_layout(layout, message):
    with pytest.raises(CircuitError, match=message):
        qf.transpile(BELL, backend="trapped_ion", initial_layout=layout)


def test_bad_initial_layout_through_run_and_a_good_one_is_kept():
    with pytest.raises(CircuitError, match="both on physical qubit 3"):
        qf.run(BELL, backend="trapped_ion", shots=3, initial_layout=[3, 3])
    assert qf.transpile(BELL, backend="trapped_ion", initial_layout=(np.int64(4), 7)).initial_layout == (4, 7)


def test_measure_lists_pair_by_pair_as_qiskit():
    c = qf.Circuit(3, 3).x(0).measure([0, 1, 2], [2, 1, 0])
    assert qf.run(c, shots=5, seed=1).counts == {"100": 5}
    qiskit = pytest.importorskip("qiskit")
    qc = qiskit.QuantumCircuit(3, 3)
    qc.x(0)
    qc.measure([0, 1, 2], [2, 1, 0])
    assert qf.interop.from_qiskit(qc).instructions == c.instructions


@pytest.mark.parametrize("qubits, clbits, message", [
    ([0, 1, 2], [0, 1], "3 qubits and 2 clbits"),
    ([0, 1], [0, 1, 2], "2 qubits and 3 clbits"),
    ([0, 1], 0, "2 qubits and 1 clbit;"),
    (0, [0, 1], "1 qubit and 2 clbits"),
])
def test_measure_length_mismatch(qubits, clbits, message):
    with pytest.raises(CircuitError, match=message):
        qf.Circuit(3, 3).measure(qubits, clbits)


def test_huge_shots_are_refused_before_allocation():
    with pytest.raises(CircuitTooLargeError, match=r"1000000000000 shots need about 58.2 TiB \(64 B a shot\); "
                                                    r".* is available: run at most [\d,]+ shots a call"):
        qf.run(BELL, shots=10**12)
    with pytest.raises(CircuitTooLargeError, match="with memory=True"):
        qf.run([BELL, BELL], shots=10**12, memory=True)


def test_shot_guard_honours_the_memory_limit_and_suggests_dropping_memory(monkeypatch):
    monkeypatch.setenv("QFUSION_MEMORY_LIMIT", "1MiB")
    assert qf.run(BELL, shots=10_000, seed=1).shots == 10_000          # 640 kB
    with pytest.raises(CircuitTooLargeError, match="without memory=True they fit; or run at most 8,525 shots"):
        qf.run(BELL, shots=10_000, memory=True)
    with pytest.raises(CircuitTooLargeError, match="run at most 16,384 shots a call"):
        qf.run(BELL, shots=20_000)
