"""Compile every CUDA kernel to PTX for sm_90 with numba's real CUDA target, without a GPU.

Run by tests/sim/test_gpu.py in a subprocess (it patches numba so that device functions
compile for a pretend compute capability 9.0 device; no driver is touched). Catches the
typing errors numba's CUDA simulator cannot see. Works with numba's built-in CUDA target (libNVVM
from the nvidia-cuda-nvcc-cu12 wheel, through CUDA_HOME) and with the numba-cuda package that the
GPU machine has (its nvidia-nvvm wheel, CUDA_HOME or the system's toolkit); exit status 3 when no
libNVVM is found. Prints ``ok NAME DTYPE SECONDS`` or ``FAIL NAME DTYPE: error`` per kernel and
dtype (the seconds: the JIT cost a GPU run pays once per process); exit status 1 on any failure.
"""

import sys
import time
import types as pytypes

NO_NVVM = 3  # the exit status when numba's CUDA target finds no libNVVM (the test skips)


def main() -> int:
    from numba.cuda.cudadrv import nvvm
    if not nvvm.is_available():
        print(f"numba.cuda ({_implementation()}) found no libNVVM")
        return NO_NVVM
    import numba.cuda.dispatcher as dispatcher
    dispatcher.get_current_device = lambda: pytypes.SimpleNamespace(compute_capability=(9, 0))
    import numba
    import numpy as np
    from numba import cuda, types

    from qfusion.sim.kernels import cuda_density, cuda_gates, cuda_lanes, cuda_measure, cuda_pauli

    i64, f64, b1, c128 = types.int64, types.float64, types.boolean, types.complex128

    def arr(t, nd=1):
        return types.Array(t, nd, "C")

    def gate_kernels(dt):
        """The kernels a state of ``dt`` runs: complex state vectors, or the density matrix's real Pauli vector."""
        c = numba.from_dtype(np.dtype(dt))
        sweep_args = (arr(c), i64, arr(i64), arr(i64), arr(i64), arr(i64), arr(i64), arr(i64), arr(i64), arr(i64, 2),
                      arr(i64), arr(i64, 2), arr(i64), arr(i64), arr(i64), arr(i64), arr(c), arr(b1))
        return {
            "dense": (cuda_gates.dense_kernel(dt), (arr(c, 2), arr(i64), i64, arr(i64), arr(c, 2))),
            "permutation": (cuda_gates.permutation_kernel(dt),
                            (arr(c, 2), arr(i64), i64, arr(i64), arr(i64), arr(c, 2))),
            "diagonal": (cuda_gates.diagonal_kernel, (arr(c, 2), arr(i64), i64, arr(c, 2))),
            "swap_bits": (cuda_gates.swap_bits_kernel, (arr(c, 2), arr(i64), arr(i64))),
            "scale": (cuda_gates.scale_kernel, (arr(c, 2), arr(c))),
            "sweep": (cuda_lanes.sweep_kernel(dt), sweep_args),
            "sweep_wide": (cuda_lanes.sweep_kernel(dt, wide=True), sweep_args),
            "pauli_overlap": (cuda_measure.pauli_overlap, (arr(c), arr(c), i64, i64, arr(f64, 2))),
        }

    failures = 0
    compiled = 0
    for dt in (np.complex128, np.complex64):
        c = numba.from_dtype(np.dtype(dt))
        kernels = gate_kernels(dt)
        kernels.update({
            "basis_zero": (cuda_gates.basis_zero_kernel, (arr(c, 2),)),
            "copy": (cuda_gates.copy_kernel, (arr(c), arr(c))),
            "probability_of_one": (cuda_measure.probability_of_one, (arr(c), i64, arr(f64, 2))),
            "collapse": (cuda_measure.collapse, (arr(c), i64, i64, f64, b1)),
            "block_norms": (cuda_measure.block_norms, (arr(c), i64, arr(f64))),
            "sample_keys": (cuda_measure.sample_keys, (arr(c), i64, arr(f64), arr(f64), arr(i64), arr(i64))),
            "histogram": (cuda_measure.histogram, (arr(i64), arr(i64))),
            "pauli_rotation": (cuda_pauli.pauli_rotation, (arr(c), i64, i64, i64, c128, f64)),
            "apply_pauli_sum": (cuda_pauli.apply_pauli_sum, (arr(c), arr(c), arr(i64), arr(i64), arr(i64), arr(c128))),
        })
        failures += _compile_all(cuda, kernels, np.dtype(dt).name)
        compiled += len(kernels)
    for dt in (np.float64, np.float32):  # the density matrix (gpu_density): gate kernels on real data
        r = numba.from_dtype(np.dtype(dt))
        kernels = gate_kernels(dt)
        kernels.update({
            "dense_wide": (cuda_gates.dense_kernel(dt, cuda_gates.MAX_DENSE_REAL_QUBITS),
                           (arr(r, 2), arr(i64), i64, arr(i64), arr(r, 2))),
            "pauli_basis_zero": (cuda_density.pauli_basis_zero, (arr(r), i64)),
            "gather": (cuda_density.gather, (arr(r), arr(i64), arr(r))),
        })
        failures += _compile_all(cuda, kernels, np.dtype(dt).name)
        compiled += len(kernels)
    print(f"compiled {compiled} kernels, {failures} failed ({_implementation()} numba.cuda)")
    return 1 if failures else 0


def _implementation() -> str:
    """numba's built-in CUDA target, or the numba-cuda package and its version."""
    from numba import cuda
    if getattr(cuda, "implementation", "Built-in") == "Built-in":
        return "built-in"
    from importlib.metadata import version
    return f"numba-cuda {version('numba-cuda')}"


def _compile_all(cuda, kernels: dict, dtype_name: str) -> int:
    failures = 0
    for name, (kernel, signature) in kernels.items():
        start = time.perf_counter()
        try:
            cuda.compile_ptx(kernel.py_func, signature, cc=(9, 0))
            print(f"ok {name} {dtype_name} {time.perf_counter() - start:.2f} s")
        except Exception as exc:
            failures += 1
            print(f"FAIL {name} {dtype_name}: {type(exc).__name__}: {exc}")
    return failures


if __name__ == "__main__":
    sys.exit(main())
