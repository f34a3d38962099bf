"""Quantum channels: Kraus operators, with the Pauli form kept when the channel has one.

Every matrix is little-endian over the channel's qubits (bit ``k`` of an index is the
``k``-th qubit the channel is applied to), and Pauli labels are written as Qiskit writes
them: the rightmost letter acts on qubit 0. Superoperators and Choi matrices use Qiskit's
column-stacking convention, so they can be compared entry by entry with
``qiskit.quantum_info.SuperOp`` and ``Choi``.

>>> import numpy as np
>>> flip = Channel.from_pauli({"I": 0.9, "X": 0.1})
>>> flip.is_pauli, flip.num_qubits
(True, 1)
>>> rho = np.array([[1, 0], [0, 0]], dtype=complex)
>>> np.round(flip.apply(rho).real, 3)
array([[0.9, 0. ],
       [0. , 0.1]])
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from qfusion.circuit.gates import Operation
from qfusion.errors import NoiseError

ATOL = 1e-9
PAULI_MATRICES = {
    "I": np.eye(2, dtype=complex),
    "X": np.array([[0, 1], [1, 0]], dtype=complex),
    "Y": np.array([[0, -1j], [1j, 0]], dtype=complex),
    "Z": np.array([[1, 0], [0, -1]], dtype=complex),
}


def pauli_matrix(label: str) -> np.ndarray:
    """The matrix of a Pauli label (rightmost letter on qubit 0).

    >>> int(pauli_matrix("XI").real[2, 0])
    1
    """
    matrix = np.ones((1, 1), dtype=complex)
    for char in label:  # leftmost letter is the most significant qubit: np.kron order
        if char not in PAULI_MATRICES:
            raise NoiseError(f"Pauli label {label!r} may only contain I, X, Y, Z")
        matrix = np.kron(matrix, PAULI_MATRICES[char])
    return matrix


@dataclass(frozen=True, eq=False)
class Channel:
    """A completely positive, trace-preserving map on ``num_qubits`` qubits.

    ``kraus`` are the Kraus operators (``2^n x 2^n``, little-endian over the qubits).
    ``pauli`` holds ``(label, probability)`` pairs when the channel is a Pauli channel, so
    simulators can apply it cheaply. ``heralded`` are the indices of the Kraus operators
    whose occurrence a simulator records as a flag (erasure). ``mixture``, when set, is the
    same channel as ``(probability, ("unitary", U) or ("reset", k))`` pairs with fixed
    probabilities (``"erased"``/``"erased_reset"``: the same, with the erasure flag raised)
    probabilities, which quantum trajectories sample without looking at the state. ``stages``,
    set by :meth:`compose` and :meth:`tensor`, are the ``(channel, qubits)`` factors the
    channel was built from, in order, so simulators can apply each in its cheap form. Build
    channels with the functions of :mod:`qfusion.noise.channels` or :meth:`from_kraus`.

    >>> Channel.from_kraus([np.eye(2)]).is_unitary
    True
    """
    kraus: tuple
    num_qubits: int
    name: str = "kraus"
    pauli: tuple | None = None
    heralded: frozenset = field(default_factory=frozenset)
    mixture: tuple | None = None
    stages: tuple = ()

    def __post_init__(self):
        dim = 1 << self.num_qubits
        for k in self.kraus:
            if k.shape != (dim, dim):
                raise NoiseError(f"a Kraus operator of a {self.num_qubits}-qubit channel must be "
                                 f"{dim}x{dim}, got {k.shape}")

    # -- construction ----------------------------------------------------------------------
    @classmethod
    def from_kraus(cls, kraus, name: str = "kraus", heralded=(), atol: float = ATOL) -> Channel:
        """A channel from Kraus operators; checks that they are square, of one size, and trace preserving.

        >>> Channel.from_kraus([np.eye(2) * 0.5])
        Traceback (most recent call last):
        ...
        qfusion.errors.NoiseError: the Kraus operators are not trace preserving: sum K^dagger K differs from the identity by 0.75 (probabilities must add up to 1)
        """
        ops = [np.array(k, dtype=complex) for k in kraus]
        if not ops:
            raise NoiseError("a channel needs at least one Kraus operator")
        dim = ops[0].shape[0]
        if dim & (dim - 1) or any(k.shape != (dim, dim) for k in ops):
            raise NoiseError(f"Kraus operators must be square matrices of one size 2^n, got "
                             f"{[k.shape for k in ops]}")
        kept = [(k, i in set(heralded)) for i, k in enumerate(ops) if np.any(np.abs(k) > atol * 1e-3)]
        channel = cls(tuple(k for k, _ in kept), dim.bit_length() - 1, name,
                      heralded=frozenset(i for i, (_, h) in enumerate(kept) if h))
        channel.check(atol)
        return channel

    @classmethod
    def from_pauli(cls, probabilities, name: str = "pauli", atol: float = ATOL) -> Channel:
        """A Pauli channel from ``{label: probability}`` (or pairs); ``rho -> sum_P p_P P rho P``.

        >>> Channel.from_pauli([("ZZ", 0.25), ("II", 0.75)]).pauli_probabilities
        {'II': 0.75, 'ZZ': 0.25}
        """
        items = list(probabilities.items() if hasattr(probabilities, "items") else probabilities)
        if not items:
            raise NoiseError("a Pauli channel needs at least one (label, probability)")
        sizes = {len(label) for label, _ in items}
        if len(sizes) != 1:
            raise NoiseError(f"Pauli labels must all have the same length, got {sorted(sizes)}")
        totals: dict[str, float] = {}
        for label, p in items:
            p = float(p)
            if p < -atol or p > 1 + atol:
                raise NoiseError(f"probability {p} of Pauli {label!r} is outside [0, 1]")
            pauli_matrix(label)
            totals[label] = totals.get(label, 0.0) + max(p, 0.0)
        if abs(sum(totals.values()) - 1) > atol:
            raise NoiseError(f"Pauli probabilities add up to {sum(totals.values())!r}, not 1")
        pairs = tuple(sorted((label, p) for label, p in totals.items() if p > 0))
        kraus = tuple(np.sqrt(p) * pauli_matrix(label) for label, p in pairs)
        return cls(kraus, sizes.pop(), name, pauli=pairs)

    @classmethod
    def from_unitary(cls, unitary, name: str = "unitary", atol: float = ATOL) -> Channel:
        """The channel ``rho -> U rho U^dagger``; checks that ``U`` is unitary.

        >>> x = np.array([[0, 1], [1, 0]])
        >>> channel = Channel.from_unitary(x, name="flip")
        >>> channel.is_unitary, channel.apply(np.diag([1.0, 0.0])).real
        (True, array([[0., 0.],
               [0., 1.]]))
        """
        unitary = np.array(unitary, dtype=complex)
        if unitary.ndim != 2 or unitary.shape[0] != unitary.shape[1] or \
                np.abs(unitary.conj().T @ unitary - np.eye(unitary.shape[0])).max() > atol:
            raise NoiseError("the matrix is not unitary: U^dagger U must be the identity")
        return cls.from_kraus([unitary], name, atol=atol)

    @classmethod
    def from_superoperator(cls, superoperator, name: str = "kraus", atol: float = ATOL) -> Channel:
        """A channel from its superoperator (column stacking, as ``qiskit.quantum_info.SuperOp``).

        >>> from qfusion.noise import bit_flip
        >>> same = Channel.from_superoperator(bit_flip(0.2).superoperator())
        >>> bool(np.allclose(same.apply(np.diag([1.0, 0.0])), np.diag([0.8, 0.2])))
        True
        """
        s = np.asarray(superoperator, dtype=complex)
        dim = int(round(np.sqrt(s.shape[0])))
        choi = s.reshape(dim, dim, dim, dim).transpose(3, 1, 2, 0).reshape(dim * dim, dim * dim)
        return cls.from_choi(choi, name, atol)

    @classmethod
    def from_choi(cls, choi, name: str = "kraus", atol: float = ATOL) -> Channel:
        """A channel from its Choi matrix (as ``qiskit.quantum_info.Choi``); checks complete positivity.

        >>> from qfusion.noise import depolarizing
        >>> same = Channel.from_choi(depolarizing(0.3).choi())
        >>> bool(np.allclose(same.superoperator(), depolarizing(0.3).superoperator()))
        True
        """
        choi = np.asarray(choi, dtype=complex)
        dim = int(round(np.sqrt(choi.shape[0])))
        if choi.shape != (dim * dim, dim * dim) or np.abs(choi - choi.conj().T).max() > atol:
            raise NoiseError("a Choi matrix must be a Hermitian 4^n x 4^n matrix")
        values, vectors = np.linalg.eigh(choi)
        if values.min() < -atol:
            raise NoiseError(f"the map is not completely positive: its Choi matrix has eigenvalue "
                             f"{values.min():.3g} < 0")
        kraus = [np.sqrt(v) * vectors[:, i].reshape(dim, dim).T
                 for i, v in enumerate(values) if v > atol * 1e-3]
        return cls.from_kraus(kraus, name, atol=atol)

    # -- properties ------------------------------------------------------------------------
    @property
    def is_pauli(self) -> bool:
        """Whether the channel is a mixture of Pauli operators (what stim and Pauli frames can sample).


        >>> from qfusion.noise import amplitude_damping, depolarizing
        >>> depolarizing(0.1).is_pauli, amplitude_damping(0.1).is_pauli
        (True, False)
        """
        return self.pauli is not None

    @property
    def pauli_probabilities(self) -> dict[str, float] | None:
        """``{label: probability}`` of a Pauli channel, else None.

        >>> from qfusion.noise import bit_flip
        >>> bit_flip(0.25).pauli_probabilities
        {'I': 0.75, 'X': 0.25}
        """
        return dict(self.pauli) if self.pauli is not None else None

    @property
    def is_unitary(self) -> bool:
        """Whether the channel has a single Kraus operator (a unitary).


        >>> from qfusion.noise import bit_flip
        >>> bit_flip(0.1).is_unitary, Channel.from_unitary(np.eye(2)).is_unitary
        (False, True)
        """
        return len(self.kraus) == 1 and not self.heralded

    @property
    def parts(self) -> tuple:
        """``(channel, qubits)`` factors whose application in order is this channel (itself if primitive).

        >>> from qfusion.noise import bit_flip
        >>> channel = bit_flip(0.1)
        >>> channel.parts == ((channel, (0,)),)
        True
        """
        return self.stages or ((self, tuple(range(self.num_qubits))),)

    @property
    def is_heralded(self) -> bool:
        """Whether some Kraus operators are heralded (an erasure: the simulator records that it happened).


        >>> from qfusion.noise import erasure, depolarizing
        >>> erasure(0.1).is_heralded, depolarizing(0.1).is_heralded
        (True, False)
        """
        return bool(self.heralded)

    @cached_property
    def key(self) -> tuple:
        """A value key for caches: channels with the same Kraus operators and heralds share it
        (channels compare by identity, so two equal channels built apart are different objects).

        >>> from qfusion.noise import depolarizing
        >>> depolarizing(0.1).key == depolarizing(0.1).key != depolarizing(0.2).key
        True
        """
        return (self.num_qubits, tuple(np.ascontiguousarray(k, dtype=complex).tobytes() for k in self.kraus),
                tuple(sorted(self.heralded)))

    def check(self, atol: float = ATOL) -> None:
        """Raise :class:`NoiseError` unless the Kraus operators are trace preserving.

        >>> Channel([np.eye(2) * 0.5], 1).check()  # loses half the trace
        Traceback (most recent call last):
            ...
        qfusion.errors.NoiseError: the Kraus operators are not trace preserving: sum K^dagger K differs from the identity by 0.75 (probabilities must add up to 1)
        """
        total = sum(k.conj().T @ k for k in self.kraus)
        deviation = float(np.abs(total - np.eye(1 << self.num_qubits)).max())
        if deviation > atol:
            raise NoiseError(f"the Kraus operators are not trace preserving: sum K^dagger K differs "
                             f"from the identity by {deviation:.3g} (probabilities must add up to 1)")

    def superoperator(self) -> np.ndarray:
        """``sum_k conj(K) (x) K``: acts on column-stacked density matrices (``qiskit.quantum_info.SuperOp``).

        >>> from qfusion.noise import bit_flip
        >>> bit_flip(0.5).superoperator().real
        array([[0.5, 0. , 0. , 0.5],
               [0. , 0.5, 0.5, 0. ],
               [0. , 0.5, 0.5, 0. ],
               [0.5, 0. , 0. , 0.5]])
        """
        return np.sum([np.kron(k.conj(), k) for k in self.kraus], axis=0)

    def choi(self) -> np.ndarray:
        """The Choi matrix ``sum_ij |i><j| (x) E(|i><j|)`` (``qiskit.quantum_info.Choi``).

        >>> Channel.from_unitary(np.eye(2)).choi().real  # the unnormalised Bell projector
        array([[1., 0., 0., 1.],
               [0., 0., 0., 0.],
               [0., 0., 0., 0.],
               [1., 0., 0., 1.]])
        """
        dim = 1 << self.num_qubits
        vectors = [k.T.reshape(-1) for k in self.kraus]  # column-stacked vec(K)
        return np.sum([np.outer(v, v.conj()) for v in vectors], axis=0).reshape(dim * dim, dim * dim)

    def pauli_transfer_diagonal(self) -> np.ndarray:
        """For a Pauli channel, the factor multiplying each Pauli component (index = base-4 digits,
        digit ``q`` for qubit ``q`` with I, X, Y, Z = 0..3).

        >>> from qfusion.noise import depolarizing
        >>> depolarizing(0.3).pauli_transfer_diagonal().round(6)  # I kept; X, Y, Z shrunk by 1 - p
        array([1. , 0.7, 0.7, 0.7])
        """
        if self.pauli is None:
            raise NoiseError("only a Pauli channel has a diagonal Pauli transfer matrix")
        n = self.num_qubits
        factors = np.zeros(4 ** n)
        for index, letters in enumerate(_pauli_labels(n)):
            factors[index] = sum(p * (1 if _commute(letters, label) else -1) for label, p in self.pauli)
        return factors

    # -- algebra ---------------------------------------------------------------------------
    def apply(self, rho: np.ndarray) -> np.ndarray:
        """``sum_k K rho K^dagger`` on a ``2^n x 2^n`` density matrix.

        >>> from qfusion.noise import amplitude_damping
        >>> amplitude_damping(0.25).apply(np.diag([0.0, 1.0])).real
        array([[0.25, 0.  ],
               [0.  , 0.75]])
        """
        return sum(k @ rho @ k.conj().T for k in self.kraus)

    def compose(self, other: Channel) -> Channel:
        """This channel followed by ``other`` (on the same qubits), as Qiskit's ``compose``.

        >>> flip = Channel.from_pauli({"X": 1.0})
        >>> flip.compose(flip).pauli_probabilities
        {'I': 1.0}
        """
        if other.num_qubits != self.num_qubits:
            raise NoiseError(f"cannot compose a {self.num_qubits}-qubit channel with a "
                             f"{other.num_qubits}-qubit one; use tensor for channels on different qubits")
        if self.pauli is not None and other.pauli is not None:
            probabilities: dict[str, float] = {}
            for (a, pa), (b, pb) in itertools.product(self.pauli, other.pauli):
                label = _pauli_product(a, b)
                probabilities[label] = probabilities.get(label, 0.0) + pa * pb
            return Channel.from_pauli(probabilities, _joined(self.name, other.name))
        kraus: list[np.ndarray] = []
        heralded: list[int] = []
        for (i, a), (j, b) in itertools.product(enumerate(self.kraus), enumerate(other.kraus)):
            if i in self.heralded or j in other.heralded:
                heralded.append(len(kraus))
            kraus.append(b @ a)
        kraus, heralded = _fewest_kraus(kraus, heralded)
        composed = Channel.from_kraus(kraus, _joined(self.name, other.name), heralded)
        return replace(composed, stages=self.parts + other.parts)

    def tensor(self, other: Channel) -> Channel:
        """``self (x) other``: ``other`` acts on the lower qubits (Qiskit's ``tensor``).

        >>> Channel.from_pauli({"X": 1.0}).tensor(Channel.from_pauli({"Z": 1.0})).pauli_probabilities
        {'XZ': 1.0}
        """
        if self.pauli is not None and other.pauli is not None:
            return Channel.from_pauli({a + b: pa * pb for (a, pa), (b, pb) in
                                       itertools.product(self.pauli, other.pauli)},
                                      _joined(self.name, other.name, "(x)"))
        kraus: list[np.ndarray] = []
        heralded: list[int] = []
        for (i, a), (j, b) in itertools.product(enumerate(self.kraus), enumerate(other.kraus)):
            if i in self.heralded or j in other.heralded:
                heralded.append(len(kraus))
            kraus.append(np.kron(a, b))
        kraus, heralded = _fewest_kraus(kraus, heralded)
        product = Channel.from_kraus(kraus, _joined(self.name, other.name, "(x)"), heralded)
        low = other.num_qubits
        shifted = tuple((channel, tuple(q + low for q in qubits)) for channel, qubits in self.parts)
        return replace(product, stages=other.parts + shifted)

    def expand(self, other: Channel) -> Channel:
        """``other (x) self``: ``other`` acts on the higher qubits.

        >>> from qfusion.noise import bit_flip, phase_flip
        >>> two = bit_flip(0.1).expand(phase_flip(0.2))
        >>> two.num_qubits, sorted(two.pauli_probabilities)
        (2, ['II', 'IX', 'ZI', 'ZX'])
        """
        return other.tensor(self)

    def to_operation(self) -> NoiseOperation:
        """This channel as an operation to append to a circuit (simulated by noisy backends).

        >>> from qfusion.circuit import Circuit
        >>> c = Circuit(1).x(0)
        >>> _ = c.append(Channel.from_pauli({"I": 0.5, "Z": 0.5}).to_operation(), [0])
        >>> c.count_ops()
        {'x': 1, 'pauli': 1}
        """
        return NoiseOperation(self)

    def to_dict(self) -> dict:
        """Plain data for JSON: Pauli probabilities or Kraus operators as ``[real, imag]`` nested lists.

        >>> from qfusion.noise import bit_flip
        >>> bit_flip(0.1).to_dict()
        {'name': 'bit_flip', 'num_qubits': 1, 'pauli': [['I', 0.9], ['X', 0.1]]}
        """
        out = {"name": self.name, "num_qubits": self.num_qubits}
        if self.pauli is not None:
            out["pauli"] = [[label, p] for label, p in self.pauli]
        else:
            out["kraus"] = [[k.real.tolist(), k.imag.tolist()] for k in self.kraus]
            if self.heralded:
                out["heralded"] = sorted(self.heralded)
        return out

    @classmethod
    def from_dict(cls, data: dict) -> Channel:
        """Inverse of :meth:`to_dict`.

        >>> from qfusion.noise import amplitude_damping
        >>> channel = amplitude_damping(0.3)
        >>> bool(np.allclose(Channel.from_dict(channel.to_dict()).superoperator(), channel.superoperator()))
        True
        """
        if "pauli" in data:
            return cls.from_pauli([tuple(pair) for pair in data["pauli"]], data.get("name", "pauli"))
        kraus = [np.array(re) + 1j * np.array(im) for re, im in data["kraus"]]
        return cls.from_kraus(kraus, data.get("name", "kraus"), data.get("heralded", ()))

    def __repr__(self) -> str:
        form = f"pauli={dict(self.pauli)}" if self.pauli is not None and len(self.pauli) <= 4 else \
            f"{len(self.kraus)} Kraus operators"
        return f"Channel({self.name!r}, num_qubits={self.num_qubits}, {form})"


class NoiseOperation(Operation):
    """A channel placed in a circuit; the noisy simulators apply it, unitary ones refuse it.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.noise import bit_flip
    >>> c = Circuit(1).append(NoiseOperation(bit_flip(0.1)), (0,))
    >>> c.instructions[0].name
    'bit_flip'
    """

    def __init__(self, channel: Channel):
        self.channel = channel
        self.name = channel.name
        self.num_qubits = channel.num_qubits

    def __eq__(self, other):
        return isinstance(other, NoiseOperation) and other.channel is self.channel

    def __hash__(self):
        return id(self.channel)

    def __repr__(self):
        return f"NoiseOperation({self.channel!r})"


def _fewest_kraus(kraus: list, heralded: list) -> tuple[list, list]:
    """The same map with at most ``4^n`` Kraus operators per group (heralded or not), from the
    eigenvectors of each group's Choi matrix: compositions of many-operator channels stay small."""
    dim = kraus[0].shape[0]
    flagged = set(heralded)
    out: list[np.ndarray] = []
    out_heralded: list[int] = []
    for group_flag in (False, True):
        group = [k for i, k in enumerate(kraus) if (i in flagged) == group_flag]
        if len(group) > dim * dim:
            vectors = np.array([k.T.reshape(-1) for k in group])
            values, eigenvectors = np.linalg.eigh(vectors.T @ vectors.conj())
            group = [np.sqrt(v) * eigenvectors[:, i].reshape(dim, dim).T
                     for i, v in enumerate(values) if v > ATOL * 1e-3]
        if group_flag:
            out_heralded += range(len(out), len(out) + len(group))
        out += group
    return out, out_heralded


def _joined(a: str, b: str, sep: str = "+") -> str:
    return a if a == b and sep == "+" else f"{a}{sep}{b}"


def _pauli_labels(n: int) -> list[str]:
    """Labels in the order of base-4 indices: digit q (I, X, Y, Z = 0..3) is qubit q."""
    labels = []
    for index in range(4 ** n):
        labels.append("".join("IXYZ"[(index >> (2 * q)) & 3] for q in reversed(range(n))))
    return labels


def _commute(a: str, b: str) -> bool:
    anticommuting = sum(1 for x, y in zip(a, b, strict=False) if x != "I" and y != "I" and x != y)
    return anticommuting % 2 == 0


_PRODUCT = {("X", "Y"): "Z", ("Y", "X"): "Z", ("Y", "Z"): "X", ("Z", "Y"): "X", ("X", "Z"): "Y", ("Z", "X"): "Y"}


def _pauli_product(a: str, b: str) -> str:
    """The label of ``P_a P_b`` up to phase (phases cancel in ``P rho P^dagger``)."""
    out = []
    for x, y in zip(a, b, strict=False):
        out.append(y if x == "I" else x if y == "I" else "I" if x == y else _PRODUCT[(x, y)])
    return "".join(out)
