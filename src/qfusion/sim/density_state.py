"""The result of a density-matrix simulation, kept as Pauli components, and sampling helpers.

``t[index] = Tr(P rho)`` where qubit ``q``'s Pauli (I, X, Y, Z = 0..3) is the digit at index
bits ``(q, q + n)`` (see :mod:`qfusion.sim.density_ops`). Expectation values of Pauli sums
are look-ups, the diagonal is a Walsh-Hadamard transform of the ``{I, Z}`` components, and
the matrix is built only when asked for.

>>> import numpy as np
>>> rho = DensityMatrix.from_matrix(np.eye(2) / 2)
>>> rho.purity(), rho.expectation_value("Z"), rho.probabilities().tolist()
(0.5, 0.0, [0.5, 0.5])
>>> rho
DensityMatrix(num_qubits=1, purity=0.5)
"""

from __future__ import annotations

import numpy as np

from qfusion.circuit.unitary import apply_matrix
from qfusion.errors import CircuitError
from qfusion.sim.density_ops import FROM_PAULI, TO_PAULI
from qfusion.sim.plan import expectation_result, marginal_probabilities, pauli_terms

_DIGIT = {"I": 0, "X": 1, "Y": 2, "Z": 3}


def pauli_index(label: str, num_qubits: int) -> int:
    """Index of a Pauli label (rightmost letter on qubit 0) in the Pauli vector.

    >>> pauli_index("IZ", 2), pauli_index("XI", 2), pauli_index("ZZ", 2)     # digits at bits (q, q + n)
    (5, 2, 15)
    """
    index = 0
    for q, char in enumerate(reversed(label)):
        digit = _DIGIT[char]
        index |= (digit & 1) << q | (digit >> 1) << (q + num_qubits)
    return index


class DensityMatrix:
    """A density matrix; ``numpy.asarray(rho)`` is the ``2^n x 2^n`` matrix (index bit i = qubit i).

    ``pauli_components`` is the real vector ``Tr(P rho)``; ``metadata`` carries what the
    simulation recorded (erasure probabilities).

    >>> bell = np.array([1, 0, 0, 1]) / np.sqrt(2)
    >>> rho = DensityMatrix.from_matrix(np.outer(bell, bell))
    >>> [round(float(rho.pauli_components[pauli_index(p, 2)]), 6) for p in ("II", "ZZ", "XX", "YY", "ZI")]
    [1.0, 1.0, 1.0, -1.0, 0.0]
    """

    def __init__(self, pauli_components: np.ndarray, num_qubits: int, metadata: dict | None = None):
        self._t = pauli_components
        self.num_qubits = num_qubits
        self.metadata = dict(metadata or {})
        self._matrix: np.ndarray | None = None

    @classmethod
    def from_matrix(cls, matrix) -> DensityMatrix:
        """A :class:`DensityMatrix` from a ``2^n x 2^n`` matrix.

        >>> rho = DensityMatrix.from_matrix(np.diag([0.75, 0.25]))
        >>> rho.pauli_components.tolist(), rho.expectation_value("Z")        # Tr(I rho), Tr(X rho), Tr(Y rho), Tr(Z rho)
        ([1.0, 0.0, 0.0, 0.5], 0.5)
        """
        matrix = np.asarray(matrix, dtype=complex)
        n = matrix.shape[0].bit_length() - 1
        vector = matrix.reshape(-1)
        for q in range(n):
            vector = apply_matrix(vector, TO_PAULI, [q, q + n], 2 * n)
        return cls(np.ascontiguousarray(vector.real), n)

    @property
    def dim(self) -> int:
        """The side of the matrix, ``2**num_qubits``.

        >>> bell = np.array([1, 0, 0, 1]) / np.sqrt(2)
        >>> rho = DensityMatrix.from_matrix(np.outer(bell, bell))
        >>> rho.dim, rho.num_qubits
        (4, 2)
        """
        return 1 << self.num_qubits

    @property
    def pauli_components(self) -> np.ndarray:
        """The Pauli vector ``t[index] = Tr(P rho)`` (see :func:`pauli_index`).

        >>> bell = np.array([1, 0, 0, 1]) / np.sqrt(2)
        >>> rho = DensityMatrix.from_matrix(np.outer(bell, bell))
        >>> rho.pauli_components.shape                  # 4**n components Tr(P rho)
        (16,)
        """
        return self._t

    @property
    def data(self) -> np.ndarray:
        """The ``2^n x 2^n`` matrix (built on first use).

        >>> bell = np.array([1, 0, 0, 1]) / np.sqrt(2)
        >>> rho = DensityMatrix.from_matrix(np.outer(bell, bell))
        >>> rho.data.real.round(6)
        array([[0.5, 0. , 0. , 0.5],
               [0. , 0. , 0. , 0. ],
               [0. , 0. , 0. , 0. ],
               [0.5, 0. , 0. , 0.5]])
        """
        if self._matrix is None:
            n = self.num_qubits
            vector = self.pauli_components.astype(complex)
            for q in range(n):
                vector = apply_matrix(vector, FROM_PAULI, [q, q + n], 2 * n)
            self._matrix = vector.reshape(self.dim, self.dim)
        return self._matrix

    def __array__(self, dtype=None, copy=None):
        return self.data if dtype is None else self.data.astype(dtype)

    def components(self, indices) -> np.ndarray:
        """``Tr(P rho)`` for the Pauli vector ``indices`` (see :func:`pauli_index`) as float64.

        >>> DensityMatrix.from_matrix([[1, 0], [0, 0]]).components([0, pauli_index("Z", 1)]).tolist()
        [1.0, 1.0]
        """
        return np.asarray(self._t[np.asarray(indices, dtype=np.int64)], dtype=np.float64)

    def _sum_of_squares(self) -> float:
        return float(np.dot(self._t, self._t))

    def trace(self) -> float:
        """``Tr(rho)`` (1 for a state; less after a post-selection).

        >>> bell = np.array([1, 0, 0, 1]) / np.sqrt(2)
        >>> rho = DensityMatrix.from_matrix(np.outer(bell, bell))
        >>> round(rho.trace(), 12)
        1.0
        """
        return float(self.components([0])[0])

    def probabilities(self, qubits=None) -> np.ndarray:
        """``rho[i, i]`` for every basis state (clipped at 0 against rounding); with ``qubits``, the
        marginal over them (index bit k is ``qubits[k]``).

        >>> bell = np.array([1, 0, 0, 1]) / np.sqrt(2)
        >>> rho = DensityMatrix.from_matrix(np.outer(bell, bell))
        >>> rho.probabilities().round(6)            # the diagonal: |00> and |11>
        array([0.5, 0. , 0. , 0.5])
        >>> DensityMatrix.from_matrix(np.diag([0.5, 0.0, 0.25, 0.25])).probabilities([1]).tolist()
        [0.5, 0.5]
        """
        return marginal_probabilities(self._diagonal(), self.num_qubits, qubits)

    def _diagonal(self) -> np.ndarray:
        n = self.num_qubits
        values = self.components(np.arange(self.dim) * (self.dim + 1))  # the {I, Z}^n components
        size = 1
        while size < self.dim:  # Walsh-Hadamard transform: p(s) = 2^-n sum_z (-1)^{z.s} t_{Z^z}
            view = values.reshape(-1, 2, size)
            values = np.stack((view[:, 0] + view[:, 1], view[:, 0] - view[:, 1]), axis=1).reshape(-1)
            size *= 2
        return np.clip(values / (1 << n), 0.0, None)

    def purity(self) -> float:
        """``Tr(rho^2)`` (1 for a pure state, ``2^-n`` for the maximally mixed one).

        >>> bell = np.array([1, 0, 0, 1]) / np.sqrt(2)
        >>> round(DensityMatrix.from_matrix(np.outer(bell, bell)).purity(), 12), DensityMatrix.from_matrix(np.eye(4) / 4).purity()
        (1.0, 0.25)
        """
        return self._sum_of_squares() / self.dim

    def expectation_value(self, observable) -> float:
        """``Tr(rho O)`` for a Pauli label (rightmost is qubit 0), ``(label, coeff)`` pairs, or a PauliSum.

        >>> rho = DensityMatrix.from_matrix([[1, 0], [0, 0]])
        >>> rho.expectation_value([("Z", 2.0), ("X", 1.0)])
        2.0
        """
        terms = pauli_terms(observable, self.num_qubits)
        values = self.components([pauli_index(label, self.num_qubits) for label, _ in terms])
        return expectation_result(sum((complex(coeff) * float(v) for (_, coeff), v in zip(terms, values, strict=False)), 0j))

    def fidelity(self, other) -> float:
        """Uhlmann fidelity with a state vector (``<psi|rho|psi>``) or another density matrix.

        >>> pure = DensityMatrix.from_matrix([[1, 0], [0, 0]])
        >>> round(pure.fidelity(np.array([1, 1]) / np.sqrt(2)), 6)
        0.5
        """
        other = np.asarray(other)
        if other.ndim == 1:
            if other.shape[0] != self.dim:
                raise CircuitError(f"a state of {self.num_qubits} qubits has {self.dim} amplitudes")
            return float(np.vdot(other, self.data @ other).real)
        if other.shape != (self.dim, self.dim):
            raise CircuitError(f"a density matrix of {self.num_qubits} qubits is {self.dim}x{self.dim}")
        values, vectors = np.linalg.eigh(self.data)
        root = (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.conj().T
        inner = np.linalg.eigvalsh(root @ other @ root)
        return float(np.sum(np.sqrt(np.clip(inner, 0, None))) ** 2)

    def reduced(self, qubits) -> np.ndarray:
        """The reduced density matrix of ``qubits`` (little-endian over them, in the order given).

        >>> bell = np.array([1, 0, 0, 1]) / np.sqrt(2)
        >>> rho = DensityMatrix.from_matrix(np.outer(bell, bell))
        >>> rho.reduced([0]).real.round(6)               # half of a Bell pair is maximally mixed
        array([[0.5, 0. ],
               [0. , 0.5]])
        """
        n = self.num_qubits
        qubits = [int(q) for q in qubits]
        if len(qubits) > 10 or len(set(qubits)) != len(qubits) or not all(0 <= q < n for q in qubits):
            raise CircuitError(f"reduced() needs distinct qubits in [0, {n}), at most 10 of them")
        k = len(qubits)
        labels, paulis = [], []
        for digits in range(4 ** k):
            label = ["I"] * n
            small = np.ones((1, 1), dtype=complex)
            for j in reversed(range(k)):  # qubits[j] is bit j of the reduced matrix
                char = "IXYZ"[(digits >> (2 * j)) & 3]
                label[n - 1 - qubits[j]] = char
                small = np.kron(small, PAULI[char])
            labels.append(pauli_index("".join(label), n))
            paulis.append(small)
        return np.tensordot(self.components(labels), np.array(paulis), axes=1) / (1 << k)

    def sample(self, shots: int, seed=None) -> np.ndarray:
        """``shots`` basis-state indices drawn from the diagonal.

        >>> bell = np.array([1, 0, 0, 1]) / np.sqrt(2)
        >>> rho = DensityMatrix.from_matrix(np.outer(bell, bell))
        >>> sorted(set(rho.sample(100, seed=1).tolist()))    # only 00 and 11 occur
        [0, 3]
        """
        return sample_probabilities(self.probabilities(), shots, np.random.default_rng(seed))

    def __repr__(self) -> str:
        return f"DensityMatrix(num_qubits={self.num_qubits}, purity={self.purity():.6g})"


PAULI = {"I": np.eye(2), "X": np.array([[0, 1], [1, 0]]), "Y": np.array([[0, -1j], [1j, 0]]),
         "Z": np.diag([1.0, -1.0])}


def sample_probabilities(probabilities: np.ndarray, shots: int, rng: np.random.Generator) -> np.ndarray:
    """``shots`` indices drawn from ``probabilities`` (normalised here), in random order.

    >>> draws = sample_probabilities(np.array([0.0, 0.25, 0.75]), 1000, np.random.default_rng(1))
    >>> int((draws == 0).sum()), 200 < int((draws == 1).sum()) < 300
    (0, True)
    """
    cumulative = np.cumsum(probabilities)
    total = cumulative[-1]
    if not total > 0:
        raise CircuitError("the state has zero norm: nothing to sample")
    indices = np.searchsorted(cumulative, rng.random(shots) * total, side="right")
    return np.minimum(indices, len(probabilities) - 1).astype(np.int64)
