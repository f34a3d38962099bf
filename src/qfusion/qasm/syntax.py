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
    """An expression; ``depth`` is the height of its tree (checked against the nesting limit)."""
    __slots__ = ("token", "depth")


class Literal(Expr):
    """A number, boolean or bit string written in the program."""
    __slots__ = ("value",)

    def __init__(self, token: Token, value):
        self.token, self.depth, self.value = token, 1, value


class Name(Expr):
    """A name: a constant, variable, loop variable, parameter or register."""
    __slots__ = ("name",)

    def __init__(self, token: Token):
        self.token, self.depth, self.name = token, 1, token.text


class Unary(Expr):
    """``-x``, ``!x`` or ``~x``."""
    __slots__ = ("op", "operand")

    def __init__(self, token: Token, op: str, operand: Expr):
        self.token, self.op, self.operand = token, op, operand
        self.depth = operand.depth + 1


class Binary(Expr):
    """``left op right``."""
    __slots__ = ("op", "left", "right")

    def __init__(self, token: Token, op: str, left: Expr, right: Expr):
        self.token, self.op, self.left, self.right = token, op, left, right
        self.depth = max(left.depth, right.depth) + 1


class Call(Expr):
    """A function call (``sin(x)``) or a cast (``float(x)``)."""
    __slots__ = ("name", "args")

    def __init__(self, token: Token, name: str, args: list):
        self.token, self.name, self.args = token, name, args
        self.depth = max((a.depth for a in args), default=0) + 1


class Index(Expr):
    """``name[index]``: a bit of a register in a condition, or an element of a register."""
    __slots__ = ("name", "index")

    def __init__(self, token: Token, name: str, index):
        self.token, self.name, self.index = token, name, index
        self.depth = getattr(index, "depth", 1) + 1


@dataclass
class RangeExpr:
    """``[start:stop]`` or ``[start:step:stop]`` (OpenQASM 3 ranges include ``stop``)."""
    token: Token
    start: Expr | None
    step: Expr | None
    stop: Expr | None
    depth: int = 1


@dataclass
class SetExpr:
    """``{a, b, c}``: an explicit list of values."""
    token: Token
    elements: list
    depth: int = 1


# -- statements ----------------------------------------------------------------------------


@dataclass
class Operand:
    """A qubit or bit argument: ``q``, ``q[2]``, ``q[0:3]`` or ``q[{0, 2}]``."""
    token: Token
    name: str
    index: object = None  # Expr, RangeExpr, SetExpr or None


@dataclass
class Modifier:
    """``ctrl``, ``negctrl``, ``inv`` or ``pow``, with its argument when given."""
    token: Token
    kind: str
    arg: Expr | None = None


@dataclass
class Include:
    """``include "qelib1.inc";`` or ``include "stdgates.inc";`` (other files are spliced in)."""
    token: Token
    path: str


@dataclass
class QuantumDecl:
    """``qreg q[n];``, ``qubit[n] q;`` or ``qubit q;`` (``size`` None: a single qubit)."""
    token: Token
    name: str
    size: Expr | None
    name_token: Token


@dataclass
class ClassicalDecl:
    """``creg``/``bit`` registers and ``int``/``float``/... variables, constants and inputs."""
    token: Token
    type_name: str
    name: str
    size: Expr | None
    init: object = None  # Expr or MeasureExpr
    modifier: str | None = None  # "const", "input", "output" or None
    name_token: Token | None = None


@dataclass
class MeasureExpr:
    """``measure q`` used as a value (``c = measure q;``)."""
    token: Token
    operand: Operand


@dataclass
class GateDef:
    """``gate name(params) qubits { body }``; ``tokens`` are its tokens, for recognising definitions."""
    token: Token
    name: str
    params: list[Token]
    qubits: list[Token]
    body: list
    tokens: list = field(default_factory=list, repr=False)


@dataclass
class GateCall:
    """A gate applied to qubits, with its parameters and modifiers (``ctrl @``, ``inv @``, ...)."""
    token: Token
    name: str
    args: list
    operands: list
    modifiers: list = field(default_factory=list)


class FastCall:
    """A simple gate call on indexed qubits kept as its one ``call`` token (see
    :func:`~qfusion.qasm.lexer.split_call`); the interpreter applies it without a syntax tree."""
    __slots__ = ("token",)

    def __init__(self, token: Token):
        self.token = token


@dataclass
class ExternDecl:
    """``extern name(types) -> type;``: a function the program calls but does not define."""
    token: Token
    name: str
    num_args: int


@dataclass
class Measure:
    """``measure q -> c;``"""
    token: Token
    operand: Operand
    target: Operand


@dataclass
class Reset:
    """``reset q;``"""
    token: Token
    operand: Operand


@dataclass
class Barrier:
    """``barrier q, r;`` (no operands: every qubit)."""
    token: Token
    operands: list


@dataclass
class Assign:
    """``x = expr;`` or ``x += expr;`` on a classical variable; ``target`` may be indexed."""
    token: Token
    target: Operand
    op: str
    value: object


@dataclass
class If:
    """``if (condition) { ... } else { ... }``."""
    token: Token
    condition: Expr
    then_body: list
    else_body: list | None = None


@dataclass
class For:
    """``for type name in iterable { ... }``."""
    token: Token
    variable: str
    iterable: object  # RangeExpr, SetExpr or Expr
    body: list
    type_name: str | None = None   # the loop variable's declared type, and its size
    type_size: object = None


@dataclass
class Block:
    """A bare ``{ ... }`` scope."""
    token: Token
    body: list


@dataclass
class Parameter:
    """A subroutine parameter: ``qubit[n] name`` (``kind`` "qubit") or ``type[n] name``."""
    token: Token
    kind: str
    name: str
    size: Expr | None


@dataclass
class SubroutineDef:
    """``def name(parameters) -> type { body }``."""
    token: Token
    name: str
    params: list
    returns: str | None
    body: list


@dataclass
class Return:
    """``return;``, ``return value;`` or ``return measure q;``."""
    token: Token
    value: object = None


@dataclass
class Let:
    """``let name = q[0:2] ++ r;``: an alias of qubits or bits."""
    token: Token
    name: str
    parts: list


@dataclass
class While:
    """``while (condition) { ... }``."""
    token: Token
    condition: Expr
    body: list


@dataclass
class Switch:
    """``switch (value) { case a, b { ... } default { ... } }``; ``cases`` are ``(values, body)``."""
    token: Token
    value: Expr
    cases: list
    default: list | None


class DurationOfExpr(Expr):
    """``durationof({ ... })`` in an expression: the block's statements."""
    __slots__ = ("body",)

    def __init__(self, token: Token, body: list):
        self.token, self.depth, self.body = token, 1, body


class DelayStatement:
    """``delay[duration] operands;`` (no operands: every qubit)."""
    __slots__ = ("token", "duration", "operands")

    def __init__(self, token: Token, duration, operands: list):
        self.token, self.duration, self.operands = token, duration, operands


class BoxStatement:
    """``box [duration] { ... }``."""
    __slots__ = ("token", "duration", "body")

    def __init__(self, token: Token, duration, body: list):
        self.token, self.duration, self.body = token, duration, body
