"""PauliSum against qiskit's SparsePauliOp and Statevector."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from qiskit.quantum_info import SparsePauliOp, Statevector

from qfusion.observables import PauliSum

labels = st.text(alphabet="IXYZ", min_size=3, max_size=3)
terms = st.lists(st.tuples(labels, st.floats(-2, 2, allow_nan=False)), min_size=1, max_size=5)


@settings(max_examples=60, deadline=None)
@given(terms, terms)
def test_algebra_matches_qiskit(a, b):
    ours_a, ours_b = PauliSum.from_list(a), PauliSum.from_list(b)
    ref_a, ref_b = SparsePauliOp.from_list(a), SparsePauliOp.from_list(b)
    np.testing.assert_allclose(ours_a.to_matrix(), ref_a.to_matrix(), atol=1e-12)
    np.testing.assert_allclose((ours_a + ours_b).to_matrix(), (ref_a + ref_b).to_matrix(), atol=1e-12)
    np.testing.assert_allclose((ours_a @ ours_b).to_matrix(), ref_a.dot(ref_b).to_matrix(), atol=1e-12)
    np.testing.assert_allclose(ours_a.adjoint().to_matrix(), ref_a.adjoint().to_matrix(), atol=1e-12)


def test_expectation_matches_qiskit_and_simulator():
    import qfusion as qf
    rng = np.random.default_rng(0)
    psi = rng.normal(size=32) + 1j * rng.normal(size=32)
    psi /= np.linalg.norm(psi)
    items = [("".join(rng.choice(list("IXYZ"), 5)), float(rng.normal())) for _ in range(20)]
    expected = Statevector(psi).expectation_value(SparsePauliOp.from_list(items))
    assert PauliSum.from_list(items).expectation_value(psi) == pytest.approx(expected, abs=1e-12)
    state = qf.simulate(qf.Circuit(3).h(0).cx(0, 1).ry(0.4, 2))
    op = PauliSum.from_list([("IZZ", 1.0), ("XII", 0.5)])
    assert state.expectation_value(op) == pytest.approx(op.expectation_value(np.asarray(state)).real, abs=1e-12)


def test_qiskit_round_trip_and_sparse_list():
    op = PauliSum.from_sparse_list([("ZX", [3, 0], 1.5), ("Y", [2], -0.5)], num_qubits=4)
    assert op.to_list() == [("ZIIX", 1.5), ("IYII", -0.5)]
    assert PauliSum.from_qiskit(op.to_qiskit()) == op
