"""The standard noise channels, parameterised as ``qiskit_aer.noise`` parameterises them.

``depolarizing(p)`` is ``qiskit_aer.noise.depolarizing_error(p, n)``,
``amplitude_damping(gamma)`` is ``amplitude_damping_error(gamma)``, and so on, so a
parameter means the same thing in both libraries (the tests compare the superoperators).

>>> import numpy as np
>>> channel = depolarizing(0.1)
>>> round(channel.pauli_probabilities["I"], 3)
0.925
>>> relax = thermal_relaxation(t1=50e-6, t2=30e-6, time=1e-6)
>>> rho = relax.apply(np.array([[0, 0], [0, 1]], dtype=complex))
>>> bool(abs(rho[1, 1].real - np.exp(-1 / 50)) < 1e-12)
True
"""

from __future__ import annotations

import math
from dataclasses import replace
from functools import lru_cache
from typing import Any

import numpy as np

from qfusion.errors import NoiseError
from qfusion.noise.channel import PAULI_MATRICES, Channel, _pauli_labels


def _probability(value, what: str, upper: float = 1.0) -> float:
    value = float(value)
    if not 0.0 <= value <= upper + 1e-12 or math.isnan(value):
        raise NoiseError(f"{what} must be between 0 and {upper:g}, got {value!r}")
    return min(value, upper)


def depolarizing(p: float, num_qubits: int = 1) -> Channel:
    """``rho -> (1 - p) rho + p I / 2^n``: each non-identity Pauli with probability ``p / 4^n``.

    As ``qiskit_aer.noise.depolarizing_error(p, num_qubits)``; ``p`` may go up to ``4^n / (4^n - 1)``.

    >>> sorted(depolarizing(0.2, 2).pauli_probabilities.items())[:2]
    [('II', 0.8125), ('IX', 0.0125)]
    """
    if num_qubits not in (1, 2, 3, 4):
        raise NoiseError(f"depolarizing channels are for 1 to 4 qubits, got {num_qubits!r}")
    size = 4 ** num_qubits
    p = _probability(p, "the depolarizing parameter p", size / (size - 1))
    labels = _pauli_labels(num_qubits)
    probabilities = {label: p / size for label in labels}
    probabilities[labels[0]] = 1 - p * (size - 1) / size
    return Channel.from_pauli(probabilities, "depolarizing")


def pauli_channel(probabilities) -> Channel:
    """A Pauli channel from ``{label: probability}`` (labels as Qiskit: rightmost letter on qubit 0).

    >>> pauli_channel({"I": 0.7, "X": 0.1, "Y": 0.1, "Z": 0.1}).is_pauli
    True
    """
    return Channel.from_pauli(probabilities, "pauli")


def bit_flip(p: float) -> Channel:
    """``X`` with probability ``p``.

    >>> bit_flip(0.1).pauli_probabilities
    {'I': 0.9, 'X': 0.1}
    """
    p = _probability(p, "the bit-flip probability")
    return Channel.from_pauli({"I": 1 - p, "X": p}, "bit_flip")


def phase_flip(p: float) -> Channel:
    """``Z`` with probability ``p``.

    >>> phase_flip(0.25).pauli_probabilities
    {'I': 0.75, 'Z': 0.25}
    """
    p = _probability(p, "the phase-flip probability")
    return Channel.from_pauli({"I": 1 - p, "Z": p}, "phase_flip")


def amplitude_damping(gamma: float, excited_population: float = 0.0) -> Channel:
    """Energy relaxation: ``|1>`` decays to ``|0>`` with probability ``gamma`` (generalised towards
    a thermal state with ``excited_population`` in ``|1>``), as ``amplitude_damping_error``.

    >>> np.round(amplitude_damping(0.5).kraus[1].real, 3)
    array([[0.   , 0.707],
           [0.   , 0.   ]])
    """
    gamma = _probability(gamma, "the damping probability gamma")
    p1 = _probability(excited_population, "the excited-state population")
    kraus = []
    if p1 < 1:
        s = math.sqrt(1 - p1)
        kraus += [s * np.array([[1, 0], [0, math.sqrt(1 - gamma)]]), s * np.array([[0, math.sqrt(gamma)], [0, 0]])]
    if p1 > 0:
        s = math.sqrt(p1)
        kraus += [s * np.array([[math.sqrt(1 - gamma), 0], [0, 1]]), s * np.array([[0, 0], [math.sqrt(gamma), 0]])]
    return Channel.from_kraus(kraus, "amplitude_damping")


def phase_damping(lam: float) -> Channel:
    """Dephasing without energy loss: coherences shrink by ``sqrt(1 - lam)``, as ``phase_damping_error``.

    >>> rho = phase_damping(0.36).apply(np.full((2, 2), 0.5, dtype=complex))
    >>> round(float(rho[0, 1].real), 6)
    0.4
    """
    lam = _probability(lam, "the dephasing probability lam")
    kraus = [np.array([[1, 0], [0, math.sqrt(1 - lam)]]), np.array([[0, 0], [0, math.sqrt(lam)]])]
    return Channel.from_kraus(kraus, "phase_damping")


def thermal_relaxation(t1: float, t2: float, time: float, excited_population: float = 0.0) -> Channel:
    """Relaxation (``T1``) and dephasing (``T2``) for ``time``, as ``thermal_relaxation_error``.

    Populations relax towards ``excited_population`` in ``|1>`` with ``exp(-time / t1)``,
    coherences decay as ``exp(-time / t2)``. Physical only for ``t2 <= 2 t1``; times share one unit.

    >>> thermal_relaxation(t1=10.0, t2=30.0, time=1.0)
    Traceback (most recent call last):
    ...
    qfusion.errors.NoiseError: T2 = 30 exceeds 2*T1 = 20: no physical qubit has T2 > 2 T1

    Equal parameters give the same (immutable) channel object, built once: idle noise asks for
    one per idle stretch, and its Choi decomposition is the expensive part.

    >>> thermal_relaxation(1.0, 0.5, 0.1) is thermal_relaxation(1.0, 0.5, 0.1)
    True
    """
    return _thermal_relaxation(float(t1), float(t2), float(time), float(excited_population))


@lru_cache(maxsize=4096)
def _thermal_relaxation(t1: float, t2: float, time: float, excited_population: float) -> Channel:
    if not t1 > 0 or not t2 > 0:
        raise NoiseError(f"T1 and T2 must be positive, got T1 = {t1:g}, T2 = {t2:g}")
    if t2 > 2 * t1 * (1 + 1e-12):
        raise NoiseError(f"T2 = {t2:g} exceeds 2*T1 = {2 * t1:g}: no physical qubit has T2 > 2 T1")
    if not time >= 0:
        raise NoiseError(f"the relaxation time must be non-negative, got {time:g}")
    pe = _probability(excited_population, "the excited-state population")
    p_reset = 1 - math.exp(-time / t1) if t1 != math.inf else 0.0
    coherence = math.exp(-time / t2) if t2 != math.inf else 1.0
    choi = np.array([[1 - pe * p_reset, 0, 0, coherence],
                     [0, pe * p_reset, 0, 0],
                     [0, 0, (1 - pe) * p_reset, 0],
                     [coherence, 0, 0, 1 - (1 - pe) * p_reset]], dtype=complex)
    channel = Channel.from_choi(choi, "thermal_relaxation")
    if t2 > t1:
        return channel
    # T2 <= T1: the same map is a fixed mixture of identity, Z and resets (as qiskit-aer writes it)
    p_z = (1 - p_reset) * (1 - coherence / (1 - p_reset)) / 2 if p_reset < 1 else 0.0
    mixture = ((1 - p_reset - p_z, ("unitary", np.eye(2))), (p_z, ("unitary", np.diag([1.0, -1.0]))),
               (p_reset * (1 - pe), ("reset", 0)), (p_reset * pe, ("reset", 1)))
    return replace(channel, mixture=tuple((max(p, 0.0), op) for p, op in mixture if p > 0))


def relaxation_fidelity(time: float, t1: float, t2: float) -> float:
    """Entanglement fidelity of :func:`thermal_relaxation` for ``time`` (towards ``|0>``):
    ``(1 + e^{-time/T1} + 2 e^{-time/T2}) / 4``, what a schedule's success estimate multiplies.

    >>> round(relaxation_fidelity(1.0, 1.0, 1.0), 4)  # (1 + 3/e) / 4
    0.5259
    """
    return (1 + math.exp(-time / t1) + 2 * math.exp(-time / t2)) / 4


def erasure(p: float, action: str = "mixed") -> Channel:
    """Heralded loss: with probability ``p`` the qubit is erased and a flag is raised.

    The erased qubit is replaced by the maximally mixed state (``action="mixed"``) or by
    ``|0>`` (``action="reset"``); simulators report the flags in ``Result.metadata["erasures"]``.
    Its ``mixture`` lists the same outcomes at fixed probabilities, kinds ``"erased"`` and
    ``"erased_reset"`` marking the heralded ones.

    >>> channel = erasure(0.1)
    >>> channel.is_heralded, len(channel.kraus)
    (True, 5)
    """
    p = _probability(p, "the erasure probability")
    kraus = [math.sqrt(1 - p) * np.eye(2)] if p < 1 else []
    if action == "mixed":
        for i in range(2):
            for j in range(2):
                op = np.zeros((2, 2))
                op[i, j] = math.sqrt(p / 2)
                kraus.append(op)
    elif action == "reset":
        kraus += [math.sqrt(p) * np.array([[1, 0], [0, 0]]), math.sqrt(p) * np.array([[0, 1], [0, 0]])]
    else:
        raise NoiseError(f"erasure action must be 'mixed' or 'reset', got {action!r}")
    first = 1 if p < 1 else 0
    channel = Channel.from_kraus(kraus, "erasure", heralded=range(first, len(kraus)))
    # the same map at fixed probabilities: erased, the qubit gets a uniformly random Pauli
    # (its state becomes I/2) or is reset
    erased: tuple[tuple[float, tuple[str, Any]], ...]
    if action == "mixed":
        erased = tuple((p / 4, ("erased", PAULI_MATRICES[c])) for c in "IXYZ")
    else:
        erased = ((p, ("erased_reset", 0)),)
    mixture = (((1 - p, ("unitary", np.eye(2))),) if p < 1 else ()) + erased
    return replace(channel, mixture=tuple(item for item in mixture if item[0] > 0))


def coherent_overrotation(axis, angle: float) -> Channel:
    """A systematic over-rotation ``exp(-i angle/2 n.sigma)`` about ``axis`` ("x", "y", "z" or a 3-vector).

    >>> np.allclose(coherent_overrotation("x", np.pi).kraus[0], [[0, -1j], [-1j, 0]])
    True
    """
    if isinstance(axis, str):
        if axis.lower() not in ("x", "y", "z"):
            raise NoiseError(f"axis must be 'x', 'y', 'z' or a 3-vector, got {axis!r}")
        vector = np.array([axis.lower() == "x", axis.lower() == "y", axis.lower() == "z"], dtype=float)
    else:
        vector = np.asarray(axis, dtype=float)
        if vector.shape != (3,) or not np.linalg.norm(vector) > 0:
            raise NoiseError(f"axis must be a non-zero 3-vector, got {axis!r}")
        vector = vector / np.linalg.norm(vector)
    generator = vector[0] * PAULI_MATRICES["X"] + vector[1] * PAULI_MATRICES["Y"] + vector[2] * PAULI_MATRICES["Z"]
    angle = float(angle)
    unitary = math.cos(angle / 2) * np.eye(2) - 1j * math.sin(angle / 2) * generator
    return Channel.from_unitary(unitary, "coherent_overrotation")


def coherent_unitary(unitary) -> Channel:
    """Any unitary error ``rho -> U rho U^dagger`` (as ``coherent_unitary_error``).

    >>> from qfusion.circuit.gates import standard_gate
    >>> over = coherent_unitary(standard_gate("rx", 0.05).matrix())  # a small over-rotation
    >>> over.is_unitary, over.num_qubits
    (True, 1)
    """
    return Channel.from_unitary(unitary, "coherent_unitary")


def reset_channel(num_qubits: int = 1) -> Channel:
    """Reset every qubit to ``|0>`` (a channel: ``rho -> Tr(rho) |0><0|``).

    >>> reset_channel().apply(np.diag([0.0, 1.0])).real
    array([[1., 0.],
           [0., 0.]])
    """
    dim = 1 << num_qubits
    kraus = []
    for j in range(dim):
        op = np.zeros((dim, dim))
        op[0, j] = 1
        kraus.append(op)
    return Channel.from_kraus(kraus, "reset")
