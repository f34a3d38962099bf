"""Timing in the IR: durations and delays (OpenQASM 3's ``duration`` and ``delay``).

A :class:`Duration` is a length of time in one of OpenQASM 3's units (``ns``, ``us``, ``ms``,
``s``, or ``dt``, the sample time of a device, which is only known once a device is chosen).
A :class:`Delay` makes its qubits idle for a duration. It leaves the state as it is, so every
simulator skips it as it skips a barrier; the scheduler gives it its duration, and a noise model
with idle errors applies its relaxation over it.

>>> d = Duration(100, "ns")
>>> d.seconds()
1e-07
>>> Delay(2, d)
Delay(2, 100ns)
>>> Duration(4, "dt").seconds(dt=0.25e-9)
1e-09
"""

from __future__ import annotations

from dataclasses import dataclass

from qfusion.circuit.gates import Barrier
from qfusion.errors import CircuitError

UNITS = {"ns": 1e9, "us": 1e6, "µs": 1e6, "ms": 1e3, "s": 1.0}
"""Units per second, for every unit except ``dt`` (a device's sample time); dividing by these
gives the nearest float (``300 / 1e9`` is ``3e-07``, ``300 * 1e-9`` is not)."""


@dataclass(frozen=True)
class Duration:
    """``value`` in ``unit`` (``ns``, ``us``, ``µs``, ``ms``, ``s`` or ``dt``).

    Durations of the same unit add and scale exactly; mixing ``dt`` with a unit of time needs the
    device's ``dt``, so it is refused.

    >>> Duration(1, "us") + Duration(200, "ns")
    Duration(value=1.2e-06, unit='s')
    >>> 2 * Duration(50, "ns"), Duration(100, "ns") / Duration(50, "ns")
    (Duration(value=100.0, unit='ns'), 2.0)
    """
    value: float
    unit: str = "s"

    def __post_init__(self):
        if self.unit not in UNITS and self.unit != "dt":
            raise CircuitError(f"unknown unit of time {self.unit!r}; units are {', '.join(UNITS)} and dt")
        if isinstance(self.value, bool) or not isinstance(self.value, (int, float)):
            raise CircuitError(f"a duration is a number of {self.unit}, got {self.value!r}")
        object.__setattr__(self, "value", float(self.value))

    def seconds(self, dt: float | None = None) -> float:
        """The duration in seconds; a ``dt`` duration needs the device's sample time ``dt``.

        >>> Duration(3, "ms").seconds()
        0.003
        """
        if self.unit == "dt":
            if dt is None:
                raise CircuitError(f"{self} is in units of dt, a device's sample time; give dt= (seconds)")
            return self.value * dt
        return self.value / UNITS[self.unit]

    def _combine(self, other: Duration, sign: float) -> Duration:
        if isinstance(other, (Stretch, DurationOf, TimeExpression)):
            return other + self if sign > 0 else -other + self
        if not isinstance(other, Duration):
            return NotImplemented
        if self.unit == other.unit:
            return Duration(self.value + sign * other.value, self.unit)
        if other.value == 0:
            return self
        if self.value == 0:
            return Duration(sign * other.value, other.unit)
        if "dt" in (self.unit, other.unit):
            raise CircuitError(f"cannot combine {self} and {other}: dt is only known on a device")
        return Duration(self.seconds() + sign * other.seconds(), "s")

    def __add__(self, other: Duration) -> Duration:
        return self._combine(other, 1.0)

    def __sub__(self, other: Duration) -> Duration:
        return self._combine(other, -1.0)

    def __neg__(self) -> Duration:
        return Duration(-self.value, self.unit)

    def __mul__(self, factor: float) -> Duration:
        if isinstance(factor, Duration) or isinstance(factor, bool) or not isinstance(factor, (int, float)):
            return NotImplemented
        return Duration(self.value * factor, self.unit)

    __rmul__ = __mul__

    def __truediv__(self, other):
        if isinstance(other, Duration):
            if self.unit == other.unit:
                return self.value / other.value
            if "dt" in (self.unit, other.unit):
                raise CircuitError(f"cannot divide {self} by {other}: dt is only known on a device")
            return self.seconds() / other.seconds()
        if isinstance(other, bool) or not isinstance(other, (int, float)):
            return NotImplemented
        return Duration(self.value / other, self.unit)

    def __str__(self) -> str:
        return f"{self.value:g}{self.unit}"


def as_duration(duration, unit: str = "s") -> Duration:
    """``duration`` as a :class:`Duration`: a Duration as it is, a number in ``unit``.

    >>> as_duration(20, "ns"), as_duration(Duration(1, "dt"))
    (Duration(value=20.0, unit='ns'), Duration(value=1.0, unit='dt'))
    """
    if isinstance(duration, Duration):
        return duration
    return Duration(duration, unit)


class Delay(Barrier):
    """Every one of its ``num_qubits`` qubits idles for ``duration`` (a :class:`Duration`, or seconds).

    It starts when all its qubits are free, as any instruction on several qubits does. It does not act
    on the state: simulators skip it (it is a :class:`~qfusion.circuit.Barrier` to them), the scheduler
    and the idle noise of a noise model give it its duration.

    >>> Delay(1, 2e-6).duration
    Duration(value=2e-06, unit='s')
    >>> Delay(1, Duration(5, "dt")) == Delay(1, Duration(5, "dt"))
    True
    """
    name = "delay"

    def __init__(self, num_qubits: int, duration: Duration | TimeExpression | float):
        if int(num_qubits) != num_qubits or num_qubits < 1:
            raise CircuitError(f"a delay acts on at least one qubit, got num_qubits={num_qubits!r}")
        super().__init__(int(num_qubits))
        self.duration = duration if isinstance(duration, TimeExpression) else as_duration(duration)
        if isinstance(self.duration, Duration) and self.duration.value < 0:
            raise CircuitError(f"a delay cannot be negative, got {self.duration}")

    def seconds(self, dt: float | None = None) -> float:
        """The delay in seconds (``dt``: the device's sample time, for a delay in ``dt``). A delay
        that depends on a stretch or on ``durationof`` has no length until a scheduler resolves it.

        >>> Delay(1, Duration(300, "ns")).seconds()
        3e-07
        """
        return self.duration.seconds(dt)

    def __eq__(self, other):
        return type(other) is Delay and other.num_qubits == self.num_qubits and other.duration == self.duration

    def __hash__(self):
        return hash(("delay", self.num_qubits, self.duration))

    def __repr__(self):
        return f"Delay({self.num_qubits}, {self.duration})"


@dataclass(frozen=True)
class Stretch:
    """A duration left to the scheduler (OpenQASM 3's ``stretch``): as long as alignment needs.

    >>> g = Stretch("g")
    >>> Delay(1, 2 * g).duration
    TimeExpression(constant=Duration(value=0.0, unit='s'), terms=((2.0, Stretch(name='g')),))
    """
    name: str

    def _expression(self) -> TimeExpression:
        return TimeExpression(Duration(0.0), ((1.0, self),))

    def __add__(self, other):
        return self._expression() + other

    __radd__ = __add__

    def __sub__(self, other):
        return self._expression() - other

    def __rsub__(self, other):
        return -self._expression() + other

    def __neg__(self):
        return -self._expression()

    def __mul__(self, factor):
        return self._expression() * factor

    __rmul__ = __mul__

    def __truediv__(self, factor):
        return self._expression() / factor

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class DurationOf:
    """How long ``instructions`` (on the circuit's qubits) take: OpenQASM 3's ``durationof({...})``,
    known only on a device, once scheduled.

    >>> from qfusion.circuit import Circuit
    >>> DurationOf(tuple(Circuit(1).x(0).instructions)) * 0.5
    TimeExpression(constant=Duration(value=0.0, unit='s'), terms=((0.5, DurationOf(instructions=(Instruction(Gate('x'), qubits=(0,)),))),))
    """
    instructions: tuple

    _expression = Stretch._expression
    __add__ = __radd__ = Stretch.__add__
    __sub__, __rsub__, __neg__ = Stretch.__sub__, Stretch.__rsub__, Stretch.__neg__
    __mul__ = __rmul__ = Stretch.__mul__
    __truediv__ = Stretch.__truediv__

    def __str__(self) -> str:
        return f"durationof({len(self.instructions)} instruction(s))"


@dataclass(frozen=True)
class TimeExpression:
    """``constant`` plus a sum of ``coefficient * symbol`` over stretches and ``durationof`` blocks:
    a duration that only a scheduler can give a length.

    >>> g = Stretch("g")
    >>> e = Duration(100, "ns") - 0.5 * g + g
    >>> e.terms, e.stretches
    (((0.5, Stretch(name='g')),), ('g',))
    """
    constant: Duration
    terms: tuple

    @property
    def stretches(self) -> tuple[str, ...]:
        """The names of the stretches it depends on.

        >>> (Stretch("a") + 2 * Stretch("b") - Stretch("a")).stretches
        ('b',)
        """
        return tuple(dict.fromkeys(symbol.name for _, symbol in self.terms if isinstance(symbol, Stretch)))

    def seconds(self, dt: float | None = None) -> float:
        """Refused: a duration with stretches or ``durationof`` has no length until a scheduler resolves them.

        >>> (Duration(10, "ns") + Stretch("g")).seconds()
        Traceback (most recent call last):
            ...
        qfusion.errors.CircuitError: the duration 10ns + 1*g depends on g, which only a scheduler that resolves stretches and durationof can give a length
        """
        symbols = ", ".join(dict.fromkeys(str(symbol) for _, symbol in self.terms))
        raise CircuitError(f"the duration {self} depends on {symbols}, which only a scheduler that resolves "
                           f"stretches and durationof can give a length")

    def _merged(self, constant: Duration, terms) -> TimeExpression | Duration:
        coefficients: dict = {}
        for coefficient, symbol in terms:
            coefficients[symbol] = coefficients.get(symbol, 0.0) + coefficient
        kept = tuple((c, symbol) for symbol, c in coefficients.items() if c != 0)
        return TimeExpression(constant, kept) if kept else constant

    def __add__(self, other):
        if isinstance(other, (Stretch, DurationOf)):
            other = other._expression()
        if isinstance(other, Duration):
            return self._merged(self.constant + other, self.terms)
        if isinstance(other, TimeExpression):
            return self._merged(self.constant + other.constant, self.terms + other.terms)
        return NotImplemented

    __radd__ = __add__

    def __neg__(self):
        return TimeExpression(-self.constant, tuple((-c, symbol) for c, symbol in self.terms))

    def __sub__(self, other):
        if not isinstance(other, (Stretch, DurationOf, Duration, TimeExpression)):
            return NotImplemented
        return self + (-other)

    def __rsub__(self, other):
        return -self + other

    def __mul__(self, factor):
        if isinstance(factor, bool) or not isinstance(factor, (int, float)):
            return NotImplemented
        return self._merged(self.constant * factor, tuple((c * factor, symbol) for c, symbol in self.terms))

    __rmul__ = __mul__

    def __truediv__(self, factor):
        if isinstance(factor, bool) or not isinstance(factor, (int, float)):
            return NotImplemented
        return self * (1.0 / factor)

    def __str__(self) -> str:
        parts = [f"{c:g}*{symbol}" for c, symbol in self.terms]
        if self.constant.value:
            parts.insert(0, str(self.constant))
        return " + ".join(parts)


class Box(Barrier):
    """Marks the ``size`` instructions that follow it as one box on its qubits (OpenQASM 3's ``box``),
    of ``duration`` when one is given. Simulators skip the marker and run the body as it is.

    >>> Box(2, 3), Box(1, 1, Duration(1, "us")) == Box(1, 1, Duration(1, "us"))
    (Box(2, size=3), True)
    """
    name = "box"

    def __init__(self, num_qubits: int, size: int, duration: Duration | TimeExpression | None = None):
        super().__init__(num_qubits)
        self.size = int(size)
        self.duration = duration

    def __eq__(self, other):
        return (type(other) is Box and other.num_qubits == self.num_qubits and other.size == self.size
                and other.duration == self.duration)

    def __hash__(self):
        return hash(("box", self.num_qubits, self.size))

    def __repr__(self):
        extra = f", duration={self.duration}" if self.duration is not None else ""
        return f"Box({self.num_qubits}, size={self.size}{extra})"
