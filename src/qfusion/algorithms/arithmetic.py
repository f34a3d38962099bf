"""Modular arithmetic from gates (Beauregard, quant-ph/0205095): Fourier-space adders, modular
adders, controlled modular multipliers, and the controlled ``|x> -> |a x mod N>`` of Shor's algorithm.

Registers are little-endian lists of qubits. In the Fourier basis of ``qft`` (qubit ``l`` carries
the phase ``exp(2 pi i b 2**l / 2**m)``), adding a constant ``a`` is one phase gate per qubit.

>>> import numpy as np
>>> from qfusion.circuit import Circuit
>>> from qfusion.sim import simulate
>>> layout = MultiplierLayout.for_modulus(15)
>>> c = Circuit(layout.num_qubits).x(layout.control).x(layout.x[0]).x(layout.x[1])   # x = 3
>>> c = c.compose(controlled_modular_multiplication(7, 15, layout))
>>> index = int(np.argmax(np.abs(np.asarray(simulate(c)))))
>>> layout.read(index, layout.x)   # 7 * 3 mod 15
6
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from qfusion.algorithms.qft import qft
from qfusion.circuit import Circuit, standard_gate
from qfusion.errors import CircuitError


@dataclass(frozen=True)
class MultiplierLayout:
    """Qubits of the controlled multiplier: one control, ``x`` (n qubits), ``b`` (n + 1), one ancilla.

    >>> MultiplierLayout.for_modulus(5)  # 3-bit numbers
    MultiplierLayout(control=0, x=(1, 2, 3), b=(4, 5, 6, 7), ancilla=8)
    """
    control: int
    x: tuple[int, ...]
    b: tuple[int, ...]
    ancilla: int

    @classmethod
    def for_modulus(cls, modulus: int, first: int = 0) -> MultiplierLayout:
        """The layout for numbers below ``modulus``, its qubits numbered from ``first``.


        >>> layout = MultiplierLayout.for_modulus(3, first=2)
        >>> layout.control, layout.x, layout.b, layout.ancilla
        (2, (3, 4), (5, 6, 7), 8)
        """
        n = modulus.bit_length()
        return cls(first, tuple(range(first + 1, first + 1 + n)), tuple(range(first + 1 + n, first + 2 + 2 * n)),
                   first + 2 + 2 * n)

    @property
    def num_qubits(self) -> int:
        """All the qubits up to the ancilla: ``2 n + 3`` for ``n``-bit numbers from qubit 0.


        >>> MultiplierLayout.for_modulus(15).num_qubits
        11
        """
        return self.ancilla + 1

    @staticmethod
    def read(index: int, register) -> int:
        """The integer a register holds in basis state ``index``.

        >>> MultiplierLayout.read(0b10110, (1, 2, 4))  # qubits 1, 2, 4 hold 1, 1, 1
        7
        """
        return sum(((index >> q) & 1) << j for j, q in enumerate(register))


def _phase(circuit: Circuit, angle: float, target: int, controls=()) -> None:
    angle = math.remainder(angle, 2 * math.pi)
    if abs(angle) < 1e-15:
        return
    if not controls:
        circuit.p(angle, target)
    elif len(controls) == 1:
        circuit.cp(angle, controls[0], target)
    else:
        circuit.append(standard_gate("p", angle).control(len(controls)), list(controls) + [target])


def fourier_add(circuit: Circuit, constant: int, register, controls=()) -> Circuit:
    """Add ``constant`` (mod ``2**len(register)``) to a register held in the Fourier basis.

    >>> import numpy as np
    >>> from qfusion.circuit import Circuit
    >>> from qfusion.algorithms.qft import qft
    >>> from qfusion.sim import simulate
    >>> c = Circuit(3).x(0).compose(qft(3, do_swaps=False))  # |1> in the Fourier basis
    >>> c = fourier_add(c, 5, (0, 1, 2)).compose(qft(3, do_swaps=False, inverse=True))
    >>> int(np.argmax(np.abs(np.asarray(simulate(c)))))  # 1 + 5
    6
    """
    m = len(register)
    for level, qubit in enumerate(register):
        _phase(circuit, 2 * math.pi * constant * 2 ** level / 2 ** m, qubit, controls)
    return circuit


def _transform(circuit: Circuit, register, inverse: bool) -> Circuit:
    return circuit.compose(qft(len(register), inverse=inverse), qubits=list(register))


def modular_add(circuit: Circuit, constant: int, modulus: int, layout: MultiplierLayout, controls) -> Circuit:
    """``b -> (b + constant) mod modulus`` on the Fourier-basis register ``b`` when both controls are 1
    (``b < modulus``, ``constant < modulus``); the ancilla returns to 0 (Beauregard's figure 5).

    >>> import numpy as np
    >>> from qfusion.circuit import Circuit
    >>> from qfusion.algorithms.qft import qft
    >>> from qfusion.sim import simulate
    >>> layout = MultiplierLayout.for_modulus(5)
    >>> c = Circuit(layout.num_qubits).x(layout.control).x(layout.x[0]).x(layout.b[2])  # b = 4
    >>> c = c.compose(qft(len(layout.b)), qubits=layout.b)
    >>> c = modular_add(c, 3, 5, layout, (layout.control, layout.x[0]))
    >>> c = c.compose(qft(len(layout.b), inverse=True), qubits=layout.b)
    >>> layout.read(int(np.argmax(np.abs(np.asarray(simulate(c))))), layout.b)  # (4 + 3) mod 5
    2
    """
    b, msb = layout.b, layout.b[-1]
    fourier_add(circuit, constant, b, controls)
    fourier_add(circuit, -modulus, b)
    circuit = _transform(circuit, b, inverse=True)
    circuit.cx(msb, layout.ancilla)
    circuit = _transform(circuit, b, inverse=False)
    fourier_add(circuit, modulus, b, (layout.ancilla,))
    fourier_add(circuit, -constant, b, controls)
    circuit = _transform(circuit, b, inverse=True)
    circuit.x(msb).cx(msb, layout.ancilla).x(msb)
    circuit = _transform(circuit, b, inverse=False)
    return fourier_add(circuit, constant, b, controls)


def controlled_multiply_add(constant: int, modulus: int, layout: MultiplierLayout) -> Circuit:
    """``|c>|x>|b> -> |c>|x>|(b + constant * x) mod modulus>`` when ``c`` is 1.

    >>> import numpy as np
    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim import simulate
    >>> layout = MultiplierLayout.for_modulus(5)
    >>> c = Circuit(layout.num_qubits).x(layout.control).x(layout.x[1])  # x = 2, b = 0
    >>> c = c.compose(controlled_multiply_add(3, 5, layout))
    >>> layout.read(int(np.argmax(np.abs(np.asarray(simulate(c))))), layout.b)  # 3 * 2 mod 5
    1
    """
    circuit = Circuit(layout.num_qubits, name=f"cmult({constant})")
    circuit = _transform(circuit, layout.b, inverse=False)
    for j, qubit in enumerate(layout.x):
        circuit = modular_add(circuit, (constant * 2 ** j) % modulus, modulus, layout, (layout.control, qubit))
    return _transform(circuit, layout.b, inverse=True)


def controlled_modular_multiplication(constant: int, modulus: int, layout: MultiplierLayout) -> Circuit:
    """``|c>|x>|0> -> |c>|constant * x mod modulus>|0>`` when ``c`` is 1 (``x < modulus``); needs
    ``gcd(constant, modulus) == 1`` so that the inverse multiplier can clear the work register.

    >>> import numpy as np
    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim import simulate
    >>> layout = MultiplierLayout.for_modulus(5)
    >>> c = Circuit(layout.num_qubits).x(layout.control).x(layout.x[0]).x(layout.x[1])  # x = 3
    >>> c = c.compose(controlled_modular_multiplication(2, 5, layout))
    >>> layout.read(int(np.argmax(np.abs(np.asarray(simulate(c))))), layout.x)  # 2 * 3 mod 5
    1
    """
    if math.gcd(constant, modulus) != 1:
        raise CircuitError(f"{constant} has no inverse modulo {modulus}; modular multiplication needs "
                           f"gcd(a, N) = 1")
    circuit = controlled_multiply_add(constant % modulus, modulus, layout)
    for xq, bq in zip(layout.x, layout.b, strict=False):
        circuit.cswap(layout.control, xq, bq)
    undo = controlled_multiply_add(pow(constant, -1, modulus), modulus, layout).inverse()
    return circuit.compose(undo)
