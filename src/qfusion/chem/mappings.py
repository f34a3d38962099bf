"""Fermion-to-qubit mappings: Jordan–Wigner, parity and Bravyi–Kitaev, onto :class:`PauliSum`.

Each mapping is a linear code over GF(2): the qubits hold ``b = A n (mod 2)`` for an
occupation vector ``n`` (mode ``j`` occupied when ``n_j = 1``). ``A`` is the identity for
Jordan–Wigner, the lower-triangular ones matrix for parity (qubit ``j`` holds the parity of
modes ``0..j``), and the Fenwick-tree matrix for Bravyi–Kitaev (Seeley, Richard and Love,
J. Chem. Phys. 137, 224109 (2012)). From ``A`` follow the two Majorana strings of every mode,
``a_j = (c_j + i d_j) / 2``: ``c_j = X^{A e_j} Z^{p_j}`` with ``p_j`` the qubits whose parity
is ``n_0 + ... + n_{j-1}``, and ``d_j = i c_j Z^{A^-1 row j}``. A product of ladder operators
then becomes a product of Pauli strings, computed for all terms at once on bit masks.

Qubit ``q`` of the result is bit ``q`` of a state index (little-endian, as everywhere).

>>> from qfusion.chem.fermion import FermionOperator
>>> hop = FermionOperator.from_term([(0, 1), (1, 0)]) + FermionOperator.from_term([(1, 1), (0, 0)])
>>> sorted(jordan_wigner(hop).terms)
[('XX', 0.5), ('YY', 0.5)]
>>> sorted(parity(hop).terms)
[('IX', 0.5), ('ZX', -0.5)]
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from qfusion.chem.fermion import FermionOperator
from qfusion.errors import CircuitError
from qfusion.observables import PauliSum
from qfusion.observables._terms import popcount

MAPPINGS = ("jordan_wigner", "parity", "bravyi_kitaev")
_ALIASES = {"jw": "jordan_wigner", "jordan-wigner": "jordan_wigner", "bk": "bravyi_kitaev",
            "bravyi-kitaev": "bravyi_kitaev"}


@dataclass(frozen=True)
class FermionEncoding:
    """The binary code of a mapping on ``num_modes`` modes: ``matrix`` is ``A`` (qubits = ``A n``).

    >>> encoding("parity", 3).matrix.tolist()     # qubit j holds the parity of modes 0..j
    [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
    """
    name: str
    matrix: np.ndarray  # uint8, (num_modes, num_modes)

    @property
    def num_modes(self) -> int:
        """The number of fermionic modes (the side of :attr:`matrix`).

        >>> encoding("bravyi_kitaev", 4).num_modes
        4
        """
        return len(self.matrix)

    def encode(self, occupations) -> np.ndarray:
        """Qubit values ``A n mod 2`` of an occupation vector (one 0/1 entry per mode).

        >>> encoding("parity", 3).encode([1, 0, 1]).tolist()
        [1, 1, 0]
        """
        occupations = np.asarray(occupations, dtype=np.int64).reshape(-1)
        if occupations.shape != (self.num_modes,):
            raise CircuitError(f"an occupation vector for {self.num_modes} modes needs {self.num_modes} "
                               f"entries, got {len(occupations)}")
        return (self.matrix.astype(np.int64) @ occupations % 2).astype(np.uint8)


def canonical_name(mapping: str) -> str:
    """The full name of a mapping given by name or alias (``"jw"``, ``"parity"``, ``"bk"``).

    >>> canonical_name("bk")
    'bravyi_kitaev'
    """
    name = _ALIASES.get(str(mapping).lower(), str(mapping).lower())
    if name not in MAPPINGS:
        raise CircuitError(f"unknown fermion-to-qubit mapping {mapping!r}; choose jordan_wigner (jw), "
                           f"parity or bravyi_kitaev (bk)")
    return name


@lru_cache(maxsize=64)
def _matrix(name: str, num_modes: int) -> np.ndarray:
    if name == "jordan_wigner":
        a = np.eye(num_modes, dtype=np.uint8)
    elif name == "parity":
        a = np.tril(np.ones((num_modes, num_modes), dtype=np.uint8))
    else:  # Fenwick tree: qubit j (1-based i = j + 1) holds modes i - lowbit(i) + 1 .. i
        a = np.zeros((num_modes, num_modes), dtype=np.uint8)
        for j in range(num_modes):
            i = j + 1
            a[j, i - (i & -i):i] = 1
    a.setflags(write=False)
    return a


def encoding(mapping: str, num_modes: int) -> FermionEncoding:
    """The :class:`FermionEncoding` of ``mapping`` on ``num_modes`` modes.

    >>> encoding("bk", 4).matrix.tolist()
    [[1, 0, 0, 0], [1, 1, 0, 0], [0, 0, 1, 0], [1, 1, 1, 1]]
    """
    if not 0 <= int(num_modes) <= 64:
        raise CircuitError(f"a mapping onto qubits handles 0 to 64 modes, got {num_modes}")
    name = canonical_name(mapping)
    return FermionEncoding(name, _matrix(name, int(num_modes)))


def gf2_inverse(matrix: np.ndarray) -> np.ndarray:
    """The inverse of an invertible 0/1 matrix over GF(2), by Gauss–Jordan elimination.

    >>> gf2_inverse(np.array([[1, 0], [1, 1]], dtype=np.uint8)).tolist()
    [[1, 0], [1, 1]]
    """
    n = len(matrix)
    work = np.concatenate([np.asarray(matrix, dtype=np.uint8) % 2, np.eye(n, dtype=np.uint8)], axis=1)
    for col in range(n):
        pivots = np.flatnonzero(work[col:, col]) + col
        if len(pivots) == 0:
            raise CircuitError("the binary matrix is singular over GF(2)")
        work[[col, pivots[0]]] = work[[pivots[0], col]]
        rows = np.flatnonzero(work[:, col])
        rows = rows[rows != col]
        work[rows] ^= work[col]
    return work[:, n:]


def _to_mask(bits: np.ndarray) -> np.uint64:
    return np.uint64(sum(1 << int(q) for q in np.flatnonzero(bits)))


@lru_cache(maxsize=64)
def majorana_masks(mapping: str, num_modes: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(x, z_c, z_d)`` masks per mode: ``c_j = X^x_j Z^zc_j`` and ``d_j = i X^x_j Z^zd_j``.

    >>> x, zc, zd = majorana_masks("jordan_wigner", 3)
    >>> x.tolist(), zc.tolist(), zd.tolist()    # c_2 = X_2 Z_1 Z_0, d_2 = Y_2 Z_1 Z_0
    ([1, 2, 4], [0, 1, 3], [1, 3, 7])
    """
    a = encoding(mapping, num_modes).matrix
    inverse = gf2_inverse(a)
    x = np.zeros(num_modes, dtype=np.uint64)
    z_c = np.zeros(num_modes, dtype=np.uint64)
    z_d = np.zeros(num_modes, dtype=np.uint64)
    prefix = np.zeros(num_modes, dtype=np.uint8)  # rows of A^-1 summed over modes < j: parity of n_<j
    for j in range(num_modes):
        x[j] = _to_mask(a[:, j])
        z_c[j] = _to_mask(prefix)
        z_d[j] = _to_mask(prefix ^ inverse[j])
        prefix = prefix ^ inverse[j]
    for arr in (x, z_c, z_d):
        arr.setflags(write=False)
    return x, z_c, z_d


def map_fermion_operator(operator: FermionOperator, mapping: str = "jordan_wigner",
                         num_qubits: int | None = None, atol: float = 1e-12) -> PauliSum:
    """``operator`` as a :class:`PauliSum` under ``mapping``, on ``num_qubits`` qubits (one per mode;
    by default ``operator.num_modes``).

    Each ladder operator is ``(c + s i d) / 2`` (``s = +1`` annihilates, ``-1`` creates); a
    product of ``k`` of them expands into ``2**k`` Pauli products, evaluated on masks for all
    terms of the same length at once.

    >>> from qfusion.chem.fermion import FermionOperator
    >>> map_fermion_operator(FermionOperator.number(1), "jw", num_qubits=2)
    PauliSum([('II', 0.5), ('ZI', -0.5)], num_qubits=2)
    """
    if not isinstance(operator, FermionOperator):
        raise TypeError(f"map_fermion_operator takes a FermionOperator, got {type(operator).__name__}")
    name = canonical_name(mapping)
    num_qubits = operator.num_modes if num_qubits is None else int(num_qubits)
    if operator.num_modes > num_qubits:
        raise CircuitError(f"the operator acts on {operator.num_modes} modes, more than num_qubits={num_qubits}")
    x_maj, zc_maj, zd_maj = majorana_masks(name, num_qubits)
    by_length: dict[int, list[tuple[tuple, complex]]] = {}
    for term, coeff in operator:
        by_length.setdefault(len(term), []).append((term, coeff))
    xs, zs, ms = [], [], []
    for length, items in by_length.items():
        modes = np.array([[m for m, _ in t] for t, _ in items], dtype=np.int64).reshape(len(items), length)
        signs = np.array([[1 - 2 * a for _, a in t] for t, _ in items], dtype=np.int64).reshape(len(items), length)
        coeffs = np.array([c for _, c in items], dtype=np.complex128) / (1 << length)
        x, z, m = _expand_products(modes, signs, coeffs, x_maj, zc_maj, zd_maj)
        xs.append(x)
        zs.append(z)
        ms.append(m)
    if not xs:
        return PauliSum([], num_qubits=num_qubits)
    return PauliSum.from_masks(np.concatenate(xs), np.concatenate(zs), np.concatenate(ms),
                               num_qubits).simplify(atol)


_I_POWERS = np.array([1, 1j, -1, -1j], dtype=np.complex128)


def _expand_products(modes, signs, coeffs, x_maj, zc_maj, zd_maj):
    """Phased masks of ``prod_k (c_{m_k} + s_k i d_{m_k})`` for every term (rows), all ``2**k`` choices."""
    count, length = modes.shape
    x = np.zeros((count, 1), dtype=np.uint64)
    z = np.zeros((count, 1), dtype=np.uint64)
    power = np.zeros((count, 1), dtype=np.int64)  # exponent of i
    for k in range(length - 1, -1, -1):  # the rightmost operator acts first: build left * (...)
        mode = modes[:, k]
        left_x = x_maj[mode][:, None, None]
        left_z = np.stack([zc_maj[mode], zd_maj[mode]], axis=1)[:, :, None]  # choice c or d
        # c: phase 1; s i d = s i (i X Z) = -s X Z: phase i^2 * s -> power 2 (+2 more when s = -1)
        left_power = np.stack([np.zeros(count, np.int64), 2 + (1 - signs[:, k])], axis=1)[:, :, None]
        # (X^x1 Z^z1)(X^x2 Z^z2) = (-1)^|z1 & x2| X^(x1^x2) Z^(z1^z2)
        swap = 2 * (popcount(left_z & x[:, None, :]) & 1)
        power = (left_power + power[:, None, :] + swap).reshape(count, -1)
        x = np.broadcast_to(left_x ^ x[:, None, :], left_z.shape[:2] + x.shape[1:]).reshape(count, -1)
        z = (left_z ^ z[:, None, :]).reshape(count, -1)
    phased = coeffs[:, None] * _I_POWERS[power & 3]
    return x.reshape(-1), z.reshape(-1), phased.reshape(-1)


def jordan_wigner(operator: FermionOperator, num_qubits: int | None = None) -> PauliSum:
    """The Jordan–Wigner mapping: qubit ``j`` holds the occupation of mode ``j``.

    >>> from qfusion.chem.fermion import FermionOperator
    >>> jordan_wigner(FermionOperator.from_term([(1, 0)]))    # a_1 = Z_0 (X_1 + i Y_1) / 2
    PauliSum([('XZ', 0.5), ('YZ', 0.5j)], num_qubits=2)
    """
    return map_fermion_operator(operator, "jordan_wigner", num_qubits)


def parity(operator: FermionOperator, num_qubits: int | None = None) -> PauliSum:
    """The parity mapping: qubit ``j`` holds the parity of modes ``0..j``.

    >>> from qfusion.chem.fermion import FermionOperator
    >>> parity(FermionOperator.number(0), num_qubits=2)
    PauliSum([('II', 0.5), ('IZ', -0.5)], num_qubits=2)
    """
    return map_fermion_operator(operator, "parity", num_qubits)


def bravyi_kitaev(operator: FermionOperator, num_qubits: int | None = None) -> PauliSum:
    """The Bravyi–Kitaev mapping (Fenwick-tree code; any number of modes).

    >>> from qfusion.chem.fermion import FermionOperator
    >>> bravyi_kitaev(FermionOperator.number(1), num_qubits=2)   # qubit 1 holds n_0 + n_1
    PauliSum([('II', 0.5), ('ZZ', -0.5)], num_qubits=2)
    """
    return map_fermion_operator(operator, "bravyi_kitaev", num_qubits)
