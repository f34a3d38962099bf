"""Correctness against Qiskit: its importers read what dumps writes, and loads reads what its exporters write.

Both sides compare Qiskit's ``Operator`` with ``circuit_unitary`` (the same little-endian
convention): exactly for OpenQASM 3, up to a global phase for OpenQASM 2 (which has none).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from qasm_helpers import equal_up_to_phase, modified_gate, unitary_circuit

qiskit = pytest.importorskip("qiskit")
pytest.importorskip("qiskit_qasm3_import")

from qiskit import QuantumCircuit, QuantumRegister, qasm2, qasm3  # noqa: E402
from qiskit.circuit import library  # noqa: E402
from qiskit.circuit.random import random_circuit  # noqa: E402
from qiskit.quantum_info import Operator  # noqa: E402

from qfusion.circuit import Circuit, Parameter, UnitaryGate, circuit_unitary  # noqa: E402
from qfusion.qasm import dumps, loads  # noqa: E402


def qiskit_loads(text: str, version: int) -> QuantumCircuit:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if version == 2:
            return qasm2.loads(text, custom_instructions=qasm2.LEGACY_CUSTOM_INSTRUCTIONS)
        return qasm3.loads(text)


def assert_operators_match(qiskit_matrix, ours, version):
    if version == 3:
        np.testing.assert_allclose(qiskit_matrix, ours, atol=1e-8)
    else:
        assert equal_up_to_phase(qiskit_matrix, ours)


# -- our dumps, Qiskit's loads ----------------------------------------------------------------

@pytest.mark.parametrize("version", [2, 3])
@pytest.mark.parametrize("seed", range(150))
def test_qiskit_reads_our_random_circuits(seed, version):
    rng = np.random.default_rng(seed)
    circuit = unitary_circuit(rng, num_qubits=int(rng.integers(1, 6)), depth=int(rng.integers(1, 25)))
    qc = qiskit_loads(dumps(circuit, version), version)
    assert_operators_match(Operator(qc).data, circuit_unitary(circuit), version)


@pytest.mark.parametrize("seed", range(60))
def test_qiskit_reads_our_modifiers_circuit_gates_and_unitaries(seed):
    rng = np.random.default_rng(500 + seed)
    circuit = Circuit(4, global_phase=0.3)
    for _ in range(8):
        gate = modified_gate(rng, 4)
        circuit.append(gate, [int(q) for q in rng.permutation(4)[:gate.num_qubits]])
    qc = qiskit_loads(dumps(circuit, 3), 3)
    np.testing.assert_allclose(Operator(qc).data, circuit_unitary(circuit), atol=1e-8)


def test_qiskit_reads_every_standard_gate_at_once():
    circuit = (Circuit(6).id(0).x(1).y(2).z(3).h(4).s(5).sdg(0).t(1).tdg(2).sx(3).sxdg(4).rx(0.1, 5)
               .ry(0.2, 0).rz(0.3, 1).p(0.4, 2).u(0.5, 0.6, 0.7, 3).cx(0, 1).cy(1, 2).cz(2, 3).ch(3, 4)
               .cp(0.8, 4, 5).crx(0.9, 5, 0).cry(1.0, 0, 2).crz(1.1, 1, 3).cu(1.2, 1.3, 1.4, 1.5, 2, 4)
               .swap(3, 5).iswap(0, 4).ecr(1, 5).rxx(1.6, 2, 0).ryy(1.7, 3, 1).rzz(1.8, 4, 2).ccx(0, 1, 2)
               .cswap(3, 4, 5).mcx([5, 4, 3], 0).mcx([0, 1, 2, 3, 4], 5).mcx([2], 3))
    for version in (2, 3):
        qc = qiskit_loads(dumps(circuit, version), version)
        assert_operators_match(Operator(qc).data, circuit_unitary(circuit), version)


def test_qiskit_reads_our_parameters_as_its_parameters():
    theta = Parameter("theta")
    circuit = Circuit(2).rx(theta, 0).cp(2 * theta - 0.5, 0, 1).ry(-theta / 3, 1)
    qc = qiskit_loads(dumps(circuit), 3)
    assert [p.name for p in qc.parameters] == ["theta"]
    bound = qc.assign_parameters({qc.parameters[0]: 0.37})
    np.testing.assert_allclose(Operator(bound).data, circuit_unitary(circuit.bind({theta: 0.37})), atol=1e-10)


def test_qiskit_reads_our_conditions_and_measurements():
    circuit = Circuit(2, 2).h(0).measure(0, 0).x(1).c_if(0, 1).measure(1, 1).z(0).c_if([0, 1], 3)
    qc = qiskit_loads(dumps(circuit), 3)
    assert [inst.operation.name for inst in qc.data] == ["h", "measure", "if_else", "measure", "if_else"]


# -- Qiskit's dumps, our loads ----------------------------------------------------------------

@pytest.mark.parametrize("seed", range(120))
def test_we_read_qiskits_random_circuits(seed):
    rng = np.random.default_rng(seed)
    qc = random_circuit(int(rng.integers(1, 6)), int(rng.integers(1, 8)), max_operands=4, seed=seed)
    expected = Operator(qc).data
    for version in (2, 3):
        text = qasm2.dumps(qc) if version == 2 else qasm3.dumps(qc)
        ours = circuit_unitary(loads(text))
        # Qiskit's OpenQASM 3 exporter drops the global phase of the gate definitions it writes,
        # so only the matrix Qiskit itself reads back from the same text is exact
        assert equal_up_to_phase(ours, expected)
        if version == 3:
            np.testing.assert_allclose(ours, Operator(qiskit_loads(text, 3)).data, atol=1e-8)


def _hand_built() -> QuantumCircuit:
    qr, anc = QuantumRegister(3, "q"), QuantumRegister(2, "anc")
    qc = QuantumCircuit(qr, anc)
    qc.h(0)
    qc.u(0.1, 0.2, 0.3, 1)
    qc.append(library.U1Gate(0.4), [2])
    qc.append(library.U2Gate(0.5, 0.6), [3])
    qc.append(library.U3Gate(0.7, 0.8, 0.9), [4])
    qc.append(library.CU1Gate(1.0), [0, 1])
    qc.append(library.CU3Gate(1.1, 1.2, 1.3), [1, 2])
    qc.cu(0.1, 0.2, 0.3, 0.4, 2, 3)
    qc.csx(3, 4)
    qc.append(library.C3XGate(), [0, 1, 2, 3])
    qc.append(library.C3SXGate(), [1, 2, 3, 4])
    qc.append(library.C4XGate(), [0, 1, 2, 3, 4])
    qc.append(library.RCCXGate(), [0, 2, 4])
    qc.append(library.RC3XGate(), [4, 3, 2, 1])
    qc.rzx(0.3, 0, 4)
    qc.dcx(1, 3)
    qc.cs(0, 1)
    qc.csdg(1, 2)
    qc.append(library.XXPlusYYGate(0.2, 0.3), [2, 3])
    qc.append(library.XXMinusYYGate(0.4, 0.5), [3, 4])
    qc.append(library.RGate(0.6, 0.7), [0])
    qc.mcx([0, 1, 2, 3], 4)
    qc.append(library.MCPhaseGate(0.8, 3), [4, 0, 1, 2])
    qc.append(library.HGate().control(2, ctrl_state=1, annotated=False), [0, 1, 2])
    qc.append(library.SXdgGate(), [4])
    qc.iswap(0, 2)
    qc.ecr(3, 1)
    qc.ryy(0.9, 2, 4)
    qc.rxx(1.1, 0, 3)
    qc.rzz(1.2, 1, 4)
    qc.cswap(0, 3, 4)
    qc.ch(4, 0)
    qc.append(library.QFTGate(3), [0, 2, 4])
    return qc


@pytest.mark.parametrize("version", [2, 3])
def test_we_read_qiskits_hand_built_circuit_with_many_gate_types(version):
    qc = _hand_built()
    text = qasm2.dumps(qc) if version == 2 else qasm3.dumps(qc)
    ours = loads(text)
    assert [(r.name, r.size) for r in ours.qregs] == [("q", 3), ("anc", 2)]
    assert equal_up_to_phase(circuit_unitary(ours), Operator(qc).data)
    if version == 3:
        np.testing.assert_allclose(circuit_unitary(ours), Operator(qiskit_loads(text, 3)).data, atol=1e-8)


def test_we_read_qiskits_parameters():
    theta = qiskit.circuit.Parameter("theta")
    qc = QuantumCircuit(2)
    qc.rx(theta, 0)
    qc.crz(2 * theta + 1, 0, 1)
    qc.global_phase = 0
    ours = loads(qasm3.dumps(qc))
    assert [p.name for p in ours.parameters] == ["theta"]
    np.testing.assert_allclose(circuit_unitary(ours.bind({"theta": 0.3})),
                               Operator(qc.assign_parameters({theta: 0.3})).data, atol=1e-12)


def test_inline_gates_gives_the_same_operator():
    qc = _hand_built()
    for text in (qasm2.dumps(qc), qasm3.dumps(qc)):
        inline = loads(text, inline_gates=True)
        assert all(inst.operation.name != "rzx" for inst in inline)
        assert equal_up_to_phase(circuit_unitary(inline), Operator(qc).data)


def test_qelib1_gates_map_exactly_on_qiskits_matrices():
    lines = ["u3(0.1,0.2,0.3) q[0];", "u2(0.4,0.5) q[0];", "u1(0.6) q[0];", "u0(1) q[0];", "id q[1];",
             "cu1(0.8) q[0],q[1];", "cu3(0.9,1.0,1.1) q[1],q[2];", "csx q[2],q[3];", "c3x q[0],q[1],q[2],q[3];",
             "c3sqrtx q[3],q[2],q[1],q[0];", "c4x q[0],q[1],q[2],q[3],q[4];", "rccx q[0],q[2],q[4];",
             "rc3x q[4],q[3],q[2],q[1];", "cu(1.2,1.3,1.4,1.5) q[0],q[4];", "sxdg q[2];", "rxx(1.6) q[1],q[3];",
             "rzz(1.7) q[2],q[4];", "CX q[0],q[1];", "U(0.1,0.2,0.3) q[3];"]
    for line in lines:
        text = 'OPENQASM 2.0; include "qelib1.inc"; qreg q[5]; ' + line
        assert equal_up_to_phase(circuit_unitary(loads(text)), Operator(qiskit_loads(text, 2)).data), line


def test_stdgates_gates_map_exactly_on_qiskits_matrices():
    lines = ["p(0.1) q[0];", "phase(0.2) q[0];", "cphase(0.3) q[0], q[1];", "u1(0.4) q[1];",
             "u2(0.5, 0.6) q[2];", "u3(0.7, 0.8, 0.9) q[0];", "CX q[1], q[0];", "cu(0.1, 0.2, 0.3, 0.4) q[0], q[2];",
             "id q[0];", "U(1, 2, 3) q[1];", "ctrl @ gphase(0.5) q[0];", "ctrl(2) @ sx q[2], q[1], q[0];",
             "negctrl @ ctrl @ rx(0.2) q[0], q[1], q[2];", "inv @ pow(0.3) @ h q[1];", "gphase(0.7);"]
    for line in lines:
        text = 'OPENQASM 3.0; include "stdgates.inc"; qubit[3] q; ' + line
        np.testing.assert_allclose(circuit_unitary(loads(text)), Operator(qiskit_loads(text, 3)).data,
                                   atol=1e-10, err_msg=line)


def test_global_phase_of_unitary_and_math():
    circuit = Circuit(1, global_phase=math.pi / 3)
    circuit.append(UnitaryGate(np.array([[0, 1j], [1j, 0]])), [0])
    qc = qiskit_loads(dumps(circuit), 3)
    np.testing.assert_allclose(Operator(qc).data, circuit_unitary(circuit), atol=1e-12)
