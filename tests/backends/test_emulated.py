import pytest

import qfusion as qf
from qfusion import devices


@pytest.mark.parametrize("name", devices.names())
def test_emulated_run_counts_and_report(name):
    shots = 1000
    circuit = qf.Circuit(3).h(0).cx(0, 1).cx(1, 2).measure_all()
    result = qf.run(circuit, backend=name, shots=shots, seed=4)
    assert sum(result.counts.values()) == shots
    good = result.counts.get("000", 0) + result.counts.get("111", 0)
    fidelity = result.metadata["estimated_fidelity"]
    # GHZ populations survive at least as well as the whole-circuit success estimate (noise is not adversarial)
    assert good / shots > fidelity - 0.05 and good / shots < 1
    for key in ("native_gate_counts", "depth", "duration", "estimated_fidelity", "two_qubit_gates"):
        assert key in result.metadata
    assert set(result.metadata["native_gate_counts"]) <= set(devices.get(name).native_gates)


def test_noise_can_be_switched_off_and_limits_are_enforced():
    circuit = qf.Circuit(2).h(0).cx(0, 1).measure_all()
    result = qf.run(circuit, backend="superconducting", shots=500, seed=1, noise=False)
    assert set(result.counts) == {"00", "11"}
    with pytest.raises(qf.BackendError, match="shots"):
        qf.run(circuit, backend="neutral_atom", shots=10_000)
    # atom moves and heralded attempts still take their time, but lose nothing without noise
    far = qf.Circuit(24, 2).h(0).cx(0, 23).measure(0, 0).measure(23, 1)
    for backend in ("neutral_atom", "photonic"):
        quiet = qf.run(far if backend == "neutral_atom" else circuit, backend=backend, shots=500, seed=1, noise=False)
        assert set(quiet.counts) == {"00", "11"} and "erasures" not in quiet.metadata, backend
    assert qf.run(far, backend="neutral_atom", shots=500, seed=1).metadata["moves"] == 1
    long = qf.Circuit(1, 1)
    for _ in range(700):
        long.measure(0, 0)
    with pytest.raises(qf.BackendError, match="longer than its limit"):
        qf.run(long, backend="superconducting", shots=10)


def test_readout_error_matches_calibration():
    device = devices.get("trapped_ion")
    result = qf.run(qf.Circuit(1).x(0).measure_all(), backend="trapped_ion", shots=10_000, seed=2,
                    initial_layout=(0,))
    p_one_to_zero = device.qubits[0].readout_error[1]
    flipped = result.counts.get("0", 0) / 10_000
    assert abs(flipped - p_one_to_zero - device.gate_error("rx", (0,))) < 0.003


def test_wide_circuits_run_by_trajectories():
    circuit = qf.Circuit(12).h(0)
    for q in range(11):
        circuit.cx(q, q + 1)
    result = qf.run(circuit.measure_all(), backend="neutral_atom", shots=300, seed=2)
    assert result.metadata["method"] == "trajectories" and result.metadata["moves"] > 0
    good = (result.counts.get("0" * 12, 0) + result.counts.get("1" * 12, 0)) / 300
    assert good > result.metadata["estimated_fidelity"] - 0.08
