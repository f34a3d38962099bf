"""The GPU state vector's plan as device steps: the CPU plan (:mod:`qfusion.sim.lanes`,
:mod:`qfusion.sim.fusion`) encoded as the arguments of the CUDA kernels, uploaded once and launched.

States of at least ``lanes_from_qubits`` qubits run the lane-sweep plan of :mod:`qfusion.sim.lanes`
(fused gates packed into sweeps; one read and one write of the state per sweep) in shared memory
(:mod:`qfusion.sim.kernels.cuda_lanes`, the twin of ``cpu_lanes``); smaller states, or plans the
sweeps cannot hold, run one kernel per fused gate (:mod:`qfusion.sim.kernels.cuda_gates`).

The plan is built on the host and needs no GPU: 14 Hadamards on 14 qubits take three sweeps
(each mixes at most 5 qubits in a 2^11-amplitude chunk, 32 KiB of shared memory), or two with
``sweep_qubits=13`` (2^13 amplitudes, 128 KiB: at most 7 qubits a sweep; H100/H200 allow up to
227 KiB a block), and three gates on 3 qubits two fused gates.

>>> from qfusion.circuit import Circuit
>>> from qfusion.sim.plan import lower
>>> wide = Circuit(14)
>>> for q in range(14):
...     _ = wide.h(q)
>>> [step[0] for step in gate_steps(list(lower(wide).ops), 14, np.complex128, GpuOptions())]
['sweep', 'sweep', 'sweep']
>>> len(gate_steps(list(lower(wide).ops), 14, np.complex128, GpuOptions(sweep_qubits=13)))
2
>>> [step[0] for step in gate_steps(list(lower(Circuit(3).h(0).cx(0, 1).t(2)).ops), 3, np.complex128,
...                                 GpuOptions())]
['dense', 'diagonal']
"""

from __future__ import annotations

import numpy as np

from qfusion.errors import BackendError
from qfusion.sim.fusion import BitSwap, fuse, restore_layout
from qfusion.sim.gpu.device import GpuOptions, launch, numba_cuda
from qfusion.sim.kernels import cuda_gates, cuda_lanes, cuda_launch
from qfusion.sim.lanes import LaneSweep, lane_schedule
from qfusion.sim.memory import format_bytes
from qfusion.sim.plan import GateOp


def gate_steps(ops: list[GateOp], num_qubits: int, dtype, options: GpuOptions) -> list[tuple]:
    """The device steps for ``ops`` on a state in qubit order, ending in qubit order:
    ``("sweep", arrays)``, ``("dense" | "diagonal" | "permutation", bits, k, ...)`` and ``("swap", first, second)``."""
    use_lanes = options.lanes if options.lanes is not None else num_qubits >= options.lanes_from_qubits
    if use_lanes:
        active = min(sweep_qubits(dtype, options), num_qubits)
        planned = lane_schedule(ops, num_qubits, tuple(range(num_qubits)), dtype, active, options.sweep_mixed,
                                options.max_diagonal_qubits)
        if planned is not None and all(_fits_sweep_kernel(s, options) for s in planned[0]):
            sweeps, layout = planned
            return [_sweep_step(s, dtype) for s in sweeps] + [_swap_step(s) for s in restore_layout(layout)]
    return [_gate_step(op, dtype) for op in fuse(ops, options.max_fused_qubits, options.max_diagonal_qubits)]


def sweep_qubits(dtype, options: GpuOptions) -> int:
    """The buffer bits of a sweep's chunk of ``dtype`` under ``options`` (at most what 227 KiB holds)."""
    largest = cuda_lanes.max_active(dtype, cuda_lanes.MAX_SHARED_BYTES)
    return min(options.sweep_qubits or cuda_lanes.max_active(dtype), largest)


def _fits_sweep_kernel(sweep: LaneSweep, options: GpuOptions) -> bool:
    op_type, op_nbits = sweep.arrays[6], sweep.arrays[9]
    return not np.any((op_type == 2) & (op_nbits > cuda_lanes.max_wide_bits(options.threads_per_block)))


def _coefficients(values: np.ndarray, dtype) -> np.ndarray:
    """``values`` as ``dtype``; a real dtype (the density matrix's Pauli vector) keeps the real part."""
    return np.ascontiguousarray(values.real if np.dtype(dtype).kind == "f" else values, dtype=dtype)


def _sweep_step(sweep: LaneSweep, dtype) -> tuple:
    arrays = list(sweep.arrays)
    coef = _coefficients(arrays[15].astype(np.float64) + 1j * arrays[16], dtype)
    return ("sweep", np.int64(arrays[0])) + tuple(arrays[1:15]) + (coef, arrays[17])


def _swap_step(step: BitSwap) -> tuple:
    return ("swap", step.first, step.second)


def _gate_step(op: GateOp, dtype) -> tuple:
    bits = np.array(op.qubits, dtype=np.int64)
    k = len(bits)
    dim = 1 << k
    offsets = np.array([sum(1 << int(bits[j]) for j in range(k) if (a >> j) & 1) for a in range(dim)],
                       dtype=np.int64)
    if op.kind == "diagonal":
        return ("diagonal", bits, k, _coefficients(np.diagonal(op.matrix), dtype)[None, :])
    if op.kind == "permutation" and k > cuda_gates.MAX_DENSE_QUBITS:
        if k > cuda_gates.max_permutation_qubits(dtype):
            raise BackendError(f"the gpu backend applies permutation gates on at most "
                               f"{cuda_gates.max_permutation_qubits(dtype)} index bits; got one on {k} "
                               "(decompose it)")
        perm = np.argmax(np.abs(op.matrix), axis=0).astype(np.int64)
        phase = _coefficients(op.matrix[perm, np.arange(dim)], dtype)[None, :]
        return ("permutation", bits, k, offsets, perm, phase)
    if k > cuda_gates.max_dense_qubits(dtype):
        raise BackendError(f"the gpu backend applies dense gates on at most {cuda_gates.max_dense_qubits(dtype)} "
                           f"index bits; got one on {k} (decompose it)")
    return ("dense", bits, k, offsets, _coefficients(op.matrix.reshape(1, -1), dtype))


def upload(steps: list[tuple]) -> list[list]:
    """Each step's arguments with its arrays as device views: one host-to-device copy per array
    dtype for the whole plan, not one per array (a copy costs about as much as a small pass)."""
    cuda = numba_cuda()
    pools: dict[str, list[np.ndarray]] = {}
    for step in steps:
        for a in step[1:]:
            if isinstance(a, np.ndarray):
                pools.setdefault(a.dtype.str, []).append(np.ascontiguousarray(a).reshape(-1))
    device = {key: cuda.to_device(np.concatenate(parts)) for key, parts in pools.items()}
    used = dict.fromkeys(pools, 0)
    out = []
    for step in steps:
        args = [step[0]]
        for a in step[1:]:
            if isinstance(a, np.ndarray):
                key, start = a.dtype.str, used[a.dtype.str]
                view = device[key][start:start + a.size]
                args.append(view.reshape(a.shape) if a.ndim != 1 else view)
                used[key] = start + a.size
            else:
                args.append(a)
        out.append(args)
    return out


def run_steps(state, steps: list[tuple], options: GpuOptions) -> None:
    """Launch every step on the device array ``state`` (shape ``(batch, 2**n)``)."""
    if steps:
        launch_steps(state, steps, upload(steps), options)


def check_shared_memory(steps: list[tuple], dtype) -> None:
    """Raise :class:`BackendError` unless the device gives every sweep of ``steps`` its chunk of shared memory."""
    needed = max((cuda_lanes.shared_bytes(step[1], dtype) for step in steps if step[0] == "sweep"), default=0)
    if needed <= cuda_launch.PORTABLE_SHARED_BYTES:
        return
    limit = cuda_launch.shared_limit()
    if limit is not None and needed > limit:
        active = cuda_lanes.max_active(dtype, needed)
        raise BackendError(f"sweeps of 2^{active} {np.dtype(dtype).name} amplitudes need {format_bytes(needed)} of "
                           f"shared memory a block; this GPU allows {format_bytes(limit)} (use "
                           f"GpuOptions(sweep_qubits={cuda_lanes.max_active(dtype, limit)}) or fewer)")


def launch_steps(state, steps: list[tuple], device_steps: list[list], options: GpuOptions) -> None:
    """Launch ``steps`` whose arrays :func:`upload` has already put on the device (a plan run many times)."""
    total = state.shape[0] * state.shape[1]
    check_shared_memory(steps, state.dtype)
    for step, device_step in zip(steps, device_steps, strict=False):
        kind, args = step[0], device_step[1:]
        if kind == "sweep":
            if state.shape[0] != 1:
                raise BackendError("sweeps run on one state at a time")
            kernel = cuda_lanes.sweep_kernel(state.dtype, cuda_lanes.needs_wide(step[7], step[10]))
            blocks = max(1, min(1 << len(step[2]), options.max_blocks))
            cuda_launch.launch(kernel, blocks, options.threads_per_block, cuda_lanes.shared_bytes(step[1], state.dtype),
                               state.reshape(state.shape[1]), *args)
        elif kind == "dense":
            launch(cuda_gates.dense_kernel(state.dtype, step[2]), total >> step[2], options, state, *args)
        elif kind == "permutation":
            launch(cuda_gates.permutation_kernel(state.dtype), total >> step[2], options, state, *args)
        elif kind == "diagonal":
            launch(cuda_gates.diagonal_kernel, total, options, state, *args)
        else:
            launch(cuda_gates.swap_bits_kernel, total, options, state, *args)
