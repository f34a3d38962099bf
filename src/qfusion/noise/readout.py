"""Readout (assignment) errors: a recorded bit differs from the measured one with some probability.

``probabilities[i][j]`` is the probability of recording ``j`` when the qubit was measured
in ``i`` (as ``qiskit_aer.noise.ReadoutError``); bits of several qubits are little-endian.

>>> err = readout_error(p0_given1=0.1, p1_given0=0.02)
>>> err.probabilities.tolist()
[[0.98, 0.02], [0.1, 0.9]]
>>> import numpy as np
>>> err.apply_to_bits(np.array([0, 1, 1]), np.random.default_rng(0)).shape
(3,)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qfusion.errors import NoiseError


@dataclass(frozen=True, eq=False)
class ReadoutError:
    """An assignment matrix over ``num_qubits`` measured qubits (rows: true outcome, columns: recorded).

    >>> error = ReadoutError(np.array([[0.95, 0.05], [0.1, 0.9]]))
    >>> error.num_qubits, float(error.probabilities[1, 0])  # P(record 0 | true 1)
    (1, 0.1)
    """
    probabilities: np.ndarray
    num_qubits: int = 1

    def __post_init__(self):
        matrix = np.array(self.probabilities, dtype=float)
        dim = 1 << self.num_qubits
        if matrix.shape != (dim, dim):
            raise NoiseError(f"a {self.num_qubits}-qubit readout error needs a {dim}x{dim} assignment "
                             f"matrix, got shape {matrix.shape}")
        if matrix.min() < -1e-12 or np.abs(matrix.sum(axis=1) - 1).max() > 1e-9:
            raise NoiseError("every row of the assignment matrix must be probabilities that add up to 1")
        matrix = np.clip(matrix, 0, 1)
        matrix.setflags(write=False)
        object.__setattr__(self, "probabilities", matrix)

    @property
    def assignment_matrix(self) -> np.ndarray:
        """``A[j, i] = P(record j | measured i)``: the matrix that maps true to recorded distributions.

        >>> readout_error(p0_given1=0.1, p1_given0=0.05).assignment_matrix
        array([[0.95, 0.1 ],
               [0.05, 0.9 ]])
        """
        return self.probabilities.T

    def apply_to_bits(self, bits: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Recorded outcomes (integers, little-endian over the qubits) for true ``bits``, drawn with ``rng``.

        >>> flips = readout_error(p0_given1=1.0, p1_given0=0.0)  # every 1 read as 0
        >>> flips.apply_to_bits(np.array([0, 1, 1]), np.random.default_rng(0)).tolist()
        [0, 0, 0]
        """
        bits = np.asarray(bits, dtype=np.int64)
        cumulative = np.cumsum(self.probabilities, axis=1)
        cumulative[:, -1] = 1.0
        u = rng.random(bits.shape)
        return (u[..., None] >= cumulative[bits]).sum(axis=-1).astype(np.int64)

    def apply_to_probabilities(self, probabilities: np.ndarray) -> np.ndarray:
        """The recorded distribution for a true distribution over this error's outcomes.

        >>> readout_error(p0_given1=0.1, p1_given0=0.0).apply_to_probabilities(np.array([0.0, 1.0]))
        array([0.1, 0.9])
        """
        return self.assignment_matrix @ np.asarray(probabilities, dtype=float)

    def tensor(self, other: ReadoutError) -> ReadoutError:
        """``self (x) other``: ``other`` on the lower qubits.

        >>> two = readout_error(0.1, 0.0).tensor(readout_error(0.0, 0.2))
        >>> two.num_qubits, two.probabilities.shape
        (2, (4, 4))
        """
        return ReadoutError(np.kron(self.probabilities, other.probabilities), self.num_qubits + other.num_qubits)

    def to_dict(self) -> dict:
        """Plain data for JSON: the assignment rows and the qubit count.


        >>> readout_error(0.1, 0.05).to_dict()
        {'probabilities': [[0.95, 0.05], [0.1, 0.9]], 'num_qubits': 1}
        """
        return {"probabilities": self.probabilities.tolist(), "num_qubits": self.num_qubits}

    @classmethod
    def from_dict(cls, data: dict) -> ReadoutError:
        """The readout error :meth:`to_dict` describes.


        >>> error = readout_error(0.1, 0.05)
        >>> bool(np.array_equal(ReadoutError.from_dict(error.to_dict()).probabilities, error.probabilities))
        True
        """
        return cls(np.array(data["probabilities"]), data.get("num_qubits", 1))

    def __repr__(self) -> str:
        return f"ReadoutError({self.probabilities.tolist()})"


def readout_error(p0_given1: float, p1_given0: float) -> ReadoutError:
    """A one-qubit readout error: record 0 for a measured 1 with ``p0_given1``, 1 for 0 with ``p1_given0``.

    >>> readout_error(0.0, 0.0).probabilities.tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    for value, what in ((p0_given1, "p0_given1"), (p1_given0, "p1_given0")):
        if not 0 <= float(value) <= 1:
            raise NoiseError(f"{what} must be a probability in [0, 1], got {value!r}")
    return ReadoutError(np.array([[1 - p1_given0, p1_given0], [p0_given1, 1 - p0_given1]], dtype=float))
