"""The density-matrix simulator against qiskit-aer's density-matrix method, same noise parameters."""

import logging

import numpy as np
import pytest
from exact import chi_square, exact_outcome_probabilities
from qiskit import transpile
from qiskit_aer import AerSimulator
from qiskit_aer import noise as aer

import qfusion as qf
from qfusion import noise
from qfusion.circuit import Circuit
from qfusion.errors import CircuitTooLargeError
from qfusion.interop.qiskit import to_qiskit
from qfusion.sim.density_matrix import DensityMatrixOptions, simulate
from qfusion.sim.noise_plan import lower_noisy

AER_DM = AerSimulator(method="density_matrix")
logging.getLogger("qiskit_aer.noise.noise_model").setLevel(logging.ERROR)
ONE_QUBIT = ["h", "x", "sx", "t", "s", "y"]
ROTATIONS = ["rz", "ry", "rx"]
TWO_QUBIT = ["cx", "cz", "swap", "rzz"]


def random_circuit(n, depth, rng):
    c = Circuit(n)
    for _ in range(depth):
        roll = rng.random()
        if roll < 0.35 and n >= 2:
            name = TWO_QUBIT[rng.integers(len(TWO_QUBIT))]
            a, b = (int(q) for q in rng.choice(n, 2, replace=False))
            c.append(name, [a, b], [*([rng.uniform(-3, 3)] if name == "rzz" else [])])
        elif roll < 0.6:
            c.append(ROTATIONS[rng.integers(3)], [int(rng.integers(n))], [rng.uniform(-3, 3)])
        else:
            c.append(ONE_QUBIT[rng.integers(len(ONE_QUBIT))], [int(rng.integers(n))])
    return c


def noise_models(rng):
    """The same noise as a qfusion model and a qiskit-aer model."""
    p1, p2 = rng.uniform(0.001, 0.05), rng.uniform(0.01, 0.1)
    t1, t2, time = 50.0, rng.uniform(20.0, 100.0), rng.uniform(0.5, 3.0)
    gamma, lam, pe = rng.uniform(0, 0.2), rng.uniform(0, 0.2), rng.uniform(0, 0.2)
    ours, theirs = noise.NoiseModel(), aer.NoiseModel()
    ours.add_gate_error(noise.depolarizing(p1), ONE_QUBIT)
    ours.add_gate_error(noise.thermal_relaxation(t1, t2, time, pe), ONE_QUBIT)
    theirs.add_all_qubit_quantum_error(aer.depolarizing_error(p1, 1).compose(
        aer.thermal_relaxation_error(t1, t2, time, pe)), ONE_QUBIT)
    ours.add_gate_error(noise.amplitude_damping(gamma), ROTATIONS)
    ours.add_gate_error(noise.amplitude_damping(gamma), ROTATIONS, qubits=1)  # replaces the all-qubit error
    ours.add_gate_error(noise.phase_damping(lam), ROTATIONS, qubits=1)
    theirs.add_all_qubit_quantum_error(aer.amplitude_damping_error(gamma), ROTATIONS)
    theirs.add_quantum_error(aer.amplitude_damping_error(gamma).compose(aer.phase_damping_error(lam)),
                             ROTATIONS, [1])
    ours.add_gate_error(noise.depolarizing(p2, 2), ["cx", "cz", "rzz"])
    ours.add_gate_error(noise.thermal_relaxation(t1, t2, 2 * time), ["cx", "cz", "rzz"])
    relax = aer.thermal_relaxation_error(t1, t2, 2 * time)
    theirs.add_all_qubit_quantum_error(aer.depolarizing_error(p2, 2).compose(relax.tensor(relax)),
                                       ["cx", "cz", "rzz"])
    pauli = [("XZ", 0.03), ("YI", 0.02), ("II", 0.95)]
    ours.add_gate_error(noise.pauli_channel(dict(pauli)), ["swap"], qubits=(0, 2))
    theirs.add_quantum_error(aer.pauli_error(pauli), ["swap"], [0, 2])
    return ours, theirs


def aer_density_matrix(circuit, noise_model):
    qc = to_qiskit(circuit)
    qc.save_density_matrix()
    sim = AerSimulator(method="density_matrix", noise_model=noise_model)
    # transpile for the noiseless simulator: a noise model's basis gates would rewrite some gates
    compiled = transpile(qc, AER_DM, optimization_level=0)
    return np.asarray(sim.run(compiled).result().data()["density_matrix"])


@pytest.mark.parametrize("seed", range(6))
def test_random_noisy_circuits_match_qiskit_aer(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 6))
    circuit = random_circuit(n, 30, rng)
    ours, theirs = noise_models(rng)
    rho = simulate(circuit, noise_model=ours)
    expected = aer_density_matrix(circuit, theirs)
    np.testing.assert_allclose(np.asarray(rho), expected, atol=1e-10)
    assert abs(rho.trace() - 1) < 1e-12


@pytest.mark.parametrize("options", [DensityMatrixOptions(local_qubits=3), DensityMatrixOptions(local_qubits=5,
                                     max_fused_qubits=3, max_diagonal_qubits=3)])
def test_small_chunks_and_other_fusion_agree(options):
    rng = np.random.default_rng(11)
    circuit = random_circuit(5, 40, rng)
    ours, theirs = noise_models(rng)
    np.testing.assert_allclose(np.asarray(simulate(circuit, noise_model=ours, options=options)),
                               aer_density_matrix(circuit, theirs), atol=1e-10)


def test_channels_in_the_circuit_and_resets_match_qiskit_aer():
    c = Circuit(3).h(0).cx(0, 1).ry(0.4, 2)
    c.append(noise.coherent_overrotation("x", 0.2).to_operation(), [1])
    c.append(noise.depolarizing(0.2, 2).to_operation(), [2, 0])
    c.reset(1)
    c.cx(0, 1)
    c.append(noise.erasure(0.3).to_operation(), [0])
    rho = simulate(c)
    qc = to_qiskit(Circuit(3).h(0).cx(0, 1).ry(0.4, 2))
    qc.append(aer.coherent_unitary_error(noise.coherent_overrotation("x", 0.2).kraus[0]).to_instruction(), [1])
    qc.append(aer.depolarizing_error(0.2, 2).to_instruction(), [2, 0])
    qc.reset(1)
    qc.cx(0, 1)
    qc.append(aer.depolarizing_error(0.3, 1).to_instruction(), [0])  # erasure to I/2 is depolarizing
    qc.save_density_matrix()
    expected = AER_DM.run(transpile(qc, AER_DM, optimization_level=0)).result().data()["density_matrix"]
    np.testing.assert_allclose(np.asarray(rho), np.asarray(expected), atol=1e-10)
    assert abs(rho.metadata["erasures"]["probability_any"] - 0.3) < 1e-12


def test_counts_readout_and_mid_circuit_measurement():
    model = noise.NoiseModel()
    model.add_readout_error(noise.readout_error(p0_given1=0.2, p1_given0=0.1))
    result = qf.run(Circuit(2).x(1).measure_all(), shots=20000, seed=3, backend="density_matrix", noise_model=model)
    # true outcome 10: clbit 1 reads 1 w.p. 0.8, clbit 0 reads 1 w.p. 0.1
    p = {"10": 0.8 * 0.9, "11": 0.8 * 0.1, "00": 0.2 * 0.9, "01": 0.2 * 0.1}
    for key, value in p.items():
        assert abs(result.counts.get(key, 0) / 20000 - value) < 0.012
    # mid-circuit measurement and a conditioned gate: teleport-like feed-forward
    c = Circuit(2, 2).h(0).measure(0, 0).x(1).c_if(0, 1).measure(1, 1)
    counts = qf.run(c, shots=400, seed=5, backend="density_matrix").counts
    assert set(counts) == {"00", "11"} and abs(counts["11"] - 200) < 50


def test_statistics_match_qiskit_aer_counts_distribution():
    rng = np.random.default_rng(21)
    circuit = random_circuit(3, 20, rng)
    ours, theirs = noise_models(rng)
    rho = simulate(circuit, noise_model=ours)
    measured = circuit.copy()
    measured.measure_all()
    counts = qf.run(measured, shots=40000, seed=2, backend="density_matrix", noise_model=ours).counts
    probabilities = rho.probabilities()
    tv = 0.5 * sum(abs(counts.get(format(i, "03b"), 0) / 40000 - probabilities[i]) for i in range(8))
    assert tv < 0.02


def test_observables_purity_fidelity():
    model = noise.NoiseModel()
    model.add_gate_error(noise.depolarizing(0.3), ["h"])
    rho = qf.simulate(Circuit(2).h(0).cx(0, 1), backend="density_matrix", noise_model=model)
    square = np.asarray(rho)
    for label in ["ZZ", "XX", "YY", "XI", "IZ", "XY"]:
        assert abs(rho.expectation_value(label) - np.trace(square @ noise.pauli_matrix(label)).real) < 1e-12
    h = qf.PauliSum.from_list([("ZZ", 0.5), ("XX", -1.0), ("YZ", 0.25)])
    expected = sum(c * np.trace(square @ noise.pauli_matrix(label)) for label, c in h.to_list())
    assert abs(rho.expectation_value(h) - expected.real) < 1e-12
    assert abs(rho.purity() - np.trace(square @ square).real) < 1e-12
    bell = np.array([1, 0, 0, 1]) / np.sqrt(2)
    assert abs(rho.fidelity(bell) - bell @ square @ bell) < 1e-12
    assert abs(rho.fidelity(np.outer(bell, bell)) - rho.fidelity(bell)) < 1e-6  # square roots of rounding
    np.testing.assert_allclose(rho.reduced([1]), square.reshape(2, 2, 2, 2).trace(axis1=1, axis2=3), atol=1e-12)


def test_memory_guard(monkeypatch):
    monkeypatch.setenv("QFUSION_MEMORY_LIMIT", "1M")
    with pytest.raises(CircuitTooLargeError, match="density matrix"):
        simulate(Circuit(10).h(0))


def test_idle_relaxation_from_durations_matches_closed_form():
    t1, t2 = 40.0, 30.0
    model = noise.NoiseModel()
    model.add_idle_error(noise.Relaxation(t1, t2))
    c = Circuit(2).x(1).h(1)
    for _ in range(6):
        c.x(0)
    c.barrier()
    c.h(1)
    durations = {"x": 2.0, "h": 0.0}
    rho = qf.simulate(c, backend="density_matrix", noise_model=model, durations=durations)
    # qubit 1 is in |-> from t = 2 (after its x) until the barrier at t = 12: <X> = -exp(-10/T2);
    # the final h turns that into <Z>
    idle = 12.0 - 2.0
    expected_z = -np.exp(-idle / t2)
    assert abs(rho.expectation_value("ZI") - expected_z) < 1e-12
    counts = qf.run(c.copy().measure_all(), shots=20000, seed=1, backend="density_matrix", noise_model=model,
                    durations=durations).counts
    p0 = (1 + expected_z) / 2
    assert abs(sum(v for k, v in counts.items() if k[0] == "0") / 20000 - p0) < 0.012


# transpiling for aer rewrites these into other gates, whose noise would then differ
AER_DECOMPOSES = {"ch", "crx", "cry", "crz", "cu", "iswap", "cswap"}


def test_every_standard_gate_on_both_qubit_orders_matches_qiskit():
    from qiskit.quantum_info import DensityMatrix
    rng = np.random.default_rng(5)
    for name, spec in qf.circuit.STANDARD_GATES.items():
        for qubits in ([0, 1, 2][:spec.num_qubits], [2, 0, 1][:spec.num_qubits]):
            c = Circuit(3).h(0).ry(0.7, 1).rx(0.3, 2).cx(0, 2)
            c.append(name, qubits, [*rng.uniform(-3, 3, spec.num_params)])
            expected = DensityMatrix(to_qiskit(c)).data
            np.testing.assert_allclose(np.asarray(simulate(c)), expected, atol=1e-12, err_msg=f"{name} {qubits}")


@pytest.mark.parametrize("seed", range(3))
def test_every_standard_gate_with_noise_matches_qiskit_aer(seed):
    """Non-Clifford two-qubit gates (dense transfer matrices), diagonal pairs (cx-rz-cx), three-qubit gates."""
    rng = np.random.default_rng(100 + seed)
    n = 4
    names = [g for g, spec in qf.circuit.STANDARD_GATES.items() if spec.num_qubits <= 3 and g not in AER_DECOMPOSES]
    c = Circuit(n)
    for _ in range(40):
        spec = qf.circuit.STANDARD_GATES[names[rng.integers(len(names))]]
        qubits = [int(q) for q in rng.choice(n, spec.num_qubits, replace=False)]
        c.append(spec.name, qubits, [*rng.uniform(-np.pi, np.pi, spec.num_params)])
    ours, theirs = noise.NoiseModel(), aer.NoiseModel()
    two = [g for g, spec in qf.circuit.STANDARD_GATES.items() if spec.num_qubits == 2]
    ours.add_gate_error(noise.depolarizing(0.05, 2), two)
    theirs.add_all_qubit_quantum_error(aer.depolarizing_error(0.05, 2), two)
    ours.add_gate_error(noise.amplitude_damping(0.03), ["h", "x", "rx", "u"])
    theirs.add_all_qubit_quantum_error(aer.amplitude_damping_error(0.03), ["h", "x", "rx", "u"])
    np.testing.assert_allclose(np.asarray(simulate(c, noise_model=ours)), aer_density_matrix(c, theirs), atol=1e-10)


def test_composed_gate_errors_run_as_their_factors_and_match_qiskit_aer():
    relax = noise.thermal_relaxation(30.0, 20.0, 1.5)
    ours, theirs = noise.NoiseModel(), aer.NoiseModel()
    ours.add_gate_error(noise.depolarizing(0.04, 2).compose(relax.tensor(relax)), ["cx", "cz"])
    theirs.add_all_qubit_quantum_error(aer.depolarizing_error(0.04, 2).compose(
        aer.thermal_relaxation_error(30.0, 20.0, 1.5).tensor(aer.thermal_relaxation_error(30.0, 20.0, 1.5))),
        ["cx", "cz"])
    c = random_circuit(4, 30, np.random.default_rng(31))
    program = lower_noisy(c, noise_model=ours)
    assert not any(getattr(op, "channel", None) is not None and op.channel.num_qubits == 2 and not
                   op.channel.is_pauli for op in program.ops)
    np.testing.assert_allclose(np.asarray(simulate(c, noise_model=ours)), aer_density_matrix(c, theirs), atol=1e-10)


def test_transfer_matrices_are_shared_by_equal_gates_and_channels_only():
    from qfusion.sim.density_ops import channel_ops, gate_ops
    from qfusion.sim.plan import gate_op
    rx = [qf.circuit.gates.standard_gate("rx", angle).matrix() for angle in (0.3, 0.3, 0.4)]
    first, again, other = (gate_ops(gate_op(m, (1,)), 3)[0] for m in rx)
    assert first is again and other is not first and not np.allclose(first.matrix, other.matrix)
    assert gate_ops(gate_op(rx[0], (2,)), 3)[0].qubits == (2, 5)      # placement is part of the key
    built_apart = noise.Channel.from_kraus(noise.amplitude_damping(0.2).kraus)
    assert channel_ops(built_apart, (0,), 2)[0] is channel_ops(noise.amplitude_damping(0.2), (0,), 2)[0]
    assert channel_ops(noise.amplitude_damping(0.3), (0,), 2)[0] is not channel_ops(built_apart, (0,), 2)[0]
    # a herald changes the key (the simulator records it) even where the map is the same
    assert noise.erasure(0.1).key != noise.Channel.from_kraus(noise.erasure(0.1).kraus).key


def test_a_conditioned_erasure_is_recorded_when_its_condition_holds():
    from qfusion.sim import density_matrix
    for first, expected in ((1, 0.3), (0, None)):
        c = Circuit(2, 2)
        if first:
            c.x(0)
        c.measure(0, 0)
        c.append(noise.erasure(0.3).to_operation(), [1]).c_if(0, 1)
        c.measure(1, 1)
        _, _, meta = density_matrix.sample(c, 50, seed=3)
        if expected is None:
            assert "erasures" not in meta
        else:
            assert abs(meta["erasures"]["probability_any"] - expected) < 1e-12
            assert meta["erasures"]["expected_per_qubit"] == {1: pytest.approx(expected)}


def _feed_forward_circuit():
    """Mid-circuit measurements with conditions on them, a conditioned measurement, a reset, a
    qubit measured twice and a terminal tail."""
    c = Circuit(3, 6)
    c.h(0).ry(0.7, 1).cx(0, 1).measure(0, 0)
    c.x(2).c_if(0, 1).rx(1.1, 0).cx(2, 1).ry(0.5, 2).measure(1, 1)
    c.h(0).c_if([0, 1], 2).measure(2, 2).reset(2).ry(2.0, 2)
    c.measure(0, 3).c_if(1, 1).cx(0, 2).ry(0.9, 1)
    c.measure(2, 4).measure(1, 5).measure(2, 4)
    return c


def _feed_forward_noise():
    model = noise.NoiseModel()
    model.add_gate_error(noise.depolarizing(0.05), ["h", "rx", "ry", "x"])
    model.add_gate_error(noise.amplitude_damping(0.1), ["ry"])
    model.add_gate_error(noise.depolarizing(0.08, 2), ["cx"])
    model.add_readout_error(noise.readout_error(p0_given1=0.06, p1_given0=0.03), [1, 2])  # qubit 0's are conditioned
    return model


@pytest.mark.parametrize("branches", [True, False])
def test_mid_circuit_counts_follow_the_exact_outcome_probabilities(branches):
    from qfusion.sim import density_matrix
    circuit, model = _feed_forward_circuit(), _feed_forward_noise()
    exact = exact_outcome_probabilities(circuit, model)
    assert abs(sum(exact.values()) - 1) < 1e-12
    program = lower_noisy(circuit, noise_model=model)
    shots = 20000 if branches else 4000
    new_run = lambda rng: density_matrix._new_run(program, rng, np.float64, DensityMatrixOptions())  # noqa: E731
    counts, _, _ = density_matrix.sample_program(program, shots, new_run, np.random.default_rng(11), False,
                                                 branches=branches)
    statistic, limit = chi_square(counts, exact, shots)
    assert statistic < limit, (statistic, limit)
    # the same counts against the probabilities with the feed-forward dropped fail the test
    wrong = exact_outcome_probabilities(_without_conditions(circuit), model)
    assert chi_square(counts, wrong, shots)[0] > 10 * limit


def _without_conditions(circuit):
    out = Circuit(circuit.num_qubits, circuit.num_clbits)
    for inst in circuit.instructions:
        out.append(inst.operation, inst.qubits, inst.clbits)
    return out


def test_shots_share_the_density_matrix_until_their_outcomes_part(monkeypatch):
    from qfusion.sim import density_matrix
    forks = []
    fork = density_matrix.DensityRun.fork
    monkeypatch.setattr(density_matrix.DensityRun, "fork", lambda run: forks.append(1) or fork(run))
    # 20 mid-circuit measurements that always agree: no copy at all
    c = Circuit(2, 20)
    for k in range(20):
        c.x(k % 2).measure(k % 2, k)
    counts, _, _ = density_matrix.sample(c, 500, seed=1)
    assert counts == {"0011" * 5: 500} and not forks  # each qubit flips at every other measurement
    # one fair coin then deterministic measurements: one copy, the terminal tail sampled at once
    c = Circuit(2, 5).h(0).measure(0, 0).x(1).c_if(0, 1).measure(1, 1).h(1).measure(1, 2)
    c.measure(0, 3).measure(1, 4)
    counts, _, _ = density_matrix.sample(c, 1000, seed=2)
    assert len(forks) == 1 and set(key[-2:] for key in counts) == {"00", "11"}
    assert all(key[0] == key[2] and key[1] == key[4] for key in counts)  # clbits 4 = 2 and 3 = 0


def test_gates_that_cancel_to_the_identity_leave_an_empty_segment():
    """Fusion drops merged identities (X X, H H), so a segment can plan to no sweeps at all (it used to
    end in max() of an empty sequence); the state is Qiskit's, with and without noise elsewhere."""
    from qiskit.quantum_info import DensityMatrix as QiskitDensityMatrix
    cancelling = Circuit(2).x(0).x(0).h(1).h(1)
    rho = simulate(cancelling).data
    np.testing.assert_allclose(rho, QiskitDensityMatrix(to_qiskit(cancelling)).data, atol=1e-12)
    model = noise.NoiseModel()
    model.add_gate_error(noise.depolarizing(0.1, 1), ["y"])
    counts = qf.run(cancelling.copy().measure_all(), backend="density_matrix", noise_model=model, shots=200,
                    seed=1).counts
    assert counts == {"00": 200}
