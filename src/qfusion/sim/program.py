"""The one walk over a lowered program that every simulator shares.

A simulator's lowered ops (:mod:`.plan`, :mod:`.noise_plan`) are run in order by
:func:`walk`; what each kind of op does to the simulator's data is its :class:`Executor`'s
hooks. Unitary ops gather in a pending segment (which the simulator fuses and sweeps at
once); the segment is flushed before any op that reads or collapses the state; a condition
is read from the classical bits after that flush, and a measurement's outcome is recorded in
them; a conditioned gate runs alone. The hooks' defaults are those of a pure state: a reset
collapses the qubit, a readout error changes only its recorded bit. A
:class:`BranchingExecutor` walks many shots at once as a tree of branches.

>>> from qfusion.circuit import Circuit
>>> from qfusion.sim.plan import lower
>>> class Trace(Executor):
...     def __init__(self):
...         self.clbits, self.segment, self.log = np.zeros(1, dtype=np.uint8), [], []
...     def run_segment(self, ops, key, keep_layout):
...         self.log.append((key, len(ops)))
...     def collapse(self, qubit, reset):
...         self.log.append(("reset" if reset else "measure", qubit))
...         return 1
>>> trace = Trace()
>>> walk(lower(Circuit(2, 1).h(0).cx(0, 1).measure(0, 0).x(1).c_if(0, 1).h(1)).ops, trace)
>>> trace.log
[(('segment', 2), 2), ('measure', 0), (('conditional', 3), 1), (('segment', 5), 1)]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qfusion.circuit.classical import DynamicGate, IfElse, Store, WhileLoop, evaluate
from qfusion.errors import CircuitError
from qfusion.sim.noise_plan import ChannelOp, ReadoutOp
from qfusion.sim.plan import ClassicalOp, ConditionalOp, GateOp, MeasureOp, ResetOp, gate_ops_of

#: the most classical bits an int64 outcome holds (bit 63 is the sign); wider outcomes are Python ints
INT64_CLBITS = 63


def zero_outcomes(count: int, num_clbits: int) -> np.ndarray:
    """``count`` zero outcomes for ``num_clbits`` classical bits: int64 up to :data:`INT64_CLBITS`,
    Python integers (an object array) beyond, so that no bit is lost to overflow.

    >>> zero_outcomes(2, 3).dtype, zero_outcomes(2, 64).dtype
    (dtype('int64'), dtype('O'))
    """
    return np.zeros(int(count), dtype=np.int64 if num_clbits <= INT64_CLBITS else object)


def place_bits(outcomes: np.ndarray, bits, position: int) -> np.ndarray:
    """``outcomes`` with bit ``position`` replaced by ``bits`` (0/1, one per shot); int64 or object
    arrays alike (from :func:`zero_outcomes`).

    >>> place_bits(zero_outcomes(2, 70), np.array([1, 0]), 69)[0] == 1 << 69
    True
    >>> place_bits(np.array([7, 0]), np.array([0, 1]), 1).tolist()
    [5, 2]
    """
    bits = np.asarray(bits)
    if outcomes.dtype == object:
        return (outcomes & ~(1 << position)) | (bits.astype(object) << position)
    return (outcomes & ~np.int64(1 << position)) | (bits.astype(np.int64) << position)


def pack_bits(bits: np.ndarray, positions=None) -> np.ndarray:
    """Outcomes of a ``(shots, k)`` array of 0/1 bits: column j goes to bit ``positions[j]``
    (default j); int64 or Python integers as :func:`zero_outcomes` chooses for the widest bit.

    >>> pack_bits(np.array([[1, 0, 1], [0, 1, 0]], dtype=np.uint8)).tolist()
    [5, 2]
    >>> int(pack_bits(np.array([[1, 1]]), [0, 100])[0]) == 1 + (1 << 100)
    True
    """
    bits = np.asarray(bits)
    positions = range(bits.shape[1]) if positions is None else positions
    width = max(positions, default=-1) + 1
    outcomes = zero_outcomes(bits.shape[0], width)
    kind = object if outcomes.dtype == object else np.int64
    for column, position in enumerate(positions):
        outcomes |= bits[:, column].astype(kind) << position
    return outcomes


def bits_value(clbits: np.ndarray) -> int:
    """The integer whose bit j is ``clbits[j]`` (a shot's outcome).

    >>> bits_value(np.array([1, 0, 1], dtype=np.uint8))
    5
    """
    return sum(int(b) << j for j, b in enumerate(clbits))


def bitstring(outcome: int, num_clbits: int) -> str:
    """An outcome (bit j = clbit j) as a bitstring of ``num_clbits`` characters, clbit 0 rightmost.

    >>> bitstring(1, 3), bitstring(0, 0)
    ('001', '')
    """
    return format(int(outcome), f"0{num_clbits}b") if num_clbits else ""


def counts_from_outcomes(outcomes, num_clbits: int, memory: bool = False, weights=None):
    """``(counts, memory list or None)`` of integer outcomes (bit j = clbit j): the one formatter
    of counts (also :meth:`qfusion.backends.Result.from_outcomes`). Counts are keyed by
    bitstring (clbit 0 rightmost) in numeric order; ``weights``: how many shots each outcome
    stands for (outcomes already binned; no per-shot memory then).

    >>> counts_from_outcomes(np.array([3, 0, 3]), 2, memory=True)
    ({'00': 1, '11': 2}, ['11', '00', '11'])
    >>> counts_from_outcomes(np.array([1, 0]), 1, weights=np.array([5, 2]))
    ({'0': 2, '1': 5}, None)
    """
    outcomes = np.asarray(outcomes, dtype=np.int64 if num_clbits <= INT64_CLBITS else object).reshape(-1)
    values, inverse = np.unique(outcomes, return_inverse=True)
    counts = np.bincount(inverse.ravel(), weights=weights, minlength=len(values))
    labels = [bitstring(v, num_clbits) for v in values]
    result = {label: int(round(c)) for label, c in zip(labels, counts, strict=False)}
    if memory and weights is not None:
        raise ValueError("binned outcomes have no per-shot memory")
    return result, ([labels[i] for i in inverse.ravel()] if memory else None)


def record_readout(clbits: np.ndarray, op: ReadoutOp, rng: np.random.Generator) -> None:
    """Replace the bit ``op`` reads by a draw from its readout error.

    >>> from qfusion.noise.readout import ReadoutError
    >>> from qfusion.sim.noise_plan import ReadoutOp
    >>> clbits = np.array([0], dtype=np.uint8)
    >>> record_readout(clbits, ReadoutOp(0, 0, ReadoutError(np.array([[0.0, 1.0], [0.0, 1.0]]))), np.random.default_rng(0))
    >>> clbits.tolist()
    [1]
    """
    clbits[op.clbit] = int(op.error.apply_to_bits(np.array([int(clbits[op.clbit])]), rng)[0])


class Executor:
    """A simulator's hooks for :func:`walk`. A subclass sets ``clbits``, ``segment`` (the pending
    list, which gates join; a hook that runs it puts a new one there) and, for readout errors,
    ``rng``, and defines :meth:`run_segment` and :meth:`collapse`; a noisy simulator also
    :meth:`channel`. The other hooks' defaults are those of a pure state.

    >>> class Trace(Executor):                  # hooks that log what a walk asks of them
    ...     def __init__(self, num_clbits=1):
    ...         self.clbits, self.segment, self.log = np.zeros(num_clbits, dtype=np.uint8), [], []
    ...     def run_segment(self, ops, key, keep_layout):
    ...         self.log.append(("run", key, len(ops)))
    ...     def collapse(self, qubit, reset):
    ...         self.log.append(("reset" if reset else "measure", qubit))
    ...         return 1
    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim.plan import lower
    >>> trace = Trace()
    >>> walk(lower(Circuit(1, 1).h(0).measure(0, 0).reset(0)).ops, trace)
    >>> trace.log, trace.clbits.tolist()
    ([('run', ('segment', 1), 1), ('measure', 0), ('reset', 0), ('run', ('segment', 3), 0)], [1])
    """

    clbits: np.ndarray
    segment: list
    rng: np.random.Generator

    def run_segment(self, ops: list, key, keep_layout: bool) -> None:
        """Apply ``ops`` at once (their plan may be cached under ``key``); ``keep_layout``: the
        qubits may stay at permuted positions.

        >>> class Trace(Executor):                  # hooks that log what a walk asks of them
        ...     def __init__(self, num_clbits=1):
        ...         self.clbits, self.segment, self.log = np.zeros(num_clbits, dtype=np.uint8), [], []
        ...     def run_segment(self, ops, key, keep_layout):
        ...         self.log.append(("run", key, len(ops)))
        ...     def collapse(self, qubit, reset):
        ...         self.log.append(("reset" if reset else "measure", qubit))
        ...         return 1
        >>> from qfusion.circuit import Circuit
        >>> from qfusion.sim.plan import lower
        >>> trace = Trace()
        >>> walk(lower(Circuit(2).h(0).cx(0, 1)).ops, trace)         # both gates pend, then run at once
        >>> trace.log
        [('run', ('segment', 2), 2)]
        """
        raise NotImplementedError

    def collapse(self, qubit: int, reset: bool) -> int:
        """Measure ``qubit`` (then flip it to 0 when ``reset``); the outcome.

        >>> class Trace(Executor):                  # hooks that log what a walk asks of them
        ...     def __init__(self, num_clbits=1):
        ...         self.clbits, self.segment, self.log = np.zeros(num_clbits, dtype=np.uint8), [], []
        ...     def run_segment(self, ops, key, keep_layout):
        ...         self.log.append(("run", key, len(ops)))
        ...     def collapse(self, qubit, reset):
        ...         self.log.append(("reset" if reset else "measure", qubit))
        ...         return 1
        >>> from qfusion.circuit import Circuit
        >>> from qfusion.sim.plan import lower
        >>> trace = Trace()
        >>> trace.measure(0, lower(Circuit(1, 1).measure(0, 0).x(0)).ops[0])
        >>> trace.log, trace.clbits.tolist()                # what collapse returned is recorded
        ([('measure', 0)], [1])
        """
        raise NotImplementedError

    def channel(self, index: int | tuple, op: ChannelOp) -> None:
        """The channel at ``index`` (a noisy simulator picks, or joins, it here).

        >>> class Trace(Executor):                  # hooks that log what a walk asks of them
        ...     def __init__(self, num_clbits=1):
        ...         self.clbits, self.segment, self.log = np.zeros(num_clbits, dtype=np.uint8), [], []
        ...     def run_segment(self, ops, key, keep_layout):
        ...         self.log.append(("run", key, len(ops)))
        ...     def collapse(self, qubit, reset):
        ...         self.log.append(("reset" if reset else "measure", qubit))
        ...         return 1
        >>> from qfusion.circuit import Circuit
        >>> from qfusion.sim.plan import lower
        >>> trace = Trace()
        >>> from qfusion.noise import NoiseModel, depolarizing
        >>> from qfusion.sim.noise_plan import lower_noisy
        >>> model = NoiseModel()
        >>> model.add_gate_error(depolarizing(0.1, 1), ["x"])
        >>> walk(lower_noisy(Circuit(1).x(0), noise_model=model).ops, trace)
        Traceback (most recent call last):
            ...
        NotImplementedError: Trace runs no noise channels
        """
        raise NotImplementedError(f"{type(self).__name__} runs no noise channels")

    def readout(self, index: int, op: ReadoutOp) -> None:
        """The readout error at ``index``: only the recorded bit changes.

        >>> class Trace(Executor):                  # hooks that log what a walk asks of them
        ...     def __init__(self, num_clbits=1):
        ...         self.clbits, self.segment, self.log = np.zeros(num_clbits, dtype=np.uint8), [], []
        ...     def run_segment(self, ops, key, keep_layout):
        ...         self.log.append(("run", key, len(ops)))
        ...     def collapse(self, qubit, reset):
        ...         self.log.append(("reset" if reset else "measure", qubit))
        ...         return 1
        >>> from qfusion.circuit import Circuit
        >>> from qfusion.sim.plan import lower
        >>> trace = Trace()
        >>> from qfusion.noise import ReadoutError
        >>> from qfusion.sim.noise_plan import ReadoutOp
        >>> trace.rng = np.random.default_rng(0)
        >>> trace.readout(0, ReadoutOp(0, 0, ReadoutError(np.array([[0.0, 1.0], [0.0, 1.0]]))))   # always reads 1
        >>> trace.clbits.tolist()
        [1]
        """
        record_readout(self.clbits, op, self.rng)

    def reset(self, index: int, op: ResetOp) -> None:
        """The reset at ``index``: after the pending segment, the qubit collapses to 0.

        >>> class Trace(Executor):                  # hooks that log what a walk asks of them
        ...     def __init__(self, num_clbits=1):
        ...         self.clbits, self.segment, self.log = np.zeros(num_clbits, dtype=np.uint8), [], []
        ...     def run_segment(self, ops, key, keep_layout):
        ...         self.log.append(("run", key, len(ops)))
        ...     def collapse(self, qubit, reset):
        ...         self.log.append(("reset" if reset else "measure", qubit))
        ...         return 1
        >>> from qfusion.circuit import Circuit
        >>> from qfusion.sim.plan import lower
        >>> trace = Trace()
        >>> trace.segment = ["a pending gate"]
        >>> trace.reset(3, lower(Circuit(1).reset(0)).ops[0])
        >>> trace.log                                       # the segment runs first, then the collapse to 0
        [('run', ('segment', 3), 1), ('reset', 0)]
        """
        self.flush(index)
        self.collapse(op.qubit, reset=True)

    def flush(self, index: int | tuple) -> None:
        """Run the pending segment before the op at ``index``, which reads the state; empty it.

        >>> class Trace(Executor):                  # hooks that log what a walk asks of them
        ...     def __init__(self, num_clbits=1):
        ...         self.clbits, self.segment, self.log = np.zeros(num_clbits, dtype=np.uint8), [], []
        ...     def run_segment(self, ops, key, keep_layout):
        ...         self.log.append(("run", key, len(ops)))
        ...     def collapse(self, qubit, reset):
        ...         self.log.append(("reset" if reset else "measure", qubit))
        ...         return 1
        >>> from qfusion.circuit import Circuit
        >>> from qfusion.sim.plan import lower
        >>> trace = Trace()
        >>> trace.flush(5)                                   # nothing pending: nothing runs
        >>> trace.segment = ["a", "b"]
        >>> trace.flush(7)
        >>> trace.log, trace.segment
        ([('run', ('segment', 7), 2)], [])
        """
        if self.segment:
            self.run_segment(self.segment, ("segment", index), keep_layout=False)
            self.segment = []

    def finish(self, end: int) -> None:
        """Run what is pending after the last op (``end`` is the number of ops).

        >>> class Trace(Executor):                  # hooks that log what a walk asks of them
        ...     def __init__(self, num_clbits=1):
        ...         self.clbits, self.segment, self.log = np.zeros(num_clbits, dtype=np.uint8), [], []
        ...     def run_segment(self, ops, key, keep_layout):
        ...         self.log.append(("run", key, len(ops)))
        ...     def collapse(self, qubit, reset):
        ...         self.log.append(("reset" if reset else "measure", qubit))
        ...         return 1
        >>> from qfusion.circuit import Circuit
        >>> from qfusion.sim.plan import lower
        >>> trace = Trace()
        >>> trace.segment = ["a"]
        >>> trace.finish(4)
        >>> trace.log
        [('run', ('segment', 4), 1)]
        """
        self.run_segment(self.segment, ("segment", end), keep_layout=True)

    def conditioned(self, index: int, op) -> None:
        """The channel or reset of the conditional at ``index``, whose condition holds (the segment
        has been flushed; :func:`walk` itself runs a conditioned gate alone and a conditioned
        measurement as any other).

        >>> class Trace(Executor):                  # hooks that log what a walk asks of them
        ...     def __init__(self, num_clbits=1):
        ...         self.clbits, self.segment, self.log = np.zeros(num_clbits, dtype=np.uint8), [], []
        ...     def run_segment(self, ops, key, keep_layout):
        ...         self.log.append(("run", key, len(ops)))
        ...     def collapse(self, qubit, reset):
        ...         self.log.append(("reset" if reset else "measure", qubit))
        ...         return 1
        >>> from qfusion.circuit import Circuit
        >>> from qfusion.sim.plan import lower
        >>> trace = Trace()
        >>> trace.conditioned(2, lower(Circuit(1).reset(0)).ops[0])   # a conditioned reset whose condition held
        >>> trace.log
        [('reset', 0)]
        """
        if isinstance(op, ResetOp):
            self.collapse(op.qubit, reset=True)
        elif isinstance(op, ClassicalOp):
            self.classical(index, op)
        else:
            self.channel(index, op)

    def condition_holds(self, index: int, op: ConditionalOp) -> bool:
        """Whether the recorded bits meet the condition of the conditional at ``index``.

        >>> class Trace(Executor):                  # hooks that log what a walk asks of them
        ...     def __init__(self, num_clbits=1):
        ...         self.clbits, self.segment, self.log = np.zeros(num_clbits, dtype=np.uint8), [], []
        ...     def run_segment(self, ops, key, keep_layout):
        ...         self.log.append(("run", key, len(ops)))
        ...     def collapse(self, qubit, reset):
        ...         self.log.append(("reset" if reset else "measure", qubit))
        ...         return 1
        >>> from qfusion.circuit import Circuit
        >>> from qfusion.sim.plan import lower
        >>> trace = Trace()
        >>> op = lower(Circuit(2, 1).measure(0, 0).x(1).c_if(0, 1)).ops[-1]
        >>> before = trace.condition_holds(1, op)
        >>> trace.clbits[0] = 1
        >>> before, trace.condition_holds(1, op)
        (False, True)
        """
        return sum(int(self.clbits[b]) << j for j, b in enumerate(op.clbits)) == op.value

    def measure(self, index: int, op: MeasureOp) -> None:
        """The measurement at ``index`` (the segment has been flushed): collapse, record the outcome.

        >>> class Trace(Executor):                  # hooks that log what a walk asks of them
        ...     def __init__(self, num_clbits=1):
        ...         self.clbits, self.segment, self.log = np.zeros(num_clbits, dtype=np.uint8), [], []
        ...     def run_segment(self, ops, key, keep_layout):
        ...         self.log.append(("run", key, len(ops)))
        ...     def collapse(self, qubit, reset):
        ...         self.log.append(("reset" if reset else "measure", qubit))
        ...         return 1
        >>> from qfusion.circuit import Circuit
        >>> from qfusion.sim.plan import lower
        >>> trace = Trace()
        >>> trace.measure(0, lower(Circuit(1, 1).measure(0, 0).x(0)).ops[0])
        >>> trace.clbits.tolist()
        [1]
        """
        self.clbits[op.clbit] = self.collapse(op.qubit, reset=False)

    def classical(self, index: int, op: ClassicalOp) -> None:
        """The run-time classical instruction at ``index`` for this one shot (the segment has been
        flushed): a store into bits, or a loop or branch whose body runs as a nested walk.

        >>> class Trace(Executor):                  # hooks that log what a walk asks of them
        ...     def __init__(self, num_clbits=1):
        ...         self.clbits, self.segment, self.log = np.zeros(num_clbits, dtype=np.uint8), [], []
        ...     def run_segment(self, ops, key, keep_layout):
        ...         self.log.append(("run", key, len(ops)))
        ...     def collapse(self, qubit, reset):
        ...         self.log.append(("reset" if reset else "measure", qubit))
        ...         return 1
        >>> from qfusion.circuit import Circuit
        >>> from qfusion.sim.plan import lower
        >>> trace = Trace()
        >>> from qfusion.circuit.classical import Bits, Op, Store, Value
        >>> trace = Trace(num_clbits=2)
        >>> [op] = lower(Circuit(1, 2).append(Store((0, 1), Op("+", (Bits((0, 1)), Value(2)))), [])).ops
        >>> trace.classical(0, op)
        >>> trace.clbits.tolist()                           # 0 + 2 = 2: bit 1 set
        [0, 1]
        """
        operation = op.operation
        clbits = self.clbits
        if type(operation) is Store:
            value = evaluate(operation.value, clbits)
            value = int(value) if operation.target else 0
            for j, bit in enumerate(operation.target):
                clbits[bit] = (value >> j) & 1
        elif type(operation) is IfElse:
            body = op.bodies[0] if evaluate(operation.condition, clbits) else op.bodies[1]
            if body:
                walk(body, _Nested(self, body), finish=False)
        elif type(operation) is WhileLoop:
            body, passes = op.bodies[0], 0
            nested = _Nested(self, body)
            while evaluate(operation.condition, clbits):
                passes += 1
                if passes > operation.max_iterations:
                    raise CircuitError(f"a while loop ran more than {operation.max_iterations:,} passes in one shot")
                walk(body, nested, finish=False)
        elif type(operation) is DynamicGate:
            self.run_segment(gate_ops_of(operation.bound(clbits), op.qubits), None, False)
        else:
            raise TypeError(f"no simulator runs {type(operation).__name__}")


class _Nested(Executor):
    """The hooks of a body run inside a shot (a loop's or a branch's): the outer executor's, with
    the body's own keys for cached plans."""

    def __init__(self, outer: Executor, body: tuple):
        self.outer, self.body_key = outer, id(body)
        self.clbits, self.segment = outer.clbits, []
        if hasattr(outer, "rng"):  # (a pure walk without readout errors has none)
            self.rng = outer.rng

    def run_segment(self, ops: list, key, keep_layout: bool) -> None:
        self.outer.run_segment(ops, (self.body_key, key), False)

    def collapse(self, qubit: int, reset: bool) -> int:
        return self.outer.collapse(qubit, reset)

    def channel(self, index: int | tuple, op: ChannelOp) -> None:
        self.outer.flush(index)
        self.outer.channel((self.body_key, index), op)


def walk(ops, executor: Executor, start: int = 0, finish: bool = True) -> None:
    """Run ``ops[start:]`` (a lowered program's ops) through ``executor``'s hooks, in order
    (``finish``: run what is pending at the end with the qubits left where they are; else put back).

    Ops are matched by exact type, cheaper than ``isinstance`` in a shot's loop (a subclass raises).

    >>> class Trace(Executor):                  # hooks that log what a walk asks of them
    ...     def __init__(self, num_clbits=1):
    ...         self.clbits, self.segment, self.log = np.zeros(num_clbits, dtype=np.uint8), [], []
    ...     def run_segment(self, ops, key, keep_layout):
    ...         self.log.append(("run", key, len(ops)))
    ...     def collapse(self, qubit, reset):
    ...         self.log.append(("reset" if reset else "measure", qubit))
    ...         return 1
    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim.plan import lower
    >>> trace = Trace()
    >>> walk(lower(Circuit(2, 1).h(0).measure(0, 0).x(1).c_if(0, 1)).ops, trace)
    >>> trace.log                                       # the conditioned gate runs alone
    [('run', ('segment', 1), 1), ('measure', 0), ('run', ('conditional', 2), 1), ('run', ('segment', 3), 0)]
    """
    for index in range(start, len(ops)):
        op = ops[index]
        kind = type(op)
        if kind is GateOp:
            executor.segment.append(op)
        elif kind is ChannelOp:
            executor.channel(index, op)
        elif kind is MeasureOp or kind is ConditionalOp:
            executor.flush(index)
            if kind is ConditionalOp:
                if not executor.condition_holds(index, op):
                    continue
                op = op.op
                if type(op) is GateOp:
                    executor.run_segment([op], ("conditional", index), keep_layout=False)
                    continue
                if type(op) is not MeasureOp:
                    executor.conditioned(index, op)
                    continue
            executor.measure(index, op)
        elif kind is ResetOp:
            executor.reset(index, op)
        elif kind is ReadoutOp:
            executor.readout(index, op)
        elif kind is ClassicalOp:
            executor.flush(index)
            executor.classical(index, op)
        else:
            raise TypeError(f"no simulator runs {kind.__name__}")
    if finish:
        executor.finish(len(ops))
    else:
        executor.flush(len(ops))


def terminal_tail(ops) -> int:
    """The first index from which ``ops`` only measure qubits that nothing touches afterwards (each
    clbit once, its readout errors after it, nothing conditioned): the outcomes from there on can
    all be drawn from the one state before them. ``len(ops)`` when there is no such tail.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim.plan import lower_instructions
    >>> ops = lower_instructions(Circuit(2, 3).h(0).measure(0, 0).x(0).measure(0, 1).h(1).measure(1, 2), "")
    >>> [type(op).__name__ for op in ops[terminal_tail(ops):]]
    ['MeasureOp', 'GateOp', 'MeasureOp']
    """
    touched: set[int] = set()  # qubits that an op after the current one acts on
    measured: set[int] = set()  # clbits measured after the current op
    unread: set[int] = set()  # clbits with a readout error after the current op and no measurement before it
    tail = len(ops)
    for index in range(len(ops) - 1, -1, -1):
        op = ops[index]
        kind = type(op)
        if kind is ConditionalOp:
            break
        if kind is MeasureOp:
            if op.qubit in touched or op.clbit in measured:
                break
            measured.add(op.clbit)
            unread.discard(op.clbit)
            if not unread:
                tail = index
        elif kind is ReadoutOp:
            unread.add(op.clbit)
        else:
            touched.update((op.qubit,) if kind is ResetOp else op.qubits)
    return tail


@dataclass
class Shots:
    """What the branches of one sampling share: the ops, where their terminal tail starts
    (:func:`terminal_tail`), each shot's outcome (bit j = clbit j) and the branch that ended with
    shot 0 (whose record, such as expected erasures, a sampler reports)."""
    ops: tuple
    tail: int
    outcomes: np.ndarray
    first: BranchingExecutor | None = None


class BranchingExecutor(Executor):
    """Hooks for :func:`walk` that run many shots at once. The shots of a branch (``indices``)
    share the simulator's data and differ only in their recorded bits (``bits``, a row per shot);
    where a measurement's outcomes or a condition set them apart, the fewer go on in a copy
    (:meth:`split`) walked to the end there and then, so the work up to a split is done once and
    at most ``log2(shots)`` copies are alive at a time. Measurements in the terminal tail do not
    collapse: at the end the branch draws its shots' indices from the state (:meth:`sample`).
    Readout errors are drawn per shot; the last segment is not run (nothing reads it).

    A simulator supplies :meth:`probability_one`, :meth:`project`, :meth:`split` and
    :meth:`sample`, besides :meth:`Executor.run_segment`."""

    shots: Shots
    indices: np.ndarray
    bits: np.ndarray

    def classical(self, index: int, op: ClassicalOp) -> None:
        raise TypeError("run-time classical instructions run shot by shot, not in branches")

    def start(self, shots: Shots, indices: np.ndarray, bits: np.ndarray) -> None:
        self.shots, self.indices, self.bits = shots, indices, bits
        self.deferred: list = []    # measurements and readouts of the terminal tail, drawn at the end

    def probability_one(self, qubit: int) -> float:
        """The probability that measuring ``qubit`` gives 1 (the segment has been flushed)."""
        raise NotImplementedError

    def project(self, qubit: int, outcome: int, probability: float) -> None:
        """Collapse ``qubit`` onto ``outcome``, which had ``probability``."""
        raise NotImplementedError

    def split(self, moving: np.ndarray) -> BranchingExecutor:
        """A branch of the shots ``moving`` selects, on a copy of the data (started with
        ``start(self.shots, self.indices[moving], self.bits[moving])``)."""
        raise NotImplementedError

    def sample(self, count: int) -> np.ndarray:
        """``count`` basis-state indices drawn from the state."""
        raise NotImplementedError

    def _branch_off(self, moving: np.ndarray, index: int, then=None) -> None:
        child = self.split(moving)
        if then is not None:
            then(child)
        walk(self.shots.ops, child, index)
        self.indices, self.bits = self.indices[~moving], self.bits[~moving]

    def condition_holds(self, index: int, op: ConditionalOp) -> bool:
        value = pack_bits(self.bits[:, list(op.clbits)])
        holds = value == op.value
        count = int(holds.sum())
        majority = 2 * count > len(holds)
        if 0 < count < len(holds):  # the fewer shots go on from this conditional in a copy
            self._branch_off(holds != majority, index)
        return majority

    def measure(self, index: int, op: MeasureOp) -> None:
        if index >= self.shots.tail:
            self.deferred.append(op)
        else:
            self._part(op.qubit, index + 1, lambda branch, outcome, p_one: branch._record(op, outcome, p_one))

    def _part(self, qubit: int, resume: int, settle) -> None:
        """Draw ``qubit``'s outcome for each shot; the fewer (if any) go on from ``resume`` in a copy.
        ``settle(branch, outcome, p_one)`` collapses each branch onto its outcome."""
        p_one = self.probability_one(qubit)
        ones = self.rng.random(len(self.indices)) < p_one
        count = int(ones.sum())
        outcome = int(2 * count > len(ones))
        if 0 < count < len(ones):
            self._branch_off(ones != bool(outcome), resume, lambda child: settle(child, 1 - outcome, p_one))
        settle(self, outcome, p_one)

    def _record(self, op: MeasureOp, outcome: int, p_one: float) -> None:
        self.project(op.qubit, outcome, p_one if outcome else 1.0 - p_one)
        self.bits[:, op.clbit] = outcome

    def readout(self, index: int, op: ReadoutOp) -> None:
        if index >= self.shots.tail:
            self.deferred.append(op)
        else:
            self.bits[:, op.clbit] = op.error.apply_to_bits(self.bits[:, op.clbit], self.rng)

    def finish(self, end: int) -> None:
        if self.deferred:
            drawn = self.sample(len(self.indices))
            for op in self.deferred:
                if type(op) is MeasureOp:
                    self.bits[:, op.clbit] = (drawn >> op.qubit) & 1
                else:
                    self.bits[:, op.clbit] = op.error.apply_to_bits(self.bits[:, op.clbit], self.rng)
        self.shots.outcomes[self.indices] = pack_bits(self.bits)
        if len(self.indices) and self.indices[0] == 0:
            self.shots.first = self


class PureBranchingExecutor(BranchingExecutor):
    """A :class:`BranchingExecutor` of a pure state: a reset parts the shots as a measurement does
    (its unrecorded outcome still decides the state each shot goes on from; one collapse shared by
    all the shots of a branch would entangle them). :meth:`project` takes ``reset``: flip the
    collapsed qubit to 0."""

    def project(self, qubit: int, outcome: int, probability: float, reset: bool = False) -> None:
        raise NotImplementedError

    def reset(self, index: int, op: ResetOp) -> None:
        self.flush(index)
        self._part(op.qubit, index + 1, _collapse_to_zero(op.qubit))

    def conditioned(self, index: int, op) -> None:
        # a pure state's only conditioned op besides gates and measurements
        self._part(op.qubit, index + 1, _collapse_to_zero(op.qubit))


def _collapse_to_zero(qubit: int):
    def settle(branch: PureBranchingExecutor, outcome: int, p_one: float) -> None:
        branch.project(qubit, outcome, p_one if outcome else 1.0 - p_one, reset=True)
    return settle
