"""PauliSum against Qiskit's SparsePauliOp and Statevector, and the mask convention by hand."""

import numpy as np
import pytest
from qiskit.quantum_info import Pauli, SparsePauliOp, Statevector

from qfusion.errors import CircuitError
from qfusion.observables import PauliSum


def random_terms(rng, num_qubits, count, complex_coeffs=False):
    labels = ["".join(rng.choice(list("IXYZ"), num_qubits)) for _ in range(count)]
    coeffs = rng.normal(size=count) + (1j * rng.normal(size=count) if complex_coeffs else 0)
    return [(label, complex(c) if complex_coeffs else float(c)) for label, c in zip(labels, coeffs, strict=False)]


def random_state(rng, num_qubits):
    psi = rng.normal(size=2 ** num_qubits) + 1j * rng.normal(size=2 ** num_qubits)
    return psi / np.linalg.norm(psi)


@pytest.mark.parametrize("num_qubits", [1, 2, 3, 5])
@pytest.mark.parametrize("complex_coeffs", [False, True])
def test_matrix_and_algebra_match_qiskit(num_qubits, complex_coeffs):
    rng = np.random.default_rng(num_qubits + 10 * complex_coeffs)
    a_terms = random_terms(rng, num_qubits, 7, complex_coeffs)
    b_terms = random_terms(rng, num_qubits, 5, complex_coeffs)
    a, b = PauliSum.from_list(a_terms), PauliSum.from_list(b_terms)
    qa, qb = SparsePauliOp.from_list(a_terms), SparsePauliOp.from_list(b_terms)
    pairs = [
        (a, qa), (a + b, qa + qb), (a - b, qa - qb), ((2 - 0.5j) * a, (2 - 0.5j) * qa), (a / 4, qa / 4),
        (a @ b, qa @ qb), (a.dot(b), qa.dot(qb)), (a.compose(b), qa.compose(qb)),
        (a.compose(b, front=True), qa.compose(qb, front=True)), (a.tensor(b), qa.tensor(qb)),
        (a.adjoint(), qa.adjoint()), (a.simplify(), qa.simplify()), (a + 1.5, qa + 1.5 * SparsePauliOp("I" * num_qubits)),
    ]
    for ours, theirs in pairs:
        np.testing.assert_allclose(ours.to_matrix(), theirs.to_matrix(), atol=1e-12)
    assert len(a.simplify()) == len(qa.simplify())


def test_expectation_matches_qiskit_for_random_states():
    rng = np.random.default_rng(7)
    for num_qubits in (1, 3, 6, 9):
        psi = random_state(rng, num_qubits)
        for complex_coeffs in (False, True):
            terms = random_terms(rng, num_qubits, 25, complex_coeffs)
            expected = Statevector(psi).expectation_value(SparsePauliOp.from_list(terms))
            value = PauliSum.from_list(terms).expectation_value(psi)
            assert value == pytest.approx(expected, abs=1e-12)
            assert isinstance(value, complex if complex_coeffs else float)


def test_expectation_accepts_complex64_and_large_states():
    rng = np.random.default_rng(3)
    psi = random_state(rng, 16)
    terms = random_terms(rng, 16, 12)
    expected = Statevector(psi).expectation_value(SparsePauliOp.from_list(terms)).real
    op = PauliSum.from_list(terms)
    assert op.expectation_value(psi) == pytest.approx(expected, abs=1e-11)
    assert op.expectation_value(psi.astype(np.complex64)) == pytest.approx(expected, abs=1e-5)


def test_masks_follow_the_documented_formula():
    rng = np.random.default_rng(11)
    num_qubits = 4
    psi = random_state(rng, num_qubits)
    terms = random_terms(rng, num_qubits, 10, complex_coeffs=True)
    x_masks, z_masks, phased = PauliSum.from_list(terms).masks()
    assert x_masks.dtype == np.uint64 and z_masks.dtype == np.uint64
    by_hand = 0j
    for x, z, m in zip(x_masks.tolist(), z_masks.tolist(), phased, strict=False):
        by_hand += m * sum(np.conj(psi[i ^ x]) * psi[i] * (-1) ** bin(i & z).count("1") for i in range(16))
    expected = Statevector(psi).expectation_value(SparsePauliOp.from_list(terms))
    assert by_hand == pytest.approx(expected, abs=1e-12)
    for (label, _), x, z, m, (_, c) in zip(terms, x_masks, z_masks, phased, terms, strict=False):
        assert m == pytest.approx(c * 1j ** label.count("Y"))
        assert int(x) == sum(1 << q for q, ch in enumerate(reversed(label)) if ch in "XY")
        assert int(z) == sum(1 << q for q, ch in enumerate(reversed(label)) if ch in "ZY")


def test_from_masks_inverts_masks():
    op = PauliSum.from_list([("XYZI", 0.5), ("YYII", -1j), ("IIII", 2.0)])
    again = PauliSum.from_masks(*op.masks(), num_qubits=4)
    assert again.terms == op.terms


def test_qiskit_round_trips():
    op = PauliSum.from_sparse_list([("ZX", [3, 0], 1.5), ("Y", [2], -0.5j)], num_qubits=4)
    assert op.terms == [("ZIIX", 1.5), ("IYII", -0.5j)]
    theirs = op.to_qiskit()
    assert theirs == SparsePauliOp(["ZIIX", "IYII"], [1.5, -0.5j])
    assert PauliSum.from_qiskit(theirs).terms == op.terms
    assert PauliSum.from_qiskit(Pauli("-iXZ")).terms == [("XZ", -1j)]
    assert PauliSum.from_qiskit(SparsePauliOp.from_sparse_list([("ZX", [3, 0], 1.5)], 4)).labels == ["ZIIX"]
    empty = PauliSum.from_list([], num_qubits=3)
    assert empty.to_qiskit() == SparsePauliOp(["III"], [0.0])


def test_parameterised_qiskit_coefficients_are_refused():
    from qiskit.circuit import Parameter
    op = SparsePauliOp(["X"], np.array([Parameter("a")], dtype=object))
    with pytest.raises(CircuitError, match="bind them first"):
        PauliSum.from_qiskit(op)


def test_64_qubits_use_the_top_bit():
    label = "X" + "I" * 62 + "Y"
    op = PauliSum.from_label(label)
    x, z, phased = op.masks()
    assert int(x[0]) == (1 << 63) | 1 and int(z[0]) == 1 and phased[0] == 1j
    assert op.labels == [label]
    assert (op @ PauliSum.from_label("Z" + "I" * 63)).terms == [("Y" + "I" * 62 + "Y", -1j)]
    assert PauliSum.from_qiskit(op.to_qiskit()) == op


def test_hermiticity_and_equality():
    rng = np.random.default_rng(5)
    for _ in range(10):
        op = PauliSum.from_list(random_terms(rng, 3, 6, complex_coeffs=True))
        matrix = op.to_matrix()
        assert op.is_hermitian() == np.allclose(matrix, matrix.conj().T)
        assert (op + op.adjoint()).is_hermitian()
    a = PauliSum.from_list([("XI", 1.0), ("IZ", 2.0)])
    assert a == PauliSum.from_list([("IZ", 2.0), ("XI", 1.0)])
    assert a != PauliSum.from_list([("IZ", 2.0)])
    assert a.equiv(a + PauliSum.from_label("ZZ", 1e-11))
    assert not a.equiv(a + PauliSum.from_label("ZZ", 1e-11), atol=1e-13)
    assert len(a - a) == 0 and str(a - a) == "0 (on 2 qubits)"


def test_text_forms():
    op = PauliSum.from_list([("ZZ", 1.0), ("XI", -0.5), ("YY", 0.25j)])
    assert repr(op) == "PauliSum([('ZZ', 1.0), ('XI', -0.5), ('YY', 0.25j)], num_qubits=2)"
    assert str(op) == "1.0 * ZZ - 0.5 * XI + 0.25j * YY"
    big = PauliSum.from_list([(format(i, "05b").replace("0", "I").replace("1", "Z"), 1.0) for i in range(30)])
    assert repr(big).endswith("+ 22 more, num_qubits=5)") and "(10 more terms)" in str(big)
    assert list(big.coeffs) == [1.0] * 30 and len(big.x_masks) == 30 and int(big.z_masks[3]) == 3


def test_simulator_agrees_with_the_reference():
    import qfusion as qf
    state = qf.simulate(qf.Circuit(3).h(0).cx(0, 1).ry(0.4, 2).s(1))
    op = PauliSum.from_list([("IZZ", 1.0), ("XII", 0.5), ("IYX", -0.25), ("YXY", 0.125)])
    assert state.expectation_value(op) == pytest.approx(op.expectation_value(np.asarray(state)), abs=1e-12)


@pytest.mark.parametrize("build, message", [
    (lambda: PauliSum.from_list([("XA", 1.0)]), "must be 2 characters from I, X, Y, Z"),
    (lambda: PauliSum.from_list([("XX", 1.0), ("X", 1.0)]), "'X' must be 2 characters"),
    (lambda: PauliSum.from_list([]), "needs num_qubits"),
    (lambda: PauliSum.from_list([("XX", "big")]), "coefficients must be numbers"),
    (lambda: PauliSum.from_list(["XX"]), r"\(label, coeff\) pair"),
    (lambda: PauliSum.from_label("X" * 65), "0 to 64 qubits"),
    (lambda: PauliSum.from_sparse_list([("ZX", [4, 0], 1.0)], num_qubits=4), "qubit 4 .* out of range"),
    (lambda: PauliSum.from_sparse_list([("ZX", [1, 1], 1.0)], num_qubits=4), "names qubit 1 twice"),
    (lambda: PauliSum.from_sparse_list([("ZX", [1], 1.0)], num_qubits=4), "2 Paulis but 1 qubits"),
    (lambda: PauliSum.from_masks([4], [0], [1.0], num_qubits=2), "at or above qubit 2"),
    (lambda: PauliSum.from_label("XX") + PauliSum.from_label("X"), "2-qubit PauliSum and a 1-qubit"),
    (lambda: PauliSum.from_label("XX") * PauliSum.from_label("XX"), "use a @ b"),
    (lambda: PauliSum.from_label("XX").expectation_value(np.ones(8)), "length 4, got shape \\(8,\\)"),
    (lambda: PauliSum.from_label("X" * 15).to_matrix(), "at most 14 qubits"),
])
def test_errors_say_what_to_do(build, message):
    with pytest.raises(CircuitError, match=message):
        build()


def test_foreign_operands_are_type_errors():
    op = PauliSum.from_label("X")
    with pytest.raises(TypeError):
        op + "X"
    with pytest.raises(TypeError):
        op @ 2
    with pytest.raises(TypeError):
        op.tensor("X")


def test_openfermion_round_trip_and_matrix_agree():
    openfermion = pytest.importorskip("openfermion")
    from qfusion.observables import PauliSum
    H = PauliSum.from_list([("XYZI", 0.5), ("IIZZ", -1.25), ("YIIX", 0.3j), ("IIII", 2.0)])
    op = H.to_openfermion()
    assert PauliSum.from_openfermion(op, num_qubits=4).equiv(H)
    # OpenFermion's own sparse matrix (qubit 0 is its most significant tensor factor) against ours
    dense = openfermion.get_sparse_operator(op, n_qubits=4).toarray()
    order = [int(format(i, "04b")[::-1], 2) for i in range(16)]  # reverse the bit order
    np.testing.assert_allclose(dense[np.ix_(order, order)], H.to_matrix(), atol=1e-12)
    with pytest.raises(CircuitError, match="beyond num_qubits"):
        PauliSum.from_openfermion(openfermion.QubitOperator("Z5"), num_qubits=3)
