"""Global pulses on the neutral-atom array: equivalence, choice by cost, duration, fidelity and noise."""

import dataclasses

import numpy as np
import pytest

import qfusion as qf
from qfusion.backends.emulated import EmulatedBackend
from qfusion.circuit import BroadcastGate, Circuit, circuit_unitary
from qfusion.devices import GateCalibration, QubitCalibration, get
from qfusion.transpiler import check_native, transpile

NEIGHBOURS = (0, 4, 1, 5)  # atoms within the blockade radius of their neighbours in this list: no moves


def with_rotations(global_error: float, local_error: float, global_time: float = 1e-6):
    """The neutral-atom profile with other single-qubit calibrations, long coherence, exact readout."""
    device = get("neutral_atom")
    gates = tuple(g for g in device.gates if g.name not in ("rx", "ry", "global_rx", "global_ry"))
    gates += tuple(GateCalibration(name, 2e-6, local_error) for name in ("rx", "ry"))
    gates += tuple(GateCalibration(name, global_time, global_error) for name in ("global_rx", "global_ry"))
    qubits = (QubitCalibration(1e6, 1e6, (0.0, 0.0)),) * device.num_qubits
    return dataclasses.replace(device, name="atoms_test", gates=gates, qubits=qubits)


def layered_circuit(n: int, layers: int, rng) -> Circuit:
    """Layers of one rotation (same angle) on a random subset, then a random CZ or two."""
    circuit = Circuit(n)
    for _ in range(layers):
        subset = [q for q in range(n) if rng.random() < 0.7] or [0]
        name, angle = str(rng.choice(["rx", "ry"])), float(rng.uniform(-3, 3))
        for q in subset:
            circuit.append(name, (q,), [angle])
        if n > 1 and rng.random() < 0.7:
            a, b = (int(x) for x in rng.choice(n, 2, replace=False))
            circuit.cz(a, b)
    return circuit


def global_pulses(transpiled) -> list:
    return [inst for inst in transpiled.instructions if isinstance(inst.operation, BroadcastGate)]


@pytest.mark.parametrize("global_error, local_error", [(2e-4, 5e-4), (1e-4, 5e-3), (5e-3, 1e-4)])
def test_layers_lowered_to_global_pulses_stay_equivalent(global_error, local_error, circuits):
    device = with_rotations(global_error, local_error)
    rng = np.random.default_rng(int(global_error * 1e5))
    pulses = 0
    for k in range(40):
        n = int(rng.integers(1, 5))
        circuit = layered_circuit(n, int(rng.integers(1, 6)), rng)
        transpiled = transpile(circuit, device, seed=k, optimization_level=k % 4,
                               initial_layout=NEIGHBOURS[:n])
        check_native(transpiled, device)
        assert circuits.equal_up_to_phase(circuits.logical_unitary(transpiled, n), circuit_unitary(circuit)), k
        for inst in global_pulses(transpiled):
            assert inst.qubits == tuple(sorted(NEIGHBOURS[:n])) and inst.name in device.atoms.global_gates
        pulses += len(global_pulses(transpiled))
    if global_error > local_error:   # a pulse errs on every atom: never cheaper here
        assert pulses == 0
    else:
        assert pulses > 20


def test_full_layer_is_one_pulse_and_partial_layer_an_echo():
    device = with_rotations(1e-4, 5e-3)
    full = transpile(Circuit(3).ry(0.4, 0).ry(0.4, 1).ry(0.4, 2), device, initial_layout=(0, 4, 1))
    assert [(i.name, i.operation.params) for i in full.instructions] == [("global_ry", (0.4,))]
    partial = transpile(Circuit(3).ry(0.4, 0).ry(0.4, 1), device, initial_layout=(0, 4, 1))
    names = [i.name for i in partial.instructions]
    assert names == ["global_ry", "rz", "global_ry", "rz"]            # rz(pi) on atom 1 only
    assert [i.operation.params[0] for i in global_pulses(partial)] == [0.2, 0.2]
    assert all(i.qubits == (1,) for i in partial.instructions if i.name == "rz")
    # with the profile's own numbers, one atom out of three is not worth two pulses on all of them
    profile = transpile(Circuit(3).ry(0.4, 0).ry(0.4, 1), "neutral_atom", initial_layout=(0, 4, 1))
    assert not global_pulses(profile) and profile.count_ops()["ry"] == 2


def test_duration_and_fidelity_of_global_pulses():
    device = get("neutral_atom")
    circuit = Circuit(2).h(0).h(1).cz(0, 1).h(0).h(1)
    transpiled = transpile(circuit, device, initial_layout=(0, 4))
    pulse, cz = device.calibration("global_ry", (0,)), device.calibration("cz", (0, 4))
    assert transpiled.count_ops().get("global_ry") == 2 and "ry" not in transpiled.count_ops()
    assert transpiled.report.moves == 0 and transpiled.report.two_qubit_gates == 1
    assert transpiled.report.duration == pytest.approx(2 * pulse.duration + cz.duration, rel=1e-12)
    schedule = transpiled.report.schedule
    assert schedule.gate_fidelity == pytest.approx((1 - pulse.error) ** 4 * (1 - cz.error), rel=1e-12)
    assert transpiled.report.duration < 2 * device.calibration("ry", (0,)).duration + cz.duration


@pytest.mark.parametrize("method", ["density_matrix", "trajectories"])
def test_emulated_pulse_noise_reaches_every_loaded_atom(method):
    """Pulse error 0.1 (depolarizing p = 0.2 per atom): targets see R(θ) and two pulses of noise, the
    spectator atom of the echo sees the noise of both pulses and nothing else."""
    device = with_rotations(0.1, 0.45)
    backend = EmulatedBackend(device)
    circuit = Circuit(3).ry(np.pi / 3, 0).ry(np.pi / 3, 1).measure_all()
    result = backend.run(circuit, shots=1000, seed=4, initial_layout=(0, 4, 1), method=method)
    assert result.metadata["native_gate_counts"]["global_ry"] == 2
    shrink = (1 - 0.2) ** 2
    expected = [shrink * np.sin(np.pi / 6) ** 2 + (1 - shrink) / 2] * 2 + [(1 - shrink) / 2]
    for qubit, p_one in enumerate(expected):
        measured = sum(c for bits, c in result.counts.items() if bits[-1 - qubit] == "1") / 1000
        assert abs(measured - p_one) < 4 * np.sqrt(p_one * (1 - p_one) / 1000), (qubit, measured, p_one)


def test_broadcast_gates_simulate_as_their_factors():
    pulse = BroadcastGate(qf.circuit.standard_gate("ry", 0.3), 3, name="global_ry")
    circuit = Circuit(4).h(3)
    circuit.append(pulse, [0, 1, 3])
    expected = Circuit(4).h(3).ry(0.3, 0).ry(0.3, 1).ry(0.3, 3)
    np.testing.assert_allclose(np.asarray(qf.simulate(circuit)), np.asarray(qf.simulate(expected)), atol=1e-12)
    np.testing.assert_allclose(circuit_unitary(circuit), circuit_unitary(expected), atol=1e-12)
    np.testing.assert_allclose(np.asarray(qf.simulate(circuit, backend="density_matrix")),
                               np.asarray(qf.simulate(expected, backend="density_matrix")), atol=1e-12)
    assert pulse.inverse().matrix() == pytest.approx(pulse.matrix().conj().T)
    theta = qf.circuit.Parameter("theta")
    symbolic = BroadcastGate(qf.circuit.standard_gate("ry", theta), 2, name="global_ry")
    np.testing.assert_allclose(symbolic.bind({theta: 0.3}).matrix(), np.kron(*[pulse.base.matrix()] * 2))


@pytest.mark.parametrize("device_name", ["superconducting", "trapped_ion", "photonic"])
def test_a_transpiled_atom_circuit_transpiles_to_other_devices(device_name, circuits):
    source = Circuit(3).h(0).h(1).h(2).cz(0, 1).cz(1, 2).h(0).h(1).h(2)
    atoms = transpile(source, "neutral_atom", initial_layout=(0, 4, 1)).on_active_qubits()
    assert any(isinstance(inst.operation, BroadcastGate) for inst in atoms.instructions)
    again = transpile(atoms, device_name, seed=1)
    check_native(again, get(device_name))
    assert circuits.equal_up_to_phase(circuits.logical_unitary(again, 3), circuit_unitary(atoms))


@pytest.mark.parametrize("version", [2, 3])
def test_global_pulses_are_written_as_openqasm_parts(version):
    atoms = transpile(Circuit(2).h(0).h(1).cz(0, 1), "neutral_atom", initial_layout=(0, 4)).on_active_qubits()
    assert "global_ry" in atoms.count_ops()
    text = qf.qasm.dumps(atoms, version=version)
    assert text.count("ry(") == 2 and "global_ry" not in text
    np.testing.assert_allclose(np.abs(circuit_unitary(qf.qasm.loads(text)).conj().T @ circuit_unitary(atoms)),
                               np.eye(4), atol=1e-9)  # the same unitary up to a global phase (QASM 2)
