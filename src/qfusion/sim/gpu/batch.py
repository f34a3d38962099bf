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

from dataclasses import dataclass

import numpy as np

from qfusion.circuit.circuit import Circuit
from qfusion.circuit.gates import Barrier, Gate, StandardGate
from qfusion.circuit.parameter import bind_columns
from qfusion.errors import BackendError, CircuitError
from qfusion.sim.fusion import MAX_DIAGONAL_QUBITS, MAX_FUSED_QUBITS
from qfusion.sim.gpu.device import GpuOptions, launch, numba_cuda, require_device
from qfusion.sim.gpu.statevector import _new_state
from qfusion.sim.gpu.steps import run_steps
from qfusion.sim.kernels import cuda_gates
from qfusion.sim.plan import gate_op, reorder_matrix
from qfusion.sim.statevector import resolve_dtype


@dataclass(frozen=True, eq=False)
class BatchPlan:
    """Steps for :func:`qfusion.sim.gpu.steps.run_steps` with one coefficient row per parameter set."""
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
    parameter sets by one structural plan. Only parameterized gates are evaluated per row, all
    rows at once (:func:`batch_matrices`); a product gate (a global pulse) runs as its factors."""
    dtype = resolve_dtype(dtype)
    rows = np.atleast_2d(np.asarray(params, dtype=float))
    parameters = circuit.parameters
    if rows.shape[1] != len(parameters):
        raise CircuitError(f"params must have {len(parameters)} columns (one per circuit parameter, "
                           f"in the order of circuit.parameters); got shape {rows.shape}")
    columns = {p.name: rows[:, j] for j, p in enumerate(parameters)}
    cache: dict = {}
    gates = [_batch_gate(gate, qubits, columns, len(rows), cache) for inst in circuit.instructions
             if not isinstance(inst.operation, Barrier) for gate, qubits in _factors(inst)]
    groups = _structural_fusion(gates, max_fused_qubits, max_diagonal_qubits)
    steps = tuple(_group_step(gates, qubits, members, diagonal, len(rows), dtype)
                  for qubits, members, diagonal in groups)
    phases = np.exp(1j * bind_columns(circuit.global_phase, columns, len(rows))).astype(dtype)
    return BatchPlan(circuit.num_qubits, len(rows), steps, phases)


def _factors(inst) -> list:
    """``(gate, qubits)`` of an unconditioned gate instruction: one, or one per factor of a product
    gate, as :func:`qfusion.sim.plan.gate_ops_of` lowers it."""
    op = inst.operation
    if not isinstance(op, Gate) or inst.condition is not None:
        raise CircuitError(f"batched simulation takes circuits of unconditioned gates only, not {op.name!r}")
    factors = getattr(op, "factors", None)
    if factors is None:
        return [(op, tuple(inst.qubits))]
    return [(factor, tuple(inst.qubits[j] for j in on)) for factor, on in factors()]


def _batch_gate(gate, qubits: tuple, columns: dict, count: int, cache: dict) -> tuple:
    """``(ascending qubits, kind, matrices[count or 1, d, d])`` for one gate.

    Standard gates with the same parameters share their matrices (a QAOA layer has one angle for
    all its gates), so each distinct angle costs one batch of matrices, not one per gate.
    """
    if not gate.is_parameterized:
        lowered = gate_op(gate.matrix(), qubits, gate.kind)
        return lowered.qubits, lowered.kind, lowered.matrix[None]
    if isinstance(gate, StandardGate):
        key = (gate.name, gate.params)
        matrices = cache.get(key)
        if matrices is None:
            values = np.stack([bind_columns(p, columns, count) for p in gate.params], axis=1)
            matrices = cache[key] = batch_matrices(gate, values)
    else:  # a modified gate (controlled, inverse, ...) is bound as a whole, once per distinct row
        names = sorted(p.name for p in gate.parameters)
        unique, inverse = np.unique(np.stack([columns[name] for name in names], axis=1), axis=0, return_inverse=True)
        matrices = np.array([gate.bind(dict(zip(names, row, strict=False))).matrix() for row in unique])[inverse.reshape(-1)]
    dim = matrices.shape[1]
    ordered, order = reorder_matrix(np.arange(dim * dim).reshape(dim, dim), qubits)
    if ordered != qubits:
        matrices = matrices.reshape(count, -1)[:, order.ravel()].reshape(count, dim, dim)
    off_diagonal = matrices * (1 - np.eye(dim))[None]
    return ordered, "diagonal" if not np.any(off_diagonal) else "dense", matrices


_NODES = 5  # samples per parameter: a trigonometric polynomial of degree 2 in the half angle
_FREQUENCIES = np.array([0, 1, 2, -2, -1])  # of e^{i k theta/2}, in the order np.fft gives them
_MAX_FITTED_PARAMS = 3


def batch_matrices(gate: StandardGate, values: np.ndarray) -> np.ndarray:
    """The matrices ``(rows, d, d)`` of a parameterized standard gate for every row of ``values``
    (one column per parameter).

    The matrices of standard gates are trigonometric polynomials of degree at most two in each half
    angle (``cos(t/2)``, ``e^{i t/2}``, ``e^{i t}``), so ``5^p`` samples determine them exactly: their
    discrete Fourier coefficients give every row by one small matrix product, with no Python loop
    over the rows. The fit is checked at other angles; a gate it does not fit is evaluated once
    per distinct row.

    >>> from qfusion.circuit.gates import standard_gate
    >>> angles = np.array([[0.3], [-1.2]])
    >>> got = batch_matrices(standard_gate("rx", 0.0), angles)
    >>> bool(np.allclose(got, [standard_gate("rx", a).matrix() for a in angles[:, 0]], atol=1e-14))
    True
    """
    rows, count = values.shape
    fitted = _fourier_coefficients(gate, count, values[:2]) if count <= _MAX_FITTED_PARAMS else None
    if fitted is None:
        unique, inverse = np.unique(values, axis=0, return_inverse=True)
        return np.array([np.asarray(gate._matrix(tuple(v)), dtype=complex) for v in unique])[inverse.reshape(-1)]
    return _fourier_values(fitted, values)


def _fourier_coefficients(gate, count: int, checks: np.ndarray) -> np.ndarray | None:
    """``C[k_1, ..., k_p, a, b]`` with ``M(t) = sum_k C[k] prod_j e^{i k_j t_j / 2}``, or None when that
    does not reproduce the gate at the rows ``checks`` and at two other points."""
    nodes = 4 * np.pi * np.arange(_NODES) / _NODES
    grid = np.stack(np.meshgrid(*[nodes] * count, indexing="ij"), axis=-1).reshape(-1, count)
    samples = np.array([np.asarray(gate._matrix(tuple(point)), dtype=complex) for point in grid])
    dim = samples.shape[1]
    coefficients = np.fft.fftn(samples.reshape((_NODES,) * count + (dim, dim)), axes=range(count)) / _NODES ** count
    probes = np.concatenate([checks, np.array([[0.7390851] * count, [-2.2360679] * count])])
    expected = np.array([np.asarray(gate._matrix(tuple(point)), dtype=complex) for point in probes])
    if not np.allclose(_fourier_values(coefficients, probes), expected, rtol=0, atol=1e-12):
        return None
    return coefficients


def _fourier_values(coefficients: np.ndarray, values: np.ndarray) -> np.ndarray:
    rows, count = values.shape
    dim = coefficients.shape[-1]
    phases = [np.exp(0.5j * np.outer(values[:, j], _FREQUENCIES)) for j in range(count)]
    out = np.einsum("rk,k...->r...", phases[0], coefficients.reshape((_NODES,) * count + (dim * dim,)))
    for phase in phases[1:]:
        out = np.einsum("rk,rk...->r...", phase, out)
    return out.reshape(rows, dim, dim)


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
    if diagonal:  # the product over the union of the members so far, so the first products are short
        grown, total = (), np.ones((1, 1), dtype=complex)
        for m in members:
            qubits, _, matrices = gates[m]
            before, grown = grown, tuple(sorted(set(grown) | set(qubits)))
            size = 1 << len(grown)
            diagonals = np.diagonal(matrices, axis1=1, axis2=2)
            total = total[:, _sub_index(size, before, grown)] * diagonals[:, _sub_index(size, qubits, grown)]
        return ("diagonal", bits, len(union), np.ascontiguousarray(total, dtype=dtype))
    if len(union) > cuda_gates.MAX_DENSE_QUBITS:
        raise BackendError(f"batched gpu simulation applies gates on at most {cuda_gates.MAX_DENSE_QUBITS} qubits; "
                           f"got one on {len(union)} (decompose it)")
    rows, cols = np.meshgrid(np.arange(dim), np.arange(dim), indexing="ij")
    total = None
    for m in members:
        qubits, _, matrices = gates[m]
        if qubits == union:
            embedded = matrices
        else:
            mask = sum(1 << union.index(q) for q in qubits)
            same_rest = (rows & ~mask) == (cols & ~mask)
            sub = _sub_index(dim, qubits, union)
            embedded = np.where(same_rest[None], matrices[:, sub[rows], sub[cols]], 0)
        total = embedded if total is None else embedded @ total
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
    launch(cuda_gates.scale_kernel, state.shape[0] * state.shape[1], options, state,
            numba_cuda().to_device(plan.phases))
    return state.copy_to_host()


