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
