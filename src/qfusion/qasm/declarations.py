"""Parsing declarations: includes, registers, classical variables, constants and inputs.

>>> from qfusion.qasm.parser import Parser
>>> [type(s).__name__ for s in Parser('OPENQASM 3; const int n = 2; qubit[n] q; input float t;').statements()]
['ClassicalDecl', 'QuantumDecl', 'ClassicalDecl']
"""

from __future__ import annotations

import os

from qfusion.qasm import qasm3
from qfusion.qasm.expressions import ExpressionParser
from qfusion.qasm.lexer import TokenStream
from qfusion.qasm.syntax import ClassicalDecl, ExternDecl, Include, MeasureExpr, QuantumDecl

STANDARD_LIBRARIES = ("qelib1.inc", "stdgates.inc")


class DeclarationParser(ExpressionParser):
    """Mixin of :class:`~qfusion.qasm.parser.Parser`: the statements that declare names or bring in files.

    >>> from qfusion.qasm.parser import Parser
    >>> [(type(s).__name__, s.name) for s in Parser("qubit[2] q; const float theta = 0.5; input angle phi;").statements()]
    [('QuantumDecl', 'q'), ('ClassicalDecl', 'theta'), ('ClassicalDecl', 'phi')]
    """

    def _include(self):
        stream = self.stream
        token = stream.next()
        path_token = stream.expect_kind("string", "a file name in quotes after 'include'")
        stream.expect(";", "the include file name")
        path = path_token.text[1:-1]
        if path in STANDARD_LIBRARIES:
            return Include(token, path)
        self._open_include(token, path_token, path)
        return None

    def _open_include(self, token, path_token, path: str) -> None:
        if len(self._streams) > self.limits.max_include_depth:
            raise token.error(f"includes nested deeper than {self.limits.max_include_depth} levels")
        base = os.path.dirname(token.filename) if token.filename else os.getcwd()
        full = os.path.normpath(os.path.join(base, path))
        real = os.path.realpath(full)
        if real in self._paths:
            raise path_token.error(f"include cycle: '{path}' is already being included")
        try:
            size = os.path.getsize(full)
            if self._source_size + size > self.limits.max_source_bytes:
                raise path_token.error(f"including '{path}' exceeds the source size limit of "
                                       f"{self.limits.max_source_bytes:,} bytes (Limits.max_source_bytes)")
            with open(full, encoding="utf-8") as handle:
                text = handle.read(self.limits.max_source_bytes + 1)
        except OSError as exc:
            raise path_token.error(f"cannot read included file '{path}': {exc.strerror or exc}") from None
        except UnicodeDecodeError as exc:
            raise path_token.error(f"included file '{path}' is not UTF-8 text: {exc.reason}") from None
        self._source_size += len(text)
        stream = TokenStream(text, full, getattr(self, "calls", False))
        if stream.at("OPENQASM"):
            self.stream = stream
            version = self._read_version(self.version)
            if version != self.version:
                raise path_token.error(f"'{path}' is OpenQASM {version}, the program OpenQASM {self.version}")
        self._streams.append(stream)
        self._paths.append(real)
        self.stream = stream

    def _name(self, what: str):
        token = self.stream.expect_kind("id", f"a name for the {what}")
        if token.text in self.keywords or (self.version >= 3 and token.text in qasm3.RESERVED_NAMES):
            raise token.error(f"'{token.text}' is a reserved word and cannot name a {what}")
        return token

    def _designator(self, what: str):
        stream = self.stream
        if not stream.accept("["):
            return None
        size = self.expression()
        stream.expect("]", f"the size of the {what}")
        return size

    def _qreg(self):
        return self._old_register(quantum=True)

    def _creg(self):
        return self._old_register(quantum=False)

    def _old_register(self, quantum: bool):
        stream = self.stream
        token = stream.next()
        what = "quantum register" if quantum else "classical register"
        name = self._name(what)
        size = self._designator(what)
        if size is None and self.version < 3:
            raise stream.token.error(f"expected '[' and a size after the {what} name '{name.text}'")
        stream.expect(";", f"the {what} declaration")
        if quantum:
            return QuantumDecl(token, name.text, size, name)
        return ClassicalDecl(token, "bit", name.text, size, name_token=name)

    def _qubit(self):
        stream = self.stream
        token = stream.next()
        size = self._designator("qubit register")
        name = self._name("qubit register")
        stream.expect(";", "the qubit declaration")
        return QuantumDecl(token, name.text, size, name)

    def _classical(self, modifier: str | None = None):
        stream = self.stream
        token = stream.next()
        type_name = token.text
        if type_name not in qasm3.CLASSICAL_TYPES and type_name not in qasm3.TIME_TYPES:
            raise token.error(f"expected a type (bit, int, uint, float, angle, bool) after "
                              f"'{modifier}', found {token.describe()}")
        if type_name == "bool" and stream.at("["):
            raise stream.token.error("'bool' takes no size ('bool[n]' is not a type; write 'bit[n]')")
        size = self._designator(type_name)
        name = self._name("variable")
        init = None
        if stream.accept("="):
            if stream.at("measure"):
                measure_token = stream.next()
                init = MeasureExpr(measure_token, self.operand())
            else:
                init = self.expression()
        stream.expect(";", f"the declaration of '{name.text}'")
        return ClassicalDecl(token, type_name, name.text, size, init, modifier, name)

    _bit = _int = _uint = _float = _angle = _bool = _duration = _stretch = _classical

    def _modified_declaration(self):
        modifier = self.stream.next().text
        token = self.stream.token
        if token.kind != "id":
            raise token.error(f"expected a type after '{modifier}', found {token.describe()}")
        message = qasm3.UNSUPPORTED.get(token.text)
        if message:
            raise token.error(message)
        if token.text == "array":
            return self._array(modifier)
        return self._classical(modifier)

    _const = _input = _output = _modified_declaration

    def _extern(self):
        """``extern name(type, ...) [-> type];`` (the types are read, not checked)."""
        stream = self.stream
        token = stream.next()
        name = self._name("extern function")
        stream.expect("(", f"the name of extern '{name.text}'")
        count, depth = 0, 0
        while depth or not stream.at(")"):
            part = stream.next()
            if part.kind == "eof" or part.text == ";":
                raise part.error(f"expected ')' to close the arguments of extern '{name.text}'")
            depth += {"[": 1, "]": -1}.get(part.text, 0)
            count += 1 if count == 0 else int(part.text == "," and depth == 0)
        stream.next()
        if stream.accept("->"):
            while not stream.at(";") and stream.token.kind != "eof":
                stream.next()
        stream.expect(";", f"the declaration of extern '{name.text}'")
        return ExternDecl(token, name.text, count)
