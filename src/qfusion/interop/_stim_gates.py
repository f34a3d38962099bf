"""Tables shared by :mod:`qfusion.interop.stim`: gate names, Pauli channels, Clifford checks.

Stim's Pauli-channel arguments and qfusion's labels: a qfusion label's rightmost letter acts on
the channel's first qubit, a stim pair ``"XZ"`` puts ``X`` on the first target. Stim's
``DEPOLARIZE1(p)`` applies each of X, Y, Z with ``p/3``, which is qfusion's (and Qiskit's)
``depolarizing(4p/3)``; ``DEPOLARIZE2(p)`` is ``depolarizing(16p/15, 2)``.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

import numpy as np

from qfusion.circuit.gates import Gate, StandardGate
from qfusion.circuit.modifiers import UnitaryGate
from qfusion.errors import NoiseError, NonCliffordError
from qfusion.noise.channel import Channel

# qfusion standard gate -> stim gate (same matrix up to a global phase)
TO_STIM = {"id": "I", "x": "X", "y": "Y", "z": "Z", "h": "H", "s": "S", "sdg": "S_DAG", "sx": "SQRT_X",
           "sxdg": "SQRT_X_DAG", "cx": "CX", "cy": "CY", "cz": "CZ", "swap": "SWAP", "iswap": "ISWAP"}
FROM_STIM = {v: k for k, v in TO_STIM.items()} | {"CNOT": "cx", "ZCX": "cx", "ZCY": "cy", "ZCZ": "cz"}
PAULI_FEEDBACK = {"CX": "x", "CY": "y", "CZ": "z", "CNOT": "x", "ZCX": "x", "ZCY": "y", "ZCZ": "z"}
PAIRS_1 = ("X", "Y", "Z")
PAIRS_2 = tuple(a + b for a, b in itertools.product("IXYZ", repeat=2))[1:]   # stim's PAULI_CHANNEL_2 order
_ATOL = 1e-12


def is_stim_unitary(name: str) -> bool:
    """Whether ``name`` is one of stim's unitary (Clifford) gates."""
    import stim
    try:
        return stim.gate_data(name).is_unitary
    except (IndexError, ValueError):
        return False


def stim_gate(gate: Gate, qubits: tuple[int, ...], where: str) -> list[tuple[str, list[int]]]:
    """Stim ``(name, targets)`` pairs equal to ``gate`` on ``qubits`` up to a global phase;
    :class:`NonCliffordError` naming ``where`` when it is not a Clifford gate."""
    if isinstance(gate, StandardGate) and gate.name in TO_STIM:
        return [(TO_STIM[gate.name], list(qubits))]
    if isinstance(gate, UnitaryGate) and gate.label and is_stim_unitary(gate.label):
        return [(gate.label, list(qubits))]
    if gate.is_parameterized:
        raise NonCliffordError(f"{where}: {gate.name} has unbound parameters; bind them first")
    if gate.num_qubits > 3:
        raise NonCliffordError(f"{where}: {gate.name} on {gate.num_qubits} qubits is not checked for Clifford-ness")
    return [(name, [qubits[t] for t in targets]) for name, targets in _decomposed(gate.matrix().tobytes(),
                                                                                   gate.num_qubits, where)]


@lru_cache(maxsize=4096)
def _decomposed(matrix_bytes: bytes, num_qubits: int, where: str) -> tuple:
    import stim
    dim = 1 << num_qubits
    matrix = np.frombuffer(matrix_bytes, dtype=complex).reshape(dim, dim)
    try:
        tableau = stim.Tableau.from_unitary_matrix(matrix, endian="little")
        back = tableau.to_unitary_matrix(endian="little")
        overlap = abs(np.vdot(back.reshape(-1), matrix.reshape(-1))) / dim
    except ValueError:
        overlap = 0.0
    if abs(overlap - 1) > 1e-6:   # stim rounds non-Clifford matrices to a Clifford (in complex64): check
        raise NonCliffordError(f"{where} is not a Clifford gate; the stabilizer backend and stim run Clifford "
                               f"circuits only (use backend='statevector' or 'mps')")
    out = []
    for inst in tableau.to_circuit("elimination"):
        for group in inst.target_groups():
            out.append((inst.name, tuple(t.value for t in group)))
    return tuple(out)


def unitary_of(name: str) -> np.ndarray:
    """The little-endian matrix of stim gate ``name``."""
    import stim
    return stim.Tableau.from_named_gate(name).to_unitary_matrix(endian="little")


# -- noise ---------------------------------------------------------------------------------------
def channel_of(name: str, args: list[float]) -> Channel:
    """The qfusion channel of a stim Pauli noise instruction."""
    from qfusion.noise import bit_flip, depolarizing, pauli_channel, phase_flip
    if name == "X_ERROR":
        return bit_flip(args[0])
    if name == "Z_ERROR":
        return phase_flip(args[0])
    if name == "Y_ERROR":
        return pauli_channel({"I": 1 - args[0], "Y": args[0]})
    if name == "DEPOLARIZE1":
        return depolarizing(4 * args[0] / 3)
    if name == "DEPOLARIZE2":
        return depolarizing(16 * args[0] / 15, 2)
    if name == "PAULI_CHANNEL_1":
        return pauli_channel({"I": 1 - sum(args), **dict(zip(PAIRS_1, args, strict=False))})
    if name == "PAULI_CHANNEL_2":
        probabilities = {pair[::-1]: p for pair, p in zip(PAIRS_2, args, strict=False)}
        return pauli_channel({"II": 1 - sum(args), **probabilities})
    raise NoiseError(f"stim noise {name} has no qfusion channel")


def stim_noise(channel: Channel, qubits: tuple[int, ...], where: str, twirl: bool = False) -> list:
    """Stim ``(name, targets, args)`` for a channel: its Pauli form, heralded erasure, or (``twirl``)
    the Pauli twirl of a non-Pauli channel."""
    out = []
    for part, on in channel.parts:
        targets = [qubits[k] for k in on]
        if part.is_pauli:
            out += _pauli_instruction(part.pauli_probabilities, targets)
        elif _is_erasure(part):
            erased = sum(p for p, (kind, _) in part.mixture if kind == "erased")
            out.append(("HERALDED_ERASE", targets, [erased]))
        elif twirl:
            out += _pauli_instruction(pauli_twirl(part), targets)
        else:
            raise NoiseError(f"{where}: the {part.name} channel is not a Pauli channel, which stim cannot run; "
                             f"pass twirl=True for its Pauli twirl (an approximation) or use a Pauli model")
    return out


def _is_erasure(channel: Channel) -> bool:
    return (channel.num_qubits == 1 and channel.is_heralded and channel.mixture is not None
            and all(kind in ("unitary", "erased") for _, (kind, _) in channel.mixture))


def pauli_twirl(channel: Channel) -> dict[str, float]:
    """``{label: probability}`` of the Pauli twirl of ``channel``: ``sum_k |Tr(P K_k)|^2 / d^2``.

    >>> from qfusion.noise import amplitude_damping
    >>> {k: round(v, 4) for k, v in pauli_twirl(amplitude_damping(0.1)).items()}  # X, Y: gamma/4
    {'I': 0.9493, 'X': 0.025, 'Y': 0.025, 'Z': 0.0007}
    """
    from qfusion.noise.channel import pauli_matrix
    n = channel.num_qubits
    labels = ["".join(p) for p in itertools.product("IXYZ", repeat=n)]
    dim = 1 << n
    return {label: float(sum(abs(np.trace(pauli_matrix(label).conj().T @ k)) ** 2 for k in channel.kraus)) / dim ** 2
            for label in labels}


def _pauli_instruction(probabilities: dict[str, float], targets: list[int]) -> list:
    n = len(targets)
    if n == 1:
        args = [probabilities.get(p, 0.0) for p in PAIRS_1]
        return [_named_1(args, targets)] if sum(args) > 0 else []
    if n == 2:
        args = [probabilities.get(pair[::-1], 0.0) for pair in PAIRS_2]
        if sum(args) == 0:
            return []
        if max(args) - min(args) < _ATOL:
            return [("DEPOLARIZE2", targets, [sum(args)])]
        return [("PAULI_CHANNEL_2", targets, args)]
    raise NoiseError(f"stim has Pauli channels on 1 or 2 qubits, not {n} (split the channel)")


def _named_1(args: list[float], targets: list[int]) -> tuple:
    px, py, pz = args
    if py < _ATOL and pz < _ATOL:
        return ("X_ERROR", targets, [px])
    if px < _ATOL and py < _ATOL:
        return ("Z_ERROR", targets, [pz])
    if px < _ATOL and pz < _ATOL:
        return ("Y_ERROR", targets, [py])
    if max(args) - min(args) < _ATOL:
        return ("DEPOLARIZE1", targets, [px + py + pz])
    return ("PAULI_CHANNEL_1", targets, args)
