"""Batched GPU simulation: one circuit, many parameter sets, every state in one launch per gate.

What VQE, QAOA and quantum-kernel sweeps need: only the parameterized gates are evaluated per
parameter set, the circuit is fused once by structure (which gates merge depends only on their
qubits and declared kinds, so every set gets the same plan), and each fused gate is applied to
all states of the batch by one kernel launch with one matrix per state (:mod:`.kernels.cuda_gates`).

>>> from qfusion.circuit import Circuit, Parameter
>>> theta = Parameter("theta")
>>> circuit = Circuit(1).ry(theta, 0)
>>> batch_plan(circuit, [[0.0], [np.pi]]).num_passes
1
>>> from qfusion.sim.gpu import device_available
>>> if device_available():  # on a GPU machine: one (2, 2) array, a row per parameter set
...     states = simulate_batch(circuit, [[0.0], [np.pi]])
...     assert np.allclose(np.abs(states), [[1, 0], [0, 1]])
"""

from __future__ import annotations

import cmath
from dataclasses import dataclass

import numpy as np

from qfusion.circuit.circuit import Circuit
from qfusion.circuit.gates import Barrier, Gate, StandardGate
from qfusion.circuit.parameter import bind_value
from qfusion.errors import BackendError, CircuitError
from qfusion.sim.fusion import MAX_DIAGONAL_QUBITS, MAX_FUSED_QUBITS
from qfusion.sim.gpu import GpuOptions, _cuda, _launch, _new_state, require_device, run_steps
from qfusion.sim.kernels import cuda_gates
from qfusion.sim.plan import gate_op, reorder_matrix
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
    """Bind every row of ``params`` (values in the order of ``circuit.parameters``) and fuse all
    parameter sets by one structural plan. Only parameterized gates are evaluated per row."""
    dtype = resolve_dtype(dtype)
    rows = np.atleast_2d(np.asarray(params, dtype=float))
    parameters = circuit.parameters
    if rows.shape[1] != len(parameters):
        raise CircuitError(f"params must have {len(parameters)} columns (one per circuit parameter, "
                           f"in the order of circuit.parameters); got shape {rows.shape}")
    mappings = [dict(zip(parameters, row)) for row in rows]
    cache: dict = {}
    gates = [_batch_gate(inst, mappings, cache) for inst in circuit.instructions
             if not isinstance(inst.operation, Barrier)]
    groups = _structural_fusion(gates, max_fused_qubits, max_diagonal_qubits)
    steps = tuple(_group_step(gates, qubits, members, diagonal, len(rows), dtype)
                  for qubits, members, diagonal in groups)
    phases = np.array([cmath.exp(1j * float(bind_value(circuit.global_phase, m))) for m in mappings], dtype=dtype)
    return BatchPlan(circuit.num_qubits, len(rows), steps, phases)


def _batch_gate(inst, mappings, cache: dict) -> tuple:
    """``(ascending qubits, kind, matrices[rows or 1, d, d])`` for one instruction.

    Standard gates with equal bound angles share one matrix (a QAOA layer has one angle for
    all its gates), so each row costs a parameter evaluation per gate, not a matrix.
    """
    op = inst.operation
    if not isinstance(op, Gate) or inst.condition is not None:
        raise CircuitError(f"batched simulation takes circuits of unconditioned gates only, not {op.name!r}")
    if not op.is_parameterized:
        lowered = gate_op(op.matrix(), inst.qubits, op.kind)
        return lowered.qubits, lowered.kind, lowered.matrix[None]
    standard = isinstance(op, StandardGate)
    matrices = []
    for mapping in mappings:
        values = tuple(float(bind_value(p, mapping)) for p in op.params)
        key = (op.name, values)
        matrix = cache.get(key) if standard else None
        if matrix is None:
            matrix = np.asarray(op._matrix(values), dtype=complex)
            if standard:
                cache[key] = matrix
        matrices.append(matrix)
    qubits, _ = reorder_matrix(matrices[0], tuple(inst.qubits))
    stacked = np.array([reorder_matrix(m, tuple(inst.qubits))[1] for m in matrices]) \
        if qubits != tuple(inst.qubits) else np.array(matrices)
    off_diagonal = stacked * (1 - np.eye(stacked.shape[1]))[None]
    return qubits, "diagonal" if not np.any(off_diagonal) else "dense", stacked


def _structural_fusion(gates, max_fused: int, max_diagonal: int):
    """Greedy merging as :func:`qfusion.sim.fusion.fuse`, decided from qubits and kinds alone."""
    groups: list[list] = []  # [qubits set, member indices, all diagonal]
    last: dict[int, int] = {}
    for index, (qubits, kind, _) in enumerate(gates):
        diagonal = kind == "diagonal"
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


def _group_step(gates, union: tuple[int, ...], members: list[int], diagonal: bool, batch: int, dtype) -> tuple:
    dim = 1 << len(union)
    bits = np.array(union, dtype=np.int64)
    rows_needed = max(len(gates[m][2]) for m in members)
    if diagonal:
        total = np.ones((rows_needed, dim), dtype=complex)
        for m in members:
            qubits, _, matrices = gates[m]
            diagonals = np.diagonal(matrices, axis1=1, axis2=2)
            total = total * diagonals[:, _sub_index(dim, qubits, union)]
        return ("diagonal", bits, len(union), np.ascontiguousarray(total, dtype=dtype))
    if len(union) > cuda_gates.MAX_DENSE_QUBITS:
        raise BackendError(f"batched gpu simulation applies gates on at most {cuda_gates.MAX_DENSE_QUBITS} qubits; "
                           f"got one on {len(union)} (decompose it)")
    rows, cols = np.meshgrid(np.arange(dim), np.arange(dim), indexing="ij")
    total = np.eye(dim, dtype=complex)[None]
    for m in members:
        qubits, _, matrices = gates[m]
        mask = sum(1 << union.index(q) for q in qubits)
        same_rest = (rows & ~mask) == (cols & ~mask)
        sub = _sub_index(dim, qubits, union)
        embedded = np.where(same_rest[None], matrices[:, sub[rows], sub[cols]], 0)
        total = embedded @ total
    offsets = np.array([sum(1 << int(union[j]) for j in range(len(union)) if (a >> j) & 1) for a in range(dim)],
                       dtype=np.int64)
    return ("dense", bits, len(union), offsets, np.ascontiguousarray(total.reshape(len(total), -1), dtype=dtype))


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


