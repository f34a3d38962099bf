"""Noise models: placement of channels, idle noise from durations, JSON, and conversion from qiskit-aer."""

import json

import numpy as np
import pytest
from qiskit.quantum_info import SuperOp
from qiskit_aer import noise as aer

from qfusion import noise
from qfusion.circuit import Circuit
from qfusion.errors import NoiseError
from qfusion.noise.channel import NoiseOperation
from qfusion.noise.model import ReadoutOperation


def names(circuit):
    return [(i.name, i.qubits) for i in circuit.instructions]


def test_local_errors_replace_all_qubit_errors_and_one_qubit_channels_spread():
    model = noise.NoiseModel()
    model.add_gate_error(noise.depolarizing(0.01), ["x"])
    model.add_gate_error(noise.bit_flip(0.2), ["x"], qubits=1)
    model.add_gate_error(noise.thermal_relaxation(10, 10, 1), ["cx"])
    out = model.apply(Circuit(2).x(0).x(1).cx(1, 0))
    assert names(out) == [("x", (0,)), ("depolarizing", (0,)), ("x", (1,)), ("bit_flip", (1,)),
                          ("cx", (1, 0)), ("thermal_relaxation", (1,)), ("thermal_relaxation", (0,))]


def test_pair_errors_are_ordered_and_compose():
    model = noise.NoiseModel()
    model.add_gate_error(noise.depolarizing(0.01, 2), ["cx"], qubits=(0, 1))
    model.add_gate_error(noise.depolarizing(0.02, 2), ["cx"], qubits=(0, 1))
    out = model.apply(Circuit(2).cx(0, 1).cx(1, 0))
    assert names(out) == [("cx", (0, 1)), ("depolarizing", (0, 1)), ("depolarizing", (0, 1)), ("cx", (1, 0))]
    composed = model.gate_error("cx", (0, 1))
    expected = SuperOp(aer.depolarizing_error(0.01, 2).to_quantumchannel()).compose(
        SuperOp(aer.depolarizing_error(0.02, 2).to_quantumchannel()))
    np.testing.assert_allclose(composed.superoperator(), expected.data, atol=1e-12)


def test_measure_errors_come_before_and_readout_after():
    model = noise.NoiseModel()
    model.add_gate_error(noise.bit_flip(0.1), ["measure"])
    model.add_readout_error(noise.readout_error(0.1, 0.0), qubits=[0])
    out = model.apply(Circuit(2).measure_all())
    assert names(out) == [("bit_flip", (0,)), ("measure", (0,)), ("readout_error", (0,)),
                          ("bit_flip", (1,)), ("measure", (1,))]
    assert isinstance(out.instructions[2].operation, ReadoutOperation)
    assert out.instructions[2].clbits == (0,)


def test_idle_noise_from_durations_is_asap():
    model = noise.NoiseModel()
    model.add_idle_error(noise.Relaxation(t1=100.0, t2=50.0))
    circuit = Circuit(3).x(0).x(0).cx(0, 1).barrier().measure_all()
    out = model.apply(circuit, durations={"x": 2.0, "cx": 5.0, ("measure", (2,)): 1.0})
    idle = [(i.qubits, i.operation.channel) for i in out.instructions if isinstance(i.operation, NoiseOperation)]
    # qubit 1 waits for the two x gates (4); the barrier holds qubit 2 until the end of the cx (9)
    assert [q for q, _ in idle] == [(1,), (2,)]
    rho = idle[0][1].apply(np.array([[0, 0], [0, 1]], dtype=complex))
    assert abs(rho[1, 1].real - np.exp(-4.0 / 100.0)) < 1e-12
    rho = idle[1][1].apply(np.array([[0, 0], [0, 1]], dtype=complex))
    assert abs(rho[1, 1].real - np.exp(-9.0 / 100.0)) < 1e-12
    assert not model.apply(circuit).instructions[0].name.startswith("thermal")  # no durations, no idle noise


def test_idle_function_and_final_idle():
    model = noise.NoiseModel()
    seen = []
    model.add_idle_error(lambda t: seen.append(t) or noise.phase_flip(min(t / 10, 0.5)), qubits=[1])
    model.apply(Circuit(2).x(0).x(0), durations=lambda inst: 3.0)
    assert seen == [6.0]
    with pytest.raises(NoiseError, match="Relaxation"):
        model.to_dict()


def test_json_round_trip():
    model = noise.NoiseModel()
    model.add_gate_error(noise.depolarizing(0.01, 2), ["cx", "cz"])
    model.add_gate_error(noise.amplitude_damping(0.1), ["sx"], qubits=3)
    model.add_readout_error(noise.readout_error(0.02, 0.01))
    model.add_readout_error(noise.readout_error(0.2, 0.1), qubits=[2])
    model.add_idle_error(noise.Relaxation(50e-6, 40e-6), qubits=[0, 1])
    again = noise.NoiseModel.from_json(json.dumps(model.to_dict()))
    assert again.to_dict() == json.loads(json.dumps(model.to_dict()))
    np.testing.assert_allclose(again.gate_error("sx", (3,)).superoperator(),
                               model.gate_error("sx", (3,)).superoperator())
    assert again.gate_error("sx", (2,)) is None
    assert again.readout_error(2).probabilities[1, 0] == 0.2


def test_from_qiskit_keeps_every_error():
    theirs = aer.NoiseModel()
    theirs.add_all_qubit_quantum_error(aer.depolarizing_error(0.02, 2), ["cx"])
    theirs.add_quantum_error(aer.thermal_relaxation_error(50, 40, 1), ["sx"], [1])
    theirs.add_all_qubit_quantum_error(aer.amplitude_damping_error(0.05), ["x"])
    theirs.add_all_qubit_readout_error(aer.ReadoutError([[0.9, 0.1], [0.2, 0.8]]))
    ours = noise.from_qiskit(theirs)
    assert ours.gate_error("cx", (0, 1)).is_pauli
    np.testing.assert_allclose(ours.gate_error("sx", (1,)).superoperator(),
                               SuperOp(aer.thermal_relaxation_error(50, 40, 1).to_quantumchannel()).data, atol=1e-12)
    assert ours.gate_error("sx", (0,)) is None
    assert not ours.gate_error("x", (0,)).is_pauli
    np.testing.assert_allclose(ours.readout_error(5).probabilities, [[0.9, 0.1], [0.2, 0.8]])


def test_errors_of_different_sizes_on_one_gate_stay_separate():
    model = noise.NoiseModel()
    model.add_gate_error(noise.depolarizing(0.05, 2), ["cx"])
    model.add_gate_error(noise.thermal_relaxation(10, 10, 1), ["cx"])
    out = model.apply(Circuit(2).cx(0, 1))
    assert names(out) == [("cx", (0, 1)), ("depolarizing", (0, 1)), ("thermal_relaxation", (0,)),
                          ("thermal_relaxation", (1,))]
    relax = aer.thermal_relaxation_error(10, 10, 1)
    expected = SuperOp(aer.depolarizing_error(0.05, 2).to_quantumchannel()).compose(
        SuperOp(relax.tensor(relax).to_quantumchannel()))
    np.testing.assert_allclose(model.gate_error("cx", (0, 1)).superoperator(), expected.data, atol=1e-12)
    again = noise.NoiseModel.from_dict(model.to_dict())
    assert names(again.apply(Circuit(2).cx(0, 1))) == names(out)


def test_a_gate_name_no_standard_gate_has_warns_with_the_likely_name():
    """A misspelt gate name ("hadamard", "cnot") matched nothing: the noise silently never applied."""
    import warnings

    from qfusion.errors import NoiseError, QfusionWarning
    from qfusion.noise import NoiseModel, depolarizing
    model = NoiseModel()
    with pytest.warns(QfusionWarning, match=r"no standard gate is named 'hadamard' \(did you mean 'h'\?\)"):
        model.add_gate_error(depolarizing(0.1, 1), ["hadamard"])
    with pytest.warns(QfusionWarning, match=r"'cnot' \(did you mean 'cx'\?\)"):
        model.add_gate_error(depolarizing(0.1, 2), "cnot")
    from qfusion.circuit import Circuit
    assert [i.name for i in model.apply(Circuit(2).h(0).cx(0, 1)).instructions] == ["h", "cx"]  # it was true
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.add_gate_error(depolarizing(0.1, 1), ["h", "sx", "global_ry", "measure"])
    with pytest.raises(NoiseError, match="gate names are strings"):
        model.add_gate_error(depolarizing(0.1, 1), [3])
