"""``state.probabilities(qubits)`` (the README shows it for ``mpi``; it used to be a TypeError on the
other states): the marginal over ``qubits``, bit k = ``qubits[k]``, against Qiskit's ``probabilities(qargs)``."""

from __future__ import annotations

import numpy as np
import pytest

import qfusion as qf
from qfusion.errors import CircuitError

qiskit = pytest.importorskip("qiskit")
from qiskit.quantum_info import DensityMatrix, Statevector  # noqa: E402


def _circuits():
    c = qf.Circuit(4).h(0).cx(0, 2).ry(0.7, 1).rx(1.9, 3).cx(1, 3).t(2).ry(0.4, 0)
    q = qiskit.QuantumCircuit(4)
    q.h(0)
    q.cx(0, 2)
    q.ry(0.7, 1)
    q.rx(1.9, 3)
    q.cx(1, 3)
    q.t(2)
    q.ry(0.4, 0)
    return c, q


@pytest.mark.parametrize("qubits", [[0], [3], [2, 0], [1, 3, 0], [3, 2, 1, 0], None])
def test_marginals_equal_qiskits(qubits):
    c, q = _circuits()
    expected = Statevector(q).probabilities(qubits)
    np.testing.assert_allclose(qf.simulate(c).probabilities(qubits), expected, atol=1e-12)
    rho = qf.simulate(c, backend="density_matrix")
    np.testing.assert_allclose(rho.probabilities(qubits), DensityMatrix(q).probabilities(qubits), atol=1e-12)


def test_bad_qubits_are_named():
    state = qf.simulate(qf.Circuit(2).h(0))
    for bad in ([2], [0, 0], [-1], "ab"):
        with pytest.raises(CircuitError, match="qubit"):
            state.probabilities(bad)
    np.testing.assert_allclose(state.probabilities(1), [1.0, 0.0], atol=1e-12)  # one index as a list of one


def test_expectation_value_takes_a_dict_and_names_a_list_of_labels():
    """A dict {label: coefficient} was read as its keys and a list of labels split each label into
    letters ("Pauli label 'Z' must have 2 characters")."""
    c, q = _circuits()
    from qiskit.quantum_info import SparsePauliOp
    expected = Statevector(q).expectation_value(SparsePauliOp.from_list([("ZZII", 0.5), ("IXIY", -1.5)])).real
    for state in (qf.simulate(c), qf.simulate(c, backend="density_matrix")):
        assert state.expectation_value({"ZZII": 0.5, "IXIY": -1.5}) == pytest.approx(expected, abs=1e-12)
        with pytest.raises(CircuitError, match="a list of labels .* is not one observable"):
            state.expectation_value(["ZZII", "XXII"])
        with pytest.raises(CircuitError, match="observable is a Pauli label"):
            state.expectation_value(3)
