"""Quantum chemistry: molecular Hamiltonians through PySCF, fermion-to-qubit mappings,
Hartree–Fock states and unitary-coupled-cluster ansätze.

Spin orbitals are in block order (all α, then all β); qubits little-endian.

>>> from qfusion.chem import molecular_hamiltonian, hartree_fock_circuit
>>> H = molecular_hamiltonian("H 0 0 0; H 0 0 0.735", "sto-3g", mapping="jw")
>>> import qfusion as qf
>>> round(qf.simulate(hartree_fock_circuit(4, 1, 1, "jw")).expectation_value(H), 6)   # RHF energy
-1.116999
"""

from qfusion.chem.fermion import FermionOperator
from qfusion.chem.hamiltonian import fermionic_hamiltonian, molecular_hamiltonian, number_operator, qubit_hamiltonian
from qfusion.chem.mappings import (
                                      MAPPINGS,
                                      FermionEncoding,
                                      bravyi_kitaev,
                                      encoding,
                                      jordan_wigner,
                                      map_fermion_operator,
                                      parity,
)
from qfusion.chem.molecule import (
                                      MolecularData,
                                      build_molecule,
                                      fci_energy,
                                      full_space_fci_energy,
                                      molecular_data,
                                      run_scf,
)
from qfusion.chem.states import hartree_fock_bits, hartree_fock_circuit, hartree_fock_occupations
from qfusion.chem.symmetry import taper, two_qubit_reduce
from qfusion.chem.tapering import Z2Tapering, find_tapering
from qfusion.chem.ucc import Excitation, adapt_pool, excitation_generator, excitations, uccsd_ansatz

__all__ = [
    "FermionOperator", "fermionic_hamiltonian", "molecular_hamiltonian", "number_operator", "qubit_hamiltonian",
    "MAPPINGS", "FermionEncoding", "bravyi_kitaev", "encoding", "jordan_wigner", "map_fermion_operator", "parity",
    "MolecularData", "build_molecule", "fci_energy", "full_space_fci_energy", "molecular_data", "run_scf",
    "hartree_fock_bits", "hartree_fock_circuit", "hartree_fock_occupations", "taper", "two_qubit_reduce",
    "Z2Tapering", "find_tapering",
    "Excitation", "adapt_pool", "excitation_generator", "excitations", "uccsd_ansatz",
]
