"""VQE reaches chemical accuracy against PySCF's FCI (computed here) for H2 over 0.5-2.5 Å and LiH."""

import numpy as np
import pytest

pytest.importorskip("pyscf")
from pyscf import fci, gto, mcscf, scf  # noqa: E402

from qfusion.algorithms import VQEProgress, hardware_efficient_ansatz, vqe  # noqa: E402
from qfusion.chem import hartree_fock_circuit, molecular_data, qubit_hamiltonian, uccsd_ansatz  # noqa: E402
from qfusion.circuit import Circuit, Parameter  # noqa: E402
from qfusion.errors import CircuitError  # noqa: E402
from qfusion.observables import PauliSum  # noqa: E402

CHEMICAL_ACCURACY = 1.6e-3


def pyscf_fci(geometry, active=None):
    mol = gto.M(atom=geometry, basis="sto-3g", unit="Angstrom", verbose=0)
    mf = scf.RHF(mol).run(conv_tol=1e-11)
    if active is None:
        return fci.FCI(mf).kernel()[0]
    return mcscf.CASCI(mf, active[1], active[0]).kernel()[0]


@pytest.mark.parametrize("distance", [0.5, 0.735, 1.0, 1.5, 2.0, 2.5])
@pytest.mark.parametrize("mapping, reduced", [("jordan_wigner", False), ("parity", True), ("bravyi_kitaev", False)])
def test_h2_uccsd_reaches_chemical_accuracy(distance, mapping, reduced):
    geometry = f"H 0 0 0; H 0 0 {distance}"
    exact = pyscf_fci(geometry)
    hamiltonian = qubit_hamiltonian(molecular_data(geometry), mapping, two_qubit_reduction=reduced)
    seen = []
    result = vqe(hamiltonian, uccsd_ansatz(4, 1, 1, mapping, two_qubit_reduction=reduced), callback=seen.append)
    assert abs(result.eigenvalue - exact) < CHEMICAL_ACCURACY
    assert abs(result.eigenvalue - exact) < 1e-8  # UCCSD is exact for two electrons
    assert result.converged and len(seen) == len(result.history) and isinstance(seen[0], VQEProgress)


@pytest.mark.parametrize("distance", [0.5, 1.5, 2.5])
def test_h2_hardware_efficient_reaches_chemical_accuracy(distance):
    geometry = f"H 0 0 0; H 0 0 {distance}"
    exact = pyscf_fci(geometry)
    hamiltonian = qubit_hamiltonian(molecular_data(geometry), "parity", two_qubit_reduction=True)
    ansatz = hardware_efficient_ansatz(2, reps=2, initial_state=hartree_fock_circuit(4, 1, 1, "parity",
                                                                                      two_qubit_reduction=True))
    x0 = np.random.default_rng(7).normal(scale=0.1, size=len(ansatz.parameters))
    assert abs(vqe(hamiltonian, ansatz, initial_point=x0).eigenvalue - exact) < CHEMICAL_ACCURACY


@pytest.mark.parametrize("mapping, reduced", [("parity", True), ("jordan_wigner", False)])
def test_lih_active_space_uccsd_reaches_chemical_accuracy(mapping, reduced):
    """LiH/STO-3G with the Li 1s core frozen: 2 electrons in the 5 orbitals above it (CASCI(5, 2))."""
    geometry = "Li 0 0 0; H 0 0 1.595"
    exact = pyscf_fci(geometry, active=(2, 5))
    data = molecular_data(geometry, active_electrons=2, active_orbitals=5)
    hamiltonian = qubit_hamiltonian(data, mapping, two_qubit_reduction=reduced)
    result = vqe(hamiltonian, uccsd_ansatz(10, 1, 1, mapping, two_qubit_reduction=reduced))
    assert abs(result.eigenvalue - exact) < CHEMICAL_ACCURACY


@pytest.mark.slow
def test_lih_full_space_uccsd_reaches_chemical_accuracy():
    """LiH/STO-3G, all 4 electrons in all 6 orbitals (12 qubits, 92 UCCSD parameters) against full FCI."""
    geometry = "Li 0 0 0; H 0 0 1.595"
    exact = pyscf_fci(geometry)
    hamiltonian = qubit_hamiltonian(molecular_data(geometry), "parity", two_qubit_reduction=True)
    result = vqe(hamiltonian, uccsd_ansatz(12, 2, 2, "parity", two_qubit_reduction=True))
    assert abs(result.eigenvalue - exact) < CHEMICAL_ACCURACY


def test_other_backends_shots_and_gradient_free_optimisers():
    geometry = "H 0 0 0; H 0 0 0.735"
    exact = pyscf_fci(geometry)
    hamiltonian = qubit_hamiltonian(molecular_data(geometry), "parity", two_qubit_reduction=True)
    ansatz = uccsd_ansatz(4, 1, 1, "parity", two_qubit_reduction=True)
    reference = vqe(hamiltonian, ansatz, backend="reference")  # parameter shift on the NumPy simulator
    assert reference.metadata["gradient"] == "parameter_shift" and abs(reference.eigenvalue - exact) < 1e-8
    cobyla = vqe(hamiltonian, ansatz, optimizer="COBYLA", gradient=None, tol=1e-10)
    assert abs(cobyla.eigenvalue - exact) < CHEMICAL_ACCURACY
    noisy = vqe(hamiltonian, ansatz, optimizer="COBYLA", gradient=None, shots=20000, seed=3, maxiter=60)
    assert abs(noisy.eigenvalue - exact) < 0.02  # shot noise, about 4 standard errors of a 20000-shot estimate


def test_errors_say_what_to_fix():
    t = Parameter("t")
    with pytest.raises(CircuitError, match="2 qubits but the ansatz has 1"):
        vqe(PauliSum.from_label("ZZ"), Circuit(1).ry(t, 0))
    with pytest.raises(CircuitError, match="Hermitian"):
        vqe(PauliSum.from_list([("Z", 1j)]), Circuit(1).ry(t, 0))
    with pytest.raises(CircuitError, match="initial point"):
        vqe(PauliSum.from_label("Z"), Circuit(1).ry(t, 0), initial_point=[0.0, 1.0])
    with pytest.raises(CircuitError, match="unknown gradient"):
        vqe(PauliSum.from_label("Z"), Circuit(1).ry(t, 0), gradient="magic")


def test_swapped_or_wrong_arguments_are_named():
    H = PauliSum.from_list([("ZZ", 1.0)])
    ansatz = Circuit(2).ry(Parameter("a"), 0)
    with pytest.raises(CircuitError, match=r"the Hamiltonian comes first: vqe\(hamiltonian, ansatz\)"):
        vqe(ansatz, H)
    with pytest.raises(CircuitError, match="PauliSum.from_list"):
        vqe("ZZ", ansatz)
    with pytest.raises(CircuitError, match="the ansatz must be a qfusion Circuit, got str"):
        vqe(H, "ry")
