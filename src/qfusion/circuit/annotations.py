"""Detectors, logical observables and qubit coordinates: annotations for error correction.

A *measurement record* names an earlier measurement by how far back it is, as stim does:
``rec(-1)`` is the latest measurement, ``rec(-2)`` the one before. A detector is a set of
records whose parity is deterministic without noise; an observable include adds records to
logical observable ``index``. Annotations change no state, so simulators skip them as they skip
barriers; :func:`qfusion.interop.to_stim` turns them into ``DETECTOR``, ``OBSERVABLE_INCLUDE``
and ``QUBIT_COORDS``, and OpenQASM 3 export writes them as ``#pragma qfusion ...`` lines.

>>> from qfusion.circuit import Circuit
>>> c = Circuit(2, 2).measure(0, 0).measure(1, 1)
>>> c = c.detector([c.rec(-1), c.rec(-2)], coords=(0, 0)).observable(0, [c.rec(-1)])
>>> c.instructions[-2].operation
Detector(records=(-1, -2), coords=(0.0, 0.0))
>>> c.num_detectors, c.num_observables
(1, 1)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qfusion.circuit.gates import Barrier, Measure
from qfusion.errors import CircuitError


@dataclass(frozen=True)
class MeasurementRecord:
    """A measurement named by its lookback: ``offset=-1`` is the latest one (stim's ``rec[-1]``).

    >>> MeasurementRecord(-2)
    rec[-2]
    """
    offset: int

    def __repr__(self) -> str:
        return f"rec[{self.offset}]"


class Annotation(Barrier):
    """An instruction that marks the circuit without acting on it (simulators skip it like a barrier).

    >>> from qfusion.circuit import Circuit
    >>> c = Circuit(1).qubit_coords(0, (1.0, 2.0))
    >>> isinstance(c.instructions[0].operation, Annotation)
    True
    """
    name = "annotation"

    def __eq__(self, other):
        return type(other) is type(self) and other._key() == self._key()

    def __hash__(self):
        return hash((type(self).__name__,) + self._key())

    def _key(self) -> tuple:
        return ()


class Detector(Annotation):
    """The parity of ``records`` (negative lookbacks), deterministic in the noiseless circuit.

    >>> Detector([-1, -2], coords=(0, 1))
    Detector(records=(-1, -2), coords=(0.0, 1.0))
    """
    name = "detector"

    def __init__(self, records: Sequence[int], coords: Sequence[float] = ()):
        super().__init__(0)
        self.records = tuple(int(r) for r in records)
        self.coords = tuple(float(x) for x in coords)

    def _key(self) -> tuple:
        return self.records, self.coords

    def __repr__(self) -> str:
        return f"Detector(records={self.records}, coords={self.coords})"


class ObservableInclude(Annotation):
    """Adds the parity of ``records`` to logical observable ``index``.

    >>> ObservableInclude(0, [-1])
    ObservableInclude(index=0, records=(-1,))
    """
    name = "observable_include"

    def __init__(self, index: int, records: Sequence[int]):
        super().__init__(0)
        self.index = int(index)
        self.records = tuple(int(r) for r in records)

    def _key(self) -> tuple:
        return self.index, self.records

    def __repr__(self) -> str:
        return f"ObservableInclude(index={self.index}, records={self.records})"


class QubitCoords(Annotation):
    """Where a qubit sits (for drawings and decoders' coordinates); one qubit.

    >>> QubitCoords((0.5, 1))
    QubitCoords((0.5, 1.0))
    """
    name = "qubit_coords"

    def __init__(self, coords: Sequence[float]):
        super().__init__(1)
        self.coords = tuple(float(x) for x in coords)

    def _key(self) -> tuple:
        return self.coords

    def __repr__(self) -> str:
        return f"QubitCoords({self.coords})"


class Calibration(Annotation):
    """A pulse-level calibration of OpenQASM 3 (``defcalgrammar``, ``defcal`` or ``cal``), kept as the
    program wrote it: ``kind`` is the statement's keyword, ``text`` its source. No simulator runs
    pulses, so simulators skip it (a gate with a ``defcal`` is simulated by its unitary); the
    OpenQASM exporter writes it back as it was. ``physical_qubits`` are the ``$k`` it names.

    >>> Calibration("defcal", "defcal x $0 { play drive($0), gaussian(...); }", (0,)).physical_qubits
    (0,)
    """
    name = "calibration"

    def __init__(self, kind: str, text: str, physical_qubits: Sequence[int] = ()):
        super().__init__(0)
        self.kind = str(kind)
        self.text = str(text)
        self.physical_qubits = tuple(int(q) for q in physical_qubits)

    def _key(self) -> tuple:
        return self.kind, self.text

    def __repr__(self) -> str:
        return f"Calibration({self.kind!r}, {self.text[:40] + ('...' if len(self.text) > 40 else '')!r})"


class AnnotationBuilder:
    """Mixin of :class:`~qfusion.circuit.Circuit`: records, detectors, observables, coordinates.

    >>> from qfusion.circuit import Circuit
    >>> c = Circuit(2, 2).cx(0, 1).measure(1, 0)
    >>> c.detector(c.rec(-1)).observable(0, c.rec(-1)).count_ops()
    {'cx': 1, 'measure': 1, 'detector': 1, 'observable_include': 1}
    """

    instructions: list

    def append(self, operation, qubits, clbits=(), condition=None):  # provided by Circuit
        """Append ``operation`` on ``qubits``; :class:`~qfusion.circuit.Circuit` provides it.


        >>> from qfusion.circuit import Circuit
        >>> Circuit(1).append(Detector([]), ()).num_detectors
        1
        """
        raise NotImplementedError

    @property
    def num_measurements(self) -> int:
        """How many measurements the circuit has made so far (what ``rec`` lookbacks count).

        >>> from qfusion.circuit import Circuit
        >>> Circuit(2, 2).measure(0, 0).measure(1, 1).num_measurements
        2
        """
        scanned, count = self.__dict__.get("_measurement_scan", (0, 0))
        if scanned > len(self.instructions):
            scanned, count = 0, 0
        count += sum(1 for inst in self.instructions[scanned:] if isinstance(inst.operation, Measure))
        self.__dict__["_measurement_scan"] = (len(self.instructions), count)
        return count

    def rec(self, offset: int) -> MeasurementRecord:
        """The measurement ``-offset`` steps back (``rec(-1)``: the latest); it must exist.

        >>> from qfusion.circuit import Circuit
        >>> Circuit(1, 1).measure(0, 0).rec(-1)
        rec[-1]
        """
        return MeasurementRecord(self._lookback(offset))

    def _lookback(self, offset) -> int:
        if isinstance(offset, MeasurementRecord):
            offset = offset.offset
        if isinstance(offset, bool) or int(offset) != offset or offset >= 0:
            raise CircuitError(f"a measurement record is a negative lookback such as rec(-1), got {offset!r}")
        available = self.num_measurements
        if -int(offset) > available:
            raise CircuitError(f"rec({int(offset)}) refers to a measurement that does not exist: "
                               f"{available} measurement(s) precede this point")
        return int(offset)

    def detector(self, records, coords: Sequence[float] = ()):
        """Declare a detector: the parity of ``records`` is deterministic without noise.

        >>> from qfusion.circuit import Circuit
        >>> c = Circuit(1, 2).measure(0, 0).measure(0, 1)
        >>> c.detector([c.rec(-1), c.rec(-2)]).num_detectors
        1
        """
        lookbacks = [self._lookback(r) for r in _as_list(records)]
        return self.append(Detector(lookbacks, coords), ())

    def observable(self, index: int, records):
        """Include ``records`` in logical observable ``index`` (``OBSERVABLE_INCLUDE(index)`` in stim).

        >>> from qfusion.circuit import Circuit
        >>> c = Circuit(1, 1).measure(0, 0)
        >>> c.observable(0, c.rec(-1)).instructions[-1].operation
        ObservableInclude(index=0, records=(-1,))
        """
        if isinstance(index, bool) or int(index) != index or index < 0:
            raise CircuitError(f"an observable index is a non-negative integer, got {index!r}")
        lookbacks = [self._lookback(r) for r in _as_list(records)]
        return self.append(ObservableInclude(int(index), lookbacks), ())

    def qubit_coords(self, qubit: int, coords: Sequence[float]):
        """Record where ``qubit`` sits (stim's ``QUBIT_COORDS``).

        >>> from qfusion.circuit import Circuit
        >>> Circuit(1).qubit_coords(0, (3, 4)).instructions[0].operation
        QubitCoords((3.0, 4.0))
        """
        return self.append(QubitCoords(coords), (qubit,))

    @property
    def num_detectors(self) -> int:
        """How many detectors the circuit declares.


        >>> from qfusion.circuit import Circuit
        >>> c = Circuit(1, 2).measure(0, 0).measure(0, 1)
        >>> c.detector([-1, -2]).detector([-1]).num_detectors
        2
        """
        return sum(1 for inst in self.instructions if isinstance(inst.operation, Detector))

    @property
    def num_observables(self) -> int:
        """One more than the largest observable index (0 without observables).

        >>> from qfusion.circuit import Circuit
        >>> c = Circuit(1, 1).measure(0, 0)
        >>> c.num_observables, c.observable(2, [-1]).num_observables
        (0, 3)
        """
        return max((inst.operation.index + 1 for inst in self.instructions
                    if isinstance(inst.operation, ObservableInclude)), default=0)


def _as_list(records) -> list:
    if isinstance(records, (int, MeasurementRecord)):
        return [records]
    return list(records)
