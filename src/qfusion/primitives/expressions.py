"""Exact derivatives of gate-parameter expressions (forward mode over the expression tree).

A gate angle may be ``2*theta``, ``theta + phi`` or ``cos(theta)``; the chain rule needs
``d angle / d theta`` for every circuit parameter. :func:`value_and_partials` evaluates one
parameter set in floats; :func:`columns_and_partials` evaluates many at once, each parameter
a NumPy column (the batched gradients of ``qfusion.qml``). Both walk the tree with one walker.

>>> from qfusion.circuit import Parameter
>>> from qfusion.circuit.parameter import apply
>>> t, p = Parameter("t"), Parameter("p")
>>> value, grads = value_and_partials(2 * t * p + apply("sin", t), {"t": 0.0, "p": 3.0})
>>> value, grads["t"], grads["p"]
(0.0, 7.0, 0.0)

>>> import numpy as np
>>> x, w = Parameter("x"), Parameter("w")
>>> value, partials = columns_and_partials(w * x + 1, {"x": np.array([1.0, 2.0]), "w": np.array([3.0, 3.0])}, 2)
>>> value.tolist(), partials["x"].tolist(), partials["w"].tolist()
([4.0, 7.0], [3.0, 3.0], [1.0, 2.0])
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from qfusion.circuit.parameter import Parameter, ParameterExpression
from qfusion.errors import ParameterError


@dataclass(frozen=True)
class _Arithmetic:
    """The functions the walker evaluates with: ``math`` on floats or NumPy on columns."""

    functions: Mapping[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]]  # name: (f, f')
    power: Callable[[Any, Any], Any]
    log: Callable[[Any], Any]
    leaf: Callable[[Any], Any]  # a parameter's given value as the walker holds it


_MATH = _Arithmetic(
    functions={
        "sin": (math.sin, math.cos),
        "cos": (math.cos, lambda v: -math.sin(v)),
        "tan": (math.tan, lambda v: 1.0 / math.cos(v) ** 2),
        "exp": (math.exp, math.exp),
        "ln": (math.log, lambda v: 1.0 / v),
        "sqrt": (math.sqrt, lambda v: 0.5 / math.sqrt(v)),
        "arcsin": (math.asin, lambda v: 1.0 / math.sqrt(1.0 - v * v)),
        "arccos": (math.acos, lambda v: -1.0 / math.sqrt(1.0 - v * v)),
        "arctan": (math.atan, lambda v: 1.0 / (1.0 + v * v)),
    },
    power=lambda a, b: a ** b,
    log=math.log,
    leaf=float,
)
_NUMPY = _Arithmetic(
    functions={
        "sin": (np.sin, np.cos),
        "cos": (np.cos, lambda v: -np.sin(v)),
        "tan": (np.tan, lambda v: 1.0 / np.cos(v) ** 2),
        "exp": (np.exp, np.exp),
        "ln": (np.log, lambda v: 1.0 / v),
        "sqrt": (np.sqrt, lambda v: 0.5 / np.sqrt(v)),
        "arcsin": (np.arcsin, lambda v: 1.0 / np.sqrt(1.0 - v * v)),
        "arccos": (np.arccos, lambda v: -1.0 / np.sqrt(1.0 - v * v)),
        "arctan": (np.arctan, lambda v: 1.0 / (1.0 + v * v)),
    },
    power=np.power,
    log=np.log,
    leaf=lambda column: column,
)


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
    value, grads = _walk(expr, values, _MATH, True)
    return float(value), grads


def columns_and_partials(
    expr, columns: Mapping[str, np.ndarray], count: int, partials: bool = True
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """``(values (count,), {name: d values / d name (count,)})`` of a number or expression whose
    parameters take ``columns[name]`` (``partials=False``: an empty dict, values only).

    >>> from qfusion.circuit import Parameter
    >>> t = Parameter("t")
    >>> values, partials = columns_and_partials(3 * t * t, {"t": np.array([0.0, 1.0, 2.0])}, 3)
    >>> values, partials["t"]                         # 3 t^2 and its derivative 6 t, per column
    (array([ 0.,  3., 12.]), array([ 0.,  6., 12.]))
    """
    with np.errstate(divide="raise", invalid="raise", over="raise"):
        try:
            value, grads = _walk(expr, columns, _NUMPY, partials)
        except FloatingPointError as exc:
            raise ParameterError(f"cannot evaluate {expr} for every parameter set: {exc}") from exc
    value = np.broadcast_to(np.asarray(value, dtype=float), (count,))
    return value, {k: np.broadcast_to(np.asarray(v, dtype=float), (count,)) for k, v in grads.items()}


def _walk(node, values, arithmetic: _Arithmetic, partials: bool) -> tuple[Any, dict[str, Any]]:
    if not isinstance(node, ParameterExpression):
        return float(node), {}
    if isinstance(node, Parameter):
        if node.name not in values:
            raise ParameterError(f"no value for parameter {node.name}")
        return arithmetic.leaf(values[node.name]), ({node.name: 1.0} if partials else {})
    op, args = node._op, node._args  # the tree is the IR's own data; read, never changed
    if op == "fn":
        name, inner = args
        value, grads = _walk(inner, values, arithmetic, partials)
        function, derivative = arithmetic.functions[name]
        return function(value), _scale(grads, derivative(value) if grads else 0.0)
    if op == "neg":
        value, grads = _walk(args[0], values, arithmetic, partials)
        return -value, _scale(grads, -1.0)
    (a, da), (b, db) = (_walk(args[0], values, arithmetic, partials), _walk(args[1], values, arithmetic, partials))
    if op == "+":
        return a + b, _add(da, db, 1.0, 1.0)
    if op == "-":
        return a - b, _add(da, db, 1.0, -1.0)
    if op == "*":
        return a * b, _add(da, db, b, a)
    if op == "/":
        return a / b, _add(da, db, 1.0 / b, -a / (b * b))
    if op == "**":
        value = arithmetic.power(a, b)
        left = b * arithmetic.power(a, b - 1) if da else 0.0
        right = value * arithmetic.log(a) if db else 0.0
        return value, _add(da, db, left, right)
    raise ParameterError(f"cannot evaluate operator {op!r}")


def _scale(grads: dict, factor) -> dict:
    return {k: v * factor for k, v in grads.items()}


def _add(da: dict, db: dict, wa, wb) -> dict:
    out = {k: v * wa for k, v in da.items()}
    for k, v in db.items():
        out[k] = out[k] + v * wb if k in out else v * wb
    return out
