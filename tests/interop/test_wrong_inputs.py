"""The converters name what they take (issue 12's kind: they raised AttributeError on a str or on
the other library's circuit)."""

from __future__ import annotations

import pytest

import qfusion as qf
from qfusion.errors import CircuitError


def test_from_and_to_qiskit_name_what_they_take():
    pytest.importorskip("qiskit")
    with pytest.raises(CircuitError, match=r"from_qiskit takes a qiskit.QuantumCircuit, got str \(parse OpenQASM"):
        qf.interop.from_qiskit("OPENQASM 2.0;")
    with pytest.raises(CircuitError, match="from_qiskit takes a qiskit.QuantumCircuit, got Circuit"):
        qf.interop.from_qiskit(qf.Circuit(1))
    with pytest.raises(CircuitError, match="to_qiskit takes a qfusion Circuit, got str"):
        qf.interop.to_qiskit("x")


def test_from_and_to_cirq_name_what_they_take():
    pytest.importorskip("cirq")
    with pytest.raises(CircuitError, match="from_cirq takes a cirq.Circuit, got str"):
        qf.interop.from_cirq("x")
    with pytest.raises(CircuitError, match="to_cirq takes a qfusion Circuit, got list"):
        qf.interop.to_cirq([])
