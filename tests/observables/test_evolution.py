"""Pauli-exponential circuits against SciPy's expm of the Pauli-sum matrix."""

import numpy as np
import pytest
from scipy.linalg import expm

from qfusion.circuit import Circuit, Parameter, circuit_unitary
from qfusion.errors import CircuitError
from qfusion.observables import PauliSum
from qfusion.observables.evolution import append_pauli_rotation, pauli_evolution_circuit


@pytest.mark.parametrize("label", ["X", "Y", "Z", "XY", "YIZ", "ZXYX", "IIYI"])
def test_single_rotation_is_exact(label):
    circuit = append_pauli_rotation(Circuit(len(label)), label, 0.7)
    expected = expm(-0.35j * PauliSum.from_label(label).to_matrix())
    assert np.allclose(circuit_unitary(circuit), expected, atol=1e-12)


def test_sum_is_the_product_of_its_terms_in_order_and_takes_parameters():
    terms = [("XX", 0.3), ("ZI", -0.2), ("YZ", 0.5)]
    t = Parameter("t")
    circuit = pauli_evolution_circuit(PauliSum.from_list(terms), 2 * t).bind({t: 0.4})
    expected = np.eye(4)
    for label, coeff in terms:
        expected = expm(-0.8j * coeff * PauliSum.from_label(label).to_matrix()) @ expected
    assert np.allclose(circuit_unitary(circuit), expected, atol=1e-12)


def test_non_hermitian_and_mismatched_sizes_are_refused():
    with pytest.raises(CircuitError, match="Hermitian"):
        pauli_evolution_circuit(PauliSum.from_list([("X", 1j)]), 0.1)
    with pytest.raises(CircuitError, match="characters"):
        append_pauli_rotation(Circuit(2), "X", 0.1)


@pytest.mark.parametrize("seed", range(6))
def test_commuting_terms_with_one_x_pattern_are_diagonalised_exactly(seed):
    rng = np.random.default_rng(seed)
    n = 5
    x = int(rng.integers(0, 2 ** n)) if seed else 0  # seed 0: all-Z terms
    chosen = []
    for z in rng.permutation(2 ** n):
        z = int(z)
        if (x or z) and all((bin(x & zc).count("1") + bin(x & z).count("1")) % 2 == 0 for zc in chosen):
            chosen.append(z)
    chosen = chosen[:6]
    terms = PauliSum.from_masks([x] * len(chosen), chosen, np.ones(len(chosen)), n)  # phased form, then made real
    terms = PauliSum.from_list([(label, float(c)) for label, c in zip(terms.labels, rng.normal(size=len(chosen)))], n)
    circuit = pauli_evolution_circuit(terms, 0.37)
    ops = circuit.count_ops()
    assert ops.get("rz", 0) + ops.get("rzz", 0) == len(chosen)
    assert np.allclose(circuit_unitary(circuit), expm(-0.37j * terms.to_matrix()), atol=1e-10)
