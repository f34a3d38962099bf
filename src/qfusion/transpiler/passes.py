"""Optimisation passes on lists of instructions: basis translation, 1q merging, 2q block
re-synthesis and commutation-aware cancellation.

Every pass takes and returns a list of :class:`~qfusion.circuit.Instruction` plus a global phase,
and keeps the circuit's unitary (up to that phase). A *target* says what is native: the single-qubit
Euler basis and the entangler.

>>> from qfusion.circuit import Circuit
>>> target = Target("zsx", "cz", frozenset({"rz", "sx", "x", "cz"}))
>>> c = Circuit(2).h(0).cx(0, 1).cx(0, 1).h(0)
>>> instructions, phase = optimize(translate(c.instructions, target)[0], target)
>>> instructions
[]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from qfusion.circuit.circuit import Instruction
from qfusion.circuit.gates import Gate, StandardGate
from qfusion.circuit.modifiers import BroadcastGate
from qfusion.errors import CircuitError
from qfusion.transpiler.one_qubit import synthesize_one_qubit
from qfusion.transpiler.two_qubit import entangler_count, synthesize_two_qubit

_DIAGONAL_NAMES = frozenset({"rz", "z", "s", "sdg", "t", "tdg", "p", "cz", "rzz", "cp", "crz", "id"})
_SELF_INVERSE = frozenset({"cz", "cx", "swap", "ecr"})


@dataclass(frozen=True)
class Target:
    """What the passes may emit: ``basis`` (zyz, zxz, zsx, u), the ``entangler`` and all native names.

    >>> Target("zsx", "cz", frozenset({"rz", "sx", "x", "cz"})).entangler
    'cz'
    """
    basis: str
    entangler: str
    native: frozenset[str]


_MATRICES: dict = {}


def matrix_of(op: Gate) -> np.ndarray:
    """``op.matrix()``, remembered for standard gates (the same few recur thousands of times).

    >>> from qfusion.circuit.gates import standard_gate
    >>> matrix_of(standard_gate("x")).real
    array([[0., 1.],
           [1., 0.]])
    """
    if not isinstance(op, StandardGate):
        return op.matrix()
    key = (op.name, op.params, op.num_qubits)
    matrix = _MATRICES.get(key)
    if matrix is None:
        if len(_MATRICES) > 65536:
            _MATRICES.clear()
        matrix = _MATRICES[key] = op.matrix()
    return matrix


def _is_gate(inst: Instruction) -> bool:
    return isinstance(inst.operation, Gate) and inst.condition is None


def _native(inst: Instruction, target: Target) -> bool:
    op = inst.operation
    return isinstance(op, StandardGate) and op.name in target.native


_ONE_QUBIT_CACHE: dict = {}
_RUN_CACHE: dict = {}


def _synthesis_of(matrix: np.ndarray, target: Target):
    key = (np.asarray(matrix, dtype=complex).tobytes(), target.basis)
    if key not in _ONE_QUBIT_CACHE:
        if len(_ONE_QUBIT_CACHE) > 8192:
            _ONE_QUBIT_CACHE.clear()
        _ONE_QUBIT_CACHE[key] = synthesize_one_qubit(matrix, target.basis)
    return _ONE_QUBIT_CACHE[key]


def _one_qubit(matrix: np.ndarray, qubit: int, target: Target, phase: list[float]) -> list[Instruction]:
    gates, extra = _synthesis_of(matrix, target)
    phase[0] += extra
    return [Instruction(g, (qubit,)) for g in gates]


_SYNTHESIS_CACHE: dict = {}


def _cached_synthesis(gate: Gate, entangler: str):
    """Synthesis of a fixed standard gate (swap, cx, ...) is done once per entangler."""
    key = (gate.name, gate.params, entangler)
    if key not in _SYNTHESIS_CACHE:
        if len(_SYNTHESIS_CACHE) > 4096:
            _SYNTHESIS_CACHE.clear()
        _SYNTHESIS_CACHE[key] = synthesize_two_qubit(gate.matrix(), entangler)
    return _SYNTHESIS_CACHE[key]


def _two_qubit(matrix, qubits, target: Target, phase: list[float]) -> list[Instruction]:
    if isinstance(matrix, StandardGate):
        ops, extra = _cached_synthesis(matrix, target.entangler)
    else:
        ops, extra = synthesize_two_qubit(matrix, target.entangler)
    phase[0] += extra
    out = []
    for gate, local in ops:
        mapped = tuple(qubits[q] for q in local)
        if len(local) == 1:
            out += _one_qubit(gate.matrix(), mapped[0], target, phase)
        else:
            out.append(Instruction(gate, mapped))
    return out


def translate(instructions, target: Target) -> tuple[list[Instruction], float]:
    """Every gate as native gates (one- and two-qubit gates only; unroll larger ones first).

    >>> from qfusion.circuit import Circuit
    >>> target = Target("zsx", "cz", frozenset({"rz", "sx", "x", "cz"}))
    >>> instructions, phase = translate(Circuit(2).cx(0, 1).instructions, target)
    >>> sorted({inst.name for inst in instructions})
    ['cz', 'rz', 'sx']
    """
    phase = [0.0]
    out: list[Instruction] = []
    for inst in instructions:
        op = inst.operation
        if not isinstance(op, Gate) or _native(inst, target):
            out.append(inst)
            continue
        # a conditioned gate becomes native gates under the same condition; its global phase only
        # multiplies one classical branch, which no measurement can see, so it is dropped
        local_phase = phase if inst.condition is None else [0.0]
        if op.num_qubits == 1:
            native = _one_qubit(op.matrix(), inst.qubits[0], target, local_phase)
        elif op.num_qubits == 2:
            native = _two_qubit(op if isinstance(op, StandardGate) else op.matrix(), inst.qubits, target,
                                local_phase)
        else:
            raise CircuitError(f"{op.name} acts on {op.num_qubits} qubits; unroll it first")
        if inst.condition is not None:
            native = [Instruction(i.operation, i.qubits, i.clbits, inst.condition) for i in native]
        out += native
    return out, phase[0]


def merge_single_qubit_runs(instructions, target: Target) -> tuple[list[Instruction], float]:
    """Each run of single-qubit gates on a qubit becomes its shortest native Euler form.

    >>> from qfusion.circuit import Circuit
    >>> target = Target("zsx", "cz", frozenset({"rz", "sx", "x", "cz"}))
    >>> merged, phase = merge_single_qubit_runs(Circuit(1).rz(0.1, 0).rz(0.2, 0).instructions, target)
    >>> [(inst.name, round(inst.operation.float_params()[0], 6)) for inst in merged]
    [('rz', 0.3)]
    """
    instructions, phase, _ = _merge(instructions, target)
    return instructions, phase


def _merge(instructions, target: Target) -> tuple[list[Instruction], float, bool]:
    """:func:`merge_single_qubit_runs`, and whether a run with a non-diagonal gate became diagonal
    (entanglers may then cancel across it)."""
    phase = [0.0]
    became_diagonal = [False]
    out: list[Instruction | None] = []
    runs: dict[int, list[int]] = {}

    def flush(qubit):
        indices = runs.pop(qubit, None)
        if not indices:
            return
        if len(indices) == 1 and _native(out[indices[0]], target):
            return
        key = None
        if all(_native(out[i], target) for i in indices):
            key = (target.basis, tuple((out[i].operation.name, out[i].operation.params) for i in indices))
            if key in _RUN_CACHE:
                return
        matrix = np.eye(2, dtype=complex)
        for index in indices:
            matrix = matrix_of(out[index].operation) @ matrix
        gates, extra = _synthesis_of(matrix, target)
        if key is not None and len(gates) >= len(indices):
            if len(_RUN_CACHE) > 16384:
                _RUN_CACHE.clear()
            _RUN_CACHE[key] = True        # already as short as it gets: keep it as it is
            return
        phase[0] += extra
        replacement = [Instruction(g, (qubit,)) for g in gates]
        if (all(g.name in _DIAGONAL_NAMES for g in gates)
                and not all(out[i].operation.name in _DIAGONAL_NAMES for i in indices)):
            became_diagonal[0] = True
        for index in indices:
            out[index] = None
        out[indices[-1]] = replacement

    for inst in instructions:
        if _is_gate(inst) and len(inst.qubits) == 1:
            runs.setdefault(inst.qubits[0], []).append(len(out))
            out.append(inst)
            continue
        for q in inst.qubits:
            flush(q)
        out.append(inst)
    for q in list(runs):
        flush(q)
    return _flatten(out), phase[0], became_diagonal[0]


def _flatten(items) -> list[Instruction]:
    flat: list[Instruction] = []
    for item in items:
        if item is None:
            continue
        if isinstance(item, list):
            flat += item
        else:
            flat.append(item)
    return flat


_SWAP_MATRIX = np.eye(4, dtype=complex)[[0, 2, 1, 3]]


def _block_unitary(instructions, pair) -> np.ndarray:
    """The 4x4 unitary of gates on ``pair`` (little-endian: ``pair[0]`` is bit 0)."""
    unitary = np.eye(4, dtype=complex)
    low = pair[0]
    for inst in instructions:
        matrix = matrix_of(inst.operation)
        if len(inst.qubits) == 1:
            if inst.qubits[0] == low:
                unitary = np.matmul(matrix, unitary.reshape(2, 2, 4)).reshape(4, 4)
            else:
                unitary = (matrix @ unitary.reshape(2, 8)).reshape(4, 4)
            continue
        if inst.qubits[0] != low:
            matrix = _SWAP_MATRIX @ matrix @ _SWAP_MATRIX
        unitary = matrix @ unitary
    return unitary


_BLOCK_CACHE: dict = {}


def _block_key(gates, pair):
    key = []
    for inst in gates:
        op = inst.operation
        if not isinstance(op, StandardGate):
            return None
        key.append((op.name, op.params, tuple(0 if q == pair[0] else 1 for q in inst.qubits)))
    return tuple(key)


def _resynthesize(instructions, target: Target) -> tuple[list[Instruction], float, bool]:
    """Collect maximal runs of gates on one pair of qubits; re-synthesise a run when that needs
    fewer entanglers (or when it holds non-native gates). Returns the gates, the global phase
    gained, and whether a block became local (its neighbours may then merge into new blocks, so
    another pass can find more)."""
    phase = [0.0]
    went_local = [False]
    out: list = []
    open_block: dict[int, list] = {}      # qubit -> block record [pair, indices]
    pending: dict[int, list[int]] = {}    # single-qubit gates not yet in a block

    def close(block):
        pair, indices = block
        for q in pair:
            if open_block.get(q) is block:
                del open_block[q]
        gates = [out[i] for i in indices]
        two = [g for g in gates if len(g.qubits) == 2]
        non_native = any(not _native(g, target) for g in two)
        if not non_native and len(two) < 2:
            return
        key = None if non_native else _block_key(gates, pair)
        if key is not None and _BLOCK_CACHE.get((key, target.entangler)) is False:
            return
        unitary = _block_unitary(gates, pair)
        if not non_native and entangler_count(unitary, target.entangler) >= len(two):
            if key is not None:
                if len(_BLOCK_CACHE) > 16384:
                    _BLOCK_CACHE.clear()
                _BLOCK_CACHE[(key, target.entangler)] = False
            return
        replacement = _two_qubit(unitary, pair, target, phase)
        if not any(len(r.qubits) == 2 for r in replacement):
            went_local[0] = True
        for i in indices:
            out[i] = None
        out[indices[-1]] = replacement

    for inst in instructions:
        qubits = inst.qubits
        if _is_gate(inst) and len(qubits) == 1:
            q = qubits[0]
            out.append(inst)
            if q in open_block:
                open_block[q][1].append(len(out) - 1)
            else:
                pending.setdefault(q, []).append(len(out) - 1)
            continue
        if _is_gate(inst) and len(qubits) == 2:
            a, b = qubits
            block = open_block.get(a)
            if block is not None and block is open_block.get(b):
                out.append(inst)
                block[1].append(len(out) - 1)
                continue
            for q in (a, b):
                if q in open_block:
                    close(open_block[q])
            out.append(inst)
            indices = sorted(pending.pop(a, []) + pending.pop(b, [])) + [len(out) - 1]
            block = [(a, b), indices]
            open_block[a] = open_block[b] = block
            continue
        for q in qubits:
            if q in open_block:
                close(open_block[q])
            pending.pop(q, None)
        out.append(inst)
    for block in {id(b): b for b in open_block.values()}.values():
        close(block)
    return _flatten(out), phase[0], went_local[0]


def _commutes_through(other: Instruction) -> bool:
    """Whether ``other`` commutes with a diagonal two-qubit gate (a cheap sufficient test: it is diagonal)."""
    return _is_gate(other) and other.operation.name in _DIAGONAL_NAMES


def _cancel(instructions) -> tuple[list[Instruction], bool]:
    """Cancel pairs of self-inverse diagonal entanglers (CZ) and merge RZZ rotations across the
    diagonal gates between them; returns the gates and whether anything changed.

    One pass: each qubit keeps the CZ/RZZ gates on it that only diagonal gates have followed
    since (``open``); a new one on the same pair that is open on both qubits cancels with it (RZZ:
    the two merge into the later position, which stays open).
    """
    items: list = list(instructions)
    changed = False
    open_on: dict[int, list[int]] = {}
    for i, inst in enumerate(items):
        qubits = inst.qubits
        candidate = (len(qubits) == 2 and _is_gate(inst) and inst.operation.name in ("cz", "rzz"))
        if candidate:
            a, b = qubits
            name = inst.operation.name
            match = None
            for j in open_on.get(a, ()):
                other = items[j]
                if other.operation.name == name and b in other.qubits and j in open_on.get(b, ()):
                    match = j
                    break
            if match is not None:
                changed = True
                other = items[match]
                open_on[a].remove(match)
                open_on[b].remove(match)
                items[match] = None
                if name in _SELF_INVERSE:
                    items[i] = None
                    continue
                angle = other.operation.params[0] + inst.operation.params[0]
                if abs(math.remainder(angle, 4 * math.pi)) < 1e-12:
                    items[i] = None
                    continue
                items[i] = Instruction(StandardGate("rzz", (angle,)), qubits)
            open_on.setdefault(a, []).append(i)
            open_on.setdefault(b, []).append(i)
            continue
        if not _commutes_through(inst):
            for q in qubits:
                open_on[q] = []
    return [x for x in items if x is not None], changed


def two_qubit_count(instructions) -> int:
    """How many of ``instructions`` act on two qubits.


    >>> from qfusion.circuit import Circuit
    >>> two_qubit_count(Circuit(3).h(0).cx(0, 1).cz(1, 2).instructions)
    2
    """
    return sum(1 for inst in instructions if isinstance(inst.operation, Gate) and len(inst.qubits) == 2
               and not isinstance(inst.operation, BroadcastGate))  # a global pulse on two atoms entangles none


def optimize(instructions, target: Target, rounds: int = 4) -> tuple[list[Instruction], float]:
    """Block re-synthesis, commutation cancellation and 1q merging, repeated while a round changed
    what the next could act on.

    A re-synthesised block keeps its pair and its minimal entangler count, so a second look at
    it finds nothing; new work appears only where a block became local (its neighbours may
    merge), where gates cancelled, or where a merged single-qubit run became diagonal (then
    entanglers may cancel across it: that is checked at once). Rounds stop when none of these
    happened.

    >>> from qfusion.circuit import Circuit
    >>> target = Target("zsx", "cz", frozenset({"rz", "sx", "x", "cz"}))
    >>> out, phase = optimize(translate(Circuit(1).h(0).h(0).x(0).instructions, target)[0], target)
    >>> [inst.name for inst in out]
    ['x']
    """
    phase = 0.0
    for _ in range(rounds):
        instructions, extra, went_local = _resynthesize(instructions, target)
        instructions, cancelled = _cancel(instructions)
        instructions, extra_merge, became_diagonal = _merge(instructions, target)
        phase += extra + extra_merge
        cancelled_after_merge = False
        if became_diagonal:
            instructions, cancelled_after_merge = _cancel(instructions)
        if not (went_local or cancelled or cancelled_after_merge):
            break
    return instructions, phase
