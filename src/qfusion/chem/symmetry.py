"""Z2 symmetries: fixing qubits whose only Paulis in a Hamiltonian are I and Z (tapering).

When every term of ``H`` acts on qubit ``q`` with I or Z, ``Z_q`` commutes with ``H`` and
each eigenvector lies in one of its eigenspaces. Fixing the eigenvalue ``±1`` replaces ``Z_q``
by that number and removes the qubit. Under the parity mapping with block spin order the
α-parity (qubit ``n/2 - 1``) and the total parity (qubit ``n - 1``) are such symmetries: the
*two-qubit reduction*.

>>> from qfusion.observables import PauliSum
>>> taper(PauliSum.from_list([("ZX", 1.0), ("ZI", 0.5)]), {1: -1})
PauliSum([('X', -1.0), ('I', -0.5)], num_qubits=1)
"""

from __future__ import annotations

import numpy as np

from qfusion.errors import ChemistryError
from qfusion.observables import PauliSum
from qfusion.observables._terms import popcount


def taper(operator: PauliSum, fixed: dict[int, int]) -> PauliSum:
    """``operator`` with each qubit ``q`` of ``fixed`` replaced by the eigenvalue ``fixed[q]`` of ``Z_q``;
    the remaining qubits are renumbered in order. Terms with X or Y on a fixed qubit are refused.

    >>> from qfusion.observables import PauliSum
    >>> taper(PauliSum.from_list([("ZZI", 2.0), ("IIX", 1.0)]), {2: 1, 1: -1})
    PauliSum([('I', -2.0), ('X', 1.0)], num_qubits=1)
    """
    n = operator.num_qubits
    for qubit, value in fixed.items():
        if not 0 <= qubit < n or value not in (1, -1):
            raise ChemistryError(f"taper fixes qubits 0..{n - 1} to eigenvalues +1 or -1, got {qubit}: {value}")
    x, z, coeffs = operator.x_masks, operator.z_masks, operator.coeffs
    fixed_mask = np.uint64(sum(1 << q for q in fixed))
    if np.any(x & fixed_mask):
        raise ChemistryError(f"qubits {sorted(fixed)} are not Z2 symmetries of this operator: some terms "
                             f"act on them with X or Y")
    for qubit, value in fixed.items():
        if value == -1:
            coeffs = np.where((z >> np.uint64(qubit)) & np.uint64(1), -coeffs, coeffs)
    keep = [q for q in range(n) if q not in fixed]
    new_x = np.zeros_like(x)
    new_z = np.zeros_like(z)
    for new, old in enumerate(keep):
        bit = np.uint64(1 << old)
        new_x |= ((x & bit) != 0).astype(np.uint64) << np.uint64(new)
        new_z |= ((z & bit) != 0).astype(np.uint64) << np.uint64(new)
    phases = np.array([1, 1j, -1, -1j])[popcount(new_x & new_z) & 3]
    return PauliSum.from_masks(new_x, new_z, coeffs * phases, len(keep)).simplify()


def two_qubit_reduction_qubits(num_spin_orbitals: int) -> tuple[int, int]:
    """The qubits the parity mapping's two-qubit reduction removes: α parity and total parity.

    >>> two_qubit_reduction_qubits(8)
    (3, 7)
    """
    return num_spin_orbitals // 2 - 1, num_spin_orbitals - 1


def two_qubit_reduce(operator: PauliSum, mapping: str, num_alpha: int, num_beta: int) -> PauliSum:
    """Taper the α-parity and total-parity qubits of a parity-mapped operator (block spin order),
    fixing them to the parities of ``num_alpha`` and ``num_alpha + num_beta`` electrons.

    >>> from qfusion.chem.fermion import FermionOperator
    >>> from qfusion.chem.mappings import parity
    >>> two_qubit_reduce(parity(FermionOperator.number(0), 4), "parity", 1, 1)
    PauliSum([('II', 0.5), ('IZ', -0.5)], num_qubits=2)
    """
    if mapping != "parity":
        raise ChemistryError(f"the two-qubit reduction needs the parity mapping, not {mapping!r}")
    if operator.num_qubits % 2 or operator.num_qubits < 2:
        raise ChemistryError(f"the two-qubit reduction needs an even number (>= 2) of spin orbitals, "
                             f"got {operator.num_qubits}")
    alpha_qubit, total_qubit = two_qubit_reduction_qubits(operator.num_qubits)
    return taper(operator, {alpha_qubit: 1 - 2 * (num_alpha % 2),
                            total_qubit: 1 - 2 * ((num_alpha + num_beta) % 2)})
