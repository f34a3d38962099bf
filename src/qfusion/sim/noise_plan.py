"""Lowering of noisy circuits: gates, channels, measurements, readout errors as plain ops.

A circuit is first made noisy by a :class:`~qfusion.noise.NoiseModel` (when one is
given), then lowered: gates as :class:`~qfusion.sim.plan.GateOp`, channels as
:class:`ChannelOp`, readout errors as :class:`ReadoutOp` (classical, after the
measurement they follow). Measurements are *terminal* when nothing but readout errors
follows them on their qubits and nothing is conditioned; shots then all come from one
final state.

>>> from qfusion.circuit import Circuit
>>> from qfusion.noise import NoiseModel, depolarizing, readout_error
>>> model = NoiseModel()
>>> model.add_gate_error(depolarizing(0.1), ["h"])
>>> model.add_readout_error(readout_error(0.1, 0.1))
>>> program = lower_noisy(Circuit(1).h(0).measure_all(), noise_model=model)
>>> [type(op).__name__ for op in program.ops], program.terminal_measurements
(['GateOp', 'ChannelOp', 'ReadoutOp'], ((0, 0),))
"""

from __future__ import annotations

from dataclasses import dataclass

from qfusion.circuit.circuit import Circuit
from qfusion.errors import CircuitError
from qfusion.noise.channel import Channel, NoiseOperation
from qfusion.noise.model import NoiseModel, ReadoutOperation
from qfusion.noise.readout import ReadoutError
from qfusion.sim.plan import MeasureOp, bind_params, lower_instructions, terminal_measurements


@dataclass(frozen=True, eq=False)
class ChannelOp:
    """``channel`` on ``qubits`` (channel qubit k is ``qubits[k]``).

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.noise import NoiseModel, ReadoutError, depolarizing
    >>> model = NoiseModel()
    >>> model.add_gate_error(depolarizing(0.1, 1), ["x"])
    >>> model.add_readout_error(ReadoutError([[0.9, 0.1], [0.2, 0.8]]), [0])
    >>> program = lower_noisy(Circuit(1, 1).x(0).measure(0, 0), noise_model=model)
    >>> channel_op = program.ops[1]
    >>> channel_op.qubits, channel_op.channel.name
    ((0,), 'depolarizing')
    """
    qubits: tuple[int, ...]
    channel: Channel


@dataclass(frozen=True, eq=False)
class ReadoutOp:
    """Replace the bit just recorded in ``clbit`` (measured from ``qubit``) by a draw from ``error``.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.noise import NoiseModel, ReadoutError, depolarizing
    >>> model = NoiseModel()
    >>> model.add_gate_error(depolarizing(0.1, 1), ["x"])
    >>> model.add_readout_error(ReadoutError([[0.9, 0.1], [0.2, 0.8]]), [0])
    >>> program = lower_noisy(Circuit(1, 1).x(0).measure(0, 0), noise_model=model)
    >>> readout = program.readout_errors[0]
    >>> readout.qubit, readout.clbit, type(readout.error).__name__
    (0, 0, 'ReadoutError')
    """
    qubit: int
    clbit: int
    error: ReadoutError


@dataclass(frozen=True)
class NoisyProgram:
    """A lowered noisy circuit. With ``terminal_measurements`` (``(qubit, clbit)`` pairs),
    ``ops`` holds no measurement, and readout errors apply to the sampled bits.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.noise import NoiseModel, ReadoutError, depolarizing
    >>> model = NoiseModel()
    >>> model.add_gate_error(depolarizing(0.1, 1), ["x"])
    >>> model.add_readout_error(ReadoutError([[0.9, 0.1], [0.2, 0.8]]), [0])
    >>> program = lower_noisy(Circuit(1, 1).x(0).measure(0, 0), noise_model=model)
    >>> [type(op).__name__ for op in program.ops], program.terminal_measurements
    (['GateOp', 'ChannelOp', 'ReadoutOp'], ((0, 0),))
    """
    num_qubits: int
    num_clbits: int
    ops: tuple
    terminal_measurements: tuple[tuple[int, int], ...] | None

    @property
    def readout_errors(self) -> tuple[ReadoutOp, ...]:
        """The readout errors among the ops, in order.

        >>> from qfusion.circuit import Circuit
        >>> from qfusion.noise import NoiseModel, ReadoutError, depolarizing
        >>> model = NoiseModel()
        >>> model.add_gate_error(depolarizing(0.1, 1), ["x"])
        >>> model.add_readout_error(ReadoutError([[0.9, 0.1], [0.2, 0.8]]), [0])
        >>> program = lower_noisy(Circuit(1, 1).x(0).measure(0, 0), noise_model=model)
        >>> len(program.readout_errors)
        1
        """
        return tuple(op for op in self.ops if isinstance(op, ReadoutOp))


def lower_noisy(circuit: Circuit, params=None, noise_model: NoiseModel | None = None,
                durations=None) -> NoisyProgram:
    """Bind ``params``, apply ``noise_model`` (with instruction ``durations`` for idle noise), lower.

    >>> from qfusion.circuit import Circuit
    >>> program = lower_noisy(Circuit(2).h(0).cx(0, 1).measure_all())       # no model: just the gates
    >>> [type(op).__name__ for op in program.ops], program.terminal_measurements
    (['GateOp', 'GateOp'], ((0, 0), (1, 1)))
    """
    circuit = bind_params(circuit, params)
    if noise_model is not None:
        circuit = noise_model.apply(circuit, durations)
    ops = lower_instructions(circuit, "the noisy simulators", _lower_noise)
    terminal = terminal_measurements(ops, classical=(ReadoutOp,), resets=True)
    if terminal is not None:
        ops = [op for op in ops if not isinstance(op, MeasureOp)]
    return NoisyProgram(circuit.num_qubits, circuit.num_clbits, tuple(ops), terminal)


def _lower_noise(inst) -> list | None:
    """A channel as its stages (a composed channel runs as its factors, each in its cheap form),
    a readout error as a :class:`ReadoutOp`; None for any other operation."""
    op = inst.operation
    if isinstance(op, NoiseOperation):
        return [ChannelOp(tuple(inst.qubits[j] for j in qubits), channel) for channel, qubits in op.channel.parts]
    if isinstance(op, ReadoutOperation):
        if inst.condition is not None:
            raise CircuitError("a readout error cannot be conditioned")
        return [ReadoutOp(inst.qubits[0], inst.clbits[0], op.error)]
    return None
