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

import bisect
import re
from collections.abc import Iterator
from typing import NamedTuple

from qfusion.errors import QasmError


class Source:
    """One source text: its file name, and where its lines start (computed when first needed).

    >>> Source("qubit q;\\nh q;", "bell.qasm").line_column(9)      # the 'h'
    (2, 1)
    """
    __slots__ = ("text", "filename", "_line_starts")

    def __init__(self, text: str, filename: str | None):
        self.text, self.filename, self._line_starts = text, filename, None

    def line_column(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset.

        >>> Source("ab\\ncd", None).line_column(4)
        (2, 2)
        """
        if self._line_starts is None:
            starts, find, at = [0], self.text.find, self.text.find("\n")
            while at >= 0:
                starts.append(at + 1)
                at = find("\n", at + 1)
            self._line_starts = starts
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1


class Token(NamedTuple):
    """One token: ``kind`` is ``id``, ``int``, ``float``, ``string``, ``op``, ``eof``, or ``duration`` /
    ``imaginary`` (read so that the parser can name the unsupported construct).

    Its line and column are worked out from its offset only when asked for (in errors).

    >>> [(t.kind, t.text) for t in tokenize("rx(0.5) q[0];")][:4]
    [('id', 'rx'), ('op', '('), ('float', '0.5'), ('op', ')')]
    """
    kind: str
    text: str
    offset: int
    source: Source

    @property
    def line(self) -> int:
        """1-based line of the token.

        >>> tokenize("qubit q;\\nh q;")[3].line
        2
        """
        return self.source.line_column(self.offset)[0]

    @property
    def column(self) -> int:
        """1-based column of the token.

        >>> tokenize("qubit q;\\nh q;")[4].column
        3
        """
        return self.source.line_column(self.offset)[1]

    @property
    def filename(self) -> str | None:
        """The file the token was read from (None for a string).

        >>> tokenize("h q;", "bell.qasm")[0].filename
        'bell.qasm'
        """
        return self.source.filename

    def error(self, message: str) -> QasmError:
        """A :class:`QasmError` positioned at this token.

        >>> tokenize("qubit q;\\nh q;", "bell.qasm")[3].error("unknown gate 'h'")
        QasmError("bell.qasm:2:1: unknown gate 'h'")
        """
        line, column = self.source.line_column(self.offset)
        return QasmError(message, line, column, self.source.filename)

    def describe(self) -> str:
        """How the token reads in an error message.

        >>> [t.describe() for t in tokenize('include "x.inc";')]
        ["'include'", 'string "x.inc"', "';'", 'end of file']
        """
        if self.kind == "eof":
            return "end of file"
        if self.kind == "string":
            return f"string {self.text}"
        if self.kind == "call":  # as its first ordinary token reads
            return f"'{_HEAD.match(self.text).group()}'"
        return f"'{self.text}'"


_OPERATORS = frozenset(
    "-> == != <= >= && || ** <<= >>= << >> += -= *= /= %= &= |= ^= ++ - + * / % ^ ( ) [ ] { } , ; : = < > ! ~ & | @ . $"
    .split())
_NUMBER = (r"(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:[0-9][0-9_]*)?\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?"
           r"|[0-9][0-9_]*\.(?:[eE][-+]?[0-9]+)?|[0-9][0-9_]*[eE][-+]?[0-9]+|[0-9][0-9_]*)\w*")
# One alternative per kind of piece, the most frequent first; a piece is classified by its first
# character. The last alternative takes any character, so the pieces cover the text without gaps.
_PIECE_TEXT = (
    r"[ \t\r\f\v]+|[^\W\d]\w*|[;,\[\]()]|" + _NUMBER
    + r"|\n(?:[ \t]*(?:\#?pragma\b|@[^\W\d])[^\n]*)?|//[^\n]*|/\*(?s:.*?)\*/|/\*|\"[^\"\n]*\"|'[^'\n]*'"
    + r"|->|==|!=|<=|>=|&&|\|\||\*\*|<<=|>>=|<<|>>|[-+*/%&|^]=|\+\+|[\s\S]")
_PIECE = re.compile(_PIECE_TEXT)
# A whole simple gate call on indexed qubits (``rz(pi/4) q[3];``, ``cx q[0], q[1];``) as one ``call``
# token: most statements of large files are such calls, and the interpreter applies them without
# a syntax tree. (What it cannot apply that way it splits into ordinary tokens: :func:`split_call`.)
_CALL_TEXT = (r"[A-Za-z_]\w*(?:\((?:[^;(){}\"'\n/]|/(?![/*])|\((?:[^;(){}\"'\n/]|/(?![/*]))*\))*\))?"
              r"[ \t]+[A-Za-z_]\w*\[[0-9]+\](?:[ \t]*,[ \t]*[A-Za-z_]\w*\[[0-9]+\])*[ \t]*;"
              r"(?:[ \t\r]*\n(?![ \t]*(?:\#?pragma\b|@[^\W\d])))?")  # (with its line's end, unless a pragma follows)
_PIECE_CALLS = re.compile(_CALL_TEXT + "|" + _PIECE_TEXT)
_NOT_CALLS = frozenset({"OPENQASM", "include", "qreg", "creg", "gate", "opaque", "measure", "reset", "barrier",
                        "if", "else", "for", "while", "in", "return", "let", "qubit", "bit", "int", "uint", "float",
                        "angle", "bool", "const", "input", "output", "gphase", "ctrl", "negctrl", "inv", "pow",
                        "def", "extern", "box", "delay", "switch", "case", "default", "duration", "stretch",
                        "array", "complex", "cal", "defcal", "defcalgrammar", "break", "continue", "end", "void",
                        "durationof", "readonly", "mutable", "pragma"})
# literals as the grammar has them: a '_' only between two digits
_DIGITS = r"[0-9]+(?:_[0-9]+)*"
_INTEGER = re.compile(r"0[xX][0-9a-fA-F]+(?:_[0-9a-fA-F]+)*|0[oO][0-7]+(?:_[0-7]+)*|0[bB][01]+(?:_[01]+)*|"
                      + _DIGITS)
_FLOAT = re.compile(rf"(?:{_DIGITS})?\.{_DIGITS}(?:[eE][-+]?[0-9]+)?|{_DIGITS}\.(?:[eE][-+]?[0-9]+)?"
                    rf"|{_DIGITS}[eE][-+]?[0-9]+")
_UNIT = re.compile(r"(?:[0-9][0-9_]*)?\.?[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?(?:ns|us|µs|ms|s|dt|im)")
_FIRST_LINE = re.compile(r"[ \t]*(?:\#?pragma\b|@[^\W\d])[^\n]*")
_SPACE = frozenset(" \t\r\f\v\n")
_QUOTES = frozenset("\"'")
_CHUNK = 1 << 18
_INT_KIND = {"x": 16, "o": 8, "b": 2}


def tokenize(text: str, filename: str | None = None) -> list[Token]:
    """All tokens of ``text`` as a list, ending with an ``eof`` token (see :func:`iter_tokens`).

    >>> [t.text for t in tokenize("h q[0];")]
    ['h', 'q', '[', '0', ']', ';', '']
    """
    return list(iter_tokens(text, filename))


def iter_tokens(text: str, filename: str | None = None) -> Iterator[Token]:
    """Yield the tokens of ``text`` one at a time, then an ``eof`` token (see :func:`iter_chunks`).

    >>> next(iter_tokens("  x")).column
    3
    """
    for chunk in iter_chunks(text, filename):
        yield from chunk


def iter_chunks(text: str, filename: str | None = None, calls: bool = False) -> Iterator[list[Token]]:
    """Yield the tokens of ``text`` as lists, chunk after chunk; the last one ends with an ``eof`` token.

    Raises :class:`QasmError` at the first character that starts no token, an unterminated
    ``/*`` comment or string, or a number run into letters (``100ns``, ``2im``: durations and
    imaginary numbers are not supported). The text is scanned in chunks, so memory stays
    proportional to a chunk, not to the whole text.

    With ``calls``, a simple gate call on indexed qubits is one ``call`` token (see :func:`split_call`).

    >>> [len(chunk) for chunk in iter_chunks("x y")]
    [2, 1]
    >>> [t.kind for t in next(iter_chunks("cx q[0], q[1]; reset q[0];", calls=True))]
    ['call', 'id', 'id', 'op', 'int', 'op', 'op']
    """
    source = Source(text, filename)
    first = _FIRST_LINE.match(text)
    pos, size = (first.end() if first else 0), len(text)
    findall = (_PIECE_CALLS if calls else _PIECE).findall
    while pos < size:
        stop = text.find("\n", pos + _CHUNK)
        stop = size if stop < 0 else stop
        offset, resume = pos, stop
        tokens: list[Token] = []
        append = tokens.append
        for piece in findall(text, pos, stop):
            c = piece[0]
            if c in _SPACE:
                if c == "\n" and len(piece) > 1 and "qfusion" in piece:   # qfusion's own pragmas are read
                    line = piece.lstrip()
                    if _QFUSION_PRAGMA.match(line):
                        append(Token("pragma", line.rstrip(), offset + len(piece) - len(line), source))
                offset += len(piece)
                continue
            if c == "/" and len(piece) > 1 and piece[1] in "/*":
                if piece == "/*":  # a comment that does not close inside this chunk
                    close = text.find("*/", offset + 2)
                    if close < 0:
                        raise Token("", "", offset, source).error("unterminated '/*' comment")
                    resume = close + 2
                    break
                offset += len(piece)
                continue
            if c.isalpha() or c == "_":
                kind = "id"
                if piece[-1] in _CALL_ENDS:  # a whole gate call (see _CALL_TEXT)
                    length = len(piece)
                    piece = piece.rstrip()
                    if _HEAD.match(piece).group() in _NOT_CALLS:  # a keyword's statement: its ordinary tokens
                        tokens.extend(_tokens(text, offset, offset + len(piece), source))
                    else:
                        append(Token("call", piece, offset, source))
                    offset += length
                    continue
            elif c in "0123456789" or (c == "." and len(piece) > 1):
                if _INTEGER.fullmatch(piece):
                    kind = "int"
                elif _FLOAT.fullmatch(piece):
                    kind = "float"
                elif _UNIT.fullmatch(piece):  # the parser says which construct is not supported
                    kind = "imaginary" if piece.endswith("im") else "duration"
                else:
                    raise Token("", "", offset, source).error(
                        f"invalid number literal '{piece[:40]}' (a '_' goes only between two digits)")
            elif c in _QUOTES and len(piece) > 1:
                kind = "string"
            elif piece in _OPERATORS:
                kind = "op"
            elif c in _QUOTES:
                raise Token("", "", offset, source).error("unterminated string")
            elif c == "#" and text.startswith("#dim", offset):   # array[T, #dim = n]
                kind = "op"
            else:
                raise Token("", "", offset, source).error(f"unexpected character {c!r}")
            append(Token(kind, piece, offset, source))
            offset += len(piece)
        pos = resume
        if tokens:
            yield tokens
    yield [Token("eof", "", size, source)]


_HEAD = re.compile(r"\w+")
_QFUSION_PRAGMA = re.compile(r"#?pragma[ \t]+qfusion\b")
_CALL_ENDS = frozenset(";\n")


def _tokens(text: str, start: int, stop: int, source: Source) -> list[Token]:
    """The ordinary tokens of ``text[start:stop]``, a piece without comments, strings or new lines."""
    tokens, offset = [], start
    for piece in _PIECE.findall(text, start, stop):
        c = piece[0]
        if c in _SPACE:
            pass
        elif c.isalpha() or c == "_":
            tokens.append(Token("id", piece, offset, source))
        elif c in "0123456789" or (c == "." and len(piece) > 1):
            kind = "int" if _INTEGER.fullmatch(piece) else "float" if _FLOAT.fullmatch(piece) else None
            if kind is None:
                raise Token("", "", offset, source).error(f"invalid number literal '{piece[:40]}'")
            tokens.append(Token(kind, piece, offset, source))
        elif piece in _OPERATORS:
            tokens.append(Token("op", piece, offset, source))
        else:
            raise Token("", "", offset, source).error(f"unexpected character {c!r}")
        offset += len(piece)
    return tokens


def split_call(token: Token) -> list[Token]:
    """The ordinary tokens of a ``call`` token (for the parser, where a call is not applied whole).

    >>> [t.text for t in split_call(next(iter_chunks("rz(pi/2) q[1];", calls=True))[0])]
    ['rz', '(', 'pi', '/', '2', ')', 'q', '[', '1', ']', ';']
    """
    return _tokens(token.source.text, token.offset, token.offset + len(token.text), token.source)


def int_value(token: Token) -> int:
    """The value of an ``int`` token (decimal, ``0x``, ``0o``, ``0b``; ``_`` separators allowed).

    >>> int_value(tokenize("0x1_0")[0])
    16
    >>> int_value(tokenize("1427247692705959881058285969449495136382746624")[0]) == 2**150
    True
    """
    text = token.text.replace("_", "")
    if len(text) > 2 and text[0] == "0" and text[1].lower() in _INT_KIND:
        return int(text[2:], _INT_KIND[text[1].lower()])
    try:  # arbitrary precision, up to Python's limit on decimal conversions (4300 digits by default)
        return int(text)
    except ValueError as exc:
        raise token.error(f"integer literal of {len(text):,} digits is too long: {exc}") from None


def float_value(token: Token) -> float:
    """The value of a ``float`` token.

    >>> float_value(tokenize("1_0.5e-1")[0])
    1.05
    """
    return float(token.text.replace("_", ""))


class TokenStream:
    """Tokens of one source with lookahead; the parser reads through it.

    >>> stream = TokenStream("x = 1;")
    >>> stream.next().text, stream.token.text
    ('x', '=')
    """

    __slots__ = ("_chunks", "_tokens", "_index", "token", "filename", "record")

    def __init__(self, text: str, filename: str | None = None, calls: bool = False):
        self._chunks = iter_chunks(text, filename, calls)
        self._tokens = next(self._chunks)
        self._index = 0
        self.token = self._tokens[0]  # the current token
        self.filename = filename
        self.record: list[Token] | None = None  # when a list, consumed tokens are appended to it

    def peek(self, ahead: int = 0) -> Token:
        """The token ``ahead`` places after the current one, without consuming anything.

        >>> stream = TokenStream("x = 1;")
        >>> stream.peek(2).text, stream.token.text      # nothing consumed
        ('1', 'x')
        """
        position = self._index + ahead
        tokens = self._tokens
        if position < len(tokens):
            return tokens[position]
        while position >= len(tokens) and tokens[-1].kind != "eof":
            tokens = self._tokens = tokens[self._index:] + next(self._chunks)
            position -= self._index
            self._index = 0
        return tokens[min(position, len(tokens) - 1)]

    def next(self) -> Token:
        """Consume and return the current token (``eof`` stays).

        >>> stream = TokenStream("h;")
        >>> [stream.next().kind for _ in range(4)]        # eof repeats
        ['id', 'op', 'eof', 'eof']
        """
        token = self.token
        if token.kind != "eof":
            index = self._index + 1
            tokens = self._tokens
            if index == len(tokens):
                tokens = self._tokens = next(self._chunks)
                index = 0
            self._index = index
            self.token = tokens[index]
            if self.record is not None:
                self.record.append(token)
        return token

    @classmethod
    def of(cls, tokens: list[Token], filename: str | None = None) -> TokenStream:
        """A stream over ready tokens (the last one ``eof``).

        >>> stream = TokenStream.of(tokenize("h q;"))
        >>> stream.next().text, stream.next().text
        ('h', 'q')
        """
        stream = cls.__new__(cls)
        stream._chunks, stream._tokens, stream._index = iter(()), tokens, 0
        stream.token, stream.filename, stream.record = tokens[0], filename, None
        return stream

    def split_current(self) -> None:
        """Replace a current ``call`` token by its ordinary tokens.

        >>> stream = TokenStream("h q[0];", calls=True)
        >>> stream.token.kind, stream.token.text
        ('call', 'h q[0];')
        >>> stream.split_current()
        >>> stream.token.kind, stream.token.text, stream.peek(1).text
        ('id', 'h', 'q')
        """
        if self.token.kind == "call":
            parts = split_call(self.token)
            self._tokens[self._index:self._index + 1] = parts
            self.token = parts[0]

    def at(self, text: str) -> bool:
        """Whether the current token is the operator or word ``text``.

        >>> stream = TokenStream("gate g q { }")
        >>> stream.at("gate"), stream.at("g")
        (True, False)
        """
        return self.token.text == text

    def accept(self, text: str) -> Token | None:
        """Consume the current token if it is ``text``.

        >>> stream = TokenStream("inv @ x q;")
        >>> stream.accept("ctrl"), stream.accept("inv").text, stream.token.text
        (None, 'inv', '@')
        """
        if self.token.text == text:
            return self.next()
        return None

    def expect(self, text: str, after: str) -> Token:
        """Consume ``text`` or raise ``expected 'text' after ...`` at the current token.

        >>> stream = TokenStream("x 1;")
        >>> stream.next().text
        'x'
        >>> stream.expect("=", "the name")
        Traceback (most recent call last):
            ...
        qfusion.errors.QasmError: 1:3: expected '=' after the name, found '1'
        """
        token = self.token
        if token.text == text and token.kind != "string":
            return self.next()
        raise token.error(f"expected '{text}' after {after}, found {token.describe()}")

    def expect_kind(self, kind: str, what: str) -> Token:
        """Consume a token of ``kind`` or raise ``expected <what>``.

        >>> stream = TokenStream("qubit 3;")
        >>> stream.next().text, stream.expect_kind("int", "a size").text
        ('qubit', '3')
        >>> stream.expect_kind("id", "a name")
        Traceback (most recent call last):
            ...
        qfusion.errors.QasmError: 1:8: expected a name, found ';'
        """
        token = self.token
        if token.kind == kind:
            return self.next()
        raise token.error(f"expected {what}, found {token.describe()}")
