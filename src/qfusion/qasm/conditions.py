"""Conditions on measured bits: ``if (c == 5)``, ``if (c[0])``, ``if (!c[1])``, nested ``if`` s.

A comparison of a register or a bit with a constant becomes a
:class:`~qfusion.circuit.Condition` (bits read little-endian, as the IR does); nested
conditions combine into one condition over the bits of both.

>>> from qfusion.circuit import Condition
>>> Conditions().combine(Condition((0,), 1), (2, 3), 2)
Condition(clbits=(0, 2, 3), value=5)
>>> Conditions().combine(Condition((0,), 1), (0,), 0) is None  # can never hold
True
"""

from __future__ import annotations

from qfusion.circuit.circuit import Condition
from qfusion.circuit.parameter import ParameterExpression
from qfusion.qasm.syntax import Binary, Call, Index, Name, RangeExpr, SetExpr, Unary

_CASTS = frozenset({"int", "uint", "bool", "bit"})


class Conditions:
    """Mixin of the interpreter: recognising and combining conditions on measured bits.

    >>> from qfusion.qasm.interpreter import Context, Interpreter
    >>> from qfusion.qasm.parser import Parser
    >>> interpreter = Interpreter()
    >>> _ = interpreter.run(Parser('include "stdgates.inc"; qubit[2] q; bit[2] c;').statements())
    >>> context = Context(interpreter.globals, interpreter.main)
    >>> *_, test = Parser("bit[2] c; if (c == 2) { }").statements()
    >>> interpreter.condition_of(test.condition, context)        # clbits (0, 1) read as 2
    ((0, 1), 2)
    """

    def condition_of(self, expr, context):
        """``(clbits, value)`` when ``expr`` tests measured bits; None when it is known statically.

        >>> from qfusion.qasm.interpreter import Context, Interpreter
        >>> from qfusion.qasm.parser import Parser
        >>> interpreter = Interpreter()
        >>> _ = interpreter.run(Parser('include "stdgates.inc"; qubit[2] q; bit[2] c;').statements())
        >>> context = Context(interpreter.globals, interpreter.main)
        >>> conditions = [s.condition for s in Parser("if (c[1]) { } if (!c[0]) { } if (1 < 2) { }").statements()]
        >>> [interpreter.condition_of(condition, context) for condition in conditions]
        [((1,), 1), ((0,), 0), None]
        """
        if isinstance(expr, Unary) and expr.op == "!":
            bits = self._bits_of(expr.operand, context)
            if bits is not None:
                return self._single(bits, expr, 0)
        bits = self._bits_of(expr, context)
        if bits is not None:
            return self._single(bits, expr, 1)
        if isinstance(expr, Binary) and expr.op in ("==", "!="):
            for side, other in ((expr.left, expr.right), (expr.right, expr.left)):
                bits = self._bits_of(side, context)
                if bits is not None:
                    return self._comparison(expr, bits, other, context)
        return None

    def _single(self, bits, expr, value):
        if len(bits) != 1:
            raise expr.token.error("a register of several bits is not a condition by itself: compare it "
                                   "with a value, as in 'c == 3'")
        return bits, value

    def _comparison(self, expr, bits, other, context):
        value = self.evaluator.value(other, context.scope)
        if isinstance(value, str):
            if len(value) != len(bits) or set(value) - {"0", "1"}:
                raise other.token.error(f'"{value}" is not a bit string of length {len(bits)}')
            value = int(value, 2)
        if isinstance(value, ParameterExpression) or not isinstance(value, int):
            raise other.token.error(f"a condition compares bits with an integer known when the circuit is "
                                    f"built, got {value!r}")
        value = int(value)
        if not 0 <= value < (1 << len(bits)):
            raise other.token.error(f"condition value {value} does not fit in {len(bits)} bit(s)")
        if expr.op == "!=":
            if len(bits) != 1:
                raise expr.token.error("'!=' on a register of several bits cannot be expressed as one "
                                       "condition; use '==' or compare single bits")
            value = 1 - value
        return bits, value

    def _bits_of(self, expr, context):
        """The classical bits ``expr`` names (a bit register or an indexed bit, or a cast of one such
        as ``int[4](c)``, ``uint(c)`` or ``bool(c[0])``: a cast reads the same bits), or None."""
        if isinstance(expr, Call) and expr.name in _CASTS and len(expr.args) == 1:
            bits = self._bits_of(expr.args[0], context)
            if bits is not None and expr.name == "bool" and len(bits) != 1:
                raise expr.token.error("bool(...) of a register of several bits is not a condition on one bit; "
                                       "compare the register with a value instead")
            return bits
        register = None
        if isinstance(expr, (Name, Index)):
            register = self.alias(expr.name, context, "bits", promote=False)
            if register is None and expr.name in self.cregs and context.scope.lookup(expr.name) is None:
                register = self.cregs[expr.name]
        if register is not None:
            if isinstance(expr, Name):
                return tuple(register.indices)
            index = expr.index
            if not register.is_array:
                raise expr.token.error(f"'{register.name}' is a single bit and cannot be indexed")
            if isinstance(index, RangeExpr):
                positions = self.range_values(index, context, register.size)
                if positions and not (0 <= positions[0] < register.size and 0 <= positions[-1] < register.size):
                    raise expr.token.error(f"bit range out of range for register "
                                           f"{register.name}[{register.size}]")
                return tuple(register.indices[p] for p in positions)
            if isinstance(index, SetExpr):
                return tuple(register.indices[self._index(e, context, register, "bit")] for e in index.elements)
            return (register.indices[self._index(index, context, register, "bit")],)
        return None

    def combine(self, outer: Condition | None, clbits, value: int) -> Condition | None:
        """``outer`` and (``clbits`` == ``value``) as one condition; None if they contradict.

        >>> from qfusion.circuit.circuit import Condition
        >>> from qfusion.qasm.interpreter import Interpreter
        >>> interpreter = Interpreter()
        >>> interpreter.combine(Condition((0,), 1), (1,), 1), interpreter.combine(Condition((0,), 1), (0,), 0)
        (Condition(clbits=(0, 1), value=3), None)
        """
        bits = list(outer.clbits) if outer is not None else []
        combined = outer.value if outer is not None else 0
        for i, bit in enumerate(clbits):
            bit_value = (value >> i) & 1
            if bit in bits:
                if (combined >> bits.index(bit)) & 1 != bit_value:
                    return None
            else:
                combined |= bit_value << len(bits)
                bits.append(bit)
        return Condition(tuple(bits), combined)
