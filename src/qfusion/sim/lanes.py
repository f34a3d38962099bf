"""Plans for gathered sweeps (:mod:`qfusion.sim.kernels.cpu_lanes`): the large-state path.

Three steps on plain data:

1. :func:`rename_swaps` drops SWAP gates by renaming the wires of every later gate, so a
   SWAP costs nothing and the state ends in a known permuted layout.
2. :func:`pack` assigns each fused gate to a sweep. A sweep may *mix* (change the bit of)
   at most ``rows`` wires; a gate goes into the earliest sweep that comes after every sweep
   holding an earlier gate on one of its wires and still has room for its mixed wires.
   Gates on disjoint wires thus slide past each other, and one sweep covers a light cone
   several layers deep instead of one layer.
3. :func:`encode` chooses each sweep's row, lane and outer bits and the per-lane
   coefficients of every gate.

>>> from qfusion.circuit import Circuit
>>> from qfusion.sim.plan import lower
>>> c = Circuit(12)
>>> for q in range(12):
...     _ = c.h(q)
>>> sweeps = pack(list(lower(c).ops), 12, rows=8)
>>> [sorted(s.mixed) for s in sweeps]
[[0, 1, 2, 3, 4, 5, 6, 7], [8, 9, 10, 11]]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from qfusion.sim.fusion import fuse, is_swap, mixing_qubits
from qfusion.sim.kernels.cpu_lanes import LANE_BITS
from qfusion.sim.plan import GateOp, reorder_matrix


@dataclass
class PackedSweep:
    """Gates (on wires) that one gathered sweep applies, and the wires they mix.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim.plan import lower
    >>> [packed] = pack(list(lower(Circuit(12).h(0).cx(0, 1)).ops), 12, rows=8)
    >>> len(packed.ops), sorted(packed.mixed)                # the CX mixes its target only
    (2, [0, 1])
    """
    ops: list = field(default_factory=list)
    mixed: set = field(default_factory=set)


@dataclass(frozen=True, eq=False)
class DiagonalOp:
    """A diagonal gate kept as its vector of ``2**k`` phases (index bit j on ``qubits[j]``):
    what :func:`merge_diagonals` makes, where a merged diagonal of 8 qubits as a matrix would
    be 256 x 256 (1 MiB) built only to be read back as its diagonal.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim.plan import lower
    >>> [merged] = merge_diagonals(list(lower(Circuit(12).rz(0.1, 0).cz(0, 1).t(2)).ops), max_qubits=8)
    >>> type(merged).__name__, merged.qubits, merged.diagonal.shape       # three diagonals, one vector
    ('DiagonalOp', (0, 1, 2), (8,))
    """
    qubits: tuple[int, ...]
    diagonal: np.ndarray
    kind: str = "diagonal"

    @property
    def num_qubits(self) -> int:
        """How many qubits the diagonal spans.

        >>> DiagonalOp((0, 3), np.ones(4)).num_qubits
        2
        """
        return len(self.qubits)


@dataclass(frozen=True, eq=False)
class LaneSweep:
    """Arrays for :func:`qfusion.sim.kernels.cpu_lanes.sweep` (see its docstring).

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim.plan import lower
    >>> [packed] = pack(list(lower(Circuit(12).h(0).cx(0, 1)).ops), 12, rows=8)
    >>> sweep = encode(packed, 12, active=12, dtype=np.complex128)
    >>> type(sweep).__name__, sweep.num_gates
    ('LaneSweep', 2)
    """
    arrays: tuple
    num_gates: int


# A sweep's buffers (real and imaginary parts) take this many bytes, about one core's L2 cache: fewer,
# longer sweeps (each mixing more qubits) beat buffers that leave room in L2 (issue 22: 2^17 complex64
# amplitudes a sweep cut brickwork n = 20 from 0.19 to 0.16 s CPU, n = 22 from 0.85 to 0.68 s).
_BUFFER_BYTES = 1 << 20
# Mixed qubits sit on the highest buffer bits; this many low row bits hold unmixed ones so that
# every mixing gate works on runs of at least 2**(LANE_BITS + _FILLER_BITS) reals. One, not two, since
# the one-qubit and diagonal kernels take the whole buffer in one call (short runs no longer cost a call
# each): 12 mixed qubits a sweep, rotation layers n = 22 in 6 sweeps instead of 8 (kernels 551 -> 505 ms).
_FILLER_BITS = 1
# Gathers and scatters copy runs of at least 2**_RUN_BITS amplitudes that are contiguous in the state and
# in the buffer as plain (vectorised) copies: about 5x faster than their table-driven loop.
_RUN_BITS = 5
# Other gathers and scatters enumerate the chunk tile by tile: the inner table runs over the state's lowest
# _TILE_BITS wires and the buffer's, so one tile's reads and writes stay in L1 (the first sweep of
# rotation layers, whose low wires all move to high buffer bits, spent 8.8 ns an amplitude on them).
_TILE_BITS = 5


def lane_schedule(ops: list[GateOp], num_qubits: int, layout: tuple[int, ...], dtype,
                  sweep_qubits: int | None = None, sweep_mixed: int | None = None,
                  max_diagonal_qubits: int = 8):
    """Fused, packed and encoded sweeps for ``ops`` on a state laid out as ``layout``:
    ``(steps, layout after)``, or None when the gates do not fit this path (too few qubits,
    or a gate mixing more qubits than a sweep can hold).

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim.plan import lower
    >>> ops = list(lower(Circuit(12).h(0).swap(0, 5).cx(5, 6).rz(0.2, 6)).ops)
    >>> steps, layout = lane_schedule(ops, 12, tuple(range(12)), np.complex128)
    >>> [type(step).__name__ for step in steps], layout[:6]      # the SWAP became a renaming
    (['LaneSweep'], (5, 1, 2, 3, 4, 0))
    >>> lane_schedule(list(lower(Circuit(3).h(0)).ops), 3, (0, 1, 2), np.complex128) is None   # too few qubits
    True
    """
    if sweep_qubits is None:
        sweep_qubits = (_BUFFER_BYTES // np.dtype(dtype).itemsize).bit_length() - 1
    active = min(sweep_qubits, num_qubits)
    mixed_cap = sweep_mixed if sweep_mixed is not None else active - LANE_BITS - _FILLER_BITS
    mixed_cap = min(mixed_cap, active - LANE_BITS)
    fused = fuse(ops, 1, max_diagonal_qubits)
    memo: dict = {}  # what depends on a gate's matrix alone: circuits repeat gates, noisy ones channels
    if mixed_cap < 1 or any(len(_mixing(op, memo)) > mixed_cap for op in fused):
        return None
    moved, final = rename_swaps(fused, layout)
    steps = []
    for packed in pack(moved, num_qubits, mixed_cap, [_mixing(op, memo) for op in moved]):
        packed.ops = merge_diagonals(packed.ops, max_diagonal_qubits)
        steps.append(encode(packed, num_qubits, active, dtype, memo))
    return steps, final


def merge_diagonals(ops: list[GateOp], max_qubits: int) -> list[GateOp | DiagonalOp]:
    """Merge each diagonal gate into the latest diagonal of the sweep it can move back to.

    Diagonals commute with each other, so a diagonal may move back past anything that does not
    touch its wires; e.g. a layer's CZ gates on disjoint pairs become one diagonal, one pass
    over the buffer instead of one per CZ. The union stays within ``max_qubits`` wires; a merged
    diagonal is a :class:`DiagonalOp`.

    >>> from qfusion.sim.plan import gate_op
    >>> cz = np.diag([1, 1, 1, -1]).astype(complex)
    >>> merged = merge_diagonals([gate_op(cz, (0, 1)), gate_op(cz, (2, 3))], 8)
    >>> [(op.qubits, op.kind) for op in merged]
    [((0, 1, 2, 3), 'diagonal')]
    """
    out: list = []
    open_index = None     # where the diagonal being grown sits in ``out``
    blocked: set = set()  # wires touched by non-diagonal gates after it
    for op in ops:
        if op.kind != "diagonal":
            out.append(op)
            if open_index is not None:
                blocked.update(op.qubits)
            continue
        if open_index is not None and not blocked.intersection(op.qubits):
            host = out[open_index]
            union = tuple(sorted(set(host[0] if isinstance(host, tuple) else host.qubits) | set(op.qubits)))
            if len(union) <= max_qubits:  # grown as a vector; a 2^k x 2^k matrix only once it is complete
                qubits, diagonal = host if isinstance(host, tuple) else (host.qubits, _diagonal_of(host))
                out[open_index] = (union, _embedded(diagonal, qubits, union)
                                   * _embedded(_diagonal_of(op), op.qubits, union))
                continue
        out.append(op)
        open_index, blocked = len(out) - 1, set()
    return [DiagonalOp(*op) if isinstance(op, tuple) else op for op in out]


def _diagonal_of(op: GateOp | DiagonalOp) -> np.ndarray:
    return op.diagonal if isinstance(op, DiagonalOp) else np.diagonal(op.matrix)


def _embedded(diagonal: np.ndarray, qubits: tuple[int, ...], union: tuple[int, ...]) -> np.ndarray:
    """A diagonal over ``qubits`` as one over their superset ``union``."""
    return diagonal[_embedding(tuple(union.index(q) for q in qubits), len(union))]


@lru_cache(maxsize=4096)
def _embedding(positions: tuple[int, ...], size: int) -> np.ndarray:
    """Index into a diagonal over ``len(positions)`` qubits, at ``positions`` of ``size`` qubits, for each
    index over those ``size`` (the same few patterns recur in every layer of a circuit)."""
    index = np.arange(1 << size)
    sub = np.zeros_like(index)
    for j, p in enumerate(positions):
        sub |= ((index >> p) & 1) << j
    sub.flags.writeable = False
    return sub


def rename_swaps(ops: list[GateOp], layout: tuple[int, ...]) -> tuple[list[GateOp], tuple[int, ...]]:
    """Gates moved onto the bit positions their qubits occupy, SWAPs turned into renamings.

    ``layout[q]`` is qubit q's bit position before; the returned layout is after.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim.plan import lower
    >>> ops, layout = rename_swaps(list(lower(Circuit(3).h(0).swap(0, 2).x(2)).ops), (0, 1, 2))
    >>> [op.qubits for op in ops], layout            # the X after the SWAP acts on wire 0
    ([(0,), (0,)], (2, 1, 0))
    """
    wire = list(layout)
    moved = []
    for op in ops:
        if is_swap(op):
            a, b = op.qubits
            wire[a], wire[b] = wire[b], wire[a]
            continue
        positions = tuple(wire[q] for q in op.qubits)
        if positions == op.qubits:
            moved.append(op)
        else:
            sorted_positions, matrix = reorder_matrix(op.matrix, positions)
            moved.append(GateOp(sorted_positions, matrix, op.kind))
    return moved, tuple(wire)


def pack(ops: list[GateOp], num_qubits: int, rows: int, mixing: list | None = None) -> list[PackedSweep]:
    """Assign gates to sweeps, each mixing at most ``rows`` wires, keeping every wire's order
    (``mixing``: each op's :func:`~qfusion.sim.fusion.mixing_qubits`, when already known).

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim.plan import lower
    >>> [sorted(s.mixed) for s in pack(list(lower(Circuit(4).h(0).h(1).cx(1, 2).h(3)).ops), 4, rows=2)]
    [[0, 1], [2, 3]]
    """
    sweeps: list[PackedSweep] = []
    last = [0] * num_qubits  # per wire: the earliest sweep a new gate on it may join
    for index, op in enumerate(ops):
        mixed = set(mixing[index] if mixing is not None else mixing_qubits(op))
        earliest = max((last[w] for w in op.qubits), default=0)
        target = None
        for index in range(earliest, len(sweeps)):
            if len(sweeps[index].mixed | mixed) <= rows:
                target = index
                break
        if target is None:
            sweeps.append(PackedSweep())
            target = len(sweeps) - 1
        sweeps[target].ops.append(op)
        sweeps[target].mixed |= mixed
        for w in op.qubits:
            last[w] = target
    return sweeps


def encode(packed: PackedSweep, num_qubits: int, active: int, dtype, memo: dict | None = None) -> LaneSweep:
    """Choose the sweep's buffer bits and encode every gate for the kernel.

    Lanes are wires no gate of the sweep mixes, preferably ones it does not touch at all, and
    low ones (long contiguous reads); mixed wires take the highest buffer bits (long runs).
    ``memo`` keeps the parts of encodings that depend on a matrix alone, across the sweeps of a plan.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim.plan import lower
    >>> [packed] = pack(list(lower(Circuit(12).h(3)).ops), 12, rows=8)
    >>> encode(packed, 12, active=12, dtype=np.complex64).num_gates
    1
    """
    memo = {} if memo is None else memo
    touched = set()
    for op in packed.ops:
        touched.update(op.qubits)
    unmixed = [w for w in range(num_qubits) if w not in packed.mixed]
    lanes = sorted(sorted(unmixed, key=lambda w: (w in touched, w))[:LANE_BITS])
    fillers = [w for w in unmixed if w not in lanes][:active - LANE_BITS - len(packed.mixed)]
    buffer_wires = lanes + sorted(fillers) + sorted(packed.mixed)
    bit_of = {w: j for j, w in enumerate(buffer_wires)}
    outer = sorted(set(range(num_qubits)) - set(buffer_wires))
    for j, w in enumerate(outer):
        bit_of[w] = active + j
    real = np.finfo(dtype).dtype
    encoded = [_encode_op(op, bit_of, active, memo) for op in packed.ops]
    count = len(encoded)
    width = max([len(e.bits) for e in encoded] + [1])
    width_sel = max([len(e.selectors) for e in encoded] + [1])
    op_type = np.array([e.type for e in encoded], dtype=np.int64)
    op_target = np.array([e.target for e in encoded], dtype=np.int64)
    op_bits = np.zeros((count, width), dtype=np.int64)
    op_sel = np.zeros((count, width_sel), dtype=np.int64)
    op_nbits = np.array([len(e.bits) for e in encoded], dtype=np.int64)
    op_nsel = np.array([len(e.selectors) for e in encoded], dtype=np.int64)
    op_data = np.zeros(count, dtype=np.int64)
    op_stride = np.zeros(count, dtype=np.int64)
    op_skip = np.zeros(count, dtype=np.int64)
    data_size = skip_size = 0
    for o, e in enumerate(encoded):
        op_bits[o, :len(e.bits)] = e.bits
        op_sel[o, :len(e.selectors)] = e.selectors
        op_data[o], op_stride[o], op_skip[o] = data_size, e.blocks[0].size, skip_size
        data_size += e.blocks.size
        skip_size += e.identity.size
    values = np.concatenate([e.blocks.ravel() for e in encoded]) if encoded else np.zeros(1, dtype=complex)
    skip = np.concatenate([e.identity for e in encoded]) if encoded else np.zeros(1, dtype=np.bool_)
    # gather tables: enumerate the chunk in state order, split into low and high halves
    active_wires = sorted(buffer_wires)
    low_bits = min(7, active)
    run = 0  # the lowest active wires that are the state's lowest bits and the buffer's too
    while run < low_bits and active_wires[run] == run and bit_of[run] == run:
        run += 1
    if run >= _RUN_BITS:
        low_wires = active_wires[:low_bits]
    else:  # a tile: the state's lowest wires (contiguous reads) and the buffer's (contiguous writes)
        low_wires = active_wires[:_TILE_BITS]
        low_wires += [w for w in buffer_wires[:_TILE_BITS] if w not in low_wires]
    offsets_low, buffer_low = _tables(low_wires, bit_of)
    offsets_high, buffer_high = _tables([w for w in active_wires if w not in low_wires], bit_of)
    arrays = (active, np.array(outer, dtype=np.int64), offsets_low, offsets_high, buffer_low, buffer_high,
              op_type, op_target, op_bits, op_nbits, op_sel, op_nsel, op_data, op_stride, op_skip,
              np.ascontiguousarray(values.real, dtype=real), np.ascontiguousarray(values.imag, dtype=real), skip,
              np.int64(1 << run if run >= _RUN_BITS else 1))
    return LaneSweep(arrays, count)


def _tables(wires: list[int], bit_of: dict) -> tuple[np.ndarray, np.ndarray]:
    index = np.arange(1 << len(wires), dtype=np.int64)
    state = np.zeros_like(index)
    buffer = np.zeros_like(index)
    for j, w in enumerate(wires):
        bit = (index >> j) & 1
        state |= bit << w
        buffer |= bit << bit_of[w]
    return state, buffer


@dataclass(frozen=True)
class _Encoded:
    type: int
    target: int
    bits: list
    selectors: list
    blocks: np.ndarray
    identity: np.ndarray


def _encode_op(op: GateOp | DiagonalOp, bit_of: dict, active: int, memo: dict) -> _Encoded:
    mixed = _mixing_positions(op, memo)
    buffer_j = [j for j, w in enumerate(op.qubits) if bit_of[w] < active]
    outer_j = [j for j, w in enumerate(op.qubits) if bit_of[w] >= active]
    lane_j = [j for j in buffer_j if bit_of[op.qubits[j]] < LANE_BITS]
    if not mixed:  # a diagonal
        if lane_j:
            bits_j = [j for j in buffer_j if j not in lane_j]
            return _diagonal(op, bits_j, outer_j + lane_j, bit_of, 3, lane_j, memo)
        return _diagonal(op, buffer_j, outer_j, bit_of, 1, [], memo)
    assert isinstance(op, GateOp)  # a DiagonalOp mixes nothing
    # a dense matrix over the mixed bits only; every bit the op does not mix (a control, a phase's
    # wire) selects its block, so a wide controlled gate stays a small matrix
    inner_j = sorted(mixed, key=lambda j: bit_of[op.qubits[j]])
    selectors_j = [j for j in range(op.num_qubits) if j not in inner_j]
    inner = [bit_of[op.qubits[j]] for j in inner_j]
    if len(inner) <= 2 and not lane_j:  # types 0 and 4 (their selectors may not be lanes)
        kind, target, bits = (0, inner[0], []) if len(inner) == 1 else (4, 0, inner)
    else:
        kind, target, bits = 2, 0, inner
    return _Encoded(kind, target, bits, [bit_of[op.qubits[j]] for j in selectors_j],
                    *_dense_blocks(op, selectors_j, inner_j, memo))


_EYES = {1 << k: np.eye(1 << k) for k in range(1, 4)}


def _dense_blocks(op: GateOp, block_j: list[int], inner_j: list[int], memo: dict) -> tuple[np.ndarray, np.ndarray]:
    """The op's matrix over ``inner_j`` for each setting of ``block_j`` (flattened rows), and which
    of those blocks are the identity."""
    if not block_j and inner_j == sorted(inner_j) and len(inner_j) == op.num_qubits:
        # the whole matrix is the one block (most one-qubit gates): nothing to index or remember
        dim = op.matrix.shape[0]
        identity = bool((op.matrix == (_EYES[dim] if dim in _EYES else np.eye(dim))).all())
        return op.matrix.reshape(1, -1), np.array([identity])
    key = ("blocks", op.matrix.tobytes(), tuple(block_j), tuple(inner_j))
    if key not in memo:
        full = _full_index(op, block_j, inner_j)
        blocks = op.matrix[full[:, :, None], full[:, None, :]]
        identity = np.all(blocks == np.eye(1 << len(inner_j))[None], axis=(1, 2))
        memo[key] = (blocks.reshape(len(blocks), -1), identity)
    return memo[key]


def _mixing_positions(op: GateOp | DiagonalOp, memo: dict) -> tuple[int, ...]:
    """The positions ``j`` in ``op.qubits`` of the qubits the op mixes (they depend on its matrix alone)."""
    if not isinstance(op, GateOp) or op.kind == "diagonal":
        return ()
    if op.num_qubits == 1:  # most gates: no key to build
        return (0,) if op.matrix[0, 1] != 0 or op.matrix[1, 0] != 0 else ()
    key = ("mixing", op.matrix.tobytes())
    if key not in memo:
        memo[key] = tuple(j for j, w in enumerate(op.qubits) if w in mixing_qubits(op))
    return memo[key]


def _mixing(op: GateOp, memo: dict) -> tuple[int, ...]:
    """:func:`~qfusion.sim.fusion.mixing_qubits` of ``op``, through ``memo``."""
    return tuple(op.qubits[j] for j in _mixing_positions(op, memo))


def _full_index(op: GateOp | DiagonalOp, block_j: list[int], inner_j: list[int]) -> np.ndarray:
    """Op matrix index of (block h, inner index a): block bits from ``block_j``, inner from ``inner_j``."""
    return _deposit(1 << len(block_j), block_j)[:, None] | _deposit(1 << len(inner_j), inner_j)[None, :]


def _deposit(count: int, positions: list[int]) -> np.ndarray:
    """``0 .. count-1`` with bit ``b`` of each moved to bit ``positions[b]``."""
    values = np.arange(count)
    out = np.zeros_like(values)
    for bit, j in enumerate(positions):
        out |= ((values >> bit) & 1) << j
    return out


def _diagonal(op: GateOp | DiagonalOp, bits_j: list[int], block_j: list[int], bit_of: dict, kind: int,
              lane_j: list[int], memo: dict) -> _Encoded:
    """Type 1: blocks over ``block_j`` of 2^k phases; type 3: the last ``len(lane_j)`` block bits are
    lane bits, expanded to a vector over all lanes."""
    outer_j = block_j[:len(block_j) - len(lane_j)]
    lane_bits = tuple(bit_of[op.qubits[j]] for j in lane_j)
    diagonal = _diagonal_of(op)
    key = ("diagonal", diagonal.tobytes(), kind, tuple(bits_j), tuple(block_j), lane_bits)
    if key not in memo:
        full = _full_index(op, outer_j, bits_j)                   # [h, a]
        if kind == 3:
            lanes = np.arange(1 << LANE_BITS)
            lane_part = np.zeros_like(lanes)
            for j, bit in zip(lane_j, lane_bits, strict=False):
                lane_part |= ((lanes >> bit) & 1) << j
            values = diagonal[full[:, :, None] | lane_part[None, None, :]]   # [h, a, lane]
        else:
            values = diagonal[full]
        values = values.reshape(len(values), -1)
        memo[key] = (values, np.all(values == 1, axis=1))
    return _Encoded(kind, 0, [bit_of[op.qubits[j]] for j in bits_j], [bit_of[op.qubits[j]] for j in outer_j],
                    *memo[key])
