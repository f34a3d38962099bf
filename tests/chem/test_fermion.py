"""FermionOperator algebra against OpenFermion, and the canonical anticommutation relations."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qfusion.chem import FermionOperator, jordan_wigner
from qfusion.errors import CircuitError

of = pytest.importorskip("openfermion")

terms = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 1)), min_size=0, max_size=5)
operators = st.lists(st.tuples(terms, st.complex_numbers(max_magnitude=3, allow_nan=False, allow_infinity=False)),
                     min_size=1, max_size=5)


def build(pairs):
    op = FermionOperator()
    for term, coeff in pairs:
        op = op + FermionOperator.from_term(term, coeff)
    return op


def to_openfermion(op):
    out = of.FermionOperator()
    for term, coeff in op:
        out += of.FermionOperator(term, coeff)
    return out


@settings(max_examples=60, deadline=None)
@given(operators, operators)
def test_normal_order_and_products_match_openfermion(a_pairs, b_pairs):
    a, b = build(a_pairs), build(b_pairs)
    for ours, theirs in [(a, to_openfermion(a)), (a @ b, to_openfermion(a) * to_openfermion(b)),
                         (a.adjoint(), of.hermitian_conjugated(to_openfermion(a))), (a - 2 * b, to_openfermion(a) - 2 * to_openfermion(b))]:
        assert to_openfermion(ours.normal_ordered()) == of.normal_ordered(theirs)


def test_canonical_anticommutation_relations_on_matrices():
    n = 3
    lower = [jordan_wigner(FermionOperator.from_term([(p, 0)]), n).to_matrix() for p in range(n)]
    for p in range(n):
        for q in range(n):
            anti = lower[p] @ lower[q].conj().T + lower[q].conj().T @ lower[p]
            np.testing.assert_allclose(anti, np.eye(2 ** n) * (p == q), atol=1e-12)
            np.testing.assert_allclose(lower[p] @ lower[q] + lower[q] @ lower[p], 0, atol=1e-12)


def test_pauli_exclusion_and_number_operator():
    a0 = FermionOperator.from_term([(0, 0)])
    assert len((a0 @ a0).normal_ordered()) == 0
    assert (FermionOperator.number(2) @ FermionOperator.number(2)).equiv(FermionOperator.number(2))
    assert FermionOperator.number(1).is_hermitian()
    assert not FermionOperator.from_term([(1, 1)]).is_hermitian()


def test_bad_terms_are_refused():
    with pytest.raises(CircuitError, match="action 1"):
        FermionOperator.from_term([(0, 2)])
    with pytest.raises(CircuitError, match="pairs"):
        FermionOperator.from_term("0^ 1")
