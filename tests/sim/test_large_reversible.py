"""Large reversible-logic circuits (hwb12's shape: CX, X, Toffolis between H pairs) against Qiskit."""

import sys
from pathlib import Path

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.quantum_info import Statevector

import qfusion as qf
from qfusion.sim import SimulatorOptions, simulate

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from reversible_circuits import reversible_qasm  # noqa: E402


@pytest.mark.parametrize("options", [SimulatorOptions(), SimulatorOptions(lanes=True, sweep_qubits=8, sweep_mixed=3),
                                     SimulatorOptions(local_qubits=6)])
def test_reversible_circuit_matches_qiskit_statevector(options):
    # an H layer first, so the state is a superposition and every amplitude is checked
    text = reversible_qasm(num_qubits=12, num_gates=5_000, seed=7)
    head = "".join(f"h q[{q}];\n" for q in range(0, 12, 2))
    text = text.replace("qreg q[12];\n", "qreg q[12];\n" + head, 1)
    expected = np.asarray(Statevector(QuantumCircuit.from_qasm_str(text)))
    state = np.asarray(simulate(qf.qasm.loads(text), options=options))
    assert np.allclose(state, expected, atol=1e-10)


def test_reversible_circuit_sampled_outcome_is_qiskits():
    # from |0>, a reversible circuit ends in one basis state: every shot is that bitstring
    text = reversible_qasm(num_qubits=12, num_gates=5_000, seed=11)
    qc = QuantumCircuit.from_qasm_str(text)
    (expected,) = [key for key, p in Statevector(qc).probabilities_dict().items() if p > 0.5]
    circuit = qf.qasm.loads(text)
    circuit.measure_all()
    assert qf.run(circuit, shots=100, seed=1).counts == {expected: 100}


def test_cancelled_pairs_are_dropped_exactly():
    # H H and X X are identities: fusion leaves no gate, and the state is untouched
    from qfusion.sim.fusion import fuse
    from qfusion.sim.plan import lower
    circuit = qf.Circuit(3).h(0).h(0).x(1).x(1).h(2).rz(0.3, 2).h(2)
    ops = fuse(list(lower(circuit).ops), 1)
    assert [op.qubits for op in ops] == [(2,)]
    expected = Statevector(QuantumCircuit(3).compose(QuantumCircuit.from_qasm_str(qf.qasm.dumps(circuit, version=2))))
    assert np.allclose(np.asarray(qf.simulate(circuit)), np.asarray(expected), atol=1e-12)
