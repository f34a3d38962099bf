"""Molecular qubit Hamiltonians against PySCF: FCI (full and CASCI) and Hartree–Fock energies."""

import numpy as np
import pytest

pyscf = pytest.importorskip("pyscf")
from pyscf import fci, gto, mcscf, scf  # noqa: E402

import qfusion as qf  # noqa: E402
from qfusion.chem import hartree_fock_circuit, map_fermion_operator, molecular_data, number_operator, qubit_hamiltonian  # noqa: E402
from qfusion.chem.sectors import restricted_matrix, sector_ground_energy, sector_indices  # noqa: E402
from qfusion.errors import ChemistryError  # noqa: E402

MAPPINGS = [("jordan_wigner", False), ("parity", False), ("parity", True), ("bravyi_kitaev", False)]


def pyscf_reference(geometry, basis="sto-3g", spin=0, active=None):
    """(SCF energy, FCI or CASCI energy) computed by PySCF here, independently of qfusion."""
    mol = gto.M(atom=geometry, basis=basis, spin=spin, unit="Angstrom", verbose=0)
    mf = (scf.RHF(mol) if spin == 0 else scf.ROHF(mol)).run(conv_tol=1e-11)
    if active is None:
        if spin == 0:
            return mf.e_tot, fci.FCI(mf).kernel()[0]
        solver = fci.direct_spin1.FCI(mol)
        return mf.e_tot, solver.kernel(*_mo_integrals(mol, mf), mol.nao_nr(), mol.nelec, ecore=mol.energy_nuc())[0]
    electrons, orbitals = active
    return mf.e_tot, mcscf.CASCI(mf, orbitals, electrons).kernel()[0]


def _mo_integrals(mol, mf):
    from pyscf import ao2mo
    c = mf.mo_coeff
    return c.T @ mf.get_hcore() @ c, ao2mo.kernel(mol, c)


def full_sector_energy(hamiltonian, data, mapping, reduced):
    """Lowest eigenvalue of the full matrix among states whose N_alpha, N_beta operators are right."""
    matrix = hamiltonian.to_matrix()
    counts = []
    for spin in ("alpha", "beta"):
        op = map_fermion_operator(number_operator(data.num_orbitals, spin), mapping, data.num_spin_orbitals)
        if reduced:
            from qfusion.chem import two_qubit_reduce
            op = two_qubit_reduce(op, mapping, data.num_alpha, data.num_beta)
        diagonal = op.to_matrix()
        assert np.allclose(diagonal, np.diag(np.diag(diagonal)))  # number operators are diagonal
        counts.append(np.diag(diagonal).real)
    keep = np.flatnonzero((np.abs(counts[0] - data.num_alpha) < 1e-9) & (np.abs(counts[1] - data.num_beta) < 1e-9))
    return float(np.linalg.eigvalsh(matrix[np.ix_(keep, keep)])[0])


@pytest.mark.parametrize("distance", [0.5, 0.735, 1.5, 2.5])
@pytest.mark.parametrize("mapping, reduced", MAPPINGS)
def test_h2_ground_energy_is_fci(distance, mapping, reduced):
    geometry = f"H 0 0 0; H 0 0 {distance}"
    hf, exact = pyscf_reference(geometry)
    data = molecular_data(geometry, "sto-3g")
    hamiltonian = qubit_hamiltonian(data, mapping, two_qubit_reduction=reduced)
    assert hamiltonian.num_qubits == 4 - 2 * reduced
    assert abs(full_sector_energy(hamiltonian, data, mapping, reduced) - exact) < 1e-8
    hf_state = qf.simulate(hartree_fock_circuit(4, 1, 1, mapping, two_qubit_reduction=reduced))
    assert abs(hf_state.expectation_value(hamiltonian) - hf) < 1e-8


@pytest.mark.parametrize("active", [None, (2, 3), (2, 5)])
@pytest.mark.parametrize("mapping, reduced", MAPPINGS)
def test_lih_ground_energy_is_fci_or_casci(active, mapping, reduced):
    geometry = "Li 0 0 0; H 0 0 1.595"
    hf, exact = pyscf_reference(geometry, active=active)
    electrons, orbitals = active or (None, None)
    data = molecular_data(geometry, "sto-3g", active_electrons=electrons, active_orbitals=orbitals)
    hamiltonian = qubit_hamiltonian(data, mapping, two_qubit_reduction=reduced)
    n = data.num_spin_orbitals
    energy = sector_ground_energy(hamiltonian, n, data.num_alpha, data.num_beta, mapping, two_qubit_reduction=reduced)
    assert abs(energy - exact) < 1e-8
    indices = sector_indices(n, data.num_alpha, data.num_beta, mapping, two_qubit_reduction=reduced)
    psi = np.zeros(2 ** hamiltonian.num_qubits, dtype=complex)
    psi[np.asarray(qf.simulate(hartree_fock_circuit(n, data.num_alpha, data.num_beta, mapping,
                                                    two_qubit_reduction=reduced))).nonzero()[0]] = 1
    assert np.flatnonzero(psi)[0] in indices
    assert abs(hamiltonian.expectation_value(psi) - hf) < 1e-8
    if not reduced:  # the restricted matrix is the full matrix's block, checked on a small case
        assert np.allclose(restricted_matrix(hamiltonian, indices[:5]).conj().T, restricted_matrix(hamiltonian, indices[:5]))


@pytest.mark.parametrize("geometry, basis, active", [
    ("H 0 0 0; H 0 0 0.74", "6-31g", None),                                   # 8 qubits, split valence
    ("O 0 0 0.1173; H 0 0.7572 -0.4692; H 0 -0.7572 -0.4692", "sto-3g", (4, 4)),  # water, CASCI(4, 4)
])
def test_other_bases_and_molecules(geometry, basis, active):
    hf, exact = pyscf_reference(geometry, basis, active=active)
    electrons, orbitals = active or (None, None)
    data = molecular_data(geometry, basis, active_electrons=electrons, active_orbitals=orbitals)
    assert data.num_spin_orbitals == 8
    for mapping in ("jordan_wigner", "bravyi_kitaev"):
        hamiltonian = qubit_hamiltonian(data, mapping)
        assert abs(sector_ground_energy(hamiltonian, 8, data.num_alpha, data.num_beta, mapping) - exact) < 1e-8
        state = qf.simulate(hartree_fock_circuit(8, data.num_alpha, data.num_beta, mapping))
        assert abs(state.expectation_value(hamiltonian) - hf) < 1e-8


def test_open_shell_rohf_and_fci():
    geometry = "H 0 0 0; H 0 0 0.9; H 0 0 1.8"  # H3 chain, one unpaired electron
    hf, exact = pyscf_reference(geometry, spin=1)
    data = molecular_data(geometry, "sto-3g", spin=1)
    assert (data.num_alpha, data.num_beta) == (2, 1)
    for mapping in ("jordan_wigner", "bravyi_kitaev"):
        hamiltonian = qubit_hamiltonian(data, mapping)
        assert abs(sector_ground_energy(hamiltonian, 6, 2, 1, mapping) - exact) < 1e-8
        state = qf.simulate(hartree_fock_circuit(6, 2, 1, mapping))
        assert abs(state.expectation_value(hamiltonian) - hf) < 1e-8


def test_bad_molecules_say_why():
    with pytest.raises(ChemistryError, match="cannot build"):
        molecular_data("H 0 0 0; H 0 0 0.7", spin=1)  # two electrons cannot have 2S = 1
    with pytest.raises(ChemistryError, match="cannot build"):
        molecular_data("H 0 0")
    with pytest.raises(ChemistryError, match="even number"):
        molecular_data("Li 0 0 0; H 0 0 1.6", active_electrons=3)
    with pytest.raises(ChemistryError, match="active_orbitals"):
        molecular_data("Li 0 0 0; H 0 0 1.6", active_electrons=2, active_orbitals=9)
