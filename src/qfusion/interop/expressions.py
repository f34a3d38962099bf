"""Read the text of another SDK's parameter expression into a qfusion expression, without sympy.

Qiskit prints expressions as ``2*theta + phi/3``, ``sin(a)**2``, ``(-0.5)*x`` ...; parameter
names may contain characters that are not identifiers (``v[0]``, ``θ_1``, even spaces), so
the parser is told the names to expect and matches them longest first.

>>> parse_expression("2*theta + v[1]/3", ["theta", "v[1]"])
ParameterExpression('2.0*theta + v[1]/3.0')
>>> round(parse_expression("atan(0.5)**2", []), 6)
0.214969
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from qfusion.circuit.parameter import Parameter, ParameterExpression, apply
from qfusion.errors import ParameterError

# function names as other SDKs print them -> qfusion's names
_FUNCTIONS = {
    "sin": "sin", "cos": "cos", "tan": "tan", "exp": "exp", "log": "ln", "ln": "ln", "sqrt": "sqrt",
    "asin": "arcsin", "acos": "arccos", "atan": "arctan",
    "arcsin": "arcsin", "arccos": "arccos", "arctan": "arctan",
}
_CONSTANTS = {"pi": math.pi, "π": math.pi, "E": math.e}
_NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_WORD = re.compile(r"[A-Za-z_]\w*")


def parse_expression(text: str, parameter_names: Iterable[str]) -> ParameterExpression | float:
    """Parse ``+ - * / **``, parentheses, numbers, ``pi`` and the usual functions over the named parameters.

    Returns a float when the text has no parameter. Raises :class:`ParameterError` on anything else
    (complex numbers, ``abs``, ``sign``, ...), so that a conversion is never silently wrong.

    >>> parse_expression("-(a - 1)**2", ["a"]).bind({"a": 3.0})
    -4.0
    """
    parser = _Parser(text, sorted(parameter_names, key=len, reverse=True))
    value = parser.expression()
    parser.skip_spaces()
    if parser.pos != len(text):
        parser.fail("unexpected text")
    return value


class _Parser:
    """Recursive descent over ``expr := term (+|- term)*; term := unary (*|/ unary)*;
    unary := -unary | power; power := atom (** unary)?``."""

    def __init__(self, text: str, names: list[str]):
        self.text = text
        self.names = names
        self.pos = 0

    def fail(self, what: str):
        raise ParameterError(f"cannot read parameter expression {self.text!r}: {what} at "
                             f"position {self.pos}")

    def skip_spaces(self):
        while self.pos < len(self.text) and self.text[self.pos] == " ":
            self.pos += 1

    def take(self, token: str) -> bool:
        self.skip_spaces()
        if self.text.startswith(token, self.pos):
            self.pos += len(token)
            return True
        return False

    def expression(self):
        value = self.term()
        while True:
            if self.take("+"):
                value = value + self.term()
            elif self.take("-"):
                value = value - self.term()
            else:
                return value

    def term(self):
        value = self.unary()
        while True:
            if self.text.startswith("**", self._next()):
                return value
            if self.take("*"):
                value = value * self.unary()
            elif self.take("/"):
                value = value / self.unary()
            else:
                return value

    def _next(self) -> int:
        self.skip_spaces()
        return self.pos

    def unary(self):
        if self.take("-"):
            value = self.unary()
            return -value
        if self.take("+"):
            return self.unary()
        return self.power()

    def power(self):
        base = self.atom()
        if self.take("**"):
            return base ** self.unary()
        return base

    def atom(self):
        self.skip_spaces()
        if self.take("("):
            value = self.expression()
            if not self.take(")"):
                self.fail("expected ')'")
            return value
        for name in self.names:  # longest first, so "ab" is not read as "a"
            if self.text.startswith(name, self.pos) and not _continues_word(self.text, self.pos + len(name), name):
                self.pos += len(name)
                return Parameter(name)
        number = _NUMBER.match(self.text, self.pos)
        if number:
            self.pos = number.end()
            if self.text.startswith(("i", "j", "I"), self.pos):
                self.fail("complex numbers are not supported")
            return float(number.group())
        word = _WORD.match(self.text, self.pos)
        if word is None:
            self.fail("expected a number, a parameter or '('")
        name = word.group()
        self.pos = word.end()
        if name in _CONSTANTS:
            return _CONSTANTS[name]
        if name not in _FUNCTIONS:
            self.fail(f"unknown name or function {name!r}")
        if not self.take("("):
            self.fail(f"expected '(' after {name}")
        argument = self.expression()
        if not self.take(")"):
            self.fail("expected ')'")
        return apply(_FUNCTIONS[name], argument)


def _continues_word(text: str, end: int, name: str) -> bool:
    """Whether a match of ``name`` ending at ``end`` is only the prefix of a longer identifier."""
    return bool(name[-1:].isalnum() or name[-1:] == "_") and end < len(text) and (
        text[end].isalnum() or text[end] == "_")
