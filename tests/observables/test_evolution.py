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
    terms = PauliSum.from_list([(label, float(c)) for label, c in zip(terms.labels, rng.normal(size=len(chosen)), strict=False)], n)
    circuit = pauli_evolution_circuit(terms, 0.37)
    ops = circuit.count_ops()
    assert ops.get("rz", 0) + ops.get("rzz", 0) == len(chosen)
    assert np.allclose(circuit_unitary(circuit), expm(-0.37j * terms.to_matrix()), atol=1e-10)


def test_evolution_on_chosen_qubits_and_in_trotter_steps():
    from scipy.linalg import expm

    from qfusion.circuit import circuit_unitary
    from qfusion.observables import PauliSum
    from qfusion.observables.evolution import append_pauli_evolution
    H = PauliSum.from_list([("XY", 0.4), ("ZI", -0.7), ("YZ", 0.25)])     # terms that do not commute
    exact = expm(-1j * 0.3 * H.to_matrix())
    errors = []
    for steps in (1, 4, 16):
        u = circuit_unitary(append_pauli_evolution(Circuit(2), H, 0.3, steps=steps))
        errors.append(np.abs(u - exact).max())
    assert errors[0] > errors[1] > errors[2] and errors[2] < 2e-3      # first order: error ~ 1/steps
    # the same evolution on qubits 3 and 1 of a wider circuit
    wide = circuit_unitary(append_pauli_evolution(Circuit(4), H, 0.3, steps=4, qubits=[3, 1]))
    narrow = circuit_unitary(append_pauli_evolution(Circuit(2), H, 0.3, steps=4))
    reference = np.zeros((16, 16), dtype=complex)
    for col in range(16):
        bits = [(col >> q) & 1 for q in range(4)]
        sub = bits[3] | (bits[1] << 1)
        for row_sub in range(4):
            row = col & ~((1 << 3) | (1 << 1)) | ((row_sub & 1) << 3) | (((row_sub >> 1) & 1) << 1)
            reference[row, col] += narrow[row_sub, sub]
    np.testing.assert_allclose(wide, reference, atol=1e-12)
    with pytest.raises(CircuitError):
        append_pauli_evolution(Circuit(2), H, 0.3, qubits=[0, 0])
    with pytest.raises(CircuitError):
        append_pauli_evolution(Circuit(2), H, 0.3, steps=0)


@pytest.mark.filterwarnings("ignore:.*CSC")  # scipy, inside Qiskit's PauliEvolutionGate definition
@pytest.mark.parametrize("labels", [
    ["YXX", "XYX", "XXY", "YYY"],  # one X pattern: cx fan, sdg and h on the pivot, then undone
    ["YX", "XY"],
    ["YZ", "YI"],
    ["YXZ", "XYZ", "IIZ"],  # two X patterns: a rotation per term, each with its sdg
])
def test_evolution_equals_qiskits_pauli_evolution_gate(labels):
    """The diagonalising Clifford (cx fan, sdg, h) and its undoing (h, s, cx) against Qiskit's own
    PauliEvolutionGate, whose synthesis shares nothing with ours (same little-endian labels; the
    terms commute, so the order each takes them in does not matter)."""
    pytest.importorskip("qiskit")
    from qiskit import QuantumCircuit
    from qiskit.circuit.library import PauliEvolutionGate
    from qiskit.quantum_info import Operator, SparsePauliOp

    coeffs = [0.3, -0.7, 0.45, 0.2][:len(labels)]
    n = len(labels[0])
    circuit = pauli_evolution_circuit(PauliSum.from_list(list(zip(labels, coeffs, strict=True))), 0.9)
    qc = QuantumCircuit(n)
    qc.append(PauliEvolutionGate(SparsePauliOp(labels, coeffs), time=0.9), range(n))
    np.testing.assert_allclose(circuit_unitary(circuit), Operator(qc).data, atol=1e-10)
    ops = circuit.count_ops()
    assert ops.get("sdg", 0) >= 1 and ops.get("sdg") == ops.get("s")  # the Y-to-X step ran, and was undone
