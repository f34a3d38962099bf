"""qfusion parameter expressions <-> sympy, for Cirq (whose symbolic parameters are sympy's).

>>> from qfusion.circuit import Parameter
>>> theta = Parameter("theta")
>>> to_sympy(2 * theta + 1)
2*theta + 1
>>> from_sympy(to_sympy(2 * theta + 1)).bind({"theta": 0.25})
1.5
"""

from __future__ import annotations

import cmath
import numbers

from qfusion._optional import import_optional
from qfusion.circuit.parameter import Parameter, ParameterExpression, apply
from qfusion.errors import ParameterError

# qfusion function name -> sympy function name
_TO_SYMPY = {"sin": "sin", "cos": "cos", "tan": "tan", "exp": "exp", "ln": "log", "sqrt": "sqrt",
             "arcsin": "asin", "arccos": "acos", "arctan": "atan"}
_FROM_SYMPY = {value: key for key, value in _TO_SYMPY.items() if key != "sqrt"}


def _sympy():
    return import_optional("sympy", "Cirq interop")


def to_sympy(value):
    """A qfusion number or expression as a sympy expression."""
    sympy = _sympy()
    if not isinstance(value, ParameterExpression):
        return sympy.Float(float(value)) if not float(value).is_integer() else sympy.Integer(int(value))
    if isinstance(value, Parameter):
        return sympy.Symbol(value.name)
    op, args = value._op, value._args
    if op == "fn":
        return getattr(sympy, _TO_SYMPY[args[0]])(to_sympy(args[1]))
    values = [to_sympy(a) for a in args]
    if op == "neg":
        return -values[0]
    left, right = values
    return {"+": left + right, "-": left - right, "*": left * right, "/": left / right,
            "**": left ** right}[op]


def from_sympy(expr) -> ParameterExpression | float:
    """A sympy expression over symbols as a qfusion expression (a float when it has no symbol)."""
    sympy = _sympy()
    if not expr.free_symbols:
        number = complex(expr)
        if abs(number.imag) > 1e-12:
            raise ParameterError(f"complex parameter {expr} is not supported")
        return number.real
    if isinstance(expr, sympy.Symbol):
        return Parameter(expr.name)
    args = [from_sympy(a) for a in expr.args]
    if isinstance(expr, sympy.Add):
        return _fold(args, lambda a, b: a + b)
    if isinstance(expr, sympy.Mul):
        return _fold(args, lambda a, b: a * b)
    if isinstance(expr, sympy.Pow):
        base, exponent = args
        if exponent == 0.5:
            return apply("sqrt", base)
        if exponent == -1.0:
            return 1.0 / base
        return base ** exponent
    name = type(expr).__name__
    if name in _FROM_SYMPY and len(args) == 1:
        return apply(_FROM_SYMPY[name], args[0])
    raise ParameterError(f"cannot convert the sympy expression {expr}: {name} is not supported")


def _fold(values, combine):
    # numbers first, so that 2*theta reads as it prints
    values = sorted(values, key=lambda v: isinstance(v, ParameterExpression))
    result = values[0]
    for value in values[1:]:
        result = combine(result, value)
    return result


def from_cirq_value(value):
    """A Cirq gate parameter (number or sympy expression) as a float or qfusion expression."""
    if isinstance(value, numbers.Number):
        return float(value) if not isinstance(value, complex) else _real(value)
    return from_sympy(value)


def _real(value: complex) -> float:
    if abs(value.imag) > 1e-12:
        raise ParameterError(f"complex parameter {value} is not supported")
    return value.real


def phase_of(coefficient):
    """The angle ``phi`` of a global phase ``exp(i phi)`` given as a number or ``sympy.exp(I*phi)``."""
    if isinstance(coefficient, numbers.Number):
        return cmath.phase(complex(coefficient))
    sympy = _sympy()
    if isinstance(coefficient, sympy.exp):
        angle = sympy.simplify(coefficient.args[0] / sympy.I)
        if angle.is_real is not False:
            return from_sympy(angle)
    if not coefficient.free_symbols:
        return cmath.phase(complex(coefficient))
    raise ParameterError(f"cannot read the global phase {coefficient} as exp(i*angle)")


def equalities(expr) -> list[tuple[str, int]]:
    """``[(key, value), ...]`` from ``Eq(key, value)`` or an ``And`` of those."""
    sympy = _sympy()
    terms = expr.args if isinstance(expr, sympy.And) else (expr,)
    found = []
    for term in terms:
        if isinstance(term, sympy.Symbol):
            found.append((term.name, 1))
            continue
        if not isinstance(term, sympy.Eq):
            raise ParameterError(f"cannot convert the condition {expr}: only key == value and And of those")
        left, right = term.args
        if isinstance(right, sympy.Symbol):
            left, right = right, left
        if not (isinstance(left, sympy.Symbol) and right.is_Integer):
            raise ParameterError(f"cannot convert the condition {expr}: only key == value and And of those")
        found.append((left.name, int(right)))
    return found

