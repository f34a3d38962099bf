"""The gpu backend on machines without a GPU: the CUDA-simulator suite in a subprocess, and errors."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import compile_ptx
from gpu_circuits import run_cuda_simulator

import qfusion as qf
from qfusion.circuit import Circuit
from qfusion.errors import BackendError
from qfusion.sim import gpu

HERE = Path(__file__).parent


@pytest.mark.slow
def test_cuda_simulator_suite():
    """tests/sim/cudasim_cases.py under NUMBA_ENABLE_CUDASIM=1, in its own interpreter."""
    run_cuda_simulator(HERE / "cudasim_cases.py")


def _nvvm_env() -> dict:
    """The environment of the compile: numba's built-in CUDA target finds libNVVM through CUDA_HOME
    (the nvidia-cuda-nvcc-cu12 wheel when installed); the numba-cuda package finds it itself
    (its nvidia-nvvm wheel, CUDA_HOME or the system's CUDA toolkit)."""
    env = dict(os.environ)
    env.pop("NUMBA_ENABLE_CUDASIM", None)
    try:
        import nvidia.cuda_nvcc
        home = Path(list(nvidia.cuda_nvcc.__path__)[0])
        if (home / "nvvm").is_dir() and "CUDA_HOME" not in env:
            env["CUDA_HOME"] = str(home)
    except ImportError:
        pass
    return env


def test_every_kernel_compiles_to_ptx_for_hopper():
    """numba's real CUDA target types and compiles each kernel (no GPU needed, only libNVVM)."""
    proc = subprocess.run([sys.executable, str(HERE / "compile_ptx.py")], env=_nvvm_env(), capture_output=True,
                          text=True, timeout=600)
    if proc.returncode == compile_ptx.NO_NVVM:
        pytest.skip(proc.stdout.strip() + " (pip install nvidia-cuda-nvcc-cu12, or numba-cuda[cu13])")
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
    # 16 kernels per complex dtype (state vectors, adjoint sweeps), 10 per real dtype (density matrix)
    assert proc.stdout.count("ok ") == 52 and "compiled 52 kernels, 0 failed" in proc.stdout


def test_a_missing_libnvvm_is_named_in_the_error(monkeypatch):
    """With the driver working but no libNVVM (numba-cuda without its CUDA toolkit wheels), the
    error says what to install instead of "no GPU"."""
    from numba import cuda
    from numba.cuda.cudadrv import nvvm
    monkeypatch.setattr(gpu, "device_available", lambda: False)
    monkeypatch.setattr(cuda, "current_context", lambda: object())
    monkeypatch.setattr(nvvm, "is_available", lambda: False)
    with pytest.raises(BackendError, match="found the GPU but not libNVVM.*CUDA_HOME"):
        gpu.require_device()


@pytest.mark.parametrize("name", ["gpu", "gpu_density_matrix"])
def test_gpu_backends_are_registered_and_load(name):
    assert name in qf.backends.names()
    assert qf.backends.get(name).name == name


@pytest.mark.skipif(gpu.device_available(), reason="a CUDA GPU is present")
@pytest.mark.parametrize("name, cpu", [("gpu", "statevector"), ("gpu_density_matrix", "density_matrix")])
def test_no_gpu_gives_a_clear_backend_error(name, cpu):
    with pytest.raises(BackendError, match=f"the {name} backend needs an NVIDIA GPU"):
        qf.simulate(Circuit(1).h(0), backend=name)
    with pytest.raises(BackendError, match=f"backend='{cpu}'"):
        qf.run(Circuit(1).h(0).measure_all(), backend=name, shots=10)


@pytest.mark.skipif(gpu.device_available(), reason="a CUDA GPU is present")
def test_no_gpu_refuses_batches_too():
    from qfusion.sim.gpu_batch import simulate_batch
    with pytest.raises(BackendError):
        simulate_batch(Circuit(1).h(0), np.zeros((2, 0)))


def test_cpu_backends_still_work_after_importing_the_gpu_modules():
    import qfusion.backends.gpu  # noqa: F401
    import qfusion.sim.gpu_batch  # noqa: F401
    state = qf.simulate(Circuit(2).h(0).cx(0, 1))
    assert np.allclose(np.asarray(state)[[0, 3]], 2 ** -0.5)
