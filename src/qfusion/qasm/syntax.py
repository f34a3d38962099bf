"""The syntax tree the parser builds: small plain classes, each carrying the token it starts at.

>>> from qfusion.qasm.lexer import tokenize
>>> node = Literal(tokenize("2")[0], 2)
>>> node.value, node.depth
(2, 1)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qfusion.qasm.lexer import Token

# -- expressions ---------------------------------------------------------------------------


class Expr:
    """An expression; ``depth`` is the height of its tree (checked against the nesting limit).

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('float a = (1.0 + 2.0) * sin(3.0);').statements()
    >>> type(statement.init).__name__, statement.init.depth
    ('Binary', 3)
    """
    __slots__ = ("token", "depth")
    token: Token
    depth: int


class Literal(Expr):
    """A number, boolean or bit string written in the program.

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('bit[2] c = "01";').statements()
    >>> type(statement.init).__name__, statement.init.value
    ('Literal', '01')
    """
    __slots__ = ("value",)

    def __init__(self, token: Token, value):
        self.token, self.depth, self.value = token, 1, value


class Name(Expr):
    """A name: a constant, variable, loop variable, parameter or register.

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('const int n = 2; int m = n;').statements()
    >>> type(statement.init).__name__, statement.init.name
    ('Name', 'n')
    """
    __slots__ = ("name",)

    def __init__(self, token: Token):
        self.token, self.depth, self.name = token, 1, token.text


class Unary(Expr):
    """``-x``, ``!x`` or ``~x``.

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('int a = -5;').statements()
    >>> type(statement.init).__name__, statement.init.op, statement.init.operand.value
    ('Unary', '-', 5)
    """
    __slots__ = ("op", "operand")

    def __init__(self, token: Token, op: str, operand: Expr):
        self.token, self.op, self.operand = token, op, operand
        self.depth = operand.depth + 1


class Binary(Expr):
    """``left op right``.

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('float a = 1.0 + 2.0 * 3.0;').statements()
    >>> statement.init.op, statement.init.right.op, statement.init.depth
    ('+', '*', 3)
    """
    __slots__ = ("op", "left", "right")

    def __init__(self, token: Token, op: str, left: Expr, right: Expr):
        self.token, self.op, self.left, self.right = token, op, left, right
        self.depth = max(left.depth, right.depth) + 1


class Call(Expr):
    """A function call (``sin(x)``) or a cast (``float(x)``).

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('float a = sin(0.5);').statements()
    >>> statement.init.name, statement.init.args[0].value
    ('sin', 0.5)
    """
    __slots__ = ("name", "args")

    def __init__(self, token: Token, name: str, args: list):
        self.token, self.name, self.args = token, name, args
        self.depth = max((a.depth for a in args), default=0) + 1


class Index(Expr):
    """``name[index]``: a bit of a register in a condition, or an element of a register.

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('qubit q; bit[2] c; if (c[1]) { x q; }').statements()
    >>> statement.condition.name, statement.condition.index.value
    ('c', 1)
    """
    __slots__ = ("name", "index")

    def __init__(self, token: Token, name: str, index):
        self.token, self.name, self.index = token, name, index
        self.depth = getattr(index, "depth", 1) + 1


@dataclass
class RangeExpr:
    """``[start:stop]`` or ``[start:step:stop]`` (OpenQASM 3 ranges include ``stop``).

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('qubit[5] q; for int i in [0:2:4] { x q[i]; }').statements()
    >>> statement.iterable.start.value, statement.iterable.step.value, statement.iterable.stop.value
    (0, 2, 4)
    """
    token: Token
    start: Expr | None
    step: Expr | None
    stop: Expr | None
    depth: int = 1


@dataclass
class SetExpr:
    """``{a, b, c}``: an explicit list of values.

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('qubit[3] q; for int i in {0, 2} { x q[i]; }').statements()
    >>> [e.value for e in statement.iterable.elements]
    [0, 2]
    """
    token: Token
    elements: list
    depth: int = 1


# -- statements ----------------------------------------------------------------------------


@dataclass
class Operand:
    """A qubit or bit argument: ``q``, ``q[2]``, ``q[0:3]`` or ``q[{0, 2}]``.

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('qubit[4] q; barrier q[0:2], q;').statements()
    >>> [(o.name, type(o.index).__name__) for o in statement.operands]
    [('q', 'RangeExpr'), ('q', 'NoneType')]
    """
    token: Token
    name: str
    index: object = None  # Expr, RangeExpr, SetExpr or None


@dataclass
class Modifier:
    """``ctrl``, ``negctrl``, ``inv`` or ``pow``, with its argument when given.

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('qubit[2] q; inv @ pow(2) @ s q[0];').statements()
    >>> [(m.kind, m.arg if m.arg is None else m.arg.value) for m in statement.modifiers]
    [('inv', None), ('pow', 2)]
    """
    token: Token
    kind: str
    arg: Expr | None = None


@dataclass
class Include:
    """``include "qelib1.inc";`` or ``include "stdgates.inc";`` (other files are spliced in).

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('include "stdgates.inc";').statements()
    >>> statement.path
    'stdgates.inc'
    """
    token: Token
    path: str


@dataclass
class QuantumDecl:
    """``qreg q[n];``, ``qubit[n] q;`` or ``qubit q;`` (``size`` None: a single qubit).

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('qubit[3] q;').statements()
    >>> statement.name, statement.size.value
    ('q', 3)
    """
    token: Token
    name: str
    size: Expr | None
    name_token: Token


@dataclass
class ClassicalDecl:
    """``creg``/``bit`` registers and ``int``/``float``/... variables, constants and inputs.

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('const int n = 4;').statements()
    >>> statement.type_name, statement.name, statement.modifier, statement.init.value
    ('int', 'n', 'const', 4)
    """
    token: Token
    type_name: str
    name: str
    size: Expr | None
    init: object = None  # Expr or MeasureExpr
    modifier: str | None = None  # "const", "input", "output" or None
    name_token: Token | None = None


@dataclass
class MeasureExpr:
    """``measure q`` used as a value (``c = measure q;``).

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('qubit q; bit c; c = measure q;').statements()
    >>> type(statement.value).__name__, statement.value.operand.name
    ('MeasureExpr', 'q')
    """
    token: Token
    operand: Operand


@dataclass
class GateDef:
    """``gate name(params) qubits { body }``; ``tokens`` are its tokens, for recognising definitions.

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('gate bell a, b { h a; cx a, b; }').statements()
    >>> statement.name, [t.text for t in statement.qubits], [g.name for g in statement.body]
    ('bell', ['a', 'b'], ['h', 'cx'])
    """
    token: Token
    name: str
    params: list[Token]
    qubits: list[Token]
    body: list
    tokens: list = field(default_factory=list, repr=False)


@dataclass
class GateCall:
    """A gate applied to qubits, with its parameters and modifiers (``ctrl @``, ``inv @``, ...).

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('qubit[2] q; ctrl @ rx(0.5) q[0], q[1];').statements()
    >>> statement.name, [m.kind for m in statement.modifiers], statement.args[0].value, [o.index.value for o in statement.operands]
    ('rx', ['ctrl'], 0.5, [0, 1])
    """
    token: Token
    name: str
    args: list
    operands: list
    modifiers: list = field(default_factory=list)


class FastCall:
    """A simple gate call on indexed qubits kept as its one ``call`` token (see
    :func:`~qfusion.qasm.lexer.split_call`); the interpreter applies it without a syntax tree.

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser("qubit[2] q; cx q[0], q[1];", calls=True).statements()
    >>> type(statement).__name__, statement.token.text
    ('FastCall', 'cx q[0], q[1];')
    """
    __slots__ = ("token",)

    def __init__(self, token: Token):
        self.token = token


@dataclass
class ExternDecl:
    """``extern name(types) -> type;``: a function the program calls but does not define.

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('extern f(int, float) -> float;').statements()
    >>> statement.name, statement.num_args
    ('f', 2)
    """
    token: Token
    name: str
    num_args: int


@dataclass
class Measure:
    """``measure q -> c;``

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('qubit[2] q; bit[2] c; measure q[1] -> c[0];').statements()
    >>> statement.operand.name, statement.target.name, statement.target.index.value
    ('q', 'c', 0)
    """
    token: Token
    operand: Operand
    target: Operand


@dataclass
class Reset:
    """``reset q;``

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('qubit[2] q; reset q[1];').statements()
    >>> statement.operand.name, statement.operand.index.value
    ('q', 1)
    """
    token: Token
    operand: Operand


@dataclass
class Barrier:
    """``barrier q, r;`` (no operands: every qubit).

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('qubit[2] q; barrier;').statements()
    >>> statement.operands
    []
    """
    token: Token
    operands: list


@dataclass
class Assign:
    """``x = expr;`` or ``x += expr;`` on a classical variable; ``target`` may be indexed.

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('int x = 1; x += 2;').statements()
    >>> statement.target.name, statement.op, statement.value.value
    ('x', '+=', 2)
    """
    token: Token
    target: Operand
    op: str
    value: object


@dataclass
class If:
    """``if (condition) { ... } else { ... }``.

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('qubit q; bit c; if (c == 1) { x q; } else { h q; }').statements()
    >>> type(statement.condition).__name__, [g.name for g in statement.then_body], [g.name for g in statement.else_body]
    ('Binary', ['x'], ['h'])
    """
    token: Token
    condition: Expr
    then_body: list
    else_body: list | None = None


@dataclass
class For:
    """``for type name in iterable { ... }``.

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('qubit[3] q; for int i in [0:2] { h q[i]; }').statements()
    >>> statement.variable, type(statement.iterable).__name__, len(statement.body)
    ('i', 'RangeExpr', 1)
    """
    token: Token
    variable: str
    iterable: object  # RangeExpr, SetExpr or Expr
    body: list
    type_name: str | None = None   # the loop variable's declared type, and its size
    type_size: object = None


@dataclass
class Block:
    """A bare ``{ ... }`` scope.

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('qubit q; { x q; h q; }').statements()
    >>> [g.name for g in statement.body]
    ['x', 'h']
    """
    token: Token
    body: list


@dataclass
class Parameter:
    """A subroutine parameter: ``qubit[n] name`` (``kind`` "qubit") or ``type[n] name``.

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('def f(qubit[2] r, int n) { }').statements()
    >>> [(p.kind, p.name) for p in statement.params]
    [('qubit', 'r'), ('int', 'n')]
    """
    token: Token
    kind: str
    name: str
    size: Expr | None


@dataclass
class SubroutineDef:
    """``def name(parameters) -> type { body }``.

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('def parity(bit a, bit b) -> bit { return a ^ b; }').statements()
    >>> statement.name, [p.name for p in statement.params], statement.returns, type(statement.body[0]).__name__
    ('parity', ['a', 'b'], 'bit', 'Return')
    """
    token: Token
    name: str
    params: list
    returns: str | None
    body: list


@dataclass
class Return:
    """``return;``, ``return value;`` or ``return measure q;``.

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('def one() -> int { return 1; }').statements()
    >>> statement.body[0].value.value
    1
    """
    token: Token
    value: object = None


@dataclass
class Let:
    """``let name = q[0:2] ++ r;``: an alias of qubits or bits.

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('qubit[2] q; qubit r; let both = q ++ r;').statements()
    >>> statement.name, [p.name for p in statement.parts]
    ('both', ['q', 'r'])
    """
    token: Token
    name: str
    parts: list


@dataclass
class While:
    """``while (condition) { ... }``.

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('qubit q; bit c; while (c == 0) { c = measure q; }').statements()
    >>> statement.condition.op, len(statement.body)
    ('==', 1)
    """
    token: Token
    condition: Expr
    body: list


@dataclass
class Switch:
    """``switch (value) { case a, b { ... } default { ... } }``; ``cases`` are ``(values, body)``.

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('int i = 1; qubit q; switch (i) { case 0, 1 { x q; } default { h q; } }').statements()
    >>> [[v.value for v in values] for values, _ in statement.cases], [g.name for g in statement.default]
    ([[0, 1]], ['h'])
    """
    token: Token
    value: Expr
    cases: list
    default: list | None


class DurationOfExpr(Expr):
    """``durationof({ ... })`` in an expression: the block's statements.

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('qubit q; duration d = durationof({ x q; });').statements()
    >>> type(statement.init).__name__, len(statement.init.body)
    ('DurationOfExpr', 1)
    """
    __slots__ = ("body",)

    def __init__(self, token: Token, body: list):
        self.token, self.depth, self.body = token, 1, body


class DelayStatement:
    """``delay[duration] operands;`` (no operands: every qubit).

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('qubit q; delay[100ns] q;').statements()
    >>> type(statement.duration).__name__, [o.name for o in statement.operands]
    ('Literal', ['q'])
    """
    __slots__ = ("token", "duration", "operands")

    def __init__(self, token: Token, duration, operands: list):
        self.token, self.duration, self.operands = token, duration, operands


class BoxStatement:
    """``box [duration] { ... }``.

    >>> from qfusion.qasm.parser import Parser
    >>> *_, statement = Parser('qubit q; box [1us] { x q; }').statements()
    >>> type(statement.duration).__name__, [g.name for g in statement.body]
    ('Literal', ['x'])
    """
    __slots__ = ("token", "duration", "body")

    def __init__(self, token: Token, duration, body: list):
        self.token, self.duration, self.body = token, duration, body
