"""Layout and routing on a fixed coupling graph: SABRE swap insertion with look-ahead.

SABRE (Li, Ding, Xie, ASPLOS 2019) keeps a *front layer* of two-qubit gates whose predecessors
are done, runs every gate whose qubits are adjacent, and otherwise inserts the SWAP that most
reduces the summed distance of the front layer plus half the mean distance of an *extended set*
of the next 20 two-qubit gates, with a decay that spreads SWAPs over qubits (the weights of
Qiskit's SabreSwap). The inner loop is compiled (:mod:`qfusion.transpiler.routing_kernel`). The initial layout comes from bidirectional passes (route
forward, route the reversed circuit from where the qubits ended, repeat) over several seeded
trials, run in parallel in one compiled call; the trial with the fewest SWAPs wins. Plain
single-qubit gates never wait for a SWAP, so the kernel routes the rest and each single-qubit
gate is put back right after the instruction it followed on its qubit.

>>> from qfusion.circuit import Circuit
>>> from qfusion.devices.coupling import distance_matrix, line
>>> import numpy as np
>>> distance = distance_matrix(line(4), 4)
>>> c = Circuit(4).cx(0, 3).cx(1, 2)
>>> routed = route(c.instructions, distance, 4, initial_layout=(0, 1, 2, 3), seed=1)
>>> routed.swaps
2
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qfusion.circuit.circuit import Instruction
from qfusion.circuit.gates import Gate, StandardGate

_SWAP = StandardGate("swap")
EXTENDED_SET_SIZE = 20
EXTENDED_SET_WEIGHT = 0.5
DECAY = 0.001
DECAY_RESET = 5
MERGE_BONUS = 1.0


@dataclass(frozen=True)
class Routed:
    """Routed instructions on physical qubits, the layouts (logical -> physical) and the SWAP count.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.devices.coupling import distance_matrix, line
    >>> routed = route(Circuit(3).cx(0, 2).instructions, distance_matrix(line(3), 3), 3, initial_layout=(0, 1, 2), seed=1)
    >>> routed.swaps, routed.initial_layout, len(routed.final_layout)
    (1, (0, 1, 2), 3)
    """
    instructions: tuple[Instruction, ...]
    initial_layout: tuple[int, ...]
    final_layout: tuple[int, ...]
    swaps: int


def _dependencies(instructions) -> tuple[list[list[int]], list[int]]:
    """Successors and predecessor counts of each instruction (wires: qubits and classical bits)."""
    successors: list[list[int]] = [[] for _ in instructions]
    indegree = [0] * len(instructions)
    last: dict = {}
    for i, inst in enumerate(instructions):
        wires = [("q", q) for q in inst.qubits] + [("c", b) for b in inst.clbits]
        if inst.condition is not None:
            wires += [("c", b) for b in inst.condition.clbits]
        preds = {last[w] for w in wires if w in last}
        for p in preds:
            successors[p].append(i)
        indegree[i] = len(preds)
        for w in wires:
            last[w] = i
    return successors, indegree


@dataclass(frozen=True)
class RoutingProblem:
    """Instructions as the arrays the compiled SABRE kernel reads (built once, routed many times).

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.devices.coupling import distance_matrix, line
    >>> problem = RoutingProblem.build(Circuit(3).h(0).cx(0, 2).cx(1, 2).instructions, distance_matrix(line(3), 3))
    >>> len(problem.arrays())
    5
    """
    instructions: tuple
    leading: tuple
    attached: tuple
    first: np.ndarray
    second: np.ndarray
    pointer: np.ndarray
    index: np.ndarray
    indegree: np.ndarray
    distance: np.ndarray
    nb_pointer: np.ndarray
    nb_index: np.ndarray

    @classmethod
    def build(cls, instructions, distance: np.ndarray) -> RoutingProblem:
        """The problem of routing ``instructions``. Plain single-qubit gates never wait for a SWAP,
        so they are left out of the kernel's graph: each follows the last kept instruction on its
        qubit (``attached``), or opens the circuit (``leading``), and is placed there afterwards.

        >>> from qfusion.circuit import Circuit
        >>> from qfusion.devices.coupling import distance_matrix, line
        >>> problem = RoutingProblem.build(Circuit(2).cx(0, 1).instructions, distance_matrix(line(2), 2))
        >>> type(problem).__name__
        'RoutingProblem'
        """
        kept: list = []
        leading: list = []
        attached: list[list] = []
        last: dict[int, int] = {}
        for inst in instructions:
            if isinstance(inst.operation, Gate) and len(inst.qubits) == 1 and inst.condition is None:
                anchor = last.get(inst.qubits[0])
                (leading if anchor is None else attached[anchor]).append(inst)
                continue
            for q in inst.qubits:
                last[q] = len(kept)
            kept.append(inst)
            attached.append([])
        instructions = tuple(kept)
        successors, indegree = _dependencies(instructions)
        first = np.full(len(instructions), -1, dtype=np.int64)
        second = np.full(len(instructions), -1, dtype=np.int64)
        for i, inst in enumerate(instructions):
            if isinstance(inst.operation, Gate) and len(inst.qubits) == 2:
                first[i], second[i] = inst.qubits
        pointer = np.zeros(len(instructions) + 1, dtype=np.int64)
        pointer[1:] = np.cumsum([len(s) for s in successors])
        index = np.array([j for s in successors for j in s], dtype=np.int64)
        num_physical = distance.shape[0]
        neighbours = [np.flatnonzero(distance[p] == 1) for p in range(num_physical)]
        nb_pointer = np.zeros(num_physical + 1, dtype=np.int64)
        nb_pointer[1:] = np.cumsum([len(n) for n in neighbours])
        nb_index = np.concatenate(neighbours).astype(np.int64)
        return cls(instructions, tuple(leading), tuple(tuple(a) for a in attached), first, second, pointer, index, np.asarray(indegree, dtype=np.int64),
                   np.ascontiguousarray(distance, dtype=float), nb_pointer, nb_index)

    def arrays(self) -> tuple:
        """The dependency arrays the batched kernel takes: ``(first, second, pointer, index, indegree)``.

        >>> from qfusion.circuit import Circuit
        >>> from qfusion.devices.coupling import distance_matrix, line
        >>> first, second, pointer, index, indegree = RoutingProblem.build(Circuit(2).cx(0, 1).cx(0, 1).instructions, distance_matrix(line(2), 2)).arrays()
        >>> first.tolist(), second.tolist(), indegree.tolist()
        ([0, 0], [1, 1], [0, 1])
        """
        return self.first, self.second, self.pointer, self.index, self.indegree

    def solve(self, layout, seed: int):
        """``(order, swap_a, swap_b, final physical of each logical)`` from a full layout.

        >>> import numpy as np
        >>> from qfusion.circuit import Circuit
        >>> from qfusion.devices.coupling import distance_matrix, line
        >>> problem = RoutingProblem.build(Circuit(3).cx(0, 2).instructions, distance_matrix(line(3), 3))
        >>> order, swap_a, swap_b, final = problem.solve(np.array([0, 1, 2]), seed=1)
        >>> len(swap_a)  # one SWAP brings 0 and 2 together
        1
        """
        from qfusion.transpiler.routing_kernel import sabre_kernel
        return sabre_kernel(self.first, self.second, self.pointer, self.index, self.indegree, self.distance,
                            self.nb_pointer, self.nb_index, np.asarray(layout, dtype=np.int64), int(seed),
                            EXTENDED_SET_SIZE, EXTENDED_SET_WEIGHT, DECAY, DECAY_RESET, MERGE_BONUS)


def _full_layout(initial_layout, num_physical: int) -> list[int]:
    taken = set(initial_layout)
    return list(initial_layout) + [p for p in range(num_physical) if p not in taken]


def route(instructions, distance: np.ndarray, num_physical: int, initial_layout, seed=None,
          problem: RoutingProblem | None = None, kernel_seed: int | None = None) -> Routed:
    """Route ``instructions`` (on logical qubits) with SABRE, starting from ``initial_layout``.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.devices.coupling import distance_matrix, line
    >>> routed = route(Circuit(3).cx(0, 1).instructions, distance_matrix(line(3), 3), 3, initial_layout=(0, 1, 2), seed=1)
    >>> routed.swaps, [inst.qubits for inst in routed.instructions]
    (0, [(0, 1)])
    """
    problem = problem or RoutingProblem.build(instructions, distance)
    layout = _full_layout(initial_layout, num_physical)
    if kernel_seed is None:
        kernel_seed = int(np.random.default_rng(seed).integers(2 ** 31))
    order, swap_a, swap_b, _ = problem.solve(layout, kernel_seed)
    if len(order) == 0 and len(problem.instructions):
        return _route_python(instructions, distance, num_physical, initial_layout, seed)
    instructions = problem.instructions
    current = {logical: physical for logical, physical in enumerate(layout)}
    occupant = {physical: logical for logical, physical in current.items()}
    out: list[Instruction] = [Instruction(i.operation, (current[i.qubits[0]],)) for i in problem.leading]
    k = 0
    attached = problem.attached
    for node in order.tolist():
        if node < 0:
            a, b = int(swap_a[k]), int(swap_b[k])
            k += 1
            out.append(Instruction(_SWAP, (a, b)))
            la, lb = occupant[a], occupant[b]
            occupant[a], occupant[b] = lb, la
            current[la], current[lb] = b, a
            continue
        inst = instructions[node]
        out.append(Instruction(inst.operation, tuple(current[q] for q in inst.qubits), inst.clbits,
                               inst.condition))
        for single in attached[node]:
            out.append(Instruction(single.operation, (current[single.qubits[0]],)))
    num_logical = len(initial_layout)
    return Routed(tuple(out), tuple(initial_layout), tuple(current[q] for q in range(num_logical)), k)


def _route_python(instructions, distance: np.ndarray, num_physical: int, initial_layout, seed=None) -> Routed:
    """The same algorithm in Python (the fallback when the compiled kernel runs out of room)."""
    instructions = list(instructions)
    rng = np.random.default_rng(seed)
    successors, indegree = _dependencies(instructions)
    indegree = list(indegree)
    layout = list(initial_layout) + [p for p in range(num_physical) if p not in initial_layout]
    where = {logical: physical for logical, physical in enumerate(layout)}   # logical -> physical
    occupant = {physical: logical for logical, physical in where.items()}    # physical -> logical
    front = [i for i, d in enumerate(indegree) if d == 0]
    out: list[Instruction] = []
    decay = np.ones(num_physical)
    swaps = since_progress = 0
    neighbours = [np.flatnonzero(distance[p] == 1).tolist() for p in range(num_physical)]
    extended = None

    two = [isinstance(inst.operation, Gate) and len(inst.qubits) == 2 for inst in instructions]
    is_two = two.__getitem__

    def emit(i):
        inst = instructions[i]
        out.append(Instruction(inst.operation, tuple(where[q] for q in inst.qubits), inst.clbits,
                               inst.condition))

    while front:
        progressed = True
        while progressed:
            progressed = False
            remaining = []
            for i in front:
                inst = instructions[i]
                if two[i] and distance[where[inst.qubits[0]], where[inst.qubits[1]]] != 1:
                    remaining.append(i)
                    continue
                emit(i)
                progressed = True
                for s in successors[i]:
                    indegree[s] -= 1
                    if indegree[s] == 0:
                        remaining.append(s)
            if progressed:
                decay[:] = 1
                since_progress = 0
                extended = None
            front = remaining
        if not front:
            break
        front_pairs = np.array([[where[q] for q in instructions[i].qubits] for i in front])
        if since_progress > 10 * num_physical:
            # release valve: walk the first gate's qubits together along a shortest path
            a, b = front_pairs[0]
            step = min(neighbours[a], key=lambda n: distance[n, b])
            candidates = np.array([(a, int(step))])
        else:
            candidates = np.array(sorted({(min(p, int(n)), max(p, int(n)))
                                          for p in front_pairs.ravel().tolist() for n in neighbours[p]}))
        if extended is None:
            extended = _extended_set(front, successors, indegree, instructions, is_two)
        scores = _costs(front_pairs, candidates, distance) / len(front_pairs)
        if extended:
            extended_pairs = np.array([[where[q] for q in instructions[i].qubits] for i in extended])
            scores += EXTENDED_SET_WEIGHT * _costs(extended_pairs, candidates, distance) / len(extended)
        scores *= np.maximum(decay[candidates[:, 0]], decay[candidates[:, 1]])
        best = np.flatnonzero(scores <= scores.min() + 1e-12)
        a, b = (int(x) for x in candidates[best[int(rng.integers(len(best)))] if len(best) > 1 else best[0]])
        out.append(Instruction(_SWAP, (a, b)))
        la, lb = occupant[a], occupant[b]
        occupant[a], occupant[b] = lb, la
        where[la], where[lb] = b, a
        swaps += 1
        since_progress += 1
        decay[a] += DECAY
        decay[b] += DECAY
        if swaps % DECAY_RESET == 0:
            decay[:] = 1
    num_logical = len(initial_layout)
    return Routed(tuple(out), tuple(initial_layout), tuple(where[q] for q in range(num_logical)), swaps)


def _costs(pairs: np.ndarray, candidates: np.ndarray, distance: np.ndarray) -> np.ndarray:
    """Total distance of ``pairs`` after each candidate swap (vectorised over candidates)."""
    a = candidates[:, :1]
    b = candidates[:, 1:]
    p = pairs[None, :, 0]
    q = pairs[None, :, 1]
    p = np.where(p == a, b, np.where(p == b, a, p))
    q = np.where(q == a, b, np.where(q == b, a, q))
    return distance[p, q].sum(axis=1)


def _extended_set(front, successors, indegree, instructions, is_two) -> list[int]:
    chosen: list[int] = []
    seen = set(front)
    queue = list(front)
    virtual: dict[int, int] = {}
    while queue and len(chosen) < EXTENDED_SET_SIZE:
        nxt = []
        for i in queue:
            for s in successors[i]:
                if s in seen:
                    virtual[s] = virtual.get(s, indegree[s]) - 1
                    continue
                virtual[s] = virtual.get(s, indegree[s]) - 1
                seen.add(s)
                nxt.append(s)
                if is_two(s):
                    chosen.append(s)
                    if len(chosen) >= EXTENDED_SET_SIZE:
                        break
        queue = nxt
    return chosen


def sabre_layout(instructions, distance: np.ndarray, num_logical: int, num_physical: int, *,
                 seed=None, trials: int = 4, iterations: int = 4, swap_trials: int = 4) -> Routed:
    """Best routing over ``trials`` random initial layouts, each refined by ``iterations``
    forward-backward passes and finally routed ``swap_trials`` times with different seeds.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.devices.coupling import distance_matrix, line
    >>> routed = sabre_layout(Circuit(3).cx(0, 2).cx(0, 1).instructions, distance_matrix(line(3), 3), 3, 3, seed=1)
    >>> routed.swaps  # a layout with the hub 0 in the middle needs none
    0
    """
    rng = np.random.default_rng(seed)
    perfect = perfect_layout(instructions, distance, num_logical)
    if perfect is not None:
        return route(instructions, distance, num_physical, perfect, seed)
    two_qubit = [inst for inst in instructions if isinstance(inst.operation, Gate) and len(inst.qubits) == 2]
    full = RoutingProblem.build(instructions, distance)
    # without measurements, resets, barriers or conditions the routed graph is the two-qubit one
    forward = full if len(full.instructions) == len(two_qubit) else RoutingProblem.build(two_qubit, distance)
    backward = RoutingProblem.build(two_qubit[::-1], distance)
    # draw every trial's start and seeds in the order a sequential loop would, then run the
    # trials in one parallel kernel call
    layouts = np.empty((trials, num_physical), dtype=np.int64)
    seeds = np.empty((trials, 2 * iterations + swap_trials), dtype=np.int64)
    for t in range(trials):
        layouts[t] = rng.permutation(num_physical)
        for k in range(seeds.shape[1]):
            seeds[t, k] = rng.integers(2 ** 31)
    from qfusion.transpiler.routing_kernel import sabre_trials
    refined, swap_counts = sabre_trials(forward.arrays(), backward.arrays(), full.arrays(), full.distance,
                                        full.nb_pointer, full.nb_index, layouts, seeds, iterations, swap_trials,
                                        EXTENDED_SET_SIZE, EXTENDED_SET_WEIGHT, DECAY, DECAY_RESET, MERGE_BONUS)
    best_t, best_s = np.unravel_index(int(np.argmin(swap_counts)), swap_counts.shape)
    best = (int(swap_counts[best_t, best_s]), refined[best_t], int(seeds[best_t, 2 * iterations + best_s]))
    _, layout, kernel_seed = best
    routed = route(instructions, distance, num_physical, tuple(int(p) for p in layout), problem=full,
                   kernel_seed=kernel_seed)
    return Routed(routed.instructions, tuple(int(p) for p in layout[:num_logical]),
                  routed.final_layout[:num_logical], routed.swaps)


def perfect_layout(instructions, distance: np.ndarray, num_logical: int, max_steps: int = 20000):
    """A layout on which every two-qubit gate already acts on coupled qubits (as Qiskit's VF2Layout
    looks for), found by backtracking over an interaction-graph BFS order; None if none was found.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.devices.coupling import distance_matrix, line
    >>> layout = perfect_layout(Circuit(3).cx(0, 2).cx(2, 1).instructions, distance_matrix(line(3), 3), 3)
    >>> layout[2]  # qubit 2 talks to both others: the middle of the line
    1
    """
    partners: list[set[int]] = [set() for _ in range(num_logical)]
    for inst in instructions:
        if isinstance(inst.operation, Gate) and len(inst.qubits) == 2:
            a, b = inst.qubits
            partners[a].add(b)
            partners[b].add(a)
    order: list[int] = []
    for start in sorted(range(num_logical), key=lambda q: -len(partners[q])):
        if start in order:
            continue
        queue = [start]
        while queue:
            q = queue.pop(0)
            if q in order:
                continue
            order.append(q)
            queue += sorted(partners[q] - set(order), key=lambda r: -len(partners[r]))
    num_physical = distance.shape[0]
    neighbours = [set(np.flatnonzero(distance[p] == 1).tolist()) for p in range(num_physical)]
    degree = [len(n) for n in neighbours]
    layout: dict[int, int] = {}
    used: set[int] = set()
    steps = [0]

    def place(k: int) -> bool:
        if k == len(order):
            return True
        steps[0] += 1
        if steps[0] > max_steps:
            return False
        q = order[k]
        placed = [layout[r] for r in partners[q] if r in layout]
        if placed:
            candidates = set.intersection(*(neighbours[p] for p in placed)) - used
        else:
            candidates = set(range(num_physical)) - used
        for p in sorted(candidates, key=lambda p: (-degree[p], p)):
            if degree[p] < len(partners[q]):
                continue
            layout[q] = p
            used.add(p)
            if place(k + 1):
                return True
            del layout[q]
            used.discard(p)
        return False

    if not place(0):
        return None
    return tuple(layout[q] for q in range(num_logical))
