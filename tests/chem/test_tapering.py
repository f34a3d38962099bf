"""Z2 tapering: the tapered Hamiltonian keeps the FCI energy (PySCF, here) and the Hartree–Fock energy."""

import numpy as np
import pytest

pytest.importorskip("pyscf")
from pyscf import fci, gto, scf  # noqa: E402

import qfusion as qf  # noqa: E402
from qfusion.algorithms import vqe  # noqa: E402
from qfusion.chem import find_tapering, hartree_fock_bits, molecular_data, qubit_hamiltonian, uccsd_ansatz  # noqa: E402
from qfusion.errors import ChemistryError  # noqa: E402
from qfusion.observables import PauliSum  # noqa: E402


def reference(geometry):
    mf = scf.RHF(gto.M(atom=geometry, basis="sto-3g", verbose=0)).run(conv_tol=1e-11)
    return mf.e_tot, fci.FCI(mf).kernel()[0]


@pytest.mark.parametrize("geometry, num_symmetries", [
    ("H 0 0 0; H 0 0 1.2", 3),            # alpha and beta parities, and the inversion centre
    ("Li 0 0 0; H 0 0 1.595", 4),         # parities and the two mirror planes of C_inf_v
])
@pytest.mark.parametrize("mapping", ["jordan_wigner", "bravyi_kitaev", "parity"])
def test_tapered_hamiltonian_keeps_fci_and_hartree_fock(geometry, num_symmetries, mapping):
    hf, exact = reference(geometry)
    data = molecular_data(geometry)
    n = data.num_spin_orbitals
    hamiltonian = qubit_hamiltonian(data, mapping)
    bits = hartree_fock_bits(n, data.num_alpha, data.num_beta, mapping)
    tapering = find_tapering(hamiltonian, bits)
    assert len(tapering.symmetries) == num_symmetries
    for tau in tapering.symmetry_operators():  # independent, commuting symmetries
        assert len((tau @ hamiltonian - hamiltonian @ tau).simplify(1e-10)) == 0
    tapered = tapering.taper(hamiltonian)
    assert tapered.num_qubits == n - num_symmetries
    assert abs(np.linalg.eigvalsh(tapered.to_matrix())[0] - exact) < 1e-8
    psi = np.zeros(2 ** tapered.num_qubits)
    psi[int(sum(int(b) << q for q, b in enumerate(tapering.taper_bits(bits))))] = 1
    assert abs(tapered.expectation_value(psi) - hf) < 1e-8


def test_vqe_in_the_tapered_space():
    hf, exact = reference("H 0 0 0; H 0 0 1.2")
    data = molecular_data("H 0 0 0; H 0 0 1.2")
    hamiltonian = qubit_hamiltonian(data, "jw")
    tapering = find_tapering(hamiltonian, hartree_fock_bits(4, 1, 1))
    ansatz = uccsd_ansatz(4, 1, 1, "jw", tapering=tapering)
    assert ansatz.num_qubits == 1 and len(ansatz.parameters) == 1  # the singles break the inversion symmetry
    assert abs(qf.simulate(ansatz, params=[0.0]).expectation_value(tapering.taper(hamiltonian)) - hf) < 1e-8
    assert abs(vqe(tapering.taper(hamiltonian), ansatz).eigenvalue - exact) < 1e-8


def test_symmetry_breaking_operators_are_refused():
    tapering = find_tapering(PauliSum.from_list([("XX", 1.0), ("ZZ", 0.5)]), [1, 1])
    with pytest.raises(ChemistryError, match="does not commute"):
        tapering.taper(PauliSum.from_label("XI"))
    with pytest.raises(ChemistryError, match="2 bits"):
        find_tapering(PauliSum.from_label("ZZ"), [1])
