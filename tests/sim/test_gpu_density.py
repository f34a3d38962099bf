"""The GPU density matrix on machines without a GPU: its CUDA-simulator cases in a subprocess and
the plan (host only); tests/sim/test_gpu.py checks the no-GPU errors of every GPU backend and
tests/sim/test_gpu_device.py the real GPU."""

from pathlib import Path

import numpy as np
import pytest
from gpu_circuits import noise_model, run_cuda_simulator

import qfusion as qf
from qfusion.circuit import Circuit
from qfusion.sim.density_ops import lower_segment
from qfusion.sim.gpu import density_matrix as gpu_density
from qfusion.sim.gpu import statevector as gpu
from qfusion.sim.noise_plan import lower_noisy

HERE = Path(__file__).parent


@pytest.mark.slow
def test_cuda_simulator_density_cases():
    """tests/sim/cudasim_density_cases.py under NUMBA_ENABLE_CUDASIM=1 (about 30 s)."""
    run_cuda_simulator(HERE / "cudasim_density_cases.py")


def test_plan_is_the_cpu_lowering_on_real_coefficients():
    """The device steps hold the CPU's transfer matrices, as float64 or float32, in qubit order."""
    circuit = Circuit(3).h(0).cx(0, 2).t(1).rzz(0.4, 1, 2)
    program = lower_noisy(circuit, noise_model=noise_model())
    lowered = lower_segment(list(program.ops), 3)
    for dtype in (np.float64, np.float32):
        steps = gpu_density.density_steps(list(program.ops), 3, dtype, gpu.GpuOptions(lanes=False))
        assert [s[0] for s in steps] and all(s[-1].dtype == dtype for s in steps if s[0] != "swap")
        touched = sorted({int(b) for s in steps for b in s[1]})
        assert touched == sorted({b for op in lowered for b in op.qubits})
    wide = gpu_density.density_steps(list(lower_noisy(Circuit(7).h(0).cx(0, 6)).ops), 7, np.float64,
                                     gpu.GpuOptions())
    assert wide[0][0] == "sweep"  # 14 index bits: the shared-memory sweeps


def test_the_cpu_density_matrix_reads_components_as_before():
    from qfusion.sim.density_state import pauli_index
    rho = qf.simulate(Circuit(2).h(0).cx(0, 1), backend="density_matrix")
    indices = [pauli_index(label, 2) for label in ("II", "XX", "YY", "ZZ", "ZI")]
    assert indices == [0, 3, 12, 15, 10]
    assert np.allclose(rho.components(indices), [1, 1, -1, 1, 0], atol=1e-12)  # a Bell state
