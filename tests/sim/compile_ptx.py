"""Compile every CUDA kernel to PTX for sm_90 with numba's real CUDA target, without a GPU.

Run by tests/sim/test_gpu.py in a subprocess (it patches numba so that device functions
compile for a pretend compute capability 9.0 device; no driver is touched). Catches the
typing errors numba's CUDA simulator cannot see. Needs libNVVM (the nvidia-cuda-nvcc-cu12 wheel).
Prints ``ok NAME`` or ``FAIL NAME: error`` per kernel and dtype; exit status 1 on any failure.
"""

import sys
import types as pytypes


def main() -> int:
    import numba.cuda.dispatcher as dispatcher
    dispatcher.get_current_device = lambda: pytypes.SimpleNamespace(compute_capability=(9, 0))
    import numba
    import numpy as np
    from numba import cuda, types

    from qfusion.sim.kernels import cuda_gates, cuda_measure, cuda_sweep

    i64, f64, b1 = types.int64, types.float64, types.boolean

    def arr(t, nd=1):
        return types.Array(t, nd, "C")

    failures = 0
    for dt in (np.complex128, np.complex64):
        c = numba.from_dtype(np.dtype(dt))
        kernels = {
            "dense": (cuda_gates.dense_kernel(dt), (arr(c, 2), arr(i64), i64, arr(i64), arr(c, 2))),
            "permutation": (cuda_gates.permutation_kernel(dt),
                            (arr(c, 2), arr(i64), i64, arr(i64), arr(i64), arr(c, 2))),
            "diagonal": (cuda_gates.diagonal_kernel, (arr(c, 2), arr(i64), i64, arr(c, 2))),
            "swap_bits": (cuda_gates.swap_bits_kernel, (arr(c, 2), arr(i64), arr(i64))),
            "scale": (cuda_gates.scale_kernel, (arr(c, 2), arr(c))),
            "basis_zero": (cuda_gates.basis_zero_kernel, (arr(c, 2),)),
            "copy": (cuda_gates.copy_kernel, (arr(c), arr(c))),
            "sweep": (cuda_sweep.sweep_kernel(dt), (arr(c), i64, arr(i64), arr(i64), arr(i64), arr(i64), arr(i64),
                                                    arr(i64), arr(i64), arr(i64, 2), arr(i64), arr(i64, 2), arr(i64),
                                                    arr(i64), arr(i64), arr(i64), arr(c), arr(b1))),
            "probability_of_one": (cuda_measure.probability_of_one, (arr(c), i64, arr(f64, 2))),
            "collapse": (cuda_measure.collapse, (arr(c), i64, i64, f64, b1)),
            "block_norms": (cuda_measure.block_norms, (arr(c), i64, arr(f64))),
            "sample_keys": (cuda_measure.sample_keys, (arr(c), i64, arr(f64), arr(f64), arr(i64), arr(i64))),
            "histogram": (cuda_measure.histogram, (arr(i64), arr(i64))),
            "pauli_term": (cuda_measure.pauli_term, (arr(c), i64, i64, arr(f64, 2))),
        }
        for name, (kernel, signature) in kernels.items():
            try:
                cuda.compile_ptx(kernel.py_func, signature, cc=(9, 0))
                print(f"ok {name} {np.dtype(dt).name}")
            except Exception as exc:
                failures += 1
                print(f"FAIL {name} {np.dtype(dt).name}: {type(exc).__name__}: {exc}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
