"""The state-vector simulator against qiskit-aer, closed forms and the reference backend."""

import math

import numpy as np
import pytest
from circuits import random_circuit
from exact import chi_square_ok, exact_outcome_probabilities
from qiskit import QuantumCircuit, transpile
from qiskit.quantum_info import SparsePauliOp, Statevector
from qiskit_aer import AerSimulator

import qfusion as qf
from qfusion.circuit import Circuit, UnitaryGate
from qfusion.errors import CircuitError, CircuitTooLargeError
from qfusion.sim import SimulatorOptions, simulate
from qfusion.sim.memory import check_state_fits

AER = AerSimulator(method="statevector")
SMALL_CHUNKS = [SimulatorOptions(), SimulatorOptions(local_qubits=3),
                SimulatorOptions(local_qubits=4, max_fused_qubits=3, max_diagonal_qubits=3),
                # gathered lane sweeps on small states (the default from 16 qubits on)
                SimulatorOptions(lanes=True, sweep_qubits=7, sweep_mixed=3),
                SimulatorOptions(lanes=True, sweep_qubits=6, sweep_mixed=2, max_diagonal_qubits=3)]


def aer_statevector(qc: QuantumCircuit) -> np.ndarray:
    # optimization_level=0: qiskit 2.6's level-1 resynthesis of 2-qubit unitaries for Aer's
    # target was seen to return a wrong circuit (fidelity 0.5 against Operator(qc))
    qc = qc.copy()
    qc.save_statevector()
    return np.asarray(AER.run(transpile(qc, AER, optimization_level=0)).result().get_statevector())


def fidelity(a, b):
    return abs(np.vdot(a, b)) ** 2 / (np.vdot(a, a).real * np.vdot(b, b).real)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 7, 10])
def test_random_circuits_match_qiskit_aer(n):
    rng = np.random.default_rng(n)
    for trial in range(30):
        circuit = random_circuit(n, 6 * n + 10, rng)
        expected = aer_statevector(qf.interop.to_qiskit(circuit))
        options = SMALL_CHUNKS[trial % len(SMALL_CHUNKS)]
        state = np.asarray(simulate(circuit, options=options))
        assert fidelity(state, expected) > 1 - 1e-10, (n, trial, options)


@pytest.mark.slow
def test_large_random_circuits_match_qiskit_aer_on_the_lane_path():
    rng = np.random.default_rng(17)
    for trial, dtype in enumerate([np.complex128, np.complex64]):
        circuit = random_circuit(17, 120, rng)
        expected = aer_statevector(qf.interop.to_qiskit(circuit))
        state = np.asarray(simulate(circuit, dtype=dtype))
        assert fidelity(state.astype(complex), expected) > 1 - (1e-10 if trial == 0 else 1e-5)


@pytest.mark.parametrize("version", [2, 3])
def test_circuits_written_by_qiskit_exporters_match_aer(version):
    from qiskit import qasm2, qasm3
    from qiskit.circuit.random import random_circuit as qiskit_random_circuit
    for seed in range(25):
        qc = qiskit_random_circuit(6, 8, max_operands=3, seed=seed)
        text = qasm2.dumps(qc) if version == 2 else qasm3.dumps(qc)
        state = np.asarray(simulate(qf.qasm.loads(text)))
        assert fidelity(state, aer_statevector(qc)) > 1 - 1e-10, seed


def test_global_phase_and_exact_amplitudes():
    state = np.asarray(simulate(Circuit(1, global_phase=math.pi / 2).x(0)))
    np.testing.assert_allclose(state, [0, 1j], atol=1e-15)


def test_complex64_agrees_to_single_precision():
    rng = np.random.default_rng(11)
    circuit = random_circuit(9, 80, rng)
    single = simulate(circuit, dtype="complex64")
    assert np.asarray(single).dtype == np.complex64
    assert fidelity(np.asarray(single).astype(complex), np.asarray(simulate(circuit))) > 1 - 1e-5


def test_qft_matches_closed_form():
    n = 6
    c = Circuit(n).x(0).x(2)  # |5>
    for j in reversed(range(n)):
        c.h(j)
        for k in reversed(range(j)):
            c.cp(math.pi / 2 ** (j - k), k, j)
    for i in range(n // 2):
        c.swap(i, n - 1 - i)
    expected = np.exp(2j * np.pi * 5 * np.arange(2 ** n) / 2 ** n) / 2 ** (n / 2)
    np.testing.assert_allclose(np.asarray(simulate(c, options=SimulatorOptions(local_qubits=3))), expected,
                               atol=1e-12)


def test_parameters_bind_at_simulate():
    theta = qf.Parameter("theta")
    c = Circuit(1).ry(2 * theta, 0)
    state = np.asarray(simulate(c, {theta: math.pi / 4}))
    np.testing.assert_allclose(state, [math.cos(math.pi / 4), math.sin(math.pi / 4)], atol=1e-12)
    with pytest.raises(CircuitError, match="unbound parameters"):
        simulate(c)


def test_sampling_passes_chi_square_against_exact_probabilities():
    rng = np.random.default_rng(5)
    for _ in range(5):
        circuit = random_circuit(5, 30, rng)
        probabilities = Statevector(qf.interop.to_qiskit(circuit)).probabilities_dict()
        probabilities = {k: float(v) for k, v in probabilities.items()}
        measured = circuit.copy().measure_all()
        shots = 20000
        counts = qf.run(measured, shots=shots, seed=int(rng.integers(1 << 30))).counts
        assert sum(counts.values()) == shots
        assert chi_square_ok(counts, probabilities, shots)


def test_sampling_is_reproducible_by_seed():
    c = random_circuit(6, 40, np.random.default_rng(2)).measure_all()
    first = qf.run(c, shots=500, seed=42, memory=True)
    second = qf.run(c, shots=500, seed=42, memory=True)
    assert first.counts == second.counts and first.memory == second.memory
    assert qf.run(c, shots=500, seed=43).counts != first.counts


def test_mid_circuit_measurement_reset_and_conditions_match_reference_statistics():
    c = Circuit(3, 3)
    c.h(0).cx(0, 1).measure(0, 0).reset(0).x(2).c_if(0, 1).ry(1.1, 0).measure(0, 1).h(1).measure(2, 2)
    shots = 4000
    ours = qf.run(c, shots=shots, seed=1).counts
    exact = qf.run(c, shots=40000, seed=2, backend="reference").counts
    probabilities = {k: v / 40000 for k, v in exact.items()}
    # outcome of clbit 0 and clbit 2 are always equal (x on 2 conditioned on clbit 0)
    assert all(k[0] == k[2] for k in ours)
    for key, p in probabilities.items():
        assert abs(ours.get(key, 0) / shots - p) < 5 * math.sqrt(p * (1 - p) / shots) + 0.01


# gates, mid-circuit measurements, resets (a reset of an entangled qubit leaves different states
# behind per outcome) and conditions on one and two clbits, then a terminal tail
_MID_CIRCUIT_OPS = [("h", (0,)), ("cx", (0, 1)), ("ry", (0.7, 2)), ("cx", (2, 3)), ("reset", (3,)),
                    ("measure", (0, 0)), ("x", (2,), ((0,), 1)), ("ry", (1.1, 0)), ("cx", (2, 0)),
                    ("measure", (0, 1)), ("h", (1,)), ("cx", (1, 3)), ("reset", (1,), ((1,), 1)),
                    ("ry", (0.5, 1), ((0, 1), 2)), ("cx", (1, 3)), ("measure", (3, 2), ((0,), 0)), ("ry", (0.9, 3)),
                    ("measure", (1, 3)), ("measure", (2, 4)), ("measure", (3, 2), ((0,), 1))]


def _mid_circuit(ops):
    c = Circuit(4, 5)
    for name, args, *condition in ops:
        getattr(c, name)(*args)
        if condition:
            c.c_if(list(condition[0][0]), condition[0][1])
    return c


@pytest.mark.parametrize("path", ["branches", "per_shot"])
def test_mid_circuit_counts_pass_chi_square_against_enumerated_branches(path, monkeypatch):
    from qfusion.sim import statevector

    def refuse(*args):
        raise AssertionError("the other sampling path ran")

    if path == "branches":
        monkeypatch.setattr(statevector, "_sample_shots", refuse)
    else:
        monkeypatch.setattr(statevector, "_branches_fit", lambda *args: False)
        monkeypatch.setattr(statevector, "_sample_branches", refuse)
    probabilities = exact_outcome_probabilities(_mid_circuit(_MID_CIRCUIT_OPS))
    assert abs(sum(probabilities.values()) - 1) < 1e-12 and len(probabilities) > 8
    shots = 20000
    counts, _ = statevector.sample(_mid_circuit(_MID_CIRCUIT_OPS), shots, seed=11)
    assert sum(counts.values()) == shots
    assert chi_square_ok(counts, probabilities, shots)


def test_mid_circuit_shots_are_independent_draws():
    # one measurement of |+>, many shots: a branch must not hand every shot the same outcome
    from qfusion.sim import statevector
    counts, memory = statevector.sample(Circuit(1, 2).h(0).measure(0, 0).reset(0).h(0).measure(0, 1), 4000,
                                        seed=4, memory=True)
    assert chi_square_ok(counts, {k: 0.25 for k in ("00", "01", "10", "11")}, 4000)
    assert len(set(memory[:20])) > 1


def test_measurement_then_gate_on_other_qubit_is_sampled_once():
    c = Circuit(2, 2).h(0).measure(0, 0).h(1).measure(1, 1)
    counts = qf.run(c, shots=4000, seed=3).counts
    assert set(counts) == {"00", "01", "10", "11"}


def test_expectation_values_match_qiskit_without_copying_the_state():
    rng = np.random.default_rng(8)
    n = 7
    circuit = random_circuit(n, 50, rng)
    terms = [("".join(rng.choice(list("IXYZ"), n)), float(rng.normal())) for _ in range(40)]
    expected = Statevector(qf.interop.to_qiskit(circuit)).expectation_value(SparsePauliOp.from_list(terms))
    for options in SMALL_CHUNKS:
        state = simulate(circuit, options=options)
        assert state.expectation_value(terms) == pytest.approx(expected.real, abs=1e-10)
    assert simulate(Circuit(2).x(1)).expectation_value("ZI") == pytest.approx(-1.0)


def test_memory_guard_refuses_40_qubits_at_once():
    c = Circuit(40).h(0)
    with pytest.raises(CircuitTooLargeError, match=r"40 qubits need 16\.0 TiB as complex128"):
        simulate(c)
    with pytest.raises(CircuitTooLargeError):
        qf.run(c.measure_all(), shots=10)


def test_memory_guard_honours_limit_setting(monkeypatch):
    monkeypatch.setenv("QFUSION_MEMORY_LIMIT", "1MiB")
    with pytest.raises(CircuitTooLargeError, match="1.0 MiB is available"):
        check_state_fits(20, np.complex128)
    assert check_state_fits(10, np.complex128) == 16 * 1024


def test_unitary_gate_on_three_qubits():
    rng = np.random.default_rng(9)
    q, _ = np.linalg.qr(rng.normal(size=(8, 8)) + 1j * rng.normal(size=(8, 8)))
    c = Circuit(4).h(3).append(UnitaryGate(q), [3, 0, 2])
    expected = aer_statevector(qf.interop.to_qiskit(c))
    assert fidelity(np.asarray(simulate(c)), expected) > 1 - 1e-10
