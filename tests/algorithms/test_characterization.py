import numpy as np
import pytest

import qfusion as qf
from qfusion.algorithms.characterization import clifford_group, quantum_volume, randomized_benchmarking, rb_circuit
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


def _expected_error_per_clifford(device, gates_per_clifford, qubits):
    """Configured errors summed over the native gates an average Clifford compiles to, as process
    infidelities 1 - F_e: a k-qubit gate of average infidelity e contributes e (2^k + 1) / 2^k, an
    erasure of probability q (the qubit replaced by the mixed state) 3q/4, a global pulse its error on
    every atom. RB on n qubits then measures (1 - F_e) d / (d + 1), d = 2^n."""
    pulses = device.atoms.global_gates if device.atoms is not None else ()
    infidelity = 0.0
    for name, count in gates_per_clifford.items():
        if name == device.entangler:
            acted = [tuple(qubits)]
        elif name in pulses:
            acted = [(q,) for q in qubits]
        else:
            acted = [tuple(qubits[:1])]
        for on in acted:
            calibration = device.calibration(name, on)
            size = 2 ** len(on)
            infidelity += count * (calibration.error * (size + 1) / size + 0.75 * calibration.erasure * len(on))
    d = 2 ** len(qubits)
    return infidelity * d / (d + 1)


CASES = [("superconducting", 1, (1, 100, 300, 700), 4, (0,), 1000),
         ("superconducting", 2, (1, 20, 60, 150), 3, (0, 1), 1000),
         ("trapped_ion", 2, (1, 20, 60, 150), 3, (0, 1), 1000),
         ("neutral_atom", 1, (1, 100, 300, 600), 4, (0,), 1000),
         ("neutral_atom", 2, (1, 20, 50, 100), 3, (0, 4), 1000),
         ("photonic", 1, (1, 100, 300, 700), 4, (0,), 1000),
         # every CZ is sampled attempt by attempt, shot by shot: fewer, shorter shots
         ("photonic", 2, (1, 4, 10, 20), 3, (0, 1), 300)]


@pytest.mark.slow
@pytest.mark.parametrize("name, num_qubits, lengths, sequences, qubits, shots", CASES)
def test_rb_recovers_configured_error(name, num_qubits, lengths, sequences, qubits, shots):
    device = qf.devices.get(name)
    result = randomized_benchmarking(name, num_qubits=num_qubits, lengths=lengths, num_sequences=sequences,
                                     shots=shots, seed=5, run_options={"initial_layout": qubits})
    expected = _expected_error_per_clifford(device, result.gates_per_clifford, qubits)
    assert result.error_per_clifford == pytest.approx(expected, rel=0.2)


def test_quantum_volume_ideal_and_noisy():
    ideal = quantum_volume("statevector", num_qubits=3, trials=12, shots=300, seed=4)
    assert ideal.passed and ideal.quantum_volume == 8
    # heavy-output probability of random circuits is about (1 + ln 2) / 2 = 0.85 when noiseless
    assert 0.75 < ideal.mean < 0.95
    noisy = quantum_volume("trapped_ion", num_qubits=2, trials=6, shots=300, seed=4)
    assert noisy.mean < ideal.mean + 0.05 and 0.5 < noisy.mean
