"""The code library: memory experiments as qfusion circuits with detectors and a logical observable.

Every function returns a :class:`~qfusion.circuit.Circuit` (convert it with
:func:`qfusion.interop.to_stim`, sample it on ``backend="stabilizer"``, decode it with
:func:`qfusion.qec.logical_error_rate`). ``noise`` is a :class:`~qfusion.qec.noise.CircuitNoise`
(``qf.qec.noise.SD6(0.001)``, ``device("neutral_atom")``...), a string such as ``"sd6:0.001"``, or None.

>>> c = surface_code(3, rounds=3, noise="sd6:0.001")
>>> c.num_qubits, c.num_detectors
(17, 24)
>>> repetition_code(5, rounds=2).num_detectors
12
"""

from __future__ import annotations

from collections.abc import Callable

from qfusion.circuit.circuit import Circuit
from qfusion.errors import CircuitError
from qfusion.qec import layouts
from qfusion.qec.memory import memory_circuit
from qfusion.qec.noise import parse


def repetition_code(distance: int, rounds: int, *, basis: str = "Z", noise=None) -> Circuit:
    """The bit-flip repetition code of ``distance`` data qubits (any ``distance`` >= 2), Z memory.

    >>> c = repetition_code(3, rounds=2, noise="sd6:0.01")
    >>> c.num_qubits, c.num_detectors, c.num_observables
    (5, 6, 1)
    """
    return memory_circuit(layouts.repetition_layout(distance), rounds, basis, parse(noise))


def surface_code(distance: int, rounds: int, basis: str = "Z", rotated: bool = True, *, noise=None) -> Circuit:
    """The rotated (``d^2`` data qubits) or unrotated surface code memory in ``basis`` "Z" or "X".

    >>> surface_code(3, rounds=2).num_qubits, surface_code(3, rounds=2, rotated=False).num_qubits
    (17, 25)
    """
    layout = layouts.rotated_surface_layout(distance) if rotated else layouts.unrotated_surface_layout(distance)
    return memory_circuit(layout, rounds, basis, parse(noise))


def color_code(distance: int, rounds: int, basis: str = "Z", *, noise=None) -> Circuit:
    """The triangular 6.6.6 color code, X and Z stabilizers of each plaquette measured every round
    (decode it with ``decoder="bposd"``: its errors trigger three detectors).

    >>> c = color_code(3, rounds=1)
    >>> c.num_qubits, c.num_observables
    (13, 1)
    """
    return memory_circuit(layouts.color_layout(distance), rounds, basis, parse(noise))


def steane_code(rounds: int = 1, basis: str = "Z", *, noise=None) -> Circuit:
    """Steane's [[7,1,3]] code (the distance-3 color code).

    >>> c = steane_code(rounds=1, noise="sd6:0.001")
    >>> c.num_qubits, c.num_detectors
    (13, 6)
    """
    return memory_circuit(layouts.color_layout(3), rounds, basis, parse(noise))


def shor_code(rounds: int = 1, basis: str = "Z", *, noise=None) -> Circuit:
    """Shor's [[9,1,3]] code.

    >>> shor_code(rounds=2).num_qubits
    17
    """
    return memory_circuit(layouts.shor_layout(), rounds, basis, parse(noise))


CODES: dict[str, Callable[..., Circuit]] = {"repetition": repetition_code, "surface": surface_code, "unrotated_surface":
         lambda d, r, basis="Z", noise=None: surface_code(d, r, basis, rotated=False, noise=noise),
         "color": color_code}


def build(code: str, distance: int, rounds: int, basis: str = "Z", noise=None) -> Circuit:
    """A code by name (``"repetition"``, ``"surface"``, ``"unrotated_surface"``, ``"color"``, ``"steane"``, ``"shor"``).

    >>> build("surface", 3, 2).num_detectors == surface_code(3, 2).num_detectors
    True
    >>> build("toric", 3, 2)
    Traceback (most recent call last):
        ...
    qfusion.errors.CircuitError: unknown code 'toric'; codes: repetition, surface, unrotated_surface, color, steane, shor
    """
    if code == "steane":
        return steane_code(rounds, basis, noise=noise)
    if code == "shor":
        return shor_code(rounds, basis, noise=noise)
    if code not in CODES:
        raise CircuitError(f"unknown code {code!r}; codes: {', '.join(list(CODES) + ['steane', 'shor'])}")
    if code == "repetition":
        return repetition_code(distance, rounds, basis=basis, noise=noise)
    return CODES[code](distance, rounds, basis, noise=noise)
