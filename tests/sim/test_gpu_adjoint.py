"""GPU adjoint gradients on machines without a GPU: the CUDA-simulator cases in a subprocess, the
host-side plan, and the errors. The real-GPU checks are in tests/sim/test_gpu_device.py."""

from pathlib import Path

import numpy as np
import pytest
from gpu_circuits import run_cuda_simulator

from qfusion.circuit import Circuit, Parameter
from qfusion.errors import BackendError, CircuitError
from qfusion.primitives import AdjointTape, Estimator, value_and_gradient
from qfusion.sim.gpu import adjoint as gpu_adjoint
from qfusion.sim.gpu import statevector as gpu
from qfusion.sim.plan import lower

HERE = Path(__file__).parent


@pytest.mark.slow
def test_cuda_simulator_adjoint_cases():
    """tests/sim/cudasim_adjoint_cases.py under NUMBA_ENABLE_CUDASIM=1 (about 20 s)."""
    run_cuda_simulator(HERE / "cudasim_adjoint_cases.py")


@pytest.mark.skipif(gpu.device_available(), reason="a CUDA GPU is present")
def test_no_gpu_gives_a_clear_backend_error():
    circuit = Circuit(1).rx(Parameter("t"), 0)
    with pytest.raises(BackendError, match="needs an NVIDIA GPU"):
        AdjointTape(circuit, backend="gpu")
    with pytest.raises(BackendError, match="needs an NVIDIA GPU"):
        value_and_gradient(circuit, "Z", [0.3], backend="gpu")
    with pytest.raises(BackendError, match="needs an NVIDIA GPU"):  # the shift rule's estimator runs on the GPU
        value_and_gradient(circuit, "Z", [0.3], method="parameter_shift", backend="gpu")


def test_backend_choice_is_checked():
    circuit = Circuit(1).rx(Parameter("t"), 0)
    with pytest.raises(BackendError, match="'statevector' or 'gpu'"):
        AdjointTape(circuit, backend="density_matrix")
    with pytest.raises(CircuitError, match="not both"):
        value_and_gradient(circuit, "Z", [0.3], method="parameter_shift", estimator=Estimator(), backend="gpu")
    shifted = value_and_gradient(circuit, "Z", [0.3], method="parameter_shift", backend="density_matrix")
    assert abs(shifted.gradient[0] + np.sin(0.3)) < 1e-12


def test_backward_plan_is_the_inverse_in_reverse_order():
    """Planned on the host (no GPU): the backward steps of H then T are T^dagger then H, on n + 1 bits."""
    ops = list(lower(Circuit(1).h(0).t(0)).ops)
    compiled = gpu_adjoint.compile_gates(ops, 2, inverse=True, upload=False)
    assert compiled.num_gates == 2 and compiled.device_steps is None
    (kind, bits, k, _, coef), = compiled.steps
    h = np.array([[1, 1], [1, -1]]) / np.sqrt(2)
    expected = h @ np.diag([1, np.exp(-0.25j * np.pi)])
    assert kind == "dense" and bits.tolist() == [0] and np.allclose(coef.reshape(2, 2), expected)
