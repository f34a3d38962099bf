"""Conversion of ``qiskit_aer.noise.NoiseModel`` objects to :class:`~qfusion.noise.model.NoiseModel`.

>>> from qiskit_aer.noise import NoiseModel as AerNoiseModel, depolarizing_error
>>> aer = AerNoiseModel()
>>> aer.add_all_qubit_quantum_error(depolarizing_error(0.01, 1), ["h"])
>>> from_qiskit(aer).gate_error("h", (0,)).is_pauli
True
"""

from __future__ import annotations

import numpy as np

from qfusion._optional import import_optional
from qfusion.errors import NoiseError
from qfusion.noise.channel import Channel, _pauli_labels, pauli_matrix
from qfusion.noise.model import NoiseModel
from qfusion.noise.readout import ReadoutError


def channel_from_qiskit(error) -> Channel:
    """A :class:`Channel` equal to a ``qiskit_aer.noise.QuantumError`` (Pauli form kept when it has one).

    >>> from qiskit_aer.noise import depolarizing_error
    >>> channel = channel_from_qiskit(depolarizing_error(0.1, 1))
    >>> channel.is_pauli, {k: round(v, 6) for k, v in channel.pauli_probabilities.items()}
    (True, {'I': 0.925, 'X': 0.025, 'Y': 0.025, 'Z': 0.025})
    """
    quantum_info = import_optional("qiskit.quantum_info", "converting Qiskit noise")
    superop = quantum_info.SuperOp(error.to_quantumchannel()).data
    pauli = _pauli_probabilities(superop, error.num_qubits)
    if pauli is not None:
        return Channel.from_pauli(pauli)
    return Channel.from_superoperator(superop)


def _pauli_probabilities(superop: np.ndarray, num_qubits: int, atol: float = 1e-10):
    """``{label: p}`` if the superoperator is a Pauli channel ``sum p P (x) P``, else None."""
    labels = _pauli_labels(num_qubits)
    dim = 1 << num_qubits
    basis = [np.kron(pauli_matrix(label).conj(), pauli_matrix(label)).reshape(-1) for label in labels]
    matrix = np.array(basis).T
    coefficients, *_ = np.linalg.lstsq(matrix, superop.reshape(-1), rcond=None)
    if np.abs(matrix @ coefficients - superop.reshape(-1)).max() > atol * dim:
        return None
    if np.abs(coefficients.imag).max() > atol or coefficients.real.min() < -atol:
        return None
    return {label: float(max(c.real, 0.0)) for label, c in zip(labels, coefficients, strict=False) if c.real > atol}


def from_qiskit(noise_model) -> NoiseModel:
    """The qfusion equivalent of a ``qiskit_aer.noise.NoiseModel`` (gate, local and readout errors).

    >>> from qiskit_aer.noise import NoiseModel as AerNoiseModel, ReadoutError as AerReadout
    >>> aer = AerNoiseModel()
    >>> aer.add_all_qubit_readout_error(AerReadout([[0.9, 0.1], [0.2, 0.8]]))
    >>> type(from_qiskit(aer)).__name__
    'NoiseModel'
    """
    model = NoiseModel()
    for name, error in getattr(noise_model, "_default_quantum_errors", {}).items():
        model.add_gate_error(channel_from_qiskit(error), [name])
    for name, table in getattr(noise_model, "_local_quantum_errors", {}).items():
        for qubits, error in table.items():
            model.add_gate_error(channel_from_qiskit(error), [name], tuple(qubits))
    if getattr(noise_model, "_nonlocal_quantum_errors", None):
        raise NoiseError("non-local Qiskit errors (on other qubits than the gate's) are not supported")
    default = getattr(noise_model, "_default_readout_error", None)
    if default is not None:
        model.add_readout_error(ReadoutError(np.array(default.probabilities)))
    for qubits, error in getattr(noise_model, "_local_readout_errors", {}).items():
        if len(qubits) != 1:
            raise NoiseError("only one-qubit Qiskit readout errors can be converted")
        model.add_readout_error(ReadoutError(np.array(error.probabilities)), qubits[0])
    return model
