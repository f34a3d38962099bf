"""Writing circuits as OpenQASM 3 or 2.0 programs.

Standard gates are written by their library names; the others (``iswap``, ``ecr``,
``mcx``, ...) with the definitions of :mod:`qfusion.qasm.definitions`; a
:class:`~qfusion.circuit.CircuitGate` with a ``gate`` definition of its own (shared by
gates that differ only in their parameters); controlled, inverse and power gates with
the modifiers of OpenQASM 3; a 1-qubit :class:`~qfusion.circuit.UnitaryGate` as
``U(θ, φ, λ)`` (plus ``gphase`` in OpenQASM 3). Error-correction annotations (detectors,
observables, qubit coordinates) become OpenQASM 3 pragmas, one per line, with stim's lookbacks:
``#pragma qfusion detector rec[-1] rec[-2] coords(0, 1)``, ``#pragma qfusion observable 0 rec[-1]``,
``#pragma qfusion qubit_coords q[0] (1, 2)``; readers that do not know them skip them.

>>> from qfusion.circuit import Circuit
>>> c = Circuit(2, 1).h(0).measure(0, 0).x(1).c_if(0, 1)
>>> print(export(c, 3))
OPENQASM 3.0;
include "stdgates.inc";
qubit[2] q;
bit[1] c;
h q[0];
c[0] = measure q[0];
if (c[0]) {
  x q[1];
}
<BLANKLINE>
"""

from __future__ import annotations

import re

from qfusion.circuit.annotations import Annotation, Calibration, Detector, ObservableInclude
from qfusion.circuit.circuit import Circuit, Register
from qfusion.circuit.classical import RUNTIME_OPERATIONS
from qfusion.circuit.gates import Barrier, Gate, Measure, Reset, StandardGate
from qfusion.circuit.modifiers import BroadcastGate, CircuitGate, ControlledGate, InverseGate, PowerGate, UnitaryGate
from qfusion.circuit.parameter import Parameter, is_symbolic
from qfusion.circuit.timing import Box, Delay, Duration, Stretch
from qfusion.errors import CircuitError, QasmError
from qfusion.qasm import definitions, qasm2, qasm3
from qfusion.qasm.calls import inverse_gate
from qfusion.qasm.classical_text import runtime_statements
from qfusion.qasm.evaluate import CONSTANTS_V3
from qfusion.qasm.formatting import duration_literal, format_expression, identifier, zyz
from qfusion.qasm.limits import DEFAULT_LIMITS, recursion_headroom

_FUNCTION_NAMES = {"sin", "cos", "tan", "exp", "ln", "log", "sqrt", "arcsin", "arccos", "arctan", "floor",
                   "ceiling", "mod", "pow", "popcount", "rotl", "rotr", "sizeof", "real", "imag"}
_CANONICAL_PATTERN = re.compile(r"mc(x|phase)_\d+")
_MAX_MATRIX_EXPANSION = 100_000
# controlled gates qelib1.inc names, which loads reads as the same ControlledGate
_CONTROLLED_V2 = {("sx", 1): "csx", ("sx", 3): "c3sqrtx"}


def export(circuit: Circuit, version: int) -> str:
    """The OpenQASM ``version`` (2 or 3) text of ``circuit``; see :func:`qfusion.qasm.dumps`.

    >>> export(Circuit(1).sxdg(0), 2).splitlines()[-1]
    'sxdg q[0];'
    """
    if not isinstance(circuit, Circuit):
        raise TypeError(f"dumps() takes a Circuit, got {type(circuit).__name__}")
    with recursion_headroom(DEFAULT_LIMITS):
        return _Exporter(circuit, version).text()


def _reserved(version: int, circuit: Circuit) -> set:
    """Names a gate definition of the circuit's own cannot take: keywords, functions, the gates of
    the specification's library, and the other library or canonical names the circuit writes
    (a circuit gate named ``ryy`` or, in version 2, ``sx`` keeps its name where nothing else uses it)."""
    if version >= 3:
        names = set(qasm3.KEYWORDS) | qasm3.RESERVED_NAMES | set(qasm3.LIBRARY) | set(CONSTANTS_V3)
        names |= {"gphase", "U", "measure", "reset", "barrier"}
    else:
        names = set(qasm2.KEYWORDS) | set(qasm2.SPECIFICATION) | {"U", "CX", "u"}
    return names | _FUNCTION_NAMES | _library_names_used(circuit, version)


def _library_names_used(circuit: Circuit, version: int) -> set:
    """The library and canonical gate names writing ``circuit`` may emit (through its definitions too)."""
    extended = set(qasm2.LIBRARY) | set(qasm2.INLINE)
    table = qasm3.EXPORT_NAMES if version >= 3 else qasm2.EXPORT_NAMES
    found: set = set()
    stack = [inst.operation for inst in circuit.instructions if isinstance(inst.operation, Gate)]
    seen: set = set()
    while stack:
        gate = stack.pop()
        if id(gate) in seen:
            continue
        seen.add(id(gate))
        if isinstance(gate, StandardGate):
            name = (definitions.mcx_name(gate.num_qubits - 1, version) if gate.name == "mcx"
                    else table.get(gate.name, gate.name))
            if version < 3 and name == "cu" and gate.params[3] == 0:
                name = "cu3"
            found.add(name)
            found.update(defined for defined, _ in definitions.definitions(name, version))
        elif isinstance(gate, CircuitGate):
            stack.extend(i.operation for i in gate.definition.instructions if isinstance(i.operation, Gate))
        elif isinstance(gate, (ControlledGate, InverseGate, PowerGate, BroadcastGate)):
            if version < 3:  # written through the library in ways that depend on the gate
                found |= extended
            stack.append(gate.base)
        elif version < 3:
            found |= extended
    return found


class _Exporter:
    def __init__(self, circuit: Circuit, version: int):
        self.circuit = circuit
        self.version = version
        self.used = _reserved(version, circuit)
        self.definitions: list[str] = []
        self.emitted: set[str] = set()
        self.by_id: dict[int, tuple] = {}  # id(gate) -> (gate, name, parameters)
        self.templates: dict[tuple, str] = {}  # (name, qubits, body with positional parameters) -> name
        self.inverses: dict[int, tuple] = {}
        self.sizes: dict[int, tuple] = {}
        self.unitaries: list[tuple] = []
        self.comments: list[str] = []
        self._depth = 0

    # -- names ---------------------------------------------------------------------------------
    def _new_name(self, name: str, prefix: str) -> str:
        if _CANONICAL_PATTERN.fullmatch(name):
            name = prefix + "_" + name
        return identifier(name, self.used, self.version, prefix)

    def _registers(self, registers: list[Register], total: int, default: str, prefix: str):
        registers = [r for r in registers if r.size > 0]
        if sum(r.size for r in registers) != total:
            registers = [Register(default, total)] if total else []
        labels, declared = [], []
        if prefix == "q" and [r.name for r in registers] == ["$"]:   # physical qubits, written back as $0, $1, ...
            return [], [f"${i}" for i in range(total)]
        for register in registers:
            name = self._new_name(register.name, prefix)
            declared.append((name, register.size))
            labels.extend(f"{name}[{i}]" for i in range(register.size))
        return declared, labels

    # -- the program ---------------------------------------------------------------------------
    def text(self) -> str:
        circuit, version = self.circuit, self.version
        qregs, self.qubit_labels = self._registers(circuit.qregs, circuit.num_qubits, "q", "q")
        cregs, self.clbit_labels = self._registers(circuit.cregs, circuit.num_clbits, "c", "c")
        self.creg_ranges = {}
        start = 0
        for name, size in cregs:
            self.creg_ranges[tuple(range(start, start + size))] = name
            start += size
        parameters = self._parameters(circuit.instructions, circuit.global_phase)
        if parameters and version < 3:
            raise QasmError(f"OpenQASM 2 cannot express free parameters "
                            f"({', '.join(p.name for p in parameters)}); bind them or write version=3")
        self.names = {p.name: self._new_name(p.name, "p") for p in parameters}
        self.stretches: dict[str, str] = {}
        self.externs: dict[str, int] = {}
        body = self._body()
        lines = ["OPENQASM 3.0;" if version >= 3 else "OPENQASM 2.0;",
                 'include "stdgates.inc";' if version >= 3 else 'include "qelib1.inc";']
        lines += self.definitions
        lines += [f"extern {name}({', '.join(['int'] * count)}) -> int;" for name, count in self.externs.items()]
        lines += [f"input float[64] {self.names[p.name]};" for p in parameters]
        if version >= 3:
            lines += [f"qubit[{size}] {name};" for name, size in qregs]
            lines += [f"bit[{size}] {name};" for name, size in cregs]
            lines += [f"stretch {name};" for name in self.stretches.values()]
        else:
            lines += [f"qreg {name}[{size}];" for name, size in qregs]
            lines += [f"creg {name}[{size}];" for name, size in cregs]
        phase = circuit.global_phase
        if is_symbolic(phase) or phase != 0:
            if version >= 3:
                lines.append(f"gphase({self._expr(phase, self.names)});")
            else:
                self.comments.insert(0, f"// global phase {phase!r} dropped: OpenQASM 2 has no global phase")
        lines += self.comments + body
        return "\n".join(lines) + "\n"

    def _body(self) -> list[str]:
        lines, block, current = [], [], None
        boxes: list[int] = []   # instructions left in each open box, innermost last
        for inst in self.circuit.instructions:
            boxes = [left - 1 for left in boxes]
            if isinstance(inst.operation, Box):
                if self.version >= 3:
                    lines += self._if_block(current, block)
                    block, current = [], None
                    duration = inst.operation.duration
                    lines.append("box" + (f"[{self._time(duration)}]" if duration is not None else "") + " {")
                    boxes.append(inst.operation.size)
            else:
                statements = self._instruction(inst)
                if self.version < 3:
                    prefix = self._condition_v2(inst.condition) if inst.condition else ""
                    lines += [prefix + s for s in statements]
                    continue
                if inst.condition != current:
                    lines += self._if_block(current, block)
                    block, current = [], inst.condition
                (block if current is not None else lines).extend(statements)
            while boxes and boxes[-1] <= 0:
                lines += self._if_block(current, block)
                block, current = [], None
                boxes.pop()
                lines.append("}")
        lines += self._if_block(current, block)
        lines += ["}"] * len(boxes)
        return lines

    def _time(self, duration) -> str:
        """A duration, or a stretch expression (declaring its stretches), as OpenQASM 3."""
        if isinstance(duration, Duration):
            return duration_literal(duration)
        parts = [duration_literal(duration.constant)] if duration.constant.value else []
        for coefficient, symbol in duration.terms:
            if isinstance(symbol, Stretch):
                if symbol.name not in self.stretches:
                    self.stretches[symbol.name] = self._new_name(symbol.name, "s")
                text = self.stretches[symbol.name]
            else:
                statements = [s for inst in symbol.instructions for s in self._instruction(inst)]
                text = f"durationof({{{' '.join(statements)}}})"
            parts.append(text if coefficient == 1 else f"{coefficient!r}*{text}")
        return " + ".join(parts) or "0s"

    def _condition_v2(self, condition) -> str:
        register = self.creg_ranges.get(tuple(condition.clbits))
        if register is None:
            raise QasmError(f"OpenQASM 2 can only condition on a whole classical register; this condition is "
                            f"on bits {condition.clbits} (write version=3)")
        return f"if({register}=={condition.value}) "

    def _if_block(self, condition, statements: list[str]) -> list[str]:
        if condition is None or not statements:
            return []
        register = self.creg_ranges.get(tuple(condition.clbits))
        if register is not None and len(condition.clbits) > 1:
            heads = [f"if ({register} == {condition.value}) {{"]
        else:
            heads = []
            for i, bit in enumerate(condition.clbits):
                negate = "" if (condition.value >> i) & 1 else "!"
                heads.append(f"if ({negate}{self.clbit_labels[bit]}) {{")
        lines = ["  " * i + head for i, head in enumerate(heads)]
        lines += ["  " * len(heads) + s for s in statements]
        lines += ["  " * i + "}" for i in reversed(range(len(heads)))]
        return lines

    def _instruction(self, inst) -> list[str]:
        op = inst.operation
        qubits = [self.qubit_labels[q] for q in inst.qubits]
        if isinstance(op, Measure):
            clbit = self.clbit_labels[inst.clbits[0]]
            return [f"{clbit} = measure {qubits[0]};" if self.version >= 3 else f"measure {qubits[0]} -> {clbit};"]
        if isinstance(op, Reset):
            return [f"reset {qubits[0]};"]
        if isinstance(op, Calibration):
            if self.version < 3:
                raise QasmError(f"OpenQASM 2 has no '{op.kind}' (a pulse-level calibration); write version=3")
            return op.text.splitlines()
        if isinstance(op, Annotation):
            return [self._pragma(op, qubits)]
        if isinstance(op, RUNTIME_OPERATIONS):
            return runtime_statements(op, self, qubits)
        if isinstance(op, Delay):
            if self.version < 3:
                raise QasmError(f"OpenQASM 2 has no delay (a delay of {op.duration} here); write version=3")
            return [f"delay[{self._time(op.duration)}] {', '.join(qubits)};"]
        if isinstance(op, Barrier):
            return [f"barrier {', '.join(qubits)};"]
        if isinstance(op, Gate):
            return self._gate_statements(op, qubits, self.names)
        raise QasmError(f"cannot write the operation {op.name!r} ({type(op).__name__}) as OpenQASM")

    def _pragma(self, op: Annotation, qubits: list[str]) -> str:
        if self.version < 3:
            raise QasmError(f"OpenQASM 2 cannot carry the {op.name} annotation; write version=3 (as a pragma)")
        numbers = ", ".join(f"{x:g}" for x in getattr(op, "coords", ()))
        records = " ".join(f"rec[{r}]" for r in getattr(op, "records", ()))
        if isinstance(op, Detector):
            return f"#pragma qfusion detector {records}" + (f" coords({numbers})" if numbers else "")
        if isinstance(op, ObservableInclude):
            return f"#pragma qfusion observable {op.index} {records}"
        return f"#pragma qfusion qubit_coords {qubits[0]} ({numbers})"

    # -- gates ---------------------------------------------------------------------------------
    def _expr(self, value, names) -> str:
        return format_expression(value, names, self.version)

    def _params(self, params, names) -> str:
        return f"({', '.join(self._expr(p, names) for p in params)})" if params else ""

    def _gate_statements(self, gate: Gate, qubits: list[str], names) -> list[str]:
        if isinstance(gate, BroadcastGate):  # a global pulse: OpenQASM has no such gate, so its parts
            return [line for part, on in gate.factors()
                    for line in self._gate_statements(part, [qubits[j] for j in on], names)]
        args = ", ".join(qubits)
        if self.version < 3 and isinstance(gate, InverseGate) and isinstance(gate.base, CircuitGate):
            return self._gate_statements(inverse_gate(gate.base, self.inverses), qubits, names)
        if gate.num_qubits == 1 and (_is_matrix_gate(gate) or (self.version < 3 and isinstance(
                gate, (InverseGate, PowerGate)) and not isinstance(gate.inverse(), InverseGate))):
            return self._one_qubit_unitary(gate, args)
        if self.version < 3 and isinstance(gate, ControlledGate):
            return self._controlled_v2(gate, qubits, names)
        if self.version < 3 and isinstance(gate, (InverseGate, PowerGate)):
            return self._modified_v2(gate, qubits, names)
        return [f"{self._reference(gate, names)} {args};"]

    def _reference(self, gate: Gate, names) -> str:
        """How ``gate`` is called (name, parameters, modifiers), writing any definition it needs."""
        if isinstance(gate, StandardGate):
            return self._standard(gate, names)
        if isinstance(gate, CircuitGate):
            return self._circuit_gate(gate, names)
        if self.version >= 3 and isinstance(gate, ControlledGate):
            return f"{_control_prefix(gate)} {self._reference(gate.base, names)}"
        if self.version >= 3 and isinstance(gate, InverseGate):
            return f"inv @ {self._reference(gate.base, names)}"
        if self.version >= 3 and isinstance(gate, PowerGate):
            return f"pow({self._expr(gate.exponent, names)}) @ {self._reference(gate.base, names)}"
        if gate.num_qubits == 1 and not isinstance(gate, (ControlledGate, InverseGate, PowerGate)):
            return self._unitary_definition(gate)
        if isinstance(gate, UnitaryGate):
            raise QasmError(f"a {gate.num_qubits}-qubit UnitaryGate cannot be written as OpenQASM; "
                            f"decompose it first")
        raise QasmError(f"cannot write {gate!r} in OpenQASM {self.version}; decompose it first"
                        + (" or write version=3" if self.version < 3 else ""))

    def _standard(self, gate: StandardGate, names) -> str:
        if gate.name == "mcx":
            name = definitions.mcx_name(gate.num_qubits - 1, self.version)
        else:
            table = qasm3.EXPORT_NAMES if self.version >= 3 else qasm2.EXPORT_NAMES
            name = table.get(gate.name, gate.name)
            if self.version < 3 and name == "cu" and gate.params[3] == 0:  # the specification's cu3
                return "cu3" + self._params(gate.params[:3], names)
        for defined, text in definitions.definitions(name, self.version):
            if defined not in self.emitted:
                self.emitted.add(defined)
                self.definitions.append(text)
        return name + self._params(gate.params, names)

    def _parameters(self, instructions, phase=0.0) -> list[Parameter]:
        """Free parameters, sorted by name, including those of power exponents (which the IR's
        ``Circuit.parameters`` does not report)."""
        found = set(phase.parameters) if is_symbolic(phase) else set()
        stack = [inst.operation for inst in instructions if isinstance(inst.operation, Gate)]
        seen = set()
        while stack:
            gate = stack.pop()
            if id(gate) in seen:
                continue
            seen.add(id(gate))
            found |= gate.parameters
            if isinstance(gate, PowerGate) and is_symbolic(gate.exponent):
                found |= gate.exponent.parameters
            if isinstance(gate, (ControlledGate, InverseGate, PowerGate)):
                stack.append(gate.base)
            elif isinstance(gate, CircuitGate):
                definition = gate.definition
                if is_symbolic(definition.global_phase):
                    found |= definition.global_phase.parameters
                stack.extend(i.operation for i in definition.instructions if isinstance(i.operation, Gate))
        return sorted(found, key=lambda p: p.name)

    def _circuit_gate(self, gate: CircuitGate, names) -> str:
        """The call of a gate defined by a circuit. Each distinct gate object is written once; gates
        of the same name whose bodies differ only in their parameters share one definition."""
        known = self.by_id.get(id(gate))
        if known is None or known[0] is not gate:
            params = self._parameters(gate.definition.instructions, gate.definition.global_phase)
            self._depth += 1
            try:
                if self._depth > DEFAULT_LIMITS.max_gate_depth:
                    raise QasmError(f"gate definitions nested more than {DEFAULT_LIMITS.max_gate_depth} levels "
                                    f"deep cannot be written (loads would refuse them)")
                positional = {p.name: f"p{i}" for i, p in enumerate(params)}
                key = (gate.name, gate.num_qubits, "\n".join(self._gate_body(gate, positional, None)))
                name = self.templates.get(key)
                if name is None:
                    name = self.templates[key] = self._define(gate, params)
            finally:
                self._depth -= 1
            known = self.by_id[id(gate)] = (gate, name, params)
        _, name, params = known
        return name + self._params(params, names)

    def _gate_body(self, gate: CircuitGate, formal: dict, qubits: list[str] | None) -> list[str]:
        qubits = qubits or [f"q{i}" for i in range(gate.num_qubits)]
        definition = gate.definition
        body = []
        phase = definition.global_phase
        if (is_symbolic(phase) or phase != 0) and self.version >= 3:
            body.append(f"gphase({self._expr(phase, formal)});")
        for inst in definition.instructions:
            if inst.condition is not None:
                raise QasmError(f"gate {gate.name!r} has a conditioned instruction; OpenQASM gate "
                                f"definitions cannot have conditions")
            labels = [qubits[q] for q in inst.qubits]
            if isinstance(inst.operation, Barrier):
                body.append(f"barrier {', '.join(labels)};")
            else:
                body += self._gate_statements(inst.operation, labels, formal)
        return body

    def _define(self, gate: CircuitGate, params: list[Parameter]) -> str:
        name = self._new_name(gate.name, "g")
        local = set(self.used)
        formal = {p.name: identifier(p.name, local, self.version, "p") for p in params}
        qubits = [identifier(f"q{i}", local, self.version) for i in range(gate.num_qubits)]
        body = self._gate_body(gate, formal, qubits)
        formal_list = f"({', '.join(formal[p.name] for p in params)})" if params else ""
        lines = [f"gate {name}{formal_list} {', '.join(qubits)} {{"] + [f"  {s}" for s in body] + ["}"]
        if _reads_as_standard(name, lines, self.version):  # loads would take it for the standard gate
            renamed = self._new_name(name, "g")
            lines[0] = lines[0].replace(f"gate {name}", f"gate {renamed}", 1)
            name = renamed
        self.definitions.append("\n".join(lines))
        return name

    def _one_qubit_unitary(self, gate: Gate, args: str) -> list[str]:
        theta, phi, lam, phase = self._angles(gate)
        if self.version >= 3:
            return [f"U({theta}, {phi}, {lam}) {args};"] + ([f"gphase({phase});"] if phase != "0.0" else [])
        note = "// the global phases of 1-qubit unitary gates are dropped: OpenQASM 2 has no global phase"
        if phase != "0.0" and note not in self.comments:
            self.comments.append(note)
        return [f"u({theta}, {phi}, {lam}) {args};"]

    def _angles(self, gate: Gate) -> list[str]:
        if _expanded_size(gate, self.sizes) > _MAX_MATRIX_EXPANSION:
            raise QasmError(f"{gate!r} is too large a circuit to write as one U(θ, φ, λ); decompose it first"
                            + (" or write version=3" if self.version < 3 else ""))
        try:
            matrix = gate.matrix()
        except CircuitError as exc:
            raise QasmError(f"cannot write {gate!r}: {exc}") from None
        return [self._expr(x, {}) for x in zyz(matrix)]

    def _unitary_definition(self, gate: Gate) -> str:
        for known, name in self.unitaries:
            if known == gate:
                return name
        name = self._new_name(getattr(gate, "label", None) or "unitary", "g")
        statements = " ".join(self._one_qubit_unitary(gate, "a"))
        self.definitions.append(f"gate {name} a {{ {statements} }}")
        self.unitaries.append((gate, name))
        return name

    def _controlled_v2(self, gate: ControlledGate, qubits: list[str], names) -> list[str]:
        n, base = gate.num_ctrl_qubits, gate.base
        flips = [f"x {qubits[i]};" for i in range(n) if not (gate.ctrl_state >> i) & 1]
        if isinstance(base, StandardGate) and base.name == "x":
            core = {1: "cx", 2: "ccx"}.get(n) or self._standard(StandardGate("mcx", (), n + 1), names)
        elif isinstance(base, StandardGate) and (base.name, n) in _CONTROLLED_V2:  # read back as the same gate
            core = _CONTROLLED_V2[base.name, n]
        elif n == 1 and base.num_qubits == 1 and not base.is_parameterized:
            theta, phi, lam, phase = self._angles(base)
            core = f"cu({theta}, {phi}, {lam}, {phase})"
        else:
            raise QasmError(f"OpenQASM 2 has no control modifier: cannot write {gate!r} "
                            f"(write version=3, or decompose it)")
        return flips + [f"{core} {', '.join(qubits)};"] + flips

    def _modified_v2(self, gate: Gate, qubits: list[str], names) -> list[str]:
        if isinstance(gate, InverseGate):
            inverse = gate.base.inverse()
            if not isinstance(inverse, InverseGate):
                return self._gate_statements(inverse, qubits, names)
        raise QasmError(f"OpenQASM 2 has no '{'inv' if isinstance(gate, InverseGate) else 'pow'}' modifier: "
                        f"cannot write {gate!r} (write version=3, or decompose it)")


def _reads_as_standard(name: str, lines: list[str], version: int) -> bool:
    """Whether the definition ``lines`` of ``name`` is the one :func:`loads` maps onto a standard gate."""
    if definitions.canonical_text(name, version) is None:
        return False
    from qfusion.qasm.calls import _canonical, _normalized
    from qfusion.qasm.parser import Parser
    header = "OPENQASM 3;" if version >= 3 else "OPENQASM 2.0;"
    definition = next(iter(Parser(header + "\n".join(lines)).statements()))
    return _normalized(definition) == _canonical(name, version)


def _is_matrix_gate(gate: Gate) -> bool:
    """A gate known only by its matrix (a UnitaryGate, or a Gate subclass from elsewhere)."""
    if isinstance(gate, UnitaryGate):
        return True
    return not isinstance(gate, (StandardGate, CircuitGate, ControlledGate, InverseGate, PowerGate))


def _expanded_size(gate: Gate, memo: dict) -> int:
    """How many gates ``gate`` expands to through its circuit definitions (iteratively, each
    shared definition counted from ``memo``); capped, since only "small or not" matters."""
    def base_of(g):
        while isinstance(g, (ControlledGate, InverseGate, PowerGate)):
            g = g.base
        return g

    stack = [base_of(gate)]
    while stack:
        top = stack[-1]
        if not isinstance(top, CircuitGate) or id(top) in memo:
            stack.pop()
            continue
        children = [base_of(i.operation) for i in top.definition.instructions]
        pending = [c for c in children if isinstance(c, CircuitGate) and id(c) not in memo]
        if pending:
            stack.extend(pending)
            continue
        stack.pop()
        total = sum(memo[id(c)][1] if isinstance(c, CircuitGate) else 1 for c in children)
        memo[id(top)] = (top, min(total, 10 * _MAX_MATRIX_EXPANSION))
    top = base_of(gate)
    return memo[id(top)][1] if isinstance(top, CircuitGate) else 1


def _control_prefix(gate: ControlledGate) -> str:
    runs: list[list[int]] = []
    for i in range(gate.num_ctrl_qubits):
        bit = (gate.ctrl_state >> i) & 1
        if runs and runs[-1][0] == bit:
            runs[-1][1] += 1
        else:
            runs.append([bit, 1])
    return " ".join(("ctrl" if bit else "negctrl") + (f"({count})" if count > 1 else "") + " @"
                    for bit, count in runs)
