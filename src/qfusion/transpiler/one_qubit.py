"""Single-qubit synthesis: Euler angles (ZYZ, U3) and each native single-qubit gate set.

A unitary is ``e^{iα} Rz(φ) Ry(θ) Rz(λ)``; the same angles give ``U3``, the ZXZ form, and the
``rz``-``sx`` form of superconducting machines (two ``sx`` pulses, virtual ``rz``; McKay et
al., PRA 96, 022330 (2017)). Angles that are zero are dropped, so a phase gate becomes one
``rz`` and a ``π/2`` rotation one ``sx``.

>>> import numpy as np
>>> from qfusion.circuit.gates import standard_gate
>>> gates, phase = synthesize_one_qubit(standard_gate("h").matrix(), "zsx")
>>> [g.name for g in gates]
['rz', 'sx', 'rz']
"""

from __future__ import annotations

import cmath
import math

import numpy as np

from qfusion.circuit.gates import Gate, standard_gate
from qfusion.errors import CircuitError

BASES = ("zyz", "zxz", "zsx", "u")
_TOL = 1e-10


def wrap_angle(angle: float) -> float:
    """``angle`` mapped into ``(-π, π]``.

    >>> import math
    >>> round(wrap_angle(3 * math.pi / 2), 6), round(wrap_angle(-math.pi), 6)
    (-1.570796, 3.141593)
    """
    wrapped = math.remainder(angle, 2 * math.pi)
    return math.pi if abs(wrapped + math.pi) < 1e-12 else wrapped


def zyz_angles(unitary: np.ndarray) -> tuple[float, float, float]:
    """``(θ, φ, λ)`` with ``unitary ∝ Rz(φ) Ry(θ) Rz(λ)``.

    >>> from qfusion.circuit.gates import standard_gate
    >>> [round(a, 6) for a in zyz_angles(standard_gate("x").matrix())]
    [3.141593, -1.570796, 1.570796]
    """
    (a, b), (c, d) = np.asarray(unitary, dtype=complex).tolist()
    root = cmath.sqrt(a * d - b * c)
    s00, s10, s11 = a / root, c / root, d / root
    theta = 2 * math.atan2(abs(s10), abs(s00))
    total = 2 * cmath.phase(s11) if abs(s11) > 1e-12 else 0.0
    difference = 2 * cmath.phase(s10) if abs(s10) > 1e-12 else 0.0
    return theta, wrap_angle((total + difference) / 2), wrap_angle((total - difference) / 2)


def _is_zero(angle: float) -> bool:
    return abs(wrap_angle(angle)) < _TOL


def _euler_gates(basis: str, theta: float, phi: float, lam: float) -> list[Gate]:
    if basis == "u":
        return [standard_gate("u", theta, phi, lam)]
    if abs(theta) < _TOL:
        return [] if _is_zero(phi + lam) else [standard_gate("rz", wrap_angle(phi + lam))]
    if basis == "zyz":
        middle, before, after = standard_gate("ry", theta), lam, phi
    elif basis == "zxz":
        middle, before, after = standard_gate("rx", theta), lam - math.pi / 2, phi + math.pi / 2
    elif basis == "zsx":
        before, after = lam - math.pi / 2, phi + math.pi / 2
        if abs(theta - math.pi / 2) < _TOL:
            middle = standard_gate("sx")
        elif abs(theta - math.pi) < _TOL:
            middle = standard_gate("x")
        else:
            # U3(θ, φ, λ) ∝ Rz(φ+π) SX Rz(θ+π) SX Rz(λ)
            gates = [standard_gate("rz", wrap_angle(lam)), standard_gate("sx"),
                     standard_gate("rz", wrap_angle(theta + math.pi)), standard_gate("sx"),
                     standard_gate("rz", wrap_angle(phi + math.pi))]
            return [g for g in gates if g.name != "rz" or not _is_zero(g.params[0])]
    else:
        raise CircuitError(f"unknown single-qubit basis {basis!r}; choose one of {', '.join(BASES)}")
    gates = [standard_gate("rz", wrap_angle(before)), middle, standard_gate("rz", wrap_angle(after))]
    return [g for g in gates if g.name != "rz" or not _is_zero(g.params[0])]


def gates_matrix(gates) -> np.ndarray:
    """The product of single-qubit gates applied in order.

    >>> import numpy as np
    >>> from qfusion.circuit.gates import standard_gate
    >>> bool(np.allclose(gates_matrix([standard_gate("h"), standard_gate("z"), standard_gate("h")]), standard_gate("x").matrix()))
    True
    """
    return np.array(_product(gates), dtype=complex).reshape(2, 2)


_SX = ((0.5 + 0.5j, 0.5 - 0.5j), (0.5 - 0.5j, 0.5 + 0.5j))
_X = ((0j, 1 + 0j), (1 + 0j, 0j))


def _entries(gate: Gate):
    """The 2x2 matrix of a gate the syntheses emit, as nested tuples of Python complex numbers."""
    name = gate.name
    if name == "rz":
        half = 0.5 * gate.params[0]
        return (cmath.exp(-1j * half), 0j), (0j, cmath.exp(1j * half))
    if name in ("rx", "ry"):
        half = 0.5 * gate.params[0]
        cos, sin = math.cos(half), math.sin(half)
        if name == "rx":
            return (complex(cos), -1j * sin), (-1j * sin, complex(cos))
        return (complex(cos), complex(-sin)), (complex(sin), complex(cos))
    if name == "sx":
        return _SX
    if name == "x":
        return _X
    (a, b), (c, d) = gate.matrix().tolist()
    return (a, b), (c, d)


def _product(gates):
    """The product of ``gates`` in order, as ``((a, b), (c, d))`` of Python complex numbers."""
    (a, b), (c, d) = (1 + 0j, 0j), (0j, 1 + 0j)
    for gate in gates:
        (e, f), (g, h) = _entries(gate)
        a, b, c, d = e * a + f * c, e * b + f * d, g * a + h * c, g * b + h * d
    return (a, b), (c, d)


def synthesize_one_qubit(unitary: np.ndarray, basis: str = "zyz") -> tuple[list[Gate], float]:
    """Gates of ``basis`` (``zyz``, ``zxz``, ``zsx`` or ``u``) equal to ``unitary`` times ``e^{-i phase}``.

    >>> import numpy as np
    >>> from qfusion.circuit.gates import standard_gate
    >>> u = standard_gate("u", 0.3, 0.2, 0.1).matrix()
    >>> gates, phase = synthesize_one_qubit(u, "zxz")
    >>> bool(np.allclose(np.exp(1j * phase) * gates_matrix(gates), u))
    True
    """
    unitary = np.asarray(unitary, dtype=complex)
    gates = _euler_gates(basis, *zyz_angles(unitary))
    product = [x for row in _product(gates) for x in row]
    target = unitary.ravel().tolist()
    largest = max(range(4), key=lambda k: abs(product[k]))
    return gates, cmath.phase(target[largest] / product[largest])
