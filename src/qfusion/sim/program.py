"""The one walk over a lowered program that every simulator shares.

A simulator's lowered ops (:mod:`.plan`, :mod:`.noise_plan`) are run in order by
:func:`walk`; what each kind of op does to the simulator's data is its :class:`Executor`'s
hooks. Unitary ops gather in a pending segment (which the simulator fuses and sweeps at
once); the segment is flushed before any op that reads or collapses the state; a condition
is read from the classical bits after that flush, and a measurement's outcome is recorded in
them; a conditioned gate runs alone. The hooks' defaults are those of a pure state: a reset
collapses the qubit, a readout error changes only its recorded bit.

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

import numpy as np

from qfusion.sim.noise_plan import ChannelOp, ReadoutOp
from qfusion.sim.plan import ConditionalOp, GateOp, MeasureOp, ResetOp


def bits_value(clbits: np.ndarray) -> int:
    """The integer whose bit j is ``clbits[j]`` (a shot's outcome).

    >>> bits_value(np.array([1, 0, 1], dtype=np.uint8))
    5
    """
    return sum(int(b) << j for j, b in enumerate(clbits))


def record_readout(clbits: np.ndarray, op: ReadoutOp, rng: np.random.Generator) -> None:
    """Replace the bit ``op`` reads by a draw from its readout error."""
    clbits[op.clbit] = int(op.error.apply_to_bits(np.array([int(clbits[op.clbit])]), rng)[0])


class Executor:
    """A simulator's hooks for :func:`walk`. A subclass sets ``clbits``, ``segment`` (the pending
    list, which gates join; a hook that runs it puts a new one there) and, for readout errors,
    ``rng``, and defines :meth:`run_segment` and :meth:`collapse`; a noisy simulator also
    :meth:`channel`. The other hooks' defaults are those of a pure state."""

    clbits: np.ndarray
    segment: list
    rng: np.random.Generator

    def run_segment(self, ops: list, key, keep_layout: bool) -> None:
        """Apply ``ops`` at once (their plan may be cached under ``key``); ``keep_layout``: the
        qubits may stay at permuted positions."""
        raise NotImplementedError

    def collapse(self, qubit: int, reset: bool) -> int:
        """Measure ``qubit`` (then flip it to 0 when ``reset``); the outcome."""
        raise NotImplementedError

    def channel(self, index: int, op: ChannelOp) -> None:
        """The channel at ``index`` (a noisy simulator picks, or joins, it here)."""
        raise NotImplementedError(f"{type(self).__name__} runs no noise channels")

    def readout(self, index: int, op: ReadoutOp) -> None:
        """The readout error at ``index``: only the recorded bit changes."""
        record_readout(self.clbits, op, self.rng)

    def reset(self, index: int, op: ResetOp) -> None:
        """The reset at ``index``: after the pending segment, the qubit collapses to 0."""
        self.flush(index)
        self.collapse(op.qubit, reset=True)

    def flush(self, index: int) -> None:
        """Run the pending segment before the op at ``index``, which reads the state; empty it."""
        if self.segment:
            self.run_segment(self.segment, ("segment", index), keep_layout=False)
            self.segment = []

    def finish(self, end: int) -> None:
        """Run what is pending after the last op (``end`` is the number of ops)."""
        self.run_segment(self.segment, ("segment", end), keep_layout=True)

    def conditioned(self, index: int, op) -> None:
        """The channel or reset of the conditional at ``index``, whose condition holds (the segment
        has been flushed; :func:`walk` itself runs a conditioned gate alone and a conditioned
        measurement as any other)."""
        if isinstance(op, ResetOp):
            self.collapse(op.qubit, reset=True)
        else:
            self.channel(index, op)


def walk(ops, executor: Executor, start: int = 0) -> None:
    """Run ``ops[start:]`` (a lowered program's ops) through ``executor``'s hooks, in order.

    Ops are matched by exact type, cheaper than ``isinstance`` in a shot's loop (a subclass raises)."""
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
                clbits = executor.clbits
                if sum(int(clbits[b]) << j for j, b in enumerate(op.clbits)) != op.value:
                    continue
                op = op.op
                if type(op) is GateOp:
                    executor.run_segment([op], ("conditional", index), keep_layout=False)
                    continue
                if type(op) is not MeasureOp:
                    executor.conditioned(index, op)
                    continue
            executor.clbits[op.clbit] = executor.collapse(op.qubit, reset=False)
        elif kind is ResetOp:
            executor.reset(index, op)
        elif kind is ReadoutOp:
            executor.readout(index, op)
        else:
            raise TypeError(f"no simulator runs {kind.__name__}")
    executor.finish(len(ops))
