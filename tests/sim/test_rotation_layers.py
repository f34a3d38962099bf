"""Random rotation layers (rx, rz on every qubit, CZ on alternating pairs: issue 22's family) against
Qiskit, on every path of the state vector: in-place sweeps, gathered lane sweeps of the default size
and small lane sweeps that split the circuit into many, in both precisions."""

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.quantum_info import Statevector

import qfusion as qf
from qfusion.cli.bench_circuits import build, rotation_layers_gates
from qfusion.sim import SimulatorOptions, simulate

LANES_SMALL = SimulatorOptions(lanes=True, sweep_qubits=8, sweep_mixed=3)
LANES_TINY = SimulatorOptions(lanes=True, sweep_qubits=6, sweep_mixed=2, max_diagonal_qubits=2)
IN_PLACE = SimulatorOptions(lanes=False, local_qubits=5)


def qiskit_state(gate_list, num_qubits):
    qc = QuantumCircuit(num_qubits)
    for name, qubits, params in gate_list:
        getattr(qc, name)(*params, *qubits)
    return Statevector(qc).data


def fidelity(a, b):
    a, b = np.asarray(a, dtype=complex), np.asarray(b, dtype=complex)
    return abs(np.vdot(a, b)) ** 2 / (np.vdot(a, a).real * np.vdot(b, b).real)


@pytest.mark.parametrize("n, layers, seed", [(2, 3, 1), (5, 4, 2), (9, 20, 3), (12, 6, 4)])
@pytest.mark.parametrize("options", [None, LANES_SMALL, LANES_TINY, IN_PLACE],
                         ids=["default", "lanes-small", "lanes-tiny", "in-place"])
def test_rotation_layers_match_qiskit(n, layers, seed, options):
    gate_list = rotation_layers_gates(n, layers=layers, seed=seed)
    state = np.asarray(simulate(build(gate_list, n), options=options))
    np.testing.assert_allclose(state, qiskit_state(gate_list, n), atol=1e-10)


@pytest.mark.parametrize("dtype, tolerance", [(np.complex128, 1e-10), (np.complex64, 1e-5)])
def test_rotation_layers_on_the_default_lane_path_match_qiskit(dtype, tolerance):
    # 17 qubits: past lanes_from_qubits, and more than one 1 MiB sweep in either precision
    gate_list = rotation_layers_gates(17, layers=8, seed=5)
    state = np.asarray(simulate(build(gate_list, 17), dtype=dtype))
    assert state.dtype == dtype
    assert fidelity(state, qiskit_state(gate_list, 17)) > 1 - tolerance


def test_rotation_layers_are_seeded_and_differ_from_brickwork():
    assert rotation_layers_gates(6) == rotation_layers_gates(6)
    assert rotation_layers_gates(6, seed=2) != rotation_layers_gates(6)
    assert qf.cli.bench_circuits.gates("rotlayers", 6) == rotation_layers_gates(6)
    assert [g[1] for g in rotation_layers_gates(6)] != [g[1] for g in qf.cli.bench_circuits.brickwork_gates(6)]
    counts = build(rotation_layers_gates(6, layers=20), 6).count_ops()
    assert counts == {"rx": 120, "rz": 120, "cz": 10 * 3 + 10 * 2}
