import pytest

import qfusion as qf
from qfusion import devices
from qfusion.devices import Device, DeviceError, GateCalibration, QubitCalibration


@pytest.mark.parametrize("name", devices.names())
def test_json_and_yaml_round_trips(name, tmp_path):
    device = devices.get(name)
    assert devices.loads(devices.dumps(device)) == device
    assert devices.loads(devices.dumps(device, "yaml"), "yaml") == device
    for suffix in (".json", ".yaml"):
        path = tmp_path / f"{name}{suffix}"
        devices.save(device, path)
        assert devices.load(path) == device


@pytest.mark.parametrize("name", devices.names())
def test_profiles_are_consistent_and_cited(name):
    device = devices.get(name)
    assert device.references and device.modality == name
    assert device.entangler in device.native_gates
    for q in range(device.num_qubits):
        assert device.qubits[q].t2 <= 2 * device.qubits[q].t1
        for gate in device.native_gates:
            if gate != device.entangler:
                assert 0 <= device.gate_error(gate, (q,)) < 0.01
    a, b = next(iter(device.edges))
    assert 0 < device.gate_error(device.entangler, (a, b)) < 0.05


def test_modality_specifics():
    atoms = devices.get("neutral_atom").atoms
    assert atoms.loss_per_move > 0 and atoms.move_speed > 0 and "global_ry" in atoms.global_gates
    photonic = devices.get("photonic")
    assert 0 < photonic.photonics.entangling_success_probability < 1
    assert photonic.gate_duration("cz", (0, 1)) == pytest.approx(
        photonic.photonics.attempt_duration / photonic.photonics.entangling_success_probability)
    assert devices.get("trapped_ion").is_all_to_all
    superconducting = devices.get("superconducting")
    assert superconducting.allows(0, 1) and not superconducting.allows(0, 2)
    assert superconducting.distance_matrix[0, 2] == 2


def test_user_defined_device_and_errors(tmp_path):
    device = Device(name="mine", modality="superconducting", num_qubits=3, native_gates=("rz", "sx", "x", "ecr"),
                    coupling_map=((0, 1), (1, 2)),
                    gates=(GateCalibration("sx", 3e-8, 1e-4), GateCalibration("x", 3e-8, 1e-4),
                           GateCalibration("ecr", 3e-7, 8e-3), GateCalibration("ecr", 3e-7, 2e-2, qubits=(1, 2))),
                    qubits=(QubitCalibration(1e-4, 1e-4, (0.02, 0.03)),) * 3)
    assert device.gate_error("ecr", (2, 1)) == 0.02 and device.gate_error("ecr", (0, 1)) == 0.008
    devices.save(device, tmp_path / "mine.yml")
    loaded = devices.load(tmp_path / "mine.yml")
    assert loaded == device
    tc = qf.transpile(qf.Circuit(3).h(0).cx(0, 2), loaded, seed=1)
    assert set(tc.count_ops()) <= {"rz", "sx", "x", "ecr"}
    with pytest.raises(DeviceError, match="entangler"):
        Device(name="bad", modality="superconducting", num_qubits=1, native_gates=("rz",), coupling_map=None,
               gates=(), qubits=(QubitCalibration(1, 1),))
    with pytest.raises(DeviceError, match="unknown field"):
        devices.loads('{"name": "x", "gates": [], "qubits": [], "colour": 1}')
    with pytest.raises(DeviceError, match="unknown device"):
        devices.get("quantum_toaster")


def test_noise_model_gate_error_matches_calibration():
    """The depolarizing part plus relaxation during the gate gives the calibrated average infidelity."""
    import numpy as np

    from qfusion.devices.noise import gate_channel
    device = devices.get("superconducting")
    for name, qubits in (("sx", (3,)), ("cz", (0, 1))):
        channel = gate_channel(device, name, qubits)
        d = 2 ** len(qubits)
        kraus = channel.kraus
        entanglement_fidelity = sum(abs(np.trace(k)) ** 2 for k in kraus) / d ** 2
        average_infidelity = 1 - (d * entanglement_fidelity + 1) / (d + 1)
        assert average_infidelity == pytest.approx(device.gate_error(name, qubits), rel=1e-3)


def test_device_noise_model_covers_every_native_gate():
    device = devices.get("superconducting")
    model = device.noise_model()
    assert set(model.noisy_gates) == {"sx", "x", "cz"}
    assert model.gate_error("cz", (0, 1)) is not None and model.gate_error("cz", (1, 0)) is not None
    assert model.readout_error(26) is not None and model.idle_error(5, 1e-6) is not None
