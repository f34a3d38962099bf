"""Z2 symmetry tapering (Bravyi, Gambetta, Mezzacapo and Temme, arXiv:1701.08213), for Z-type symmetries.

A Pauli string ``tau`` made of Z factors commutes with every term of ``H`` when each term has an
even number of X or Y factors on ``tau``'s qubits. The independent such strings (electron-number
parities of each spin, point-group symmetries of the molecule) are found as the GF(2) null space of
the terms' X masks and brought to reduced row-echelon form, so each ``tau_i`` owns a *pivot* qubit
``q_i`` no other one touches. The Clifford ``U = prod_i (X_{q_i} + tau_i) / sqrt 2`` turns ``tau_i``
into ``X_{q_i}``; in ``U H U`` every term acts on ``q_i`` with I or X, so ``X_{q_i}`` is fixed to
the eigenvalue of ``tau_i`` in the chosen sector and the qubit removed. A computational basis
state ``|b>`` keeps its bits on the remaining qubits, so a Hartree–Fock state stays a basis state.

>>> from qfusion.chem.hamiltonian import molecular_hamiltonian
>>> from qfusion.chem.states import hartree_fock_bits
>>> H = molecular_hamiltonian("H 0 0 0; H 0 0 0.735")        # 4 qubits, Jordan-Wigner
>>> tapering = find_tapering(H, hartree_fock_bits(4, 1, 1))
>>> len(tapering.symmetries), tapering.taper(H).num_qubits
(3, 1)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from qfusion.errors import ChemistryError
from qfusion.observables import PauliSum
from qfusion.observables._terms import popcount


def _null_space_rref(rows: np.ndarray, num_qubits: int) -> list[int]:
    """Z masks spanning ``{a : row . a = 0 for every row}`` over GF(2), in reduced row-echelon form."""
    matrix = np.array([[(int(r) >> q) & 1 for q in range(num_qubits)] for r in rows], dtype=np.uint8)
    matrix = matrix.reshape(len(rows), num_qubits)
    pivots, row = [], 0
    for col in range(num_qubits):  # row-reduce the X-mask matrix
        hits: Any = np.flatnonzero(matrix[row:, col]) + row if row < len(matrix) else []
        if len(hits) == 0:
            continue
        matrix[[row, hits[0]]] = matrix[[hits[0], row]]
        others = np.flatnonzero(matrix[:, col])
        matrix[others[others != row]] ^= matrix[row]
        pivots.append(col)
        row += 1
    free = [c for c in range(num_qubits) if c not in pivots]
    basis = []
    for f in free:  # one null vector per free column
        vector = 1 << f
        for r, p in enumerate(pivots):
            if matrix[r, f]:
                vector |= 1 << p
        basis.append(vector)
    return _rref(basis, num_qubits)


def _rref(masks: list[int], num_qubits: int) -> list[int]:
    masks = list(masks)
    out: list[int] = []
    for q in range(num_qubits - 1, -1, -1):  # pivots on high qubits first: they are removed
        chosen = next((m for m in masks if (m >> q) & 1), None)
        if chosen is None:
            continue
        masks.remove(chosen)
        masks = [m ^ chosen if (m >> q) & 1 else m for m in masks]
        out = [m ^ chosen if (m >> q) & 1 else m for m in out]
        out.append(chosen)
    return out


@dataclass(frozen=True)
class Z2Tapering:
    """Z-type symmetries ``tau_i`` (as Z masks), their pivot qubits and the sector's eigenvalues.

    >>> tapering = Z2Tapering(2, symmetries=(0b11,), pivots=(1,), eigenvalues=(1,))   # ZZ = +1
    >>> tapering.taper(PauliSum.from_list([("ZZ", 1.0), ("XX", 0.5)])).equiv(PauliSum.from_list([("I", 1.0), ("X", 0.5)]))
    True
    """
    num_qubits: int
    symmetries: tuple[int, ...]
    pivots: tuple[int, ...]
    eigenvalues: tuple[int, ...]

    def symmetry_operators(self) -> list[PauliSum]:
        """The symmetries as Pauli strings.

        >>> Z2Tapering(2, (3,), (1,), (1,)).symmetry_operators()
        [PauliSum([('ZZ', 1.0)], num_qubits=2)]
        """
        return [PauliSum.from_masks([0], [z], [1.0], self.num_qubits) for z in self.symmetries]

    def rotate(self, operator: PauliSum) -> PauliSum:
        """``U operator U`` with ``U = prod_i (X_{q_i} + tau_i) / sqrt 2`` (a Hermitian Clifford).

        >>> Z2Tapering(2, (0b11,), (1,), (1,)).rotate(PauliSum.from_label("ZZ")).equiv(PauliSum.from_label("XI"))
        True
        """
        out = operator
        for z, q in zip(self.symmetries, self.pivots, strict=False):
            u = PauliSum.from_masks([1 << q, 0], [0, z], [1 / math.sqrt(2)] * 2, self.num_qubits)
            out = (u @ out @ u).simplify()
        return out

    def taper(self, operator: PauliSum, *, check: bool = True) -> PauliSum:
        """``operator`` in the symmetry sector, on ``num_qubits - len(symmetries)`` qubits. With
        ``check``, an operator that does not commute with every symmetry is refused.

        >>> odd = Z2Tapering(2, (0b11,), (1,), (-1,))     # the sector ZZ = -1: span{|01>, |10>}
        >>> odd.taper(PauliSum.from_list([("ZZ", 1.0), ("XX", 0.5)])).to_matrix().real.round(6)
        array([[-1. , -0.5],
               [-0.5, -1. ]])
        >>> odd.taper(PauliSum.from_label("XI"))
        Traceback (most recent call last):
            ...
        qfusion.errors.ChemistryError: the operator does not commute with the Z2 symmetries; it cannot be tapered
        """
        if operator.num_qubits != self.num_qubits:
            raise ChemistryError(f"this tapering is for {self.num_qubits} qubits, the operator has {operator.num_qubits}")
        rotated = self.rotate(operator)
        x, z, coeffs = rotated.x_masks, rotated.z_masks, rotated.coeffs
        pivot_mask = np.uint64(sum(1 << q for q in self.pivots))
        broken = (z & pivot_mask) != 0
        if np.any(broken):
            if check:
                raise ChemistryError("the operator does not commute with the Z2 symmetries; it cannot be tapered")
            x, z, coeffs = x[~broken], z[~broken], coeffs[~broken]
        for q, value in zip(self.pivots, self.eigenvalues, strict=False):
            if value == -1:
                coeffs = np.where((x >> np.uint64(q)) & np.uint64(1), -coeffs, coeffs)
        keep = [q for q in range(self.num_qubits) if q not in self.pivots]
        new_x, new_z = _compress(x, keep), _compress(z, keep)
        phases = np.array([1, 1j, -1, -1j])[popcount(new_x & new_z) & 3]
        return PauliSum.from_masks(new_x, new_z, coeffs * phases, len(keep)).simplify()

    def commutes(self, operator: PauliSum) -> bool:
        """Whether ``operator`` commutes with every symmetry (so that it can be tapered).

        >>> Z2Tapering(2, (3,), (1,), (1,)).commutes(PauliSum.from_label("XX"))
        True
        """
        return not any(np.any(popcount(operator.x_masks & np.uint64(z)) & 1) for z in self.symmetries)

    def taper_bits(self, bits) -> np.ndarray:
        """A basis state's bits on the remaining qubits (its bits on the pivots are dropped).

        >>> Z2Tapering(3, (6,), (2,), (1,)).taper_bits([1, 0, 0]).tolist()
        [1, 0]
        """
        return np.delete(np.asarray(bits, dtype=np.uint8), list(self.pivots))


def _compress(masks: np.ndarray, keep: list[int]) -> np.ndarray:
    out = np.zeros_like(masks)
    for new, old in enumerate(keep):
        out |= ((masks >> np.uint64(old)) & np.uint64(1)) << np.uint64(new)
    return out


def find_tapering(hamiltonian: PauliSum, reference_bits) -> Z2Tapering:
    """All independent Z-type Z2 symmetries of ``hamiltonian``, with the eigenvalues they have on the
    computational basis state ``reference_bits`` (qubit ``q`` at index ``q``; e.g. Hartree–Fock).

    >>> from qfusion.observables import PauliSum
    >>> find_tapering(PauliSum.from_list([("XX", 1.0), ("ZZ", 0.5)]), [1, 1])
    Z2Tapering(num_qubits=2, symmetries=(3,), pivots=(1,), eigenvalues=(1,))
    """
    n = hamiltonian.num_qubits
    bits = np.asarray(reference_bits, dtype=np.int64).reshape(-1)
    if bits.shape != (n,):
        raise ChemistryError(f"the reference state needs {n} bits, got {len(bits)}")
    symmetries = _null_space_rref(hamiltonian.x_masks, n)
    pivots = [m.bit_length() - 1 for m in symmetries]
    index = int(sum(int(b) << q for q, b in enumerate(bits)))
    eigenvalues = [1 - 2 * (bin(index & m).count("1") & 1) for m in symmetries]
    return Z2Tapering(n, tuple(symmetries), tuple(pivots), tuple(eigenvalues))
