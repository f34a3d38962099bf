"""Exchange planning for the distributed state vector: which qubits are local when, and the swaps between.

The state is split over ``2**num_global`` ranks by its top qubits (physical bit positions
``num_local ..`` are the rank's bits). A gate that only reads a global qubit (a diagonal, a global
control) needs nothing; one that flips a global qubit gets that qubit swapped with the local qubit
whose next flip is furthest away (Belady's rule). The plan is plain data, made once per gate
segment, and is what :mod:`qfusion.sim.distributed` executes and the communication cost model counts.

>>> from qfusion.circuit import Circuit
>>> from qfusion.sim.plan import lower
>>> plan = plan_exchanges(lower(Circuit(4).h(3).cx(3, 0)).ops, num_qubits=4, num_global=1)
>>> plan.num_exchanges, plan.final_layout
(2, (0, 1, 2, 3))
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np

from qfusion.errors import CircuitError
from qfusion.sim.plan import GateOp, reorder_matrix


@dataclass(frozen=True)
class Exchange:
    """Swap local bit position ``local`` with global position ``global_position`` (a pairwise exchange).

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim.plan import lower
    >>> plan = plan_exchanges(lower(Circuit(4).h(3).cx(3, 0)).ops, num_qubits=4, num_global=1)
    >>> plan.steps[0]                                # H flips global qubit 3: bring it to local bit 2
    Exchange(local=2, global_position=3)
    """
    local: int
    global_position: int


@dataclass(frozen=True)
class LocalGates:
    """Gates that run on every rank without communication, under ``layout`` (logical -> physical).

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim.plan import lower
    >>> plan = plan_exchanges(lower(Circuit(4).h(3).cx(3, 0)).ops, num_qubits=4, num_global=1)
    >>> stage = plan.steps[1]
    >>> [op.qubits for op in stage.ops], stage.layout          # qubit 3 now at bit 2, qubit 2 at bit 3
    ([(3,), (0, 3)], (0, 1, 3, 2))
    """
    ops: tuple[GateOp, ...]
    layout: tuple[int, ...]


@dataclass(frozen=True)
class ExchangePlan:
    """Stages of local gates and exchanges for one gate segment; ``final_layout`` after them.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim.plan import lower
    >>> plan = plan_exchanges(lower(Circuit(4).h(3).cx(3, 0)).ops, num_qubits=4, num_global=1)
    >>> [type(step).__name__ for step in plan.steps], plan.final_layout      # (put back in order at the end)
    (['Exchange', 'LocalGates', 'Exchange'], (0, 1, 2, 3))
    """
    num_qubits: int
    num_global: int
    steps: tuple
    final_layout: tuple[int, ...]

    @property
    def num_exchanges(self) -> int:
        """How many pairwise exchanges between ranks the plan makes.

        >>> from qfusion.circuit import Circuit
        >>> from qfusion.sim.plan import lower
        >>> plan = plan_exchanges(lower(Circuit(4).h(3).cx(3, 0)).ops, num_qubits=4, num_global=1)
        >>> plan.num_exchanges
        2
        """
        return sum(isinstance(step, Exchange) for step in self.steps)

    @property
    def num_local_qubits(self) -> int:
        """Qubits held within a rank (``num_qubits - num_global``).

        >>> from qfusion.circuit import Circuit
        >>> from qfusion.sim.plan import lower
        >>> plan = plan_exchanges(lower(Circuit(4).h(3).cx(3, 0)).ops, num_qubits=4, num_global=1)
        >>> plan.num_local_qubits                       # 4 qubits over 2 ranks
        3
        """
        return self.num_qubits - self.num_global


def flipped_qubits(op: GateOp) -> tuple[int, ...]:
    """The qubits of ``op`` whose bit the gate can change (those that must be local to apply it).

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim.plan import lower
    >>> [flipped_qubits(op) for op in lower(Circuit(2).cx(1, 0).cz(0, 1).h(1)).ops]
    [(0,), (), (1,)]
    """
    if op.kind == "diagonal":
        return ()
    rows, cols = np.nonzero(np.abs(op.matrix) > 0)
    moved = np.bitwise_or.reduce(rows ^ cols) if len(rows) else 0
    return tuple(q for j, q in enumerate(op.qubits) if (int(moved) >> j) & 1)


def plan_exchanges(ops, num_qubits: int, num_global: int, layout: tuple[int, ...] | None = None,
                   restore: bool = True) -> ExchangePlan:
    """Plan ``ops`` (GateOps on logical qubits) over ``2**num_global`` ranks from ``layout``.

    Each gate that flips a global qubit gets it swapped in for the local qubit whose next flip is
    furthest away; with ``restore`` the plan ends with every qubit at its own position.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim.plan import lower
    >>> plan_exchanges(lower(Circuit(4).cz(3, 0).rz(0.3, 3)).ops, 4, 1).num_exchanges    # diagonals read only: none
    0
    """
    local = num_qubits - num_global
    positions = list(layout if layout is not None else range(num_qubits))
    flips = [flipped_qubits(op) for op in ops]
    widest = max((len(f) for f in flips), default=0)
    if widest > local:
        raise CircuitError(f"a gate flips {widest} qubits but only {local} are local on each of "
                           f"{1 << num_global} ranks; use fewer ranks")
    uses: dict[int, list[int]] = {q: [] for q in range(num_qubits)}
    for index, flip in enumerate(flips):
        for q in flip:
            uses[q].append(index)

    def next_use(qubit: int, index: int) -> int:
        times = uses[qubit]
        at = bisect.bisect_left(times, index)
        return times[at] if at < len(times) else len(ops) + qubit  # never again: furthest

    steps: list = []
    pending: list[GateOp] = []
    for index, (op, flip) in enumerate(zip(ops, flips, strict=True)):
        for qubit in flip:
            if positions[qubit] < local:
                continue
            candidates = [q for q in range(num_qubits) if positions[q] < local and q not in flip]
            victim = max(candidates, key=lambda q: next_use(q, index))
            if pending:
                steps.append(LocalGates(tuple(pending), tuple(positions)))
                pending = []
            steps.append(Exchange(positions[victim], positions[qubit]))
            positions[victim], positions[qubit] = positions[qubit], positions[victim]
        pending.append(op)
    if pending:
        steps.append(LocalGates(tuple(pending), tuple(positions)))
    if restore:
        steps.extend(restoring_exchanges(positions, local))
    return ExchangePlan(num_qubits, num_global, tuple(steps), tuple(positions))


def restoring_exchanges(layout: list[int], local: int) -> list:
    """Exchanges (and local bit swaps, as ``("local", a, b)``) that put every qubit at its own position;
    ``layout`` is updated in place.

    >>> layout = [0, 1, 3, 2]                        # qubits 2 and 3 swapped across the local/global line
    >>> restoring_exchanges(layout, local=3), layout
    ([Exchange(local=2, global_position=3)], [0, 1, 2, 3])
    """
    steps: list = []
    where = {position: q for q, position in enumerate(layout)}

    def swap_positions(a: int, b: int) -> None:
        qa, qb = where[a], where[b]
        layout[qa], layout[qb] = b, a
        where[a], where[b] = qb, qa
        if a >= local and b >= local:  # two global bits: through local position 0
            steps.extend([Exchange(0, a), Exchange(0, b), Exchange(0, a)])
        elif a >= local or b >= local:
            steps.append(Exchange(min(a, b), max(a, b)))
        else:
            steps.append(("local", a, b))

    for qubit in range(len(layout) - 1, -1, -1):  # global positions first: they cost exchanges
        if layout[qubit] != qubit:
            swap_positions(layout[qubit], qubit)
    return steps


def restrict(op: GateOp, layout: tuple[int, ...], num_local: int, rank: int):
    """``op`` on this rank: a GateOp on local bit positions (its global qubits fixed to the rank's bits),
    or the phase it multiplies the rank's amplitudes by when it acts only on global qubits.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim.plan import lower
    >>> cx = lower(Circuit(2).cx(1, 0)).ops[0]         # control qubit 1 is global (one local qubit)
    >>> restrict(cx, (0, 1), 1, rank=0).matrix.real.tolist(), restrict(cx, (0, 1), 1, rank=1).matrix.real.tolist()
    ([[1.0, 0.0], [0.0, 1.0]], [[0.0, 1.0], [1.0, 0.0]])
    >>> restrict(lower(Circuit(2).cz(0, 1)).ops[0], (0, 1), 0, rank=3)       # all global: a phase
    (-1+0j)
    """
    positions = [layout[q] for q in op.qubits]
    fixed = 0
    free = []
    for j, position in enumerate(positions):
        if position >= num_local:
            fixed |= ((rank >> (position - num_local)) & 1) << j
        else:
            free.append(j)
    if len(free) == len(positions):
        qubits, matrix = reorder_matrix(op.matrix, tuple(positions))
        return GateOp(qubits, matrix, op.kind)
    size = 1 << len(free)
    index = np.full(size, fixed, dtype=np.int64)
    for bit, j in enumerate(free):
        index |= ((np.arange(size) >> bit) & 1) << j
    block = op.matrix[np.ix_(index, index)]
    if not free:
        return complex(block[0, 0])
    qubits, matrix = reorder_matrix(block, tuple(positions[j] for j in free))
    kind = "diagonal" if op.kind == "diagonal" else ("permutation" if op.kind == "permutation" else "dense")
    return GateOp(qubits, np.ascontiguousarray(matrix), kind)
