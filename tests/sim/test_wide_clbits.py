"""Circuits with 64 or more classical bits: every sampler keeps every bit (an int64 outcome held 63).

Before the fix the state-vector samplers wrapped bit 63 into the sign ("-1000…") and dropped bits
from 64 on, and the density-matrix and device samplers raised OverflowError. The references are
qiskit-aer's counts of the same circuits (through ``to_qiskit``) and the exact distributions.
"""

import numpy as np
import pytest

import qfusion as qf
from qfusion import noise
from qfusion.circuit import Circuit
from qfusion.sim.program import INT64_CLBITS, counts_from_outcomes, pack_bits, place_bits, zero_outcomes

aer = pytest.importorskip("qiskit_aer")

SHOTS = 400
WIDTHS = [63, 64, 65, 100, 130]
BACKENDS = ["statevector", "density_matrix", "reference", "stabilizer", "mps", "mpi"]


def key(num_clbits: int, ones) -> str:
    """The bitstring of ``num_clbits`` bits with bits ``ones`` set (clbit 0 rightmost)."""
    bits = ["0"] * num_clbits
    for b in ones:
        bits[num_clbits - 1 - b] = "1"
    return "".join(bits)


def terminal(num_clbits: int) -> tuple[Circuit, dict[str, float]]:
    """q0 = 1 into the top clbit, q1 uniform into the middle one, a Bell pair into clbits 60 and 0;
    the exact distribution over the four outcomes."""
    top, middle = num_clbits - 1, num_clbits // 2
    c = Circuit(4, num_clbits).x(0).h(1).h(2).cx(2, 3)
    c.measure(0, top).measure(1, middle).measure(2, 60).measure(3, 0)
    exact = {key(num_clbits, [top] + m + b): 0.25 for m in ([], [middle]) for b in ([], [60, 0])}
    return c, exact


def mid_circuit(num_clbits: int) -> tuple[Circuit, dict[str, float]]:
    """A mid-circuit measurement into clbit 70 flips q1 when it read 1 (a condition on a bit past
    64), q1 then read into the top clbit; q2 = 1 into clbit 63."""
    top = num_clbits - 1
    c = Circuit(3, num_clbits).h(0).measure(0, 70).x(1).c_if(70, 1).x(2)
    c.measure(1, top).measure(2, 63)
    exact = {key(num_clbits, [63]): 0.5, key(num_clbits, [70, top, 63]): 0.5}
    return c, exact


def aer_counts(circuit: Circuit, shots: int) -> dict[str, int]:
    qc = qf.interop.to_qiskit(circuit)
    return aer.AerSimulator(method="statevector").run(qc, shots=shots, seed_simulator=5).result().get_counts()


def assert_matches(counts: dict[str, int], exact: dict[str, float], shots: int) -> None:
    """Only the exact outcomes, each within 5 sigma of its expected count."""
    assert set(counts) <= set(exact), sorted(set(counts) - set(exact))[:2]
    assert sum(counts.values()) == shots
    for outcome, p in exact.items():
        sigma = np.sqrt(shots * p * (1 - p))
        assert abs(counts.get(outcome, 0) - shots * p) <= 5 * sigma + 1, (outcome, counts.get(outcome, 0))


@pytest.mark.parametrize("num_clbits", WIDTHS)
def test_aer_gives_the_exact_outcomes(num_clbits):
    """The references themselves: Aer's counts of both circuits are the exact outcomes."""
    cases = [terminal(num_clbits)] + ([mid_circuit(num_clbits)] if num_clbits > 70 else [])
    for circuit, exact in cases:
        assert_matches(aer_counts(circuit, SHOTS), exact, SHOTS)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("num_clbits", WIDTHS)
def test_terminal_measurements_keep_every_clbit(backend, num_clbits):
    circuit, exact = terminal(num_clbits)
    result = qf.run(circuit, shots=SHOTS, backend=backend, seed=3)
    assert_matches(result.counts, exact, SHOTS)
    assert set(result.counts) == set(aer_counts(circuit, SHOTS))


@pytest.mark.parametrize("backend", BACKENDS)
def test_mid_circuit_measurement_and_condition_past_bit_64(backend):
    circuit, exact = mid_circuit(100)
    result = qf.run(circuit, shots=SHOTS, backend=backend, seed=4, memory=True)
    assert_matches(result.counts, exact, SHOTS)
    assert set(result.counts) == set(aer_counts(circuit, SHOTS))
    assert len(result.memory) == SHOTS and set(result.memory) == set(result.counts)


def test_noisy_trajectories_and_readout_error_past_bit_64():
    """Trajectories (state vector with a noise model): a readout error that always flips, on a
    clbit past 64, and depolarising noise that leaves the other bits' marginals at 1/2."""
    circuit, _ = terminal(100)
    model = noise.NoiseModel()
    model.add_readout_error(noise.readout_error(1.0, 1.0), qubits=[0])
    model.add_gate_error(noise.depolarizing(0.01), ["h"])
    counts = qf.run(circuit, shots=SHOTS, backend="statevector", noise_model=model, seed=2).counts
    assert all(k[0] == "0" and len(k) == 100 for k in counts)   # q0 = 1 always read as 0 in clbit 99
    middle = sum(v for k, v in counts.items() if k[100 - 1 - 50] == "1")
    assert abs(middle - SHOTS / 2) < 5 * np.sqrt(SHOTS / 4)


@pytest.mark.parametrize("device", ["trapped_ion", "superconducting", "neutral_atom", "photonic"])
def test_emulated_devices_keep_every_clbit(device):
    """The devices' noise moves weight between outcomes but every key is 100 bits wide, and the
    deterministic top bit (q0 = 1, read into clbit 99) is 1 in most shots."""
    circuit, _ = terminal(100)
    counts = qf.run(circuit, shots=200, backend=device, seed=1).counts
    assert all(len(k) == 100 for k in counts)
    assert sum(v for k, v in counts.items() if k[0] == "1") > 150
    assert sum(v for k, v in counts.items() if k[100 - 1 - 50] == "1") > 40


def test_exact_sampler_past_bit_64_matches_aer():
    circuit, exact = terminal(100)
    probabilities = qf.Sampler(shots=None).run(circuit).probabilities.item()
    assert probabilities.keys() == exact.keys()
    assert np.allclose([probabilities[k] for k in exact], list(exact.values()))
    assert set(probabilities) == set(aer_counts(circuit, SHOTS))


def test_exact_sampler_reads_one_qubit_into_two_clbits():
    """A qubit measured into clbits 0 and 1 sets both (the exact Sampler kept one clbit per qubit)."""
    circuit = Circuit(2, 3).h(0).x(1).measure(0, 0).measure(0, 1).measure(1, 2)
    probabilities = qf.Sampler(shots=None).run(circuit).probabilities.item()
    assert probabilities == pytest.approx({"100": 0.5, "111": 0.5})
    assert set(probabilities) == set(aer_counts(circuit, SHOTS))
    counts = qf.Sampler(seed=1).run(circuit, shots=SHOTS).counts.item()
    assert set(counts) == {"100", "111"}


def test_helpers_switch_to_python_integers_past_63_bits():
    assert zero_outcomes(3, INT64_CLBITS).dtype == np.int64
    assert zero_outcomes(3, INT64_CLBITS + 1).dtype == object
    wide = place_bits(zero_outcomes(2, 128), np.array([1, 1]), 127)
    wide = place_bits(wide, np.array([0, 1]), 0)
    assert [int(v) for v in wide] == [1 << 127, (1 << 127) + 1]
    assert [int(v) for v in place_bits(wide, np.array([0, 0]), 127)] == [0, 1]
    bits = np.zeros((2, 66), dtype=np.uint8)
    bits[0, 65] = bits[1, 63] = 1
    assert [int(v) for v in pack_bits(bits)] == [1 << 65, 1 << 63]
    counts, memory = counts_from_outcomes(pack_bits(bits), 66, memory=True)
    assert counts == {key(66, [63]): 1, key(66, [65]): 1} and memory == [key(66, [65]), key(66, [63])]
