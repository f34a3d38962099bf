"""Particle-number sectors: the qubit basis states with given α and β electron counts, and a
Hamiltonian's matrix restricted to them (exact energies without the full ``4**n`` matrix).

>>> sector_indices(4, 1, 1, "jw").tolist()      # |α0 β0>, |α1 β0>, |α0 β1>, |α1 β1>
[5, 6, 9, 10]
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from qfusion.chem.mappings import canonical_name, encoding
from qfusion.chem.symmetry import two_qubit_reduction_qubits
from qfusion.errors import ChemistryError
from qfusion.observables import PauliSum
from qfusion.observables._terms import popcount


def sector_indices(num_spin_orbitals: int, num_alpha: int, num_beta: int, mapping: str = "jordan_wigner", *,
                   two_qubit_reduction: bool = False) -> np.ndarray:
    """Sorted qubit basis indices of every determinant with ``num_alpha`` α and ``num_beta`` β electrons.

    >>> sector_indices(4, 1, 1, "parity", two_qubit_reduction=True).tolist()
    [0, 1, 2, 3]
    """
    name = canonical_name(mapping)
    n = num_spin_orbitals // 2
    if num_spin_orbitals % 2 or not (0 <= num_alpha <= n and 0 <= num_beta <= n):
        raise ChemistryError(f"no sector with {num_alpha} α and {num_beta} β electrons in {num_spin_orbitals} "
                             f"spin orbitals")
    a = encoding(name, num_spin_orbitals).matrix.astype(np.int64)
    dropped = two_qubit_reduction_qubits(num_spin_orbitals) if two_qubit_reduction else ()
    keep = [q for q in range(num_spin_orbitals) if q not in dropped]
    weights = np.zeros(num_spin_orbitals, dtype=np.int64)
    weights[keep] = 1 << np.arange(len(keep), dtype=np.int64)
    out = []
    for alpha in combinations(range(n), num_alpha):
        for beta in combinations(range(n, 2 * n), num_beta):
            occupations = np.zeros(num_spin_orbitals, dtype=np.int64)
            occupations[list(alpha + beta)] = 1
            out.append(int(weights @ (a @ occupations % 2)))
    return np.array(sorted(out), dtype=np.int64)


def restricted_matrix(operator: PauliSum, indices) -> np.ndarray:
    """``<i|operator|j>`` for basis indices ``i, j`` in ``indices`` (terms leaving the set are dropped).

    >>> from qfusion.observables import PauliSum
    >>> restricted_matrix(PauliSum.from_list([("XX", 1.0), ("ZI", 0.5)]), [1, 2]).real.tolist()
    [[0.5, 1.0], [1.0, -0.5]]
    """
    indices = np.asarray(indices, dtype=np.uint64)
    order = np.argsort(indices)
    ordered = indices[order]
    out = np.zeros((len(indices), len(indices)), dtype=np.complex128)
    x, z, phased = operator.masks()
    columns = np.arange(len(indices))
    for start in range(0, len(x), 256):
        xs, zs, ms = x[start:start + 256, None], z[start:start + 256, None], phased[start:start + 256, None]
        values = ms * (1.0 - 2.0 * (popcount(indices[None, :] & zs) & 1))
        targets = indices[None, :] ^ xs
        slots = np.minimum(np.searchsorted(ordered, targets), len(ordered) - 1)
        inside = ordered[slots] == targets
        rows = order[slots[inside]]
        np.add.at(out, (rows, np.broadcast_to(columns, targets.shape)[inside]), values[inside])
    return out


def sector_ground_energy(operator: PauliSum, num_spin_orbitals: int, num_alpha: int, num_beta: int,
                         mapping: str = "jordan_wigner", *, two_qubit_reduction: bool = False) -> float:
    """The lowest eigenvalue of ``operator`` among states with the given electron counts.

    >>> from qfusion.chem.hamiltonian import molecular_hamiltonian
    >>> round(sector_ground_energy(molecular_hamiltonian("H 0 0 0; H 0 0 0.735"), 4, 1, 1), 6)
    -1.137306
    """
    indices = sector_indices(num_spin_orbitals, num_alpha, num_beta, mapping, two_qubit_reduction=two_qubit_reduction)
    return float(np.linalg.eigvalsh(restricted_matrix(operator, indices))[0])
