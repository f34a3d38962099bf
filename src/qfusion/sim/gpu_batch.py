"""Batched GPU simulation: one circuit, many parameter sets, every state in one launch per gate.

What VQE, QAOA and quantum-kernel sweeps need: the circuit is lowered once per parameter
set, fused once by structure (which gates merge depends only on their qubits, so every set
gets the same plan), and each fused gate is applied to all states of the batch by one kernel
launch with one matrix per state (:mod:`.kernels.cuda_gates`).

>>> from qfusion.circuit import Circuit, Parameter
>>> theta = Parameter("theta")
>>> circuit = Circuit(1).ry(theta, 0)
>>> batch_plan(circuit, [[0.0], [np.pi]]).num_passes
1
"""

from __future__ import annotations

import cmath
from dataclasses import dataclass

import numpy as np

from qfusion.circuit.circuit import Circuit
from qfusion.errors import BackendError, CircuitError
from qfusion.sim.fusion import MAX_DIAGONAL_QUBITS, MAX_FUSED_QUBITS
from qfusion.sim.gpu import GpuOptions, _cuda, _launch, _new_state, require_device, run_steps
from qfusion.sim.kernels import cuda_gates
from qfusion.sim.plan import lower
from qfusion.sim.statevector import resolve_dtype


@dataclass(frozen=True, eq=False)
class BatchPlan:
    """Steps for :func:`qfusion.sim.gpu.run_steps` with one coefficient row per parameter set."""
    num_qubits: int
    batch: int
    steps: tuple
    phases: np.ndarray

    @property
    def num_passes(self) -> int:
        return len(self.steps)


def batch_plan(circuit: Circuit, params, *, dtype=np.complex128, max_fused_qubits: int = MAX_FUSED_QUBITS,
               max_diagonal_qubits: int = MAX_DIAGONAL_QUBITS) -> BatchPlan:
    """Lower ``circuit`` for every row of ``params`` (values in the order of ``circuit.parameters``)
    and fuse all of them by one structural plan."""
    dtype = resolve_dtype(dtype)
    rows = np.atleast_2d(np.asarray(params, dtype=float))
    if rows.shape[1] != len(circuit.parameters):
        raise CircuitError(f"params must have {len(circuit.parameters)} columns (one per circuit parameter, "
                           f"in the order of circuit.parameters); got shape {rows.shape}")
    programs = [lower(circuit, row) if circuit.is_parameterized else lower(circuit) for row in rows]
    if not programs[0].is_unitary or programs[0].terminal_measurements:
        raise CircuitError("batched simulation takes circuits of gates only (no measurement or reset)")
    columns = list(zip(*(p.ops for p in programs)))  # per gate: its op in every parameter set
    groups = _structural_fusion(columns, max_fused_qubits, max_diagonal_qubits)
    steps = tuple(_group_step(columns, qubits, members, diagonal, dtype) for qubits, members, diagonal in groups)
    phases = np.array([cmath.exp(1j * p.global_phase) for p in programs], dtype=dtype)
    return BatchPlan(programs[0].num_qubits, len(rows), steps, phases)


def _structural_fusion(columns, max_fused: int, max_diagonal: int):
    """Greedy merging as :func:`qfusion.sim.fusion.fuse`, decided from qubits and kinds alone."""
    groups: list[list] = []  # [qubits set, member indices, all diagonal]
    last: dict[int, int] = {}
    for index, ops in enumerate(columns):
        qubits = ops[0].qubits
        diagonal = all(op.kind == "diagonal" for op in ops)
        target = max((last.get(q, -1) for q in qubits), default=-1)
        if target >= 0:
            host = groups[target]
            union = host[0] | set(qubits)
            both = host[2] and diagonal
            if len(union) <= (max_diagonal if both else max_fused):
                host[0], host[2] = union, both
                host[1].append(index)
                for q in qubits:
                    last[q] = target
                continue
        groups.append([set(qubits), [index], diagonal])
        for q in qubits:
            last[q] = len(groups) - 1
    return [(tuple(sorted(q)), members, diagonal) for q, members, diagonal in groups]


def _sub_index(dim: int, op_qubits, union) -> np.ndarray:
    index = np.arange(dim)
    sub = np.zeros_like(index)
    for j, q in enumerate(op_qubits):
        sub |= ((index >> union.index(q)) & 1) << j
    return sub


def _group_step(columns, union: tuple[int, ...], members: list[int], diagonal: bool, dtype) -> tuple:
    dim = 1 << len(union)
    bits = np.array(union, dtype=np.int64)
    if diagonal:
        total = np.ones((len(columns[0]), dim), dtype=complex)
        for m in members:
            ops = columns[m]
            diagonals = np.array([np.diagonal(op.matrix) for op in ops])
            total *= diagonals[:, _sub_index(dim, ops[0].qubits, union)]
        return ("diagonal", bits, len(union), total.astype(dtype))
    if len(union) > cuda_gates.MAX_DENSE_QUBITS:
        raise BackendError(f"batched gpu simulation applies gates on at most {cuda_gates.MAX_DENSE_QUBITS} qubits")
    rows, cols = np.meshgrid(np.arange(dim), np.arange(dim), indexing="ij")
    total = np.broadcast_to(np.eye(dim, dtype=complex), (len(columns[0]), dim, dim)).copy()
    for m in members:
        ops = columns[m]
        matrices = np.array([op.matrix for op in ops])
        mask = sum(1 << union.index(q) for q in ops[0].qubits)
        same_rest = (rows & ~mask) == (cols & ~mask)
        sub = _sub_index(dim, ops[0].qubits, union)
        embedded = np.where(same_rest[None], matrices[:, sub[rows], sub[cols]], 0)
        total = embedded @ total
    offsets = np.array([sum(1 << int(union[j]) for j in range(len(union)) if (a >> j) & 1) for a in range(dim)],
                       dtype=np.int64)
    return ("dense", bits, len(union), offsets, total.reshape(len(total), -1).astype(dtype))


def simulate_batch(circuit: Circuit, params, *, dtype=np.complex128, options: GpuOptions | None = None,
                   plan: BatchPlan | None = None):
    """States of ``circuit`` for every row of ``params``, as a host array ``(batch, 2**n)``.

    ``plan`` (from :func:`batch_plan`) skips lowering again when the same parameters run twice.
    """
    require_device()
    options = options or GpuOptions()
    plan = plan or batch_plan(circuit, params, dtype=dtype)
    dtype = resolve_dtype(dtype)
    state = _new_state(plan.num_qubits, dtype, batch=plan.batch)
    run_steps(state, list(plan.steps), options)
    _launch(cuda_gates.scale_kernel, state.shape[0] * state.shape[1], options, state,
            _cuda().to_device(plan.phases))
    return state.copy_to_host()


