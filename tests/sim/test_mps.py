"""The MPS backend against the state vector (exact bond dimension), against exact fidelities (with
truncation), and against quimb's CircuitMPS and qiskit-aer's matrix_product_state method."""

import numpy as np
import pytest
from circuits import random_circuit

import qfusion as qf
from qfusion.circuit import Circuit
from qfusion.errors import CircuitError
from qfusion.sim.mps import MPSState


def _brickwork(n, depth, rng):
    c = Circuit(n)
    for layer in range(depth):
        for q in range(n):
            c.u(*rng.uniform(0, np.pi, 3), q)
        for q in range(layer % 2, n - 1, 2):
            c.cx(q, q + 1)
            c.rzz(float(rng.uniform(0, np.pi)), q, q + 1)
    return c


def _fidelity(a, b):
    return abs(np.vdot(a, b)) ** 2 / (np.vdot(a, a).real * np.vdot(b, b).real)


@pytest.mark.parametrize("n, depth, seed", [(3, 40, 0), (6, 80, 1), (10, 80, 2), (12, 80, 3)])
def test_exact_bond_dimension_matches_the_state_vector(n, depth, seed):
    c = random_circuit(n, depth, np.random.default_rng(seed))
    exact = np.asarray(qf.simulate(c))
    state = qf.simulate(c, backend="mps")
    assert isinstance(state, MPSState)
    np.testing.assert_allclose(np.asarray(state), exact, atol=1e-10)
    assert state.truncation_error < 1e-20 and state.fidelity_lower_bound > 1 - 1e-12


def test_twenty_qubits_long_range_gates_at_exact_bond_dimension():
    c = random_circuit(20, 40, np.random.default_rng(20))
    state = qf.simulate(c, backend="mps", truncation_threshold=0)
    np.testing.assert_allclose(np.asarray(state), np.asarray(qf.simulate(c)), atol=1e-10)


def test_complex64():
    c = random_circuit(8, 60, np.random.default_rng(5))
    state = qf.simulate(c, backend="mps", dtype=np.complex64)
    assert state.dtype == np.complex64
    assert _fidelity(np.asarray(state), np.asarray(qf.simulate(c))) > 1 - 1e-5


@pytest.mark.parametrize("chi", [2, 4, 8])
def test_truncation_fidelity_bound_holds_against_the_exact_state(chi):
    c = _brickwork(12, 8, np.random.default_rng(chi))
    exact = np.asarray(qf.simulate(c))
    state = qf.simulate(c, backend="mps", max_bond_dimension=chi)
    fidelity = _fidelity(np.asarray(state), exact)
    assert max(state.bond_dimensions) <= chi
    assert state.truncation_error > 0
    assert state.fidelity_lower_bound <= fidelity + 1e-12
    assert fidelity < 1 - 1e-6  # the truncation did lose something, and the estimate says roughly how much
    assert abs(state.fidelity_estimate - fidelity) < 0.25


def test_expectation_values_and_amplitudes_match_the_state_vector():
    rng = np.random.default_rng(7)
    c = random_circuit(9, 80, rng)
    sv = qf.simulate(c)
    state = qf.simulate(c, backend="mps")
    labels = ["".join(rng.choice(list("IXYZ"), 9)) for _ in range(6)] + ["ZIIIIIIIZ", "IIIIXIIII"]
    H = qf.PauliSum.from_list([(label, float(rng.normal())) for label in labels])
    assert state.expectation_value(H) == pytest.approx(sv.expectation_value(H), abs=1e-10)
    for label in labels:
        assert state.expectation_value(label) == pytest.approx(sv.expectation_value(label), abs=1e-10)
    vector = np.asarray(sv)
    indices = [0, 5, 300, 511]
    np.testing.assert_allclose(state.amplitude(indices), vector[indices], atol=1e-10)
    assert state.amplitude(format(300, "09b")) == pytest.approx(vector[300], abs=1e-10)


def test_perfect_sampling_follows_the_exact_distribution_and_does_not_collapse():
    c = random_circuit(6, 50, np.random.default_rng(11))
    probabilities = np.abs(np.asarray(qf.simulate(c))) ** 2
    state = qf.simulate(c, backend="mps")
    before = state.expectation_value("ZZIIXI")
    draws = state.sample(20000, seed=3)
    frequencies = np.bincount(draws, minlength=64) / 20000
    assert 0.5 * np.abs(frequencies - probabilities).sum() < 0.03
    assert state.expectation_value("ZZIIXI") == pytest.approx(before, abs=1e-12)
    np.testing.assert_array_equal(state.sample(50, seed=9), state.sample(50, seed=9))


def test_mid_circuit_measurement_reset_and_condition():
    c = Circuit(3, 3).h(0).measure(0, 0).x(1).c_if(0, 1).reset(0).h(2).cx(2, 0).measure(0, 1).measure(1, 2)
    counts = qf.run(c, shots=400, backend="mps", seed=4).counts
    # clbit 2 (qubit 1) repeats clbit 0; after the reset qubit 0 copies qubit 2's random bit into clbit 1
    assert set(counts) <= {"000", "010", "101", "111"} and len(counts) == 4
    reference = qf.run(c, shots=4000, backend="statevector", seed=5).probabilities()
    for key, value in qf.run(c, shots=4000, backend="mps", seed=6).probabilities().items():
        assert value == pytest.approx(reference[key], abs=0.05)


def test_run_reports_the_approximation_in_metadata():
    c = _brickwork(16, 6, np.random.default_rng(0)).measure_all()
    result = qf.run(c, shots=50, backend="mps", seed=1, max_bond_dimension=4)
    meta = result.metadata
    assert meta["max_bond_dimension"] == 4 and meta["bond_dimension_reached"] <= 4
    assert 0 < meta["truncation_error"] and 0 <= meta["fidelity_lower_bound"] <= meta["fidelity_estimate"] < 1
    assert sum(result.counts.values()) == 50


@pytest.mark.parametrize("bad", [0, -3, 2.5])
def test_bad_bond_dimension_is_a_clear_error(bad):
    with pytest.raises(CircuitError, match="max_bond_dimension"):
        qf.run(Circuit(2).h(0).measure_all(), shots=5, backend="mps", max_bond_dimension=bad)


def test_noise_is_refused_clearly():
    from qfusion.noise import depolarizing
    c = Circuit(2).h(0)
    c.append(depolarizing(0.1, 1), [0])
    with pytest.raises(CircuitError, match="MPS"):
        qf.simulate(c, backend="mps")


def test_memory_estimate_follows_the_entanglement_bound():
    backend = qf.backends.get("mps")
    ghz = Circuit(120).h(0)
    for q in range(119):
        ghz.cx(q, q + 1)
    deep = random_circuit(40, 400, np.random.default_rng(1), extras=())
    assert backend.memory_estimate(ghz) < 120 * 2 * 4 * 16 * 4
    assert backend.memory_estimate(deep) > 2 ** 20 * 16  # an exact MPS of it needs huge bonds
    assert backend.memory_estimate(deep, max_bond_dimension=16) < 40 * 16 * 16 * 2 * 16 * 4
    # Capabilities.exact means "simulate returns a state" (here an MPS); its truncation error is in the metadata
    capabilities = qf.backends.get("mps").capabilities
    assert capabilities.exact and capabilities.representation == "mps"


def test_against_quimb_circuit_mps():
    quimb_tensor = pytest.importorskip("quimb.tensor")
    rng = np.random.default_rng(3)
    n = 8
    c = _brickwork(n, 4, rng)
    qc = quimb_tensor.CircuitMPS(n, max_bond=None, cutoff=1e-14)
    for inst in c.instructions:  # quimb counts qubits big-endian: qubit q is quimb's n - 1 - q
        gate = inst.operation
        qubits = [n - 1 - q for q in inst.qubits]
        matrix = np.asarray(gate.matrix())
        if len(qubits) == 2:  # qfusion matrices are little-endian over (q0, q1): q1 is the high bit
            qubits = qubits[::-1]
        qc.apply_gate_raw(matrix, qubits)
    ours = qf.simulate(c, backend="mps")
    reference = np.asarray(qc.psi.to_dense()).ravel()
    assert _fidelity(np.asarray(ours), reference) > 1 - 1e-10
    z0 = float(np.real(qc.local_expectation(np.diag([1.0, -1.0]), n - 1)))
    assert ours.expectation_value("I" * (n - 1) + "Z") == pytest.approx(z0, abs=1e-9)


def _aer_mps():
    pytest.importorskip("qiskit_aer")
    from qiskit_aer import AerSimulator
    return AerSimulator(method="matrix_product_state")


@pytest.mark.parametrize("n", [50, 100])
def test_ghz_against_aer_mps(n):
    aer = _aer_mps()
    c = Circuit(n).h(0)
    for q in range(n - 1):
        c.cx(q, q + 1)
    c.measure_all()
    ours = qf.run(c, shots=2000, backend="mps", seed=1).probabilities()
    theirs = aer.run(qf.interop.to_qiskit(c), shots=2000, seed_simulator=1).result().get_counts()
    assert set(ours) == set(theirs) == {"0" * n, "1" * n}
    assert ours["0" * n] == pytest.approx(theirs["0" * n] / 2000, abs=0.06)


@pytest.mark.parametrize("n", [60, 100])
def test_shallow_brickwork_against_aer_mps_expectations_and_samples(n):
    from qiskit.quantum_info import SparsePauliOp
    aer = _aer_mps()
    c = _brickwork(n, 4, np.random.default_rng(8))
    labels = ["I" * (n - 2) + "ZZ", "I" * 30 + "XX" + "I" * (n - 32), "Z" + "I" * (n - 1),
              "I" * (n // 2 - 2) + "YZX" + "I" * (n - n // 2 - 1)]
    qc = qf.interop.to_qiskit(c)
    for k, label in enumerate(labels):
        qc.save_expectation_value(SparsePauliOp(label), list(range(n)), label=f"e{k}")
    qc.measure_all()
    result = aer.run(qc, shots=4000, seed_simulator=2).result()
    state = qf.simulate(c, backend="mps")
    for k, label in enumerate(labels):
        assert state.expectation_value(label) == pytest.approx(result.data()[f"e{k}"], abs=1e-8)
    # the marginal of qubits 0 and 1 from the samples of both
    ours = qf.run(c.copy().measure_all(), shots=4000, backend="mps", seed=3).counts
    theirs = result.get_counts()

    def marginal(counts):
        out = np.zeros(4)
        for key, value in counts.items():
            out[int(key.replace(" ", "")[-2:], 2)] += value
        return out / out.sum()
    assert 0.5 * np.abs(marginal(ours) - marginal(theirs)).sum() < 0.05


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bond_bounds_of_the_plan_bound_the_bonds_reached(seed):
    from qfusion.sim.mps import circuit_bond_bits
    c = random_circuit(9, 40, np.random.default_rng(30 + seed), extras=("unitary", "controlled"))
    bits = circuit_bond_bits(c)
    state = qf.simulate(c, backend="mps", truncation_threshold=0)
    assert all(bond <= round(2 ** b) for bond, b in zip(state.bond_dimensions, bits, strict=True))
    assert max(bits) <= 4  # never above 2^min(left, right) sites


def test_an_exact_mps_beyond_memory_is_refused_before_it_runs(monkeypatch):
    from qfusion.errors import CircuitTooLargeError
    monkeypatch.setenv("QFUSION_MEMORY_LIMIT", "1G")
    deep = random_circuit(40, 400, np.random.default_rng(1), extras=())
    for call in (lambda: qf.simulate(deep, backend="mps"),
                 lambda: qf.run(deep.copy().measure_all(), shots=10, backend="mps")):
        with pytest.raises(CircuitTooLargeError, match=r"bond dimension up to 2\^20 .*max_bond_dimension="):
            call()
    capped = qf.simulate(deep, backend="mps", max_bond_dimension=4)  # capped: runs, and says what it lost
    assert max(capped.bond_dimensions) <= 4 and capped.truncation_error > 0
