"""Neutral-atom routing by moving atoms instead of inserting SWAPs.

Two atoms interact when they are within the blockade radius. When a gate needs two atoms that are
apart, one of them is picked up by a moving tweezer and dropped on the free lattice site within
reach of its partner that is closest to where it is (Bluvstein et al., Nature 604, 451 (2022)).
A move costs ``move_overhead + distance / move_speed`` seconds and may lose the atom
(``loss_per_move``, an erasure); the gate list itself is unchanged.

>>> from qfusion.circuit import Circuit
>>> from qfusion.devices import get
>>> device = get("neutral_atom")
>>> moves, positions = route_by_moves(Circuit(24).cz(0, 23).instructions, device)
>>> len(moves), moves[0].qubit
(1, 23)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from qfusion.circuit.gates import Gate
from qfusion.circuit.modifiers import BroadcastGate
from qfusion.errors import CircuitError


@dataclass(frozen=True)
class AtomMove:
    """Atom ``qubit`` moves from ``source`` to ``destination`` (µm) before instruction ``before``.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.devices import get
    >>> moves, _ = route_by_moves(Circuit(24).cz(0, 23).instructions, get("neutral_atom"))
    >>> move = moves[0]
    >>> move.before, move.qubit, move.duration > 0
    (0, 23, True)
    """
    before: int
    qubit: int
    source: tuple[float, float]
    destination: tuple[float, float]
    duration: float


def _interacts(inst) -> bool:
    """A two-qubit gate (a global pulse on two atoms is not one: it rotates each on its own)."""
    return isinstance(inst.operation, Gate) and len(inst.qubits) == 2 and not isinstance(inst.operation, BroadcastGate)


def _sites(device) -> list[tuple[float, float]]:
    atoms = device.atoms
    xs = [p[0] for p in atoms.positions]
    ys = [p[1] for p in atoms.positions]
    s = atoms.site_spacing
    columns = int(round((max(xs) - min(xs)) / s)) + 3
    rows = int(round((max(ys) - min(ys)) / s)) + 3
    return [(min(xs) + (c - 1) * s, min(ys) + (r - 1) * s) for r in range(rows) for c in range(columns)]


def route_by_moves(instructions, device, initial_positions=None):
    """``(moves, final_positions)``: the atom moves that make every two-qubit gate of ``instructions``
    (on physical atoms) act within the blockade radius.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.devices import get
    >>> moves, positions = route_by_moves(Circuit(24).cz(0, 1).instructions, get("neutral_atom"))
    >>> [(m.qubit, m.source, m.destination) for m in moves], len(positions)  # atom 1 moves next to atom 0
    ([(1, (8.0, 0.0), (4.0, 0.0))], 24)
    """
    atoms = device.atoms
    if atoms is None:
        raise CircuitError(f"device {device.name!r} has no atom array to move")
    positions = list(initial_positions or atoms.positions)
    radius = atoms.blockade_radius
    sites = _sites(device)
    moves: list[AtomMove] = []
    for index, inst in enumerate(instructions):
        if not _interacts(inst):
            continue
        a, b = inst.qubits
        if math.dist(positions[a], positions[b]) <= radius + 1e-9:
            continue
        occupied = {(round(x, 6), round(y, 6)) for x, y in positions}
        free = [s for s in sites if (round(s[0], 6), round(s[1], 6)) not in occupied
                and math.dist(s, positions[a]) <= radius + 1e-9]
        if not free:
            a, b = b, a
            free = [s for s in sites if (round(s[0], 6), round(s[1], 6)) not in occupied
                    and math.dist(s, positions[a]) <= radius + 1e-9]
        if not free:
            raise CircuitError(f"no free site next to atom {a} to move atom {b} to")
        destination = min(free, key=lambda s: (math.dist(s, positions[b]), s))
        distance = math.dist(destination, positions[b])
        moves.append(AtomMove(index, b, positions[b], destination,
                              atoms.move_overhead + distance / atoms.move_speed))
        positions[b] = destination
    return tuple(moves), tuple(positions)


def check_moves(instructions, device, moves) -> None:
    """Raise :class:`CircuitError` unless every two-qubit gate is within the blockade radius once
    ``moves`` are applied (what a test or a user can use to verify a routed circuit).

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.devices import get
    >>> device = get("neutral_atom")
    >>> instructions = Circuit(24).cz(0, 23).instructions
    >>> moves, _ = route_by_moves(instructions, device)
    >>> check_moves(instructions, device, moves)
    >>> check_moves(instructions, device, [])
    Traceback (most recent call last):
        ...
    qfusion.errors.CircuitError: instruction 0: atoms 0 and 23 are 34.41 µm apart
    """
    positions = list(device.atoms.positions)
    pending = sorted(moves, key=lambda m: m.before)
    k = 0
    for index, inst in enumerate(instructions):
        while k < len(pending) and pending[k].before == index:
            positions[pending[k].qubit] = pending[k].destination
            k += 1
        if _interacts(inst):
            a, b = inst.qubits
            if math.dist(positions[a], positions[b]) > device.atoms.blockade_radius + 1e-9:
                raise CircuitError(f"instruction {index}: atoms {a} and {b} are "
                                   f"{math.dist(positions[a], positions[b]):.2f} µm apart")
    if len(set(positions)) != len(positions):
        raise CircuitError("two atoms share a site")
