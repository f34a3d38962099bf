"""Dynamical decoupling against a coherent idle error (a detuning) on each emulated device, the delay
instruction that spreads its pulses, and the detuned idle channel against its closed form."""

import math

import numpy as np
import pytest
from qiskit.quantum_info import Operator

import qfusion as qf
from qfusion.backends.emulated import EmulatedBackend
from qfusion.circuit.timing import Delay, Duration
from qfusion.devices import get
from qfusion.devices.profiles import superconducting
from qfusion.errors import CircuitError, DeviceError, MitigationError, NoiseError
from qfusion.interop.qiskit import to_qiskit
from qfusion.mitigation import DynamicalDecoupling, decouple
from qfusion.mitigation.decoupling import idle_windows
from qfusion.noise import NoiseModel, Relaxation
from qfusion.transpiler.scheduling import schedule_circuit

# per device: a detuning (Hz) and an idle time (s) turning the Bell pair by about a radian, long
# against its gates, short against its T2
IDLE = {"superconducting": (40e3, 6e-6), "trapped_ion": (300.0, 1e-3), "neutral_atom": (2e3, 1.5e-4),
        "photonic": (2e6, 1.5e-7)}


def idle_bell(idle: float) -> qf.Circuit:
    c = qf.Circuit(2).h(0).cx(0, 1)
    c.append(Delay(2, idle), [0, 1])
    return c


def test_detuned_relaxation_is_thermal_relaxation_then_a_z_turn():
    t1, t2, f, t = 80e-6, 60e-6, 25e3, 7e-6
    rho = np.array([[0.3, 0.2 - 0.1j], [0.2 + 0.1j, 0.7]])
    out = Relaxation(t1, t2, detuning=f)(t).apply(rho)
    p1 = 0.7 * math.exp(-t / t1)
    assert out[1, 1].real == pytest.approx(p1)
    assert out[1, 0] == pytest.approx((0.2 + 0.1j) * math.exp(-t / t2) * np.exp(2j * math.pi * f * t))
    model = NoiseModel()
    model.add_idle_error(Relaxation(t1, t2, detuning=f))
    assert NoiseModel.from_dict(model.to_dict()).idle_error(0, t).apply(rho) == pytest.approx(out)
    with pytest.raises(NoiseError, match="detuning"):
        Relaxation(t1, t2, detuning=math.inf)


def test_a_delay_is_idle_time_for_the_noise_model_and_the_scheduler():
    model = NoiseModel()
    model.add_idle_error(Relaxation(1e-3, 1e-3, detuning=1e3))
    c = qf.Circuit(2).h(0)
    c.append(Delay(1, Duration(250, "us")), [0])
    c.h(1)
    noisy = model.apply(c, durations={"h": 1e-6})
    # qubit 0 idles for the delay; qubit 1 (unmeasured) waits for it at the end
    idle = [i for i in noisy.instructions if i.name.startswith("thermal")]
    assert [i.qubits for i in idle] == [(0,), (1,)]
    rho = idle[0].operation.channel.apply(np.full((2, 2), 0.5, dtype=complex))
    assert rho[1, 0] == pytest.approx(0.5 * math.exp(-0.25) * np.exp(2j * math.pi * 0.25))
    tc = qf.transpile(c, "trapped_ion", seed=1)
    assert tc.count_ops()["delay"] == 1
    assert tc.report.duration == pytest.approx(15e-6 + 250e-6, rel=0.1)
    assert qf.simulate(c, backend="statevector").probabilities() == pytest.approx(
        qf.simulate(qf.Circuit(2).h(0).h(1)).probabilities())
    with pytest.raises(CircuitError, match="negative"):
        Delay(1, -1e-6)
    with pytest.raises(CircuitError, match="unit"):
        Duration(1, "fortnight")


def test_device_detuning_options():
    device = get("superconducting").with_detuning(np.arange(27) * 1e3)
    assert device.qubits[5].detuning == 5e3 and get("superconducting").qubits[5].detuning == 0
    assert qf.devices.from_dict(qf.devices.to_dict(device)) == device
    coherent = superconducting(coherent_idle=True)
    assert all(q.detuning != 0 for q in coherent.qubits) and superconducting() == get("superconducting")
    with pytest.raises(DeviceError, match="detuning"):
        get("trapped_ion").with_detuning([1.0, 2.0])


@pytest.mark.parametrize("device", ["superconducting", "trapped_ion", "neutral_atom", "photonic"])
@pytest.mark.parametrize("sequence", ["XX", "XY4", "CPMG"])
def test_pulses_fill_the_windows_and_keep_the_unitary_and_the_duration(device, sequence):
    tc = qf.transpile(qf.Circuit(3).h(0).cx(0, 1).cx(1, 2).rx(0.3, 0), device, seed=1)
    out = decouple(tc, sequence)
    assert Operator(to_qiskit(out.on_active_qubits())).equiv(Operator(to_qiskit(tc.on_active_qubits())))
    assert out.report.duration == pytest.approx(tc.report.duration, rel=1e-9)
    # the pulses lie inside the windows: the other instructions keep their (ASAP) start times
    before = schedule_circuit(tc, tc.device, "asap", tc.moves).start_times
    after = schedule_circuit(out, out.device, "asap", out.moves).start_times
    kept = [s for inst, s in zip(out.instructions, after, strict=True) if inst.name in ("cx", "cz", "rzz")]
    assert kept == pytest.approx([s for inst, s in zip(tc.instructions, before, strict=True)
                                  if inst.name in ("cx", "cz", "rzz")], rel=1e-9)


def test_pulses_are_spread_evenly_over_a_window():
    tc = qf.transpile(idle_bell(100e-6).measure_all(), "trapped_ion", seed=1)
    out = decouple(tc, "XY4")
    qubit = out.instructions[-1].qubits[0]
    delays = [i.operation.seconds() for i in out.instructions if i.name == "delay" and i.qubits == (qubit,)]
    assert len(delays) == 5
    assert delays[1] == pytest.approx(delays[2]) == pytest.approx(2 * delays[0]) == pytest.approx(2 * delays[4])
    assert out.count_ops()["delay"] == 10 and "delay" in tc.count_ops()


def test_alap_pads_every_wait_so_the_device_runs_the_alap_schedule():
    tc = qf.transpile(qf.Circuit(3).h(0).cx(0, 1).cx(1, 2).rx(0.3, 0).measure_all(), "trapped_ion", seed=1)
    out = decouple(tc, "XX", schedule="alap")
    alap = schedule_circuit(tc, tc.device, "alap", tc.moves).start_times
    asap_after = schedule_circuit(out, out.device, "asap", out.moves).start_times
    starts = {}
    for inst, start in zip(out.instructions, asap_after, strict=True):
        if inst.name in ("rzz", "measure"):
            starts.setdefault(inst.name, []).append(start)
    expected = {}
    for inst, start in zip(tc.instructions, alap, strict=True):
        if inst.name in ("rzz", "measure"):
            expected.setdefault(inst.name, []).append(start)
    assert starts["rzz"] == pytest.approx(expected["rzz"]) and starts["measure"] == pytest.approx(expected["measure"])
    assert idle_windows(tc, "alap") != idle_windows(tc, "asap")
    with pytest.raises(MitigationError, match="schedule"):
        DynamicalDecoupling("XX", schedule="late")


@pytest.mark.parametrize("device", ["superconducting", "trapped_ion", "neutral_atom", "photonic"])
def test_decoupling_beats_the_raw_value_under_a_detuning(device):
    detuning, idle = IDLE[device]
    backend = EmulatedBackend(get(device).with_detuning(detuning))
    circuit = idle_bell(idle)
    shots = 1000
    for sequence in ("XX", "XY4"):
        raw = qf.Estimator(backend=backend, shots=shots, seed=4).run(circuit, "XX")
        mitigated = qf.Estimator(backend=backend, shots=shots, seed=4,
                                 mitigation=[DynamicalDecoupling(sequence)]).run(circuit, "XX")
        # ideal 1: the detuning turns the pair by 2 * 2 pi f t; the echo undoes it
        if device != "neutral_atom":        # where atoms move, they turn while moving too
            assert float(raw.values) == pytest.approx(math.cos(4 * math.pi * detuning * idle), abs=0.15)
        assert float(raw.values) < 0
        assert 1 - float(mitigated.values) < 0.5 * (1 - float(raw.values))
        assert float(mitigated.values) > 0.85
