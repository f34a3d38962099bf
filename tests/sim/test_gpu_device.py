"""The GPU backends on a real NVIDIA GPU, against the CPU simulators (skipped without a GPU).

State vectors, the density matrix (``gpu_density_matrix`` against ``density_matrix``) and adjoint
gradients (``AdjointTape(backend="gpu")`` against the CPU tape). Run on the GPU machine by
bench/gpu_check.sh; in CI (no GPU) every test here is skipped.
"""

import sys
from pathlib import Path

import numpy as np
import pytest
from gpu_circuits import brickwork, noise_model, qaoa_ring, random_circuit

import qfusion as qf
from qfusion.circuit import Circuit
from qfusion.errors import CircuitTooLargeError
from qfusion.observables import PauliSum
from qfusion.primitives import AdjointTape
from qfusion.sim import density_matrix as cpu_density
from qfusion.sim import statevector as cpu
from qfusion.sim.gpu import batch as gpu_batch
from qfusion.sim.gpu import density_matrix as gpu_density
from qfusion.sim.gpu import statevector as gpu

sys.path.insert(0, str(Path(__file__).parent.parent / "primitives"))
from primitive_helpers import random_circuit as parameterized_circuit  # noqa: E402
from primitive_helpers import random_pauli_sum  # noqa: E402


def _no_real_gpu() -> str | None:
    """Why these tests cannot run here, or None on a real GPU."""
    if gpu.cuda_simulator():
        return "numba's CUDA simulator is on"
    return None if gpu.device_available() else gpu.unavailable_reason()


pytestmark = pytest.mark.skipif(_no_real_gpu() is not None,
                                reason=f"needs an NVIDIA GPU with a CUDA driver and libNVVM: {_no_real_gpu()}")


@pytest.mark.parametrize("n", [4, 10, 13, 16, 20, 24, 28])
def test_random_circuits_match_the_cpu_simulator_complex128(n):
    rng = np.random.default_rng(1000 + n)
    for trial in range(2 if n < 24 else 1):
        circuit = random_circuit(n, 3 * n + 20, rng)
        state = np.asarray(qf.simulate(circuit, backend="gpu"))
        expected = np.asarray(cpu.simulate(circuit))
        assert np.max(np.abs(state - expected)) < 1e-10, (n, trial)


@pytest.mark.parametrize("options", [gpu.GpuOptions(lanes=False), gpu.GpuOptions(lanes=True, sweep_mixed=2),
                                     gpu.GpuOptions(lanes=True, sweep_qubits=8, max_diagonal_qubits=3),
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
    observable = PauliSum.from_list([(label, float(c)) for label, c in zip(labels, rng.normal(size=7), strict=False)])
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


def _layered_mid_circuit(n: int, terminal_tail: bool) -> Circuit:
    """Three layers of rotations and CNOTs on ``n`` qubits, each followed by a measurement, a reset of an
    entangled qubit and a conditioned gate; three more measurements at the end (the last two conditioned,
    so that nothing is left to sample, unless ``terminal_tail``)."""
    rng = np.random.default_rng(5)
    c = Circuit(n, 6)
    for layer in range(3):
        for q in range(n):
            c.ry(float(rng.uniform(0, np.pi)), q)
        for q in range(layer % 2, n - 1, 2):
            c.cx(q, q + 1)
        c.measure(layer, layer)
        c.reset(n - 1 - layer)
        c.x(layer + 5).c_if(layer, 1)
    c.measure(n - 1, 3)
    if terminal_tail:
        return c.measure(n - 2, 4).measure(n // 2, 5)
    c.measure(n - 2, 4).c_if(0, 1)
    c.measure(n // 2, 5).c_if(1, 0)
    return c


def test_mid_circuit_branches_match_the_cpu_state_vector(monkeypatch):
    monkeypatch.setattr(cpu, "_sample_shots", lambda *args: pytest.fail("the branch path was expected"))
    circuit, shots = _layered_mid_circuit(20, terminal_tail=False), 2000
    counts, _ = gpu.sample(circuit, shots, seed=9)
    assert len(counts) > 16
    assert counts == cpu.sample(circuit, shots, seed=9)[0]  # the same draws in the same order
    # terminal outcomes are drawn on each branch's device copy (the draws part from the CPU's there):
    # every clbit's frequency agrees within 6 sigma
    circuit, shots = _layered_mid_circuit(20, terminal_tail=True), 4000
    gpu_counts, _ = gpu.sample(circuit, shots, seed=10)
    cpu_counts, _ = cpu.sample(circuit, shots, seed=10)
    for clbit in range(6):
        ones = [sum(v for k, v in c.items() if k[-1 - clbit] == "1") / shots for c in (gpu_counts, cpu_counts)]
        sigma = np.sqrt(2 * max(ones[1] * (1 - ones[1]), 1 / shots) / shots)
        assert abs(ones[0] - ones[1]) < 6 * sigma, (clbit, ones)


def test_batched_qaoa_matches_the_cpu_simulator():
    rng = np.random.default_rng(6)
    circuit = qaoa_ring(12, layers=2)
    params = rng.uniform(-np.pi, np.pi, size=(500, len(circuit.parameters)))
    states = gpu_batch.simulate_batch(circuit, params)
    for row in range(0, 500, 50):
        expected = np.asarray(cpu.simulate(circuit, params[row]))
        assert np.max(np.abs(states[row] - expected)) < 1e-10


@pytest.mark.parametrize("dtype, extra_bits", [(np.complex128, (1, 2)), (np.complex64, (1, 2))])
def test_sweep_chunks_beyond_48_kib_and_six_qubit_gates_match_the_cpu_simulator(dtype, extra_bits):
    """64 and 128 KiB chunks of dynamic shared memory (the kernel opts in past 48 KiB), and a six-qubit
    gate that only the wide sweep kernel applies."""
    from gpu_circuits import random_unitary

    from qfusion.sim.kernels import cuda_lanes, cuda_launch
    from qfusion.sim.plan import lower
    rng = np.random.default_rng(11)
    circuit = random_circuit(20, 80, rng)
    circuit.unitary(random_unitary(rng, 64), [0, 3, 7, 11, 15, 19])
    expected = np.asarray(cpu.simulate(circuit))
    for extra in extra_bits:
        size = cuda_lanes.max_active(dtype) + extra
        if cuda_lanes.shared_bytes(size, dtype) > cuda_launch.shared_limit():
            continue  # this GPU cannot give a block that much (H100/H200: 227 KiB)
        options = gpu.GpuOptions(sweep_qubits=size)
        steps = gpu.gate_steps(list(lower(circuit).ops), 20, dtype, options)
        assert {step[0] for step in steps} <= {"sweep", "swap"}
        state = np.asarray(gpu.simulate(circuit, dtype=dtype, options=options))
        assert np.max(np.abs(state - expected)) < (1e-10 if dtype == np.complex128 else 1e-4), size


def test_density_sweeps_in_bigger_chunks_with_seven_bit_gates_match_the_cpu():
    from qfusion.sim.kernels import cuda_lanes, cuda_launch
    rng = np.random.default_rng(12)
    circuit = brickwork(8, 4, rng).mcx([0, 2, 5], 7).h(7)  # the mcx mixes seven of its eight Pauli bits
    model = noise_model()
    size = min(14, cuda_lanes.max_active(np.float64, cuda_launch.shared_limit()))
    options = gpu.GpuOptions(sweep_qubits=size)
    rho = gpu_density.simulate(circuit, noise_model=model, options=options)
    expected = cpu_density.simulate(circuit, noise_model=model)
    assert np.max(np.abs(rho.pauli_components - expected.pauli_components)) < 1e-10


def test_memory_guard_refuses_what_the_device_cannot_hold():
    with pytest.raises(CircuitTooLargeError, match="device memory is free"):
        gpu.simulate(Circuit(40).h(0))


# -- the density matrix -------------------------------------------------------------------------

@pytest.mark.parametrize("n", [3, 6, 9, 12])
def test_noisy_circuits_match_the_cpu_density_matrix(n):
    """Sweeps (brickwork) and the per-gate path (wide gates in random circuits), complex128."""
    rng = np.random.default_rng(2000 + n)
    model = noise_model()
    for circuit in (brickwork(n, 6, rng), random_circuit(n, 3 * n + 10, rng)):
        rho = gpu_density.simulate(circuit, noise_model=model)
        expected = cpu_density.simulate(circuit, noise_model=model)
        assert np.max(np.abs(rho.pauli_components - expected.pauli_components)) < 1e-10, n
        assert np.max(np.abs(rho.probabilities() - expected.probabilities())) < 1e-10
        assert abs(rho.purity() - expected.purity()) < 1e-10


@pytest.mark.parametrize("options", [gpu.GpuOptions(lanes=False), gpu.GpuOptions(lanes=True, sweep_mixed=4),
                                     gpu.GpuOptions(threads_per_block=64, max_blocks=7)])
def test_every_density_plan_matches_and_complex64_is_close(options):
    rng = np.random.default_rng(17)
    circuit = brickwork(10, 8, rng)
    model = noise_model(2.0)
    expected = cpu_density.simulate(circuit, noise_model=model).pauli_components
    rho = gpu_density.simulate(circuit, noise_model=model, options=options)
    assert np.max(np.abs(rho.pauli_components - expected)) < 1e-10
    single = gpu_density.simulate(circuit, noise_model=model, dtype=np.complex64, options=options)
    assert single.pauli_components.dtype == np.float32
    assert np.max(np.abs(single.pauli_components - expected)) < 1e-4


def test_density_results_sampling_and_mid_circuit_measurement():
    rng = np.random.default_rng(18)
    model = noise_model()
    circuit = brickwork(8, 5, rng)
    rho = qf.simulate(circuit, backend="gpu_density_matrix", noise_model=model)
    expected = cpu_density.simulate(circuit, noise_model=model)
    labels = ["".join(rng.choice(list("IXYZ"), 8)) for _ in range(6)] + ["Z" * 8]
    observable = PauliSum.from_list([(label, float(c)) for label, c in zip(labels, rng.normal(size=7), strict=False)])
    assert abs(rho.expectation_value(observable) - expected.expectation_value(observable)) < 1e-10
    np.testing.assert_allclose(rho.reduced([5, 1, 2]), expected.reduced([5, 1, 2]), atol=1e-10)
    measured = circuit.copy().measure_all()
    got = qf.run(measured, shots=20_000, backend="gpu_density_matrix", seed=3, noise_model=model)
    assert got.counts == qf.run(measured, shots=20_000, backend="density_matrix", seed=3, noise_model=model).counts
    c = Circuit(3, 3).h(0).cx(0, 1).measure(0, 0).reset(1).h(2).measure(2, 2)
    c.x(1).c_if(2, 1)
    c.measure(1, 1)
    got = qf.run(c, shots=300, backend="gpu_density_matrix", seed=4, noise_model=model).counts
    assert got == qf.run(c, shots=300, backend="density_matrix", seed=4, noise_model=model).counts


def test_density_memory_guard_refuses_what_the_device_cannot_hold():
    with pytest.raises(CircuitTooLargeError, match="density matrix of 22 qubits.*device memory is free"):
        gpu_density.simulate(Circuit(22).h(0))  # 4^22 doubles: 128 TiB


# -- adjoint gradients --------------------------------------------------------------------------

@pytest.mark.parametrize("n", [4, 10, 14, 18, 20])
def test_adjoint_gradients_match_the_cpu_tape(n):
    rng = np.random.default_rng(3000 + n)
    circuit = parameterized_circuit(n, 3, 6, rng)
    H = random_pauli_sum(n, 8, rng)
    x = rng.normal(size=len(circuit.parameters))
    value, grad = AdjointTape(circuit, backend="gpu").value_and_gradient(H, x)
    expected_value, expected_grad = AdjointTape(circuit).value_and_gradient(H, x)
    assert abs(value - expected_value) < 1e-10
    np.testing.assert_allclose(grad, expected_grad, atol=1e-10)


def test_adjoint_qaoa_gradient_and_vector_jacobian_product():
    circuit = qaoa_ring(16, layers=2)
    H = PauliSum.from_list([("I" * (15 - q) + "ZZ" + "I" * (q - 1) if q else "Z" + "I" * 14 + "Z", 1.0)
                            for q in range(16)])
    x = np.array([0.3, -0.2, 0.7, 0.4])
    device, host = AdjointTape(circuit, backend="gpu"), AdjointTape(circuit)
    np.testing.assert_allclose(device.value_and_gradient(H, x)[1], host.value_and_gradient(H, x)[1], atol=1e-10)
    observables, weights = [H, PauliSum.from_label("X" * 16)], [0.5, -1.5]
    for got, expected in zip(device.vector_jacobian_product(observables, weights, x),
                             host.vector_jacobian_product(observables, weights, x), strict=False):
        np.testing.assert_allclose(got, expected, atol=1e-10)
    result = qf.primitives.value_and_gradient(circuit, H, x, backend="gpu")
    assert result.metadata["backend"] == "gpu"
