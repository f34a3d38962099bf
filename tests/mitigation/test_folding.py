"""Unitary folding, identity insertion and stretching: same unitary (checked with Qiskit's Operator
and the reference simulator), gate counts as specified (closed forms, and Mitiq where importable)."""

import numpy as np
import pytest
from qiskit.quantum_info import Operator

import qfusion as qf
from qfusion.errors import MitigationError
from qfusion.interop.qiskit import to_qiskit
from qfusion.mitigation import (
    fold_gates_at_random,
    fold_gates_from_left,
    fold_gates_from_right,
    fold_global,
    insert_identities,
    stretch_device,
)
from qfusion.mitigation.folding import scale_achieved


def sample_circuit():
    c = qf.Circuit(3)
    c.h(0).rx(0.3, 1).cx(0, 1).ry(0.7, 2).cz(1, 2).rzz(0.4, 0, 2).t(1).u(0.1, 0.2, 0.3, 0)
    return c


def same_unitary(a, b) -> bool:
    return Operator(to_qiskit(a)).equiv(Operator(to_qiskit(b)))


@pytest.mark.parametrize("scale", [1, 1.5, 2, 3, 3.7, 5])
@pytest.mark.parametrize("fold", [fold_global, fold_gates_from_left, fold_gates_from_right,
                                  lambda c, s: fold_gates_at_random(c, s, seed=4)])
def test_folding_keeps_the_unitary_and_scales_the_gate_count(fold, scale):
    c = sample_circuit()
    folded = fold(c, scale)
    assert same_unitary(c, folded)
    d = len(c.instructions)
    full, fraction = divmod(scale - 1, 2)
    expected = d * (1 + 2 * full) + 2 * round(fraction * d / 2)      # Mitiq's rule
    assert len(folded.instructions) == expected
    assert abs(scale_achieved(c, folded) - scale) <= 1 / d + 1e-12


def test_reference_simulator_agrees_on_folded_states():
    c = sample_circuit()
    ideal = np.asarray(qf.simulate(c, backend="reference"))
    for folded in (fold_global(c, 3), fold_gates_from_left(c, 2.4)):
        state = np.asarray(qf.simulate(folded, backend="reference"))
        assert abs(abs(np.vdot(ideal, state)) - 1) < 1e-10


def test_local_folding_places_the_extra_folds():
    c = qf.Circuit(1).x(0).h(0).s(0).t(0)          # 4 gates; scale 2 folds 2 of them once more
    assert [i.name for i in fold_gates_from_left(c, 2).instructions][:4] == ["x", "x", "x", "h"]
    assert [i.name for i in fold_gates_from_right(c, 2).instructions][-3:] == ["t", "tdg", "t"]


def test_identity_insertion_folds_only_two_qubit_gates():
    c = sample_circuit()
    out = insert_identities(c, 3)
    counts, base = out.count_ops(), c.count_ops()
    assert counts["cx"] == 3 * base["cx"] and counts["cz"] == 3 * base["cz"] and counts["rzz"] == 3 * base["rzz"]
    assert counts["h"] == base["h"] and same_unitary(c, out)


def test_measurements_stay_at_the_end():
    c = qf.Circuit(2).h(0).cx(0, 1).measure_all()
    folded = fold_global(c, 3)
    assert [i.name for i in folded.instructions][-2:] == ["measure", "measure"]
    assert folded.count_ops()["cx"] == 3


def test_native_folding_stays_native_and_keeps_the_unitary():
    tc = qf.transpile(sample_circuit(), "superconducting", seed=2)
    folded = fold_global(tc, 3)
    device = tc.device
    assert all(i.name in device.native_gates for i in folded.instructions)
    assert folded.report.native_gate_counts["cz"] == 3 * tc.report.native_gate_counts["cz"]
    assert same_unitary(tc.on_active_qubits(), folded.on_active_qubits())
    assert folded.report.duration > 2.5 * tc.report.duration


def test_stretched_device_scales_durations_and_errors():
    device = qf.devices.get("superconducting")
    slow = stretch_device(device, 2.5)
    assert slow.gate_duration("cz", (0, 1)) == pytest.approx(2.5 * device.gate_duration("cz", (0, 1)))
    assert slow.gate_error("sx", (3,)) == pytest.approx(2.5 * device.gate_error("sx", (3,)))
    assert slow.measure_duration == device.measure_duration
    assert slow.qubits == device.qubits


@pytest.mark.parametrize("scale", [0.5, -1, float("nan")])
def test_scale_factors_below_one_are_refused(scale):
    with pytest.raises(MitigationError, match=">= 1"):
        fold_global(sample_circuit(), scale)


def test_mid_circuit_measurement_is_refused():
    c = qf.Circuit(1, 1).h(0).measure(0, 0).h(0)
    with pytest.raises(MitigationError, match="unitary"):
        fold_global(c, 3)


def test_gate_counts_match_mitiq_where_importable():
    mitiq_zne = pytest.importorskip("mitiq.zne.scaling")
    cirq = pytest.importorskip("cirq")
    qubits = cirq.LineQubit.range(2)
    ops = [cirq.H(qubits[0]), cirq.CNOT(*qubits), cirq.rx(0.3)(qubits[1]), cirq.CZ(*qubits), cirq.T(qubits[0])]
    ours = qf.Circuit(2).h(0).cx(0, 1).rx(0.3, 1).cz(0, 1).t(0)
    for scale in (1.5, 2, 3, 4.2):
        theirs = mitiq_zne.fold_global(cirq.Circuit(ops), scale)
        assert len(list(theirs.all_operations())) == len(fold_global(ours, scale).instructions)
