"""UCCSD excitations and circuits: exact exponentials (SciPy expm), commuting generators, HF at zero."""

import numpy as np
import pytest
from scipy.linalg import expm

import qfusion as qf
from qfusion.chem import (
    Excitation,
    FermionOperator,
    adapt_pool,
    excitation_generator,
    excitations,
    hartree_fock_circuit,
    jordan_wigner,
    uccsd_ansatz,
)
from qfusion.circuit import circuit_unitary
from qfusion.errors import ChemistryError

CASES = [("jordan_wigner", False), ("parity", True), ("bravyi_kitaev", False)]


def test_excitation_counts_follow_combinatorics():
    from math import comb
    for n, na, nb in [(4, 1, 1), (8, 2, 2), (12, 2, 2), (10, 3, 2)]:
        m = n // 2
        singles = na * (m - na) + nb * (m - nb)
        doubles = comb(na, 2) * comb(m - na, 2) + comb(nb, 2) * comb(m - nb, 2) + na * (m - na) * nb * (m - nb)
        assert len(excitations(n, na, nb)) == singles + doubles


@pytest.mark.parametrize("mapping, reduced", CASES)
def test_generators_are_hermitian_and_commuting_and_give_exact_unitaries(mapping, reduced):
    rng = np.random.default_rng(3)
    for excitation in excitations(6, 2, 1):
        generator = excitation_generator(excitation, 6, mapping, two_qubit_reduction=reduced, num_alpha=2, num_beta=1)
        assert generator.is_hermitian()
        matrix = generator.to_matrix()
        strings = [p.to_matrix() for p in (qf.PauliSum.from_label(label) for label in generator.labels)]
        for a in strings:
            for b in strings:
                assert np.allclose(a @ b, b @ a)
        theta = rng.normal()
        circuit = qf.Circuit(generator.num_qubits)
        from qfusion.observables.evolution import append_pauli_evolution
        append_pauli_evolution(circuit, generator, theta)
        assert np.allclose(circuit_unitary(circuit), expm(-1j * theta * matrix), atol=1e-10)


def test_generator_is_i_times_t_minus_t_dagger_under_jordan_wigner():
    excitation = Excitation((0, 1), (2, 3))
    fermionic = jordan_wigner(excitation.operator(), 4).to_matrix()
    assert np.allclose(excitation_generator(excitation, 4, "jw").to_matrix(), 1j * fermionic)
    # T moves both electrons: |1100> (modes 0, 1) -> |0011> up to sign
    t = jordan_wigner(FermionOperator.from_term([(2, 1), (3, 1), (1, 0), (0, 0)]), 4).to_matrix()
    assert abs(abs(t[0b1100, 0b0011]) - 1) < 1e-12


@pytest.mark.parametrize("mapping, reduced", CASES)
def test_uccsd_is_hartree_fock_at_zero_and_a_product_of_excitation_exponentials(mapping, reduced):
    n, na, nb = 6, 1, 1
    ansatz = uccsd_ansatz(n, na, nb, mapping, two_qubit_reduction=reduced)
    params = ansatz.parameters
    assert len(params) == len(excitations(n, na, nb))
    hf = np.asarray(qf.simulate(hartree_fock_circuit(n, na, nb, mapping, two_qubit_reduction=reduced)))
    assert np.allclose(np.asarray(qf.simulate(ansatz, params=[0.0] * len(params))), hf)
    values = np.random.default_rng(0).normal(scale=0.3, size=len(params))
    expected = hf
    for excitation, theta in zip(excitations(n, na, nb), values, strict=False):
        generator = excitation_generator(excitation, n, mapping, two_qubit_reduction=reduced, num_alpha=na, num_beta=nb)
        expected = expm(-1j * theta * generator.to_matrix()) @ expected
    state = np.asarray(qf.simulate(ansatz.bind(dict(zip(params, values, strict=False)))))
    assert np.allclose(state, expected, atol=1e-10)


def test_parameters_come_back_in_excitation_order():
    ansatz = uccsd_ansatz(12, 2, 2, "jw", reps=2)
    names = [p.name for p in ansatz.parameters]
    assert names == [f"t{k:03d}" for k in range(2 * 92)]


def test_adapt_pools():
    fermionic = adapt_pool(8, 2, 2, "jw")
    assert len(fermionic) == len(excitations(8, 2, 2))
    qubit = adapt_pool(8, 2, 2, "jw", kind="qubit")
    labels = {label for g in fermionic for label in g.labels}
    assert sorted(p.labels[0] for p in qubit) == sorted(labels)
    with pytest.raises(ChemistryError, match="pool kind"):
        adapt_pool(4, 1, 1, kind="bosonic")


def test_bad_requests_say_why():
    with pytest.raises(ChemistryError, match="do not fit"):
        excitations(4, 3, 1)
    with pytest.raises(ChemistryError, match="parity mapping"):
        uccsd_ansatz(4, 1, 1, "jw", two_qubit_reduction=True)
