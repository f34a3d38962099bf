"""The circuit: qubits, classical bits, and a list of instructions.

>>> from qfusion.circuit import Circuit
>>> c = Circuit(2).h(0).cx(0, 1).measure_all()
>>> c
Circuit(num_qubits=2, num_clbits=2, instructions=4)
>>> c.count_ops()
{'h': 1, 'cx': 1, 'measure': 2}
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import cast

from qfusion.circuit.annotations import AnnotationBuilder, Detector, ObservableInclude
from qfusion.circuit.builder import GateBuilder
from qfusion.circuit.gates import Barrier, Gate, Measure, Operation, Reset, StandardGate
from qfusion.circuit.parameter import Parameter, ParameterExpression, bind_value, is_symbolic, sort_key
from qfusion.errors import CircuitError, ParameterError


@dataclass(frozen=True)
class Register:
    """A named run of qubits or classical bits (``q[3]``), kept for OpenQASM round trips.

    >>> Register("q", 3)
    Register(name='q', size=3)
    """
    name: str
    size: int


@dataclass(frozen=True)
class Condition:
    """Run an instruction only if ``clbits``, read little-endian as an integer, equal ``value``.

    >>> c = Circuit(1, 1).measure(0, 0)
    >>> c.x(0).c_if(0, 1).instructions[-1].condition
    Condition(clbits=(0,), value=1)
    """
    clbits: tuple[int, ...]
    value: int


@dataclass(frozen=True)
class Instruction:
    """One operation applied to specific qubits (and classical bits), possibly conditioned.

    >>> Circuit(1).h(0).instructions[0]
    Instruction(Gate('h'), qubits=(0,))
    """
    operation: Operation
    qubits: tuple[int, ...]
    clbits: tuple[int, ...] = ()
    condition: Condition | None = None

    @property
    def name(self) -> str:
        """The operation's name.

        >>> Circuit(2).cx(0, 1).instructions[0].name
        'cx'
        """
        return self.operation.name

    def __repr__(self) -> str:
        parts = [repr(self.operation), f"qubits={self.qubits}"]
        if self.clbits:
            parts.append(f"clbits={self.clbits}")
        if self.condition:
            parts.append(f"if {self.condition.clbits}=={self.condition.value}")
        return f"Instruction({', '.join(parts)})"


@dataclass
class _Registers:
    qregs: list[Register] = field(default_factory=list)
    cregs: list[Register] = field(default_factory=list)


class Circuit(GateBuilder, AnnotationBuilder):
    """A quantum circuit on ``num_qubits`` qubits and ``num_clbits`` classical bits.

    Qubit ``i`` is bit ``i`` of a state-vector index (little-endian, as Qiskit), and
    counts print classical bit 0 rightmost. Gate methods return the circuit, so calls chain.

    >>> from qfusion.circuit import Parameter
    >>> theta = Parameter("theta")
    >>> c = Circuit(1).rx(theta, 0)
    >>> c.parameters
    (Parameter('theta'),)
    >>> c.bind({theta: 0.5}).instructions[0].operation
    Gate('rx', 0.5)
    """

    def __init__(self, num_qubits: int, num_clbits: int = 0, *, name: str | None = None,
                 global_phase: float | ParameterExpression = 0.0):
        if int(num_qubits) != num_qubits or num_qubits < 0:
            raise CircuitError(f"num_qubits must be a non-negative integer, got {num_qubits!r}")
        if int(num_clbits) != num_clbits or num_clbits < 0:
            raise CircuitError(f"num_clbits must be a non-negative integer, got {num_clbits!r}")
        self.num_qubits = int(num_qubits)
        self.num_clbits = int(num_clbits)
        self.name = name
        self.global_phase = global_phase
        self.instructions: list[Instruction] = []
        self._registers = _Registers(
            [Register("q", self.num_qubits)] if self.num_qubits else [],
            [Register("c", self.num_clbits)] if self.num_clbits else [])

    # -- registers -------------------------------------------------------------------------
    @classmethod
    def from_registers(cls, qregs: Sequence[Register], cregs: Sequence[Register] = (), **kwargs) -> Circuit:
        """A circuit whose qubits and bits are the concatenation of named registers (OpenQASM style).

        >>> c = Circuit.from_registers([Register("a", 2)], [Register("c", 2)])
        >>> c.num_qubits, c.num_clbits, c.qregs
        (2, 2, [Register(name='a', size=2)])
        """
        circuit = cls(sum(r.size for r in qregs), sum(r.size for r in cregs), **kwargs)
        circuit._registers = _Registers(list(qregs), list(cregs))
        return circuit

    @property
    def qregs(self) -> list[Register]:
        """The quantum registers (one ``q`` unless built from registers or OpenQASM).

        >>> Circuit(2).qregs
        [Register(name='q', size=2)]
        """
        return list(self._registers.qregs)

    @property
    def cregs(self) -> list[Register]:
        """The classical registers.

        >>> Circuit(1, 2).cregs
        [Register(name='c', size=2)]
        """
        return list(self._registers.cregs)

    def add_clbits(self, count: int, name: str = "meas") -> range:
        """Add a classical register of ``count`` bits; returns the new bits' indices.

        >>> c = Circuit(1)
        >>> c.add_clbits(2), c.num_clbits
        (range(0, 2), 2)
        """
        start = self.num_clbits
        self.num_clbits += count
        names = {r.name for r in self._registers.cregs}
        if name in names:
            name = next(f"{name}{i}" for i in range(1, len(names) + 2) if f"{name}{i}" not in names)
        self._registers.cregs.append(Register(name, count))
        return range(start, start + count)

    # -- building --------------------------------------------------------------------------
    def append(self, operation: Operation | str, qubits: Sequence[int], clbits: Sequence = (),
               condition: Condition | None = None) -> Circuit:
        """Append ``operation`` on ``qubits`` (and ``clbits``); checks every index.

        ``operation`` is an :class:`Operation`, or the name of a standard gate, whose parameters
        (numbers or :class:`Parameter` expressions) then come third: ``append(name, qubits, params)``.

        >>> Circuit(2).append("rx", [1], [0.5]).append("cx", [0, 1]).instructions[0].operation
        Gate('rx', 0.5)
        """
        if isinstance(operation, str):
            operation, clbits = StandardGate(operation, tuple(clbits)), ()
        qubits = tuple(self._check_index(q, self.num_qubits, "qubit") for q in qubits)
        clbits = tuple(self._check_index(b, self.num_clbits, "clbit") for b in clbits)
        if len(qubits) != operation.num_qubits:
            raise CircuitError(f"{operation.name} acts on {operation.num_qubits} qubit(s), "
                               f"got {len(qubits)}: {list(qubits)}")
        if len(set(qubits)) != len(qubits):
            raise CircuitError(f"{operation.name} applied to repeated qubits {list(qubits)}")
        if isinstance(operation, Measure) and len(clbits) != 1:
            raise CircuitError("measure needs exactly one classical bit")
        if condition is not None:
            for b in condition.clbits:
                self._check_index(b, self.num_clbits, "clbit")
        self.instructions.append(Instruction(operation, qubits, clbits, condition))
        return self

    @staticmethod
    def _check_index(index, size: int, what: str) -> int:
        if isinstance(index, bool) or int(index) != index:
            raise CircuitError(f"{what} index must be an integer, got {index!r}")
        index = int(index)
        if not 0 <= index < size:
            raise CircuitError(f"{what} {index} is out of range: the circuit has {size} {what}(s)")
        return index

    def measure(self, qubit: int | Sequence[int], clbit: int | Sequence[int]) -> Circuit:
        """Measure ``qubit`` into ``clbit``; or, as Qiskit, a list of qubits into a list of as many
        clbits, pair by pair.

        >>> Circuit(2, 1).x(1).measure(1, 0).count_ops()
        {'x': 1, 'measure': 1}
        >>> Circuit(3, 3).measure([0, 2], [1, 0]).instructions[1].clbits
        (0,)
        >>> Circuit(3, 3).measure([0, 1, 2], [0, 1])
        Traceback (most recent call last):
        ...
        qfusion.errors.CircuitError: measure got 3 qubits and 2 clbits; give one clbit per qubit
        """
        many_q, many_c = not _is_index(qubit), not _is_index(clbit)
        if not many_q and not many_c:
            return self.append(Measure(), (cast(int, qubit),), (cast(int, clbit),))
        qubits = list(cast(Sequence[int], qubit)) if many_q else [cast(int, qubit)]
        clbits = list(cast(Sequence[int], clbit)) if many_c else [cast(int, clbit)]
        if len(qubits) != len(clbits) or many_q != many_c:
            raise CircuitError(f"measure got {len(qubits)} qubit{'s' * (len(qubits) != 1)} and "
                               f"{len(clbits)} clbit{'s' * (len(clbits) != 1)}; give one clbit per qubit")
        for q, c in zip(qubits, clbits, strict=True):
            self.append(Measure(), (q,), (c,))
        return self

    def measure_all(self) -> Circuit:
        """Measure every qubit ``i`` into a classical bit; adds a register of ``num_qubits`` bits
        (named ``c`` on a circuit without classical bits, else ``meas``).

        >>> c = Circuit(2).h(0).measure_all()
        >>> c.num_clbits, c.count_ops()["measure"]
        (2, 2)
        """
        bits = self.add_clbits(self.num_qubits, "c" if not self.num_clbits else "meas")
        for qubit, clbit in zip(range(self.num_qubits), bits, strict=False):
            self.measure(qubit, clbit)
        return self

    def reset(self, qubit: int) -> Circuit:
        """Reset ``qubit`` to ``|0>``.

        >>> Circuit(1).x(0).reset(0).count_ops()
        {'x': 1, 'reset': 1}
        """
        return self.append(Reset(), (qubit,))

    def barrier(self, *qubits: int) -> Circuit:
        """A barrier on ``qubits`` (all qubits when none are given).

        >>> Circuit(2).h(0).barrier().h(1).count_ops()
        {'h': 2, 'barrier': 1}
        """
        qubits = qubits or tuple(range(self.num_qubits))
        return self.append(Barrier(len(qubits)), qubits)

    def delay(self, duration, *qubits: int, unit: str = "s") -> Circuit:
        """Make ``qubits`` (all qubits when none are given) idle for ``duration`` ``unit``
        (``ns``, ``us``, ``ms``, ``s``, ``dt``), or for a :class:`~qfusion.circuit.timing.Duration`.

        >>> Circuit(2).x(0).delay(100, 0, unit="ns").instructions[-1].operation
        Delay(1, 100ns)
        """
        from qfusion.circuit.timing import Delay, as_duration
        qubits = qubits or tuple(range(self.num_qubits))
        return self.append(Delay(len(qubits), as_duration(duration, unit)), qubits)

    def c_if(self, clbits: int | Sequence[int], value: int) -> Circuit:
        """Condition the last instruction on ``clbits`` (read little-endian) equalling ``value``.

        >>> c = Circuit(2, 1).h(0).measure(0, 0).x(1).c_if(0, 1)
        >>> c.instructions[-1].condition
        Condition(clbits=(0,), value=1)
        """
        if not self.instructions:
            raise CircuitError("c_if needs an instruction to condition")
        clbits = (clbits,) if isinstance(clbits, int) else tuple(clbits)
        if not 0 <= value < (1 << len(clbits)):
            raise CircuitError(f"condition value {value} does not fit in {len(clbits)} bit(s)")
        for b in clbits:
            self._check_index(b, self.num_clbits, "clbit")
        last = self.instructions[-1]
        self.instructions[-1] = replace(last, condition=Condition(clbits, int(value)))
        return self

    # -- transforming ----------------------------------------------------------------------
    def copy(self, name: str | None = None) -> Circuit:
        """An independent copy: appending to it leaves this circuit as it is.

        >>> a = Circuit(1).h(0)
        >>> b = a.copy().x(0)
        >>> a.size(), b.size()
        (1, 2)
        """
        new = Circuit(self.num_qubits, self.num_clbits, name=name or self.name,
                      global_phase=self.global_phase)
        new._registers = _Registers(list(self._registers.qregs), list(self._registers.cregs))
        new.instructions = list(self.instructions)
        return new

    def compose(self, other: Circuit, qubits: Sequence[int] | None = None,
                clbits: Sequence[int] | None = None) -> Circuit:
        """A new circuit: this one followed by ``other`` mapped onto ``qubits`` and ``clbits``.

        >>> Circuit(2).h(0).compose(Circuit(1).x(0), qubits=[1]).count_ops()
        {'h': 1, 'x': 1}
        """
        qubits = list(range(other.num_qubits)) if qubits is None else list(qubits)
        clbits = list(range(other.num_clbits)) if clbits is None else list(clbits)
        if len(qubits) != other.num_qubits or len(clbits) != other.num_clbits:
            raise CircuitError(f"compose needs {other.num_qubits} qubit(s) and {other.num_clbits} clbit(s) "
                               f"to map onto, got {len(qubits)} and {len(clbits)}")
        new = self.copy()
        new.global_phase = self.global_phase + other.global_phase
        for inst in other.instructions:
            condition = inst.condition and Condition(tuple(clbits[b] for b in inst.condition.clbits),
                                                     inst.condition.value)
            new.append(inst.operation, [qubits[q] for q in inst.qubits], [clbits[b] for b in inst.clbits],
                       condition)
        return new

    def __add__(self, other: Circuit) -> Circuit:
        return self.compose(other)

    def inverse(self) -> Circuit:
        """The adjoint circuit (gates reversed and inverted); only for circuits of gates.

        >>> [i.name for i in Circuit(1).h(0).s(0).inverse().instructions]
        ['sdg', 'h']
        """
        new = Circuit(self.num_qubits, self.num_clbits, name=self.name, global_phase=-self.global_phase)
        new._registers = _Registers(list(self._registers.qregs), list(self._registers.cregs))
        for inst in reversed(self.instructions):
            op = inst.operation
            if isinstance(op, (Detector, ObservableInclude)):   # their lookbacks would point at other measurements
                raise CircuitError(f"cannot invert a circuit containing a {op.name} annotation")
            if isinstance(op, Barrier):
                new.instructions.append(inst)
                continue
            if not isinstance(op, Gate) or inst.condition is not None:
                raise CircuitError(f"cannot invert a circuit containing {op.name}"
                                   + (" under a condition" if inst.condition else ""))
            new.instructions.append(replace(inst, operation=op.inverse()))
        return new

    def power(self, exponent: int) -> Circuit:
        """The circuit repeated ``exponent`` times (the inverse repeated for negative exponents).

        >>> Circuit(1).x(0).power(2).count_ops()
        {'x': 2}
        """
        base = self if exponent >= 0 else self.inverse()
        new = Circuit(self.num_qubits, self.num_clbits, name=self.name)
        for _ in range(abs(int(exponent))):
            new = new.compose(base)
        return new

    def to_gate(self, name: str | None = None) -> Gate:
        """This circuit as one gate (for ``append``, ``control``, ``inverse``, ``power``).

        >>> Circuit(2).h(0).cx(0, 1).to_gate()
        CircuitGate('circuit', 2 qubits)
        """
        from qfusion.circuit.modifiers import CircuitGate
        return CircuitGate(self, name or self.name or "circuit")

    def control(self, num_ctrl_qubits: int = 1) -> Circuit:
        """A circuit of ``num_ctrl_qubits + num_qubits`` qubits: this one controlled on the first ones.

        >>> Circuit(1).x(0).control(1).num_qubits
        2
        """
        gate = self.to_gate().control(num_ctrl_qubits)
        return Circuit(gate.num_qubits).append(gate, range(gate.num_qubits))

    # -- parameters ------------------------------------------------------------------------
    @property
    def parameters(self) -> tuple[Parameter, ...]:
        """Free parameters, sorted by name, a vector's elements by index (``theta[2]`` before
        ``theta[10]``, as Qiskit sorts them): the order a sequence of values binds in.

        >>> from qfusion.circuit import Parameter
        >>> Circuit(2).rx(Parameter("b"), 0).ry(Parameter("a"), 1).parameters
        (Parameter('a'), Parameter('b'))
        """
        found: set = set()
        for inst in self.instructions:
            if isinstance(inst.operation, Gate):
                found |= inst.operation.parameters
        if is_symbolic(self.global_phase):
            found |= self.global_phase.parameters  # type: ignore[union-attr]
        return tuple(sorted(found, key=sort_key))

    @property
    def is_parameterized(self) -> bool:
        """Whether any gate (or the global phase) has a free parameter.

        >>> from qfusion.circuit import Parameter
        >>> Circuit(1).rx(Parameter("t"), 0).is_parameterized, Circuit(1).rx(0.5, 0).is_parameterized
        (True, False)
        """
        return bool(self.parameters)

    def bind(self, values: Mapping | Sequence[float], *, strict: bool = True) -> Circuit:
        """A copy with parameters bound, from a mapping (Parameter or name -> value) or a sequence
        in the order of :attr:`parameters`. A mapping may leave parameters free; with ``strict``
        (as Qiskit's ``assign_parameters``) a name the circuit does not have is an error.

        >>> from qfusion.circuit import Parameter
        >>> t = Parameter("t")
        >>> Circuit(1).rx(t, 0).bind({t: 0.5}).instructions[0].operation
        Gate('rx', 0.5)
        >>> Circuit(1).rx(t, 0).bind([0.25]).instructions[0].operation
        Gate('rx', 0.25)
        >>> Circuit(1).rx(Parameter("theta"), 0).bind({"phi": 0.1})
        Traceback (most recent call last):
        ...
        qfusion.errors.ParameterError: the circuit has no parameter phi; its parameters are theta (unbound: theta)
        """
        values = self._as_mapping(values)
        if strict:
            check_parameter_names(self, values)
        new = self.copy()
        new.global_phase = bind_value(self.global_phase, values)
        new.instructions = [
            replace(inst, operation=inst.operation.bind(values)) if isinstance(inst.operation, Gate)
            and inst.operation.is_parameterized else inst
            for inst in self.instructions]
        return new

    assign_parameters = bind

    def _as_mapping(self, values) -> Mapping:
        if isinstance(values, Mapping):
            return values
        params = self.parameters
        values = list(values)
        if len(values) != len(params):
            raise CircuitError(f"the circuit has {len(params)} parameter(s) "
                               f"({', '.join(p.name for p in params)}), got {len(values)} value(s)")
        return dict(zip(params, values, strict=False))

    # -- inspecting ------------------------------------------------------------------------
    def count_ops(self) -> dict[str, int]:
        """How many times each operation occurs, in order of first appearance.

        >>> Circuit(2).h(0).cx(0, 1).h(1).count_ops()
        {'h': 2, 'cx': 1}
        """
        counts: dict[str, int] = {}
        for inst in self.instructions:
            counts[inst.name] = counts.get(inst.name, 0) + 1
        return counts

    def size(self) -> int:
        """Number of instructions other than barriers.

        >>> Circuit(2).h(0).cx(0, 1).size()
        2
        """
        return sum(1 for inst in self.instructions if not isinstance(inst.operation, Barrier))

    def depth(self) -> int:
        """Length of the critical path (barriers do not count; conditions tie to their bits).

        >>> Circuit(3).h(0).h(1).cx(0, 1).h(2).depth()
        2
        """
        qubit_level = [0] * self.num_qubits
        clbit_level = [0] * self.num_clbits
        for inst in self.instructions:
            bits = list(inst.clbits) + (list(inst.condition.clbits) if inst.condition else [])
            level = max([qubit_level[q] for q in inst.qubits] + [clbit_level[b] for b in bits] + [0])
            if not isinstance(inst.operation, Barrier):
                level += 1
            for q in inst.qubits:
                qubit_level[q] = level
            for b in bits:
                clbit_level[b] = level
        return max(qubit_level + clbit_level + [0])

    @property
    def has_measurements(self) -> bool:
        """Whether any instruction measures.

        >>> Circuit(1).h(0).has_measurements, Circuit(1).h(0).measure_all().has_measurements
        (False, True)
        """
        return _writes_bits(self.instructions)

    def __len__(self) -> int:
        return len(self.instructions)

    def __iter__(self) -> Iterator[Instruction]:
        return iter(self.instructions)

    def __eq__(self, other) -> bool:
        if not isinstance(other, Circuit):
            return NotImplemented
        return (self.num_qubits == other.num_qubits and self.num_clbits == other.num_clbits
                and self.instructions == other.instructions
                and _phase_equal(self.global_phase, other.global_phase))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        name = f"{self.name!r}, " if self.name else ""
        return (f"Circuit({name}num_qubits={self.num_qubits}, num_clbits={self.num_clbits}, "
                f"instructions={len(self.instructions)})")

    def __str__(self) -> str:
        return self.draw("text")

    def draw(self, output: str = "text", **kwargs):
        """Draw the circuit: ``"text"`` returns a string, ``"mpl"`` a matplotlib Figure.

        >>> print(Circuit(2).h(0).cx(0, 1).draw())
        q0: ─H──■──
                │
        q1: ────⊕──
        """
        from qfusion.circuit.drawing import draw
        return draw(self, output, **kwargs)


def _is_index(value) -> bool:
    """Whether ``value`` is one index (not a list of them) for :meth:`Circuit.measure`."""
    return isinstance(value, (str, bytes)) or not isinstance(value, Iterable)


def _phase_equal(a, b) -> bool:
    if is_symbolic(a) or is_symbolic(b):
        return is_symbolic(a) and is_symbolic(b) and a == b
    return abs(float(a) - float(b)) < 1e-12


def _writes_bits(instructions) -> bool:
    """Whether a measurement, or a run-time store into bits, is among ``instructions`` or their bodies."""
    for inst in instructions:
        op = inst.operation
        if isinstance(op, Measure) or op.name == "store" or any(_writes_bits(b) for b in getattr(op, "bodies", ())):
            return True
    return False


def iter_gates(circuit: Circuit) -> Iterable[tuple[Gate, tuple[int, ...]]]:
    """Yield ``(gate, qubits)`` for each unconditioned gate, skipping barriers; others raise.

    >>> list(iter_gates(Circuit(2).h(0).barrier().cx(0, 1)))
    [(Gate('h'), (0,)), (Gate('cx'), (0, 1))]
    """
    for inst in circuit.instructions:
        op = inst.operation
        if isinstance(op, Barrier):
            continue
        if not isinstance(op, Gate) or inst.condition is not None:
            raise CircuitError(f"{op.name} is not a unitary gate")
        yield op, inst.qubits


def check_parameter_names(circuit: Circuit, values: Mapping) -> None:
    """Raise :class:`ParameterError` naming the keys of ``values`` that are not parameters of
    ``circuit``, with its parameters and the ones ``values`` leaves unbound.

    >>> from qfusion.circuit import Circuit, Parameter
    >>> c = Circuit(1).rx(Parameter("a"), 0)
    >>> check_parameter_names(c, {"a": 0.1})
    >>> check_parameter_names(c, {"b": 0.1})
    Traceback (most recent call last):
        ...
    qfusion.errors.ParameterError: the circuit has no parameter b; its parameters are a (unbound: a)
    """
    names = [p.name for p in circuit.parameters]
    given = {k.name if isinstance(k, Parameter) else str(k) for k in values}
    unknown = sorted(given - set(names))
    if unknown:
        missing = [n for n in names if n not in given]
        raise ParameterError(f"the circuit has no parameter{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; "
                             f"its parameters are {', '.join(names) or 'none'}"
                             + (f" (unbound: {', '.join(missing)})" if missing else ""))
