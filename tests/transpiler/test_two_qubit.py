import numpy as np
import pytest

from qfusion.circuit import Circuit, circuit_unitary, standard_gate
from qfusion.transpiler.decompose import unroll
from qfusion.transpiler.one_qubit import BASES, gates_matrix, synthesize_one_qubit
from qfusion.transpiler.two_qubit import FIXED_ENTANGLERS, PARAMETRIC_ENTANGLERS, synthesize_two_qubit
from qfusion.transpiler.weyl import local_equivalence


def _haar(dim, rng):
    z = (rng.standard_normal((dim, dim)) + 1j * rng.standard_normal((dim, dim))) / np.sqrt(2)
    q, r = np.linalg.qr(z)
    return q * (np.diag(r) / np.abs(np.diag(r)))


def _unitaries(rng):
    named = [standard_gate(n).matrix() for n in ("cx", "cz", "swap", "iswap", "ecr", "ch", "cy")]
    rotations = [standard_gate(n, t).matrix() for n in ("cp", "crx", "rzz", "rxx", "ryy") for t in (0.3, np.pi / 2)]
    products = [np.kron(_haar(2, rng), _haar(2, rng)) for _ in range(3)]
    special = [standard_gate("cx").matrix() @ np.kron(_haar(2, rng), np.eye(2)) @ standard_gate("cz").matrix()]
    return named + rotations + products + special + [_haar(4, rng) for _ in range(40)]


@pytest.mark.parametrize("entangler", FIXED_ENTANGLERS)
def test_minimal_entangler_count_matches_qiskit(entangler):
    synthesis = pytest.importorskip("qiskit.synthesis")
    from qiskit.circuit.library import CXGate
    decomposer = synthesis.TwoQubitBasisDecomposer(CXGate())
    rng = np.random.default_rng(5)
    for unitary in _unitaries(rng):
        ops, phase = synthesize_two_qubit(unitary, entangler)
        count = sum(1 for gate, q in ops if len(q) == 2)
        assert all(gate.name == entangler for gate, q in ops if len(q) == 2)
        assert count == decomposer.num_basis_gates(unitary)
        circuit = Circuit(2, global_phase=phase)
        for gate, qubits in ops:
            circuit.append(gate, qubits)
        assert np.allclose(circuit_unitary(circuit), unitary, atol=1e-7)


@pytest.mark.parametrize("entangler", PARAMETRIC_ENTANGLERS)
def test_parametric_entanglers(entangler):
    rng = np.random.default_rng(6)
    for unitary in _unitaries(rng):
        ops, phase = synthesize_two_qubit(unitary, entangler)
        circuit = Circuit(2, global_phase=phase)
        for gate, qubits in ops:
            circuit.append(gate, qubits)
        assert np.allclose(circuit_unitary(circuit), unitary, atol=1e-7)
    assert sum(len(q) == 2 for _, q in synthesize_two_qubit(standard_gate("cp", 0.4).matrix(), entangler)[0]) == 1
    assert sum(len(q) == 2 for _, q in synthesize_two_qubit(standard_gate("swap").matrix(), entangler)[0]) == 3


@pytest.mark.parametrize("basis", BASES)
def test_one_qubit_bases(basis):
    rng = np.random.default_rng(8)
    matrices = [_haar(2, rng) for _ in range(100)] + [standard_gate(n).matrix() for n in ("h", "x", "sx", "s", "id")]
    for matrix in matrices:
        gates, phase = synthesize_one_qubit(matrix, basis)
        assert np.allclose(np.exp(1j * phase) * gates_matrix(gates), matrix, atol=1e-9)
        assert len(gates) <= 5


def test_local_equivalence_recovers_local_gates():
    rng = np.random.default_rng(9)
    for _ in range(20):
        core = _haar(4, rng)
        dressed = np.kron(_haar(2, rng), _haar(2, rng)) @ core @ np.kron(_haar(2, rng), _haar(2, rng))
        phase, left, right = local_equivalence(dressed, core)
        assert np.allclose(phase * left @ core @ right, dressed)


def test_unroll_large_gates():
    rng = np.random.default_rng(10)
    from qfusion.circuit.modifiers import ControlledGate
    circuits = [Circuit(3).ccx(2, 0, 1), Circuit(3).cswap(1, 2, 0), Circuit(5).mcx([0, 1, 2, 4], 3),
                Circuit(3).unitary(_haar(8, rng), [2, 0, 1]), Circuit(4).unitary(_haar(16, rng), [0, 1, 2, 3])]
    controlled = Circuit(4)
    controlled.append(ControlledGate(standard_gate("u", 0.3, 0.4, 0.5), 3, ctrl_state=5), (0, 1, 2, 3))
    circuits.append(controlled)
    for circuit in circuits:
        out = unroll(circuit)
        assert max(len(i.qubits) for i in out.instructions) <= 2
        assert np.allclose(circuit_unitary(out), circuit_unitary(circuit), atol=1e-8)
