"""The result of a density-matrix simulation, and sampling from a probability vector.

>>> import numpy as np
>>> rho = DensityMatrix(np.array([0.5, 0, 0, 0.5], dtype=complex), 1)
>>> rho.purity(), rho.expectation_value("Z"), rho.probabilities().tolist()
(0.5, 0.0, [0.5, 0.5])
>>> rho
DensityMatrix(num_qubits=1, purity=0.5)
"""

from __future__ import annotations

import numpy as np

from qfusion.errors import CircuitError
from qfusion.sim.kernels import cpu_density


class DensityMatrix:
    """A density matrix; ``numpy.asarray(rho)`` is the ``2^n x 2^n`` matrix (index bit i = qubit i).

    ``metadata`` carries what the simulation recorded (erasure probabilities).
    """

    def __init__(self, data: np.ndarray, num_qubits: int, metadata: dict | None = None):
        self._data = data.reshape(-1)
        self.num_qubits = num_qubits
        self.metadata = dict(metadata or {})

    @property
    def dim(self) -> int:
        return 1 << self.num_qubits

    @property
    def data(self) -> np.ndarray:
        """The ``2^n x 2^n`` matrix (a view, no copy)."""
        return self._data.reshape(self.dim, self.dim)

    @property
    def dtype(self):
        return self._data.dtype

    def __array__(self, dtype=None, copy=None):
        return self.data if dtype is None else self.data.astype(dtype)

    def trace(self) -> float:
        return float(cpu_density.diagonal(self._data, self.num_qubits).sum())

    def probabilities(self) -> np.ndarray:
        """``rho[i, i]`` for every basis state (clipped at 0 against rounding)."""
        return np.clip(cpu_density.diagonal(self._data, self.num_qubits), 0.0, None)

    def purity(self) -> float:
        """``Tr(rho^2)`` (1 for a pure state, ``2^-n`` for the maximally mixed one)."""
        return float(np.vdot(self._data, self._data).real)

    def expectation_value(self, observable) -> float:
        """``Tr(rho O)`` for a Pauli label (rightmost is qubit 0), ``(label, coeff)`` pairs, or a PauliSum.

        >>> rho = DensityMatrix(np.array([1, 0, 0, 0], dtype=complex), 1)
        >>> rho.expectation_value([("Z", 2.0), ("X", 1.0)])
        2.0
        """
        x_masks, starts, z_masks, coeffs = _grouped_terms(observable, self.num_qubits)
        value = complex(cpu_density.pauli_expectations(self._data, self.num_qubits, x_masks, starts, z_masks,
                                                       coeffs))
        return value.real if abs(value.imag) < 1e-12 * max(1.0, abs(value.real)) else value

    def fidelity(self, other) -> float:
        """Uhlmann fidelity with a state vector (``<psi|rho|psi>``) or another density matrix.

        >>> pure = DensityMatrix(np.array([1, 0, 0, 0], dtype=complex), 1)
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
        """The reduced density matrix of ``qubits`` (little-endian over them, in the order given)."""
        n = self.num_qubits
        qubits = [int(q) for q in qubits]
        if len(qubits) > 20 or len(set(qubits)) != len(qubits) or not all(0 <= q < n for q in qubits):
            raise CircuitError(f"reduced() needs distinct qubits in [0, {n}), at most 20 of them")
        letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
        row = {q: letters[q] for q in range(n)}
        col = {q: letters[q + n] if q in qubits else letters[q] for q in range(n)}  # traced: same letter
        spec = "".join(row[q] for q in reversed(range(n))) + "".join(col[q] for q in reversed(range(n)))
        out = "".join(row[q] for q in reversed(qubits)) + "".join(col[q] for q in reversed(qubits))
        reduced = np.einsum(f"{spec}->{out}", self.data.reshape((2,) * (2 * n)))
        return reduced.reshape(1 << len(qubits), 1 << len(qubits))

    def sample(self, shots: int, seed=None) -> np.ndarray:
        """``shots`` basis-state indices drawn from the diagonal."""
        return sample_probabilities(self.probabilities(), shots, np.random.default_rng(seed))

    def __repr__(self) -> str:
        return f"DensityMatrix(num_qubits={self.num_qubits}, purity={self.purity():.6g})"


def _grouped_terms(observable, num_qubits: int):
    if isinstance(observable, str):
        terms = [(observable, 1.0)]
    elif hasattr(observable, "to_list"):
        terms = list(observable.to_list())
    else:
        terms = list(observable)
    grouped: dict[int, list[tuple[int, complex]]] = {}
    for label, coeff in terms:
        if len(label) != num_qubits or set(label) - set("IXYZ"):
            raise CircuitError(f"Pauli label {label!r} must have {num_qubits} characters from I, X, Y, Z")
        x = z = 0
        phase = 1.0 + 0.0j
        for q, char in enumerate(reversed(label)):
            if char in "XY":
                x |= 1 << q
            if char in "ZY":
                z |= 1 << q
            if char == "Y":
                phase *= 1j  # Y = i X Z
        grouped.setdefault(x, []).append((z, complex(coeff) * phase))
    x_masks = np.array(list(grouped), dtype=np.int64)
    starts = np.cumsum([0] + [len(v) for v in grouped.values()]).astype(np.int64)
    z_masks = np.array([z for v in grouped.values() for z, _ in v], dtype=np.int64)
    coeffs = np.array([c for v in grouped.values() for _, c in v], dtype=np.complex128)
    return x_masks, starts, z_masks, coeffs


def sample_probabilities(probabilities: np.ndarray, shots: int, rng: np.random.Generator) -> np.ndarray:
    """``shots`` indices drawn from ``probabilities`` (normalised here), in random order."""
    cumulative = np.cumsum(probabilities)
    total = cumulative[-1]
    if not total > 0:
        raise CircuitError("the state has zero norm: nothing to sample")
    indices = np.searchsorted(cumulative, rng.random(shots) * total, side="right")
    return np.minimum(indices, len(probabilities) - 1).astype(np.int64)


def bitstrings(outcomes: np.ndarray, num_clbits: int) -> np.ndarray:
    """Integers as bitstrings of ``num_clbits`` characters, clbit 0 rightmost."""
    if num_clbits == 0:
        return np.array([""] * len(outcomes))
    return np.array([format(int(v), f"0{num_clbits}b") for v in outcomes])
