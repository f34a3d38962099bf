"""ADAPT-VQE against PySCF's FCI, and its one-sweep pool gradients against finite differences."""

import pytest

import qfusion as qf

pytest.importorskip("pyscf")
from pyscf import fci, gto, mcscf, scf  # noqa: E402

from qfusion.algorithms import adapt_vqe  # noqa: E402
from qfusion.algorithms.adapt import pool_gradients  # noqa: E402
from qfusion.chem import adapt_pool, hartree_fock_circuit, molecular_data, qubit_hamiltonian  # noqa: E402
from qfusion.circuit import Circuit, Parameter  # noqa: E402
from qfusion.errors import CircuitError  # noqa: E402
from qfusion.observables import PauliSum  # noqa: E402
from qfusion.observables.evolution import append_pauli_evolution  # noqa: E402
from qfusion.primitives import Estimator  # noqa: E402


def test_pool_gradients_match_finite_differences_of_the_energy():
    data = molecular_data("H 0 0 0; H 0 0 1.2; H 0 0 2.4; H 0 0 3.6")
    hamiltonian = qubit_hamiltonian(data, "jw")
    reference = hartree_fock_circuit(8, 2, 2, "jw")
    pool = adapt_pool(8, 2, 2, "jw")
    circuit = reference.copy()
    append_pauli_evolution(circuit, pool[5], Parameter("a000"))
    gradients = pool_gradients(hamiltonian, qf.simulate(circuit.bind([0.2])), pool)
    estimator = Estimator()
    step = 1e-5
    for k in (0, 3, 7, len(pool) - 1):
        values = []
        for sign in (1, -1):
            probe = circuit.copy()
            append_pauli_evolution(probe, pool[k], sign * step)
            values.append(float(estimator.run(probe, hamiltonian, [0.2]).values))
        assert abs((values[0] - values[1]) / (2 * step) - gradients[k]) < 1e-7


@pytest.mark.parametrize("geometry, active, mapping, reduced", [
    ("H 0 0 0; H 0 0 0.735", None, "jordan_wigner", False),
    ("H 0 0 0; H 0 0 2.5", None, "bravyi_kitaev", False),
    ("Li 0 0 0; H 0 0 1.595", (2, 5), "parity", True),
])
def test_adapt_reaches_chemical_accuracy(geometry, active, mapping, reduced):
    mol = gto.M(atom=geometry, basis="sto-3g", verbose=0)
    mf = scf.RHF(mol).run(conv_tol=1e-11)
    exact = fci.FCI(mf).kernel()[0] if active is None else mcscf.CASCI(mf, active[1], active[0]).kernel()[0]
    data = molecular_data(geometry, active_electrons=active and active[0], active_orbitals=active and active[1])
    n, na, nb = data.num_spin_orbitals, data.num_alpha, data.num_beta
    hamiltonian = qubit_hamiltonian(data, mapping, two_qubit_reduction=reduced)
    steps = []
    result = adapt_vqe(hamiltonian, hartree_fock_circuit(n, na, nb, mapping, two_qubit_reduction=reduced),
                       adapt_pool(n, na, nb, mapping, two_qubit_reduction=reduced), gradient_tol=1e-3,
                       callback=steps.append)
    assert abs(result.eigenvalue - exact) < 1.6e-3
    assert result.converged and len(steps) == len(result.operators) >= 1
    energies = [s.energy for s in steps]
    assert all(b <= a + 1e-9 for a, b in zip(energies, energies[1:], strict=False))  # each step can only help


def test_bad_pools_are_refused():
    with pytest.raises(CircuitError, match="non-empty"):
        adapt_vqe(PauliSum.from_label("Z"), Circuit(1), [])
    with pytest.raises(CircuitError, match="Hermitian"):
        adapt_vqe(PauliSum.from_label("Z"), Circuit(1), [PauliSum.from_list([("Y", 1j)])])
    with pytest.raises(CircuitError, match="on 1 qubits"):
        adapt_vqe(PauliSum.from_label("Z"), Circuit(1), [PauliSum.from_label("YY")])


@pytest.mark.slow
def test_adapt_lih_full_space_reaches_chemical_accuracy():
    """LiH/STO-3G, all 6 orbitals active, parity mapping with the two-qubit reduction (10 qubits)."""
    geometry = "Li 0 0 0; H 0 0 1.595"
    exact = fci.FCI(scf.RHF(gto.M(atom=geometry, basis="sto-3g", verbose=0)).run(conv_tol=1e-11)).kernel()[0]
    hamiltonian = qubit_hamiltonian(molecular_data(geometry), "parity", two_qubit_reduction=True)
    result = adapt_vqe(hamiltonian, hartree_fock_circuit(12, 2, 2, "parity", two_qubit_reduction=True),
                       adapt_pool(12, 2, 2, "parity", two_qubit_reduction=True), gradient_tol=1e-3)
    assert abs(result.eigenvalue - exact) < 1.6e-3 and result.converged
