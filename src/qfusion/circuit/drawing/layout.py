"""What a drawing shows, shared by the text and matplotlib drawers: wires, columns, and the parts
of each instruction (boxes, controls, targets, meters, links), as plain data.

Wires are the qubits (one each) then the classical registers (one each, bundled). Each
instruction covers the rows between its topmost and bottommost part; it goes in the first
column after every instruction already covering one of those rows, so gates on disjoint rows
share a column and the order on every wire is kept.

>>> from qfusion.circuit import Circuit
>>> plan = layout(Circuit(3).h(0).h(2).cx(0, 1).measure_all())
>>> plan.labels
('q0', 'q1', 'q2', 'c')
>>> plan.columns
((0, 1), (2,), (3,), (4,), (5,))
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from qfusion.circuit.annotations import Annotation, Detector, ObservableInclude
from qfusion.circuit.circuit import Circuit, Condition, Instruction
from qfusion.circuit.gates import Barrier, Gate, Measure, Reset, StandardGate
from qfusion.circuit.modifiers import CircuitGate, ControlledGate, InverseGate, PowerGate, UnitaryGate
from qfusion.circuit.parameter import ParameterExpression


@dataclass(frozen=True)
class Part:
    """One symbol of an instruction on one row.

    ``kind`` is ``box`` (a gate's label), ``control`` (a filled dot), ``open_control``, ``target`` (the
    ⊕ of an X), ``swap`` (×), ``measure`` (the meter), ``meter_target`` (where a measurement lands on a
    register; ``note`` is the bit), ``condition`` (a register tested by a condition; ``note`` says how),
    ``barrier``.

    >>> from qfusion.circuit import Circuit
    >>> layout(Circuit(2).cx(0, 1)).drawables[0].parts
    (Part(kind='control', row=0, text='', note=''), Part(kind='target', row=1, text='⊕', note=''))
    """
    kind: str
    row: int
    text: str = ""
    note: str = ""


@dataclass(frozen=True)
class Link:
    """A vertical line between two rows; ``classical`` for a double line (measurement, condition).

    >>> from qfusion.circuit import Circuit
    >>> layout(Circuit(2).cx(0, 1)).drawables[0].links
    (Link(top=0, bottom=1, classical=False),)
    """
    top: int
    bottom: int
    classical: bool = False


@dataclass(frozen=True)
class Drawable:
    """The parts and links of one instruction.

    >>> from qfusion.circuit import Circuit
    >>> item = layout(Circuit(3).cz(0, 2)).drawables[0]
    >>> [p.kind for p in item.parts], (item.top, item.bottom)
    (['control', 'control'], (0, 2))
    """
    parts: tuple[Part, ...]
    links: tuple[Link, ...]

    @property
    def top(self) -> int:
        """The topmost row the instruction covers.


        >>> from qfusion.circuit import Circuit
        >>> layout(Circuit(3).cx(2, 1)).drawables[0].top
        1
        """
        return min([p.row for p in self.parts] + [link.top for link in self.links])

    @property
    def bottom(self) -> int:
        """The bottommost row the instruction covers (links included).


        >>> from qfusion.circuit import Circuit
        >>> layout(Circuit(2, 1).measure(0, 0)).drawables[0].bottom
        2
        """
        return max([p.row for p in self.parts] + [link.bottom for link in self.links])


@dataclass(frozen=True)
class Layout:
    """Rows (``labels``: qubits first, then classical registers) and instructions per column.

    >>> from qfusion.circuit import Circuit
    >>> plan = layout(Circuit(2, global_phase=0.5).h(0))
    >>> plan.labels, plan.num_qubits, plan.columns, plan.global_phase
    (('q0', 'q1'), 2, ((0,),), '0.5')
    """
    labels: tuple[str, ...]
    num_qubits: int
    columns: tuple[tuple[int, ...], ...]
    drawables: tuple[Drawable, ...]
    global_phase: str

    def is_classical(self, row: int) -> bool:
        """Whether ``row`` is a classical register's (they come after the qubits).


        >>> from qfusion.circuit import Circuit
        >>> plan = layout(Circuit(1, 1).measure(0, 0))
        >>> plan.is_classical(0), plan.is_classical(1)
        (False, True)
        """
        return row >= self.num_qubits


def layout(circuit: Circuit) -> Layout:
    """Assign every instruction of ``circuit`` to a column (see the module notes).

    >>> from qfusion.circuit import Circuit
    >>> layout(Circuit(2).h(0).h(1).cx(0, 1)).columns
    ((0, 1), (2,))
    """
    clbit_place = _clbit_places(circuit)
    labels = tuple(_qubit_labels(circuit)) + tuple(r.name for r in circuit.cregs)
    drawables = tuple(drawable(inst, clbit_place, circuit) for inst in circuit.instructions)
    level = [0] * len(labels)
    columns: list[list[int]] = []
    for index, item in enumerate(drawables):
        rows = range(item.top, item.bottom + 1)
        column = max(level[r] for r in rows)
        if column == len(columns):
            columns.append([])
        columns[column].append(index)
        for r in rows:
            level[r] = column + 1
    phase = circuit.global_phase
    shown = "" if not isinstance(phase, ParameterExpression) and float(phase) == 0 else format_param(phase)
    return Layout(labels, circuit.num_qubits, tuple(tuple(c) for c in columns), drawables, shown)


def _qubit_labels(circuit: Circuit) -> list[str]:
    labels = []
    for register in circuit.qregs:
        joiner = "_" if register.name[-1:].isdigit() else ""
        labels += [f"{register.name}{joiner}{i}" for i in range(register.size)]
    return labels


def _clbit_places(circuit: Circuit) -> list[tuple[int, int]]:
    """For each classical bit: (its register's row, its index in the register)."""
    places = []
    for k, register in enumerate(circuit.cregs):
        places += [(circuit.num_qubits + k, i) for i in range(register.size)]
    return places


def drawable(inst: Instruction, clbit_place, circuit: Circuit) -> Drawable:
    """The parts and links that draw one instruction.

    >>> from qfusion.circuit import Circuit
    >>> c = Circuit(2, 1).cx(0, 1).measure(1, 0)
    >>> drawable(c.instructions[0], _clbit_places(c), c)
    Drawable(parts=(Part(kind='control', row=0, text='', note=''), Part(kind='target', row=1, text='⊕', note='')), links=(Link(top=0, bottom=1, classical=False),))
    """
    op, qubits = inst.operation, inst.qubits
    if isinstance(op, Annotation):
        return _annotation_drawable(op, qubits, circuit)
    if isinstance(op, Measure):
        row, index = clbit_place[inst.clbits[0]]
        parts = [Part("measure", qubits[0], "M"), Part("meter_target", row, "", str(index))]
        links = [Link(qubits[0], row, classical=True)]
    elif isinstance(op, Barrier):
        parts, links = [Part("barrier", q, "░") for q in qubits], []
    elif isinstance(op, Reset):
        parts, links = [Part("box", qubits[0], "|0>")], []
    else:
        parts = _gate_parts(op, qubits)  # type: ignore[arg-type]
        rows = [p.row for p in parts]
        links = [Link(min(rows), max(rows))] if len(rows) > 1 else []
    if inst.condition is not None:
        tests = _condition_parts(inst.condition, clbit_place, circuit)
        shared = [p for p in tests if isinstance(op, Measure) and p.row == parts[1].row]
        if shared:  # a conditioned measurement into a register it tests: one mark says both
            note = parts[1].note + (f" if {shared[0].note}" if shared[0].note else "")
            parts = [parts[0], Part("meter_target", parts[1].row, "", note)]
            tests = [p for p in tests if p is not shared[0]]
        parts = parts + tests
        bottom = max(p.row for p in parts)
        links = links + [Link(max(qubits), bottom, classical=True)]
    return Drawable(tuple(parts), tuple(links))


def _annotation_drawable(op: Annotation, qubits, circuit: Circuit) -> Drawable:
    """A detector (``DET``) or observable include (``OBS0``) as a box on the first classical row,
    a qubit's coordinates as a note on its wire."""
    row = circuit.num_qubits if circuit.cregs else max(circuit.num_qubits - 1, 0)
    if isinstance(op, Detector):
        return Drawable((Part("box", row, "DET"),), ())
    if isinstance(op, ObservableInclude):
        return Drawable((Part("box", row, f"OBS{op.index}"),), ())
    coords = getattr(op, "coords", ())  # QubitCoords
    return Drawable((Part("box", qubits[0], "@" + ",".join(f"{x:g}" for x in coords)),), ())


def _condition_parts(condition: Condition, clbit_place, circuit: Circuit) -> list[Part]:
    rows = sorted({clbit_place[b][0] for b in condition.clbits})
    text = f"{condition_name(condition, circuit)}=={condition.value}"
    return [Part("condition", row, "■", text if row == rows[-1] else "") for row in rows]


def condition_name(condition: Condition, circuit: Circuit) -> str:
    """``c`` for a whole register, ``c[1]`` for one bit, ``[c[0],d[1]]`` otherwise (least significant first).

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.circuit.circuit import Condition
    >>> c = Circuit(1, 2)
    >>> condition_name(Condition((0, 1), 3), c), condition_name(Condition((1,), 1), c)
    ('c', 'c[1]')
    """
    names = [(register, i) for register in circuit.cregs for i in range(register.size)]
    bits = [names[b] for b in condition.clbits]
    register = bits[0][0]
    if all(r is register for r, _ in bits) and [i for _, i in bits] == list(range(register.size)):
        return register.name
    named = [f"{r.name}[{i}]" for r, i in bits]
    return named[0] if len(named) == 1 else "[" + ",".join(named) + "]"


# -- gates ---------------------------------------------------------------------------------

# standard controlled gates: name -> (number of controls, base gate name)
_CONTROLLED = {"cx": (1, "x"), "cy": (1, "y"), "cz": (1, "z"), "ch": (1, "h"), "cp": (1, "p"),
               "crx": (1, "rx"), "cry": (1, "ry"), "crz": (1, "rz"), "cu": (1, "u"), "cswap": (1, "swap"),
               "ccx": (2, "x")}
_SYMMETRIC = {"rxx", "ryy", "rzz", "iswap", "swap"}
_NAMES = {"id": "I", "sx": "√X", "sxdg": "√Xdg", "sdg": "Sdg", "tdg": "Tdg", "iswap": "iSwap", "ecr": "ECR",
          "rxx": "Rxx", "ryy": "Ryy", "rzz": "Rzz", "rx": "Rx", "ry": "Ry", "rz": "Rz", "swap": "Swap"}


def _gate_parts(gate: Gate, qubits) -> list[Part]:
    if isinstance(gate, StandardGate) and (gate.name in _CONTROLLED or gate.name == "mcx"):
        num_ctrl, base_name = _CONTROLLED.get(gate.name, (gate.num_qubits - 1, "x"))
        base = StandardGate(base_name, gate.params[:3] if base_name == "u" else gate.params)
        label = _with_params("U", gate.params) if base_name == "u" else None  # keep cu's fourth parameter
        return [Part("control", q) for q in qubits[:num_ctrl]] + _base_parts(base, qubits[num_ctrl:], label)
    if isinstance(gate, ControlledGate):
        k = gate.num_ctrl_qubits
        controls = [Part("control" if gate.ctrl_state >> i & 1 else "open_control", q)
                    for i, q in enumerate(qubits[:k])]
        base = gate.base  # type: ignore[assignment]
        if isinstance(base, ControlledGate) or (isinstance(base, StandardGate) and
                                                (base.name in _CONTROLLED or base.name == "mcx")):
            return controls + _gate_parts(base, qubits[k:])
        return controls + _base_parts(base, qubits[k:])
    return _base_parts(gate, qubits, controlled=False)


def _base_parts(gate: Gate, qubits, label: str | None = None, controlled: bool = True) -> list[Part]:
    """The target side of a gate: ⊕ for X, × for swap, a dot for a controlled Z, else labelled boxes."""
    if isinstance(gate, StandardGate) and gate.name == "x" and controlled:
        return [Part("target", qubits[0], "⊕")]
    if isinstance(gate, StandardGate) and gate.name == "swap" and len(qubits) == 2:
        return [Part("swap", q, "×") for q in qubits]
    if isinstance(gate, StandardGate) and gate.name == "z" and controlled:
        return [Part("control", qubits[0])]
    label = label or gate_label(gate)
    symmetric = isinstance(gate, StandardGate) and gate.name in _SYMMETRIC
    return [Part("box", q, label if i == 0 or symmetric else f"#{i + 1}") for i, q in enumerate(qubits)]


def gate_label(gate: Gate) -> str:
    """A short name with parameters: ``H``, ``Rz(0.5)``, ``Rx(θ)``, ``U(π/2,0,π)``, ``S†``, ``H^0.5``.

    >>> from qfusion.circuit import Parameter, standard_gate
    >>> gate_label(standard_gate("rx", Parameter("theta"))), gate_label(standard_gate("sdg").power(0.5))
    ('Rx(θ)', 'Sdg^0.5')
    """
    if isinstance(gate, UnitaryGate):
        return gate.label or "Unitary"
    if isinstance(gate, CircuitGate):
        return gate.name
    if isinstance(gate, InverseGate):
        return gate_label(gate.base) + "†"
    if isinstance(gate, PowerGate):
        return f"{gate_label(gate.base)}^{format_param(gate.exponent)}"
    if isinstance(gate, ControlledGate):
        return "C" * gate.num_ctrl_qubits + gate_label(gate.base)
    name = _NAMES.get(gate.name, gate.name[:1].upper() + gate.name[1:]) if isinstance(gate, StandardGate) \
        else gate.name
    return _with_params(name, gate.params)


def _with_params(name: str, params) -> str:
    return f"{name}({','.join(format_param(p) for p in params)})" if params else name


_GREEK = {"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "theta": "θ", "lambda": "λ", "lam": "λ",
          "phi": "φ", "psi": "ψ", "omega": "ω", "pi": "π"}
_GREEK_WORD = re.compile(r"(?<![A-Za-z])(" + "|".join(sorted(_GREEK, key=len, reverse=True)) + r")(?![A-Za-z])")


def format_param(value) -> str:
    """A parameter in a few characters: ``0.5``, ``π/2``, ``-3π/4``, ``2*θ + 1``.

    >>> from qfusion.circuit import Parameter
    >>> format_param(-0.75 * math.pi), format_param(0.123456), format_param(2 * Parameter("theta") + 1)
    ('-3π/4', '0.1235', '2*θ + 1')
    """
    if isinstance(value, ParameterExpression):
        return _GREEK_WORD.sub(lambda m: _GREEK[m.group(1)], str(value))
    value = float(value)
    if value == 0:
        return "0"
    for denominator in (1, 2, 3, 4, 6, 8):
        numerator = value / math.pi * denominator
        if abs(numerator - round(numerator)) < 1e-9 and 0 < abs(round(numerator)) <= 16:
            k = round(numerator)
            text = {1: "π", -1: "-π"}.get(k, f"{k}π")
            return text if denominator == 1 else f"{text}/{denominator}"
    return f"{value:.4g}"
