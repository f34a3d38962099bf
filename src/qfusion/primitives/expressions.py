"""Exact derivatives of gate-parameter expressions (forward mode over the expression tree).

A gate angle may be ``2*theta``, ``theta + phi`` or ``cos(theta)``; the chain rule needs
``d angle / d theta`` for every circuit parameter.

>>> from qfusion.circuit import Parameter
>>> from qfusion.circuit.parameter import apply
>>> t, p = Parameter("t"), Parameter("p")
>>> value, grads = value_and_partials(2 * t * p + apply("sin", t), {"t": 0.0, "p": 3.0})
>>> value, grads["t"], grads["p"]
(0.0, 7.0, 0.0)
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from qfusion.circuit.parameter import Parameter, ParameterExpression
from qfusion.errors import ParameterError

_DERIVATIVES = {
    "sin": math.cos,
    "cos": lambda v: -math.sin(v),
    "tan": lambda v: 1.0 / math.cos(v) ** 2,
    "exp": math.exp,
    "ln": lambda v: 1.0 / v,
    "sqrt": lambda v: 0.5 / math.sqrt(v),
    "arcsin": lambda v: 1.0 / math.sqrt(1.0 - v * v),
    "arccos": lambda v: -1.0 / math.sqrt(1.0 - v * v),
    "arctan": lambda v: 1.0 / (1.0 + v * v),
}
_FUNCTIONS = {
    "sin": math.sin, "cos": math.cos, "tan": math.tan, "exp": math.exp, "ln": math.log,
    "sqrt": math.sqrt, "arcsin": math.asin, "arccos": math.acos, "arctan": math.atan,
}


def value_and_partials(expr, values: Mapping[str, float]) -> tuple[float, dict[str, float]]:
    """``(value, {parameter name: d value / d parameter})`` of a number or expression at ``values``
    (keyed by parameter name); parameters absent from the expression have no entry.

    >>> from qfusion.circuit import Parameter
    >>> a, b = Parameter("a"), Parameter("b")
    >>> value_and_partials(a * b + 2 * a, {"a": 3.0, "b": 0.5})
    (7.5, {'a': 2.5, 'b': 3.0})
    >>> value_and_partials(0.25, {})
    (0.25, {})
    """
    if not isinstance(expr, ParameterExpression):
        return float(expr), {}
    return _walk(expr, values)


def _walk(node, values) -> tuple[float, dict[str, float]]:
    if not isinstance(node, ParameterExpression):
        return float(node), {}
    if isinstance(node, Parameter):
        if node.name not in values:
            raise ParameterError(f"no value for parameter {node.name}")
        return float(values[node.name]), {node.name: 1.0}
    op, args = node._op, node._args  # the tree is the IR's own data; read, never changed
    if op == "fn":
        name, inner = args
        value, grads = _walk(inner, values)
        return _FUNCTIONS[name](value), _scale(grads, _DERIVATIVES[name](value))
    if op == "neg":
        value, grads = _walk(args[0], values)
        return -value, _scale(grads, -1.0)
    (a, da), (b, db) = _walk(args[0], values), _walk(args[1], values)
    if op == "+":
        return a + b, _add(da, db, 1.0, 1.0)
    if op == "-":
        return a - b, _add(da, db, 1.0, -1.0)
    if op == "*":
        return a * b, _add(da, db, b, a)
    if op == "/":
        return a / b, _add(da, db, 1.0 / b, -a / (b * b))
    if op == "**":
        value = a ** b
        left = b * a ** (b - 1) if da else 0.0
        right = value * math.log(a) if db else 0.0
        return float(value), _add(da, db, left, right)
    raise ParameterError(f"cannot differentiate operator {op!r}")


def _scale(grads: dict, factor: float) -> dict:
    return {k: v * factor for k, v in grads.items()}


def _add(da: dict, db: dict, wa: float, wb: float) -> dict:
    out = {k: v * wa for k, v in da.items()}
    for k, v in db.items():
        out[k] = out.get(k, 0.0) + v * wb
    return out
