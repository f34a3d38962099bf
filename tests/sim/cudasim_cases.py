"""GPU simulator cases run through numba's CUDA simulator (NUMBA_ENABLE_CUDASIM=1).

Not collected on its own (the name is not test_*.py): tests/sim/test_gpu.py runs this file in a
subprocess with the simulator switched on, so it never leaks into the other tests' numba.
The CUDA simulator runs every GPU thread as a Python thread: states stay small (<= 8 qubits).
"""

import os

import numpy as np
import pytest

if os.environ.get("NUMBA_ENABLE_CUDASIM") != "1":  # e.g. the doctest collection of the whole suite
    pytest.skip("CUDA-simulator cases: run by tests/sim/test_gpu.py in a subprocess", allow_module_level=True)

from gpu_circuits import pretend_free_device_memory, qaoa_ring, random_circuit, random_unitary  # noqa: E402
from numba import cuda  # noqa: E402

import qfusion as qf  # noqa: E402
from qfusion.circuit import Circuit  # noqa: E402
from qfusion.errors import CircuitTooLargeError  # noqa: E402
from qfusion.observables import PauliSum  # noqa: E402
from qfusion.sim import statevector as cpu  # noqa: E402
from qfusion.sim.gpu import batch as gpu_batch  # noqa: E402
from qfusion.sim.gpu import statevector as gpu  # noqa: E402
from qfusion.sim.kernels import cuda_gates, cuda_lanes, cuda_measure, reference  # noqa: E402
from qfusion.sim.lanes import lane_schedule  # noqa: E402
from qfusion.sim.memory import state_bytes  # noqa: E402
from qfusion.sim.plan import lower  # noqa: E402

SMALL = gpu.GpuOptions(threads_per_block=16, max_blocks=2)
PLANS = [gpu.GpuOptions(threads_per_block=16, max_blocks=2, lanes=False),
         gpu.GpuOptions(threads_per_block=16, max_blocks=2, lanes=True, sweep_qubits=6, sweep_mixed=2),
         gpu.GpuOptions(threads_per_block=16, max_blocks=2, lanes=True, sweep_qubits=7, sweep_mixed=3,
                        max_diagonal_qubits=3)]


def close(dtype):
    return 1e-10 if dtype == np.complex128 else 2e-5


@pytest.mark.parametrize("n, dtype", [(1, np.complex128), (3, np.complex128), (5, np.complex64),
                                      (6, np.complex128), (8, np.complex64), (8, np.complex128)])
def test_random_circuits_match_the_cpu_simulator(n, dtype):
    rng = np.random.default_rng(100 + n)
    for trial in range(3):
        circuit = random_circuit(n, 4 * n + 6, rng)
        options = PLANS[trial % len(PLANS)]
        state = np.asarray(gpu.simulate(circuit, dtype=dtype, options=options))
        expected = np.asarray(cpu.simulate(circuit))
        assert state.dtype == dtype
        assert np.max(np.abs(state - expected)) < close(dtype), (n, trial, options)


def test_sweep_path_is_taken_and_matches_the_cpu_simulator():
    rng = np.random.default_rng(5)
    circuit = random_circuit(8, 40, rng)
    steps = gpu.gate_steps(list(lower(circuit).ops), 8, np.complex128, PLANS[1])
    assert steps[0][0] == "sweep"
    state = np.asarray(gpu.simulate(circuit, options=PLANS[1]))
    assert np.max(np.abs(state - np.asarray(cpu.simulate(circuit)))) < 1e-10


def test_sweep_path_matches_qiskit_aer():
    """Against another simulator; qiskit-aer is a CPU peer that the GPU machine lacks."""
    transpile = pytest.importorskip("qiskit").transpile
    AerSimulator = pytest.importorskip("qiskit_aer").AerSimulator
    circuit = random_circuit(8, 40, np.random.default_rng(5))
    qc = qf.interop.to_qiskit(circuit)
    qc.save_statevector()
    aer = AerSimulator(method="statevector")
    expected = np.asarray(aer.run(transpile(qc, aer, optimization_level=0)).result().get_statevector())
    state = np.asarray(gpu.simulate(circuit, options=PLANS[1]))
    assert abs(np.vdot(expected, state)) > 1 - 1e-10


def _random_state(n, rng, batch=1, dtype=np.complex128):
    state = rng.normal(size=(batch, 1 << n)) + 1j * rng.normal(size=(batch, 1 << n))
    return (state / np.linalg.norm(state, axis=1, keepdims=True)).astype(dtype)


def test_gate_kernels_match_their_twins():
    rng = np.random.default_rng(2)
    n, batch = 5, 3
    bits = np.array([0, 2, 4], dtype=np.int64)
    k = len(bits)
    offsets = np.array([sum(1 << int(bits[j]) for j in range(k) if (a >> j) & 1) for a in range(8)])
    coef = np.stack([random_unitary(rng, 8).ravel() for _ in range(batch)])
    perm = rng.permutation(8).astype(np.int64)
    phase = np.exp(1j * rng.uniform(0, 6, size=(1, 8)))
    diag = np.exp(1j * rng.uniform(0, 6, size=(batch, 8)))
    for launch, twin, args in [
            (cuda_gates.dense_kernel(np.complex128), reference.batch_dense, (bits, k, offsets, coef)),
            (cuda_gates.permutation_kernel(np.complex128), reference.batch_permutation,
             (bits, k, offsets, perm, phase)),
            (cuda_gates.diagonal_kernel, reference.batch_diagonal, (bits, k, diag))]:
        state = _random_state(n, rng, batch)
        expected = state.copy()
        twin(expected, *args)
        device = cuda.to_device(state)
        launch[2, 16](device, *[cuda.to_device(a) if isinstance(a, np.ndarray) else a for a in args])
        assert np.allclose(device.copy_to_host(), expected, atol=1e-12)
    state = _random_state(n, rng, 1)
    expected = state.copy()
    first, second = np.array([0, 3]), np.array([4, 1])
    reference.swap_bit_positions(expected[0], first, second)
    device = cuda.to_device(state)
    cuda_gates.swap_bits_kernel[2, 16](device, first, second)
    assert np.array_equal(device.copy_to_host(), expected)


def test_sweep_kernel_matches_its_twin():
    rng = np.random.default_rng(3)
    circuit = random_circuit(7, 30, rng)
    sweeps, _ = lane_schedule(list(lower(circuit).ops), 7, tuple(range(7)), np.complex128, 6, 2)
    state = _random_state(7, rng)[0]
    expected = state.copy()
    device = cuda.to_device(state)
    for sweep in sweeps:
        step = gpu._sweep_step(sweep, np.complex128)
        reference.gpu_sweep(expected, *step[1:])
        cuda_lanes.sweep_kernel(np.complex128)[2, 16, 0, cuda_lanes.shared_bytes(step[1], np.complex128)](device,
                                                                                                  *step[1:])
    assert np.allclose(device.copy_to_host(), expected, atol=1e-12)


def test_sampling_and_pauli_kernels_match_their_twins():
    rng = np.random.default_rng(4)
    state = _random_state(6, rng)[0]
    uniforms = rng.random(200)
    positions = np.array([5, 0, 2], dtype=np.int64)
    cumulative = np.concatenate(([0.0], np.cumsum(np.abs(state) ** 2)))
    keys = cuda.device_array(200, dtype=np.int64)
    cuda_measure.sample_keys[2, 32](state, np.int64(1), cumulative, uniforms, positions, keys)
    assert np.array_equal(keys.copy_to_host(), reference.sample_keys(state, uniforms, positions))
    x, z = 0b100110, 0b010011
    got = gpu.pauli_overlap(cuda.to_device(state), cuda.to_device(state), x, z, SMALL)
    assert abs(got - reference.pauli_overlap(state, state, x, z)) < 1e-12
    bra = _random_state(6, rng)[0]
    got = gpu.pauli_overlap(cuda.to_device(bra), cuda.to_device(state), x, z, SMALL)
    assert abs(got - reference.pauli_overlap(bra, state, x, z)) < 1e-12


def test_expectation_values_match_the_cpu_simulator():
    rng = np.random.default_rng(6)
    circuit = random_circuit(5, 25, rng)
    labels = ["".join(rng.choice(list("IXYZ"), 5)) for _ in range(6)]
    observable = PauliSum.from_list([(label, float(c)) for label, c in zip(labels, rng.normal(size=6), strict=False)])
    expected = cpu.simulate(circuit).expectation_value(observable)
    assert abs(gpu.simulate(circuit, options=SMALL).expectation_value(observable) - expected) < 1e-10


def test_terminal_sampling_follows_the_born_rule():
    rng = np.random.default_rng(7)
    circuit = random_circuit(4, 20, rng)
    probabilities = np.abs(np.asarray(cpu.simulate(circuit))) ** 2
    measured = circuit.copy()
    measured.measure_all()
    shots = 4000
    counts, _ = gpu.sample(measured, shots, seed=1, options=SMALL)
    observed = np.zeros(16)
    for key, value in counts.items():
        observed[int(key, 2)] = value
    assert observed.sum() == shots
    sigma = np.sqrt(probabilities * (1 - probabilities) / shots)
    assert np.all(np.abs(observed / shots - probabilities) < 5 * sigma + 1e-9)
    counts_memory, memory = gpu.sample(measured, 50, seed=2, memory=True, options=SMALL)
    assert len(memory) == 50 and sum(counts_memory.values()) == 50


def test_mid_circuit_measurement_reset_and_conditions():
    c = Circuit(2, 3).h(0).measure(0, 0).cx(0, 1).measure(1, 1).reset(0).measure(0, 2)
    counts, _ = gpu.sample(c, 40, seed=3, options=SMALL)
    assert set(counts) <= {"000", "011"} and len(counts) == 2
    assert abs(counts["011"] - 20) < 5 * np.sqrt(10)
    c = Circuit(2, 2).x(0).measure(0, 0)
    c.x(1).c_if(0, 1)
    c.measure(1, 1)
    assert gpu.sample(c, 4, seed=4, options=SMALL)[0] == {"11": 4}
    state = gpu.simulate(Circuit(1, 1).h(0).measure(0, 0).h(0).h(0), seed=5, options=SMALL)
    assert sorted(np.round(np.abs(np.asarray(state)) ** 2, 12).tolist()) == [0.0, 1.0]


def _mid_circuit(terminal_tail: bool) -> Circuit:
    """4 qubits: mid-circuit measurements, resets of entangled qubits (one conditioned), conditioned
    gates; ending in a conditioned measurement (no terminal tail) or in plain measurements."""
    c = Circuit(4, 4).h(0).cx(0, 1).ry(0.7, 2).cx(2, 3).reset(3).measure(0, 0)
    c.x(2).c_if(0, 1)
    c.ry(1.1, 0).cx(2, 0).measure(0, 1).h(1).cx(1, 3)
    c.reset(1).c_if(1, 1)
    c.ry(0.5, 1).cx(1, 3).ry(0.9, 3)
    if terminal_tail:
        return c.measure(1, 2).measure(3, 3)
    c.measure(1, 2)
    c.measure(3, 3).c_if(0, 1)
    return c


@pytest.mark.parametrize("path", ["branches", "per_shot"])
def test_mid_circuit_counts_equal_the_cpu_state_vectors_for_the_same_seed(path, monkeypatch):
    """Both walk the shots with the same random draws in the same order (no terminal tail to sample)."""
    def refuse(*args):
        raise AssertionError(f"the {path} path was expected")
    if path == "branches":
        monkeypatch.setattr(cpu, "_sample_shots", refuse)
    else:
        monkeypatch.setattr(gpu, "_branches_fit", lambda *args: False)
        monkeypatch.setattr(cpu, "_sample_branches", refuse)
        monkeypatch.setattr(cpu, "_branches_fit", lambda *args: False)
    circuit = _mid_circuit(terminal_tail=False)
    shots = 300 if path == "branches" else 16  # a shot of the per-shot path is ~20 kernels run as Python threads
    counts, memory = gpu.sample(circuit, shots, seed=21, memory=True, options=SMALL)
    assert counts == cpu.sample(circuit, shots, seed=21)[0]
    assert len(counts) > 4 and len(memory) == shots


def test_a_reset_of_an_entangled_qubit_parts_the_shots_of_a_branch():
    # after h, cx, reset(0) qubit 1 is 0 or 1 shot by shot, not one collapse shared by the branch
    circuit = Circuit(2, 2).h(0).cx(0, 1).reset(0).measure(1, 0).h(0).measure(0, 1)
    circuit.x(1).c_if(0, 1)
    counts, _ = gpu.sample(circuit, 200, seed=3, options=SMALL)
    assert sorted(counts) == ["00", "01", "10", "11"]
    assert counts == cpu.sample(circuit, 200, seed=3)[0]


def test_mid_circuit_branches_with_a_terminal_tail_pass_chi_square():
    pytest.importorskip("qiskit")
    from exact import chi_square_ok, exact_outcome_probabilities
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(cpu, "_sample_shots", lambda *args: pytest.fail("the branch path was expected"))
    circuit = _mid_circuit(terminal_tail=True)
    shots = 600
    counts, _ = gpu.sample(circuit, shots, seed=22, options=SMALL)
    monkeypatch.undo()
    assert sum(counts.values()) == shots
    assert chi_square_ok(counts, exact_outcome_probabilities(circuit), shots)


def test_mid_circuit_shots_run_one_by_one_when_the_branch_copies_do_not_fit(monkeypatch):
    pretend_free_device_memory(monkeypatch, gpu._RESERVE_BYTES + 4 * state_bytes(3, np.complex128))
    assert gpu._branches_fit(3, np.complex128, 4) and not gpu._branches_fit(3, np.complex128, 8)
    monkeypatch.setattr(cpu, "_sample_branches", lambda *args: pytest.fail("the branch copies do not fit"))
    circuit = Circuit(3, 2).h(0).cx(0, 1).measure(0, 0).reset(0).h(0).measure(0, 1)
    counts, _ = gpu.sample(circuit, 8, seed=1, options=SMALL)
    assert sum(counts.values()) == 8


def test_batched_qaoa_matches_one_cpu_run_per_parameter_set():
    rng = np.random.default_rng(8)
    circuit = qaoa_ring(5, layers=2)
    params = rng.uniform(-np.pi, np.pi, size=(4, len(circuit.parameters)))
    for dtype in (np.complex128, np.complex64):
        states = gpu_batch.simulate_batch(circuit, params, dtype=dtype, options=SMALL)
        assert states.shape == (4, 32) and states.dtype == dtype
        for row, state in zip(params, states, strict=False):
            assert np.max(np.abs(state - np.asarray(cpu.simulate(circuit, row)))) < close(dtype)


def test_batched_random_circuit_with_parameters():
    rng = np.random.default_rng(9)
    theta = qf.circuit.Parameter("theta")
    circuit = random_circuit(4, 15, rng).ry(theta, 1).rzz(2 * theta, 0, 3).cx(3, 2).rx(theta, 2)
    params = rng.uniform(-3, 3, size=(3, 1))
    states = gpu_batch.simulate_batch(circuit, params, options=SMALL)
    for row, state in zip(params, states, strict=False):
        assert np.max(np.abs(state - np.asarray(cpu.simulate(circuit, row)))) < 1e-10


def test_backend_front_door():
    c = Circuit(3).h(0).cx(0, 1).cx(1, 2)
    state = qf.simulate(c, backend="gpu", options=SMALL)
    assert np.allclose(np.asarray(state)[[0, 7]], 2 ** -0.5)
    result = qf.run(c.copy().measure_all(), shots=300, backend="gpu", seed=1, options=SMALL)
    assert set(result.counts) == {"000", "111"} and result.backend_name == "gpu"


def test_memory_guard_uses_the_device_free_memory(monkeypatch):
    pretend_free_device_memory(monkeypatch, 1 << 30)
    with pytest.raises(CircuitTooLargeError, match="device memory is free"):
        gpu.simulate(Circuit(27).h(0))
    gpu.check_device_fits(20, np.complex128)


def test_the_estimator_runs_parameter_sets_as_one_gpu_batch(monkeypatch):
    """Backends by capability: the gpu backend declares batched_params, so the Estimator hands it every
    parameter set at once and sim/gpu/batch.py simulates them; values equal the CPU's."""
    from qfusion.primitives import Estimator
    calls = []
    batched = gpu_batch.simulate_batch
    monkeypatch.setattr(gpu_batch, "simulate_batch", lambda *args, **kwargs: calls.append(len(args[1])) or
                        batched(*args, **kwargs))
    circuit = qaoa_ring(4, layers=1)
    params = np.random.default_rng(4).uniform(-np.pi, np.pi, size=(5, len(circuit.parameters)))
    H = PauliSum.from_list([("ZZII", 1.0), ("IXXI", -0.5), ("YIIY", 0.25)])
    on_gpu = Estimator(backend="gpu", options=SMALL).run(circuit, H, params)
    on_cpu = Estimator().run(circuit, H, params)
    assert calls == [5]
    np.testing.assert_allclose(on_gpu.values, on_cpu.values, atol=1e-10)
