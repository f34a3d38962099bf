"""Convert Clifford circuits to and from ``stim.Circuit``, losslessly.

Both ways carry Clifford gates, resets, measurements (Z, X and Y basis, with or without reset),
symmetric readout errors (``M(p)``), Pauli channels, heralded erasure, Paulis conditioned on one
measurement (``CX rec[-1] 2``), detectors, observables, qubit coordinates and ticks (barriers).
An X-basis measurement is ``h, measure, h`` in qfusion and ``MX`` in stim (likewise ``RX``,
``MRX`` and the Y basis); repeat blocks and coordinate shifts are flattened. Noise parameters:
see :mod:`qfusion.interop._stim_gates` (``DEPOLARIZE1(p)`` is ``depolarizing(4p/3)``).

>>> import stim
>>> from qfusion.circuit import Circuit
>>> c = Circuit(2, 2).h(0).cx(0, 1).measure(0, 0).measure(1, 1)
>>> c = c.detector([c.rec(-1), c.rec(-2)])
>>> print(to_stim(c))
H 0
CX 0 1
M 0 1
DETECTOR rec[-1] rec[-2]
>>> from_stim(to_stim(c)) == c
True
>>> generated = stim.Circuit.generated("repetition_code:memory", distance=3, rounds=2,
...                                    after_clifford_depolarization=0.01)
>>> to_stim(from_stim(generated)).approx_equals(generated.flattened(), atol=1e-12)
True
"""

from __future__ import annotations

from qfusion._optional import import_optional
from qfusion.circuit.annotations import Annotation, Detector, ObservableInclude, QubitCoords
from qfusion.circuit.circuit import Circuit, Condition, Instruction
from qfusion.circuit.gates import Barrier, Gate, Measure, Reset, StandardGate
from qfusion.errors import CircuitError, NoiseError, NonCliffordError
from qfusion.interop._stim_gates import (
    FROM_STIM,
    PAULI_FEEDBACK,
    TO_STIM,
    channel_of,
    is_stim_unitary,
    stim_gate,
    stim_noise,
    unitary_of,
)
from qfusion.noise.channel import NoiseOperation
from qfusion.noise.model import ReadoutOperation

# basis changes around a Z measurement / after a reset: (before, after) gate names
_BASES = {"Y": (("sdg", "h"), ("h", "s")), "X": (("h",), ("h",))}
_PLAIN_GATES = set(TO_STIM) - {"h", "sdg"}   # gates that never start a basis-changed measurement
_BASIS_STARTS = {"h": 1, "sdg": 2}            # ... and those that do only with a measurement this far ahead
_NOISE = {"X_ERROR", "Y_ERROR", "Z_ERROR", "DEPOLARIZE1", "DEPOLARIZE2", "PAULI_CHANNEL_1", "PAULI_CHANNEL_2"}


def to_stim(circuit: Circuit, *, twirl: bool = False):
    """``circuit`` as a ``stim.Circuit``; :class:`~qfusion.errors.NonCliffordError` names the first
    instruction stim cannot run. ``twirl=True`` replaces non-Pauli channels by their Pauli twirl.

    >>> from qfusion.circuit import Circuit
    >>> print(to_stim(Circuit(2, 2).h(0).cx(0, 1).measure(0, 0).measure(1, 1)))
    H 0
    CX 0 1
    M 0 1
    """
    return stim_program(circuit, twirl=twirl).out


def stim_program(circuit: Circuit, *, twirl: bool = False) -> _Writer:
    """The conversion with its bookkeeping: ``out`` (the stim circuit), ``measurement_record`` and
    ``measurement_clbit`` (stim record and classical bit of each measurement), ``heralds``
    (``(record, qubit)`` of each erasure flag).

    >>> from qfusion.circuit import Circuit
    >>> program = stim_program(Circuit(1, 1).x(0).measure(0, 0))
    >>> program.out.num_measurements
    1
    """
    import_optional("stim", "stim conversion")
    writer = _Writer(circuit, twirl)
    writer.write()
    return writer


class _Writer:
    def __init__(self, circuit: Circuit, twirl: bool):
        import stim
        self.stim = stim
        self.circuit, self.twirl = circuit, twirl
        self.out = stim.Circuit()
        self.records = 0                  # stim measurement records so far (heralds included)
        self.measurement_record: list[int] = []   # qfusion measurement k -> stim record
        self.clbit_record: dict[int, int] = {}
        self.measurement_clbit: list[int] = []
        self.heralds: list[tuple[int, int]] = []

    def write(self):
        insts = self.circuit.instructions
        self.lines: list[str] = []
        i, lines = 0, self.lines
        while i < len(insts):
            inst = insts[i]
            op = inst.operation
            if type(op) is StandardGate and inst.condition is None and (op.name in _PLAIN_GATES or (
                    op.name in _BASIS_STARTS and not _measure_at(insts, i + _BASIS_STARTS[op.name]))):  # fast path
                lines.append(f"{TO_STIM[op.name]} {' '.join(map(str, inst.qubits))}")
                i += 1
                continue
            i += self._basis_block(insts, i) or self._one(inst, i)
        self.out = self.stim.Circuit("\n".join(self.lines))
        return self.out

    def append(self, name: str, targets=(), args=()) -> None:
        """One stim line (the text is parsed once at the end: ``stim.Circuit.append`` costs ~50 us a call)."""
        head = f"{name}({', '.join(repr(float(a)) for a in args)})" if len(args) else name
        self.lines.append(" ".join([head] + [t if isinstance(t, str) else str(t) for t in targets]))

    def rec(self, record: int) -> str:
        return f"rec[{record - self.records}]"

    def _basis_block(self, insts: list[Instruction], i: int) -> int:
        """Consume a basis-changed measurement or reset starting at ``i``; returns how many instructions."""
        for basis, (before, after) in _BASES.items():
            q = insts[i].qubits[0] if insts[i].qubits else None
            k = _match_gates(insts, i, before, q)
            if q is not None and k and k < len(insts) and _plain(insts[k], Measure, q):
                end, p = self._readout(insts, k)
                reset = end < len(insts) and _plain(insts[end], Reset, q)
                tail = _match_gates(insts, end + reset, after, q)
                if tail:
                    self._measure(f"M{'R' if reset else ''}{basis}", q, insts[k].clbits[0], p)
                    return tail - i
            if _plain(insts[i], Reset, q):
                tail = _match_gates(insts, i + 1, tuple(reversed(before)) if basis == "X" else after, q)
                if tail:
                    self.append(f"R{basis}", [q])
                    return tail - i
        return 0

    def _readout(self, insts, k: int) -> tuple[int, float]:
        nxt = insts[k + 1] if k + 1 < len(insts) else None
        if nxt is None or not isinstance(nxt.operation, ReadoutOperation) or nxt.clbits != insts[k].clbits:
            return k + 1, 0.0
        matrix = nxt.operation.error.probabilities
        p01, p10 = float(matrix[0, 1]), float(matrix[1, 0])
        if abs(p01 - p10) > 1e-12:
            raise NoiseError(f"instruction {k + 1}: stim's M(p) flips both outcomes alike; this readout error has "
                             f"P(1|0)={p01:g}, P(0|1)={p10:g} (symmetrise it, or sample on backend='stabilizer')")
        return k + 2, p01

    def _measure(self, name: str, qubit: int, clbit: int, p: float) -> None:
        self.append(name, [qubit], [p] if p else [])
        self.measurement_record.append(self.records)
        self.measurement_clbit.append(clbit)
        self.clbit_record[clbit] = self.records
        self.records += 1

    def _one(self, inst: Instruction, i: int) -> int:
        op, where = inst.operation, f"instruction {i} ({inst.name} on qubits {list(inst.qubits)})"
        if isinstance(op, Annotation):
            self._annotation(op, inst.qubits)
        elif isinstance(op, Barrier):
            self.append("TICK")
        elif inst.condition is not None:
            self._feedback(inst, inst.condition, where)
        elif isinstance(op, Measure):
            insts = self.circuit.instructions
            end, p = self._readout(insts, i)
            reset = end < len(insts) and _plain(insts[end], Reset, inst.qubits[0])
            self._measure("MR" if reset else "M", inst.qubits[0], inst.clbits[0], p)
            return end + reset - i
        elif isinstance(op, Reset):
            self.append("R", list(inst.qubits))
        elif isinstance(op, NoiseOperation):
            for name, targets, args in stim_noise(op.channel, inst.qubits, where, self.twirl):
                self.append(name, targets, args)
                if name == "HERALDED_ERASE":
                    for target in targets:
                        self.heralds.append((self.records, target))
                        self.records += 1
        elif isinstance(op, ReadoutOperation):
            raise NoiseError(f"{where}: a readout error must follow its measurement directly")
        elif isinstance(op, Gate):
            for name, targets in stim_gate(op, inst.qubits, where):
                self.append(name, targets)
        else:
            raise NonCliffordError(f"{where}: stim has no equivalent of {op.name!r}")
        return 1

    def _annotation(self, op: Annotation, qubits) -> None:
        if isinstance(op, (Detector, ObservableInclude)):
            made = len(self.measurement_record)
            targets = [self.rec(self.measurement_record[made + r]) for r in op.records]
            if isinstance(op, Detector):
                self.append("DETECTOR", targets, list(op.coords))
            else:
                self.append("OBSERVABLE_INCLUDE", targets, [op.index])
        elif isinstance(op, QubitCoords):
            self.append("QUBIT_COORDS", list(qubits), list(op.coords))
        else:
            raise CircuitError(f"stim has no form of the annotation {op.name!r}")

    def _feedback(self, inst: Instruction, condition: Condition, where: str) -> None:
        op = inst.operation
        if not (isinstance(op, StandardGate) and op.name in ("x", "y", "z") and len(condition.clbits) == 1):
            raise NonCliffordError(f"{where}: stim conditions only a Pauli on one measured bit "
                                   f"(this is {op.name} if bits {list(condition.clbits)} == {condition.value})")
        name = op.name.upper()
        if condition.value == 0:
            self.append(name, list(inst.qubits))
        record = self.clbit_record.get(condition.clbits[0])
        if record is not None:
            self.append(f"C{name}", [self.rec(record), inst.qubits[0]])


def _measure_at(insts, k: int) -> bool:
    return k < len(insts) and isinstance(insts[k].operation, Measure)


def _plain(inst: Instruction, kind, qubit) -> bool:
    return isinstance(inst.operation, kind) and inst.condition is None and inst.qubits == (qubit,)


def _match_gates(insts, i: int, names: tuple, qubit) -> int:
    """Index after ``names`` applied in order to ``qubit`` from ``i`` on (0 when they are not there)."""
    for name in names:
        if i >= len(insts) or not (_plain(insts[i], StandardGate, qubit) and insts[i].name == name):
            return 0
        i += 1
    return i


def from_stim(stim_circuit) -> Circuit:
    """A qfusion circuit equal to ``stim_circuit`` (flattened): one classical bit per measurement.

    >>> import stim
    >>> c = from_stim(stim.Circuit("H 0\\nMX(0.01) 0\\nDETECTOR(1, 2) rec[-1]"))
    >>> [inst.name for inst in c.instructions]
    ['h', 'h', 'measure', 'readout_error', 'h', 'detector']
    """
    stim = import_optional("stim", "stim conversion")
    if not isinstance(stim_circuit, stim.Circuit):
        raise CircuitError(f"from_stim takes a stim.Circuit, got {type(stim_circuit).__name__}")
    return _Reader(stim_circuit.flattened()).read()


class _Reader:
    def __init__(self, flat):
        self.flat = flat
        self.circuit = Circuit(flat.num_qubits, flat.num_measurements)
        self.record_measurement: list[int | None] = []   # stim record -> qfusion measurement (None: a herald)
        self.measurements = 0

    def read(self) -> Circuit:
        for index, inst in enumerate(self.flat):
            self._instruction(inst.name, inst, f"stim instruction {index} ({inst.name})")
        return self.circuit

    def _instruction(self, name: str, inst, where: str) -> None:
        c, args = self.circuit, inst.gate_args_copy()
        if name == "TICK":
            c.barrier()
        elif name == "QUBIT_COORDS":
            for t in inst.targets_copy():
                c.qubit_coords(t.value, args)
        elif name in ("DETECTOR", "OBSERVABLE_INCLUDE"):
            records = [self._lookback(t, where) for t in inst.targets_copy()]
            c.detector(records, coords=args) if name == "DETECTOR" else c.observable(int(args[0]), records)
        elif name.startswith(("M", "R")) and name.rstrip("XYZ") in ("M", "R", "MR") and name != "MPP":
            for group in inst.target_groups():
                self._measure_or_reset(name, self._qubit(group[0], where), args[0] if args else 0.0)
        elif name in _NOISE:
            channel = channel_of(name, args)
            for group in inst.target_groups():
                c.append(NoiseOperation(channel), [self._qubit(t, where) for t in group])
        elif name == "HERALDED_ERASE":
            from qfusion.noise import erasure
            for t in inst.targets_copy():
                c.append(NoiseOperation(erasure(args[0])), [self._qubit(t, where)])
                self.record_measurement.append(None)
        elif is_stim_unitary(name):
            for group in inst.target_groups():
                self._gate(name, group, where)
        else:
            raise CircuitError(f"{where}: qfusion's IR has no equivalent of stim's {name}")

    def _qubit(self, target, where: str) -> int:
        if not target.is_qubit_target or target.is_inverted_result_target:
            raise CircuitError(f"{where}: target {target!r} is not a plain qubit (inverted results and "
                               f"sweep bits have no qfusion equivalent)")
        return target.value

    def _lookback(self, target, where: str) -> int:
        measurement = self.record_measurement[len(self.record_measurement) + target.value]
        if measurement is None:
            raise CircuitError(f"{where}: refers to an erasure herald, which qfusion does not record")
        return measurement - self.measurements

    def _measure_or_reset(self, name: str, qubit: int, p: float) -> None:
        c = self.circuit
        basis = name[-1] if name[-1] in "XY" else "Z"
        before, after = _BASES.get(basis, ((), ()))
        if name.startswith("R"):
            c.reset(qubit)
            for gate in (reversed(before) if basis == "X" else after):
                c.append(StandardGate(gate), (qubit,))
            return
        for gate in before:
            c.append(StandardGate(gate), (qubit,))
        c.measure(qubit, self.measurements)
        if p:
            from qfusion.noise import readout_error
            c.append(ReadoutOperation(readout_error(p, p)), (qubit,), (self.measurements,))
        self.record_measurement.append(self.measurements)
        self.measurements += 1
        if "R" in name:
            c.reset(qubit)
        for gate in after:
            c.append(StandardGate(gate), (qubit,))

    def _gate(self, name: str, group, where: str) -> None:
        c = self.circuit
        if group[0].is_measurement_record_target and name in PAULI_FEEDBACK:
            measurement = self.record_measurement[len(self.record_measurement) + group[0].value]
            if measurement is None:
                raise CircuitError(f"{where}: conditions on an erasure herald, which qfusion does not record")
            c.append(StandardGate(PAULI_FEEDBACK[name]), (self._qubit(group[1], where),))
            c.c_if(measurement, 1)
            return
        qubits = [self._qubit(t, where) for t in group]
        if name in FROM_STIM:
            c.append(StandardGate(FROM_STIM[name]), qubits)
        else:
            from qfusion.circuit.modifiers import UnitaryGate
            c.append(UnitaryGate(unitary_of(name), label=name), qubits)
