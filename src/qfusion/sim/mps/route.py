"""The MPS plan of a circuit segment: fused blocks routed onto neighbouring sites by swaps, and the
bond dimensions that plan can reach at most.

A segment's gates are fused into one- and two-qubit blocks (:func:`qfusion.sim.fusion.fuse`), then
each block on sites that are not neighbours brings its qubits together with adjacent SWAPs (a swap
network, planned once and cached per segment); the layout stays permuted afterwards, so a line of
gates between distant qubits pays its swaps once. :func:`bond_bits` follows the plan and bounds
each bond's Schmidt rank: an op on sites ``c, c+1`` multiplies the rank across ``c`` by at most its
operator Schmidt rank, and it is never above twice its neighbour's rank nor ``2**min(left, right)``.

>>> from qfusion.circuit import Circuit
>>> from qfusion.sim.plan import lower_instructions
>>> plan = route(lower_instructions(Circuit(3).h(0).cx(0, 2), "mps"), (0, 1, 2))
>>> [(step.start, step.width, step.swap) for step in plan.steps], plan.layout
([(0, 2, True), (1, 2, False)], (1, 0, 2))
>>> bond_bits(plan.steps, 3)  # log2: the swap of |0>|0> could entangle, the CX adds one bit
(1.0, 1.0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from qfusion.sim.fusion import fuse
from qfusion.sim.mps.state import site_matrix
from qfusion.sim.plan import GateOp, reorder_matrix

_SWAP = np.eye(4, dtype=complex)[[0, 2, 1, 3]]


@dataclass(frozen=True, eq=False)
class SiteOp:
    """A gate on sites ``start .. start+width-1``; ``matrix`` little-endian over them.

    >>> step = SiteOp(start=1, width=2, matrix=np.eye(4)[[0, 3, 2, 1]])      # a CX on sites 1 and 2
    >>> step.start, step.width, step.swap, step.schmidt_bits
    (1, 2, False, 1.0)
    """
    start: int
    width: int
    matrix: np.ndarray
    swap: bool = False
    center_left: bool = False   # leave the orthogonality center on the first site (else the last)

    @cached_property
    def block(self) -> np.ndarray:
        """``matrix`` in the order the MPS stores the block's sites (first site most significant).

        >>> SiteOp(0, 2, np.eye(4)[[0, 3, 2, 1]]).block.real.astype(int).tolist()
        [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]]
        """
        return site_matrix(self.matrix, self.width)

    @property
    def schmidt_bits(self) -> float:
        """log2 of the operator Schmidt rank across the middle of a two-site op (1 for CX, 2 for SWAP).

        >>> cx, swap = np.eye(4)[[0, 3, 2, 1]], np.eye(4)[[0, 2, 1, 3]]
        >>> SiteOp(0, 2, cx).schmidt_bits, SiteOp(0, 2, swap, swap=True).schmidt_bits, SiteOp(0, 2, np.eye(4)).schmidt_bits
        (1.0, 2.0, 0.0)
        """
        if self.width != 2:
            return 2.0 * (self.width // 2)
        if self.swap:
            return 2.0
        # R[(out0, in0), (out1, in1)] from M[(out1 out0), (in1 in0)]
        rearranged = self.matrix.reshape(2, 2, 2, 2).transpose(1, 3, 0, 2).reshape(4, 4)
        singular = np.linalg.svd(rearranged, compute_uv=False)
        return math.log2(max(1, int(np.count_nonzero(singular > 1e-10 * singular[0]))))


@dataclass(frozen=True, eq=False)
class SegmentPlan:
    """The ops of one segment at sites, in order, and where each qubit sits afterwards.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim.plan import lower
    >>> plan = route(list(lower(Circuit(3).h(0).cx(0, 2)).ops), (0, 1, 2))
    >>> [(step.start, step.width, step.swap) for step in plan.steps], plan.layout   # qubit 0 moved to site 1
    ([(0, 2, True), (1, 2, False)], (1, 0, 2))
    """
    steps: tuple[SiteOp, ...]
    layout: tuple[int, ...]

    @property
    def num_swaps(self) -> int:
        """How many of the steps are routing swaps.

        >>> from qfusion.circuit import Circuit
        >>> from qfusion.sim.plan import lower
        >>> route(list(lower(Circuit(4).cx(0, 3)).ops), (0, 1, 2, 3)).num_swaps, route(list(lower(Circuit(2).cx(0, 1)).ops), (0, 1)).num_swaps
        (2, 0)
        """
        return sum(step.swap for step in self.steps)


def route(ops: list[GateOp], layout: tuple[int, ...]) -> SegmentPlan:
    """Fuse ``ops`` (logical qubits) and route them from ``layout`` (``layout[q]``: site of qubit q).

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim.plan import lower
    >>> plan = route(list(lower(Circuit(3).cx(0, 1).cx(1, 2)).ops), (0, 1, 2))       # neighbours: no swaps
    >>> [(step.start, step.width) for step in plan.steps], plan.layout
    ([(0, 2), (1, 2)], (0, 1, 2))
    """
    fused = fuse(list(ops), max_fused_qubits=2, max_diagonal_qubits=2)
    site_of = list(layout)
    qubit_at = [0] * len(site_of)
    for qubit, site in enumerate(site_of):
        qubit_at[site] = qubit
    steps: list[SiteOp] = []
    for op in fused:
        sites = sorted(site_of[q] for q in op.qubits)
        start = _block_start(sites)
        targets = [start + m for m in range(len(sites))]
        for m in range(len(sites)):  # left movers from the left, so that none crosses another
            if targets[m] < sites[m]:
                _move(steps, site_of, qubit_at, sites[m], targets[m])
        for m in range(len(sites) - 1, -1, -1):
            if targets[m] > sites[m]:
                _move(steps, site_of, qubit_at, sites[m], targets[m])
        ordered, matrix = reorder_matrix(op.matrix, tuple(site_of[q] for q in op.qubits))
        steps.append(SiteOp(ordered[0], len(ordered), matrix))
    return SegmentPlan(tuple(sweep_order(steps)), tuple(site_of))


def sweep_order(steps: list[SiteOp]) -> list[SiteOp]:
    """The same ops, reordered where they commute (disjoint sites) so that each runs as near as it can
    to where the previous one left the orthogonality center, which is left at the end of each op
    nearer the next: a layer of a brickwork then runs as a sweep instead of walking back each time.

    >>> first, second, third = SiteOp(0, 2, np.eye(4)), SiteOp(2, 2, np.eye(4)), SiteOp(4, 2, np.eye(4))
    >>> [step.start for step in sweep_order([third, first, second])]      # disjoint: one sweep from the center at 0
    [0, 2, 4]
    """
    count = len(steps)
    waiting = [0] * count          # earlier ops on a shared site not yet placed
    followers: list[list[int]] = [[] for _ in range(count)]
    last_on: dict[int, int] = {}
    for index, step in enumerate(steps):
        before = {last_on[site] for site in range(step.start, step.start + step.width) if site in last_on}
        waiting[index] = len(before)
        for earlier in before:
            followers[earlier].append(index)
        for site in range(step.start, step.start + step.width):
            last_on[site] = index
    ready = [i for i in range(count) if waiting[i] == 0]
    center, order = 0, []
    while ready:
        pick = min(ready, key=lambda i: (_distance(steps[i], center), i))
        ready.remove(pick)
        order.append(pick)
        step = steps[pick]
        center = step.start + step.width - 1 if step.width > 1 else center
        for later in followers[pick]:
            waiting[later] -= 1
            if waiting[later] == 0:
                ready.append(later)
    placed = [steps[i] for i in order]
    for k in range(len(placed) - 1):  # leave the center at the end nearer the next multi-site op
        step = placed[k]
        following = next((s for s in placed[k + 1:] if s.width > 1), None)
        if step.width > 1 and following is not None and following.start + following.width - 1 <= step.start:
            placed[k] = SiteOp(step.start, step.width, step.matrix, step.swap, center_left=True)
    for step in placed:  # computed once per plan, reused by every shot and every run of a cached segment
        _ = step.block
    return placed


def _distance(step: SiteOp, center: int) -> int:
    if step.width == 1:
        return -1  # one-site ops cost nothing: run them as soon as they are ready
    return min(abs(step.start - center), abs(step.start + step.width - 1 - center))


def _block_start(sites: list[int]) -> int:
    """Where a block of these sites goes with the fewest swaps: the median of ``site - rank``."""
    offsets = sorted(site - m for m, site in enumerate(sites))
    return offsets[len(offsets) // 2]


def _move(steps: list[SiteOp], site_of: list[int], qubit_at: list[int], source: int, target: int) -> None:
    step = 1 if target > source else -1
    for site in range(source, target, step):
        low = min(site, site + step)
        steps.append(SiteOp(low, 2, _SWAP, swap=True))
        a, b = qubit_at[low], qubit_at[low + 1]
        qubit_at[low], qubit_at[low + 1] = b, a
        site_of[a], site_of[b] = low + 1, low


def bond_bits(steps, num_qubits: int, *, record=None) -> tuple[float, ...]:
    """log2 of upper bounds of each bond's dimension at its largest while ``steps`` run from a product state.
    ``record(step, left_bits, right_bits)`` is called before each multi-site step with the log2 bounds
    of the bonds on either side of it (the cost model sums the work from these).

    >>> cx = np.eye(4)[[0, 3, 2, 1]]
    >>> bond_bits([SiteOp(0, 2, cx), SiteOp(1, 2, cx)], 3), bond_bits([SiteOp(0, 1, np.eye(2))], 3)   # GHZ; product
    ((1.0, 1.0), (0.0, 0.0))
    """
    cuts = max(0, num_qubits - 1)
    bits = [0.0] * cuts
    peak = [0.0] * cuts
    caps = [float(min(c + 1, num_qubits - c - 1)) for c in range(cuts)]

    def bond(c: int) -> float:
        return bits[c] if 0 <= c < cuts else 0.0

    for step in steps:
        if step.width < 2:
            continue
        first, last = step.start, step.start + step.width - 1
        if record is not None:
            record(step, bond(first - 1), bond(last))
        gain = step.schmidt_bits if step.width == 2 else None
        for c in range(first, last):
            inside_left, inside_right = c - first + 1, last - c
            grow = gain if gain is not None else 2.0 * min(inside_left, inside_right)
            bits[c] = min(bits[c] + grow, inside_left + bond(first - 1), inside_right + bond(last), caps[c])
            peak[c] = max(peak[c], bits[c])
    return tuple(peak)
