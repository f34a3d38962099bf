"""Classical computation at run time: expressions over measured bits, and the instructions that use
them (OpenQASM 3's run-time ``while``, assignments to bits, ``if`` on any expression of bits).

An expression is a small tree of frozen nodes: :class:`Bits` (classical bits read little-endian as
an unsigned integer), :class:`Value` (a constant) and :class:`Op` (an operator, a function or an
``extern`` applied to sub-expressions). :func:`evaluate` gives its value for one shot's bits.

The instructions :class:`Store`, :class:`WhileLoop` and :class:`IfElse` are run per shot by the
state-vector simulator; other simulators refuse them by name.

>>> condition = Op("!=", (Bits((0, 1)), Value(0)))
>>> evaluate(condition, [1, 0]), evaluate(condition, [0, 0])
(True, False)
>>> evaluate(Op("<<", (Bits((0, 1, 2)), Value(1))), [1, 1, 0])
6
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field

from qfusion.circuit.gates import Operation
from qfusion.errors import CircuitError


@dataclass(frozen=True)
class Bits:
    """Classical bits ``clbits`` read as an unsigned integer, bit ``j`` of it ``clbits[j]``.

    >>> evaluate(Bits((2, 0)), [1, 0, 0]), evaluate(Bits((2, 0)), [0, 0, 1])    # bit j of the value is clbits[j]
    (2, 1)
    """
    clbits: tuple[int, ...]


@dataclass(frozen=True)
class Value:
    """A constant: an integer, float or boolean.

    >>> evaluate(Op("+", (Value(2), Value(0.5))), [])
    2.5
    """
    value: object


@dataclass(frozen=True)
class Op:
    """``op`` applied to ``args``: an operator (``+``, ``==``, ``!``, ``<<``, ...), a function
    (``sin``, ``arccos``, ...) or ``extern:name`` (a Python function given as ``function``).

    >>> evaluate(Op("sin", (Value(0.0),)), []), evaluate(Op("!", (Bits((0,)),)), [1])
    (0.0, False)
    """
    op: str
    args: tuple
    function: object = field(default=None, compare=False)
    where: str = field(default="", compare=False)   # where the program wrote it (``file:line:col``), for errors


_BINARY = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "/": lambda a, b: (int(a / b) if isinstance(a, int) and isinstance(b, int) else a / b),
    "%": lambda a, b: a % b, "**": lambda a, b: a ** b,
    "==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b, ">=": lambda a, b: a >= b, "&&": lambda a, b: bool(a) and bool(b),
    "||": lambda a, b: bool(a) or bool(b), "&": lambda a, b: a & b, "|": lambda a, b: a | b,
    "^": lambda a, b: a ^ b, "<<": lambda a, b: a << b, ">>": lambda a, b: a >> b,
}
_UNARY = {"-": lambda a: -a, "!": lambda a: not a, "~": lambda a: ~a}
def _signed_int(value, width):
    """The unsigned ``width``-bit ``value`` read as two's complement (an ``int[width]`` kept in bits)."""
    value, width = int(value), int(width)
    value &= (1 << width) - 1
    return value - (1 << width) if value >> (width - 1) else value


def _float_bits(value) -> int:
    """The 64 bits of ``value`` as an IEEE 754 double (a run-time ``float`` kept in bits)."""
    return int.from_bytes(struct.pack("<d", float(value)), "little")


def _bits_float(value) -> float:
    return struct.unpack("<d", (int(value) & (2**64 - 1)).to_bytes(8, "little"))[0]


def _angle_bits(value, width) -> int:
    """An angle as the ``width`` bits of an ``angle[width]``: ``round(value / 2 pi * 2**width)`` mod 2**width."""
    return round(float(value) / (2 * math.pi) * (1 << int(width))) % (1 << int(width))


_FUNCTIONS = {
    "sin": math.sin, "cos": math.cos, "tan": math.tan, "exp": math.exp, "ln": math.log, "log": math.log,
    "sqrt": math.sqrt, "arcsin": math.asin, "arccos": math.acos, "arctan": math.atan,
    "floor": math.floor, "ceiling": math.ceil, "int": int, "uint": int, "bit": int, "float": float, "bool": bool,
    "signed_int": _signed_int, "float_bits": _float_bits, "bits_float": _bits_float, "angle_bits": _angle_bits,
}
OPERATORS = frozenset(_BINARY) | frozenset(_UNARY) | frozenset(_FUNCTIONS)


def evaluate(expr, clbits):
    """The value of ``expr`` for the classical bits ``clbits`` (a sequence of 0/1) of one shot.

    >>> evaluate(Op("arccos", (Value(0.0),)), [])
    1.5707963267948966
    """
    kind = type(expr)
    if kind is Bits:
        return sum(int(clbits[b]) << j for j, b in enumerate(expr.clbits))
    if kind is Value:
        return expr.value
    args = [evaluate(a, clbits) for a in expr.args]
    op = expr.op
    try:
        if op.startswith("extern:"):
            if expr.function is None:
                raise CircuitError(f"{expr.where + ': ' if expr.where else ''}extern function '{op[7:]}' has no "
                                   f"Python definition to run per shot (pass externs={{'{op[7:]}': function}})")
            return expr.function(*args)
        if len(args) == 2 and op in _BINARY:
            return _BINARY[op](*args)
        if len(args) == 1 and op in _UNARY:
            return _UNARY[op](*args)
        return _FUNCTIONS[op](*args)
    except CircuitError:
        raise
    except Exception as exc:  # a value the program computes at run time: its failure, where it was written
        raise CircuitError(f"{expr.where + ': ' if expr.where else ''}{op} of {args} failed at run time: "
                           f"{type(exc).__name__}: {exc}") from None


def bits_read(expr) -> tuple[int, ...]:
    """The classical bits ``expr`` reads, in order of first appearance.

    >>> bits_read(Op("==", (Bits((2, 0)), Op("+", (Bits((0,)), Value(1))))))
    (2, 0)
    """
    if isinstance(expr, Bits):
        return expr.clbits
    if isinstance(expr, Op):
        return tuple(dict.fromkeys(b for a in expr.args for b in bits_read(a)))
    return ()


class Store(Operation):
    """Write ``value`` (an expression) into the classical bits ``target`` (little-endian; higher bits
    of the value are dropped, as OpenQASM 3's casts to ``bit[n]`` do). With no ``target``, the value
    is computed and dropped (an ``extern`` called for its effect, as a statement).

    >>> Store((0, 1), Value(3))
    Store((0, 1), Value(value=3))
    """
    name = "store"
    num_qubits = 0

    def __init__(self, target: tuple[int, ...], value):
        self.target = tuple(int(b) for b in target)
        self.value = value

    def __eq__(self, other):
        return type(other) is Store and other.target == self.target and other.value == self.value

    def __hash__(self):
        return hash(("store", self.target))

    def __repr__(self):
        return f"Store({self.target}, {self.value!r})"


class _Block(Operation):
    """An instruction holding bodies of instructions on the circuit's own qubits and bits."""

    def __init__(self, condition, bodies: tuple, num_qubits: int):
        self.condition = condition
        self.bodies = tuple(tuple(body) for body in bodies)
        self.num_qubits = num_qubits

    def __eq__(self, other):
        return type(other) is type(self) and other.condition == self.condition and other.bodies == self.bodies

    def __hash__(self):
        return hash((self.name, self.condition))


class WhileLoop(_Block):
    """Run ``body`` (instructions on the circuit's qubits and bits) while ``condition`` holds,
    checked before each pass, at most ``max_iterations`` passes in a shot.

    >>> from qfusion.circuit import Circuit
    >>> body = tuple(Circuit(1, 1).h(0).measure(0, 0).instructions)
    >>> WhileLoop(Op("==", (Bits((0,)), Value(0))), body, 1).name
    'while_loop'
    """
    name = "while_loop"

    def __init__(self, condition, body: tuple, num_qubits: int, max_iterations: int = 100_000):
        super().__init__(condition, (body,), num_qubits)
        self.max_iterations = int(max_iterations)

    @property
    def body(self) -> tuple:
        """The instructions repeated while the condition holds.

        >>> from qfusion.circuit import Circuit
        >>> body = tuple(Circuit(1, 1).x(0).measure(0, 0).instructions)
        >>> [inst.operation.name for inst in WhileLoop(Op("==", (Bits((0,)), Value(0))), body, 1).body]
        ['x', 'measure']
        """
        return self.bodies[0]

    def __repr__(self):
        return f"WhileLoop({self.condition!r}, {len(self.body)} instruction(s))"


class IfElse(_Block):
    """Run ``then_body`` when ``condition`` holds, else ``else_body``.

    >>> IfElse(Op(">", (Bits((0, 1)), Value(1))), (), (), 1).else_body
    ()
    """
    name = "if_else"

    def __init__(self, condition, then_body: tuple, else_body: tuple, num_qubits: int):
        super().__init__(condition, (then_body, else_body), num_qubits)

    @property
    def then_body(self) -> tuple:
        """The instructions run when the condition holds.

        >>> from qfusion.circuit import Circuit
        >>> then = tuple(Circuit(1).x(0).instructions)
        >>> [inst.operation.name for inst in IfElse(Op("==", (Bits((0,)), Value(1))), then, (), 1).then_body]
        ['x']
        """
        return self.bodies[0]

    @property
    def else_body(self) -> tuple:
        """The instructions run when it does not (empty without an ``else``).

        >>> from qfusion.circuit import Circuit
        >>> other = tuple(Circuit(1).h(0).instructions)
        >>> [inst.operation.name for inst in IfElse(Op("==", (Bits((0,)), Value(1))), (), other, 1).else_body]
        ['h']
        """
        return self.bodies[1]

    def __repr__(self):
        return f"IfElse({self.condition!r}, {len(self.then_body)}/{len(self.else_body)} instruction(s))"


class DynamicGate(Operation):
    """``gate`` with parameters computed at run time: each placeholder parameter of ``gate`` gets the
    value of its expression in ``params`` (``(Parameter, expression)`` pairs) in each shot.

    >>> from qfusion.circuit import Parameter, standard_gate
    >>> angle = Parameter("_rt0")
    >>> g = DynamicGate(standard_gate("p", angle), ((angle, Op("*", (Bits((0,)), Value(0.5)))),))
    >>> g.bound([1])
    Gate('p', 0.5)
    """

    def __init__(self, gate, params: tuple):
        self.gate = gate
        self.params = tuple(params)
        self.name = gate.name
        self.num_qubits = gate.num_qubits

    def bound(self, clbits):
        """The gate with this shot's parameter values.

        >>> from qfusion.circuit import Parameter, standard_gate
        >>> angle = Parameter("_rt0")
        >>> quarter_of_bits = Op("*", (Bits((0, 1)), Value(0.25)))
        >>> gate = DynamicGate(standard_gate("rz", angle), ((angle, quarter_of_bits),))
        >>> gate.bound([1, 1]).params     # Bits((0, 1)) = 3 on this shot
        (0.75,)
        """
        return self.gate.bind({p: float(evaluate(expr, clbits)) for p, expr in self.params})

    def __eq__(self, other):
        return (type(other) is DynamicGate and other.gate == self.gate
                and [e for _, e in other.params] == [e for _, e in self.params])

    def __hash__(self):
        return hash(("dynamic", self.name))

    def __repr__(self):
        return f"DynamicGate({self.gate!r}, {len(self.params)} run-time parameter(s))"


def block_qubits(*bodies) -> tuple[int, ...]:
    """The qubits the instructions of ``bodies`` act on, in order of first use.

    >>> from qfusion.circuit import Circuit
    >>> block_qubits(tuple(Circuit(3).cx(2, 0).instructions), tuple(Circuit(3).h(1).x(0).instructions))
    (2, 0, 1)
    """
    return tuple(dict.fromkeys(q for body in bodies for inst in body for q in inst.qubits))


RUNTIME_OPERATIONS = (Store, WhileLoop, IfElse, DynamicGate)
