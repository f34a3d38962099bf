import numpy as np
import pytest

import qfusion as qf
from qfusion.algorithms.characterization import (clifford_group, quantum_volume, randomized_benchmarking,
                                                 rb_circuit)
from qfusion.circuit import circuit_unitary


def test_clifford_groups_and_sequences_invert():
    assert len(clifford_group(1)) == 24 and len(clifford_group(2)) == 11520
    rng = np.random.default_rng(1)
    for n in (1, 2):
        circuit = rb_circuit(n, 15, rng)
        gates = circuit.copy()
        gates.instructions = [i for i in circuit.instructions if i.operation.name != "measure"]
        gates.num_clbits = 0
        unitary = circuit_unitary(gates)
        assert np.isclose(abs(unitary[0, 0]), 1)


def test_ideal_rb_has_no_decay():
    result = randomized_benchmarking("statevector", num_qubits=2, lengths=(1, 5, 10), num_sequences=2, shots=200, seed=3)
    assert all(p == 1.0 for row in result.survival_probabilities for p in row)
    assert result.error_per_clifford < 1e-6


def _expected_error_per_clifford(device, gates_per_clifford, pair):
    """Configured errors summed over the native gates an average Clifford compiles to; an erasure
    replaces the qubit with the mixed state, which costs half its probability in average fidelity."""
    total = 0.0
    for name, count in gates_per_clifford.items():
        qubits = pair if name == device.entangler else pair[:1]
        calibration = device.calibration(name, qubits)
        total += count * (calibration.error + calibration.erasure * len(qubits) / 2)
    return total


CASES = [("superconducting", 1, (1, 100, 300, 700), 4, (0, 1)),
         ("trapped_ion", 2, (1, 20, 60, 150), 3, (0, 1)),
         ("neutral_atom", 1, (1, 100, 300, 600), 4, (0, 4)),
         ("photonic", 1, (1, 100, 300, 700), 4, (0, 1))]


@pytest.mark.slow
@pytest.mark.parametrize("name, num_qubits, lengths, sequences, pair", CASES)
def test_rb_recovers_configured_error(name, num_qubits, lengths, sequences, pair):
    device = qf.devices.get(name)
    result = randomized_benchmarking(name, num_qubits=num_qubits, lengths=lengths, num_sequences=sequences,
                                     shots=1000, seed=5, run_options={"initial_layout": pair[:num_qubits]})
    expected = _expected_error_per_clifford(device, result.gates_per_clifford, pair)
    assert result.error_per_clifford == pytest.approx(expected, rel=0.2)


def test_quantum_volume_ideal_and_noisy():
    ideal = quantum_volume("statevector", num_qubits=3, trials=12, shots=300, seed=4)
    assert ideal.passed and ideal.quantum_volume == 8
    # heavy-output probability of random circuits is about (1 + ln 2) / 2 = 0.85 when noiseless
    assert 0.75 < ideal.mean < 0.95
    noisy = quantum_volume("trapped_ion", num_qubits=2, trials=6, shots=300, seed=4)
    assert noisy.mean < ideal.mean + 0.05 and 0.5 < noisy.mean
