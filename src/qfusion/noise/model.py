"""Noise models: which channel follows which gate, on which qubits, and what idle time does.

:meth:`NoiseModel.apply` turns a circuit into a noisy one: channels (as
:class:`~qfusion.noise.channel.NoiseOperation`) after each gate, before each measurement
that has an error, on each idle stretch of a qubit when instruction durations are given,
and a :class:`ReadoutOperation` after each measurement with a readout error. Noisy
simulators (``backend="density_matrix"``, or ``"statevector"`` by trajectories) run it.

>>> from qfusion.circuit import Circuit
>>> from qfusion.noise.channels import depolarizing
>>> model = NoiseModel()
>>> model.add_gate_error(depolarizing(0.01, 2), ["cx"])
>>> model.add_gate_error(depolarizing(0.001), ["h", "x"], qubits=[0])
>>> noisy = model.apply(Circuit(2).h(0).h(1).cx(0, 1))
>>> [inst.name for inst in noisy.instructions]
['h', 'depolarizing', 'h', 'cx', 'depolarizing']
"""

from __future__ import annotations

import json
import math
import sys
import types
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from qfusion.circuit.circuit import Circuit, Instruction
from qfusion.circuit.gates import Barrier, Measure, Operation
from qfusion.circuit.timing import Delay
from qfusion.errors import NoiseError, QfusionWarning
from qfusion.noise.channel import Channel, NoiseOperation
from qfusion.noise.channels import thermal_relaxation
from qfusion.noise.readout import ReadoutError


@dataclass(frozen=True)
class Relaxation:
    """Idle noise from ``t1``, ``t2``: called with a duration it gives the thermal-relaxation channel.

    ``detuning`` (Hz) adds a coherent error: the qubit's frame is off its frequency by that much,
    so an idle stretch ``t`` also rotates it by ``RZ(2 pi detuning t)`` (a spin echo undoes it;
    Markovian relaxation it does not).

    >>> Relaxation(t1=100e-6, t2=80e-6)(1e-6).name
    'thermal_relaxation'
    >>> import numpy as np
    >>> plus = np.full((2, 2), 0.5, dtype=complex)
    >>> rho = Relaxation(t1=math.inf, t2=math.inf, detuning=1e5)(2.5e-6).apply(plus)   # a quarter turn
    >>> np.round(rho[1, 0], 6)
    np.complex128(0.5j)
    """
    t1: float
    t2: float
    excited_population: float = 0.0
    detuning: float = 0.0

    def __post_init__(self):
        thermal_relaxation(self.t1, self.t2, 0.0, self.excited_population)  # checks the parameters
        if not math.isfinite(self.detuning):
            raise NoiseError(f"the detuning must be a finite frequency in Hz, got {self.detuning!r}")

    def __call__(self, duration: float) -> Channel:
        channel = thermal_relaxation(self.t1, self.t2, duration, self.excited_population)
        if self.detuning and duration > 0:
            phase = 2 * math.pi * self.detuning * duration
            channel = channel.compose(Channel.from_unitary(np.diag([1.0, np.exp(1j * phase)]), "detuning"))
        return channel


class ReadoutOperation(Operation):
    """A readout error on the classical bit just measured (placed after the measurement).

    >>> import numpy as np
    >>> ReadoutOperation(ReadoutError(np.array([[0.9, 0.1], [0.2, 0.8]]))).name
    'readout_error'
    """
    name = "readout_error"
    num_qubits = 1

    def __init__(self, error: ReadoutError):
        self.error = error

    def __repr__(self):
        return f"ReadoutOperation({self.error!r})"


def _qubit_key(qubits) -> tuple[int, ...] | None:
    """``None`` (all qubits), an int, or one instruction's qubits, as a tuple."""
    if qubits is None:
        return None
    if isinstance(qubits, int):
        return (qubits,)
    return tuple(int(q) for q in qubits)


class NoiseModel:
    """Channels attached to gate names (optionally per qubit or pair), readout errors and idle noise.

    Errors for specific qubits replace the all-qubit error of the same gate there (as in
    qiskit-aer); channels added to the same gate and qubits apply one after the other. Gate
    names are the circuit's (``"cx"``, ``"sx"``, ``"rz"``, ``"measure"``, ``"reset"``...).

    >>> from qfusion.noise import depolarizing
    >>> model = NoiseModel()
    >>> model.add_gate_error(depolarizing(0.01), ["h"])
    >>> model.apply(Circuit(1).h(0)).count_ops()
    {'h': 1, 'depolarizing': 1}
    """

    def __init__(self):
        self._gate: dict[str, dict[tuple[int, ...] | None, list[Channel]]] = {}
        self._readout: dict[int | None, ReadoutError] = {}
        self._idle: dict[int | None, Channel | Callable[[float], Channel | None]] = {}
        self._warned_idle = False

    # -- building --------------------------------------------------------------------------
    def add_gate_error(self, channel: Channel, gates, qubits=None) -> None:
        """Apply ``channel`` after every gate named in ``gates`` (before a ``"measure"``).

        ``qubits`` is None (every application), or one instruction's qubits (an int or a
        tuple such as ``(0, 1)``; order matters for two-qubit gates). A one-qubit channel on
        a multi-qubit gate acts on each of the gate's qubits; otherwise channel qubit ``k``
        is the gate's ``k``-th qubit.

        >>> from qfusion.noise import depolarizing
        >>> model = NoiseModel()
        >>> model.add_gate_error(depolarizing(0.02, 2), ["cx"], qubits=(0, 1))
        >>> len(model.gate_errors("cx", (0, 1))), len(model.gate_errors("cx", (1, 2)))
        (1, 0)
        """
        if not isinstance(channel, Channel):
            raise NoiseError(f"add_gate_error needs a Channel, got {type(channel).__name__}")
        names = [gates] if isinstance(gates, str) else list(gates)
        key = _qubit_key(qubits)
        if key is not None and channel.num_qubits not in (1, len(key)):
            raise NoiseError(f"a {channel.num_qubits}-qubit channel cannot follow a gate on qubits {key}")
        for name in names:
            _warn_unknown_gate(name)
            table = self._gate.setdefault(name, {})
            table.setdefault(key, []).append(channel)  # kept apart: each keeps its cheap form

    def add_readout_error(self, error: ReadoutError, qubits=None) -> None:
        """Apply a one-qubit readout ``error`` to measurements of ``qubits`` (an int, a list, or None: all).

        >>> import numpy as np
        >>> model = NoiseModel()
        >>> model.add_readout_error(ReadoutError(np.array([[0.9, 0.1], [0.2, 0.8]])), [0])
        >>> model.readout_error(0) is not None, model.readout_error(1)
        (True, None)
        """
        if not isinstance(error, ReadoutError) or error.num_qubits != 1:
            raise NoiseError("add_readout_error needs a one-qubit ReadoutError (see noise.readout_error)")
        keys = [None] if qubits is None else [qubits] if isinstance(qubits, int) else list(qubits)
        for key in keys:
            self._readout[key] = error

    def add_idle_error(self, error, qubits=None) -> None:
        """Noise on qubits while they wait: ``error`` is a function of the idle duration returning a
        one-qubit Channel (for example :class:`Relaxation`), or a fixed Channel applied on every
        idle stretch. Needs ``durations`` in :meth:`apply`. ``qubits``: an int, a list, or None.

        >>> model = NoiseModel()
        >>> model.add_idle_error(Relaxation(t1=50e-6, t2=70e-6))
        >>> model.has_idle_errors
        True
        """
        if isinstance(error, Channel):
            if error.num_qubits != 1:
                raise NoiseError("idle errors act on one qubit at a time")
        elif not callable(error):
            raise NoiseError("add_idle_error needs a Channel or a function duration -> Channel")
        keys = [None] if qubits is None else [qubits] if isinstance(qubits, int) else list(qubits)
        for key in keys:
            self._idle[key] = error

    # -- looking up ------------------------------------------------------------------------
    @property
    def noisy_gates(self) -> list[str]:
        """The gates that carry an error, sorted.

        >>> from qfusion.noise import bit_flip
        >>> model = NoiseModel()
        >>> model.add_gate_error(bit_flip(0.1), ["x", "h"])
        >>> model.noisy_gates
        ['h', 'x']
        """
        return sorted(self._gate)

    @property
    def has_idle_errors(self) -> bool:
        """Whether idle qubits decohere.

        >>> NoiseModel().has_idle_errors
        False
        """
        return bool(self._idle)

    def gate_errors(self, name: str, qubits) -> tuple[Channel, ...]:
        """The channels that follow gate ``name`` on ``qubits``, in order (a one-qubit channel on a
        multi-qubit gate acts on each of its qubits).

        >>> from qfusion.noise import bit_flip
        >>> model = NoiseModel()
        >>> model.add_gate_error(bit_flip(0.1), ["x"])
        >>> model.gate_errors("x", (0,))[0].name
        'bit_flip'
        """
        table = self._gate.get(name)
        if not table:
            return ()
        qubits = tuple(qubits)
        return tuple(table.get(qubits, table.get(None, ())))

    def gate_error(self, name: str, qubits) -> Channel | None:
        """The noise after gate ``name`` on ``qubits`` as one channel on the gate's qubits (None if noiseless).

        >>> from qfusion.noise.channels import bit_flip, depolarizing
        >>> m = NoiseModel()
        >>> m.add_gate_error(depolarizing(0.1, 2), ["cx"]); m.add_gate_error(bit_flip(0.1), ["cx"])
        >>> m.gate_error("cx", (0, 1)).num_qubits
        2
        """
        combined = None
        qubits = tuple(qubits)
        for channel in self.gate_errors(name, qubits):
            if channel.num_qubits != len(qubits):
                spread = channel
                for _ in range(len(qubits) - 1):
                    spread = spread.tensor(channel)
                channel = spread
            combined = channel if combined is None else combined.compose(channel)
        return combined

    def readout_error(self, qubit: int) -> ReadoutError | None:
        """The readout error of ``qubit`` (None: exact readout).

        >>> NoiseModel().readout_error(0) is None
        True
        """
        return self._readout.get(qubit, self._readout.get(None))

    def idle_error(self, qubit: int, duration: float) -> Channel | None:
        """The channel of ``qubit`` idling for ``duration`` seconds (None: no idle noise).

        >>> NoiseModel().idle_error(0, 1e-6) is None
        True
        """
        error = self._idle.get(qubit, self._idle.get(None))
        if error is None or not duration > 0:
            return None
        channel = error if isinstance(error, Channel) else error(duration)
        if channel is not None and channel.num_qubits != 1:
            raise NoiseError("idle errors must be one-qubit channels")
        return channel

    # -- applying --------------------------------------------------------------------------
    def apply(self, circuit: Circuit, durations=None) -> Circuit:
        """A copy of ``circuit`` with the model's noise as instructions.

        ``durations`` (for idle noise): a dict from gate name, or from ``(name, qubits)``,
        to a duration, or a function ``Instruction -> duration``; instructions it does not
        cover take no time. Instructions start as soon as their qubits are free (ASAP), and
        each wait of a qubit gets the idle error for its length; barriers align their qubits. A
        :class:`~qfusion.circuit.Delay` gets the idle error for its duration, with or without ``durations``.
        A qubit gets no idle noise after its last measurement.

        >>> import numpy as np
        >>> model = NoiseModel()
        >>> model.add_readout_error(ReadoutError(np.array([[0.9, 0.1], [0.2, 0.8]])))
        >>> model.apply(Circuit(1, 1).measure(0, 0)).count_ops()
        {'measure': 1, 'readout_error': 1}
        """
        if durations is None and self._idle and not self._warned_idle:
            self._warned_idle = True  # once per model: a sweep of runs repeats the same omission
            warnings.warn("this noise model has idle errors, but no durations= were given, so no idle noise is "
                          "applied; pass durations= (a dict gate name -> seconds, or a function of the instruction)",
                          QfusionWarning, stacklevel=_caller_level())
        noisy = circuit.copy()
        noisy.instructions = []
        duration_of = _duration_function(durations) if durations is not None and self._idle else None
        free = [0.0] * circuit.num_qubits
        last_measure = _last_measurements(circuit)
        for inst in circuit.instructions:
            op = inst.operation
            if duration_of is not None:
                start = max((free[q] for q in inst.qubits), default=0.0)
                for q in inst.qubits:
                    self._append_idle(noisy, q, start - free[q])
                end = start + (op.seconds() if isinstance(op, Delay) else
                               0.0 if isinstance(op, Barrier) else float(duration_of(inst)))
                for q in inst.qubits:
                    free[q] = end
            if isinstance(op, Delay) and self._idle:   # a delay is idle time the circuit states
                for q in inst.qubits:
                    self._append_idle(noisy, q, op.seconds())
            if isinstance(op, Barrier) or isinstance(op, NoiseOperation):
                noisy.instructions.append(inst)
                continue
            channels = self.gate_errors(op.name, inst.qubits)
            if isinstance(op, Measure):
                for channel in channels:
                    self._append_channel(noisy, channel, inst)
                noisy.instructions.append(inst)
                error = self.readout_error(inst.qubits[0])
                if error is not None:
                    noisy.instructions.append(Instruction(ReadoutOperation(error), inst.qubits, inst.clbits,
                                                          inst.condition))
                continue
            noisy.instructions.append(inst)
            for channel in channels:
                self._append_channel(noisy, channel, inst)
        if duration_of is not None:
            end = max(free, default=0.0)
            for q in range(circuit.num_qubits):
                if last_measure.get(q) is None:
                    self._append_idle(noisy, q, end - free[q])
        return noisy

    def _append_channel(self, noisy: Circuit, channel: Channel, inst: Instruction) -> None:
        if channel.num_qubits == len(inst.qubits):
            targets = [inst.qubits]
        elif channel.num_qubits == 1:
            targets = [(q,) for q in inst.qubits]
        else:
            raise NoiseError(f"a {channel.num_qubits}-qubit error cannot follow {inst.name!r} on "
                             f"{len(inst.qubits)} qubit(s)")
        for qubits in targets:
            noisy.instructions.append(Instruction(NoiseOperation(channel), tuple(qubits), (), inst.condition))

    def _append_idle(self, noisy: Circuit, qubit: int, duration: float) -> None:
        channel = self.idle_error(qubit, duration) if duration > 1e-300 else None
        if channel is not None:
            noisy.instructions.append(Instruction(NoiseOperation(channel), (qubit,)))

    # -- plain data ------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """Plain data for JSON (idle errors must be Channels or :class:`Relaxation`).

        >>> from qfusion.noise import bit_flip
        >>> model = NoiseModel()
        >>> model.add_gate_error(bit_flip(0.1), ["x"])
        >>> NoiseModel.from_dict(model.to_dict()).noisy_gates
        ['x']
        """
        gates = [{"gate": name, "qubits": list(key) if key is not None else None, "channel": ch.to_dict()}
                 for name, table in self._gate.items() for key, channels in table.items() for ch in channels]
        readout = [{"qubit": key, "error": err.to_dict()} for key, err in self._readout.items()]
        idle = []
        for key, error in self._idle.items():
            if isinstance(error, Channel):
                spec = {"channel": error.to_dict()}
            elif isinstance(error, Relaxation):
                spec = {"relaxation": {"t1": error.t1, "t2": error.t2,
                                       "excited_population": error.excited_population}}
                if error.detuning:
                    spec["relaxation"]["detuning"] = error.detuning
            else:
                raise NoiseError("an idle error given as a plain function cannot be saved; use Relaxation")
            idle.append({"qubit": key, **spec})
        return {"gate_errors": gates, "readout_errors": readout, "idle_errors": idle}

    @classmethod
    def from_dict(cls, data: dict) -> NoiseModel:
        """Inverse of :meth:`to_dict`.

        >>> from qfusion.noise.channels import bit_flip
        >>> m = NoiseModel(); m.add_gate_error(bit_flip(0.1), ["x"])
        >>> NoiseModel.from_dict(json.loads(json.dumps(m.to_dict()))).gate_error("x", (3,))
        Channel('bit_flip', num_qubits=1, pauli={'I': 0.9, 'X': 0.1})
        """
        model = cls()
        for entry in data.get("gate_errors", []):
            model.add_gate_error(Channel.from_dict(entry["channel"]), [entry["gate"]],
                                 tuple(entry["qubits"]) if entry.get("qubits") is not None else None)
        for entry in data.get("readout_errors", []):
            model.add_readout_error(ReadoutError.from_dict(entry["error"]), entry.get("qubit"))
        for entry in data.get("idle_errors", []):
            error = Channel.from_dict(entry["channel"]) if "channel" in entry else Relaxation(**entry["relaxation"])
            model.add_idle_error(error, entry.get("qubit"))
        return model

    def to_json(self) -> str:
        """The model as JSON text (:meth:`from_json` reads it back).

        >>> NoiseModel().to_json()[:15]
        '{"gate_errors":'
        """
        return json.dumps(self.to_dict())

    @classmethod
    def from_json(cls, text: str) -> NoiseModel:
        """The model of :meth:`to_json` text.

        >>> NoiseModel.from_json(NoiseModel().to_json()).noisy_gates
        []
        """
        return cls.from_dict(json.loads(text))

    def __repr__(self) -> str:
        return (f"NoiseModel(gates={self.noisy_gates}, readout_errors={len(self._readout)}, "
                f"idle_errors={len(self._idle)})")


def _duration_function(durations) -> Callable[[Instruction], float]:
    if callable(durations):
        return lambda inst: float(durations(inst) or 0.0)
    table = dict(durations)

    def lookup(inst: Instruction) -> float:
        value = table.get((inst.name, tuple(inst.qubits)), table.get(inst.name, 0.0))
        if value is None or value < 0 or math.isnan(value):
            raise NoiseError(f"duration of {inst.name!r} on {inst.qubits} must be non-negative, got {value!r}")
        return float(value)
    return lookup


def _last_measurements(circuit: Circuit) -> dict[int, int | None]:
    """For each qubit whose last instruction is a measurement, that instruction's index."""
    last: dict[int, int | None] = {}
    for index, inst in enumerate(circuit.instructions):
        if isinstance(inst.operation, Barrier):
            continue
        for q in inst.qubits:
            last[q] = index if isinstance(inst.operation, Measure) else None
    return last


__all__ = ["NoiseModel", "ReadoutOperation", "Relaxation"]


def _caller_level() -> int:
    """The ``stacklevel`` of the first frame outside qfusion, so a warning points at the user's call."""
    frame: types.FrameType | None = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith("qfusion."):
        frame, level = frame.f_back, level + 1
    return level


#: names noise can follow besides the standard gates: devices' native pulses, and what circuits hold
_OTHER_GATE_NAMES = {"mcx", "measure", "reset", "unitary", "global_rx", "global_ry", "global_rz", "delay"}


def _warn_unknown_gate(name) -> None:
    """A gate name no standard gate has (``"hadamard"``, ``"cnot"``) would silently match nothing
    but custom gates of that name: say so once, with the likely name."""
    from qfusion.circuit.gates import STANDARD_GATES
    if not isinstance(name, str):
        raise NoiseError(f"gate names are strings, got {name!r}")
    known = set(STANDARD_GATES) | _OTHER_GATE_NAMES
    if name in known:
        return
    import difflib
    aliases = {"cnot": "cx", "hadamard": "h", "toffoli": "ccx", "fredkin": "cswap", "phase": "p", "not": "x",
               "identity": "id", "i": "id", "cphase": "cp"}
    guess = aliases.get(name.lower()) or next(iter(difflib.get_close_matches(name, sorted(known), n=1)), None)
    warnings.warn(f"no standard gate is named {name!r}" + (f" (did you mean {guess!r}?)" if guess else "")
                  + "; this error applies only to custom gates of that name", QfusionWarning, stacklevel=3)

