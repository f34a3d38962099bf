"""The OpenQASM lexer: source text to tokens that know their line and column.

One lexer serves OpenQASM 2 and 3; the parser decides what a word means in each
version. Comments (``//``, ``/* */``), ``#pragma``/``pragma`` lines and ``@annotation``
lines are skipped.

>>> [(t.kind, t.text) for t in tokenize("rx(pi/2) q[0]; // turn")][:6]
[('id', 'rx'), ('op', '('), ('id', 'pi'), ('op', '/'), ('int', '2'), ('op', ')')]
>>> tokenize("h q;\\n  x @")[-2].column
5
"""

from __future__ import annotations

import re
from typing import Iterator, NamedTuple

from qfusion.errors import QasmError


class Token(NamedTuple):
    """One token: ``kind`` is ``id``, ``int``, ``float``, ``string``, ``op`` or ``eof``."""
    kind: str
    text: str
    line: int
    column: int
    filename: str | None = None

    def error(self, message: str) -> QasmError:
        """A :class:`QasmError` positioned at this token."""
        return QasmError(message, self.line, self.column, self.filename)

    def describe(self) -> str:
        """How the token reads in an error message."""
        if self.kind == "eof":
            return "end of file"
        if self.kind == "string":
            return f"string {self.text}"
        return f"'{self.text}'"


_NUMBER = (r"0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+"
           r"|(?:\d[\d_]*)?\.\d[\d_]*(?:[eE][-+]?\d+)?|\d[\d_]*\.(?:[eE][-+]?\d+)?|\d[\d_]*[eE][-+]?\d+"
           r"|\d[\d_]*")
_OPERATORS = (r"->|==|!=|<=|>=|&&|\|\||\*\*|<<=|>>=|<<|>>|\+=|-=|\*=|/=|%=|&=|\|=|\^=|\+\+"
              r"|[-+*/%^()\[\]{},;:=<>!~&|@.$]")
_TOKEN = re.compile(
    rf"(?P<space>[ \t\r\f\v]+)|(?P<newline>\n)|(?P<comment>//[^\n]*)|(?P<block>/\*)"
    rf"|(?P<number>{_NUMBER})|(?P<id>[^\W\d]\w*)|(?P<string>\"[^\"\n]*\"|'[^'\n]*')"
    rf"|(?P<op>{_OPERATORS})")
_SKIPPED_LINE = re.compile(r"[ \t]*(?:#?pragma\b|@[^\W\d])[^\n]*")
_INT_KIND = {"x": 16, "o": 8, "b": 2}


def tokenize(text: str, filename: str | None = None) -> list[Token]:
    """All tokens of ``text`` as a list, ending with an ``eof`` token (see :func:`iter_tokens`)."""
    return list(iter_tokens(text, filename))


def iter_tokens(text: str, filename: str | None = None) -> Iterator[Token]:
    """Yield the tokens of ``text`` one at a time, then an ``eof`` token.

    Raises :class:`QasmError` at the first character that starts no token, an unterminated
    ``/*`` comment, or a number run into letters (``100ns``, ``2im``: durations and imaginary
    numbers are not supported).
    """
    pos, line, line_start, end = 0, 1, 0, len(text)
    match = _TOKEN.match
    while pos < end:
        if pos == line_start:
            skipped = _SKIPPED_LINE.match(text, pos)
            if skipped:
                pos = skipped.end()
                continue
        m = match(text, pos)
        column = pos - line_start + 1
        if m is None:
            raise QasmError(f"unexpected character {text[pos]!r}", line, column, filename)
        kind = m.lastgroup
        stop = m.end()
        if kind == "space" or kind == "comment":
            pos = stop
            continue
        if kind == "newline":
            pos = line_start = stop
            line += 1
            continue
        if kind == "block":
            close = text.find("*/", stop)
            if close < 0:
                raise QasmError("unterminated '/*' comment", line, column, filename)
            newlines = text.count("\n", pos, close)
            if newlines:
                line += newlines
                line_start = text.rfind("\n", pos, close) + 1
            pos = close + 2
            continue
        word = m.group()
        if kind == "number":
            if stop < end and (text[stop].isalnum() or text[stop] == "_"):
                tail = re.match(r"\w*", text[stop:stop + 40]).group()
                raise QasmError(f"unsupported literal '{word}{tail}' (durations and imaginary numbers "
                                f"are not supported)", line, column, filename)
            kind = "int" if re.fullmatch(r"[\d_]+|0[xXoObB][\w]+", word) else "float"
        yield Token(kind, word, line, column, filename)
        pos = stop
    yield Token("eof", "", line, end - line_start + 1, filename)


def int_value(token: Token) -> int:
    """The value of an ``int`` token (decimal, ``0x``, ``0o``, ``0b``; ``_`` separators allowed)."""
    text = token.text.replace("_", "")
    if len(text) > 2 and text[0] == "0" and text[1].lower() in _INT_KIND:
        return int(text[2:], _INT_KIND[text[1].lower()])
    if len(text) > 30:
        raise token.error(f"integer literal {token.text} is too large")
    return int(text)


def float_value(token: Token) -> float:
    """The value of a ``float`` token."""
    return float(token.text.replace("_", ""))


class TokenStream:
    """Tokens of one source with lookahead; the parser reads through it."""

    __slots__ = ("_tokens", "_buffer", "filename", "record")

    def __init__(self, text: str, filename: str | None = None):
        self._tokens = iter_tokens(text, filename)
        self._buffer: list[Token] = []
        self.filename = filename
        self.record: list[Token] | None = None  # when a list, consumed tokens are appended to it

    def peek(self, ahead: int = 0) -> Token:
        """The token ``ahead`` places after the current one, without consuming anything."""
        while len(self._buffer) <= ahead:
            token = next(self._tokens, None)
            if token is None:  # past eof: keep answering eof
                token = self._buffer[-1] if self._buffer else Token("eof", "", 1, 1, self.filename)
            self._buffer.append(token)
        return self._buffer[ahead]

    def next(self) -> Token:
        """Consume and return the current token (``eof`` stays)."""
        token = self.peek()
        if token.kind != "eof":
            self._buffer.pop(0)
            if self.record is not None:
                self.record.append(token)
        return token

    def at(self, text: str) -> bool:
        """Whether the current token is the operator or word ``text``."""
        token = self.peek()
        return token.text == text and token.kind in ("op", "id")

    def accept(self, text: str) -> Token | None:
        """Consume the current token if it is ``text``."""
        if self.at(text):
            return self.next()
        return None

    def expect(self, text: str, after: str) -> Token:
        """Consume ``text`` or raise ``expected 'text' after ...`` at the current token."""
        token = self.peek()
        if token.text == text and token.kind in ("op", "id"):
            return self.next()
        raise token.error(f"expected '{text}' after {after}, found {token.describe()}")

    def expect_kind(self, kind: str, what: str) -> Token:
        """Consume a token of ``kind`` or raise ``expected <what>``."""
        token = self.peek()
        if token.kind == kind:
            return self.next()
        raise token.error(f"expected {what}, found {token.describe()}")
