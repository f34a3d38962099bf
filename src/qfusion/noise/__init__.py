"""Noise: channels (Kraus and Pauli), readout errors, erasure, and noise models.

Parameters mean what they mean in ``qiskit_aer.noise``.

>>> import qfusion as qf
>>> from qfusion import noise
>>> model = noise.NoiseModel()
>>> model.add_gate_error(noise.depolarizing(0.02, 2), ["cx"])
>>> model.add_readout_error(noise.readout_error(0.05, 0.01))
>>> [inst.name for inst in model.apply(qf.Circuit(2).h(0).cx(0, 1).measure_all()).instructions]
['h', 'cx', 'depolarizing', 'measure', 'readout_error', 'measure', 'readout_error']
>>> bell = qf.Circuit(2).h(0).cx(0, 1).measure_all()
>>> exact = qf.run(bell, shots=2000, seed=1, backend="density_matrix", noise_model=model)
>>> sampled = qf.run(bell, shots=2000, seed=1, backend="statevector", noise_model=model)  # trajectories
>>> all(0.85 < (r.counts["00"] + r.counts["11"]) / 2000 < 0.99 for r in (exact, sampled))
True
"""

from qfusion.noise.channel import Channel, NoiseOperation, pauli_matrix
from qfusion.noise.channels import (
    amplitude_damping,
    bit_flip,
    coherent_overrotation,
    coherent_unitary,
    depolarizing,
    erasure,
    pauli_channel,
    phase_damping,
    phase_flip,
    reset_channel,
    thermal_relaxation,
)
from qfusion.noise.model import NoiseModel, ReadoutOperation, Relaxation
from qfusion.noise.readout import ReadoutError, readout_error


def from_qiskit(noise_model) -> NoiseModel:
    """The qfusion equivalent of a ``qiskit_aer.noise.NoiseModel`` (see :mod:`qfusion.noise.qiskit`).

    >>> from qiskit_aer.noise import NoiseModel as AerNoiseModel, depolarizing_error
    >>> aer = AerNoiseModel()
    >>> aer.add_all_qubit_quantum_error(depolarizing_error(0.01, 1), ["x"])
    >>> type(from_qiskit(aer)).__name__
    'NoiseModel'
    """
    from qfusion.noise.qiskit import from_qiskit as convert
    return convert(noise_model)


__all__ = ["Channel", "NoiseOperation", "pauli_matrix", "amplitude_damping", "bit_flip",
           "coherent_overrotation", "coherent_unitary", "depolarizing", "erasure", "pauli_channel",
           "phase_damping", "phase_flip", "reset_channel", "thermal_relaxation", "NoiseModel",
           "ReadoutOperation", "Relaxation", "ReadoutError", "readout_error", "from_qiskit"]
