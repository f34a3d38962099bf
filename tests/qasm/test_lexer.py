"""The lexer: token kinds, positions, comments, pragmas, and chunked scanning."""

from __future__ import annotations

import pytest

from qfusion.errors import QasmError
from qfusion.qasm import lexer
from qfusion.qasm.lexer import TokenStream, float_value, int_value, tokenize


def kinds(text):
    return [(t.kind, t.text) for t in tokenize(text)][:-1]


def test_token_kinds():
    assert kinds('rx(1.5e-3) q[0x1F]; include "a.inc"; a->b == c ** 2 <<= π') == [
        ("id", "rx"), ("op", "("), ("float", "1.5e-3"), ("op", ")"), ("id", "q"), ("op", "["), ("int", "0x1F"),
        ("op", "]"), ("op", ";"), ("id", "include"), ("string", '"a.inc"'), ("op", ";"), ("id", "a"), ("op", "->"),
        ("id", "b"), ("op", "=="), ("id", "c"), ("op", "**"), ("int", "2"), ("op", "<<="), ("id", "π")]


@pytest.mark.parametrize("text, value", [("42", 42), ("1_000", 1000), ("0xf_f", 255), ("0o17", 15), ("0b101", 5)])
def test_integer_literals(text, value):
    token = tokenize(text)[0]
    assert token.kind == "int" and int_value(token) == value


@pytest.mark.parametrize("text, value", [("1.5", 1.5), (".5", 0.5), ("5.", 5.0), ("1e3", 1000.0), ("2.5E-1", 0.25),
                                         ("1_0.5", 10.5)])
def test_float_literals(text, value):
    token = tokenize(text)[0]
    assert token.kind == "float" and float_value(token) == value


def test_durations_and_imaginary_numbers_are_tokens_for_the_parser_to_refuse():
    assert kinds("100ns 2.5us 1dt 3im") == [("duration", "100ns"), ("duration", "2.5us"), ("duration", "1dt"),
                                            ("imaginary", "3im")]


def test_positions_are_one_based_lines_and_columns():
    tokens = tokenize("OPENQASM 3;\n  qubit q;\r\n\th q; /* a\nb */ x q;")
    positions = {t.text: (t.line, t.column) for t in tokens}
    assert positions["OPENQASM"] == (1, 1) and positions["qubit"] == (2, 3) and positions["h"] == (3, 2)
    assert positions["x"] == (4, 6)
    assert (tokens[-1].kind, tokens[-1].line) == ("eof", 4)
    assert tokenize("a", "f.qasm")[0].filename == "f.qasm"


def test_comments_pragmas_and_annotations_are_skipped():
    text = "#pragma first line\n// comment\nh /* inline */ q; /* multi\nline */\n  pragma x y z\n@bind foo\nx q;"
    assert [t.text for t in tokenize(text)][:-1] == ["h", "q", ";", "x", "q", ";"]
    assert kinds("a @ b") == [("id", "a"), ("op", "@"), ("id", "b")]


@pytest.mark.parametrize("text, message, column", [
    ("h q; ?", "unexpected character '?'", 6),
    ("x /* no end", "unterminated '/*' comment", 3),
    ('include "abc', "unterminated string", 9),
    ("rx(10abc)", "invalid number literal '10abc'", 4),
    ("0x", "invalid number literal '0x'", 1),
])
def test_lexical_errors(text, message, column):
    with pytest.raises(QasmError) as info:
        tokenize(text)
    assert message in str(info.value) and info.value.column == column


def test_block_comments_spanning_chunks(monkeypatch):
    monkeypatch.setattr(lexer, "_CHUNK", 16)
    text = "h q;\n" * 5 + "/* a comment that is longer\nthan one chunk\n of text */ x q;\n" + "y q;\n" * 5
    assert [t.text for t in tokenize(text) if t.kind == "id"] == ["h", "q"] * 5 + ["x", "q"] + ["y", "q"] * 5
    with pytest.raises(QasmError, match="unterminated"):
        tokenize("h q;\n" * 10 + "/* never closed\n" + "x q;\n" * 10)


def test_token_stream_lookahead_and_recording():
    stream = TokenStream("a b ( c")
    assert stream.peek().text == "a" and stream.peek(2).text == "(" and stream.peek(10).kind == "eof"
    stream.record = recorded = []
    assert stream.next().text == "a" and stream.accept("b") and not stream.accept("x")
    assert [t.text for t in recorded] == ["a", "b"]
    with pytest.raises(QasmError, match=r"expected '\)' after the test, found '\('"):
        stream.expect(")", "the test")
    stream.next(), stream.next()
    assert stream.next().kind == "eof" and stream.next().kind == "eof"
