"""Writing values as OpenQASM text: numbers, parameter expressions, identifiers, and 1-qubit
unitaries as ``U(θ, φ, λ)`` angles.

Numbers are written so that reading them back gives the same float (``repr``, or a
multiple of ``pi`` when the float is exactly that), and expressions with the parentheses
that rebuild the same tree, so round trips are exact.

>>> format_number(math.pi / 2), format_number(0.1), format_number(1e-20)
('pi/2', '0.1', '1.0e-20')
>>> from qfusion.circuit import Parameter
>>> theta = Parameter("theta")
>>> format_expression(theta * (theta - 1) / 2, {"theta": "theta"}, 3)
'theta*(theta - 1)/2'
>>> [round(x, 6) for x in zyz(np.array([[0, 1], [1, 0]]))]
[3.141593, -1.570796, 1.570796, 1.570796]
"""

from __future__ import annotations

import cmath
import math
import re

import numpy as np

from qfusion.circuit.parameter import Parameter, ParameterExpression
from qfusion.errors import QasmError
from qfusion.qasm.evaluate import _measure_tree

_PI_MULTIPLES: dict[float, str] = {}
for _den in (1, 2, 3, 4, 6, 8, 12, 16):
    for _num in range(1, 4 * _den + 1):
        if math.gcd(_num, _den) == 1:
            _value = (_num * math.pi if _num > 1 else math.pi) / _den if _den > 1 else _num * math.pi
            _text = ("pi" if _num == 1 else f"{_num}*pi") + (f"/{_den}" if _den > 1 else "")
            _PI_MULTIPLES.setdefault(_value, _text)

# how tightly each form binds when read back (see expressions.py): atoms 13, ** 12, unary 11, * / 10, + - 9
_ATOM, _POWER, _UNARY, _PRODUCT, _SUM = 13, 12, 11, 10, 9
_LEVELS = {"+": _SUM, "-": _SUM, "*": _PRODUCT, "/": _PRODUCT, "**": _POWER}
_FUNCTIONS_V2 = {"sin", "cos", "tan", "exp", "ln", "sqrt"}
_FUNCTIONS_V3 = {"sin", "cos", "tan", "exp", "ln", "sqrt", "arcsin", "arccos", "arctan"}


def format_number(value) -> str:
    """A number as OpenQASM text that reads back as exactly the same value.

    >>> format_number(-math.pi / 4), format_number(2), format_number(1e300)
    ('-pi/4', '2', '1.0e+300')
    """
    if isinstance(value, (bool, np.bool_)):
        raise QasmError(f"a boolean ({value}) is not a gate parameter")
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    value = float(value)
    if not math.isfinite(value):
        raise QasmError(f"cannot write the non-finite number {value} in OpenQASM")
    magnitude = abs(value)
    if magnitude in _PI_MULTIPLES:
        return ("-" if value < 0 else "") + _PI_MULTIPLES[magnitude]
    text = repr(value)
    if "e" in text and "." not in text:  # OpenQASM 2 wants a point in every real
        mantissa, exponent = text.split("e")
        text = f"{mantissa}.0e{exponent}"
    return text


def _number_level(text: str) -> int:
    if "*" in text or "/" in text:
        return _PRODUCT
    return _UNARY if text.startswith("-") else _ATOM


def format_expression(value, names: dict, version: int, max_depth: int = 200) -> str:
    """A number or parameter expression as OpenQASM text; ``names`` maps parameter names to identifiers.

    >>> from qfusion.circuit import Parameter
    >>> format_expression(Parameter("a") ** 2, {"a": "a"}, 2)
    'a^2'
    """
    if not isinstance(value, ParameterExpression):
        return format_number(value)
    depth, _ = _measure_tree(value, 10**7)
    if depth > max_depth:
        raise QasmError(f"parameter expression nested {depth} levels deep cannot be written "
                        f"(at most {max_depth}, as loads accepts)")
    return _write(value, names, version)[0]


def _write(node, names, version) -> tuple[str, int]:
    if isinstance(node, Parameter):
        return names[node.name], _ATOM
    if not isinstance(node, ParameterExpression):
        text = format_number(node)
        return text, _number_level(text)
    op, args = node._op, node._args
    if op == "fn":
        name, arg = args
        allowed = _FUNCTIONS_V3 if version >= 3 else _FUNCTIONS_V2
        if name not in allowed:
            raise QasmError(f"OpenQASM {version} has no function '{name}' (in {node})")
        if name == "ln" and version >= 3:
            name = "log"
        return f"{name}({_write(arg, names, version)[0]})", _ATOM
    if op == "neg":
        text, level = _write(args[0], names, version)
        return "-" + (f"({text})" if level <= _UNARY else text), _UNARY
    level = _LEVELS[op]
    left, left_level = _write(args[0], names, version)
    right, right_level = _write(args[1], names, version)
    if op == "**":
        left = f"({left})" if left_level <= _POWER else left
        right = f"({right})" if right_level < _UNARY or right.startswith("-") else right
        return f"{left}{'**' if version >= 3 else '^'}{right}", _POWER
    if left_level < level:
        left = f"({left})"
    if right_level <= level or right.startswith("-"):
        right = f"({right})"
    return (f"{left} {op} {right}" if level == _SUM else f"{left}{op}{right}"), level


_ASCII_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def identifier(name: str, used: set, version: int, prefix: str = "x") -> str:
    """A valid, unused OpenQASM identifier for ``name`` (itself when possible); adds it to ``used``.

    >>> used = {"h"}
    >>> identifier("h", used, 3), identifier("my reg", used, 3), identifier("Q", used, 2, "q")
    ('h_1', 'my_reg', 'q_Q')
    """
    if version >= 3:
        candidate = name if name.isidentifier() else re.sub(r"\W", "_", name)
    else:
        candidate = re.sub(r"[^A-Za-z0-9_]", "_", name)
    if version < 3 and not re.match(r"[a-z]", candidate):
        candidate = prefix + "_" + candidate  # OpenQASM 2 identifiers start with a lowercase letter
    elif not candidate.isidentifier() or (version < 3 and not _ASCII_IDENTIFIER.fullmatch(candidate)):
        candidate = prefix + "_" + candidate
    base, count = candidate, 0
    while candidate in used:
        count += 1
        candidate = f"{base}_{count}"
    used.add(candidate)
    return candidate


def zyz(matrix: np.ndarray) -> tuple[float, float, float, float]:
    """``(theta, phi, lam, phase)`` with ``matrix == exp(i phase) U(theta, phi, lam)`` for a 2x2 unitary.

    >>> [round(x, 6) for x in zyz(np.diag([1, 1j]))]
    [0.0, 0.785398, 0.785398, 0.0]
    """
    matrix = np.asarray(matrix, dtype=complex)
    det = matrix[0, 0] * matrix[1, 1] - matrix[0, 1] * matrix[1, 0]
    root = cmath.sqrt(det)
    special = matrix / root  # determinant 1: [[a, -b*], [b, a*]]
    a, b = special[0, 0], special[1, 0]
    theta = 2 * math.atan2(abs(b), abs(a))
    phi_plus_lam = -2 * cmath.phase(a) if abs(a) > 1e-14 else 0.0
    phi_minus_lam = 2 * cmath.phase(b) if abs(b) > 1e-14 else 0.0
    phi = (phi_plus_lam + phi_minus_lam) / 2
    lam = (phi_plus_lam - phi_minus_lam) / 2
    phase = cmath.phase(root) - phi_plus_lam / 2
    return theta, _wrap(phi), _wrap(lam), _wrap(phase)


def _wrap(angle: float) -> float:
    wrapped = math.remainder(angle, 2 * math.pi)
    return 0.0 if wrapped == 0 else wrapped


def duration_literal(duration) -> str:
    """A :class:`~qfusion.circuit.timing.Duration` as an OpenQASM 3 duration literal that reads back
    the same float (``µs`` is written ``us``).

    >>> from qfusion.circuit.timing import Duration
    >>> duration_literal(Duration(100, "ns")), duration_literal(Duration(1.2e-06)), duration_literal(Duration(2, "µs"))
    ('100ns', '1.2e-06s', '2us')
    """
    value = duration.value
    text = str(int(value)) if value == int(value) and abs(value) < 1e15 else repr(value)
    return text + ("us" if duration.unit == "µs" else duration.unit)
