"""Sweep-size, wide-gate and global-pulse cases run through numba's CUDA simulator (NUMBA_ENABLE_CUDASIM=1).

Not collected on its own: tests/sim/test_gpu.py runs this file in a subprocess with the simulator
on. The kernels run here as on a GPU, only slowly: chunks in dynamic shared memory bigger than the
32 KiB default (64 KiB and more, which a device grants only after opting in), type-2 sweep ops on
more than five bits (the wide kernel), and global pulses (BroadcastGate) in the batched mode and the
GPU adjoint tape. References: the CPU simulators and the CPU tape.
"""

import os

import numpy as np
import pytest

if os.environ.get("NUMBA_ENABLE_CUDASIM") != "1":
    pytest.skip("CUDA-simulator cases: run by tests/sim/test_gpu.py in a subprocess", allow_module_level=True)

from gpu_circuits import noise_model, random_circuit, random_unitary  # noqa: E402

from qfusion.circuit import BroadcastGate, Circuit, Parameter, standard_gate  # noqa: E402
from qfusion.observables import PauliSum  # noqa: E402
from qfusion.primitives import AdjointTape  # noqa: E402
from qfusion.sim import density_matrix as cpu_density  # noqa: E402
from qfusion.sim import statevector as cpu  # noqa: E402
from qfusion.sim.gpu import adjoint as gpu_adjoint  # noqa: E402
from qfusion.sim.gpu import batch as gpu_batch  # noqa: E402
from qfusion.sim.gpu import density_matrix as gpu_density  # noqa: E402
from qfusion.sim.gpu import statevector as gpu  # noqa: E402
from qfusion.sim.kernels import cuda_lanes, cuda_launch  # noqa: E402
from qfusion.sim.noise_plan import lower_noisy  # noqa: E402
from qfusion.sim.plan import lower  # noqa: E402


def _options(**knobs):
    return gpu.GpuOptions(**{"threads_per_block": 32, "max_blocks": 2, "lanes": True, **knobs})


@pytest.mark.parametrize("dtype, qubits", [(np.complex128, 12), (np.complex64, 13)])
def test_chunks_beyond_the_portable_48_kib_match_the_cpu_simulator(dtype, qubits):
    circuit = random_circuit(13, 14, np.random.default_rng(qubits))
    options = _options(sweep_qubits=qubits)
    steps = gpu.gate_steps(list(lower(circuit).ops), 13, dtype, options)
    assert {int(step[1]) for step in steps if step[0] == "sweep"} == {qubits}
    assert cuda_lanes.shared_bytes(qubits, dtype) > cuda_launch.PORTABLE_SHARED_BYTES
    state = np.asarray(gpu.simulate(circuit, dtype=dtype, options=options))
    tolerance = 1e-10 if dtype == np.complex128 else 2e-5
    assert np.max(np.abs(state - np.asarray(cpu.simulate(circuit)))) < tolerance


def test_six_and_seven_bit_gates_run_in_the_wide_sweep_kernel():
    rng = np.random.default_rng(5)
    circuit = random_circuit(11, 10, rng)
    circuit.unitary(random_unitary(rng, 64), [0, 2, 3, 5, 8, 10])
    circuit.unitary(random_unitary(rng, 128), [1, 2, 3, 4, 7, 9, 10]).h(0)
    options = _options(sweep_qubits=11, sweep_mixed=7, threads_per_block=8)  # a round: two groups of 2^7
    steps = gpu.gate_steps(list(lower(circuit).ops), 11, np.complex128, options)
    widths = {int(k) for step in steps if step[0] == "sweep" for k in step[10][step[7] == 2]}
    assert {6, 7} <= widths and {step[0] for step in steps} <= {"sweep", "swap"}
    state = np.asarray(gpu.simulate(circuit, options=options))
    assert np.max(np.abs(state - np.asarray(cpu.simulate(circuit)))) < 1e-10


def test_density_matrix_gates_on_more_than_five_pauli_bits_stay_on_the_sweep_path():
    """A three-control mcx mixes seven of its eight Pauli bits; a two-control ry five of six."""
    circuit = Circuit(6).h(0).ry(0.4, 1).mcx([0, 1, 5], 3).cry(0.7, 2, 3)
    circuit.append(standard_gate("ry", 0.9).control(2), [3, 0, 4])
    model = noise_model()
    options = _options(sweep_qubits=12, sweep_mixed=7)
    program = lower_noisy(circuit, noise_model=model)
    steps = gpu_density.density_steps(list(program.ops), 6, np.float64, options)
    assert {step[0] for step in steps} <= {"sweep", "swap"}
    assert any(cuda_lanes.needs_wide(step[7], step[10]) for step in steps if step[0] == "sweep")
    rho = gpu_density.simulate(circuit, noise_model=model, options=options)
    expected = cpu_density.simulate(circuit, noise_model=model)
    assert np.max(np.abs(rho.pauli_components - expected.pauli_components)) < 1e-10


def test_batched_global_pulses_match_one_cpu_run_per_set():
    theta, phi = Parameter("theta"), Parameter("phi")
    circuit = Circuit(6)
    circuit.append(BroadcastGate(standard_gate("h"), 6), list(range(6)))
    circuit.rzz(theta, 0, 5).rzz(phi, 2, 3)
    circuit.append(BroadcastGate(standard_gate("rx", 2 * theta), 6), [5, 4, 3, 2, 1, 0])
    circuit.append(BroadcastGate(standard_gate("p", phi), 3), [0, 2, 4])
    params = np.random.default_rng(7).uniform(-3, 3, size=(3, 2))
    states = gpu_batch.simulate_batch(circuit, params, options=gpu.GpuOptions(threads_per_block=16, max_blocks=2))
    for row, state in zip(params, states, strict=False):
        assert np.max(np.abs(state - np.asarray(cpu.simulate(circuit, row)))) < 1e-10


def test_gpu_adjoint_tape_takes_global_pulses_as_their_factors(monkeypatch):
    monkeypatch.setattr(gpu_adjoint, "OPTIONS", gpu.GpuOptions(threads_per_block=16, max_blocks=2, lanes=False))
    t, u = Parameter("t"), Parameter("u")
    circuit = Circuit(6)
    circuit.append(BroadcastGate(standard_gate("h"), 6), list(range(6)))
    circuit.append(BroadcastGate(standard_gate("t"), 6), list(range(6)))  # fixed, not Clifford: a fused run
    circuit.cx(0, 5)
    circuit.append(BroadcastGate(standard_gate("ry", 2 * t), 6), list(range(6)))
    circuit.append(BroadcastGate(standard_gate("p", u), 4), [5, 3, 1, 0])
    observable = PauliSum.from_list([("ZIIIIZ", 1.0), ("IXIYII", 0.5), ("ZZZZZZ", -0.3)])
    x = np.array([0.4, -0.9])
    value, grad = AdjointTape(circuit, backend="gpu").value_and_gradient(observable, x)
    cpu_value, cpu_grad = AdjointTape(circuit).value_and_gradient(observable, x)
    assert abs(value - cpu_value) < 1e-10 and np.max(np.abs(grad - cpu_grad)) < 1e-10
