"""Cirq gates as qfusion gates: ``(gate, phase)`` with ``exp(i phase) * gate`` equal to the Cirq gate.

Cirq's ``G**t`` gates (``XPowGate``, ``CZPowGate``, ...) carry an exponent ``t`` in half turns and a
global shift ``s``; each is a qfusion rotation times a phase. A phase is global for a gate on its
own, and becomes part of the gate (:func:`with_phase`) when the gate is controlled.

>>> import cirq
>>> from_cirq_gate(cirq.X ** 0.5)
(Gate('sx'), 0.0)
>>> from_cirq_gate(cirq.rx(0.3))
(Gate('rx', 0.3), 0.0)
>>> gate, phase = from_cirq_gate(cirq.XPowGate(exponent=0.25))
>>> gate, round(phase, 6)
(Gate('rx', 0.785398), 0.392699)
"""

from __future__ import annotations

import math
import numbers
from typing import Any, SupportsFloat, cast

from qfusion._optional import import_optional
from qfusion.circuit.circuit import Circuit
from qfusion.circuit.gates import Gate, StandardGate
from qfusion.circuit.modifiers import CircuitGate, ControlledGate, InverseGate, UnitaryGate
from qfusion.circuit.parameter import ParameterExpression
from qfusion.interop import _sympy

HALF_PI = math.pi / 2


def reverse_qubit_order(matrix):
    """A ``2^k x 2^k`` matrix with its qubit order reversed: little-endian <-> big-endian (Cirq's).

    >>> from qfusion.circuit import standard_gate
    >>> reverse_qubit_order(standard_gate("cx").matrix()).real.astype(int)  # Cirq's CNOT
    array([[1, 0, 0, 0],
           [0, 1, 0, 0],
           [0, 0, 0, 1],
           [0, 0, 1, 0]])
    """
    dim = matrix.shape[0]
    k = dim.bit_length() - 1
    axes = list(reversed(range(k))) + [k + i for i in reversed(range(k))]
    return matrix.reshape((2,) * (2 * k)).transpose(axes).reshape(dim, dim)


def is_zero(value) -> bool:
    return not isinstance(value, ParameterExpression) and float(value) == 0.0


def with_phase(gate: Gate, phase, label: str) -> Gate:
    """``exp(i phase) * gate`` as one gate: the gate itself when the phase is 0, else a circuit gate."""
    if is_zero(phase):
        return gate
    inner = Circuit(gate.num_qubits, global_phase=phase).append(gate, range(gate.num_qubits))
    return CircuitGate(inner, name=label)


def pi_times(value):
    """``pi * value`` for a Cirq number or sympy expression (half turns -> radians), computed in sympy
    so that ``pi * (theta / pi)`` is ``theta`` again."""
    if isinstance(value, numbers.Number):
        return math.pi * _sympy.from_cirq_value(value)
    sympy = import_optional("sympy", "Cirq interop")
    return _sympy.from_sympy(sympy.pi * value)


def _number(value) -> float | None:
    return float(cast(SupportsFloat, value)) if isinstance(value, numbers.Number) and not isinstance(value, complex) \
        else None


def _eigen(gate) -> tuple[Any, Any]:
    return gate.exponent, gate.global_shift


def _rotation(name: str, t, s):
    """``name(pi t)`` and the phase ``pi t (s + 1/2)`` that turns it into Cirq's ``G**t`` with shift ``s``."""
    return StandardGate(name, (pi_times(t),)), pi_times(t * (s + 0.5))


def _pick(t, s, names: dict):
    """A fixed gate when the exponent ``t`` is a key of ``names``, with its phase ``pi t s``."""
    number = _number(t)
    if number in names:
        return names[number], pi_times(t * s)
    return None


def x_pow(t, s=0.0):
    return _pick(t, s, {1.0: StandardGate("x"), 0.5: StandardGate("sx"), -0.5: StandardGate("sxdg")}) \
        or _rotation("rx", t, s)


def y_pow(t, s=0.0):
    return _pick(t, s, {1.0: StandardGate("y")}) or _rotation("ry", t, s)


def z_pow(t, s=0.0):
    if _number(s) == -0.5:
        return StandardGate("rz", (pi_times(t),)), 0.0
    names = {1.0: "z", 0.5: "s", -0.5: "sdg", 0.25: "t", -0.25: "tdg"}
    return _pick(t, s, {k: StandardGate(v) for k, v in names.items()}) or \
        (StandardGate("p", (pi_times(t),)), pi_times(t * s))


def _cx_pow(g):
    t, s = _eigen(g)
    if _number(t) == 1.0:
        return StandardGate("cx"), pi_times(t * s)
    # controlled X**t = controlled (exp(i pi t / 2) rx(pi t)) = cu(pi t, -pi/2, pi/2, pi t / 2)
    angle = pi_times(t)
    return StandardGate("cu", (angle, -HALF_PI, HALF_PI, angle / 2)), pi_times(t * s)


def _cz_pow(g):
    t, s = _eigen(g)
    return _pick(t, s, {1.0: StandardGate("cz")}) or (StandardGate("cp", (pi_times(t),)), pi_times(t * s))


def _doubly_controlled(sub, name: str | None):
    """CCX**t, CCZ**t: the shift is a global phase; the controlled part is X**t or Z**t unshifted."""
    def convert(g):
        t, s = _eigen(g)
        if _number(t) == 1.0 and name:
            return StandardGate(name), pi_times(t * s)
        base, phase = sub(t)
        return ControlledGate(with_phase(base, phase, str(g)), 2), pi_times(t * s)
    return convert


def _only_at(exponents: dict):
    """Gates that qfusion has at some exponents only (``H``, ``SWAP``, ``ISWAP``)."""
    return lambda g: _pick(*_eigen(g), exponents) or (None, 0.0)


def _phased_x(g):
    # Z**p X**t Z**-p = exp(i pi t / 2) rz(pi p) rx(pi t) rz(-pi p) = exp(i pi t / 2) u(pi t, pi p - pi/2, pi/2 - pi p)
    p, t, s = g.phase_exponent, g.exponent, g.global_shift
    angle = pi_times(p)
    return StandardGate("u", (pi_times(t), angle - HALF_PI, HALF_PI - angle)), pi_times(t * (s + 0.5))


def _phased_xz(g):
    # Z**z Z**a X**x Z**-a = exp(i pi x / 2) u(pi x, pi (a + z) - pi/2, pi/2 - pi a)
    x, z, a = g.x_exponent, g.z_exponent, g.axis_phase_exponent
    return StandardGate("u", (pi_times(x), pi_times(a + z) - HALF_PI, HALF_PI - pi_times(a))), pi_times(x) / 2


def _matrix_gate(g):
    cirq = import_optional("cirq", "Cirq interop")
    return UnitaryGate(reverse_qubit_order(cirq.unitary(g)), label=str(g)), 0.0


def from_cirq_gate(gate):
    """``(gate, phase)`` for a Cirq gate with an exact qfusion form, else ``(None, 0.0)``."""
    cirq = import_optional("cirq", "Cirq interop")
    converters = [
        (cirq.XPowGate, lambda g: x_pow(*_eigen(g))),
        (cirq.YPowGate, lambda g: y_pow(*_eigen(g))),
        (cirq.ZPowGate, lambda g: z_pow(*_eigen(g))),
        (cirq.HPowGate, _only_at({1.0: StandardGate("h")})),
        (cirq.CZPowGate, _cz_pow),
        (cirq.CXPowGate, _cx_pow),
        (cirq.SwapPowGate, _only_at({1.0: StandardGate("swap")})),
        (cirq.ISwapPowGate, _only_at({1.0: StandardGate("iswap"), -1.0: InverseGate(StandardGate("iswap"))})),
        (cirq.XXPowGate, lambda g: _rotation("rxx", *_eigen(g))),
        (cirq.YYPowGate, lambda g: _rotation("ryy", *_eigen(g))),
        (cirq.ZZPowGate, lambda g: _rotation("rzz", *_eigen(g))),
        (cirq.CCXPowGate, _doubly_controlled(x_pow, "ccx")),
        (cirq.CCZPowGate, _doubly_controlled(z_pow, None)),
        (cirq.CSwapGate, lambda g: (StandardGate("cswap"), 0.0)),
        (cirq.PhasedXPowGate, _phased_x),
        (cirq.PhasedXZGate, _phased_xz),
        (cirq.MatrixGate, _matrix_gate),
    ]
    for cls, convert in converters:
        if isinstance(gate, cls):
            return convert(gate)
    return None, 0.0
