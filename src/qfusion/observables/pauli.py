"""Sparse Pauli sums: ``H = sum_t c_t P_t`` with each ``P_t`` a tensor product of I, X, Y, Z.

Labels are little-endian as in Qiskit's ``SparsePauliOp``: the rightmost character acts on
qubit 0, so ``"XI"`` is X on qubit 1. Each term is stored as two ``np.uint64`` bit masks (bit
``q`` = qubit ``q``; X sets the x bit, Z the z bit, Y both) and its label coefficient ``c_t``.

Conventions (exact; the simulators rely on them):

* ``P = X^x Z^z`` means ``Z`` factors act first: ``X^x Z^z |i> = (-1)**popcount(i & z) |i ^ x>``.
* ``Y = i X Z``, so a label with ``y = popcount(x & z)`` Y factors is ``i**y X^x Z^z``, and
  :meth:`PauliSum.masks` returns the *phased* coefficients ``m_t = c_t * i**y_t`` with
  ``H = sum_t m_t X^x_t Z^z_t``.
* Hence ``<psi|H|psi> = sum_t m_t sum_i conj(psi[i ^ x_t]) psi[i] (-1)**popcount(i & z_t)``.

>>> H = PauliSum.from_list([("ZZ", 1.0), ("XI", 0.5)])
>>> H
PauliSum([('ZZ', 1.0), ('XI', 0.5)], num_qubits=2)
>>> print(H)
1.0 * ZZ + 0.5 * XI
>>> H.expectation_value([1, 0, 0, 0])
1.0
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import numpy as np

from qfusion.errors import CircuitError
from qfusion.observables import _terms
from qfusion.observables._terms import I_POWERS, as_coeffs, as_pairs, plain, popcount, y_count
from qfusion.observables.conversions import openfermion_terms, qiskit_terms, to_qubit_operator, to_sparse_pauli_op
from qfusion.observables.numerics import dense_matrix, expectation_sum

DEFAULT_ATOL = 1e-12
MAX_MATRIX_QUBITS = 14


class PauliSum:
    """A weighted sum of Pauli strings on ``num_qubits`` (at most 64) qubits.

    Build one with :meth:`from_list`, :meth:`from_sparse_list`, :meth:`from_label` or
    :meth:`from_qiskit`; ``PauliSum(terms, num_qubits)`` is :meth:`from_list`.

    >>> H = PauliSum.from_list([("ZZ", 1.0), ("XI", 0.5)])
    >>> H.num_qubits, len(H), H.labels
    (2, 2, ['ZZ', 'XI'])
    >>> H @ H
    PauliSum([('II', 1.25)], num_qubits=2)
    """

    __slots__ = ("num_qubits", "_x", "_z", "_coeffs")
    __hash__ = None  # type: ignore[assignment]  # mutable-free but compared with a tolerance, so not hashable

    def __init__(self, terms: Iterable[tuple[str, complex]] | str = (), num_qubits: int | None = None):
        if isinstance(terms, str):
            terms = [(terms, 1.0)]
        pairs = [(label, coeff) for label, coeff in as_pairs(terms)]
        if num_qubits is None:
            if not pairs:
                raise CircuitError("an empty PauliSum needs num_qubits, e.g. PauliSum([], num_qubits=3)")
            num_qubits = len(pairs[0][0])
        self.num_qubits = _terms.check_num_qubits(num_qubits)
        labels = [label.upper() for label, _ in pairs]
        self._x, self._z = _terms.labels_to_masks(labels, self.num_qubits)
        self._coeffs = as_coeffs([coeff for _, coeff in pairs])

    @classmethod
    def _new(cls, num_qubits: int, x: np.ndarray, z: np.ndarray, coeffs: np.ndarray) -> PauliSum:
        out = object.__new__(cls)
        out.num_qubits, out._x, out._z, out._coeffs = num_qubits, x, z, coeffs
        return out

    # -- construction ------------------------------------------------------------------------
    @classmethod
    def from_list(cls, terms: Iterable[tuple[str, complex]], num_qubits: int | None = None) -> PauliSum:
        """From ``(label, coeff)`` pairs; the rightmost label character acts on qubit 0.

        >>> PauliSum.from_list([("XZ", 2.0), ("YY", -1j)]).terms
        [('XZ', 2.0), ('YY', -1j)]
        >>> PauliSum.from_list([], num_qubits=3)
        PauliSum([], num_qubits=3)
        """
        return cls(terms, num_qubits)

    @classmethod
    def from_label(cls, label: str, coeff: complex = 1.0) -> PauliSum:
        """One Pauli string, by default with coefficient 1.

        >>> PauliSum.from_label("XYZ")
        PauliSum([('XYZ', 1.0)], num_qubits=3)
        """
        return cls([(label, coeff)])

    @classmethod
    def from_sparse_list(cls, terms: Iterable[tuple[str, Iterable[int], complex]], num_qubits: int) -> PauliSum:
        """From ``(paulis, qubits, coeff)``: ``("ZX", [3, 0], 1.0)`` puts Z on qubit 3 and X on qubit 0.

        >>> PauliSum.from_sparse_list([("ZX", [3, 0], 2.0), ("Y", [1], 0.5)], num_qubits=4).terms
        [('ZIIX', 2.0), ('IIYI', 0.5)]
        """
        num_qubits = _terms.check_num_qubits(num_qubits)
        return cls([(_terms.sparse_label(paulis, qubits, num_qubits), coeff) for paulis, qubits, coeff in terms],
                   num_qubits)

    @classmethod
    def from_masks(cls, x_masks, z_masks, coeffs, num_qubits: int) -> PauliSum:
        """Inverse of :meth:`masks`: ``coeffs`` are the phased ``m_t`` of ``sum_t m_t X^x_t Z^z_t``.

        >>> PauliSum.from_masks([1], [1], [1j], num_qubits=1)  # i X Z = Y
        PauliSum([('Y', 1.0)], num_qubits=1)
        """
        num_qubits = _terms.check_num_qubits(num_qubits)
        x = np.array(x_masks, dtype=np.uint64).reshape(-1)
        z = np.array(z_masks, dtype=np.uint64).reshape(-1)
        phased = as_coeffs(coeffs)
        if not len(x) == len(z) == len(phased):
            raise CircuitError(f"from_masks needs equally many x masks, z masks and coefficients, "
                               f"got {len(x)}, {len(z)} and {len(phased)}")
        limit = np.uint64((1 << num_qubits) - 1)
        if np.any((x | z) & ~limit):
            raise CircuitError(f"a mask sets a bit at or above qubit {num_qubits}")
        return cls._new(num_qubits, x, z, phased * I_POWERS[(-y_count(x, z)) & 3])

    @classmethod
    def identity(cls, num_qubits: int, coeff: complex = 1.0) -> PauliSum:
        """``coeff`` times the identity.

        >>> PauliSum.identity(2)
        PauliSum([('II', 1.0)], num_qubits=2)
        """
        return cls([("I" * _terms.check_num_qubits(num_qubits), coeff)], num_qubits)

    # -- views -------------------------------------------------------------------------------
    @property
    def labels(self) -> list[str]:
        """The Pauli labels, rightmost character on qubit 0.

        >>> PauliSum.from_sparse_list([("X", [0], 1.0)], num_qubits=3).labels
        ['IIX']
        """
        return _terms.masks_to_labels(self._x, self._z, self.num_qubits)

    @property
    def coeffs(self) -> np.ndarray:
        """The label coefficients ``c_t`` (a complex copy).

        >>> PauliSum.from_list([("Y", 2.0)]).coeffs
        array([2.+0.j])
        """
        return self._coeffs.copy()

    @property
    def x_masks(self) -> np.ndarray:
        """``np.uint64`` masks: bit ``q`` set where the term has X or Y on qubit ``q`` (a copy).

        >>> PauliSum.from_label("XYZ").x_masks
        array([6], dtype=uint64)
        """
        return self._x.copy()

    @property
    def z_masks(self) -> np.ndarray:
        """``np.uint64`` masks: bit ``q`` set where the term has Z or Y on qubit ``q`` (a copy).

        >>> PauliSum.from_label("XYZ").z_masks
        array([3], dtype=uint64)
        """
        return self._z.copy()

    @property
    def terms(self) -> list[tuple[str, complex]]:
        """``(label, coeff)`` pairs; real coefficients come back as floats.

        >>> PauliSum.from_list([("ZZ", 1), ("XI", 0.5j)]).terms
        [('ZZ', 1.0), ('XI', 0.5j)]
        """
        return [(label, plain(coeff)) for label, coeff in zip(self.labels, self._coeffs, strict=False)]

    def to_list(self) -> list[tuple[str, complex]]:
        """The same pairs as :attr:`terms` (the form ``SparsePauliOp.from_list`` takes).

        >>> PauliSum.from_label("XX", -2.0).to_list()
        [('XX', -2.0)]
        """
        return self.terms

    def masks(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(x_masks, z_masks, phased_coeffs)`` with ``self == sum_t m_t X^x_t Z^z_t`` exactly.

        ``m_t = c_t * i**popcount(x_t & z_t)`` (``Y = i X Z``) and ``Z^z`` acts first, so
        ``<psi|self|psi> = sum_t m_t sum_i conj(psi[i ^ x_t]) psi[i] (-1)**popcount(i & z_t)``.
        The arrays are fresh copies (``np.uint64``, ``np.uint64``, ``np.complex128``).

        >>> x, z, m = PauliSum.from_list([("YZ", 2.0)]).masks()
        >>> int(x[0]), int(z[0]), complex(m[0])
        (2, 3, 2j)
        """
        return self._x.copy(), self._z.copy(), self._coeffs * I_POWERS[y_count(self._x, self._z) & 3]

    def __len__(self) -> int:
        return len(self._coeffs)

    # -- algebra -----------------------------------------------------------------------------
    def _coerce(self, other, action: str) -> PauliSum:
        if isinstance(other, numbers.Number):
            return PauliSum.identity(self.num_qubits, complex(other))  # type: ignore[call-overload]
        if not isinstance(other, PauliSum):
            raise TypeError(f"cannot {action} a PauliSum and a {type(other).__name__}")
        if other.num_qubits != self.num_qubits:
            raise CircuitError(f"cannot {action} a {self.num_qubits}-qubit PauliSum and a "
                               f"{other.num_qubits}-qubit one; widen the smaller with "
                               f".tensor(PauliSum.identity(k)) or build both on the same qubits")
        return other

    def __add__(self, other) -> PauliSum:
        """Sum of operators (numbers count as multiples of the identity); equal labels merge.

        >>> PauliSum.from_label("ZZ") + PauliSum.from_label("ZZ", 2.0) + 1
        PauliSum([('ZZ', 3.0), ('II', 1.0)], num_qubits=2)
        """
        if not isinstance(other, (numbers.Number, PauliSum)):
            return NotImplemented
        return self._concatenate(self._coerce(other, "add")).simplify()

    __radd__ = __add__

    def _concatenate(self, other: PauliSum) -> PauliSum:
        return PauliSum._new(self.num_qubits, np.concatenate([self._x, other._x]),
                             np.concatenate([self._z, other._z]),
                             np.concatenate([self._coeffs, other._coeffs]))

    def __neg__(self) -> PauliSum:
        return PauliSum._new(self.num_qubits, self._x, self._z, -self._coeffs)

    def __sub__(self, other) -> PauliSum:
        if not isinstance(other, (numbers.Number, PauliSum)):
            return NotImplemented
        return self + (-other)  # type: ignore[operator]

    def __rsub__(self, other) -> PauliSum:
        return (-self) + other

    def __mul__(self, scalar) -> PauliSum:
        """Multiplication by a number (use ``@`` for the operator product).

        >>> 2 * PauliSum.from_label("X")
        PauliSum([('X', 2.0)], num_qubits=1)
        """
        if isinstance(scalar, PauliSum):
            raise CircuitError("* multiplies a PauliSum by a number; use a @ b for the operator product")
        if not isinstance(scalar, numbers.Number):
            return NotImplemented
        return PauliSum._new(self.num_qubits, self._x, self._z, self._coeffs * complex(scalar))  # type: ignore[call-overload]

    __rmul__ = __mul__

    def __truediv__(self, scalar) -> PauliSum:
        if not isinstance(scalar, numbers.Number):
            return NotImplemented
        return self * (1 / complex(scalar))  # type: ignore[call-overload]

    def dot(self, other: PauliSum) -> PauliSum:
        """The operator product ``self · other`` (``other`` acts first); same as ``self @ other``.

        >>> PauliSum.from_label("X").dot(PauliSum.from_label("Y"))  # XY = iZ
        PauliSum([('Z', 1j)], num_qubits=1)
        """
        other = self._coerce(other, "multiply")
        x1, z1, c1 = self._x[:, None], self._z[:, None], self._coeffs[:, None]
        x2, z2, c2 = other._x[None, :], other._z[None, :], other._coeffs[None, :]
        x, z = x1 ^ x2, z1 ^ z2
        # i^y1 X^x1 Z^z1 · i^y2 X^x2 Z^z2 = i^(y1 + y2) (-1)^|z1 & x2| X^x Z^z = i^(... - y) P(x, z)
        power = y_count(x1, z1) + y_count(x2, z2) + 2 * popcount(z1 & x2) - y_count(x, z)
        coeffs = c1 * c2 * I_POWERS[power & 3]
        return PauliSum._new(self.num_qubits, x.reshape(-1), z.reshape(-1), coeffs.reshape(-1)).simplify()

    def __matmul__(self, other) -> PauliSum:
        if not isinstance(other, PauliSum):
            return NotImplemented
        return self.dot(other)

    def compose(self, other: PauliSum, front: bool = False) -> PauliSum:
        """``self`` then ``other``: the product ``other · self`` (Qiskit's convention, like
        ``Circuit.compose``); ``front=True`` gives ``self · other``.

        >>> X, Y = PauliSum.from_label("X"), PauliSum.from_label("Y")
        >>> X.compose(Y)  # YX = -iZ
        PauliSum([('Z', -1j)], num_qubits=1)
        """
        return self.dot(other) if front else self._coerce(other, "compose").dot(self)

    def tensor(self, other: PauliSum) -> PauliSum:
        """``self ⊗ other``: ``other`` keeps qubits ``0..k-1``, ``self`` moves above them.

        >>> PauliSum.from_label("X").tensor(PauliSum.from_list([("Z", 1.0), ("Y", 2.0)]))
        PauliSum([('XZ', 1.0), ('XY', 2.0)], num_qubits=2)
        """
        if not isinstance(other, PauliSum):
            raise TypeError(f"tensor takes a PauliSum, got {type(other).__name__}")
        num_qubits = _terms.check_num_qubits(self.num_qubits + other.num_qubits)
        shift = np.uint64(other.num_qubits)
        x = ((self._x[:, None] << shift) | other._x[None, :]).reshape(-1)
        z = ((self._z[:, None] << shift) | other._z[None, :]).reshape(-1)
        return PauliSum._new(num_qubits, x, z, (self._coeffs[:, None] * other._coeffs[None, :]).reshape(-1))

    def adjoint(self) -> PauliSum:
        """The Hermitian conjugate (Pauli strings are Hermitian, so the coefficients conjugate).

        >>> PauliSum.from_list([("XY", 1j)]).adjoint()
        PauliSum([('XY', -1j)], num_qubits=2)
        """
        return PauliSum._new(self.num_qubits, self._x, self._z, self._coeffs.conj())

    def simplify(self, atol: float = DEFAULT_ATOL) -> PauliSum:
        """Merge equal labels (first occurrence keeps its place) and drop ``|c| <= atol``.

        >>> PauliSum.from_list([("XX", 1.0), ("ZZ", 1e-15), ("XX", 2.0)]).simplify()
        PauliSum([('XX', 3.0)], num_qubits=2)
        """
        if len(self) == 0:
            return self
        order = np.lexsort((self._z, self._x))
        x, z = self._x[order], self._z[order]
        starts = np.flatnonzero(np.concatenate([[True], (x[1:] != x[:-1]) | (z[1:] != z[:-1])]))
        sums = np.add.reduceat(self._coeffs[order], starts)
        first = np.minimum.reduceat(order, starts)  # each label's first position in self
        keep = np.argsort(first, kind="stable")
        keep = keep[np.abs(sums[keep]) > atol]
        return PauliSum._new(self.num_qubits, x[starts[keep]], z[starts[keep]], sums[keep])

    def equiv(self, other: PauliSum, atol: float = 1e-10) -> bool:
        """Whether both are the same operator, up to term order and ``atol`` per coefficient.

        >>> a = PauliSum.from_list([("XI", 1.0), ("IZ", 2.0)])
        >>> a.equiv(PauliSum.from_list([("IZ", 2.0), ("XI", 0.5), ("XI", 0.5)]))
        True
        """
        return len(self._concatenate(-self._coerce(other, "compare")).simplify(atol)) == 0

    def __eq__(self, other) -> bool:
        """Operator equality via :meth:`equiv` (default tolerance)."""
        if not isinstance(other, PauliSum) or other.num_qubits != self.num_qubits:
            return NotImplemented
        return self.equiv(other)

    def is_hermitian(self, atol: float = 1e-10) -> bool:
        """Whether ``self == self.adjoint()``: after merging labels, every coefficient is real.

        >>> PauliSum.from_list([("XY", 1.0), ("ZZ", 2.0)]).is_hermitian()
        True
        >>> PauliSum.from_list([("XY", 1j)]).is_hermitian()
        False
        """
        return bool(np.all(np.abs(self.simplify(0.0)._coeffs.imag) <= atol))

    def group_qubit_wise_commuting(self) -> list[PauliSum]:
        """Split into groups whose strings commute qubit by qubit (one measurement basis each).

        >>> groups = PauliSum.from_list([("ZZ", 1.0), ("XX", 0.5), ("ZI", 0.2), ("IX", 0.1)]) \\
        ...     .group_qubit_wise_commuting()
        >>> [g.labels for g in groups]
        [['ZZ', 'ZI'], ['XX', 'IX']]
        """
        from qfusion.observables.grouping import qubit_wise_groups
        return [PauliSum._new(self.num_qubits, self._x[idx], self._z[idx], self._coeffs[idx])
                for idx in qubit_wise_groups(self._x, self._z)]

    # -- numbers -----------------------------------------------------------------------------
    def expectation_value(self, state) -> float | complex:
        """``<psi|self|psi>`` of a state vector (index bit ``i`` = qubit ``i``), in NumPy, with no matrix.

        A float when ``self`` is Hermitian, else a complex number. Reference implementation of
        the formula in :meth:`masks`; work and memory stay proportional to the state.

        >>> bell = [0.5 ** 0.5, 0, 0, 0.5 ** 0.5]
        >>> round(PauliSum.from_list([("XX", 1.0), ("ZI", 0.5)]).expectation_value(bell), 12)
        1.0
        >>> PauliSum.from_list([("XY", 1j)]).expectation_value([1, 0, 0, 0])
        0j
        """
        psi = np.asarray(state)
        if psi.shape != (1 << self.num_qubits,):
            raise CircuitError(f"a {self.num_qubits}-qubit PauliSum needs a state vector of length "
                               f"{1 << self.num_qubits}, got shape {psi.shape}")
        total = expectation_sum(*self.masks(), psi)
        return float(total.real) if self.is_hermitian() else total

    def to_matrix(self) -> np.ndarray:
        """The dense ``2**n x 2**n`` matrix (row/column bit ``i`` = qubit ``i``), for ``n <= 14``.

        >>> PauliSum.from_list([("ZI", 1.0), ("IX", 2.0)]).to_matrix().real
        array([[ 1.,  2.,  0.,  0.],
               [ 2.,  1.,  0.,  0.],
               [ 0.,  0., -1.,  2.],
               [ 0.,  0.,  2., -1.]])
        """
        if self.num_qubits > MAX_MATRIX_QUBITS:
            raise CircuitError(f"to_matrix builds dense matrices for at most {MAX_MATRIX_QUBITS} qubits "
                               f"(got {self.num_qubits}); use expectation_value or masks() instead")
        return dense_matrix(*self.masks(), self.num_qubits)

    # -- Qiskit ------------------------------------------------------------------------------
    def to_qiskit(self):
        """As a ``qiskit.quantum_info.SparsePauliOp`` (needs Qiskit; an empty sum becomes ``0 * I``).

        >>> PauliSum.from_list([("ZX", 1.0), ("YI", -0.5)]).to_qiskit()
        SparsePauliOp(['ZX', 'YI'],
                      coeffs=[ 1. +0.j, -0.5+0.j])
        """
        return to_sparse_pauli_op(self.labels, self._coeffs, self.num_qubits)

    @classmethod
    def from_qiskit(cls, operator) -> PauliSum:
        """From a ``SparsePauliOp`` (or anything it accepts: a ``Pauli``, a label).

        >>> from qiskit.quantum_info import SparsePauliOp
        >>> PauliSum.from_qiskit(SparsePauliOp(["XZ"], [2.0]))
        PauliSum([('XZ', 2.0)], num_qubits=2)
        """
        pairs, num_qubits = qiskit_terms(operator)
        return cls(pairs, num_qubits)

    # -- OpenFermion -------------------------------------------------------------------------
    def to_openfermion(self):
        """As an ``openfermion.QubitOperator`` (needs OpenFermion; qubit ``q`` is its index ``q``).

        >>> PauliSum.from_list([("ZX", 0.5)]).to_openfermion()
        0.5 [X0 Z1]
        """
        return to_qubit_operator(self.labels, self._coeffs, self.num_qubits)

    @classmethod
    def from_openfermion(cls, operator, num_qubits: int | None = None) -> PauliSum:
        """From an ``openfermion.QubitOperator`` (``num_qubits`` defaults to its highest qubit + 1).

        >>> from openfermion import QubitOperator
        >>> PauliSum.from_openfermion(QubitOperator("X0 Y2", 2.0), num_qubits=4)
        PauliSum([('IYIX', 2.0)], num_qubits=4)
        """
        pairs, num_qubits = openfermion_terms(operator, num_qubits)
        return cls(pairs, num_qubits)

    # -- text --------------------------------------------------------------------------------
    def __repr__(self) -> str:
        shown = self.terms[:8] if len(self) > 8 else self.terms
        more = f" + {len(self) - 8} more" if len(self) > 8 else ""
        return f"PauliSum({shown!r}{more}, num_qubits={self.num_qubits})"

    def __str__(self) -> str:
        return _terms.describe(self.terms, self.num_qubits)
