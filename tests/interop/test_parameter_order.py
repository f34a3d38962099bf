"""Positional binding follows Qiskit's parameter order (issue 12, item 1): a ParameterVector's
elements sort by index, so values bound by position give Qiskit's state."""

from __future__ import annotations

import numpy as np
import pytest

qiskit = pytest.importorskip("qiskit")

from qiskit.circuit import ParameterVector as QiskitParameterVector  # noqa: E402
from qiskit.circuit.library import efficient_su2  # noqa: E402
from qiskit.quantum_info import SparsePauliOp, Statevector  # noqa: E402

import qfusion as qf  # noqa: E402
from qfusion.interop import from_qiskit, to_qiskit  # noqa: E402


def test_efficient_su2_binds_by_position_as_qiskit():
    qc = efficient_su2(4)
    circuit = from_qiskit(qc)
    assert [p.name for p in circuit.parameters] == [p.name for p in qc.parameters]
    x = np.linspace(-1.0, 1.0, qc.num_parameters)
    expected = Statevector(qc.assign_parameters(x)).expectation_value(SparsePauliOp("ZZII")).real
    got = qf.simulate(circuit, params=x).expectation_value("ZZII")
    assert got == pytest.approx(expected, abs=1e-12)
    overlap = abs(np.vdot(Statevector(qc.assign_parameters(x)).data, np.asarray(qf.simulate(circuit, params=x))))
    assert overlap == pytest.approx(1.0, abs=1e-12)


def test_own_parameter_vector_sorts_like_qiskits():
    theta = qf.ParameterVector("theta", 12)
    circuit = qf.Circuit(3)
    qc = qiskit.QuantumCircuit(3)
    q_theta = QiskitParameterVector("theta", 12)
    for k in reversed(range(12)):
        circuit.ry(theta[k], k % 3).cx(k % 3, (k + 1) % 3)
        qc.ry(q_theta[k], k % 3)
        qc.cx(k % 3, (k + 1) % 3)
    assert [p.name for p in circuit.parameters] == [p.name for p in qc.parameters]
    x = np.arange(12) * 0.3
    want = Statevector(qc.assign_parameters(x)).data
    assert np.allclose(np.asarray(qf.simulate(circuit, params=x)), want, atol=1e-12)


def test_round_trip_to_qiskit_keeps_order():
    theta = qf.ParameterVector("t", 11)
    circuit = qf.Circuit(1)
    for p in theta:
        circuit.rx(p, 0)
    back = to_qiskit(circuit)
    assert [p.name for p in back.parameters] == [p.name for p in circuit.parameters]
    x = np.linspace(0, 1, 11)
    assert np.allclose(Statevector(back.assign_parameters(x)).data,
                       np.asarray(qf.simulate(circuit, params=x)), atol=1e-12)


def test_parameter_vector_validates_and_prints():
    v = qf.ParameterVector("v", 2)
    assert repr(v) == "ParameterVector('v', 2)" and v[1].index == 1 and v[1].vector is v
    assert v[0] == qf.Parameter("v[0]")
    with pytest.raises(qf.errors.ParameterError, match="length"):
        qf.ParameterVector("v", -1)
