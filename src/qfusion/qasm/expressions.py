"""Parsing OpenQASM expressions: a precedence-climbing parser with a nesting limit.

Precedence follows the OpenQASM 3 grammar (``**`` binds tighter than unary minus,
which binds tighter than ``*``); in OpenQASM 2, ``^`` is the (right-associative) power.
Recursion is bounded by ``Limits.max_expression_depth``: deeper input is a
:class:`~qfusion.errors.QasmError`, never a ``RecursionError``.

>>> from qfusion.qasm.lexer import TokenStream
>>> parser = ExpressionParser(TokenStream("-x**2 + 1"), version=3)
>>> e = parser.expression()
>>> e.op, e.left.op, e.left.operand.op
('+', '-', '**')
"""

from __future__ import annotations

from qfusion.qasm.lexer import TokenStream, float_value, int_value
from qfusion.qasm.limits import DEFAULT_LIMITS, Limits
from qfusion.qasm.syntax import Binary, Call, Index, Literal, Name, RangeExpr, SetExpr, Unary

# binding power of each binary operator (higher binds tighter)
_BINARY_V3 = {"||": 1, "&&": 2, "|": 3, "^": 4, "&": 5, "==": 6, "!=": 6, "<": 7, "<=": 7, ">": 7,
              ">=": 7, "<<": 8, ">>": 8, "+": 9, "-": 9, "*": 10, "/": 10, "%": 10, "**": 12}
_BINARY_V2 = {"==": 6, "+": 9, "-": 9, "*": 10, "/": 10, "^": 12}
_RIGHT_ASSOCIATIVE = {"**", "^"}
_UNARY_POWER = 11
_UNARY_V3 = {"-", "!", "~"}
CAST_TYPES = {"float", "int", "uint", "angle", "bool", "bit"}
_LEAVES = {"int", "float", "id"}
_CLOSERS = {")", "]", ",", ";", ":", "}"}


class ExpressionParser:
    """Parses expressions from a :class:`TokenStream`; the statement parser extends it.

    >>> from qfusion.qasm.lexer import TokenStream
    >>> tree = ExpressionParser(TokenStream("1 + 2 * 3")).expression()
    >>> tree.op, tree.right.op                   # * binds tighter than +
    ('+', '*')
    """

    def __init__(self, stream: TokenStream, version: int = 3, limits: Limits = DEFAULT_LIMITS):
        self.stream = stream
        self.version = version
        self.limits = limits
        self._depth = 0

    # -- nesting guard ---------------------------------------------------------------------
    def _enter(self, token, what: str = "expression") -> None:
        self._depth += 1
        if self._depth > self.limits.max_expression_depth:
            raise token.error(f"{what} nested too deeply (more than "
                              f"{self.limits.max_expression_depth} levels)")

    def _leave(self) -> None:
        self._depth -= 1

    def _check_depth(self, node):
        if node.depth > self.limits.max_expression_depth:
            raise node.token.error(f"expression nested too deeply (more than "
                                   f"{self.limits.max_expression_depth} levels)")
        return node

    # -- expressions -----------------------------------------------------------------------
    def expression(self, min_power: int = 0):
        """Parse one expression whose operators bind tighter than ``min_power``.

        >>> from qfusion.qasm.lexer import TokenStream
        >>> tree = ExpressionParser(TokenStream("-a ** 2")).expression()
        >>> type(tree).__name__, tree.op                # -(a ** 2), as Python reads it
        ('Unary', '-')
        """
        stream = self.stream
        token = stream.token
        if token.kind in _LEAVES and stream.peek(1).text in _CLOSERS:  # a lone number or name
            stream.next()
            if token.kind == "int":
                return Literal(token, int_value(token))
            if token.kind == "float":
                return Literal(token, float_value(token))
            if self.version >= 3 and token.text in ("true", "false"):
                return Literal(token, token.text == "true")
            return Name(token)
        self._enter(token)
        try:
            left = self._prefix()
            table = _BINARY_V3 if self.version >= 3 else _BINARY_V2
            while True:
                token = stream.token
                power = table.get(token.text) if token.kind == "op" else None
                if power is None or power <= min_power:
                    return left
                stream.next()
                right = self.expression(power - 1 if token.text in _RIGHT_ASSOCIATIVE else power)
                left = self._check_depth(Binary(token, token.text, left, right))
        finally:
            self._leave()

    def _prefix(self):
        stream = self.stream
        token = stream.next()
        kind = token.kind
        if kind == "int":
            return Literal(token, int_value(token))
        if kind == "float":
            return Literal(token, float_value(token))
        if kind == "op":
            if token.text == "(":
                inner = self.expression()
                stream.expect(")", "a parenthesised expression")
                return inner
            if token.text == "-" or (self.version >= 3 and token.text in _UNARY_V3):
                return self._check_depth(Unary(token, token.text, self.expression(_UNARY_POWER)))
        if kind == "duration" and self.version >= 3:
            from qfusion.qasm.timing import duration_value
            return Literal(token, duration_value(token))
        if kind == "imaginary":
            raise token.error(f"imaginary numbers such as '{token.text}' are not supported")
        if kind == "string" and self.version >= 3:
            return Literal(token, token.text[1:-1])
        if kind == "id":
            return self._identifier(token)
        raise token.error(f"expected an expression, found {token.describe()}")

    def _identifier(self, token):
        stream = self.stream
        if token.text == "durationof" and self.version >= 3 and hasattr(self, "durationof"):
            return self.durationof(token)
        if self.version >= 3 and token.text in ("true", "false"):
            return Literal(token, token.text == "true")
        if self.version >= 3 and token.text in CAST_TYPES and stream.at("["):
            stream.next()  # a sized cast such as float[64](x): the width does not matter here
            self.expression()
            stream.expect("]", f"the width of '{token.text}'")
            if not stream.at("("):
                raise stream.token.error(f"expected '(' after the type '{token.text}[...]'")
        if stream.at("("):
            stream.next()
            args = []
            if not stream.at(")"):
                args.append(self.expression())
                while stream.accept(","):
                    args.append(self.expression())
            stream.expect(")", f"the arguments of '{token.text}'")
            return self._check_depth(Call(token, token.text, args))
        if stream.at("["):
            return self._check_depth(Index(token, token.text, self.index()))
        return Name(token)

    def index(self):
        """``[expr]``, ``[a:b]``, ``[a:s:b]`` or ``[{a, b}]`` after a name; the ``[`` is current.

        >>> from qfusion.qasm.lexer import TokenStream
        >>> part = ExpressionParser(TokenStream("[1:2:7]")).index()
        >>> type(part).__name__, part.start.value, part.step.value, part.stop.value
        ('RangeExpr', 1, 2, 7)
        """
        stream = self.stream
        open_token = stream.expect("[", "a name")
        if stream.at("{"):
            value = self.set_expr()
        else:
            value = self.range_or_expression("]")
        if stream.at(",") and self.version >= 3:   # a[i, j] of an array
            from qfusion.qasm.arrays import IndexList
            parts, comma = [value], stream.token
            while stream.accept(","):
                parts.append(self.range_or_expression("]"))
            if any(p is None for p in parts):
                raise open_token.error("expected an index of each dimension inside '[]'")
            value = IndexList(comma, parts)
        if stream.at(","):
            raise stream.token.error("multi-dimensional indices are not supported")
        stream.expect("]", "an index")
        if value is None:
            raise open_token.error("expected an index inside '[]'")
        return value

    def range_or_expression(self, closing: str):
        """An expression, or a range ``start:stop`` / ``start:step:stop`` (parts may be empty).

        >>> from qfusion.qasm.lexer import TokenStream
        >>> [type(ExpressionParser(TokenStream(t)).range_or_expression("]")).__name__ for t in ("2:5]", "4]", ":]")]
        ['RangeExpr', 'Literal', 'RangeExpr']
        """
        stream = self.stream
        token = stream.token
        parts = []
        current = None if stream.at(":") or stream.at(closing) else self.expression()
        if not stream.at(":"):
            return current
        parts.append(current)
        while stream.accept(":"):
            parts.append(None if stream.at(":") or stream.at(closing) else self.expression())
        if len(parts) > 3:
            raise token.error("a range has at most three parts (start:step:stop)")
        if len(parts) == 2:
            return RangeExpr(token, parts[0], None, parts[1])
        return RangeExpr(token, parts[0], parts[1], parts[2])

    def set_expr(self):
        """``{a, b, c}``; the ``{`` is current.

        >>> from qfusion.qasm.lexer import TokenStream
        >>> [e.value for e in ExpressionParser(TokenStream("{0, 3, 5}")).set_expr().elements]
        [0, 3, 5]
        """
        stream = self.stream
        token = stream.expect("{", "'['")
        elements = [self.expression()]
        while stream.accept(","):
            elements.append(self.expression())
        stream.expect("}", "a set of values")
        return SetExpr(token, elements)
