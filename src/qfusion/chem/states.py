"""Hartree–Fock reference states as circuits, for every mapping (block spin order).

The Hartree–Fock determinant fills the lowest ``num_alpha`` α orbitals (modes ``0..``) and the
lowest ``num_beta`` β orbitals (modes ``n..``). Its qubit state is the basis state ``A n`` of
the mapping's code, prepared by X gates; with the two-qubit reduction the two tapered
qubits are left out.

>>> hartree_fock_bits(4, 1, 1, "jordan_wigner").tolist()     # modes 0 (α) and 2 (β)
[1, 0, 1, 0]
>>> hartree_fock_circuit(4, 1, 1, "parity", two_qubit_reduction=True).count_ops()
{'x': 1}
"""

from __future__ import annotations

import numpy as np

from qfusion.chem.mappings import canonical_name, encoding
from qfusion.chem.symmetry import two_qubit_reduction_qubits
from qfusion.circuit import Circuit
from qfusion.errors import ChemistryError


def hartree_fock_occupations(num_spin_orbitals: int, num_alpha: int, num_beta: int) -> np.ndarray:
    """The 0/1 occupation of every mode in the Hartree–Fock determinant (block spin order).

    >>> hartree_fock_occupations(6, 2, 1).tolist()
    [1, 1, 0, 1, 0, 0]
    """
    if num_spin_orbitals % 2:
        raise ChemistryError(f"block spin order needs an even number of spin orbitals, got {num_spin_orbitals}")
    n = num_spin_orbitals // 2
    if not (0 <= num_alpha <= n and 0 <= num_beta <= n):
        raise ChemistryError(f"{num_alpha} α and {num_beta} β electrons do not fit in {n} spatial orbitals")
    occupations = np.zeros(num_spin_orbitals, dtype=np.uint8)
    occupations[:num_alpha] = 1
    occupations[n:n + num_beta] = 1
    return occupations


def hartree_fock_bits(num_spin_orbitals: int, num_alpha: int, num_beta: int, mapping: str = "jordan_wigner",
                      *, two_qubit_reduction: bool = False) -> np.ndarray:
    """The qubit values (qubit ``q`` at index ``q``) of the Hartree–Fock state under ``mapping``.

    >>> hartree_fock_bits(4, 1, 1, "parity").tolist()
    [1, 1, 0, 0]
    >>> hartree_fock_bits(4, 1, 1, "bk").tolist()
    [1, 1, 1, 0]
    """
    name = canonical_name(mapping)
    bits = encoding(name, num_spin_orbitals).encode(hartree_fock_occupations(num_spin_orbitals, num_alpha, num_beta))
    if two_qubit_reduction:
        if name != "parity":
            raise ChemistryError(f"the two-qubit reduction needs the parity mapping, not {name!r}")
        bits = np.delete(bits, list(two_qubit_reduction_qubits(num_spin_orbitals)))
    return bits


def hartree_fock_circuit(num_spin_orbitals: int, num_alpha: int, num_beta: int, mapping: str = "jordan_wigner",
                         *, two_qubit_reduction: bool = False) -> Circuit:
    """X gates that prepare the Hartree–Fock state from ``|0...0>``.

    >>> hartree_fock_circuit(4, 1, 1, "jw").count_ops()
    {'x': 2}
    """
    bits = hartree_fock_bits(num_spin_orbitals, num_alpha, num_beta, mapping,
                             two_qubit_reduction=two_qubit_reduction)
    circuit = Circuit(len(bits), name="hartree_fock")
    for qubit in np.flatnonzero(bits):
        circuit.x(int(qubit))
    return circuit
