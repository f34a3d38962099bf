"""Parsing subroutines (``def``), ``return``, aliases (``let``), ``while`` and ``switch`` of OpenQASM 3.

>>> from qfusion.qasm.parser import Parser
>>> [type(s).__name__ for s in Parser('OPENQASM 3; def f(qubit q, int[8] n) -> int { return n; }').statements()]
['SubroutineDef']
"""

from __future__ import annotations

from qfusion.qasm import qasm3
from qfusion.qasm.syntax import Let, MeasureExpr, Parameter, Return, SubroutineDef, Switch, While


class SubroutineParser:
    """Mixin of :class:`~qfusion.qasm.parser.Parser`: ``def``, ``return`` and ``let``.

    >>> from qfusion.qasm.parser import Parser
    >>> definition = next(Parser("def flip(qubit a) -> bit { x a; return measure a; }").statements())
    >>> definition.name, [p.name for p in definition.params], definition.returns, [type(s).__name__ for s in definition.body]
    ('flip', ['a'], 'bit', ['GateCall', 'Return'])
    """

    def _def(self):
        stream = self.stream
        token = stream.next()
        name = self._name("subroutine")
        stream.expect("(", f"the name of subroutine '{name.text}'")
        params = []
        while not stream.at(")"):
            if params:
                stream.expect(",", "a subroutine parameter")
            params.append(self._parameter(name.text))
        stream.next()
        returns = None
        if stream.accept("->"):
            type_token = stream.expect_kind("id", "a return type after '->'")
            if type_token.text not in qasm3.CLASSICAL_TYPES:
                raise type_token.error(f"a subroutine returns a classical type, not '{type_token.text}'")
            self._designator(type_token.text)
            returns = type_token.text
        if not stream.at("{"):
            raise stream.token.error(f"expected '{{' to start the body of subroutine '{name.text}'")
        body = self.block(f"subroutine '{name.text}'")
        return SubroutineDef(token, name.text, params, returns, body)

    def _parameter(self, subroutine: str) -> Parameter:
        stream = self.stream
        token = stream.token
        if token.text == "array":
            raise token.error(f"an array parameter says whether the subroutine may change it: 'readonly "
                              f"array[...]' or 'mutable array[...]' (subroutine '{subroutine}')")
        if token.text in ("readonly", "mutable"):
            stream.next()
            array_type = self.array_type()
            return Parameter(token, "array", self._name("parameter").text, (token.text, array_type))
        if token.text in ("qubit", "qreg"):
            stream.next()
            size = self._designator("qubit parameter")
            return Parameter(token, "qubit", self._name("parameter").text, size)
        if token.text == "creg" or token.text in qasm3.CLASSICAL_TYPES:
            stream.next()
            size = self._designator(f"'{token.text}' parameter")
            return Parameter(token, "bit" if token.text == "creg" else token.text, self._name("parameter").text,
                             size)
        raise token.error(f"expected a parameter type (qubit, bit, int, uint, float, angle, bool) in "
                          f"subroutine '{subroutine}', found {token.describe()}")

    def _return(self):
        stream = self.stream
        token = stream.next()
        value = None
        if stream.at("measure"):
            measure_token = stream.next()
            value = MeasureExpr(measure_token, self.operand())
        elif not stream.at(";"):
            value = self.expression()
        stream.expect(";", "the returned value")
        return Return(token, value)

    def _let(self):
        stream = self.stream
        token = stream.next()
        name = self._name("alias")
        stream.expect("=", f"the alias name '{name.text}'")
        parts = [self.operand()]
        while stream.accept("++"):
            parts.append(self.operand())
        stream.expect(";", f"the alias '{name.text}'")
        return Let(token, name.text, parts)

    def _while(self):
        stream = self.stream
        token = stream.next()
        stream.expect("(", "'while'")
        condition = self.expression()
        stream.expect(")", "the condition")
        return While(token, condition, self.block("'while'"))

    def _switch(self):
        stream = self.stream
        token = stream.next()
        stream.expect("(", "'switch'")
        value = self.expression()
        stream.expect(")", "the switch value")
        open_token = stream.expect("{", "'switch (...)'")
        cases, default = [], None
        while not stream.accept("}"):
            if stream.token.kind == "eof":
                raise open_token.error("'{' after 'switch' is never closed")
            if default is not None:
                raise stream.token.error("'default' must be the last branch of a 'switch'")
            if stream.accept("default"):
                default = self._switch_body("'default'")
                continue
            stream.expect("case", "a branch of 'switch'")
            values = [self.expression()]
            while stream.accept(","):
                values.append(self.expression())
            cases.append((values, self._switch_body("'case'")))
        return Switch(token, value, cases, default)

    def _switch_body(self, after: str) -> list:
        if not self.stream.at("{"):
            raise self.stream.token.error(f"expected '{{' after {after}, found {self.stream.token.describe()}")
        return self.block(after)
