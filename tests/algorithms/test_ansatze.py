"""The hardware-efficient ansatz against Qiskit's EfficientSU2 (same layer structure)."""

import numpy as np
import pytest
from qiskit.circuit.library import efficient_su2
from qiskit.quantum_info import Statevector

import qfusion as qf
from qfusion.algorithms import hardware_efficient_ansatz
from qfusion.errors import CircuitError


@pytest.mark.parametrize("entanglement", ["linear", "full", "circular"])
def test_matches_qiskit_efficient_su2(entanglement):
    ours = hardware_efficient_ansatz(3, reps=2, rotations=("ry", "rz"), entanglement=entanglement)
    theirs = efficient_su2(3, su2_gates=["ry", "rz"], entanglement=entanglement, reps=2)
    values = np.random.default_rng(1).normal(size=len(ours.parameters))
    # Qiskit orders θ[k] layer by layer, gate by gate, qubit by qubit: the same order as ours
    bound = theirs.assign_parameters(values)
    assert np.allclose(np.asarray(qf.simulate(ours.bind(list(values)))), Statevector(bound).data, atol=1e-12)


def test_bad_arguments():
    with pytest.raises(CircuitError, match="entanglement"):
        hardware_efficient_ansatz(2, entanglement="star")
    with pytest.raises(CircuitError, match="rotations"):
        hardware_efficient_ansatz(2, rotations=("u",))
