"""The gpu backend on a real NVIDIA GPU, against the CPU simulator (skipped without a GPU).

Run on the GPU machine by bench/gpu_check.sh; in CI (no GPU) every test here is skipped.
"""

import numpy as np
import pytest
from gpu_circuits import qaoa_ring, random_circuit

import qfusion as qf
from qfusion.circuit import Circuit
from qfusion.errors import CircuitTooLargeError
from qfusion.observables import PauliSum
from qfusion.sim import gpu, gpu_batch
from qfusion.sim import statevector as cpu


def _real_gpu() -> bool:
    import numba
    return gpu.device_available() and not numba.config.ENABLE_CUDASIM


pytestmark = pytest.mark.skipif(not _real_gpu(), reason="needs an NVIDIA GPU with a CUDA driver (none found)")


@pytest.mark.parametrize("n", [4, 10, 13, 16, 20, 24, 28])
def test_random_circuits_match_the_cpu_simulator_complex128(n):
    rng = np.random.default_rng(1000 + n)
    for trial in range(2 if n < 24 else 1):
        circuit = random_circuit(n, 3 * n + 20, rng)
        state = np.asarray(qf.simulate(circuit, backend="gpu"))
        expected = np.asarray(cpu.simulate(circuit))
        assert np.max(np.abs(state - expected)) < 1e-10, (n, trial)


@pytest.mark.parametrize("options", [gpu.GpuOptions(sweeps=False), gpu.GpuOptions(sweeps=True, sweep_mixed=2),
                                     gpu.GpuOptions(sweeps=True, sweep_qubits=8, max_diagonal_qubits=3),
                                     gpu.GpuOptions(threads_per_block=64, max_blocks=7)])
def test_every_plan_matches_the_cpu_simulator(options):
    rng = np.random.default_rng(7)
    circuit = random_circuit(18, 80, rng)
    expected = np.asarray(cpu.simulate(circuit))
    assert np.max(np.abs(np.asarray(gpu.simulate(circuit, options=options)) - expected)) < 1e-10
    state64 = np.asarray(gpu.simulate(circuit, dtype=np.complex64, options=options))
    assert state64.dtype == np.complex64 and np.max(np.abs(state64 - expected)) < 1e-4


def test_sampling_on_the_device_follows_the_born_rule():
    rng = np.random.default_rng(3)
    circuit = random_circuit(6, 30, rng)
    probabilities = np.abs(np.asarray(cpu.simulate(circuit))) ** 2
    shots = 200_000
    counts = qf.run(circuit.copy().measure_all(), shots=shots, backend="gpu", seed=5).counts
    observed = np.zeros(64)
    for key, value in counts.items():
        observed[int(key, 2)] = value
    sigma = np.sqrt(probabilities * (1 - probabilities) / shots)
    assert observed.sum() == shots and np.all(np.abs(observed / shots - probabilities) < 6 * sigma + 1e-9)


def test_large_state_sampling_and_expectations():
    rng = np.random.default_rng(4)
    circuit = random_circuit(24, 60, rng)
    cpu_state = cpu.simulate(circuit)
    gpu_state = gpu.simulate(circuit)
    labels = ["".join(rng.choice(list("IXYZ"), 24)) for _ in range(5)] + ["Z" * 24, "I" * 23 + "X"]
    observable = PauliSum.from_list([(label, float(c)) for label, c in zip(labels, rng.normal(size=7))])
    assert abs(gpu_state.expectation_value(observable) - cpu_state.expectation_value(observable)) < 1e-10
    indices = gpu_state.sample(50_000, seed=1)
    probabilities = np.abs(np.asarray(cpu_state)) ** 2
    assert np.all(probabilities[indices] > 0)
    top = np.argsort(probabilities)[-3:]
    for index in top:  # the likeliest basis states appear about as often as they should
        expected = probabilities[index] * 50_000
        assert abs(np.count_nonzero(indices == index) - expected) < 6 * np.sqrt(expected) + 3


def test_mid_circuit_measurement_and_reset():
    c = Circuit(3, 3).h(0).measure(0, 0).cx(0, 1).measure(1, 1).reset(0).h(2).measure(2, 2)
    counts = qf.run(c, shots=2000, backend="gpu", seed=2).counts
    assert set(counts) == {"000", "011", "100", "111"}
    assert all(abs(v - 500) < 6 * np.sqrt(375) for v in counts.values())


def test_batched_qaoa_matches_the_cpu_simulator():
    rng = np.random.default_rng(6)
    circuit = qaoa_ring(12, layers=2)
    params = rng.uniform(-np.pi, np.pi, size=(500, len(circuit.parameters)))
    states = gpu_batch.simulate_batch(circuit, params)
    for row in range(0, 500, 50):
        expected = np.asarray(cpu.simulate(circuit, params[row]))
        assert np.max(np.abs(states[row] - expected)) < 1e-10


def test_memory_guard_refuses_what_the_device_cannot_hold():
    with pytest.raises(CircuitTooLargeError, match="device memory is free"):
        gpu.simulate(Circuit(40).h(0))
