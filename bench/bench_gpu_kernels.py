"""numba-cuda or CuPy? The same gate passes written with each, timed against the copy floor.

Issue 5 asks that the GPU kernels' tool be chosen by measured speed. This script times one
pass over a ``2**n`` state, in complex64 and complex128, for:

* ``copy``: a device-to-device copy of the state (the memory-bandwidth floor);
* ``qfusion dense`` / ``qfusion diagonal``: the gpu backend's generic kernels
  (:mod:`qfusion.sim.kernels.cuda_gates`, through :func:`qfusion.sim.gpu.launch_steps`) applying
  a one-qubit ``rx`` / ``rz``;
* ``numba 1q`` / ``numba diag``: the same updates as hand-specialised numba.cuda kernels (one
  pair, or one amplitude, per thread; no local arrays), which separates numba's code generation
  from qfusion's kernel design;
* ``cupy 1q`` / ``cupy diag``: the same specialised kernels in CUDA C through ``cupy.RawKernel``
  (skipped, with the reason, where CuPy cannot run);
* ``qfusion sweep K ops``: single shared-memory sweeps of the lane plan
  (:mod:`qfusion.sim.kernels.cuda_lanes`) holding 1, 4 and 16 layers of an ``rx`` on each qubit
  it mixes and a ``cz`` chain: their times against the op count give the cost of one op in
  shared memory, the part of a sweep the copy floor does not bound.

Each gate is applied on a low (0) and a high (n-1) qubit. All results are cross-checked: every
implementation of an update must give the same state (to 1e-5 in complex64, 1e-12 in
complex128) before its time is reported. Times are the best of ``--repeat`` runs, each the mean
of ``--inner`` back-to-back launches between two device synchronisations.

    python bench/bench_gpu_kernels.py                  # n = 28, both dtypes
    python bench/bench_gpu_kernels.py --qubits 26,30 --json out.json
    NUMBA_ENABLE_CUDASIM=1 python bench/bench_gpu_kernels.py --qubits 6 --repeat 1 --inner 1   # logic only
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time

import numpy as np
from numba import cuda  # a global, not a closure: numba's CUDA simulator swaps the kernels' globals

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src"))

THREADS = 256
MAX_BLOCKS = 1 << 16

_CUDA_SOURCE = r"""
#include <cupy/complex.cuh>
typedef complex<REAL> amp;

extern "C" __global__ void dense1_NAME(amp* __restrict__ s, const amp* __restrict__ m, long long pairs, int q) {
    const amp m0 = m[0], m1 = m[1], m2 = m[2], m3 = m[3];
    const long long low = (1LL << q) - 1;
    for (long long p = blockIdx.x * (long long)blockDim.x + threadIdx.x; p < pairs;
         p += (long long)blockDim.x * gridDim.x) {
        const long long i0 = ((p >> q) << (q + 1)) | (p & low);
        const long long i1 = i0 | (1LL << q);
        const amp a0 = s[i0], a1 = s[i1];
        s[i0] = m0 * a0 + m1 * a1;
        s[i1] = m2 * a0 + m3 * a1;
    }
}

extern "C" __global__ void diag1_NAME(amp* __restrict__ s, const amp* __restrict__ d, long long size, int q) {
    const amp d0 = d[0], d1 = d[1];
    for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < size;
         i += (long long)blockDim.x * gridDim.x) {
        s[i] *= ((i >> q) & 1) ? d1 : d0;
    }
}
"""


def _blocks(total: int) -> int:
    return max(1, min(-(-total // THREADS), MAX_BLOCKS))


def numba_kernels():
    """Hand-specialised numba.cuda kernels: a one-qubit dense gate (a pair per thread) and a
    one-qubit diagonal (an amplitude per thread)."""

    @cuda.jit
    def dense1(s, m, q):
        pairs = s.shape[0] >> 1
        m0, m1, m2, m3 = m[0], m[1], m[2], m[3]
        low = (1 << q) - 1
        for p in range(cuda.grid(1), pairs, cuda.gridsize(1)):
            i0 = ((p >> q) << (q + 1)) | (p & low)
            i1 = i0 | (1 << q)
            a0 = s[i0]
            a1 = s[i1]
            s[i0] = m0 * a0 + m1 * a1
            s[i1] = m2 * a0 + m3 * a1

    @cuda.jit
    def diag1(s, d, q):
        d0, d1 = d[0], d[1]
        for i in range(cuda.grid(1), s.shape[0], cuda.gridsize(1)):
            s[i] *= d1 if (i >> q) & 1 else d0

    return dense1, diag1


def cupy_kernels(dtype):
    """``(cupy, dense1, diag1)`` compiled from :data:`_CUDA_SOURCE`; raises where CuPy cannot run."""
    import cupy
    cupy.cuda.runtime.getDeviceCount()
    real, name = ("float", "c64") if np.dtype(dtype) == np.complex64 else ("double", "c128")
    module = cupy.RawModule(code=_CUDA_SOURCE.replace("REAL", real).replace("NAME", name))
    return cupy, module.get_function(f"dense1_{name}"), module.get_function(f"diag1_{name}")


def timed(fn, repeat: int, inner: int) -> float:
    """Best over ``repeat`` of the mean seconds of ``inner`` back-to-back calls of ``fn``."""
    best = math.inf
    for _ in range(repeat):
        cuda.synchronize()
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        cuda.synchronize()
        best = min(best, (time.perf_counter() - t0) / inner)
    return best


def _short(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}"


def run_one(n: int, dtype, args) -> list[dict]:
    """Every case at ``n`` qubits in ``dtype``; a list of rows (seconds, floor ratio, check)."""
    from qfusion.circuit.gates import standard_gate
    from qfusion.sim import statevector as cpu
    from qfusion.sim.gpu import statevector as gpu
    from qfusion.sim.gpu import steps as gpu_steps
    from qfusion.sim.plan import gate_op

    dtype = np.dtype(dtype)
    gpu.check_device_fits(n, dtype, copies=3)
    rng = np.random.default_rng(n)
    host = (rng.standard_normal(1 << n) + 1j * rng.standard_normal(1 << n)).astype(dtype)
    host /= np.linalg.norm(host)
    source = cuda.to_device(host)
    work = cuda.device_array_like(source)
    tol = 1e-5 if dtype == np.complex64 else 1e-12
    options = gpu.GpuOptions()
    rows: list[dict] = []

    def add(case, qubit, seconds, check=None, skipped=None):
        row = {"n": n, "dtype": dtype.name, "case": case, "qubit": qubit, "seconds": seconds,
               "check": check, "skipped": skipped}
        rows.append(row)
        if skipped:
            print(f"  {case:<18} q={qubit!s:<3} skipped: {skipped}", flush=True)
        else:
            print(f"  {case:<18} q={qubit!s:<3} {seconds * 1e3:9.4f} ms  {check or ''}", flush=True)

    floor = timed(lambda: work.copy_to_device(source), args.repeat, args.inner)
    add("copy", None, floor)

    def result_of(apply):
        """``apply`` once to a fresh copy of the state; the host copy of the result."""
        work.copy_to_device(source)
        apply()
        cuda.synchronize()
        return work.copy_to_host()

    numba_dense, numba_diag = numba_kernels()
    try:
        cp, cupy_dense, cupy_diag = cupy_kernels(dtype)
        cupy_work = cp.asarray(work)  # the same device memory, through __cuda_array_interface__
        cupy_error = None
    except Exception as exc:  # noqa: BLE001  (absent, no device, or a compile error: report and go on)
        cp = cupy_dense = cupy_diag = cupy_work = None
        cupy_error = _short(exc)

    for qubit in sorted({0, n - 1}):
        for label, gate, kind in (("1q", standard_gate("rx", 0.7), "dense"), ("diag", standard_gate("rz", 0.7),
                                                                                   "diagonal")):
            op = gate_op(gate.matrix(), (qubit,))
            steps = [gpu_steps._gate_step(op, dtype)]
            device_steps = gpu.upload(steps)
            reference = host.copy()
            if kind == "dense":
                pairs = reference.reshape(-1, 2, 1 << qubit)
                reference = np.einsum("ab,ibj->iaj", op.matrix, pairs).reshape(-1).astype(dtype)
                coef = cuda.to_device(np.ascontiguousarray(op.matrix.reshape(-1), dtype=dtype))
                nb = lambda: numba_dense[_blocks(1 << (n - 1)), THREADS](work, coef, qubit)  # noqa: E731
            else:
                phases = np.diagonal(op.matrix)
                reference = (reference * phases[(np.arange(1 << n) >> qubit) & 1]).astype(dtype)
                coef = cuda.to_device(np.ascontiguousarray(phases, dtype=dtype))
                nb = lambda: numba_diag[_blocks(1 << n), THREADS](work, coef, qubit)  # noqa: E731
            ours = lambda: gpu.launch_steps(work.reshape(1, -1), steps, device_steps, options)  # noqa: E731
            for case, fn in ((f"qfusion {kind}", ours), (f"numba {label}", nb)):
                error = float(np.max(np.abs(result_of(fn) - reference)))
                if error > tol:
                    raise AssertionError(f"{case} on qubit {qubit} differs from NumPy by {error:.2e}")
                add(case, qubit, timed(fn, args.repeat, args.inner), f"max |diff| {error:.1e}")
            if cupy_error:
                add(f"cupy {label}", qubit, None, skipped=cupy_error)
                continue
            cupy_coef = cp.asarray(coef)
            if kind == "dense":
                size, kernel = 1 << (n - 1), cupy_dense
            else:
                size, kernel = 1 << n, cupy_diag
            fn = lambda: kernel((_blocks(size),), (THREADS,), (cupy_work, cupy_coef, np.int64(size),  # noqa: E731
                                                              np.int32(qubit)))
            try:  # never run before this script's first GPU run: a failure is reported, the rest goes on
                error = float(np.max(np.abs(result_of(fn) - reference)))
            except Exception as exc:  # noqa: BLE001
                add(f"cupy {label}", qubit, None, skipped=_short(exc))
                continue
            if error > tol:
                raise AssertionError(f"cupy {label} on qubit {qubit} differs from NumPy by {error:.2e}")
            add(f"cupy {label}", qubit, timed(fn, args.repeat, args.inner), f"max |diff| {error:.1e}")

    # single sweeps in shared memory: `layers` times an rx on each of the most qubits one sweep
    # mixes and a cz chain; the time against the op count is the cost of an op in shared memory
    width = next((w for w in range(min(8, n), 0, -1) if len(_sweep_steps(n, w, 1, dtype)) == 1), 0)
    for layers in (1, 4, 16) if width else ():
        circuit = _layered(n, width, layers)
        steps = _sweep_steps(n, width, layers, dtype)
        if len(steps) != 1:
            add(f"qfusion sweep x{layers}", None, None, skipped=f"plan has {len(steps)} steps, not one sweep")
            continue
        device_steps = gpu.upload(steps)
        fn = lambda: gpu.launch_steps(work.reshape(1, -1), steps, device_steps, options)  # noqa: E731
        expected = np.asarray(cpu.simulate(circuit, dtype=np.complex128))  # from |0>, not the random state
        work.copy_to_device(np.eye(1, 1 << n, dtype=dtype).reshape(-1))
        fn()
        cuda.synchronize()
        error = float(np.max(np.abs(work.copy_to_host() - expected)))
        if error > (1e-5 if dtype == np.complex64 else 1e-12):
            raise AssertionError(f"qfusion sweep differs from the CPU simulator by {error:.2e}")
        add(f"qfusion sweep {len(steps[0][7])} ops", None, timed(fn, args.repeat, args.inner),
            f"max |diff| {error:.1e}")
    if not width:
        add("qfusion sweep", None, None, skipped="no circuit plans to a single sweep")
    for row in rows:
        row["floor_ratio"] = row["seconds"] / floor if row["seconds"] else None
    return rows


def _layered(n: int, width: int, layers: int):
    from qfusion.circuit import Circuit
    circuit = Circuit(n)
    for layer in range(layers):
        for q in range(width):
            circuit.rx(0.1 + 0.05 * q + 0.01 * layer, q)
        for q in range(width - 1):
            circuit.cz(q, q + 1)
    return circuit


def _sweep_steps(n: int, width: int, layers: int, dtype) -> list:
    from qfusion.sim.gpu import statevector as gpu
    from qfusion.sim.plan import lower
    circuit = _layered(n, width, layers)
    steps = gpu.gate_steps(list(lower(circuit).ops), n, np.dtype(dtype).type, gpu.GpuOptions(lanes=True))
    return steps if all(step[0] == "sweep" for step in steps) else steps + [None]


def markdown(rows: list[dict]) -> str:
    lines = ["| n | dtype | case | qubit | ms | / copy floor | check |", "|---|---|---|---:|---:|---:|---|"]
    for r in rows:
        ms = f"{r['seconds'] * 1e3:.4f}" if r["seconds"] else "skipped"
        ratio = f"{r['floor_ratio']:.2f}" if r.get("floor_ratio") else (r["skipped"] or "")[:60]
        lines.append(f"| {r['n']} | {r['dtype']} | {r['case']} | {'' if r['qubit'] is None else r['qubit']} | "
                     f"{ms} | {ratio} | {r['check'] or ''} |")
    return "\n".join(lines)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--qubits", default="28", help="comma list of state sizes (default 28)")
    p.add_argument("--dtype", default="both", choices=["both", "complex64", "complex128"])
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--inner", type=int, default=10)
    p.add_argument("--json", help="write the rows here")
    args = p.parse_args(argv)
    from qfusion.sim.gpu import require_device
    require_device()
    dtypes = ["complex64", "complex128"] if args.dtype == "both" else [args.dtype]
    rows = []
    for n in [int(x) for x in args.qubits.split(",")]:
        for dtype in dtypes:
            print(f"# n={n} {dtype}", flush=True)
            rows += run_one(n, dtype, args)
    print(markdown(rows))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(rows, out, indent=1)


if __name__ == "__main__":
    main()
