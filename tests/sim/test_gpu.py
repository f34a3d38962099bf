"""The gpu backend on machines without a GPU: the CUDA-simulator suite in a subprocess, and errors."""

import ctypes
import os
import subprocess
import sys
import types
from pathlib import Path

import compile_ptx
import numpy as np
import pytest
from gpu_circuits import brickwork, qaoa_ring, random_circuit, random_unitary, run_cuda_simulator

import qfusion as qf
from qfusion.circuit import Circuit
from qfusion.errors import BackendError
from qfusion.sim import statevector as cpu
from qfusion.sim.gpu import batch as gpu_batch
from qfusion.sim.gpu import statevector as gpu
from qfusion.sim.kernels import cuda_lanes, cuda_launch, reference
from qfusion.sim.plan import lower

HERE = Path(__file__).parent


@pytest.mark.slow
def test_cuda_simulator_suite():
    """tests/sim/cudasim_cases.py under NUMBA_ENABLE_CUDASIM=1, in its own interpreter."""
    run_cuda_simulator(HERE / "cudasim_cases.py")


@pytest.mark.slow
def test_cuda_simulator_sweep_cases():
    """tests/sim/cudasim_sweep_cases.py (big chunks, wide gates, global pulses) under NUMBA_ENABLE_CUDASIM=1
    (about 25 s)."""
    run_cuda_simulator(HERE / "cudasim_sweep_cases.py")


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
    # 17 kernels per complex dtype (state vectors, adjoint sweeps), 11 per real dtype (density matrix)
    assert proc.stdout.count("ok ") == 56 and "compiled 56 kernels, 0 failed" in proc.stdout


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
    from qfusion.sim.gpu.batch import simulate_batch
    with pytest.raises(BackendError):
        simulate_batch(Circuit(1).h(0), np.zeros((2, 0)))


def test_cpu_backends_still_work_after_importing_the_gpu_modules():
    import qfusion.backends.gpu  # noqa: F401
    import qfusion.sim.gpu.batch  # noqa: F401
    state = qf.simulate(Circuit(2).h(0).cx(0, 1))
    assert np.allclose(np.asarray(state)[[0, 3]], 2 ** -0.5)


# -- plans, on the host: sweep sizes, wide gates, batches -----------------------------------

def test_bigger_sweep_chunks_take_fewer_passes():
    """Each buffer bit more lets a sweep mix one qubit more; the chunk is dynamic shared memory, up to 227 KiB."""
    circuit = brickwork(20, 12, np.random.default_rng(1))
    ops = list(lower(circuit).ops)
    passes = {}
    for qubits in (11, 12, 13):
        steps = gpu.gate_steps(ops, 20, np.complex128, gpu.GpuOptions(sweep_qubits=qubits))
        assert {step[0] for step in steps} <= {"sweep", "swap"}
        assert {int(step[1]) for step in steps if step[0] == "sweep"} == {qubits}
        passes[qubits] = len(steps)
    assert passes[11] > passes[12] > passes[13]
    assert cuda_lanes.shared_bytes(13, np.complex128) == 128 << 10
    for dtype, largest in ((np.complex128, 13), (np.complex64, 14), (np.float32, 15)):
        steps = gpu.gate_steps(ops, 20, dtype, gpu.GpuOptions(sweep_qubits=18))
        assert {int(step[1]) for step in steps if step[0] == "sweep"} == {largest}
        assert cuda_lanes.shared_bytes(largest, dtype) <= cuda_lanes.MAX_SHARED_BYTES


def test_sweeps_bigger_than_the_device_allows_are_refused_before_any_launch(monkeypatch):
    monkeypatch.setattr(cuda_launch, "shared_limit", lambda: 99 << 10)  # an Ada GPU
    circuit = brickwork(14, 4, np.random.default_rng(2))
    steps = gpu.gate_steps(list(lower(circuit).ops), 14, np.complex128, gpu.GpuOptions(sweep_qubits=13))
    with pytest.raises(BackendError, match=r"128.0 KiB of shared memory a block; this GPU allows 99.0 KiB "
                                           r"\(use GpuOptions\(sweep_qubits=12\)"):
        gpu.check_shared_memory(steps, np.complex128)
    gpu.check_shared_memory(gpu.gate_steps(list(lower(circuit).ops), 14, np.complex128,
                                           gpu.GpuOptions(sweep_qubits=12)), np.complex128)


class _StandInKernel:
    """A numba dispatcher's surface as :func:`cuda_launch.launch` uses it, with a given function handle."""

    def __init__(self, handle, launches):
        function = types.SimpleNamespace(handle=handle, device=types.SimpleNamespace(id=3))
        self.compiled = types.SimpleNamespace(_codelibrary=types.SimpleNamespace(get_cufunc=lambda: function))
        self.launches = launches

    def typeof_pyval(self, value):
        return type(value)

    def compile(self, signature):
        assert signature == (int, float)
        return self.compiled

    def __getitem__(self, configuration):
        return lambda *args: self.launches.append((configuration, args))


class _Handle(int):
    """A cuda-python handle: int() gives its address."""


class _CUkernel(_Handle):
    pass


class _CUfunction(_Handle):
    pass


_SIZES = (32 << 10, 128 << 10, 128 << 10, 96 << 10)


def _launch_each_size(kernel):
    for shared in _SIZES:
        cuda_launch.launch(kernel, 3, 256, shared, 1, 2.0)
    assert [configuration for configuration, _ in kernel.launches] == [(3, 256, 0, shared) for shared in _SIZES]


@pytest.mark.parametrize("handle_type, call", [(_CUkernel, "cuKernelSetAttribute"),
                                               (_CUfunction, "cuFuncSetAttribute")])
def test_a_launch_past_48_kib_opts_the_kernel_in_once_through_cuda_python(monkeypatch, handle_type, call):
    """numba-cuda (library kernels: CUkernel, per device) and numba's built-in target on cuda-python
    (CUfunction): the driver call numba has no API for, on a stand-in kernel and binding."""
    from numba.cuda.cudadrv import driver
    calls = []
    attribute = "MAX_DYNAMIC_SHARED_SIZE_BYTES"
    binding = types.SimpleNamespace(CUkernel=_CUkernel, CUfunction_attribute=types.SimpleNamespace(
        CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES=attribute))
    recorder = types.SimpleNamespace(
        cuKernelSetAttribute=lambda *a: calls.append(("cuKernelSetAttribute",) + a),
        cuFuncSetAttribute=lambda *a: calls.append(("cuFuncSetAttribute",) + a))
    monkeypatch.setattr(driver, "USE_NV_BINDING", True, raising=False)
    monkeypatch.setattr(driver, "binding", binding, raising=False)
    monkeypatch.setattr(driver, "driver", recorder)
    monkeypatch.setattr(cuda_launch, "_raised", {})
    monkeypatch.setattr(cuda_launch, "_simulator", lambda: False)  # also when this runs under the simulator
    handle = handle_type(4242)
    _launch_each_size(_StandInKernel(handle, []))
    if call == "cuKernelSetAttribute":
        assert calls == [(call, attribute, 128 << 10, handle, 3)]
    else:
        assert calls == [(call, handle, attribute, 128 << 10)]


def test_a_launch_past_48_kib_opts_the_kernel_in_once_through_ctypes(monkeypatch):
    """numba's built-in target on its own ctypes binding."""
    from numba.cuda.cudadrv import driver
    calls = []

    def set_attribute(handle, attribute, value):
        calls.append((handle.value, attribute, value))
        return 0

    monkeypatch.setattr(driver, "USE_NV_BINDING", False, raising=False)
    monkeypatch.setattr(driver, "driver", types.SimpleNamespace(lib=types.SimpleNamespace(
        cuFuncSetAttribute=set_attribute)))
    monkeypatch.setattr(cuda_launch, "_raised", {})
    monkeypatch.setattr(cuda_launch, "_simulator", lambda: False)
    _launch_each_size(_StandInKernel(ctypes.c_void_p(4242), []))
    assert calls == [(4242, 8, 128 << 10)]  # CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES in cuda.h


def _run_sweep_steps_on_host(steps, n):
    """The GPU plan run by the kernels' NumPy twins (the sweep twin is the CPU lane-sweep kernel)."""
    state = np.zeros(1 << n, dtype=complex)
    state[0] = 1
    for step in steps:
        if step[0] == "sweep":
            reference.gpu_sweep(state, *step[1:])
        else:
            reference.swap_bit_positions(state, step[1], step[2])
    return state


def test_gates_on_more_than_five_bits_stay_on_the_sweep_path():
    """A six-qubit unitary mixes six bits: the wide sweep kernel applies it (the per-gate kernels take five)."""
    rng = np.random.default_rng(3)
    circuit = random_circuit(10, 30, rng)
    circuit.unitary(random_unitary(rng, 64), [1, 3, 4, 6, 8, 9])
    circuit.mcx([0, 2, 5, 7, 9], 4)
    circuit.h(2).cx(2, 9)
    options = gpu.GpuOptions(lanes=True, sweep_qubits=10, sweep_mixed=6)
    steps = gpu.gate_steps(list(lower(circuit).ops), 10, np.complex128, options)
    sweeps = [step for step in steps if step[0] == "sweep"]
    assert {step[0] for step in steps} <= {"sweep", "swap"}
    assert any(cuda_lanes.needs_wide(step[7], step[10]) for step in sweeps)
    expected = np.asarray(cpu.simulate(circuit))
    assert np.max(np.abs(_run_sweep_steps_on_host(steps, 10) - expected)) < 1e-12


def _run_batch_plan_on_host(plan):
    states = np.zeros((plan.batch, 1 << plan.num_qubits), dtype=complex)
    states[:, 0] = 1
    for step in plan.steps:
        twin = reference.batch_dense if step[0] == "dense" else reference.batch_diagonal
        twin(states, *step[1:])
    return states * plan.phases[:, None]


def test_batch_plan_evaluates_each_standard_gate_a_few_times_not_once_per_set(monkeypatch):
    from qfusion.circuit import StandardGate, standard_gate
    from qfusion.circuit.parameter import apply
    theta, phi = qf.circuit.Parameter("theta"), qf.circuit.Parameter("phi")
    circuit = qaoa_ring(4, layers=1).ry(theta, 1).rzz(2 * theta, 0, 3).u(theta, phi, 0.3, 2).cp(phi - theta, 3, 0)
    circuit.crx(apply("sin", phi), 1, 2).p(theta * phi, 0)
    circuit.append(standard_gate("ry", phi / 2).control(1), [3, 1])  # a modified gate: bound row by row
    circuit.global_phase = theta / 2
    params = np.random.default_rng(4).uniform(-3, 3, size=(2000, len(circuit.parameters)))
    calls = []
    evaluate = StandardGate._matrix
    monkeypatch.setattr(StandardGate, "_matrix", lambda gate, values: calls.append(gate.name) or evaluate(gate, values))
    plan = gpu_batch.batch_plan(circuit, params)
    assert calls.count("u") <= 5 ** 3 + 4 and calls.count("rzz") <= 2 * (5 + 4)
    states = _run_batch_plan_on_host(plan)
    for row in range(0, 2000, 397):
        expected = np.asarray(cpu.simulate(circuit, params[row]))
        assert np.max(np.abs(states[row] - expected)) < 1e-12


def test_batch_plan_runs_a_global_pulse_as_its_one_qubit_factors(monkeypatch):
    from qfusion.circuit import BroadcastGate, standard_gate
    theta = qf.circuit.Parameter("theta")
    circuit = Circuit(8)
    circuit.append(BroadcastGate(standard_gate("h"), 8), list(range(8)))
    circuit.rzz(theta, 0, 7).rzz(theta, 3, 4)
    circuit.append(BroadcastGate(standard_gate("rx", 2 * theta), 7), [7, 6, 5, 4, 3, 2, 0])
    monkeypatch.setattr(BroadcastGate, "_matrix", lambda gate, params: pytest.fail("a 2^n matrix was built"))
    params = np.array([[0.3], [-1.1], [2.0]])
    plan = gpu_batch.batch_plan(circuit, params)
    assert max(step[2] for step in plan.steps if step[0] == "dense") <= 2
    states = _run_batch_plan_on_host(plan)
    for row, state in zip(params, states, strict=False):
        assert np.max(np.abs(state - np.asarray(cpu.simulate(circuit, row)))) < 1e-12
