"""General parameter-shift rules: a gate's frequencies and the shifts and weights that give d/da exactly.

For a gate ``U(a) = exp(-i a G) V`` the expectation value is a trigonometric polynomial
``E(a) = c + sum_l b_l sin(W_l a) + ...`` whose frequencies ``W_l`` are the positive
differences of ``G``'s eigenvalues. With ``R`` frequencies, ``R`` symmetric shifts ``x_m``
give ``E'(a) = sum_m w_m (E(a + x_m) - E(a - x_m))`` (Wierichs et al., Quantum 6, 677 (2022)).
Pauli rotations have the one frequency 1: the familiar ``(E(a + pi/2) - E(a - pi/2)) / 2``.

>>> from qfusion.circuit import standard_gate
>>> rule = shift_rule(lambda a: standard_gate("rx", a).matrix(), 0.3)
>>> rule.shifts, rule.weights
((1.5707963267948966,), (0.5,))
>>> [round(w, 6) for w in shift_rule(lambda a: standard_gate("crx", a).matrix(), 0.3).weights]
[0.426777, -0.073223]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from qfusion.errors import CircuitError

_TOL = 1e-7


@dataclass(frozen=True)
class ShiftRule:
    """``E'(a) = sum_m weights[m] * (E(a + shifts[m]) - E(a - shifts[m]))``.

    >>> ShiftRule(frequencies=(1.0,), shifts=(np.pi / 2,), weights=(0.5,))  # a Pauli rotation's rule
    ShiftRule(frequencies=(1.0,), shifts=(1.5707963267948966,), weights=(0.5,))
    """
    frequencies: tuple[float, ...]
    shifts: tuple[float, ...]
    weights: tuple[float, ...]


def generator_frequencies(matrix_at, a: float) -> tuple[float, ...]:
    """The positive differences of the eigenvalues of ``G`` in ``U(a + t) = exp(-i t G) U(a)``.

    Raises :class:`CircuitError` when the gate is not of that form in this parameter (then no
    finite shift rule exists; use finite differences).

    >>> from qfusion.circuit import standard_gate
    >>> [round(w, 9) for w in generator_frequencies(lambda a: standard_gate("rz", a).matrix(), 0.1)]
    [1.0]
    >>> [round(w, 9) for w in generator_frequencies(lambda a: standard_gate("crx", a).matrix(), 0.1)]
    [0.5, 1.0]
    """
    base = matrix_at(a)
    step = matrix_at(a + 1.0) @ base.conj().T
    double = matrix_at(a + 2.0) @ base.conj().T
    if not np.allclose(step @ step, double, atol=1e-9):
        raise CircuitError("the gate is not exp(-i a G) times a fixed unitary in this parameter, so no "
                           "parameter-shift rule applies; use finite differences")
    eigenvalues = -np.angle(np.linalg.eigvals(step))
    differences = np.abs(eigenvalues[:, None] - eigenvalues[None, :]).reshape(-1)
    differences = np.minimum(differences, 2 * math.pi - differences)  # phases are known mod 2 pi
    found: list[float] = []
    for d in sorted(differences):
        if d > _TOL and all(abs(d - f) > 1e-6 for f in found):
            found.append(float(d))
    return tuple(found)


def shift_rule(matrix_at, a: float) -> ShiftRule:
    """The shift rule of the gate ``matrix_at(a)`` in its parameter (see the module docstring).

    >>> from qfusion.circuit import standard_gate
    >>> rule = shift_rule(lambda a: standard_gate("ry", a).matrix(), 0.0)
    >>> energy = lambda a: np.cos(a)  # <Z> after ry(a) on |0>
    >>> a = 0.7
    >>> derivative = sum(w * (energy(a + s) - energy(a - s)) for s, w in zip(rule.shifts, rule.weights))
    >>> bool(np.isclose(derivative, -np.sin(a)))
    True
    """
    frequencies = generator_frequencies(matrix_at, a)
    if not frequencies:
        return ShiftRule((), (), ())
    base = frequencies[0]
    ratios = [f / base for f in frequencies]
    if all(abs(r - round(r)) < 1e-6 for r in ratios):
        count = int(round(ratios[-1]))
        frequencies = tuple(base * (k + 1) for k in range(count))
        shifts = tuple((2 * m - 1) * math.pi / (2 * count * base) for m in range(1, count + 1))
    else:
        count = len(frequencies)
        shifts = tuple((2 * m - 1) * math.pi / (2 * count * frequencies[-1]) for m in range(1, count + 1))
    system = np.array([[2 * math.sin(f * x) for f in frequencies] for x in shifts])
    if np.linalg.cond(system) > 1e8:
        raise CircuitError(f"no well-conditioned shift rule for frequencies {frequencies}; use finite differences")
    weights = np.linalg.solve(system.T, np.array(frequencies))
    return ShiftRule(tuple(frequencies), shifts, tuple(float(w) for w in weights))
