"""Applying simple gate calls without a syntax tree: the fast path of large files.

A :class:`~qfusion.qasm.syntax.FastCall` is one gate call on indexed qubits, kept as text.
When its gate is a library gate, its parameters are numbers (or constant expressions, read once
per distinct text) and its qubits are in range and distinct, the instruction is appended at once;
anything else takes the ordinary path (:meth:`GateCalls.gate_call` on the parsed call), which
also gives the error messages.

>>> from qfusion.qasm import loads
>>> loads('OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; rz(pi/2) q[1]; cx q[0], q[1];').count_ops()
{'rz': 1, 'cx': 1}
"""

from __future__ import annotations

import re

from qfusion.circuit.circuit import Instruction
from qfusion.errors import CircuitError, QasmError
from qfusion.qasm.evaluate import CONSTANTS_V2, CONSTANTS_V3
from qfusion.qasm.parser import expand_call

_PARTS = re.compile(r"(\w+)(?:\((.*)\))?[ \t]+(.*);")
_OPERAND = re.compile(r"(\w+)\[([0-9]+)\]")
_WORD = re.compile(r"[A-Za-z_]\w*")
_NUMBER = r"[ \t]*-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?[ \t]*"
_NUMBERS = re.compile(f"{_NUMBER}(?:,{_NUMBER})*")
_INT = re.compile(r"[ \t]*-?[0-9]+[ \t]*")
_FUNCTIONS_V2 = frozenset({"sin", "cos", "tan", "exp", "ln", "sqrt"})
_FUNCTIONS_V3 = _FUNCTIONS_V2 | {"arcsin", "arccos", "arctan", "log", "floor", "ceiling", "mod", "pow"}
_FAST_KINDS = frozenset({"library", "builtin", "recognized"})
_MEMO_SIZE = 1 << 16
_new = object.__new__
_LARGE = 2.0**63


class FastCalls:
    """Mixin of the interpreter: :class:`FastCall` statements.

    >>> from qfusion.qasm.interpreter import Context, Interpreter
    >>> from qfusion.qasm.parser import Parser
    >>> interpreter = Interpreter()
    >>> context = Context(interpreter.globals, interpreter.main)
    >>> statements = list(Parser('include "stdgates.inc"; qubit[2] q; cx q[0], q[1];', calls=True).statements())
    >>> [type(s).__name__ for s in statements]
    ['Include', 'QuantumDecl', 'FastCall']
    >>> interpreter.execute(statements, context)
    >>> interpreter.main.instructions
    [Instruction(Gate('cx'), qubits=(0, 1))]
    """

    def fast_call(self, statement, context) -> None:
        """Apply a :class:`~qfusion.qasm.syntax.FastCall` (its resolution memoised by the call's text).

        >>> from qfusion.qasm.interpreter import Context, Interpreter
        >>> from qfusion.qasm.parser import Parser
        >>> interpreter = Interpreter()
        >>> context = Context(interpreter.globals, interpreter.main)
        >>> *setup, call = Parser('include "stdgates.inc"; qubit[2] q; rz(pi / 2) q[1];', calls=True).statements()
        >>> interpreter.execute(setup, context)
        >>> interpreter.fast_call(call, context)
        >>> interpreter.main.instructions, interpreter.main.instructions[0].operation.params
        ([Instruction(Gate('rz', 1.5708), qubits=(1,))], (1.5707963267948966,))
        """
        token = statement.token
        known = None if self.aliases_live else self._fast_calls.get(token.text)
        if known is None:
            known = self._resolved(token, context)
            if known is None:
                return self.gate_call(expand_call(statement, self.version, self.limits), context)
            if len(self._fast_calls) >= _MEMO_SIZE:
                self._fast_calls.clear()
            self._fast_calls[token.text] = known
        budget = self.budget
        budget.used += 1
        if budget.used > budget.limit:
            budget.charge(0, token)
        instruction = _new(Instruction)  # (the frozen dataclass's fields, set without its slower __init__)
        instruction.__dict__.update(operation=known[0], qubits=known[1], clbits=(), condition=context.condition)
        context.target.instructions.append(instruction)

    def forget_fast_calls(self) -> None:
        """Called when a declaration or definition changes what the text of a call means.

        >>> from qfusion.qasm.interpreter import Context, Interpreter
        >>> from qfusion.qasm.parser import Parser
        >>> interpreter = Interpreter()
        >>> interpreter.execute(Parser('include "stdgates.inc"; qubit[1] q; x q[0];', calls=True).statements(),
        ...                     Context(interpreter.globals, interpreter.main))
        >>> len(interpreter._fast_calls)
        1
        >>> interpreter.forget_fast_calls()
        >>> len(interpreter._fast_calls)
        0
        """
        self._fast_calls.clear()

    def _resolved(self, token, context):
        """``(gate, qubits)`` of a simple call, or None where the ordinary path must take it."""
        parts = _PARTS.match(token.text)
        if parts is None or context.qubits is not None or self.aliases_live:
            return None
        name, args_text, operands = parts.groups()
        entry = self.gates.get(name)
        if entry is None or entry.kind not in _FAST_KINDS:
            return None
        args = () if args_text is None else self._constant_args(args_text)
        if args is None or len(args) != entry.num_params:
            return None
        qregs, qubits = self.qregs, []
        for register_name, index in _OPERAND.findall(operands):
            register = qregs.get(register_name)
            position = int(index)
            if register is None or not register.is_array or position >= register.size:
                return None
            qubits.append(register.start + position)
        if len(qubits) != entry.num_qubits or len(set(qubits)) != len(qubits):
            return None
        if args:
            try:
                gate = entry.builder(*args)
            except CircuitError:
                return None
        else:
            gate = self._fixed.get(name)
            if gate is None:
                gate = self._fixed[name] = entry.builder()
        return gate, tuple(qubits)

    def _constant_args(self, text: str):
        """The values of a parameter list that uses only numbers, constants and functions, or None."""
        if len(text) < 200 and _NUMBERS.fullmatch(text):  # plain numbers, as most files write them
            values = tuple(int(a) if _INT.fullmatch(a) else float(a) for a in text.split(","))
            if all(-_LARGE < v < _LARGE for v in values):  # (else the ordinary path says what is wrong)
                return values
            return None
        memo = self._fast_args
        known = memo.get(text)
        if known is not None or text in memo:
            return known
        allowed = (CONSTANTS_V3.keys() | _FUNCTIONS_V3) if self.version >= 3 else (CONSTANTS_V2.keys()
                                                                                    | _FUNCTIONS_V2)
        values = None
        if all(word in allowed for word in _WORD.findall(text)) and "[" not in text:
            values = self._evaluate_args(text)
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        memo[text] = values
        return values

    def _evaluate_args(self, text: str):
        from qfusion.qasm.expressions import ExpressionParser
        from qfusion.qasm.lexer import TokenStream
        try:
            parser = ExpressionParser(TokenStream(text), self.version, self.limits)
            exprs = [parser.expression()]
            while parser.stream.accept(","):
                exprs.append(parser.expression())
            if parser.stream.token.kind != "eof":
                return None
            values = tuple(self.evaluator.number(e, self.globals, "a parameter") for e in exprs)
        except QasmError:
            return None
        return values if all(type(v) in (int, float) for v in values) else None

