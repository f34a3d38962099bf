"""A device's calibrations as a :class:`qfusion.noise.NoiseModel`.

Each native gate is followed by depolarizing noise, by thermal relaxation for its duration on
each of its qubits, and by erasure where the device loses qubits. The depolarizing part is
chosen so that the gate's total average infidelity equals its calibrated ``error`` (as
qiskit-aer's ``NoiseModel.from_backend``): relaxation during the gate is part of the error
that randomized benchmarking measures. Idle qubits relax with their T1 and T2; measurements
have the calibrated assignment errors. A qubit with a ``detuning`` also turns about Z while idle
(a coherent error; during gates it is taken as part of the calibrated gate error).

>>> from qfusion.devices import get
>>> model = device_noise_model(get("trapped_ion"), (0, 1))
>>> model.gate_error("rzz", (0, 1)).num_qubits, model.readout_error(1) is not None
(2, True)
"""

from __future__ import annotations

from functools import lru_cache

from qfusion.noise import NoiseModel, Relaxation, depolarizing, erasure, readout_error, thermal_relaxation
from qfusion.noise.channels import relaxation_fidelity


def depolarizing_parameter(error: float, relaxation_fidelity: float, num_qubits: int) -> float:
    """The depolarizing ``p`` that, after relaxation of entanglement fidelity ``relaxation_fidelity``,
    gives a total average infidelity ``error`` (0 if relaxation alone already exceeds it).

    >>> round(depolarizing_parameter(0.01, 1.0, 1), 6)  # no relaxation to account for
    0.02
    """
    d = 2 ** num_qubits
    target = 1 - error * (d + 1) / d
    depolarizing_fidelity = target / relaxation_fidelity
    return max(0.0, (1 - depolarizing_fidelity) * d * d / (d * d - 1))


def gate_channel(device, name: str, qubits: tuple[int, ...]):
    """The noise channel following native gate ``name`` on physical ``qubits`` (None if noiseless).

    >>> from qfusion.devices import get
    >>> gate_channel(get("superconducting"), "rz", (0,)) is None, gate_channel(get("superconducting"), "cz", (0, 1)).num_qubits
    (True, 2)
    """
    calibration = device.calibration(name, qubits)
    if calibration.error == 0 and calibration.erasure == 0 and calibration.duration == 0:
        return None
    coherence = tuple((device.qubits[q].t1, device.qubits[q].t2) for q in qubits)
    return _channel(calibration.error, calibration.duration, calibration.erasure, coherence)


@lru_cache(maxsize=1024)
def _channel(error: float, duration: float, erasure_probability: float, coherence: tuple):
    relax = []
    fidelity = 1.0
    for t1, t2 in coherence:
        relax.append(thermal_relaxation(t1, t2, duration))
        fidelity *= relaxation_fidelity(duration, t1, t2)
    n = len(coherence)
    channel = depolarizing(depolarizing_parameter(error, fidelity, n), n)
    local = relax[0]
    for other in relax[1:]:
        local = other.tensor(local)       # qubit k of the gate is bit k of the channel
    channel = channel.compose(local)
    if erasure_probability > 0:
        loss = erasure(erasure_probability)
        for _ in coherence[1:]:
            loss = erasure(erasure_probability).tensor(loss)
        channel = channel.compose(loss)
    return channel


def device_noise_model(device, physical_qubits=None) -> NoiseModel:
    """The noise model of ``device`` for a circuit whose qubit ``k`` is ``physical_qubits[k]``
    (all of the device's qubits, in order, when None).

    >>> from qfusion.devices import get
    >>> model = device_noise_model(get("trapped_ion"), physical_qubits=(0, 1))
    >>> type(model).__name__
    'NoiseModel'
    """
    physical = tuple(range(device.num_qubits)) if physical_qubits is None else tuple(physical_qubits)
    model = NoiseModel()
    single = [g for g in device.native_gates if g not in (device.entangler,)]
    for k, q in enumerate(physical):
        for name in single:
            channel = gate_channel(device, name, (q,))
            if channel is not None:
                model.add_gate_error(channel, [name], (k,))
        calibration = device.qubits[q]
        p10, p01 = calibration.readout_error    # (P(1|0), P(0|1))
        if p10 or p01:
            model.add_readout_error(readout_error(p01, p10), k)
        model.add_idle_error(Relaxation(calibration.t1, calibration.t2, detuning=calibration.detuning), k)
    position = {q: k for k, q in enumerate(physical)}
    for a, b in device.edges:
        if a in position and b in position:
            channel = gate_channel(device, device.entangler, (a, b))
            if channel is not None:
                model.add_gate_error(channel, [device.entangler], (position[a], position[b]))
    return model
