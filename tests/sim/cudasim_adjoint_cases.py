"""GPU adjoint-gradient cases run through numba's CUDA simulator (NUMBA_ENABLE_CUDASIM=1).

Not collected on its own: tests/sim/test_gpu_adjoint.py runs this file in a subprocess with the
simulator on. States stay small (<= 5 qubits; the backward sweep holds n + 1 index bits) and
launches use few threads. The reference is the CPU adjoint tape (itself checked against Qiskit's
finite differences in tests/primitives/test_gradients.py) and the NumPy twins of the kernels.
"""

import os
import sys
from pathlib import Path

import numpy as np
import pytest

if os.environ.get("NUMBA_ENABLE_CUDASIM") != "1":
    pytest.skip("CUDA-simulator cases: run by tests/sim/test_gpu_adjoint.py in a subprocess", allow_module_level=True)

sys.path.insert(0, str(Path(__file__).parent.parent / "primitives"))
from gpu_circuits import pretend_free_device_memory, random_unitary  # noqa: E402
from numba import cuda  # noqa: E402
from primitive_helpers import clifford_frame_circuit, random_circuit, random_pauli_sum  # noqa: E402

from qfusion.circuit import Circuit, Parameter  # noqa: E402
from qfusion.errors import CircuitTooLargeError  # noqa: E402
from qfusion.primitives import AdjointTape, ExpectationFunction, value_and_gradient  # noqa: E402
from qfusion.sim.gpu import adjoint as gpu_adjoint  # noqa: E402
from qfusion.sim.gpu import statevector as gpu  # noqa: E402
from qfusion.sim.kernels import cuda_pauli, reference  # noqa: E402
from qfusion.sim.plan import lower  # noqa: E402

SMALL = gpu.GpuOptions(threads_per_block=16, max_blocks=2, lanes=False)
SWEEPS = gpu.GpuOptions(threads_per_block=16, max_blocks=2, lanes=True, sweep_qubits=5, sweep_mixed=1)


@pytest.fixture(autouse=True)
def few_threads(monkeypatch):
    monkeypatch.setattr(gpu_adjoint, "OPTIONS", SMALL)


@pytest.mark.parametrize("seed", range(3))
def test_pauli_kernels_match_their_twins(seed):
    rng = np.random.default_rng(seed)
    n = 5
    x, z = int(rng.integers(1 << n)), int(rng.integers(1 << n))
    if seed == 0:
        x = 0  # the diagonal branch
    phase = 1j ** bin(x & z).count("1")  # Hermitian
    a = random_unitary(rng, 1 << n)[0]  # a row of a unitary: a random unit vector
    expected = a.copy()
    reference.pauli_rotation(expected, x, z, phase, np.cos(0.3), np.sin(0.3))
    device = cuda.to_device(a)
    cuda_pauli.pauli_rotation[2, 16](device, x, z, max(x.bit_length() - 1, 0), -1j * np.sin(0.3) * phase,
                                     np.cos(0.3))
    np.testing.assert_allclose(device.copy_to_host(), expected, atol=1e-13)
    groups, starts = np.array([0, x or 1], dtype=np.int64), np.array([0, 1, 3], dtype=np.int64)
    zs, coeffs = np.array([1, z, 3], dtype=np.int64), rng.normal(size=3) + 1j * rng.normal(size=3)
    twin = np.empty_like(a)
    reference.apply_pauli_sum(a, twin, groups, starts, zs, coeffs)
    out = cuda.device_array_like(a)
    cuda_pauli.apply_pauli_sum[2, 16](cuda.to_device(a), out, groups, starts, zs, coeffs)
    np.testing.assert_allclose(out.copy_to_host(), twin, atol=1e-13)


@pytest.mark.parametrize("n, layers, options", [(2, 2, SMALL), (3, 2, SWEEPS), (4, 2, SMALL), (4, 3, SWEEPS)])
def test_gradients_match_the_cpu_tape(monkeypatch, n, layers, options):
    """Random rotations (parameter expressions, shared parameters, u and controlled rotations) and CNOTs."""
    monkeypatch.setattr(gpu_adjoint, "OPTIONS", options)
    rng = np.random.default_rng(40 + n + layers)
    circuit = random_circuit(n, layers, 3, rng)
    H = random_pauli_sum(n, 5, rng)
    x = rng.normal(size=len(circuit.parameters))
    device, host = AdjointTape(circuit, backend="gpu"), AdjointTape(circuit)
    value, grad = device.value_and_gradient(H, x)
    expected_value, expected_grad = host.value_and_gradient(H, x)
    assert abs(value - expected_value) < 1e-10
    np.testing.assert_allclose(grad, expected_grad, atol=1e-10)
    np.testing.assert_allclose(device.state(x), host.state(x), atol=1e-12)
    assert abs(device.expectation_value(H, x) - expected_value) < 1e-10


def test_sweeps_are_taken_by_the_backward_pass(monkeypatch):
    monkeypatch.setattr(gpu_adjoint, "OPTIONS", SWEEPS)
    ops = gpu_adjoint.compile_gates(list(lower(Circuit(4).h(0).cx(0, 1).h(2).t(3)).ops), 5, inverse=True)
    assert ops.steps[0][0] == "sweep" and ops.device_steps is not None


def test_clifford_frames_general_gates_and_final_cliffords():
    c = clifford_frame_circuit(general=True)
    rng = np.random.default_rng(21)
    H = random_pauli_sum(4, 8, rng)
    x = rng.normal(size=4)
    got = AdjointTape(c, backend="gpu").value_and_gradient(H, x)
    expected = AdjointTape(c).value_and_gradient(H, x)
    assert abs(got[0] - expected[0]) < 1e-10
    np.testing.assert_allclose(got[1], expected[1], atol=1e-10)


def test_vector_jacobian_product_and_the_gradient_api():
    rng = np.random.default_rng(4)
    circuit = random_circuit(3, 2, 3, rng)
    observables = [random_pauli_sum(3, 4, rng) for _ in range(3)]
    x, weights = rng.normal(size=3), rng.normal(size=3)
    values, vjp = AdjointTape(circuit, backend="gpu").vector_jacobian_product(observables, weights, x)
    expected_values, expected_vjp = AdjointTape(circuit).vector_jacobian_product(observables, weights, x)
    np.testing.assert_allclose(values, expected_values, atol=1e-10)
    np.testing.assert_allclose(vjp, expected_vjp, atol=1e-10)
    result = value_and_gradient(circuit, observables[0], x, backend="gpu")
    reference_result = value_and_gradient(circuit, observables[0], x)
    assert result.metadata == {"method": "adjoint", "backend": "gpu"}
    np.testing.assert_allclose(result.gradient, reference_result.gradient, atol=1e-10)
    function = ExpectationFunction(circuit, observables, backend="gpu")
    np.testing.assert_allclose(function.vjp(x, weights), expected_vjp, atol=1e-10)
    np.testing.assert_allclose(function.values(x), expected_values, atol=1e-10)


def test_memory_guard_uses_the_device_free_memory(monkeypatch):
    pretend_free_device_memory(monkeypatch, 1 << 30)
    with pytest.raises(CircuitTooLargeError, match="adjoint differentiation.*device memory is free"):
        AdjointTape(Circuit(24).rx(Parameter("t"), 0), backend="gpu")
    AdjointTape(Circuit(20).rx(Parameter("t"), 0), backend="gpu")  # 5 states of 16 MiB fit
