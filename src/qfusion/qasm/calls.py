"""Gate definitions and gate calls: libraries, modifiers, broadcasting, and gates defined in OpenQASM.

A gate defined with ``gate`` becomes a :class:`~qfusion.circuit.CircuitGate` named after it
(one per distinct list of arguments), so a file read and written again keeps its gates;
``inline_gates=True`` expands them into their bodies instead. Definitions that
:func:`~qfusion.qasm.dumps` writes for standard gates (``iswap``, ``rzz``, ``mcx_3``, ...)
are recognised by name and body and become those standard gates again.

>>> from qfusion.qasm import loads
>>> c = loads('OPENQASM 3; include "stdgates.inc"; gate bell a, b { h a; cx a, b; } qubit[2] q; bell q[0], q[1];')
>>> c.instructions[0].operation
CircuitGate('bell', 2 qubits)
"""

from __future__ import annotations

import functools
import os
from dataclasses import replace

from qfusion.circuit.circuit import Circuit, Instruction
from qfusion.circuit.classical import DynamicGate
from qfusion.circuit.gates import Barrier as BarrierOp
from qfusion.circuit.gates import StandardGate
from qfusion.circuit.modifiers import CircuitGate, ControlledGate, InverseGate, PowerGate
from qfusion.circuit.parameter import is_symbolic
from qfusion.errors import CircuitError, QasmError
from qfusion.qasm import definitions, qasm2, qasm3
from qfusion.qasm.evaluate import Scope, Variable
from qfusion.qasm.syntax import Block, For, GateCall, GateDef, If


class Target:
    """Where instructions go (the program, or the body of a gate being defined) and its global phase.

    >>> target = Target()
    >>> target.instructions, target.phase
    ([], 0.0)
    """
    __slots__ = ("instructions", "phase")

    def __init__(self):
        self.instructions: list[Instruction] = []
        self.phase = 0.0

    def add_phase(self, value) -> None:
        """Add ``value`` (a number or parameter expression) to the global phase.

        >>> from qfusion.circuit import Parameter
        >>> target = Target()
        >>> target.add_phase(0.5)
        >>> target.add_phase(0.25)
        >>> target.phase
        0.75
        >>> target.add_phase(Parameter("t"))
        >>> target.phase
        ParameterExpression('0.75 + t')
        """
        if not is_symbolic(self.phase) and self.phase == 0:
            self.phase = value
        else:
            self.phase = self.phase + value


class GateEntry:
    """A gate name the program can call. ``kind``: ``builtin``, ``library``, ``recognized`` (a
    definition of a standard gate), ``defined`` (by the program) or ``inline`` (always expanded).

    >>> from qfusion.qasm.interpreter import Context, Interpreter
    >>> from qfusion.qasm.parser import Parser
    >>> interpreter = Interpreter()
    >>> _ = interpreter.run(Parser('include "stdgates.inc"; qubit[2] q; bit[2] c;').statements())
    >>> context = Context(interpreter.globals, interpreter.main)
    >>> entry = interpreter.gates["cx"]
    >>> entry.kind, entry.num_params, entry.num_qubits, entry.origin
    ('library', 0, 2, 'stdgates.inc')
    """
    __slots__ = ("name", "kind", "num_params", "num_qubits", "builder", "definition", "origin")

    def __init__(self, name, kind, num_params, num_qubits, builder=None, definition=None, origin=""):
        self.name, self.kind, self.num_params, self.num_qubits = name, kind, num_params, num_qubits
        self.builder, self.definition, self.origin = builder, definition, origin


@functools.cache
def _qelib1_inline() -> dict:
    from qfusion.qasm.parser import Parser
    path = os.path.join(os.path.dirname(__file__), "qelib1.inc")
    with open(path, encoding="utf-8") as handle:
        parser = Parser(handle.read(), "qelib1.inc", default_version=2)
    return {s.name: s for s in parser.statements() if isinstance(s, GateDef) and s.name in qasm2.INLINE}


@functools.lru_cache(maxsize=256)
def _canonical(name: str, version: int):
    from qfusion.qasm.parser import Parser
    text = definitions.canonical_text(name, version)
    if text is None:
        return None
    header = "OPENQASM 3;" if version >= 3 else "OPENQASM 2.0;"
    definition = next(iter(Parser(header + text).statements()))
    return _normalized(definition)


def _normalized(definition: GateDef) -> list:
    names = {t.text: ("param", i) for i, t in enumerate(definition.params)}
    names.update({t.text: ("qubit", i) for i, t in enumerate(definition.qubits)})
    return [names.get(text, (kind, text)) if kind == "id" else (kind, text) for kind, text in definition.tokens]


def _shadowable(entry: GateEntry) -> bool:
    """Whether a program may define its own gate of this name: the gates Qiskit's ``qelib1.inc``
    adds to the specification's (``sx``, ``cu``, ``rzz``, ...) give way to a program's definition."""
    return (entry.kind in ("library", "inline") and entry.origin == "qelib1.inc"
            and entry.name not in qasm2.SPECIFICATION)


def _called_names(body) -> list:
    """Every gate call in a body, including those inside loops and blocks (iteratively)."""
    found, stack = [], list(body)
    while stack:
        statement = stack.pop()
        if isinstance(statement, GateCall):
            found.append(statement)
        elif isinstance(statement, (For, Block)):
            stack.extend(statement.body)
        elif isinstance(statement, If):
            stack.extend(statement.then_body + (statement.else_body or []))
    return found


def inverse_gate(gate, memo: dict):
    """``gate.inverse()``, but a sub-gate shared by several definitions is inverted once (``memo``
    maps ``id(gate)`` to ``(gate, inverse)``); the IR's ``CircuitGate.inverse`` inverts it once per
    use, which is exponential work for definitions that call each other twice.

    >>> from qfusion.circuit import Circuit
    >>> inner = CircuitGate(Circuit(1).s(0), "s_gate")
    >>> outer = CircuitGate(Circuit(1).append(inner, [0]).append(inner, [0]), "twice")
    >>> inverse_gate(outer, {}) == outer.inverse()
    True
    """
    if isinstance(gate, ControlledGate) and isinstance(gate.base, (CircuitGate, ControlledGate)):
        return ControlledGate(inverse_gate(gate.base, memo), gate.num_ctrl_qubits, gate.ctrl_state)
    if not isinstance(gate, CircuitGate):
        return gate.inverse()
    known = memo.get(id(gate))
    if known is not None and known[0] is gate:
        return known[1]
    definition = gate.definition
    inverse = Circuit(definition.num_qubits, global_phase=-definition.global_phase)
    inverse.instructions = [inst if isinstance(inst.operation, BarrierOp)
                            else replace(inst, operation=inverse_gate(inst.operation, memo))
                            for inst in reversed(definition.instructions)]
    result = CircuitGate(inverse, gate.name + "_dg")
    memo[id(gate)] = (gate, result)
    return result


class GateCalls:
    """Mixin of the interpreter: the gate table, gate definitions and gate calls.

    >>> from qfusion.qasm.interpreter import Context, Interpreter
    >>> from qfusion.qasm.parser import Parser
    >>> interpreter = Interpreter()
    >>> _ = interpreter.run(Parser('include "stdgates.inc"; qubit[2] q; bit[2] c;').statements())
    >>> context = Context(interpreter.globals, interpreter.main)
    >>> interpreter.execute(Parser("gate bell a, b { h a; cx a, b; } bell q[0], q[1];").statements(), context)
    >>> [inst.name for inst in interpreter.main.instructions]
    ['bell']
    """

    def __init__(self):
        self.gates: dict[str, GateEntry] = {
            "U": GateEntry("U", "builtin", 3, 1, lambda *p: StandardGate("u", p), origin="built in")}
        if self.version < 3:
            self.gates["CX"] = GateEntry("CX", "builtin", 0, 2, lambda: StandardGate("cx"), origin="built in")
        self._libraries: set[str] = set()
        self._circuit_gates: dict = {}
        self._sizes: dict[int, tuple] = {}
        self._inverses: dict[int, tuple] = {}
        self._fixed: dict[str, object] = {}
        self._gate_depth = 0

    # -- libraries and definitions -------------------------------------------------------------
    def include_library(self, statement) -> None:
        """Make the gates of a standard library (``qelib1.inc``, ``stdgates.inc``) callable.

        >>> from qfusion.qasm.interpreter import Interpreter
        >>> from qfusion.qasm.parser import Parser
        >>> interpreter = Interpreter()
        >>> "h" in interpreter.gates
        False
        >>> interpreter.include_library(next(Parser('include "stdgates.inc";').statements()))
        >>> interpreter.gates["h"].kind, interpreter.gates["ccx"].num_qubits
        ('library', 3)
        """
        path = statement.path
        if path in self._libraries:
            return
        self._libraries.add(path)
        self.forget_fast_calls()
        table = qasm2.LIBRARY if path == "qelib1.inc" else qasm3.LIBRARY
        entries = [GateEntry(name, "library", *spec, origin=path) for name, spec in table.items()]
        if path == "qelib1.inc":
            entries += [GateEntry(name, "inline", len(d.params), len(d.qubits), definition=d, origin=path)
                        for name, d in _qelib1_inline().items()]
        for entry in entries:
            existing = self.gates.get(entry.name)
            if existing is not None and (existing.kind in ("library", "inline", "builtin") or (
                    path == "qelib1.inc" and entry.name not in qasm2.SPECIFICATION)):
                continue  # (a program's own definition of an extension of qelib1.inc stays)
            if existing is not None:
                raise statement.token.error(f"gate '{entry.name}' of {path} is already defined ({existing.origin})")
            self.gates[entry.name] = entry

    def gate_definition(self, definition: GateDef, context) -> None:
        """Register a program's ``gate`` definition (a standard gate's definition is recognised as that gate).

        >>> from qfusion.qasm.interpreter import Context, Interpreter
        >>> from qfusion.qasm.parser import Parser
        >>> interpreter = Interpreter()
        >>> _ = interpreter.run(Parser('include "stdgates.inc"; qubit[2] q; bit[2] c;').statements())
        >>> context = Context(interpreter.globals, interpreter.main)
        >>> *_, definition = Parser("gate bell a, b { h a; cx a, b; }").statements()
        >>> interpreter.gate_definition(definition, context)
        >>> interpreter.gates["bell"].kind, interpreter.gates["bell"].num_qubits
        ('defined', 2)
        >>> interpreter.gate_definition(definition, context)
        Traceback (most recent call last):
            ...
        qfusion.errors.QasmError: 1:1: gate 'bell' is already defined (at 1:1)
        """
        name, token = definition.name, definition.token
        existing = self.gates.get(name)
        if existing is not None and not _shadowable(existing):
            raise token.error(f"gate '{name}' is already defined ({existing.origin})")
        if name in self.qregs or name in self.cregs or name in self.globals.names:
            raise token.error(f"'{name}' is already declared as a register or variable")
        seen = set()
        for formal in definition.params + definition.qubits:
            if formal.text in seen:
                raise formal.error(f"'{formal.text}' is used twice in the definition of gate '{name}'")
            seen.add(formal.text)
        for call in _called_names(definition.body):
            if call.name == name:
                raise call.token.error(f"gate '{name}' cannot call itself (recursive gate definitions "
                                       f"are not allowed)")
            if call.name not in self.gates and not (call.name == "gphase" and self.version >= 3):
                raise call.token.error(self._unknown_gate(call.name))
        where = f"at {token.filename + ':' if token.filename else ''}{token.line}:{token.column}"
        entry = self._recognized(definition, where)
        self.forget_fast_calls()
        self.gates[name] = entry or GateEntry(name, "defined", len(definition.params), len(definition.qubits),
                                              definition=definition, origin=where)

    def _recognized(self, definition: GateDef, where: str) -> GateEntry | None:
        expected = _canonical(definition.name, self.version)
        if expected is None or _normalized(definition) != expected:
            return None
        for call in _called_names(definition.body):
            entry = self.gates.get(call.name)
            if call.name != "gphase" and (entry is None or entry.kind not in ("library", "builtin", "recognized")):
                return None
        num_params, num_qubits, builder = definitions.standard_gate_for(definition.name)
        return GateEntry(definition.name, "recognized", num_params, num_qubits, builder, definition, where)

    def _unknown_gate(self, name: str) -> str:
        if self.version >= 3 and name in qasm3.LIBRARY and "stdgates.inc" not in self._libraries:
            return f"unknown gate '{name}' (missing include \"stdgates.inc\";?)"
        if self.version < 3 and name in qasm2.LIBRARY and "qelib1.inc" not in self._libraries:
            return f"unknown gate '{name}' (missing include \"qelib1.inc\";?)"
        return f"unknown gate '{name}'"

    # -- calls ---------------------------------------------------------------------------------
    def gate_call(self, call: GateCall, context) -> None:
        """Apply a gate call (with its modifiers, parameters and broadcast operands) in ``context``.

        >>> from qfusion.qasm.interpreter import Context, Interpreter
        >>> from qfusion.qasm.parser import Parser
        >>> interpreter = Interpreter()
        >>> _ = interpreter.run(Parser('include "stdgates.inc"; qubit[2] q; bit[2] c;').statements())
        >>> context = Context(interpreter.globals, interpreter.main)
        >>> *_, call = Parser("ctrl @ x q[0], q[1];").statements()
        >>> interpreter.gate_call(call, context)
        >>> [(inst.name, inst.qubits) for inst in interpreter.main.instructions]
        [('cx', (0, 1))]
        """
        name = call.name
        if name == "gphase" and self.version >= 3:
            return self._gphase(call, context)
        if name in self.subroutines:
            return self.call_statement(call, context)
        if name in self.evaluator.externs and self.version >= 3:
            return self.extern_statement(call, context)
        entry = self.gates.get(name)
        if entry is None:
            raise call.token.error(self._unknown_gate(name))
        if len(call.args) != entry.num_params:
            raise call.token.error(f"gate '{name}' takes {entry.num_params} parameter(s), got {len(call.args)}")
        number, scope = self.evaluator.number, context.scope
        try:
            args = [number(a, scope, f"parameter {i + 1} of '{name}'") for i, a in enumerate(call.args)]
        except QasmError:
            dynamic = self.runtime_args(call, context)   # parameters computed from measured bits, per shot
            if dynamic is None:
                raise
            args, runtime = dynamic
        else:
            runtime = ()
        if any(is_symbolic(a) for a in args):  # big parameter expressions cost in proportion to their size
            self.budget.charge(sum(self.evaluator.track(a)[1] for a in args), call.token)
        modifiers = self._modifiers(call, context) if call.modifiers else ()
        expected = entry.num_qubits + sum(v for kind, v, _ in modifiers if kind in ("ctrl", "negctrl"))
        if len(call.operands) != expected:
            raise call.token.error(f"gate '{name}' acts on {expected} qubit(s), got {len(call.operands)}")
        rows = self._broadcast(call, context)
        if not modifiers and not runtime and (entry.kind == "inline" or (
                entry.kind == "defined" and self.inline_gates and context.target is self.main)):
            return self._inline(self._circuit_gate(entry, args, call.token), rows, context, call.token)
        gate = self._gate(entry, args, call.token)
        for kind, value, token in reversed(modifiers):  # the modifier next to the gate applies first
            gate = self._modified(gate, kind, value, token)
        self.budget.charge(self._expanded_size(gate) * len(rows), call.token)
        append, condition = context.target.instructions.append, context.condition
        if runtime:
            gate = DynamicGate(gate, runtime)
        for row in rows:
            append(Instruction(gate, row, (), condition))

    def _inline(self, gate: CircuitGate, rows: list[tuple], context, token) -> None:
        """Copy the body of ``gate`` onto each row of qubits, expanding the gates defined in it
        (its size is known before anything is copied)."""
        self.budget.charge(self._expanded_size(gate) * len(rows), token)
        for row in rows:
            self._flatten(gate, row, context.target, context.condition)

    def _flatten(self, gate: CircuitGate, row: tuple, target: Target, condition) -> None:
        definition = gate.definition
        append = target.instructions.append
        for inst in definition.instructions:
            qubits = tuple(row[q] for q in inst.qubits)
            if isinstance(inst.operation, CircuitGate):
                self._flatten(inst.operation, qubits, target, condition)
            else:
                append(Instruction(inst.operation, qubits, (), condition))
        if is_symbolic(definition.global_phase) or definition.global_phase != 0:
            target.add_phase(definition.global_phase)

    def _modified(self, gate, kind: str, value, token):
        try:
            if kind == "ctrl":
                return gate.control(value)
            if kind == "negctrl":
                return gate.control(value, 0)
            if kind == "pow":
                return gate.power(value)
            return self._inverted(gate, token)
        except CircuitError as exc:
            raise token.error(f"cannot apply '{kind}' to '{gate.name}': {exc}") from None

    def _modifiers(self, call: GateCall, context) -> list:
        values = []
        for modifier in call.modifiers:
            kind, arg, token = modifier.kind, modifier.arg, modifier.token
            if kind == "inv":
                if arg is not None:
                    raise token.error("'inv' takes no argument")
                values.append((kind, None, token))
            elif kind == "pow":
                values.append((kind, self.evaluator.number(arg, context.scope, "the exponent of 'pow'"), token))
            else:
                count = 1 if arg is None else self.evaluator.integer(arg, context.scope, f"the argument of '{kind}'")
                if count < 1:
                    raise token.error(f"'{kind}({count})' needs at least one control qubit")
                values.append((kind, count, token))
        return values

    def _broadcast(self, call: GateCall, context) -> list[tuple]:
        lists = [self.qubits_of(operand, context) for operand in call.operands]
        sizes = {len(qubits) for qubits, single in lists if not single}
        if len(sizes) > 1:
            raise call.token.error(f"'{call.name}' cannot broadcast over registers of different sizes "
                                   f"({', '.join(map(str, sorted(sizes)))})")
        count = sizes.pop() if sizes else 1
        rows = [tuple(qubits[0] if single else qubits[i] for qubits, single in lists) for i in range(count)]
        for row in rows:
            if len(set(row)) != len(row):
                duplicate = next(q for q in row if row.count(q) > 1)
                label = (next(n for n, q in context.qubits.items() if q == duplicate)
                         if context.qubits is not None else self.label(duplicate))
                raise call.token.error(f"'{call.name}' is applied to {label} more than once")
        return rows

    def _gate(self, entry: GateEntry, args: list, token):
        if entry.kind in ("defined", "inline"):
            return self._circuit_gate(entry, args, token)
        if not args:
            gate = self._fixed.get(entry.name)
            if gate is None:
                gate = self._fixed[entry.name] = entry.builder()
            return gate
        try:
            return entry.builder(*args)
        except CircuitError as exc:
            raise token.error(f"gate '{entry.name}': {exc}") from None

    def _circuit_gate(self, entry: GateEntry, args: list, token) -> CircuitGate:
        key = (entry.name, tuple(args))
        gate = self._circuit_gates.get(key)
        if gate is None:
            target = Target()
            self._run_definition(entry, args, list(range(entry.num_qubits)), target, None, token)
            definition = Circuit(entry.num_qubits, global_phase=target.phase)
            definition.instructions = target.instructions
            gate = self._circuit_gates[key] = CircuitGate(definition, entry.name)
            self._sizes[id(gate)] = (gate, max(1, sum(self._expanded_size(i.operation) for i in target.instructions)))
        return gate

    def _run_definition(self, entry: GateEntry, args, qubits, target: Target, condition, token) -> None:
        from qfusion.qasm.interpreter import Context
        self._gate_depth += 1
        try:
            if self._gate_depth > self.limits.max_gate_depth:
                raise token.error(f"gate calls nested more than {self.limits.max_gate_depth} levels deep "
                                  f"(calling '{entry.name}')")
            definition = entry.definition
            scope = Scope(self.globals, is_gate=True)
            for formal, value in zip(definition.params, args, strict=False):
                scope.names[formal.text] = Variable(value, "param", formal)
            names = {formal.text: qubit for formal, qubit in zip(definition.qubits, qubits, strict=False)}
            self.execute(definition.body, Context(scope, target, condition, names))
        finally:
            self._gate_depth -= 1

    def _inverted(self, gate, token):
        """``gate.inverse()``, each distinct gate defined in the program inverted only once."""
        if isinstance(gate, CircuitGate) and id(gate) not in self._inverses:
            self.budget.charge(self._expanded_size(gate), token)
        inverse = inverse_gate(gate, self._inverses)
        if isinstance(inverse, CircuitGate):
            self._sizes[id(inverse)] = (inverse, self._expanded_size(gate))
        return inverse

    def _expanded_size(self, gate) -> int:
        """How many instructions ``gate`` stands for once its definitions are expanded."""
        while isinstance(gate, (ControlledGate, InverseGate, PowerGate)):
            gate = gate.base
        if not isinstance(gate, CircuitGate):
            return 1
        known = self._sizes.get(id(gate))
        if known is not None and known[0] is gate:
            return known[1]
        size = max(1, sum(self._expanded_size(i.operation) for i in gate.definition.instructions))
        self._sizes[id(gate)] = (gate, size)
        return size

    def _gphase(self, call: GateCall, context) -> None:
        if len(call.args) != 1:
            raise call.token.error(f"gphase takes 1 parameter (the phase), got {len(call.args)}")
        theta = self.evaluator.number(call.args[0], context.scope, "the phase of 'gphase'")
        modifiers = self._modifiers(call, context)
        controls = []
        for kind, value, _ in modifiers:
            if kind in ("ctrl", "negctrl"):
                controls.extend([kind == "ctrl"] * value)
        for kind, value, _ in reversed(modifiers):
            if kind == "inv":
                theta = -theta
            elif kind == "pow":
                theta = theta * value
        if not controls:  # a phase on some qubits is a phase on all of them
            self.budget.charge(1, call.token)
            context.target.add_phase(theta)
            return
        if len(call.operands) != len(controls):
            raise call.token.error(f"controlled 'gphase' acts on {len(controls)} control qubit(s), "
                                   f"got {len(call.operands)}")
        gate = StandardGate("p", (theta,))
        if len(controls) > 1:
            gate = gate.control(len(controls) - 1)
        append, condition, flip = context.target.instructions.append, context.condition, StandardGate("x")
        for row in self._broadcast(call, context):
            negated = [q for q, on in zip(row, controls, strict=False) if not on]
            self.budget.charge(1 + 2 * len(negated), call.token)
            for qubit in negated:
                append(Instruction(flip, (qubit,), (), condition))
            append(Instruction(gate, row, (), condition))
            for qubit in negated:
                append(Instruction(flip, (qubit,), (), condition))
