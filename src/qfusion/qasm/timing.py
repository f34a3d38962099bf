"""Timing in OpenQASM 3: duration literals, ``duration`` and ``stretch`` variables, ``delay``,
``box`` and ``durationof``, read into the IR's :mod:`qfusion.circuit.timing`.

Durations fold as the program is read (``2 * 50ns`` is ``100ns``); a stretch, or the duration of
a block (``durationof({x q;})``, known only on a device), stays symbolic in a
:class:`~qfusion.circuit.timing.TimeExpression` that a scheduler resolves. A ``box`` becomes a
:class:`~qfusion.circuit.timing.Box` marker before its body, so every simulator runs the body as it is.

>>> from qfusion.qasm import loads
>>> c = loads('OPENQASM 3; include "stdgates.inc"; duration d = 2 * 50ns; qubit q; x q; delay[d] q;')
>>> c.instructions[-1].operation
Delay(1, 100ns)
>>> loads('OPENQASM 3; stretch g; qubit[2] q; delay[2*g] q[1];').instructions[0].operation.duration.stretches
('g',)
"""

from __future__ import annotations

from qfusion.circuit.circuit import Instruction
from qfusion.circuit.timing import Box, Delay, Duration, DurationOf, Stretch, TimeExpression
from qfusion.errors import CircuitError
from qfusion.qasm.evaluate import Variable
from qfusion.qasm.lexer import Token
from qfusion.qasm.syntax import BoxStatement, DelayStatement, DurationOfExpr

_UNITS = ("ns", "us", "µs", "ms", "dt", "s")


def duration_value(token: Token) -> Duration:
    """The :class:`Duration` of a duration literal token (``100ns``, ``1.5us``, ``20dt``).

    >>> from qfusion.qasm.lexer import tokenize
    >>> duration_value(tokenize("1_000dt")[0])
    Duration(value=1000.0, unit='dt')
    """
    text = token.text.replace("_", "")
    for unit in _UNITS:
        if text.endswith(unit):
            return Duration(float(text[: -len(unit)]), unit)
    raise token.error(f"'{token.text}' is not a duration")


class TimingParser:
    """Mixin of :class:`~qfusion.qasm.parser.Parser`: ``delay``, ``box``, ``durationof``.

    >>> from qfusion.qasm.parser import Parser
    >>> [type(s).__name__ for s in Parser("qubit q; delay[100ns] q; box [1us] { x q; }").statements()]
    ['QuantumDecl', 'DelayStatement', 'BoxStatement']
    """

    def _delay(self):
        stream = self.stream
        token = stream.next()
        stream.expect("[", "'delay'")
        duration = self.expression()
        stream.expect("]", "the duration of the delay")
        operands = []
        if not stream.at(";"):
            operands.append(self.operand())
            while stream.accept(","):
                operands.append(self.operand())
        stream.expect(";", "the delay")
        return DelayStatement(token, duration, operands)

    def _box(self):
        stream = self.stream
        token = stream.next()
        duration = None
        if stream.accept("["):
            duration = self.expression()
            stream.expect("]", "the duration of the box")
        if not stream.at("{"):
            raise stream.token.error(f"expected '{{' to start the body of the box, found {stream.token.describe()}")
        return BoxStatement(token, duration, self.block("'box'"))

    def durationof(self, token):
        """``durationof({ ... })``; ``token`` (``durationof``) has been read.

        >>> from qfusion.qasm.parser import Parser
        >>> parser = Parser("durationof({ x q; h q; })")
        >>> expression = parser.durationof(parser.stream.next())
        >>> type(expression).__name__, [s.name for s in expression.body]
        ('DurationOfExpr', ['x', 'h'])
        """
        stream = self.stream
        stream.expect("(", "'durationof'")
        if not stream.at("{"):
            raise stream.token.error(f"'durationof' takes a block in braces, as in durationof({{x q;}}), "
                                     f"found {stream.token.describe()}")
        body = self.block("'durationof('")
        stream.expect(")", "the block of 'durationof'")
        return DurationOfExpr(token, body)


class Timing:
    """Mixin of the interpreter: delays, boxes, ``durationof`` and the time variables.

    >>> from qfusion.qasm import loads
    >>> loads('OPENQASM 3.0; qubit q; duration d = 2 * 50ns; stretch g; delay[d] q; delay[g] q;').instructions
    [Instruction(Delay(1, 100ns), qubits=(0,)), Instruction(Delay(1, 1*g), qubits=(0,))]
    """

    def __init__(self):
        self.evaluator.durationof = self._durationof

    def time_value(self, expr, context, what: str):
        """The duration (or time expression of stretches) ``expr`` has; anything else is refused as ``what``.

        >>> from qfusion.qasm.interpreter import Context, Interpreter
        >>> from qfusion.qasm.parser import Parser
        >>> interpreter = Interpreter()
        >>> context = Context(interpreter.globals, interpreter.main)
        >>> interpreter.time_value(next(Parser("duration d = 100ns + 2us;").statements()).init, context, "a delay")
        Duration(value=2.1e-06, unit='s')
        >>> interpreter.time_value(next(Parser("int n = 3;").statements()).init, context, "a delay")
        Traceback (most recent call last):
            ...
        qfusion.errors.QasmError: 1:9: a delay must be a duration (such as 100ns or a duration variable), got 3
        """
        value = self.evaluator.value(expr, context.scope)
        if isinstance(value, (Stretch, DurationOf)):
            value = value._expression()
        if not isinstance(value, (Duration, TimeExpression)):
            raise expr.token.error(f"{what} must be a duration (such as 100ns or a duration variable), "
                                   f"got {value!r}")
        return value

    def time_decl(self, decl, context) -> None:
        """``duration d = ...;``, ``const duration d = ...;`` or ``stretch s;``.

        >>> from qfusion.qasm.interpreter import Context, Interpreter
        >>> from qfusion.qasm.parser import Parser
        >>> interpreter = Interpreter()
        >>> context = Context(interpreter.globals, interpreter.main)
        >>> for text in ("duration d = 100ns + 2us;", "stretch g;"):
        ...     interpreter.time_decl(next(Parser(text).statements()), context)
        >>> interpreter.globals.lookup("d").value, interpreter.globals.lookup("g").value
        (Duration(value=2.1e-06, unit='s'), Stretch(name='g'))
        """
        if decl.modifier in ("input", "output"):
            raise decl.token.error(f"'{decl.modifier} {decl.type_name}' is not supported")
        if decl.type_name == "stretch":
            value = Stretch(decl.name) if decl.init is None else self.time_value(decl.init, context, "a stretch")
        elif decl.init is not None:
            value = self.time_value(decl.init, context, f"the value of '{decl.name}'")
        elif decl.modifier == "const":
            raise decl.name_token.error(f"constant '{decl.name}' needs a value")
        else:
            value = Duration(0.0)
        kind = "const" if decl.modifier == "const" else "var"
        context.scope.names[decl.name] = Variable(value, kind, decl.name_token)

    def _delay_statement(self, statement: DelayStatement, context) -> None:
        duration = self.time_value(statement.duration, context, "the duration of a delay")
        if statement.operands:
            qubits = []
            for operand in statement.operands:
                qubits.extend(self.qubits_of(operand, context)[0])
            qubits = list(dict.fromkeys(qubits))
        elif context.qubits is not None:
            qubits = list(context.qubits.values())
        else:
            qubits = list(range(self.num_qubits))
        if not qubits:
            return
        self.budget.charge(1, statement.token)
        try:
            delay = Delay(len(qubits), duration)
        except CircuitError as exc:
            raise statement.duration.token.error(str(exc)) from None
        context.target.instructions.append(Instruction(delay, tuple(qubits), (), context.condition))

    def _box_statement(self, statement: BoxStatement, context) -> None:
        duration = None if statement.duration is None else self.time_value(
            statement.duration, context, "the duration of a box")
        instructions = context.target.instructions
        start = len(instructions)
        self.run_block(statement.body, context.with_scope(), statement.token)
        body = instructions[start:]
        qubits = tuple(dict.fromkeys(q for inst in body for q in inst.qubits))
        if qubits:
            # (unconditioned: the marker does nothing, and a box inside an 'if' writes back as one around it)
            instructions.insert(start, Instruction(Box(len(qubits), len(body), duration), qubits))

    def _durationof(self, expr: DurationOfExpr, scope) -> TimeExpression:
        context = self.current_context
        instructions = context.target.instructions
        start = len(instructions)
        self.run_block(expr.body, context.with_scope(), expr.token)
        block = tuple(instructions[start:])
        del instructions[start:]
        return DurationOf(block)._expression()


TIMING_HANDLERS = {DelayStatement: "_delay_statement", BoxStatement: "_box_statement"}
