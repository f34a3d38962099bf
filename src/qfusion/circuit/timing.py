"""Timing in the circuit: a delay holds its qubits idle for a duration.

A :class:`Delay` changes no state (simulators skip it as they skip barriers), but schedulers and
noise models give it its duration: on an emulated device the qubits wait, and decohere, that long.
:class:`Duration` is a length of time with its unit, as OpenQASM 3 writes it.

>>> Delay(1, 2e-6).duration, Delay(2, Duration(250, "ns")).duration
(2e-06, 2.5e-07)
>>> Duration(1.5, "us").seconds
1.5e-06
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from qfusion.circuit.gates import Barrier
from qfusion.errors import CircuitError

UNITS = {"s": 1.0, "ms": 1e3, "us": 1e6, "µs": 1e6, "ns": 1e9}     # per second


@dataclass(frozen=True)
class Duration:
    """``value`` in ``unit`` (``"s"``, ``"ms"``, ``"us"``/``"µs"`` or ``"ns"``)."""
    value: float
    unit: str = "s"

    def __post_init__(self):
        if self.unit not in UNITS:
            raise CircuitError(f"duration unit must be one of {', '.join(UNITS)}, got {self.unit!r}")

    @property
    def seconds(self) -> float:
        return float(self.value) / UNITS[self.unit]


class Delay(Barrier):
    """Keep ``num_qubits`` qubits idle for ``duration`` (seconds, or a :class:`Duration`)."""
    name = "delay"

    def __init__(self, num_qubits: int, duration):
        seconds = duration.seconds if isinstance(duration, Duration) else float(duration)
        if not seconds >= 0 or math.isinf(seconds):
            raise CircuitError(f"a delay's duration must be a finite number of seconds >= 0, got {duration!r}")
        super().__init__(num_qubits)
        self.duration = seconds
        self.params = (seconds,)

    def __eq__(self, other):
        return type(other) is Delay and other.num_qubits == self.num_qubits and other.duration == self.duration

    def __hash__(self):
        return hash(("delay", self.num_qubits, self.duration))

    def __repr__(self):
        return f"Delay({self.num_qubits}, {self.duration!r})"
