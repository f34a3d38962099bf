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
    """``channel`` on ``qubits`` (channel qubit k is ``qubits[k]``)."""
    qubits: tuple[int, ...]
    channel: Channel


@dataclass(frozen=True, eq=False)
class ReadoutOp:
    """Replace the bit just recorded in ``clbit`` (measured from ``qubit``) by a draw from ``error``."""
    qubit: int
    clbit: int
    error: ReadoutError


@dataclass(frozen=True)
class NoisyProgram:
    """A lowered noisy circuit. With ``terminal_measurements`` (``(qubit, clbit)`` pairs),
    ``ops`` holds no measurement, and readout errors apply to the sampled bits."""
    num_qubits: int
    num_clbits: int
    ops: tuple
    terminal_measurements: tuple[tuple[int, int], ...] | None

    @property
    def readout_errors(self) -> tuple[ReadoutOp, ...]:
        return tuple(op for op in self.ops if isinstance(op, ReadoutOp))


def lower_noisy(circuit: Circuit, params=None, noise_model: NoiseModel | None = None,
                durations=None) -> NoisyProgram:
    """Bind ``params``, apply ``noise_model`` (with instruction ``durations`` for idle noise), lower."""
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
