"""The second-quantised molecular Hamiltonian and its qubit form.

Spin orbitals are ordered in blocks, as in Qiskit Nature: mode ``p < n`` is spatial orbital
``p`` with spin α, mode ``n + p`` the same orbital with spin β (``n`` active orbitals). Then

``H = E_core + sum_{pq,σ} h_pq a†_pσ a_qσ + 1/2 sum_{pqrs,στ} (pq|rs) a†_pσ a†_rτ a_sτ a_qσ``.

Block order puts the α-parity on qubit ``n - 1`` and the total parity on qubit ``2n - 1``
under the parity mapping, which is what the two-qubit reduction removes.

>>> H = molecular_hamiltonian("H 0 0 0; H 0 0 0.735", "sto-3g", mapping="parity", two_qubit_reduction=True)
>>> H.num_qubits, len(H)
(2, 5)
"""

from __future__ import annotations

import numpy as np

from qfusion.chem.fermion import FermionOperator
from qfusion.chem.mappings import canonical_name, map_fermion_operator
from qfusion.chem.molecule import MolecularData, molecular_data
from qfusion.chem.symmetry import two_qubit_reduce
from qfusion.observables import PauliSum

INTEGRAL_ATOL = 1e-12


def fermionic_hamiltonian(data: MolecularData, atol: float = INTEGRAL_ATOL) -> FermionOperator:
    """The electronic Hamiltonian of ``data`` as a :class:`FermionOperator` (block spin order),
    including :attr:`MolecularData.core_energy` as its constant term.

    >>> from qfusion.chem.molecule import molecular_data
    >>> H = fermionic_hamiltonian(molecular_data("H 0 0 0; H 0 0 0.735"))
    >>> H.num_modes, H.is_hermitian()
    (4, True)
    """
    n = data.num_orbitals
    terms: dict[tuple, complex] = {(): data.core_energy}
    h1, h2 = data.one_body, data.two_body
    for spin in (0, n):
        for p, q in zip(*np.nonzero(np.abs(h1) > atol), strict=False):
            terms[((p + spin, 1), (q + spin, 0))] = h1[p, q]
    for p, q, r, s in zip(*np.nonzero(np.abs(h2) > atol), strict=False):
        value = 0.5 * h2[p, q, r, s]
        for sigma in (0, n):
            for tau in (0, n):
                if sigma == tau and (p == r or q == s):
                    continue  # a†a† or aa on one spin orbital: zero
                key = ((p + sigma, 1), (r + tau, 1), (s + tau, 0), (q + sigma, 0))
                terms[key] = terms.get(key, 0) + value
    return FermionOperator({(tuple((int(m), a) for m, a in key)): c for key, c in terms.items()})


def number_operator(num_orbitals: int, spin: str = "both") -> FermionOperator:
    """The number of electrons with spin ``"alpha"``, ``"beta"`` or ``"both"`` (block spin order).

    >>> print(number_operator(2, "beta"))
    1.0 [2^ 2] + 1.0 [3^ 3]
    """
    modes = {"alpha": range(num_orbitals), "beta": range(num_orbitals, 2 * num_orbitals),
             "both": range(2 * num_orbitals)}[spin]
    return FermionOperator({((m, 1), (m, 0)): 1.0 for m in modes})


def qubit_hamiltonian(data: MolecularData, mapping: str = "jordan_wigner", *,
                      two_qubit_reduction: bool = False) -> PauliSum:
    """The qubit Hamiltonian of ``data`` under ``mapping``; with ``two_qubit_reduction`` (parity
    only) the two qubits holding the α and total parities are replaced by their Hartree–Fock values.

    >>> from qfusion.chem.molecule import molecular_data
    >>> data = molecular_data("H 0 0 0; H 0 0 0.735")
    >>> qubit_hamiltonian(data, "jw").num_qubits, qubit_hamiltonian(data, "parity", two_qubit_reduction=True).num_qubits
    (4, 2)
    """
    name = canonical_name(mapping)
    hamiltonian = map_fermion_operator(fermionic_hamiltonian(data), name, data.num_spin_orbitals)
    if two_qubit_reduction:
        hamiltonian = two_qubit_reduce(hamiltonian, name, data.num_alpha, data.num_beta)
    return hamiltonian


def molecular_hamiltonian(geometry: str, basis: str = "sto-3g", *, mapping: str = "jordan_wigner",
                          two_qubit_reduction: bool = False, charge: int = 0, spin: int = 0,
                          active_electrons: int | None = None, active_orbitals: int | None = None) -> PauliSum:
    """Geometry (ångström) and basis to a qubit Hamiltonian, in one call (see :func:`qubit_hamiltonian`).

    >>> H = molecular_hamiltonian("H 0 0 0; H 0 0 0.735")
    >>> H.num_qubits
    4
    >>> import numpy as np
    >>> round(float(np.linalg.eigvalsh(H.to_matrix())[0]), 6)   # FCI energy of H2/STO-3G at 0.735 Å
    -1.137306
    """
    data = molecular_data(geometry, basis, charge=charge, spin=spin, active_electrons=active_electrons,
                          active_orbitals=active_orbitals)
    return qubit_hamiltonian(data, mapping, two_qubit_reduction=two_qubit_reduction)
