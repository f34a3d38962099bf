"""The statement parser shared by OpenQASM 2 and 3: tokens to a syntax tree, one statement at a time.

Top-level statements are produced lazily, so a long program is never held as a whole
syntax tree; ``include`` of a file splices that file's statements in place (standard
libraries are passed on as :class:`~qfusion.qasm.syntax.Include` nodes).

>>> parser = Parser('OPENQASM 2.0; qreg q[2]; h q;')
>>> parser.version
2
>>> [type(s).__name__ for s in parser.statements()]
['QuantumDecl', 'GateCall']
"""

from __future__ import annotations

import os

from qfusion.errors import QasmError
from qfusion.qasm import qasm2, qasm3
from qfusion.qasm.arrays import ArrayParser
from qfusion.qasm.calibrations import CalibrationParser
from qfusion.qasm.declarations import DeclarationParser
from qfusion.qasm.lexer import Token, TokenStream, split_call
from qfusion.qasm.limits import DEFAULT_LIMITS, Limits
from qfusion.qasm.pragmas import PragmaStatement
from qfusion.qasm.subroutine_parser import SubroutineParser
from qfusion.qasm.syntax import (
    Assign,
    Barrier,
    Block,
    FastCall,
    For,
    GateCall,
    GateDef,
    If,
    Measure,
    MeasureExpr,
    Modifier,
    Operand,
    Reset,
)
from qfusion.qasm.timing import TimingParser

_COMPOUND = {"+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>="}


def expand_call(call: FastCall, version: int, limits: Limits = DEFAULT_LIMITS) -> GateCall:
    """The :class:`GateCall` a :class:`FastCall` stands for (parsed from its tokens).

    >>> p = Parser('OPENQASM 2.0; rz(pi/2) q[1];', calls=True)
    >>> expand_call(next(p.statements()), 2).operands[0].index.value
    1
    """
    parser = Parser.__new__(Parser)
    tokens = split_call(call.token)
    eof = Token("eof", "", call.token.offset + len(call.token.text), call.token.source)
    DeclarationParser.__init__(parser, TokenStream.of(tokens + [eof], call.token.filename), version, limits)
    parser.keywords = qasm3.KEYWORDS if version >= 3 else qasm2.KEYWORDS
    return parser._call()


class Parser(DeclarationParser, SubroutineParser, TimingParser, CalibrationParser, ArrayParser):
    """Parses one OpenQASM program; :attr:`version` (2 or 3) comes from its ``OPENQASM`` line.

    >>> parser = Parser("qubit[2] q; bit[2] c;")        # no OPENQASM line: version 3
    >>> parser.version, [s.name for s in parser.statements()]
    (3, ['q', 'c'])
    """

    def __init__(self, text: str, filename: str | None = None, limits: Limits = DEFAULT_LIMITS,
                 default_version: int = 3, calls: bool = False):
        if len(text) > limits.max_source_bytes:
            raise QasmError(f"source of {len(text):,} characters exceeds the limit of "
                            f"{limits.max_source_bytes:,} (Limits.max_source_bytes)", filename=filename)
        self.calls = calls  # simple gate calls as FastCall nodes (for the interpreter)
        stream = TokenStream(text, filename, calls)
        super().__init__(stream, default_version, limits)
        self._streams = [stream]
        self._paths = [os.path.realpath(filename) if filename else None]
        self._source_size = len(text)
        self._blocks = 0
        self.version = self._read_version(default_version)
        self.keywords = qasm3.KEYWORDS if self.version >= 3 else qasm2.KEYWORDS

    def _read_version(self, default: int) -> int:
        stream = self.stream
        if not stream.at("OPENQASM"):
            return default
        stream.next()
        number = stream.token
        if number.kind not in ("int", "float"):
            raise number.error(f"expected a version number after 'OPENQASM', found {number.describe()}")
        stream.next()
        major, _, minor = number.text.partition(".")
        if major == "2" and minor in ("", "0"):
            version = 2
        elif major == "3":
            version = 3
        else:
            raise number.error(f"unsupported OpenQASM version {number.text} (2.0 and 3 are supported)")
        stream.expect(";", "the OPENQASM version")
        return version

    # -- top level ---------------------------------------------------------------------------
    def statements(self):
        """Yield the program's top-level statements (included files spliced in).

        >>> [type(s).__name__ for s in Parser('include "stdgates.inc"; qubit q; ; h q;').statements()]   # (';' is empty)
        ['Include', 'QuantumDecl', 'GateCall']
        """
        while True:
            if self.stream.token.kind == "eof":
                if len(self._streams) == 1:
                    return
                self._streams.pop()
                self._paths.pop()
                self.stream = self._streams[-1]
                continue
            statement = self.statement(top=True)
            if statement is not None:
                yield statement

    def statement(self, top: bool = False, in_gate: bool = False):
        """Parse one statement; None for an empty statement or a spliced ``include``.

        >>> parser = Parser("x q[0]; y q[1];")
        >>> parser.statement().name, parser.stream.token.text       # one statement read, the next one current
        ('x', 'y')
        """
        stream = self.stream
        token = stream.token
        if token.kind == "call":
            if not in_gate:
                stream.next()
                return FastCall(token)
            stream.split_current()
            token = stream.token
        if token.kind == "pragma":
            stream.next()
            return PragmaStatement(token)
        if token.kind == "op":
            if token.text == ";":
                stream.next()
                return None
            if token.text == "{" and self.version >= 3:
                return Block(token, self.block("'{'"))
            raise token.error(f"expected a statement, found {token.describe()}")
        if token.kind != "id":
            raise token.error(f"expected a statement, found {token.describe()}")
        word = token.text
        if word == "OPENQASM":
            raise token.error("the OPENQASM version line must be the first statement")
        module = qasm3 if self.version >= 3 else qasm2
        message = module.UNSUPPORTED.get(word)
        if message:
            raise token.error(message)
        if in_gate and word in module.NOT_IN_GATE:
            raise token.error(f"'{word}' is not allowed inside a gate definition")
        if not top and word in module.TOP_LEVEL_ONLY:
            raise token.error(f"'{word}' is only allowed at the top level of the program")
        handler = module.STATEMENTS.get(word)
        if handler is not None:
            return getattr(self, handler)()
        if word in qasm3.MODIFIERS and self.version >= 3 and stream.peek(1).text in ("@", "("):
            return self._modified_call()
        return self._call_or_assignment()

    def block(self, after: str) -> list:
        """``{ statement* }``, or a single statement where the grammar allows it.

        >>> [s.name for s in Parser("{ x q; y q; }").block("'if'")], [s.name for s in Parser("x q;").block("'if'")]
        (['x', 'y'], ['x'])
        """
        stream = self.stream
        open_token = stream.token
        self._blocks += 1
        if self._blocks > self.limits.max_nesting:
            raise open_token.error(f"blocks nested too deeply (more than {self.limits.max_nesting} levels)")
        try:
            if not stream.accept("{"):
                if self.version >= 3 and stream.at(";"):  # the grammar has no empty statement here
                    raise stream.token.error(f"expected a statement or '{{' after {after}, found ';'")
                statement = self.statement(in_gate=self._in_gate)
                return [statement] if statement is not None else []
            body = []
            while not stream.at("}"):
                if stream.token.kind == "eof":
                    raise open_token.error(f"'{{' after {after} is never closed")
                statement = self.statement(in_gate=self._in_gate)
                if statement is not None:
                    body.append(statement)
            stream.next()
            return body
        finally:
            self._blocks -= 1

    _in_gate = False

    # -- gates ---------------------------------------------------------------------------------
    def _gate(self):
        stream = self.stream
        token = stream.next()
        stream.record = recorded = []
        try:
            name = self._name("gate")
            params = []
            if stream.accept("("):
                if not stream.at(")"):
                    params.append(self._name("gate parameter"))
                    while stream.accept(","):
                        params.append(self._name("gate parameter"))
                stream.expect(")", f"the parameters of gate '{name.text}'")
            qubits = [self._name("gate qubit")]
            while stream.accept(","):
                qubits.append(self._name("gate qubit"))
            if not stream.at("{"):
                raise stream.token.error(f"expected '{{' to start the body of gate '{name.text}', "
                                          f"found {stream.token.describe()}")
            self._in_gate = True
            body = self.block(f"gate '{name.text}'")
        finally:
            stream.record = None
            self._in_gate = False
        return GateDef(token, name.text, params, qubits, body, [(t.kind, t.text) for t in recorded])

    def _opaque(self):
        raise self.stream.token.error("'opaque' gates are not supported: a gate needs a definition "
                                       "(write it with 'gate')")

    def _modified_call(self):
        stream = self.stream
        modifiers = []
        while stream.token.text in qasm3.MODIFIERS and stream.peek(1).text in ("@", "("):
            token = stream.next()
            arg = None
            if stream.accept("("):
                arg = self.expression()
                stream.expect(")", f"the argument of '{token.text}'")
            elif token.text == "pow":
                raise stream.token.error("expected '(' and an exponent after 'pow'")
            stream.expect("@", f"the modifier '{token.text}'")
            modifiers.append(Modifier(token, token.text, arg))
        stream.split_current()
        name = stream.token
        if name.kind != "id" or (name.text in self.keywords and name.text != "gphase"):
            raise name.error(f"expected a gate name after '@', found {name.describe()}")
        return self._call(modifiers)

    def _call(self, modifiers=()):
        stream = self.stream
        name = stream.next()
        args = []
        if stream.accept("("):
            if not stream.at(")"):
                args.append(self.expression())
                while stream.accept(","):
                    args.append(self.expression())
            stream.expect(")", f"the parameters of '{name.text}'")
        if stream.at("[") and self.version >= 3:
            raise stream.token.error(f"durations on gate calls ('{name.text}[...]') are not supported; "
                                     f"a delay before or after the gate gives it time")
        operands = []
        if not stream.at(";"):
            operands.append(self.operand())
            while stream.accept(","):
                operands.append(self.operand())
        stream.expect(";", f"the arguments of '{name.text}'")
        return GateCall(name, name.text, args, operands, list(modifiers))

    _gphase = _call

    def operand(self) -> Operand:
        """``name`` or ``name[index]``.

        >>> operand = Parser("q[2:3]").operand()
        >>> operand.name, type(operand.index).__name__, operand.index.start.value
        ('q', 'RangeExpr', 2)
        """
        stream = self.stream
        token = stream.token
        if token.text == "$" and self.version >= 3:   # a physical qubit, $0, $1, ...
            stream.next()
            number = stream.token
            if number.kind != "int" or number.offset != token.offset + 1 or not number.text.isdigit():
                raise token.error("expected a physical qubit such as $0 (a '$' and its number)")
            stream.next()
            if stream.at("["):
                raise stream.token.error(f"physical qubit ${number.text} is a single qubit and cannot be indexed")
            return Operand(token, "$" + number.text, None)
        if token.kind != "id" or token.text in self.keywords:
            raise token.error(f"expected a qubit or bit, found {token.describe()}")
        stream.next()
        index = self.index() if stream.at("[") else None
        return Operand(token, token.text, index)

    # -- other statements ----------------------------------------------------------------------
    def _measure(self):
        stream = self.stream
        token = stream.next()
        operand = self.operand()
        if not stream.accept("->"):
            if self.version >= 3 and stream.at(";"):
                raise stream.token.error("a measurement needs a target bit: write 'c = measure q;' "
                                          "or 'measure q -> c;'")
            stream.expect("->", "the measured qubit")
        target = self.operand()
        stream.expect(";", "the measurement")
        return Measure(token, operand, target)

    def _reset(self):
        stream = self.stream
        token = stream.next()
        operand = self.operand()
        stream.expect(";", "the reset qubit")
        return Reset(token, operand)

    def _barrier(self):
        stream = self.stream
        token = stream.next()
        operands = []
        if not stream.at(";"):
            operands.append(self.operand())
            while stream.accept(","):
                operands.append(self.operand())
        stream.expect(";", "the barrier")
        return Barrier(token, operands)

    def _if(self):
        stream = self.stream
        token = stream.next()
        stream.expect("(", "'if'")
        condition = self.expression()
        stream.expect(")", "the condition")
        if self.version < 3:
            statement = self.statement()
            if not isinstance(statement, (GateCall, FastCall, Measure, Reset)):
                raise token.error("in OpenQASM 2, 'if' must be followed by one gate, measure or reset")
            return If(token, condition, [statement])
        then_body = self.block("'if'")
        else_body = None
        if stream.at("else"):
            stream.next()
            else_body = self.block("'else'")
        return If(token, condition, then_body, else_body)

    def _for(self):
        stream = self.stream
        token = stream.next()
        first = stream.expect_kind("id", "a loop variable after 'for'")
        type_name, type_size = None, None
        if first.text in qasm3.CLASSICAL_TYPES:
            type_name = first.text
            if stream.accept("["):
                type_size = self.expression()
                stream.expect("]", f"the width of '{first.text}'")
            variable = self._name("loop variable")
        elif first.text in self.keywords or first.text in qasm3.RESERVED_NAMES:
            raise first.error(f"'{first.text}' is a reserved word and cannot name a loop variable")
        else:
            variable = first
        stream.expect("in", "the loop variable")
        if stream.at("["):
            open_token = stream.next()
            iterable = self.range_or_expression("]")
            stream.expect("]", "the loop range")
            if iterable is None:
                raise open_token.error("expected a range such as [0:n] after 'in'")
        elif stream.at("{"):
            iterable = self.set_expr()
        else:
            iterable = self.expression()
        body = self.block("'for'")
        return For(token, variable.text, iterable, body, type_name, type_size)

    def _call_or_assignment(self):
        stream = self.stream
        nxt = stream.peek(1)
        if self.version >= 3 and (nxt.text == "[" or nxt.text == "=" or nxt.text in _COMPOUND):
            target = self.operand()
            op_token = stream.next()
            if op_token.text != "=" and op_token.text not in _COMPOUND:
                raise op_token.error(f"expected '=' after '{target.name}[...]', found {op_token.describe()}")
            if stream.at("measure"):
                measure_token = stream.next()
                value = MeasureExpr(measure_token, self.operand())
            else:
                value = self.expression()
            stream.expect(";", "the assignment")
            return Assign(op_token, target, op_token.text, value)
        return self._call()
