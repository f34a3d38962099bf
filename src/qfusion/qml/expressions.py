"""Gate angles for many parameter sets at once, with their partial derivatives (forward mode over
the expression tree, vectorised over the sets), for the chain rule of batched gradients.

>>> import numpy as np
>>> from qfusion.circuit import Parameter
>>> x, w = Parameter("x"), Parameter("w")
>>> value, partials = columns_and_partials(w * x + 1, {"x": np.array([1.0, 2.0]), "w": np.array([3.0, 3.0])}, 2)
>>> value.tolist(), partials["x"].tolist(), partials["w"].tolist()
([4.0, 7.0], [3.0, 3.0], [1.0, 2.0])
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from qfusion.circuit.parameter import Parameter, ParameterExpression
from qfusion.errors import ParameterError

_FUNCTIONS = {
    "sin": (np.sin, np.cos),
    "cos": (np.cos, lambda v: -np.sin(v)),
    "tan": (np.tan, lambda v: 1.0 / np.cos(v) ** 2),
    "exp": (np.exp, np.exp),
    "ln": (np.log, lambda v: 1.0 / v),
    "sqrt": (np.sqrt, lambda v: 0.5 / np.sqrt(v)),
    "arcsin": (np.arcsin, lambda v: 1.0 / np.sqrt(1.0 - v * v)),
    "arccos": (np.arccos, lambda v: -1.0 / np.sqrt(1.0 - v * v)),
    "arctan": (np.arctan, lambda v: 1.0 / (1.0 + v * v)),
}


def columns_and_partials(expr, columns: Mapping[str, np.ndarray], count: int, partials: bool = True):
    """``(values (count,), {name: d values / d name (count,)})`` of a number or expression whose
    parameters take ``columns[name]`` (``partials=False``: an empty dict, values only).

    >>> from qfusion.circuit import Parameter
    >>> x = Parameter("x")
    >>> values, partials = columns_and_partials(x * x, {"x": np.array([1.0, 3.0])}, 2)
    >>> values.tolist(), partials["x"].tolist()
    ([1.0, 9.0], [2.0, 6.0])
    """
    with np.errstate(divide="raise", invalid="raise", over="raise"):
        try:
            value, grads = _walk(expr, columns, partials)
        except FloatingPointError as exc:
            raise ParameterError(f"cannot evaluate {expr} for every parameter set: {exc}") from exc
    value = np.broadcast_to(np.asarray(value, dtype=float), (count,))
    return value, {k: np.broadcast_to(np.asarray(v, dtype=float), (count,)) for k, v in grads.items()}


def _walk(node, columns, partials: bool):
    if not isinstance(node, ParameterExpression):
        return float(node), {}
    if isinstance(node, Parameter):
        if node.name not in columns:
            raise ParameterError(f"no value for parameter {node.name}")
        return columns[node.name], ({node.name: 1.0} if partials else {})
    op, args = node._op, node._args  # the IR's own tree: read, never changed
    if op == "fn":
        name, inner = args
        value, grads = _walk(inner, columns, partials)
        function, derivative = _FUNCTIONS[name]
        return function(value), _scale(grads, derivative(value) if grads else 0.0)
    if op == "neg":
        value, grads = _walk(args[0], columns, partials)
        return -value, _scale(grads, -1.0)
    (a, da), (b, db) = _walk(args[0], columns, partials), _walk(args[1], columns, partials)
    if op == "+":
        return a + b, _add(da, db, 1.0, 1.0)
    if op == "-":
        return a - b, _add(da, db, 1.0, -1.0)
    if op == "*":
        return a * b, _add(da, db, b, a)
    if op == "/":
        return a / b, _add(da, db, 1.0 / b, -a / (b * b))
    if op == "**":
        value = np.power(a, b)
        left = b * np.power(a, b - 1) if da else 0.0
        right = value * np.log(a) if db else 0.0
        return value, _add(da, db, left, right)
    raise ParameterError(f"cannot evaluate operator {op!r}")


def _scale(grads: dict, factor) -> dict:
    return {k: v * factor for k, v in grads.items()}


def _add(da: dict, db: dict, wa, wb) -> dict:
    out = {k: v * wa for k, v in da.items()}
    for k, v in db.items():
        out[k] = out[k] + v * wb if k in out else v * wb
    return out
