"""Sparse Pauli sums: ``sum_t c_t P_t`` with each ``P_t`` a tensor product of I, X, Y, Z.

Labels are little-endian as Qiskit's ``SparsePauliOp``: the rightmost character acts on qubit 0.

>>> H = PauliSum.from_list([("ZZ", 1.0), ("XI", 0.5)])
>>> H
PauliSum(num_qubits=2, terms=[('ZZ', 1.0), ('XI', 0.5)])
>>> H.to_matrix().shape
(4, 4)
"""

from __future__ import annotations

from typing import Iterable

import numpy as np

from qfusion.errors import CircuitError

_PRODUCT = {  # (a, b) -> (phase, a*b) for single-qubit Paulis
    ("I", "I"): (1, "I"), ("I", "X"): (1, "X"), ("I", "Y"): (1, "Y"), ("I", "Z"): (1, "Z"),
    ("X", "I"): (1, "X"), ("X", "X"): (1, "I"), ("X", "Y"): (1j, "Z"), ("X", "Z"): (-1j, "Y"),
    ("Y", "I"): (1, "Y"), ("Y", "X"): (-1j, "Z"), ("Y", "Y"): (1, "I"), ("Y", "Z"): (1j, "X"),
    ("Z", "I"): (1, "Z"), ("Z", "X"): (1j, "Y"), ("Z", "Y"): (-1j, "X"), ("Z", "Z"): (1, "I"),
}


def _parity(values: np.ndarray) -> np.ndarray:
    """0/1 parity of the set bits of each value, as int64."""
    values = values.copy()
    parity = np.zeros_like(values)
    while np.any(values):
        parity ^= values & 1
        values >>= 1
    return parity


class PauliSum:
    """A sum of weighted Pauli strings on ``num_qubits`` qubits."""

    def __init__(self, terms: Iterable[tuple[str, complex]], num_qubits: int | None = None):
        terms = [(str(label).upper(), complex(coeff)) for label, coeff in terms]
        if num_qubits is None:
            if not terms:
                raise CircuitError("an empty PauliSum needs num_qubits")
            num_qubits = len(terms[0][0])
        for label, _ in terms:
            if len(label) != num_qubits or set(label) - set("IXYZ"):
                raise CircuitError(f"Pauli label {label!r} must be {num_qubits} characters of I, X, Y, Z")
        self.num_qubits = num_qubits
        self._terms = terms

    @classmethod
    def from_list(cls, terms: Iterable[tuple[str, complex]], num_qubits: int | None = None) -> "PauliSum":
        """From ``(label, coeff)`` pairs."""
        return cls(terms, num_qubits)

    @classmethod
    def from_label(cls, label: str) -> "PauliSum":
        """One Pauli string with coefficient 1.

        >>> PauliSum.from_label("XYZ").num_qubits
        3
        """
        return cls([(label, 1.0)])

    @classmethod
    def from_sparse_list(cls, terms, num_qubits: int) -> "PauliSum":
        """From ``(paulis, qubits, coeff)``: ``("ZX", [3, 0], 1.0)`` puts Z on qubit 3 and X on qubit 0.

        >>> PauliSum.from_sparse_list([("ZX", [3, 0], 2.0)], num_qubits=4).to_list()
        [('ZIIX', 2.0)]
        """
        out = []
        for paulis, qubits, coeff in terms:
            chars = ["I"] * num_qubits
            for pauli, qubit in zip(paulis, qubits):
                chars[num_qubits - 1 - qubit] = pauli
            out.append(("".join(chars), coeff))
        return cls(out, num_qubits)

    def to_list(self) -> list[tuple[str, complex]]:
        """``(label, coeff)`` pairs; real coefficients come back as floats."""
        return [(label, coeff.real if coeff.imag == 0 else coeff) for label, coeff in self._terms]

    @property
    def coeffs(self) -> np.ndarray:
        return np.array([c for _, c in self._terms], dtype=complex)

    def __len__(self) -> int:
        return len(self._terms)

    # -- algebra ---------------------------------------------------------------------------
    def __add__(self, other: "PauliSum") -> "PauliSum":
        self._check(other)
        return PauliSum(self._terms + other._terms, self.num_qubits).simplify()

    def __sub__(self, other: "PauliSum") -> "PauliSum":
        return self + (-1) * other

    def __mul__(self, scalar: complex) -> "PauliSum":
        return PauliSum([(label, coeff * scalar) for label, coeff in self._terms], self.num_qubits)

    __rmul__ = __mul__

    def __matmul__(self, other: "PauliSum") -> "PauliSum":
        """Operator product ``self @ other`` (apply ``other`` first).

        >>> (PauliSum.from_label("X") @ PauliSum.from_label("Y")).to_list()
        [('Z', 1j)]
        """
        self._check(other)
        out = []
        for a, ca in self._terms:
            for b, cb in other._terms:
                phase, chars = 1, []
                for x, y in zip(a, b):
                    p, c = _PRODUCT[(x, y)]
                    phase *= p
                    chars.append(c)
                out.append(("".join(chars), ca * cb * phase))
        return PauliSum(out, self.num_qubits).simplify()

    compose = __matmul__

    def adjoint(self) -> "PauliSum":
        return PauliSum([(label, coeff.conjugate()) for label, coeff in self._terms], self.num_qubits)

    def simplify(self, atol: float = 1e-12) -> "PauliSum":
        """Merge equal labels and drop coefficients smaller than ``atol``."""
        merged: dict[str, complex] = {}
        for label, coeff in self._terms:
            merged[label] = merged.get(label, 0) + coeff
        return PauliSum([(k, v) for k, v in merged.items() if abs(v) > atol], self.num_qubits)

    def is_hermitian(self, atol: float = 1e-12) -> bool:
        return all(abs(c.imag) <= atol for _, c in self.simplify()._terms)

    def _check(self, other) -> None:
        if not isinstance(other, PauliSum) or other.num_qubits != self.num_qubits:
            raise CircuitError("Pauli sums must act on the same number of qubits")

    # -- numbers ---------------------------------------------------------------------------
    def masks(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(x_masks, z_masks, coeffs)`` with ``P_t = coeffs[t] * X^x_t Z^z_t`` (bit q = qubit q).

        Each Y contributes a factor ``i`` to the coefficient, since ``Y = i X Z``.
        """
        xs, zs, cs = [], [], []
        for label, coeff in self._terms:
            x = z = 0
            for q, char in enumerate(reversed(label)):
                x |= (char in "XY") << q
                z |= (char in "ZY") << q
                coeff *= 1j if char == "Y" else 1
            xs.append(x)
            zs.append(z)
            cs.append(coeff)
        return np.array(xs, dtype=np.int64), np.array(zs, dtype=np.int64), np.array(cs, dtype=complex)

    def expectation_value(self, state) -> complex:
        """``<psi|self|psi>`` of a state vector, in NumPy, without building a matrix."""
        state = np.asarray(state)
        index = np.arange(len(state))
        total = 0j
        for x, z, c in zip(*self.masks()):
            parity = _parity(index & z)
            total += c * np.sum(np.conj(state[index ^ x]) * state * (1 - 2 * parity))
        return total

    def to_matrix(self) -> np.ndarray:
        """The dense ``2**n x 2**n`` matrix (for small n)."""
        if self.num_qubits > 14:
            raise CircuitError("to_matrix is for at most 14 qubits")
        dim = 1 << self.num_qubits
        index = np.arange(dim)
        out = np.zeros((dim, dim), dtype=complex)
        for x, z, c in zip(*self.masks()):
            parity = _parity(index & z)
            out[index ^ x, index] += c * (1 - 2 * parity)
        return out

    def to_qiskit(self):
        """As a ``qiskit.quantum_info.SparsePauliOp``."""
        from qfusion._optional import import_optional
        quantum_info = import_optional("qiskit.quantum_info", "Qiskit interop")
        return quantum_info.SparsePauliOp.from_list(self._terms)

    @classmethod
    def from_qiskit(cls, op) -> "PauliSum":
        """From a ``qiskit.quantum_info.SparsePauliOp``."""
        return cls(op.to_list(), op.num_qubits)

    def __eq__(self, other) -> bool:
        if not isinstance(other, PauliSum) or other.num_qubits != self.num_qubits:
            return NotImplemented
        diff = (self - other)
        return len(diff) == 0

    __hash__ = None

    def __repr__(self) -> str:
        more = f" (+{len(self) - 6} more)" if len(self) > 6 else ""
        return f"PauliSum(num_qubits={self.num_qubits}, terms={self.to_list()[:6]}{more})"
