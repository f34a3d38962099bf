"""Shor's algorithm: order finding with modular-exponentiation circuits built from gates, then
continued fractions.

Order finding estimates the phase ``s / r`` of ``U_a|x> = |a x mod N>``. The ``2n`` phase
bits (``n = N.bit_length()``) come from one control qubit, reused (Kitaev's semiclassical
QFT, Beauregard's figure 8): round ``k`` applies the controlled multiplier by ``a**(2**(2n-1-k))``,
the phase corrections conditioned on the bits already measured, and measures bit ``k``. So
the circuit needs ``2n + 3`` qubits: 11 for 15, 13 for 21, 15 for 35.

>>> result = shor(15, seed=1)
>>> sorted(result.factors)
[3, 5]
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from fractions import Fraction

from qfusion.algorithms.arithmetic import MultiplierLayout, controlled_modular_multiplication
from qfusion.circuit import Circuit
from qfusion.errors import CircuitError, QfusionError
from qfusion.primitives import Sampler


@dataclass(frozen=True)
class ShorResult:
    """The factors found (``p * q == N``), the base ``a`` and order ``r`` that gave them, and the runs.

    >>> result = shor(21, seed=3)
    >>> sorted(result.factors), result.number, result.method
    ([3, 7], 21, 'order finding')
    """
    number: int
    factors: tuple[int, int]
    base: int | None
    order: int | None
    attempts: tuple[dict, ...] = field(default_factory=tuple)
    method: str = "order finding"


def order_finding_circuit(base: int, modulus: int) -> Circuit:
    """The semiclassical order-finding circuit; clbit ``k`` holds bit ``k`` of ``y`` with ``y / 2**(2n)``
    close to ``s / r``.

    >>> c = order_finding_circuit(2, 15)
    >>> c.num_clbits  # 2n bits of y for n = 4
    8
    """
    if math.gcd(base, modulus) != 1 or not 1 < base < modulus:
        raise CircuitError(f"the base must be in 2..N-1 and coprime to N = {modulus}, got {base}")
    layout = MultiplierLayout.for_modulus(modulus)
    bits = 2 * modulus.bit_length()
    circuit = Circuit(layout.num_qubits, bits, name=f"order_finding({base}, {modulus})")
    circuit.x(layout.x[0])  # |x> = |1>
    control = layout.control
    for k in range(bits):
        circuit.h(control)
        power = pow(base, 2 ** (bits - 1 - k), modulus)
        if power != 1:
            circuit = circuit.compose(controlled_modular_multiplication(power, modulus, layout))
        for earlier in range(k):
            circuit.p(-math.pi / 2 ** (k - earlier), control).c_if(earlier, 1)
        circuit.h(control)
        circuit.measure(control, k)
        if k < bits - 1:
            circuit.reset(control)
    return circuit


def order_from_phase(measured: int, bits: int, base: int, modulus: int) -> int | None:
    """The order ``r`` of ``base`` mod ``modulus`` from ``y / 2**bits`` by continued fractions
    (convergents with denominators below ``modulus``, and their small multiples), or None.

    >>> order_from_phase(192, 8, 7, 15)   # 192 / 256 = 3/4
    4
    """
    if measured == 0:
        return None
    phase = Fraction(measured, 2 ** bits)
    for limit in range(1, modulus):
        denominator = phase.limit_denominator(limit).denominator
        for multiple in range(1, 4):
            r = denominator * multiple
            if r < modulus and pow(base, r, modulus) == 1:
                return r
    return None


def factors_from_order(base: int, order: int, modulus: int) -> tuple[int, int] | None:
    """``gcd(a**(r/2) +- 1, N)`` when ``r`` is even and ``a**(r/2) != -1 mod N``.

    >>> factors_from_order(7, 4, 15)
    (3, 5)
    """
    if order % 2:
        return None
    half = pow(base, order // 2, modulus)
    if half == modulus - 1:
        return None
    for candidate in (math.gcd(half - 1, modulus), math.gcd(half + 1, modulus)):
        if 1 < candidate < modulus:
            return min(candidate, modulus // candidate), max(candidate, modulus // candidate)
    return None


def _classical_factor(number: int) -> tuple[int, int] | None:
    """Even numbers and perfect powers, which order finding cannot split."""
    if number % 2 == 0:
        return 2, number // 2
    for exponent in range(2, number.bit_length() + 1):
        root = round(number ** (1 / exponent))
        for r in (root - 1, root, root + 1):
            if r > 1 and r ** exponent == number:
                return r, number // r
    return None


def shor(number: int, *, backend="statevector", shots: int = 4, max_attempts: int = 10, base: int | None = None,
         seed=None) -> ShorResult:
    """Factor ``number`` (an odd composite, not a prime power) with quantum order finding.

    Bases are drawn at random among those coprime to ``number`` (a base sharing a factor
    would give the answer by ``gcd`` without any quantum step, so none is used); each base's
    circuit runs ``shots`` shots, and each outcome is tried by continued fractions. ``base``
    fixes the base instead.

    >>> sorted(shor(15, base=7, seed=0).factors)
    [3, 5]
    """
    if int(number) != number or number < 4:
        raise CircuitError(f"shor needs a composite integer of at least 4, got {number!r}")
    number = int(number)
    if all(number % d for d in range(2, math.isqrt(number) + 1)):
        raise CircuitError(f"{number} is prime; there is nothing to factor")
    classical = _classical_factor(number)
    if classical is not None:
        return ShorResult(number, classical, None, None, (), "classical (even or a perfect power)")
    rng = random.Random(seed)
    bases = [a for a in range(2, number - 1) if math.gcd(a, number) == 1]
    chosen = base
    attempts = []
    for _ in range(max_attempts):
        base = rng.choice(bases) if chosen is None else chosen
        circuit = order_finding_circuit(base, number)
        frequencies: dict[str, float] = Sampler(backend, shots=shots, seed=rng.randrange(2 ** 32)).run(
            circuit).probabilities.item()
        bits = circuit.num_clbits
        for key in sorted(frequencies, key=lambda k: frequencies[k], reverse=True):
            order = order_from_phase(int(key, 2), bits, base, number)
            found = factors_from_order(base, order, number) if order else None
            attempts.append({"base": base, "measured": int(key, 2), "bits": bits, "order": order,
                             "factors": found})
            if found:
                return ShorResult(number, found, base, order, tuple(attempts))
        if chosen is not None and any(a["order"] for a in attempts if a["base"] == chosen) and \
                not any(a["factors"] for a in attempts):
            raise QfusionError(f"base {chosen} has order {max(a['order'] or 0 for a in attempts)} mod {number}, "
                               f"which gives no factor (odd, or a**(r/2) = -1); choose another base")
    raise QfusionError(f"no factors of {number} found in {max_attempts} attempts (each with {shots} shots); "
                       f"try more attempts or shots, or another seed")
