"""GPU density-matrix cases run through numba's CUDA simulator (NUMBA_ENABLE_CUDASIM=1).

Not collected on its own: tests/sim/test_gpu_density.py runs this file in a subprocess with the
simulator on. Every GPU thread is a Python thread there, so states stay small (<= 5 qubits,
a Pauli vector of <= 10 index bits) and launches use few threads. The reference is the CPU
density-matrix simulator (itself checked against qiskit-aer in tests/sim/test_density_matrix.py).
"""

import os

import numpy as np
import pytest

if os.environ.get("NUMBA_ENABLE_CUDASIM") != "1":
    pytest.skip("CUDA-simulator cases: run by tests/sim/test_gpu_density.py in a subprocess", allow_module_level=True)

from gpu_circuits import brickwork, noise_model, pretend_free_device_memory, random_circuit, random_unitary  # noqa: E402
from numba import cuda  # noqa: E402

import qfusion as qf  # noqa: E402
from qfusion import noise  # noqa: E402
from qfusion.circuit import Circuit  # noqa: E402
from qfusion.errors import BackendError, CircuitTooLargeError  # noqa: E402
from qfusion.observables import PauliSum  # noqa: E402
from qfusion.sim import density_matrix as cpu  # noqa: E402
from qfusion.sim.gpu import density_matrix as gpu_density  # noqa: E402
from qfusion.sim.gpu import statevector as gpu  # noqa: E402
from qfusion.sim.kernels import cuda_density, cuda_gates, reference, reference_density  # noqa: E402

# a two-qubit op on the Pauli vector mixes four index bits: sweeps must let at least four mix, and
# a sweep holds four lane bits more than it mixes
PLANS = [gpu.GpuOptions(threads_per_block=16, max_blocks=2, lanes=False),
         gpu.GpuOptions(threads_per_block=16, max_blocks=2, lanes=True, sweep_qubits=8, sweep_mixed=4),
         gpu.GpuOptions(threads_per_block=16, max_blocks=2, lanes=True, sweep_qubits=9, sweep_mixed=5,
                        max_diagonal_qubits=4)]
SMALL = PLANS[0]


@pytest.mark.parametrize("n, dtype", [(1, np.complex128), (2, np.complex128), (3, np.complex64),
                                      (4, np.complex128), (5, np.complex128)])
def test_random_noisy_circuits_match_the_cpu_density_matrix(n, dtype):
    """Random circuits (three-qubit dense gates and mcx included) under a mixed noise model."""
    rng = np.random.default_rng(300 + n)
    model = noise_model()
    for trial in range(2):
        circuit = random_circuit(n, 3 * n + 4, rng)
        options = PLANS[(n + trial) % len(PLANS)]
        rho = gpu_density.simulate(circuit, noise_model=model, dtype=dtype, options=options)
        expected = cpu.simulate(circuit, noise_model=model)
        got = rho.pauli_components
        assert got.dtype == (np.float64 if dtype == np.complex128 else np.float32)
        tolerance = 1e-10 if dtype == np.complex128 else 1e-5
        assert np.max(np.abs(got - expected.pauli_components)) < tolerance, (n, trial, options)
        assert abs(rho.purity() - expected.purity()) < tolerance
        assert np.max(np.abs(rho.probabilities() - expected.probabilities())) < tolerance


@pytest.mark.parametrize("n, options", [(4, PLANS[1]), (5, PLANS[1]), (5, PLANS[2])])
def test_sweeps_are_taken_and_match(n, options):
    rng = np.random.default_rng(10 + n)
    circuit = brickwork(n, 3, rng)
    model = noise_model()
    program = qf.sim.noise_plan.lower_noisy(circuit, noise_model=model)
    steps = gpu_density.density_steps(list(program.ops), n, np.float64, options)
    assert {step[0] for step in steps} <= {"sweep", "swap"} and len(steps) < len(program.ops) / 4
    rho = gpu_density.simulate(circuit, noise_model=model, options=options)
    expected = cpu.simulate(circuit, noise_model=model)
    assert np.max(np.abs(rho.pauli_components - expected.pauli_components)) < 1e-10


def test_results_api_matches_the_cpu_density_matrix():
    rng = np.random.default_rng(12)
    circuit = random_circuit(4, 14, rng)
    model = noise_model(2.0)
    rho = gpu_density.simulate(circuit, noise_model=model, options=SMALL)
    expected = cpu.simulate(circuit, noise_model=model)
    labels = ["".join(rng.choice(list("IXYZ"), 4)) for _ in range(8)]
    observable = PauliSum.from_list([(label, float(c)) for label, c in zip(labels, rng.normal(size=8), strict=False)])
    assert abs(rho.expectation_value(observable) - expected.expectation_value(observable)) < 1e-10
    assert abs(rho.expectation_value("ZIZI") - expected.expectation_value("ZIZI")) < 1e-10
    assert abs(rho.trace() - 1) < 1e-12
    np.testing.assert_allclose(rho.reduced([2, 0]), expected.reduced([2, 0]), atol=1e-10)
    np.testing.assert_allclose(np.asarray(rho), np.asarray(expected), atol=1e-10)
    host = rho.to_density_matrix()
    assert type(host) is qf.sim.density_state.DensityMatrix and abs(host.purity() - expected.purity()) < 1e-10
    assert np.array_equal(rho.sample(300, seed=4), expected.sample(300, seed=4))
    assert repr(rho).startswith("GpuDensityMatrix(num_qubits=4")


def test_terminal_sampling_with_readout_errors_matches_the_cpu_counts():
    rng = np.random.default_rng(13)
    circuit = random_circuit(3, 12, rng)
    circuit.measure_all()
    model = noise_model()
    got = gpu_density.sample(circuit, 2000, noise_model=model, seed=5, memory=True, options=SMALL)
    expected = cpu.sample(circuit, 2000, noise_model=model, seed=5, memory=True)
    assert got[0] == expected[0] and got[1] == expected[1]
    assert sum(got[0].values()) == 2000


def test_mid_circuit_measurement_reset_conditions_and_erasures():
    c = Circuit(3, 3).h(0).cx(0, 1).measure(0, 0).ry(0.7, 2).reset(1)
    c.append(noise.erasure(0.3).to_operation(), [2])
    c.x(1).c_if(0, 1)
    c.append(noise.amplitude_damping(0.4).to_operation(), [1])
    c.measure(1, 1)
    c.measure(2, 2)
    model = noise_model()
    got = gpu_density.sample(c, 40, noise_model=model, seed=6, options=SMALL)
    expected = cpu.sample(c, 40, noise_model=model, seed=6)
    assert got[0] == expected[0] and len(got[0]) > 2
    assert got[2]["erasures"] == expected[2]["erasures"]
    rho = gpu_density.simulate(c, noise_model=model, seed=7, options=SMALL)
    reference_rho = cpu.simulate(c, noise_model=model, seed=7)
    assert np.max(np.abs(rho.pauli_components - reference_rho.pauli_components)) < 1e-10
    assert rho.metadata == reference_rho.metadata


def test_state_dependent_herald_reads_the_reduced_matrix_on_the_device():
    """A heralded decay (|1> -> |0> flagged): its probability is <1|rho|1>, read from the device."""
    damping = noise.amplitude_damping(0.5)
    heralded = noise.Channel.from_kraus(damping.kraus, "heralded damping", heralded=(1,))
    c = Circuit(2).ry(1.1, 0).cx(0, 1)
    c.append(heralded.to_operation(), [1])
    got = gpu_density.simulate(c, options=SMALL)
    expected = cpu.simulate(c)
    assert got.metadata == expected.metadata and got.metadata["erasures"]["events"] == 1
    assert abs(got.metadata["erasures"]["probability_any"] - 0.5 * np.sin(0.55) ** 2) < 1e-12
    assert np.max(np.abs(got.pauli_components - expected.pauli_components)) < 1e-12


def test_backend_front_door_and_estimator():
    model = noise_model()
    c = Circuit(2).h(0).cx(0, 1)
    rho = qf.simulate(c, backend="gpu_density_matrix", noise_model=model, options=SMALL)
    assert isinstance(rho, gpu_density.GpuDensityMatrix)
    assert abs(rho.expectation_value("ZZ") - cpu.simulate(c, noise_model=model).expectation_value("ZZ")) < 1e-12
    result = qf.run(c.copy().measure_all(), shots=500, backend="gpu_density_matrix", seed=1, noise_model=model,
                    options=SMALL)
    assert result.backend_name == "gpu_density_matrix" and sum(result.counts.values()) == 500
    assert result.counts == qf.run(c.copy().measure_all(), shots=500, backend="density_matrix", seed=1,
                                   noise_model=model).counts
    H = PauliSum.from_list([("ZZ", 1.0), ("XX", 0.5)])
    values = qf.Estimator(backend="gpu_density_matrix", noise_model=model, options=SMALL).run(c, H).values
    assert abs(float(values) - float(qf.Estimator(backend="density_matrix", noise_model=model).run(c, H).values)) \
        < 1e-12


def test_density_kernels_match_their_twins():
    rng = np.random.default_rng(14)
    n = 3
    data = cuda.device_array(1 << (2 * n), dtype=np.float64)
    cuda_density.pauli_basis_zero[2, 16](data, n)
    expected = np.empty(1 << (2 * n))
    reference_density.pauli_basis_zero(expected, n)
    assert np.array_equal(data.copy_to_host(), expected) and expected.sum() == 1 << n
    values = rng.normal(size=1 << (2 * n))
    indices = rng.integers(0, len(values), size=37)
    out = cuda.device_array(37, dtype=np.float64)
    cuda_density.gather[2, 16](cuda.to_device(values), cuda.to_device(indices), out)
    twin = np.empty(37)
    reference_density.gather(values, indices, twin)
    assert np.array_equal(out.copy_to_host(), twin)


def test_real_dense_and_permutation_kernels_take_four_qubit_ops():
    """Eight-bit dense and permutation ops: a four-qubit gate on the Pauli vector."""
    rng = np.random.default_rng(15)
    state = rng.normal(size=(1, 1 << 9))
    for k, kind in [(8, "dense"), (8, "permutation"), (6, "dense")]:
        bits = np.sort(rng.choice(9, k, replace=False)).astype(np.int64)
        offsets = np.array([sum(1 << int(bits[j]) for j in range(k) if (a >> j) & 1) for a in range(1 << k)])
        expected = state.copy()
        device = cuda.to_device(state)
        if kind == "dense":
            coef = rng.normal(size=(1, 1 << (2 * k)))
            reference.batch_dense(expected, bits, k, offsets, coef)
            cuda_gates.dense_kernel(np.float64, k)[2, 16](device, bits, k, offsets, coef)
        else:
            perm = rng.permutation(1 << k).astype(np.int64)
            signs = rng.choice([-1.0, 1.0], size=(1, 1 << k))
            reference.batch_permutation(expected, bits, k, offsets, perm, signs)
            cuda_gates.permutation_kernel(np.float64)[2, 16](device, bits, k, offsets, perm, signs)
        assert np.allclose(device.copy_to_host(), expected, atol=1e-12), kind


def test_five_qubit_gates_are_refused_with_a_reason():
    c = Circuit(4).unitary(random_unitary(np.random.default_rng(1), 16), [0, 1, 2, 3])
    assert gpu_density.simulate(c, options=SMALL).purity() > 1 - 1e-12  # eight bits on the Pauli vector: fine
    wide = Circuit(5).unitary(random_unitary(np.random.default_rng(2), 32), [0, 1, 2, 3, 4])
    with pytest.raises(BackendError, match="at most 8 index bits"):
        gpu_density.simulate(wide, options=SMALL)


def test_memory_guard_uses_the_device_free_memory(monkeypatch):
    pretend_free_device_memory(monkeypatch, 1 << 30)
    with pytest.raises(CircuitTooLargeError, match="density matrix of 14 qubits.*device memory is free"):
        gpu_density.simulate(Circuit(14).h(0))
    gpu.check_device_fits(2 * 12, np.float64)  # 128 MiB
