"""Symbolic parameters and the arithmetic expressions built from them.

>>> theta = Parameter("theta")
>>> expr = 2 * theta + 0.5
>>> expr
ParameterExpression('2*theta + 0.5')
>>> expr.bind({theta: 1.0})
2.5
>>> sorted(p.name for p in (theta * Parameter("phi")).parameters)
['phi', 'theta']
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import numpy as np

from qfusion.errors import ParameterError

Number = int | float

_FUNCTIONS = {
    "sin": math.sin, "cos": math.cos, "tan": math.tan, "exp": math.exp, "ln": math.log,
    "sqrt": math.sqrt, "arcsin": math.asin, "arccos": math.acos, "arctan": math.atan,
}

_ARRAY_FUNCTIONS = {
    "sin": np.sin, "cos": np.cos, "tan": np.tan, "exp": np.exp, "ln": np.log,
    "sqrt": np.sqrt, "arcsin": np.arcsin, "arccos": np.arccos, "arctan": np.arctan,
}

# binding power of each operator, for printing with the fewest parentheses
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "**": 4}


class ParameterExpression:
    """A real-valued expression tree over :class:`Parameter` leaves.

    Supports ``+ - * / **``, unary minus, and the functions in :func:`apply` (``sin``,
    ``cos``, ``exp``, ...). :meth:`bind` substitutes values and returns a float once
    no free parameter is left.

    >>> t = Parameter("t")
    >>> expr = 2 * t + 1
    >>> expr, expr.bind({t: 0.25})
    (ParameterExpression('2*t + 1'), 1.5)
    """

    __slots__ = ("_op", "_args")

    def __init__(self, op: str, args: tuple):
        self._op = op
        self._args = args

    # -- structure -------------------------------------------------------------------------
    @property
    def parameters(self) -> frozenset[Parameter]:
        """The free parameters of the expression.

        >>> a, b = Parameter("a"), Parameter("b")
        >>> sorted(p.name for p in (a * b - a).parameters)
        ['a', 'b']
        """
        found: set[Parameter] = set()
        stack: list = [self]
        while stack:
            node = stack.pop()
            if isinstance(node, Parameter):
                found.add(node)
            elif isinstance(node, ParameterExpression):
                stack.extend(node._args)
        return frozenset(found)

    def bind(self, values: Mapping[Parameter | str, Number]) -> float | ParameterExpression:
        """Substitute ``values`` (keyed by Parameter or name); a float if nothing stays free.

        >>> a, b = Parameter("a"), Parameter("b")
        >>> (a + b).bind({"a": 1.0}), (a + b).bind({a: 1.0, b: 2.0})
        (ParameterExpression('1.0 + b'), 3.0)
        """
        by_name = {(k.name if isinstance(k, Parameter) else str(k)): v for k, v in values.items()}
        result = self._substitute(by_name)
        return result

    def _substitute(self, by_name: Mapping[str, Number]):
        args = tuple(a._substitute(by_name) if isinstance(a, ParameterExpression) else a
                     for a in self._args)
        if self._op == "fn":
            name, arg = args
            return _FUNCTIONS[name](arg) if not isinstance(arg, ParameterExpression) else \
                ParameterExpression("fn", (name, arg))
        if any(isinstance(a, ParameterExpression) for a in args):
            return ParameterExpression(self._op, args)
        return _evaluate(self._op, args)

    def __float__(self) -> float:
        value = self._substitute({})
        if isinstance(value, ParameterExpression):
            names = ", ".join(sorted(p.name for p in value.parameters))
            raise ParameterError(f"expression {self} has unbound parameters: {names}; bind them first")
        return float(value)

    # -- arithmetic ------------------------------------------------------------------------
    def __add__(self, other): return _combine("+", self, other)
    def __radd__(self, other): return _combine("+", other, self)
    def __sub__(self, other): return _combine("-", self, other)
    def __rsub__(self, other): return _combine("-", other, self)
    def __mul__(self, other): return _combine("*", self, other)
    def __rmul__(self, other): return _combine("*", other, self)
    def __truediv__(self, other): return _combine("/", self, other)
    def __rtruediv__(self, other): return _combine("/", other, self)
    def __pow__(self, other): return _combine("**", self, other)
    def __rpow__(self, other): return _combine("**", other, self)
    def __neg__(self): return ParameterExpression("neg", (self,))
    def __pos__(self): return self

    def __eq__(self, other) -> bool:
        if isinstance(other, ParameterExpression) and not isinstance(other, Parameter):
            return self._op == other._op and self._args == other._args
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self._op, self._args))

    # -- printing --------------------------------------------------------------------------
    def __str__(self) -> str:
        return _format(self)

    def __repr__(self) -> str:
        return f"ParameterExpression({str(self)!r})"


class Parameter(ParameterExpression):
    """A named free parameter.

    Two parameters with the same name are the same parameter (they bind together),
    as in OpenQASM 3 ``input float theta``.

    >>> Parameter("a") == Parameter("a")
    True
    """

    __slots__ = ("name",)

    def __init__(self, name: str):
        if not isinstance(name, str) or not name:
            raise ParameterError(f"a parameter needs a non-empty name, got {name!r}")
        super().__init__("param", ())
        self.name = name

    @property
    def parameters(self) -> frozenset[Parameter]:
        """The parameter itself.


        >>> Parameter("t").parameters
        frozenset({Parameter('t')})
        """
        return frozenset((self,))

    def _substitute(self, by_name):
        if self.name in by_name:
            value = by_name[self.name]
            return value if isinstance(value, ParameterExpression) else float(value)
        return self

    def __eq__(self, other) -> bool:
        return isinstance(other, Parameter) and other.name == self.name

    def __hash__(self) -> int:
        return hash(("param", self.name))

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"Parameter({self.name!r})"


class ParameterVectorElement(Parameter):
    """Element ``index`` of a :class:`ParameterVector`; its name is ``"name[index]"``.

    It binds like any parameter of that name, and sorts by its index (as Qiskit's do).

    >>> ParameterVector("v", 3)[2]
    ParameterVectorElement('v[2]')
    """

    __slots__ = ("vector", "index")

    def __init__(self, vector: ParameterVector, index: int):
        super().__init__(f"{vector.name}[{index}]")
        self.vector = vector
        self.index = index

    def __repr__(self) -> str:
        return f"ParameterVectorElement({self.name!r})"


class ParameterVector:
    """``length`` parameters named ``name[0]``, ``name[1]``, ... that keep their index order
    in ``Circuit.parameters`` (``theta[2]`` before ``theta[10]``), as Qiskit's ``ParameterVector``.

    >>> theta = ParameterVector("theta", 3)
    >>> len(theta), theta[1], [p.name for p in theta]
    (3, ParameterVectorElement('theta[1]'), ['theta[0]', 'theta[1]', 'theta[2]'])
    """

    def __init__(self, name: str, length: int = 0):
        if not isinstance(name, str) or not name:
            raise ParameterError(f"a parameter vector needs a non-empty name, got {name!r}")
        if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or length < 0:
            raise ParameterError(f"a parameter vector's length is a non-negative integer, got {length!r}")
        self.name = name
        self.params = tuple(ParameterVectorElement(self, i) for i in range(int(length)))

    def __len__(self) -> int:
        return len(self.params)

    def __getitem__(self, key):
        return self.params[key]

    def __iter__(self):
        return iter(self.params)

    def __repr__(self) -> str:
        return f"ParameterVector({self.name!r}, {len(self)})"


_ELEMENT_NAME = re.compile(r"^(.+)\[(\d+)\]$")


def sort_key(parameter: Parameter) -> tuple:
    """The order of ``Circuit.parameters``: by name, except that ``name[i]`` (a vector's elements,
    also after QASM or JSON round trips) sorts by ``(name, i)`` as Qiskit sorts vector elements.

    >>> names = ["b", "t[10]", "t[2]", "a"]
    >>> [p.name for p in sorted(map(Parameter, names), key=sort_key)]
    ['a', 'b', 't[2]', 't[10]']
    """
    match = _ELEMENT_NAME.match(parameter.name)
    if match is None:
        return (parameter.name, -1)
    return (match.group(1) + "[", int(match.group(2)))


def apply(function: str, arg: ParameterExpression | Number) -> ParameterExpression | float:
    """Apply a named function (``sin``, ``cos``, ``tan``, ``exp``, ``ln``, ``sqrt``, ``arcsin``, ...).

    >>> apply("cos", 0.0)
    1.0
    >>> apply("sin", Parameter("t"))
    ParameterExpression('sin(t)')
    """
    if function not in _FUNCTIONS:
        raise ParameterError(f"unknown function {function!r}; known: {', '.join(sorted(_FUNCTIONS))}")
    if isinstance(arg, ParameterExpression):
        return ParameterExpression("fn", (function, arg))
    return _FUNCTIONS[function](float(arg))


def is_symbolic(value) -> bool:
    """Whether ``value`` still has free parameters.

    >>> is_symbolic(Parameter("t") * 2), is_symbolic(0.5)
    (True, False)
    """
    return isinstance(value, ParameterExpression)


def bind_value(value, values: Mapping) -> float | ParameterExpression:
    """Bind a gate parameter (number or expression); numbers pass through unchanged.

    >>> t = Parameter("t")
    >>> bind_value(t + 1, {t: 1.0}), bind_value(0.5, {t: 1.0})
    (2.0, 0.5)
    """
    if isinstance(value, ParameterExpression):
        return value.bind(values)
    return value


def bind_columns(value, columns: Mapping[str, np.ndarray], count: int) -> np.ndarray:
    """A gate parameter (number or expression) bound for ``count`` parameter sets at once:
    ``columns[name]`` holds parameter ``name``'s value in every set. Returns ``count`` floats.

    >>> t = Parameter("t")
    >>> bind_columns(2 * t + 1, {"t": np.array([0.0, 1.0])}, 2).tolist()
    [1.0, 3.0]
    >>> bind_columns(0.5, {}, 3).tolist()
    [0.5, 0.5, 0.5]
    """
    try:
        with np.errstate(divide="raise", invalid="raise", over="raise"):
            return np.broadcast_to(np.asarray(_evaluate_columns(value, columns), dtype=float), (count,))
    except FloatingPointError as exc:
        raise ParameterError(f"cannot evaluate {value} for every parameter set: {exc}") from exc


def _evaluate_columns(node, columns: Mapping[str, np.ndarray]):
    if isinstance(node, Parameter):
        if node.name not in columns:
            raise ParameterError(f"no value for parameter {node.name}")
        return columns[node.name]
    if not isinstance(node, ParameterExpression):
        return float(node)
    if node._op == "fn":
        name, arg = node._args
        return _ARRAY_FUNCTIONS[name](_evaluate_columns(arg, columns))
    args = [_evaluate_columns(a, columns) for a in node._args]
    if node._op == "neg":
        return -args[0]
    left, right = args
    return {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "**": np.power}[node._op](left, right)


def _combine(op: str, left, right) -> ParameterExpression:
    for side in (left, right):
        if not isinstance(side, (ParameterExpression, int, float)):
            return NotImplemented
    return ParameterExpression(op, (left, right))


def _evaluate(op: str, args: tuple) -> float:
    if op == "neg":
        return -args[0]
    left, right = args
    try:
        if op == "+":
            return left + right
        if op == "-":
            return left - right
        if op == "*":
            return left * right
        if op == "/":
            return left / right
        if op == "**":
            return float(left ** right)
    except (ZeroDivisionError, OverflowError, ValueError) as exc:
        raise ParameterError(f"cannot evaluate {left} {op} {right}: {exc}") from exc
    raise ParameterError(f"unknown operator {op!r}")


def _format(node, parent: int = 0) -> str:
    if not isinstance(node, ParameterExpression):
        return repr(float(node)) if isinstance(node, float) else str(node)
    if isinstance(node, Parameter):
        return node.name
    op, args = node._op, node._args
    if op == "fn":
        return f"{args[0]}({_format(args[1])})"
    level = _PRECEDENCE[op]
    if op == "neg":
        text = "-" + _format(args[0], level)
    else:
        # right operand of - and / binds tighter so that a-(b-c) keeps its parentheses
        right_level = level + 1 if op in "-/" or op == "**" else level
        joiner = f" {op} " if level == 1 else op
        text = _format(args[0], level + (op == "**")) + joiner + _format(args[1], right_level)
    return f"({text})" if level < parent else text
