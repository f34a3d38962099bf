"""Algebraic properties of PauliSum (hypothesis), checked through dense matrices and Qiskit."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from qiskit.quantum_info import SparsePauliOp

from qfusion.observables import PauliSum

coefficients = st.complex_numbers(max_magnitude=3, allow_nan=False, allow_infinity=False) | \
    st.floats(-3, 3, allow_nan=False)


@st.composite
def pauli_sums(draw, num_qubits=None, max_terms=5):
    n = num_qubits if num_qubits is not None else draw(st.integers(1, 4))
    labels = st.text(alphabet="IXYZ", min_size=n, max_size=n)
    terms = draw(st.lists(st.tuples(labels, coefficients), min_size=0, max_size=max_terms))
    return PauliSum.from_list(terms, num_qubits=n)


@st.composite
def same_size(draw, count):
    n = draw(st.integers(1, 4))
    return [draw(pauli_sums(num_qubits=n)) for _ in range(count)]


def close(a, b):
    np.testing.assert_allclose(a.to_matrix(), b.to_matrix(), atol=1e-9)


fast = settings(max_examples=80, deadline=None)


@fast
@given(same_size(2))
def test_matches_qiskit(ops):
    a, b = ops
    qa, qb = a.to_qiskit(), b.to_qiskit()
    np.testing.assert_allclose(a.to_matrix(), qa.to_matrix(), atol=1e-12)
    np.testing.assert_allclose((a + b).to_matrix(), (qa + qb).to_matrix(), atol=1e-9)
    np.testing.assert_allclose((a @ b).to_matrix(), (qa @ qb).to_matrix(), atol=1e-9)
    np.testing.assert_allclose(a.compose(b).to_matrix(), qa.compose(qb).to_matrix(), atol=1e-9)
    assert PauliSum.from_qiskit(qa) == a
    assert PauliSum.from_qiskit(qa).terms == (a.terms or [("I" * a.num_qubits, 0.0)])


@fast
@given(same_size(3))
def test_product_is_associative_and_distributive(ops):
    a, b, c = ops
    close((a @ b) @ c, a @ (b @ c))
    close(a @ (b + c), a @ b + a @ c)
    close((a + b) @ c, a @ c + b @ c)


@fast
@given(same_size(2))
def test_matrix_is_a_homomorphism(ops):
    a, b = ops
    np.testing.assert_allclose((a @ b).to_matrix(), a.to_matrix() @ b.to_matrix(), atol=1e-9)
    np.testing.assert_allclose((a + b).to_matrix(), a.to_matrix() + b.to_matrix(), atol=1e-12)
    np.testing.assert_allclose(a.adjoint().to_matrix(), a.to_matrix().conj().T, atol=1e-12)


@fast
@given(same_size(2), coefficients)
def test_sum_rules(ops, scalar):
    a, b = ops
    assert a + b == b + a
    assert len(a - a) == 0
    assert (a + b) - b == a
    close(scalar * (a + b), scalar * a + scalar * b)
    assert (a @ b).adjoint() == b.adjoint() @ a.adjoint()
    assert (a + a.adjoint()).is_hermitian()


@fast
@given(pauli_sums(max_terms=8))
def test_simplify_keeps_the_operator_and_is_idempotent(a):
    s = a.simplify()
    close(s, a)
    assert s.terms == s.simplify().terms
    assert len(set(s.labels)) == len(s)
    assert PauliSum.from_masks(*a.masks(), num_qubits=a.num_qubits).terms == a.terms


@fast
@given(pauli_sums(max_terms=8), st.integers(0, 2 ** 32 - 1))
def test_expectation_is_the_quadratic_form(a, seed):
    rng = np.random.default_rng(seed)
    psi = rng.normal(size=2 ** a.num_qubits) + 1j * rng.normal(size=2 ** a.num_qubits)
    value = a.expectation_value(psi)
    assert np.isclose(value, np.vdot(psi, a.to_matrix() @ psi), atol=1e-9)
    if a.is_hermitian():
        assert isinstance(value, float)


def qubit_wise_commute(p, q):
    return all(x == "I" or y == "I" or x == y for x, y in zip(p, q, strict=False))


@fast
@given(pauli_sums(max_terms=12))
def test_qubit_wise_groups_partition_the_sum(a):
    groups = a.group_qubit_wise_commuting()
    assert sum(len(g) for g in groups) == len(a)
    total = PauliSum.from_list([], num_qubits=a.num_qubits)
    for group in groups:
        assert len(group) > 0
        assert all(qubit_wise_commute(p, q) for p in group.labels for q in group.labels)
        total = total + group
    assert total == a


def test_qubit_wise_groups_are_few_for_structured_sums():
    n = 8
    ising = PauliSum.from_sparse_list([("ZZ", [q, q + 1], 1.0) for q in range(n - 1)]
                                      + [("X", [q], 0.5) for q in range(n)], num_qubits=n)
    groups = ising.group_qubit_wise_commuting()
    assert [sorted(set("".join(g.labels)) - {"I"}) for g in groups] == [["Z"], ["X"]]
    rng = np.random.default_rng(2)
    labels = sorted({"".join(rng.choice(list("IXYZ"), 6)) for _ in range(60)})
    op = PauliSum.from_list([(label, 1.0) for label in labels])
    theirs = SparsePauliOp(labels).group_commuting(qubit_wise=True)
    assert len(op.group_qubit_wise_commuting()) <= len(theirs) + 3
