"""Running the syntax tree: declarations, measurements, conditions and loops, into a Circuit.

Everything in a program is known when the circuit is built except measured bits, so loops
are unrolled, constants folded and ``if`` on measured bits becomes a
:class:`~qfusion.circuit.Condition` on the instructions inside it. Gate calls are in
:mod:`qfusion.qasm.calls`.

>>> from qfusion.qasm.parser import Parser
>>> parser = Parser('OPENQASM 3; include "stdgates.inc"; qubit[2] q; for int i in [0:1] { h q[i]; }')
>>> Interpreter(parser.version).run(parser.statements()).count_ops()
{'h': 2}
"""

from __future__ import annotations

from qfusion.circuit.circuit import Circuit, Instruction, Register
from qfusion.circuit.gates import Barrier as BarrierOp
from qfusion.circuit.gates import Measure as MeasureOp
from qfusion.circuit.gates import Reset as ResetOp
from qfusion.circuit.parameter import ParameterExpression
from qfusion.errors import CircuitError, QasmError
from qfusion.qasm.arrays import ARRAY_HANDLERS, Arrays
from qfusion.qasm.calibrations import CALIBRATION_HANDLERS, Calibrations
from qfusion.qasm.calls import GateCalls, Target
from qfusion.qasm.conditions import Conditions
from qfusion.qasm.evaluate import Evaluator, Scope, Variable
from qfusion.qasm.fastcalls import FastCalls
from qfusion.qasm.limits import DEFAULT_LIMITS, Budget, Limits, position
from qfusion.qasm.pragmas import PRAGMA_HANDLERS, Pragmas
from qfusion.qasm.runtime import Runtime
from qfusion.qasm.subroutines import SUBROUTINE_HANDLERS, ControlFlow, Subroutines
from qfusion.qasm.symbols import RegisterInfo, Symbols
from qfusion.qasm.syntax import (
    Assign,
    Barrier,
    Block,
    ClassicalDecl,
    ExternDecl,
    FastCall,
    For,
    GateCall,
    GateDef,
    If,
    Include,
    Measure,
    QuantumDecl,
    RangeExpr,
    Reset,
    SetExpr,
)
from qfusion.qasm.timing import TIMING_HANDLERS, Timing


class Context:
    """Where statements run: names in scope, where instructions go, the condition they carry,
    and (inside a gate body) the gate's qubit names.

    >>> interpreter = Interpreter()
    >>> context = Context(interpreter.globals, interpreter.main)
    >>> inner = context.with_scope()
    >>> inner.scope.parent is context.scope, inner.target is context.target
    (True, True)
    """
    __slots__ = ("scope", "target", "condition", "qubits")

    def __init__(self, scope, target, condition=None, qubits=None):
        self.scope, self.target, self.condition, self.qubits = scope, target, condition, qubits

    def with_scope(self, scope=None, condition=False):
        """The same context in a new scope (default: a child of this one), with ``condition`` if given.

        >>> from qfusion.qasm.evaluate import Scope
        >>> context = Context(Scope(), target=None, condition="c == 1")
        >>> context.with_scope().condition, context.with_scope(condition=None).condition
        ('c == 1', None)
        """
        return Context(scope if scope is not None else Scope(self.scope), self.target,
                       self.condition if condition is False else condition, self.qubits)


class Interpreter(Symbols, GateCalls, Conditions, FastCalls, Subroutines, ControlFlow, Timing, Runtime, Pragmas,
                  Calibrations, Arrays):
    """Builds a :class:`Circuit` from the statements of one program.

    >>> from qfusion.qasm.parser import Parser
    >>> circuit = Interpreter().run(Parser('include "stdgates.inc"; qubit[2] q; h q[0]; cx q[0], q[1];').statements())
    >>> circuit.num_qubits, circuit.count_ops()
    (2, {'h': 1, 'cx': 1})
    """

    def __init__(self, version: int = 3, limits: Limits = DEFAULT_LIMITS, inline_gates: bool = False,
                 externs: dict | None = None):
        self.version = version
        self.limits = limits
        self.inline_gates = inline_gates
        self.budget = Budget(limits.max_operations)
        self.evaluator = Evaluator(version, limits, self._describe_name)
        self.evaluator.functions = dict(externs or {})
        self.globals = Scope()
        self.qregs: dict[str, RegisterInfo] = {}
        self.cregs: dict[str, RegisterInfo] = {}
        self.angle_registers: dict[str, RegisterInfo] = {}   # angle[n] registers of measured bits
        self.num_qubits = 0
        self.num_clbits = 0
        self.main = Target()
        self._depth = 0
        self._dispatch = {kind: getattr(self, name) for kind, name in {**_HANDLERS, **SUBROUTINE_HANDLERS,
                                                                  **TIMING_HANDLERS, **PRAGMA_HANDLERS,
                                                                  **CALIBRATION_HANDLERS, **ARRAY_HANDLERS}.items()}
        Subroutines.__init__(self)
        Timing.__init__(self)
        self._fast_args: dict[str, tuple | None] = {}
        self._fast_calls: dict[str, tuple] = {}
        GateCalls.__init__(self)

    def run(self, statements) -> Circuit:
        """Run every statement and return the circuit.

        >>> from qfusion.qasm.parser import Parser
        >>> circuit = Interpreter().run(Parser("qubit[3] q; bit[2] c; qubit r; reset r;").statements())
        >>> circuit.num_qubits, circuit.num_clbits, [inst.name for inst in circuit.instructions]
        (4, 2, ['reset'])
        """
        context = Context(self.globals, self.main)
        for statement in statements:
            self.execute_one(statement, context)
        circuit = Circuit.from_registers(
            [Register(r.name, r.size) for r in self.qregs.values()],
            [Register(r.name, r.size) for r in self.cregs.values()],
            global_phase=self.main.phase)
        circuit.instructions = self.main.instructions
        return circuit

    def execute(self, statements, context: Context) -> None:
        """Run ``statements`` in ``context`` (a circuit-building error becomes a :class:`QasmError` at its statement).

        >>> from qfusion.qasm.parser import Parser
        >>> interpreter = Interpreter()
        >>> context = Context(interpreter.globals, interpreter.main)
        >>> interpreter.execute(Parser('include "stdgates.inc"; qubit[2] q; x q[1]; cx q[1], q[0];').statements(), context)
        >>> [(inst.name, inst.qubits) for inst in interpreter.main.instructions]
        [('x', (1,)), ('cx', (1, 0))]
        """
        dispatch = self._dispatch
        for statement in statements:
            self.current_context = context
            try:
                dispatch[type(statement)](statement, context)
            except CircuitError as exc:
                raise QasmError(str(exc), *position(statement.token)) from None

    def execute_one(self, statement, context: Context) -> None:
        """Run one statement in ``context``.

        >>> from qfusion.qasm.parser import Parser
        >>> interpreter = Interpreter()
        >>> context = Context(interpreter.globals, interpreter.main)
        >>> for statement in Parser("qubit q; bit c; measure q -> c;").statements():
        ...     interpreter.execute_one(statement, context)
        >>> [inst.name for inst in interpreter.main.instructions]
        ['measure']
        """
        self.current_context = context
        try:
            self._dispatch[type(statement)](statement, context)
        except CircuitError as exc:
            raise QasmError(str(exc), *position(statement.token)) from None

    def enter_block(self, token) -> None:
        """Count one more level of nesting; past ``Limits.max_nesting`` a :class:`QasmError` at ``token``.

        >>> from qfusion.qasm.lexer import tokenize
        >>> from qfusion.qasm.limits import Limits
        >>> interpreter = Interpreter(limits=Limits(max_nesting=1))
        >>> interpreter.enter_block(tokenize("{")[0])
        >>> interpreter.enter_block(tokenize("{")[0])
        Traceback (most recent call last):
            ...
        qfusion.errors.QasmError: 1:1: blocks nested too deeply (more than 1 levels, counting blocks inside gate definitions)
        """
        self._depth += 1
        if self._depth > self.limits.max_nesting:
            raise token.error(f"blocks nested too deeply (more than {self.limits.max_nesting} levels, "
                              f"counting blocks inside gate definitions)")

    def run_block(self, body, context: Context, token) -> None:
        """Run a block's ``body`` one nesting level deeper (see :meth:`enter_block`).

        >>> from qfusion.qasm.parser import Parser
        >>> interpreter = Interpreter()
        >>> context = Context(interpreter.globals, interpreter.main)
        >>> *_, block = Parser('include "stdgates.inc"; qubit q; { h q; x q; }').statements()
        >>> interpreter.execute(list(Parser('include "stdgates.inc"; qubit q;').statements()), context)
        >>> interpreter.run_block(block.body, context, block.token)
        >>> [inst.name for inst in interpreter.main.instructions]
        ['h', 'x']
        """
        self.enter_block(token)
        try:
            self.execute(body, context)
        finally:
            self._depth -= 1

    # -- operands ------------------------------------------------------------------------------
    def qubits_of(self, operand, context: Context) -> tuple[list[int], bool]:
        """The qubit indices an operand names, and whether it named a single qubit.

        >>> from qfusion.qasm.parser import Parser
        >>> interpreter = Interpreter()
        >>> _ = interpreter.run(Parser("qubit[4] q; bit[2] c; qubit r;").statements())
        >>> context = Context(interpreter.globals, interpreter.main)
        >>> *_, barrier = Parser("qubit[4] q; qubit r; barrier q[1:3], q[{0, 2}], q[-1], r;").statements()
        >>> [interpreter.qubits_of(operand, context) for operand in barrier.operands]
        [([1, 2, 3], False), ([0, 2], False), ([3], True), ([4], True)]
        """
        if context.qubits is not None:
            if operand.index is not None and operand.name in context.qubits:
                raise operand.token.error(f"inside a gate definition, qubits are the gate's own arguments by name "
                                          f"({', '.join(context.qubits)}); '{operand.name}' is a single qubit and "
                                          f"cannot be indexed (a gate takes single qubits; a 'def' takes registers)")
            if operand.index is not None or operand.name not in context.qubits:
                raise operand.token.error(f"inside a gate definition, qubits are the gate's own arguments "
                                          f"by name ({', '.join(context.qubits)}); found '{operand.name}'")
            return [context.qubits[operand.name]], True
        if operand.name[0] == "$":
            return [self.physical_qubit(operand)], True
        register = self.alias(operand.name, context, "qubits") or self.qregs.get(operand.name)
        if register is None:
            kind = "a classical register" if operand.name in self.cregs else "not declared"
            raise operand.token.error(f"unknown qubit register '{operand.name}' ({kind})")
        return self._indices(register, operand, context, "qubit")

    def clbits_of(self, operand, context: Context) -> tuple[list[int], bool]:
        """The classical bit indices an operand names, and whether it named a single bit.

        >>> from qfusion.qasm.parser import Parser
        >>> interpreter = Interpreter()
        >>> _ = interpreter.run(Parser("qubit[4] q; bit[2] c; qubit r;").statements())
        >>> context = Context(interpreter.globals, interpreter.main)
        >>> *_, measure = Parser("qubit[4] q; bit[2] c; measure q[0] -> c[1];").statements()
        >>> interpreter.clbits_of(measure.target, context), interpreter.clbits_of(measure.operand, context)
        Traceback (most recent call last):
            ...
        qfusion.errors.QasmError: 1:31: unknown classical register 'q' (a qubit register)
        >>> interpreter.clbits_of(measure.target, context)
        ([1], True)
        """
        register = self.alias(operand.name, context, "bits") or self.cregs.get(operand.name)
        if register is None:
            kind = "a qubit register" if operand.name in self.qregs else "not declared"
            raise operand.token.error(f"unknown classical register '{operand.name}' ({kind})")
        return self._indices(register, operand, context, "bit")

    def _indices(self, register: RegisterInfo, operand, context, what: str):
        index = operand.index
        if index is None:
            return list(register.indices), not register.is_array
        if not register.is_array:
            raise operand.token.error(f"'{register.name}' is a single {what} and cannot be indexed")
        if type(index).__name__ == "IndexList":
            raise index.token.error("multi-dimensional indices are not supported (a register has one dimension)")
        if isinstance(index, RangeExpr):
            positions = self.range_values(index, context, register.size)
            for p in (positions[0], positions[-1]) if positions else ():
                if not 0 <= p < register.size:
                    raise operand.token.error(f"{what} index {p} out of range for register "
                                              f"{register.name}[{register.size}]")
            return [register.indices[p] for p in positions], False
        if isinstance(index, SetExpr):
            return [register.indices[self._index(e, context, register, what)] for e in index.elements], False
        return [register.indices[self._index(index, context, register, what)]], True

    def _index(self, expr, context, register: RegisterInfo, what: str) -> int:
        value = self.evaluator.integer(expr, context.scope, f"a {what} index")
        if value < 0 and self.version >= 3:
            value += register.size
        if not 0 <= value < register.size:
            raise expr.token.error(f"{what} index {value} out of range for register "
                                   f"{register.name}[{register.size}]")
        return value

    def range_values(self, rng: RangeExpr, context, size: int | None = None) -> range:
        """The values of an inclusive OpenQASM 3 range (``size`` fills in missing ends).

        >>> from qfusion.qasm.parser import Parser
        >>> interpreter = Interpreter()
        >>> _ = interpreter.run(Parser("qubit[4] q; bit[2] c; qubit r;").statements())
        >>> context = Context(interpreter.globals, interpreter.main)
        >>> *_, loop = Parser("for int i in [0:2:6] { }").statements()
        >>> interpreter.range_values(loop.iterable, context)
        range(0, 7, 2)
        """
        evaluator, scope = self.evaluator, context.scope
        if (rng.start is None or rng.stop is None) and size is None:
            raise rng.token.error("a loop range needs a start and an end, as in [0:n]")
        start = 0 if rng.start is None else evaluator.integer(rng.start, scope, "a range start")
        stop = size - 1 if rng.stop is None else evaluator.integer(rng.stop, scope, "a range end")
        step = 1 if rng.step is None else evaluator.integer(rng.step, scope, "a range step")
        if step == 0:
            raise rng.token.error("a range step cannot be 0")
        count = (stop - start) // step + 1
        if size is None and count > self.budget.remaining():  # (a register's range is checked at its ends)
            raise rng.token.error(f"range [{start}:{step}:{stop}] has {count:,} values, too many for a loop "
                                  f"(Limits.max_operations)")
        return range(start, stop + (1 if step > 0 else -1), step)

    def label(self, qubit: int) -> str:
        """``q[2]`` for a qubit index (for error messages).

        >>> from qfusion.qasm.parser import Parser
        >>> interpreter = Interpreter()
        >>> _ = interpreter.run(Parser("qubit[4] q; bit[2] c; qubit r;").statements())
        >>> context = Context(interpreter.globals, interpreter.main)
        >>> interpreter.label(2), interpreter.label(4), interpreter.label(9)
        ('q[2]', 'r', 'qubit 9')
        """
        for register in self.qregs.values():
            if register.start <= qubit < register.start + register.size:
                return f"{register.name}[{qubit - register.start}]" if register.is_array else register.name
        return f"qubit {qubit}"

    # -- measurement, reset, barrier -----------------------------------------------------------
    def _measure(self, statement: Measure, context: Context) -> None:
        qubits, _ = self.qubits_of(statement.operand, context)
        clbits, _ = self.clbits_of(statement.target, context)
        self._measure_pairs(qubits, clbits, statement.token, context)

    def _measure_pairs(self, qubits, clbits, token, context: Context) -> None:
        if context.qubits is not None:
            raise token.error("'measure' is not allowed inside a gate definition")
        if len(qubits) != len(clbits):
            raise token.error(f"cannot measure {len(qubits)} qubit(s) into {len(clbits)} bit(s): "
                              f"the sizes must match")
        self.budget.charge(len(qubits), token)
        append = context.target.instructions.append
        measure = MeasureOp()
        for qubit, clbit in zip(qubits, clbits, strict=False):
            append(Instruction(measure, (qubit,), (clbit,), context.condition))

    def _reset(self, statement: Reset, context: Context) -> None:
        qubits, _ = self.qubits_of(statement.operand, context)
        self.budget.charge(len(qubits), statement.token)
        reset = ResetOp()
        for qubit in qubits:
            context.target.instructions.append(Instruction(reset, (qubit,), (), context.condition))

    def _barrier(self, statement: Barrier, context: Context) -> None:
        if statement.operands:
            qubits = []
            for operand in statement.operands:
                qubits.extend(self.qubits_of(operand, context)[0])
            qubits = list(dict.fromkeys(qubits))
        elif context.qubits is not None:
            qubits = list(context.qubits.values())
        else:
            qubits = list(range(self.num_qubits))
        if qubits:
            self.budget.charge(1, statement.token)
            context.target.instructions.append(
                Instruction(BarrierOp(len(qubits)), tuple(qubits), (), context.condition))

    # -- control flow --------------------------------------------------------------------------
    def _block(self, statement: Block, context: Context) -> None:
        self.run_block(statement.body, context.with_scope(), statement.token)

    def _for(self, statement: For, context: Context) -> None:
        iterable = statement.iterable
        if isinstance(iterable, RangeExpr):
            if self.runtime_for(statement, context):
                return
            values = self.range_values(iterable, context)
        elif isinstance(iterable, SetExpr):
            values = [self.evaluator.value(e, context.scope) for e in iterable.elements]
        else:
            raise statement.token.error("a 'for' loop runs over a range [a:b] or a set {a, b, ...}")
        minimum = len(values) * (1 + self._minimum_cost(statement.body, context))
        if minimum > self.budget.remaining():
            raise statement.token.error(f"loop of {len(values):,} iterations unrolls to at least {minimum:,} "
                                        f"operations, more than the limit of {self.limits.max_operations:,} "
                                        f"(Limits.max_operations)")
        scope = Scope(context.scope)
        inner = context.with_scope(scope)
        names, variable, token, body = scope.names, statement.variable, statement.token, statement.body
        self.enter_block(token)
        try:
            for value in values:
                self.budget.charge(1, token, "the loop")
                names.clear()  # each iteration starts a fresh scope holding only the loop variable
                names[variable] = Variable(value, "loop", token)
                self.execute(body, inner)
                self.release_scope_bits(names)
        finally:
            self._depth -= 1

    def _minimum_cost(self, body, context: Context) -> int:
        """A lower bound on the operations ``body`` runs (so that nested loops too large for the
        budget are refused before they start)."""
        total = 0
        for statement in body:
            kind = type(statement)
            if kind in (GateCall, FastCall, Measure, Reset, Barrier):
                total += 1
            elif kind is Block:
                total += self._minimum_cost(statement.body, context)
            elif kind is For and isinstance(statement.iterable, (RangeExpr, SetExpr)):
                try:  # bounds may use variables of enclosing loops: then nothing is known
                    iterable = statement.iterable
                    count = (len(self.range_values(iterable, context)) if isinstance(iterable, RangeExpr)
                             else len(iterable.elements))
                except QasmError:
                    count = 0
                if count:
                    total += count * (1 + self._minimum_cost(statement.body, context))
        return total

    def _if(self, statement: If, context: Context) -> None:
        try:
            measured = self.condition_of(statement.condition, context)
        except QasmError as exc:   # not one condition on bits: in OpenQASM 3, a branch taken at run time
            if self.version < 3 or "cannot be expressed" not in exc.message:
                raise
            measured = False
        if not measured or (statement.else_body and len(measured[0]) != 1):
            dynamic = self.runtime_expr(statement.condition, context)
            if dynamic is not None:
                return self.runtime_if(statement, dynamic, context)
            measured = measured or None
        if measured is None:
            value = self.evaluator.value(statement.condition, context.scope)
            if isinstance(value, ParameterExpression):
                raise statement.condition.token.error("a condition cannot depend on an input parameter")
            body = statement.then_body if value else statement.else_body
            if body:
                self.run_block(body, context.with_scope(), statement.token)
            return
        if context.qubits is not None:
            raise statement.token.error("conditions on measured bits are not allowed inside gate definitions")
        clbits, value = measured
        then_condition = self.combine(context.condition, clbits, value)
        if then_condition is not None:
            self.run_block(statement.then_body, context.with_scope(condition=then_condition), statement.token)
        if statement.else_body:
            if len(clbits) != 1:
                raise statement.token.error("'else' after a comparison of several bits cannot be expressed "
                                            "as one condition; compare single bits instead")
            else_condition = self.combine(context.condition, clbits, 1 - value)
            if else_condition is not None:
                self.run_block(statement.else_body, context.with_scope(condition=else_condition),
                               statement.token)

    def _extern(self, statement: ExternDecl, context: Context) -> None:
        self._check_new_name(statement.token, statement.name)
        if statement.name in self.evaluator.externs:
            raise statement.token.error(f"extern '{statement.name}' is already declared")
        function = self.evaluator.functions.get(statement.name)
        self.evaluator.externs[statement.name] = (statement.num_args, function)

    def _include(self, statement: Include, context: Context) -> None:
        self.include_library(statement)

    # -- names ---------------------------------------------------------------------------------
    def _describe_name(self, name: str) -> str | None:
        if name in self.cregs:
            return (f"'{name}' is a classical register: its value is only known when the circuit runs "
                    f"(it can only be compared in an 'if' condition)")
        if name in self.qregs:
            return f"'{name}' is a qubit register, not a value"
        if name in self.gates:
            return f"'{name}' is a gate, not a value"
        return None


_HANDLERS = {Include: "_include", QuantumDecl: "_quantum_decl", ClassicalDecl: "_classical_decl",
             GateDef: "gate_definition", GateCall: "gate_call", Measure: "_measure", Reset: "_reset",
             Barrier: "_barrier", Assign: "_assign", If: "_if", For: "_for", Block: "_block", FastCall: "fast_call",
             ExternDecl: "_extern"}
