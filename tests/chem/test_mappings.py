"""Jordan–Wigner, parity and Bravyi–Kitaev against OpenFermion's transforms, term by term."""

import random

import numpy as np
import pytest

from qfusion.chem import FermionOperator, encoding, fermionic_hamiltonian, map_fermion_operator, molecular_data
from qfusion.chem.mappings import gf2_inverse
from qfusion.errors import CircuitError
from qfusion.observables import PauliSum

of = pytest.importorskip("openfermion")

OPENFERMION = {
    "jordan_wigner": lambda op, n: of.jordan_wigner(op),
    "bravyi_kitaev": lambda op, n: of.bravyi_kitaev(op, n),
    "parity": lambda op, n: of.binary_code_transform(op, of.parity_code(n)),
}


def to_openfermion(op):
    out = of.FermionOperator()
    for term, coeff in op:
        out += of.FermionOperator(term, coeff)
    return out


def from_qubit_operator(op, num_qubits):
    return PauliSum.from_sparse_list([("".join(p for _, p in term), [q for q, _ in term], coeff)
                                      for term, coeff in op.terms.items()], num_qubits)


def random_operator(seed, num_modes, count=25):
    rng = random.Random(seed)
    op = FermionOperator()
    for _ in range(count):
        term = [(rng.randrange(num_modes), rng.randint(0, 1)) for _ in range(rng.randint(0, 4))]
        op = op + FermionOperator.from_term(term, complex(rng.gauss(0, 1), rng.gauss(0, 1)))
    return op


@pytest.mark.parametrize("mapping", list(OPENFERMION))
@pytest.mark.parametrize("num_modes", [2, 3, 4, 6, 7])  # parity_code(1) fails inside OpenFermion
def test_random_operators_match_openfermion(mapping, num_modes):
    op = random_operator(num_modes, num_modes)
    ours = map_fermion_operator(op, mapping, num_modes)
    theirs = from_qubit_operator(OPENFERMION[mapping](to_openfermion(op), num_modes), num_modes)
    assert ours.equiv(theirs, atol=1e-12)


@pytest.mark.parametrize("mapping", list(OPENFERMION))
def test_molecular_hamiltonian_matches_openfermion(mapping):
    data = molecular_data("Li 0 0 0; H 0 0 1.6", "sto-3g", active_electrons=2, active_orbitals=3)
    op = fermionic_hamiltonian(data)
    n = data.num_spin_orbitals
    ours = map_fermion_operator(op, mapping, n)
    theirs = from_qubit_operator(OPENFERMION[mapping](to_openfermion(op), n), n)
    assert ours.equiv(theirs, atol=1e-10)


def test_fermionic_hamiltonian_matches_openfermion_interaction_operator():
    """Our second quantisation against OpenFermion's from the same PySCF integrals (block spin order)."""
    data = molecular_data("H 0 0 0; H 0 0 0.9; H 0 0 1.8; H 0 0 2.7")
    one, two = of.chem.molecular_data.spinorb_from_spatial(data.one_body, data.two_body.transpose(0, 2, 3, 1))
    n = data.num_spin_orbitals
    block = [p // 2 + (n // 2) * (p % 2) for p in range(n)]  # OpenFermion interleaves α and β
    order = np.argsort(block)
    one = one[np.ix_(order, order)]
    two = two[np.ix_(order, order, order, order)]
    interaction = of.InteractionOperator(data.core_energy, one, 0.5 * two)
    theirs = from_qubit_operator(of.jordan_wigner(of.get_fermion_operator(interaction)), n)
    ours = map_fermion_operator(fermionic_hamiltonian(data), "jw", n)
    assert ours.equiv(theirs, atol=1e-10)


@pytest.mark.parametrize("mapping", list(OPENFERMION))
def test_codes_are_invertible_and_encode_occupations(mapping):
    code = encoding(mapping, 8)
    assert np.array_equal(code.matrix.astype(int) @ gf2_inverse(code.matrix) % 2, np.eye(8, dtype=int))
    n = np.array([1, 0, 1, 1, 0, 0, 1, 0])
    assert np.array_equal(code.encode(n), code.matrix.astype(int) @ n % 2)


def test_unknown_mapping_and_too_few_qubits():
    with pytest.raises(CircuitError, match="unknown fermion-to-qubit mapping"):
        map_fermion_operator(FermionOperator.number(0), "ternary")
    with pytest.raises(CircuitError, match="more than num_qubits"):
        map_fermion_operator(FermionOperator.number(3), "jw", 2)
