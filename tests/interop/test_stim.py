"""to_stim / from_stim against stim itself: generated circuits round-trip, DEMs agree."""

import numpy as np
import pytest

import qfusion as qf
from qfusion.errors import CircuitError, NoiseError, NonCliffordError
from qfusion.interop import from_stim, to_stim
from qfusion.noise import depolarizing, erasure, readout_error

stim = pytest.importorskip("stim")

TASKS = ["repetition_code:memory", "surface_code:rotated_memory_x", "surface_code:rotated_memory_z",
         "surface_code:unrotated_memory_x", "surface_code:unrotated_memory_z", "color_code:memory_xyz"]


@pytest.mark.parametrize("task", TASKS)
def test_generated_circuits_round_trip_losslessly(task):
    generated = stim.Circuit.generated(task, distance=3, rounds=3, after_clifford_depolarization=0.011,
                                       before_round_data_depolarization=0.007, before_measure_flip_probability=0.013,
                                       after_reset_flip_probability=0.005)
    circuit = from_stim(generated)
    assert circuit.num_detectors == generated.num_detectors
    assert circuit.num_observables == generated.num_observables
    back = to_stim(circuit)
    assert back.approx_equals(generated.flattened(), atol=1e-12)
    assert back.detector_error_model().approx_equals(generated.detector_error_model().flattened(), atol=1e-12)


def test_qfusion_circuit_with_feed_forward_noise_and_heralds_round_trips():
    c = qf.Circuit(3, 3).h(0).cx(0, 1).s(2)
    c.append(depolarizing(0.03, 2).to_operation(), (0, 1))
    c.append(erasure(0.02).to_operation(), (2,))
    c.measure(0, 0).x(2).c_if(0, 1).measure(1, 1).reset(1)
    c.h(2).measure(2, 2).h(2)           # an X-basis measurement
    c.detector([c.rec(-1), c.rec(-3)], coords=(1, 2, 0)).observable(0, [c.rec(-2)])
    text = str(to_stim(c))
    assert "HERALDED_ERASE(0.02) 2" in text and "CX rec[-1] 2" in text and "MX 2" in text and "MR 1" in text
    # the herald is a stim record, so the detector's lookbacks are shifted past it
    assert "DETECTOR(1, 2, 0) rec[-1] rec[-3]" in text
    assert to_stim(from_stim(to_stim(c))).approx_equals(to_stim(c), atol=1e-12)


def test_noise_parameters_map_to_stims():
    c = qf.Circuit(2)
    c.append(depolarizing(0.04).to_operation(), (0,))
    c.append(depolarizing(0.16, 2).to_operation(), (0, 1))
    c.append(qf.noise.pauli_channel({"II": 0.9, "XZ": 0.1}).to_operation(), (0, 1))
    lines = str(to_stim(c)).splitlines()
    assert lines[0] == "DEPOLARIZE1(0.03) 0"     # each of X, Y, Z with 0.04/4
    assert lines[1].startswith("DEPOLARIZE2(0.15") and lines[1].endswith(" 0 1")
    # qfusion "XZ": Z on the channel's first qubit, X on the second; stim's pair ZX
    probabilities = dict(zip(["IX", "IY", "IZ", "XI", "XX", "XY", "XZ", "YI", "YX", "YY", "YZ", "ZI", "ZX", "ZY",
                              "ZZ"], to_stim(c)[2].gate_args_copy(), strict=False))
    assert probabilities["ZX"] == pytest.approx(0.1) and sum(probabilities.values()) == pytest.approx(0.1)


def test_clifford_rotations_are_decomposed_and_checked_by_stim():
    c = qf.Circuit(2).rz(np.pi / 2, 0).rx(np.pi, 1).ecr(0, 1)
    u_qf = qf.circuit.circuit_unitary(c)
    u_stim = stim.Tableau.from_circuit(to_stim(c)).to_unitary_matrix(endian="little")
    overlap = np.trace(u_qf.conj().T @ u_stim) / 4
    assert abs(abs(overlap) - 1) < 1e-6   # stim's matrices are complex64


def test_errors():
    with pytest.raises(NonCliffordError, match=r"instruction 1 \(t on qubits \[0\]\)"):
        to_stim(qf.Circuit(1).h(0).t(0))
    with pytest.raises(NonCliffordError, match="Pauli on one measured bit"):
        to_stim(qf.Circuit(2, 1).measure(0, 0).h(1).c_if(0, 1))
    with pytest.raises(NoiseError, match="not a Pauli channel"):
        to_stim(qf.Circuit(1).append(qf.noise.amplitude_damping(0.1).to_operation(), (0,)))
    noisy = qf.Circuit(1, 1).measure(0, 0)
    noisy.append(qf.noise.model.ReadoutOperation(readout_error(0.1, 0.2)), (0,), (0,))
    with pytest.raises(NoiseError, match="flips both outcomes alike"):
        to_stim(noisy)
    with pytest.raises(CircuitError, match="has no equivalent"):
        from_stim(stim.Circuit("MPP X0*X1"))
    with pytest.raises(CircuitError, match="not a plain qubit"):
        from_stim(stim.Circuit("M !0"))


def test_annotations_in_the_ir():
    c = qf.Circuit(2, 2).qubit_coords(0, (1, 2)).h(0).measure(0, 0).measure(1, 1)
    c.detector([c.rec(-1), c.rec(-2)], coords=(0, 1)).observable(0, c.rec(-1))
    text = qf.qasm.dumps(c, version=3)
    assert "#pragma qfusion detector rec[-1] rec[-2] coords(0, 1)" in text
    assert "#pragma qfusion observable 0 rec[-1]" in text and "#pragma qfusion qubit_coords q[0] (1, 2)" in text
    assert "DET" in c.draw() and "OBS0" in c.draw()
    assert qf.run(c, shots=10, seed=1).shots == 10          # simulators skip annotations like barriers
    composed = qf.Circuit(2, 2).measure(0, 0).compose(c)     # lookbacks are relative: they survive compose
    assert to_stim(composed).num_detectors == 1
    with pytest.raises(CircuitError, match="cannot invert"):
        c.inverse()
    with pytest.raises(qf.QasmError, match="OpenQASM 2 cannot carry"):
        qf.qasm.dumps(c, version=2)
    with pytest.raises(CircuitError, match="negative lookback"):
        c.rec(0)
