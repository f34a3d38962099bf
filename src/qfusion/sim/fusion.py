"""Fusion and cache blocking: turn a run of gates into few passes over memory.

Two steps, both on plain data:

1. :func:`fuse` merges neighbouring gates into bigger ones: gates on at most
   ``max_fused_qubits`` qubits into one dense (or permutation) block, diagonal gates into
   one diagonal of up to ``max_diagonal_qubits`` qubits.
2. :func:`schedule` cuts the fused gates into *sweeps*. A sweep visits each cache-sized
   chunk of the state once and applies all its gates to it there, so the time is set by
   the number of sweeps, not of gates. A gate may act in a chunk when every qubit it
   *mixes* (changes the bit of) sits at a local bit position; qubits it only reads
   (controls, phases) can be anywhere. When a gate needs a qubit that is not local, one
   pass exchanges bit positions (qubit remapping), evicting the local qubit needed
   furthest in the future. SWAP gates cost nothing: they only rename positions.

>>> from qfusion.circuit import Circuit
>>> from qfusion.sim.plan import lower
>>> ops = fuse(list(lower(Circuit(3).h(0).rz(0.1, 0).cx(0, 1).t(2).cz(1, 2)).ops))
>>> [(op.qubits, op.kind) for op in ops]
[((0, 1), 'dense'), ((1, 2), 'diagonal')]
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from qfusion.circuit.unitary import apply_matrix
from qfusion.sim.plan import GateOp, gate_op, reorder_matrix

MAX_FUSED_QUBITS = 2
MAX_DIAGONAL_QUBITS = 8
_SWAP = np.eye(4)[[0, 2, 1, 3]]
_TYPE = {"dense": 0, "diagonal": 1, "permutation": 2}
_IDENTITY_ATOL = 1e-14  # a few roundings of products of unit-modulus entries


def is_swap(op: GateOp) -> bool:
    """Whether ``op`` is a SWAP (scheduled as a renaming of bit positions, not a pass).

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim.plan import lower
    >>> ops = list(lower(Circuit(4).h(0).cx(0, 3).swap(1, 2).cz(1, 2).h(3)).ops)
    >>> [is_swap(op) for op in ops]
    [False, False, True, False, False]
    """
    if op.num_qubits != 2 or op.kind != "permutation":
        return False
    matrix = op.matrix  # scalar reads first: most two-qubit permutations (CX) differ at once
    return bool(matrix[1, 2] == 1 and matrix[2, 1] == 1 and np.array_equal(matrix, _SWAP))


def is_identity(op: GateOp) -> bool:
    """Whether ``op`` is the identity up to rounding (such as H followed by H), with no phase.

    >>> from qfusion.sim.plan import gate_op
    >>> h = np.array([[1, 1], [1, -1]]) / np.sqrt(2)
    >>> x = gate_op(np.eye(2)[[1, 0]], (0,))
    >>> is_identity(merge(gate_op(h, (0,)), gate_op(h, (0,)))), is_identity(merge(x, x)), is_identity(gate_op(-np.eye(2), (0,)))
    (True, True, False)
    """
    matrix = op.matrix
    if abs(matrix[0, 0] - 1) > _IDENTITY_ATOL:  # most gates fail here, before any array is built
        return False
    if op.kind == "diagonal":
        return bool(np.all(np.abs(np.diagonal(matrix) - 1) <= _IDENTITY_ATOL))
    return bool(np.all(np.abs(matrix - np.eye(matrix.shape[0])) <= _IDENTITY_ATOL))


def fuse(ops: list[GateOp], max_fused_qubits: int = MAX_FUSED_QUBITS,
         max_diagonal_qubits: int = MAX_DIAGONAL_QUBITS, *, keep_diagonals: bool = False) -> list[GateOp]:
    """Greedily merge each gate into the latest fused gate on its qubits when that is legal
    (nothing in between touches the gate's qubits) and the merged gate stays small. A merged gate
    that is the identity (H then H, X then X) is left out: it would cost a pass and change nothing.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim.plan import lower
    >>> ops = list(lower(Circuit(4).h(0).cx(0, 3).swap(1, 2).cz(1, 2).h(3)).ops)
    >>> [(op.qubits, op.kind) for op in fuse(ops, max_fused_qubits=2)]     # the last H joins the (0, 3) block
    [((0, 3), 'dense'), ((1, 2), 'permutation'), ((1, 2), 'diagonal')]

    ``keep_diagonals``: never merge a one-qubit gate that is not diagonal with a multi-qubit diagonal
    one, so that a layer of diagonal gates (rzz, cz, cp) stays diagonal and its gates commute; the
    MPS simulator then orders them to follow its orthogonality center.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim.plan import lower
    >>> ops = list(lower(Circuit(3).rzz(0.1, 0, 1).rzz(0.1, 1, 2).rx(0.2, 1)).ops)
    >>> [op.kind for op in fuse(ops, 2, 2)], [op.kind for op in fuse(ops, 2, 2, keep_diagonals=True)]
    (['diagonal', 'dense'], ['diagonal', 'diagonal', 'dense'])
    """
    fused: list[GateOp] = []
    last: dict[int, int] = {}
    for op in ops:
        target = max((last.get(q, -1) for q in op.qubits), default=-1)
        if target >= 0 and not is_swap(op) and not is_swap(fused[target]) and not (
                keep_diagonals and _breaks_diagonal(fused[target], op)):
            host = fused[target]
            union = sorted(set(host.qubits) | set(op.qubits))
            both_diagonal = host.kind == op.kind == "diagonal"
            limit = max_diagonal_qubits if both_diagonal else max_fused_qubits
            if len(union) <= limit:
                fused[target] = merge(host, op)
                for q in op.qubits:  # the host's other qubits may have later ops already
                    last[q] = target
                continue
        fused.append(op)
        for q in op.qubits:
            last[q] = len(fused) - 1
    # an identity stays in ``fused`` above as a host later gates may merge into; only one that is
    # still the identity at the end is dropped (a merged host holds every gate merged into it)
    return [op for op in fused if not is_identity(op)]


def _breaks_diagonal(host: GateOp, op: GateOp) -> bool:
    """Whether merging would turn a multi-qubit diagonal gate dense only to save a one-qubit gate."""
    for diagonal, other in ((host, op), (op, host)):
        if diagonal.kind == "diagonal" and diagonal.num_qubits > 1 and other.kind != "diagonal" \
                and other.num_qubits == 1:
            return True
    return False


def merge(first: GateOp, second: GateOp) -> GateOp:
    """The single gate equal to ``first`` followed by ``second``.

    >>> from qfusion.sim.plan import gate_op
    >>> h, z = gate_op(np.array([[1, 1], [1, -1]]) / np.sqrt(2), (0,)), gate_op(np.diag([1, -1]), (0,))
    >>> merged = merge(h, z)                                 # Z H
    >>> merged.kind, bool(np.allclose(merged.matrix, np.diag([1, -1]) @ h.matrix))
    ('dense', True)
    """
    union = tuple(sorted(set(first.qubits) | set(second.qubits)))
    if first.kind == second.kind == "diagonal":
        diagonal = _embed_diagonal(first, union) * _embed_diagonal(second, union)
        return GateOp(union, np.diag(diagonal), "diagonal")
    matrix = _embed(second, union) @ _embed(first, union)
    kind = "permutation" if first.kind != "dense" and second.kind != "dense" else None
    return gate_op(matrix, union, kind)


def _embed(op: GateOp, union: tuple[int, ...]) -> np.ndarray:
    if op.qubits == union:
        return op.matrix
    positions = [union.index(q) for q in op.qubits]
    return apply_matrix(np.eye(1 << len(union), dtype=complex), op.matrix, positions, len(union))


def _embed_diagonal(op: GateOp, union: tuple[int, ...]) -> np.ndarray:
    diagonal = np.diagonal(op.matrix)  # a view: no copy of the matrix
    if op.qubits == union:
        return diagonal
    return diagonal[_diagonal_index(op.qubits, union)]


@lru_cache(maxsize=4096)
def _diagonal_index(qubits: tuple[int, ...], union: tuple[int, ...]) -> np.ndarray:
    # the same (gate qubits, merged qubits) pairs recur through a circuit, e.g. a QFT's phases
    index = np.arange(1 << len(union))
    sub = np.zeros_like(index)
    for j, q in enumerate(qubits):
        sub |= ((index >> union.index(q)) & 1) << j
    sub.flags.writeable = False
    return sub


def mixing_qubits(op: GateOp) -> tuple[int, ...]:
    """The qubits whose bit the gate can change (a diagonal gate changes none).

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim.plan import lower
    >>> ops = list(lower(Circuit(4).h(0).cx(0, 3).swap(1, 2).cz(1, 2).h(3)).ops)
    >>> [mixing_qubits(op) for op in ops]             # CX mixes its target only, CZ nothing
    [(0,), (3,), (1, 2), (), (3,)]
    """
    if op.kind == "diagonal":
        return ()
    rows, cols = np.nonzero(op.matrix)
    flips = np.bitwise_or.reduce(rows ^ cols) if len(rows) else 0
    return tuple(q for j, q in enumerate(op.qubits) if (flips >> j) & 1)


# -- sweeps and schedules ------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Sweep:
    """Gates encoded for :func:`qfusion.sim.kernels.cpu_sweep.sweep` (see its docstring).

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim.plan import lower
    >>> ops = list(lower(Circuit(4).h(0).cx(0, 3).swap(1, 2).cz(1, 2).h(3)).ops)
    >>> sweep = encode_sweep([(ops[0], [0])], local_qubits=2, dtype=np.complex128)
    >>> sweep.local_qubits, sweep.num_gates
    (2, 1)
    """
    local_qubits: int
    arrays: tuple
    num_gates: int


@dataclass(frozen=True, eq=False)
class BitSwap:
    """One pass exchanging index bit ``first[j]`` with ``second[j]``.

    >>> restore_layout((1, 0))                          # qubit 0 at bit 1 and qubit 1 at bit 0: one pass
    [BitSwap(first=array([1]), second=array([0]))]
    """
    first: np.ndarray
    second: np.ndarray


@dataclass(frozen=True, eq=False)
class Schedule:
    """Steps to run in order, and where each logical qubit's bit sits afterwards.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim.plan import lower
    >>> ops = list(lower(Circuit(4).h(0).cx(0, 3).swap(1, 2).cz(1, 2).h(3)).ops)
    >>> plan = schedule(fuse(ops), num_qubits=4, local_qubits=2, dtype=np.complex128)
    >>> [type(step).__name__ for step in plan.steps], plan.layout     # qubit 3 brought into the chunk first
    (['BitSwap', 'Sweep'], (0, 2, 3, 1))
    """
    steps: tuple
    layout: tuple[int, ...]

    @property
    def num_passes(self) -> int:
        """How many passes over the state the steps make (sweeps and bit exchanges).

        >>> from qfusion.circuit import Circuit
        >>> from qfusion.sim.plan import lower
        >>> ops = list(lower(Circuit(4).h(0).cx(0, 3).swap(1, 2).cz(1, 2).h(3)).ops)
        >>> schedule(fuse(ops), 4, 2, np.complex128).num_passes, schedule(fuse(ops), 4, 4, np.complex128).num_passes
        (2, 1)
        """
        return len(self.steps)


def schedule(ops: list[GateOp], num_qubits: int, local_qubits: int, dtype,
             layout: tuple[int, ...] | None = None) -> Schedule:
    """Cut fused ``ops`` into sweeps over chunks of ``2**local_qubits`` amplitudes.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim.plan import lower
    >>> ops = list(lower(Circuit(4).h(0).cx(0, 3).swap(1, 2).cz(1, 2).h(3)).ops)
    >>> all_local = schedule(fuse(ops), 4, 4, np.complex128)     # one sweep; the SWAP only renames bits
    >>> [getattr(step, "num_gates", None) for step in all_local.steps]
    [2]
    """
    phys = list(layout) if layout is not None else list(range(num_qubits))
    mixing = [mixing_qubits(op) for op in ops]
    steps: list = []
    pending: list[tuple[GateOp, list[int]]] = []
    for index, op in enumerate(ops):
        if is_swap(op):
            a, b = op.qubits
            phys[a], phys[b] = phys[b], phys[a]
            continue
        if any(phys[q] >= local_qubits for q in mixing[index]):
            if pending:
                steps.append(encode_sweep(pending, local_qubits, dtype))
                pending = []
            wanted = _soonest_mixing(mixing, index, local_qubits)
            incoming = [q for q in wanted if phys[q] >= local_qubits]
            # evict local qubits needed later than every wanted one, highest positions first
            # so that the exchange moves long contiguous runs
            victims = sorted((q for q in range(num_qubits) if phys[q] < local_qubits and q not in wanted),
                             key=lambda q: phys[q], reverse=True)[:len(incoming)]
            steps.append(BitSwap(np.array([phys[v] for v in victims], dtype=np.int64),
                                 np.array([phys[q] for q in incoming], dtype=np.int64)))
            for v, q in zip(victims, incoming, strict=False):
                phys[v], phys[q] = phys[q], phys[v]
        pending.append((op, [phys[q] for q in op.qubits]))
    if pending:
        steps.append(encode_sweep(pending, local_qubits, dtype))
    return Schedule(tuple(steps), tuple(phys))


def _soonest_mixing(mixing: list[tuple[int, ...]], start: int, capacity: int) -> list[int]:
    """Up to ``capacity`` distinct qubits, in the order the gates from ``start`` on first mix them.

    Making exactly these local is Belady's rule applied to a whole exchange at once: every
    qubit left out is needed later than every qubit brought in.
    """
    wanted: dict[int, None] = dict.fromkeys(mixing[start])
    for qubits in mixing[start + 1:]:
        if len(wanted) >= capacity:
            break
        if len(wanted.keys() | set(qubits)) > capacity:
            break
        wanted.update(dict.fromkeys(qubits))
    return list(wanted)


def restore_layout(layout: tuple[int, ...]) -> list[BitSwap]:
    """At most two passes that move each logical qubit ``q`` from bit ``layout[q]`` back to bit ``q``.

    Any permutation is the product of two involutions: for a cycle c0 -> c1 -> ... the
    reflections c_i <-> c_{-i} then c_i <-> c_{1-i} carry c_i to c_{i+1}.

    >>> passes = restore_layout((1, 2, 0))               # a 3-cycle: two passes of swaps
    >>> [(p.first.tolist(), p.second.tolist()) for p in passes]
    [([0], [2]), ([1], [0])]
    >>> bits = {1: 0, 2: 1, 0: 2}                        # bit -> the qubit there
    >>> for p in passes:
    ...     for a, b in zip(p.first.tolist(), p.second.tolist()):
    ...         bits[a], bits[b] = bits[b], bits[a]
    >>> bits == {0: 0, 1: 1, 2: 2}
    True
    >>> restore_layout((0, 1, 2))
    []
    """
    destination = {layout[q]: q for q in range(len(layout))}
    seen: set[int] = set()
    first_pass: list[tuple[int, int]] = []
    second_pass: list[tuple[int, int]] = []
    for start in destination:
        if start in seen or destination[start] == start:
            continue
        cycle = [start]
        while destination[cycle[-1]] != start:
            cycle.append(destination[cycle[-1]])
        seen.update(cycle)
        k = len(cycle)
        first_pass += [(cycle[i], cycle[-i % k]) for i in range(k) if i < -i % k]
        second_pass += [(cycle[i], cycle[(1 - i) % k]) for i in range(k) if i < (1 - i) % k]
    return [BitSwap(np.array([a for a, _ in pairs], dtype=np.int64),
                    np.array([b for _, b in pairs], dtype=np.int64))
            for pairs in (first_pass, second_pass) if pairs]


def cached_steps(cache: dict, key, layout: tuple[int, ...], keep_layout: bool, plan, *args) -> tuple[list, tuple]:
    """``(steps, layout after them)`` of a segment that ``plan(*args)`` schedules from ``layout``
    (returning that pair), ending with the bits back in order unless ``keep_layout``; kept in
    ``cache`` under ``key`` (None: not kept) and reused while the segment starts from the same layout.

    >>> calls = []
    >>> def plan():
    ...     calls.append(1)
    ...     return ["a sweep"], (1, 0)                       # the steps and the layout they leave
    >>> cache = {}
    >>> steps, layout = cached_steps(cache, "segment", (0, 1), False, plan)
    >>> steps[0], len(steps), layout                        # bits put back in order by one more pass
    ('a sweep', 2, (0, 1))
    >>> _ = cached_steps(cache, "segment", (0, 1), False, plan)
    >>> len(calls)                                          # planned once
    1
    """
    cached = cache.get(key) if key is not None else None
    if cached is None or cached[0] != layout:
        steps, end = plan(*args)
        if not keep_layout:
            steps = steps + restore_layout(end)
            end = tuple(range(len(end)))
        cached = (layout, steps, end)
        if key is not None:
            cache[key] = cached
    return cached[1], cached[2]


def encode_sweep(ops: list[tuple[GateOp, list[int]]], local_qubits: int, dtype) -> Sweep:
    """Encode gates at physical bit positions as the arrays the sweep kernel reads.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim.plan import lower
    >>> ops = list(lower(Circuit(4).h(0).cx(0, 3).swap(1, 2).cz(1, 2).h(3)).ops)
    >>> sweep = encode_sweep([(ops[0], [0]), (ops[1], [0, 1])], local_qubits=2, dtype=np.complex128)
    >>> sweep.num_gates, sweep.arrays[0].tolist()            # per gate: the kernel's op type
    (2, [0, 0])
    """
    count = len(ops)
    kinds = [_kernel_kind(op, positions, local_qubits) for op, positions in ops]
    blocks = [_blocks(op, positions, local_qubits, kind) for (op, positions), kind in zip(ops, kinds, strict=False)]
    width_local = max([len(b[0]) for b in blocks] + [1])
    width_high = max([len(b[1]) for b in blocks] + [1])
    op_type = np.array([_TYPE[kind] for kind in kinds], dtype=np.int64)
    op_local = np.zeros((count, width_local), dtype=np.int64)
    op_high = np.zeros((count, width_high), dtype=np.int64)
    op_nlocal = np.zeros(count, dtype=np.int64)
    op_nhigh = np.zeros(count, dtype=np.int64)
    op_data = np.zeros(count, dtype=np.int64)
    op_stride = np.zeros(count, dtype=np.int64)
    op_perm = np.zeros(count, dtype=np.int64)
    op_skip = np.zeros(count, dtype=np.int64)
    data, perm_data, skip = [], [], []
    data_size = perm_size = skip_size = 0
    for o, (local, high, values, perms, identity) in enumerate(blocks):
        op_local[o, :len(local)] = local
        op_high[o, :len(high)] = high
        op_nlocal[o], op_nhigh[o] = len(local), len(high)
        op_data[o], op_stride[o] = data_size, values.shape[1]
        op_perm[o], op_skip[o] = perm_size, skip_size
        data.append(values.ravel())
        data_size += values.size
        if perms is not None:
            perm_data.append(perms.ravel())
            perm_size += perms.size
        skip.append(identity)
        skip_size += identity.size
    arrays = (op_type, op_local, op_nlocal, op_high, op_nhigh, op_data, op_stride, op_perm, op_skip,
              np.concatenate(data).astype(dtype),
              np.concatenate(perm_data) if perm_data else np.zeros(1, dtype=np.int64),
              np.concatenate(skip))
    return Sweep(local_qubits, arrays, count)


def _kernel_kind(op: GateOp, positions: list[int], local_qubits: int) -> str:
    """Small permutations run faster through the vectorised dense kernels than by index shuffling."""
    if op.kind == "permutation" and sum(p < local_qubits for p in positions) <= 2:
        return "dense"
    return op.kind


def _blocks(op: GateOp, positions: list[int], local_qubits: int, kind: str):
    """Split a gate at physical ``positions`` into per-high-bits blocks acting on local bits.

    Returns (local positions, high positions, values[blocks, ...], perms[blocks, dim] or None,
    identity flags[blocks]).
    """
    sorted_positions, matrix = reorder_matrix(op.matrix, tuple(positions))
    local_bits = [j for j, p in enumerate(sorted_positions) if p < local_qubits]
    high_bits = [j for j, p in enumerate(sorted_positions) if p >= local_qubits]
    dim_local = 1 << len(local_bits)
    sub = np.arange(dim_local)
    local_index = np.zeros_like(sub)
    for j, bit in enumerate(local_bits):
        local_index |= ((sub >> j) & 1) << bit
    values, perms, identity = [], [], []
    for h in range(1 << len(high_bits)):
        offset = 0
        for j, bit in enumerate(high_bits):
            offset |= ((h >> j) & 1) << bit
        index = local_index | offset
        block = matrix[np.ix_(index, index)]
        if kind == "diagonal":
            diagonal = np.diag(block)
            values.append(diagonal)
            identity.append(bool(np.all(diagonal == 1)))
        elif kind == "permutation":
            rows = np.argmax(np.abs(block), axis=0)
            values.append(block[rows, np.arange(dim_local)])
            perms.append(rows)
            identity.append(bool(np.array_equal(block, np.eye(dim_local))))
        else:
            values.append(block.ravel())
            identity.append(bool(np.array_equal(block, np.eye(dim_local))))
    local = [sorted_positions[j] for j in local_bits]
    high = [sorted_positions[j] for j in high_bits]
    return (local, high, np.array(values), np.array(perms, dtype=np.int64) if perms else None,
            np.array(identity, dtype=np.bool_))
