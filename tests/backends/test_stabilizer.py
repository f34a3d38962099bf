"""The stabilizer backend against the state-vector and density-matrix backends, and stim."""

import numpy as np
import pytest

import qfusion as qf
from qfusion.errors import CircuitTooLargeError, NonCliffordError
from qfusion.noise import NoiseModel, depolarizing, erasure, readout_error

stim = pytest.importorskip("stim")
scipy_stats = pytest.importorskip("scipy.stats")

ONE = ["h", "s", "sdg", "x", "y", "z", "sx", "sxdg"]
TWO = ["cx", "cz", "cy", "swap", "iswap"]


def random_clifford(n, depth, rng):
    c = qf.Circuit(n)
    for _ in range(depth):
        if n > 1 and rng.random() < 0.4:
            a, b = rng.choice(n, 2, replace=False)
            getattr(c, TWO[rng.integers(len(TWO))])(int(a), int(b))
        else:
            getattr(c, ONE[rng.integers(len(ONE))])(int(rng.integers(n)))
    if n > 1:
        c.rz(np.pi / 2, 0).rx(-np.pi / 2, n - 1)   # Clifford angles go through stim's tableau check
    return c


@pytest.mark.parametrize("n", [1, 3, 8, 12])
def test_states_equal_statevector_up_to_phase(n):
    c = random_clifford(n, 12 * n, np.random.default_rng(n))
    expected = np.asarray(qf.simulate(c))
    got = np.asarray(qf.simulate(c, backend="stabilizer"))
    assert abs(abs(np.vdot(expected, got)) - 1) < 1e-12   # full precision, though stim's vectors are complex64


def test_pauli_expectations_on_20_qubits_equal_statevector():
    rng = np.random.default_rng(20)
    c = random_clifford(20, 200, rng)
    state = qf.simulate(c)
    stabilizer_state = qf.simulate(c, backend="stabilizer")
    labels = ["".join(rng.choice(list("IXYZ"), 20)) for _ in range(20)] + [s[1:] for s in
                                                                             stabilizer_state.stabilizers()[:5]]
    for label in labels:
        expected = qf.PauliSum.from_label(label).expectation_value(np.asarray(state))
        assert stabilizer_state.expectation_value(label) == pytest.approx(float(np.real(expected)), abs=1e-9)


def test_noisy_counts_agree_with_density_matrix_by_chi_square():
    c = random_clifford(4, 30, np.random.default_rng(4)).measure_all()
    model = NoiseModel()
    model.add_gate_error(depolarizing(0.05), ONE + ["rz", "rx"])
    model.add_gate_error(depolarizing(0.08, 2), TWO)
    model.add_readout_error(readout_error(0.03, 0.06))   # asymmetric: applied to the sampled bits
    rho = np.asarray(qf.simulate(_unmeasured(c), backend="density_matrix", noise_model=model))
    probabilities = np.real(np.diag(rho))
    assignment = np.array([[0.94, 0.06], [0.03, 0.97]])   # readout_error(P(0|1), P(1|0)); rows: true outcome
    full = np.ones((1, 1))
    for _ in range(4):
        full = np.kron(assignment, full)
    probabilities = probabilities @ full
    shots = 20_000
    counts = qf.run(c, shots=shots, backend="stabilizer", seed=7, noise_model=model).counts
    observed = np.array([counts.get(format(i, "04b"), 0) for i in range(16)])
    keep = probabilities * shots > 5
    expected = probabilities[keep] * shots
    statistic = (((observed[keep] - expected) ** 2) / expected).sum()
    assert scipy_stats.chi2.sf(statistic, keep.sum() - 1) > 1e-4


def _unmeasured(c):
    out = c.copy()
    out.instructions = [inst for inst in c.instructions if inst.name != "measure"]
    return out


def test_thousands_of_qubits_and_erasure_metadata():
    n = 2000
    c = qf.Circuit(n).h(0)
    for q in range(n - 1):
        c.cx(q, q + 1)
    c.measure_all()
    result = qf.run(c, shots=50, backend="stabilizer", seed=1)
    assert set(result.counts) == {"0" * n, "1" * n}
    noisy = qf.Circuit(2).x(0)
    noisy.append(erasure(0.3).to_operation(), (0,))
    noisy.measure_all()
    metadata = qf.run(noisy, shots=2000, backend="stabilizer", seed=3).metadata
    assert 0.25 < metadata["erasures"]["shots_with_erasure"] / 2000 < 0.35


def test_general_feed_forward_runs_on_the_tableau():
    c = qf.Circuit(2, 2).h(0).measure(0, 0).h(1).c_if(0, 1).measure(1, 1)     # H under a condition
    result = qf.run(c, shots=4000, backend="stabilizer", seed=5)
    assert result.metadata["method"] == "tableau"
    assert set(result.counts) == {"00", "01", "11"}
    assert result.counts["00"] / 4000 == pytest.approx(0.5, abs=0.04)
    pauli = qf.Circuit(2, 2).h(0).measure(0, 0).x(1).c_if(0, 1).measure(1, 1)
    counts = qf.run(pauli, shots=1000, backend="stabilizer", seed=5).counts
    assert set(counts) == {"00", "11"}


def test_errors_and_capabilities():
    backend = qf.backends.get("stabilizer")
    assert backend.capabilities.clifford_only and backend.capabilities.noise
    with pytest.raises(NonCliffordError, match=r"instruction 1 \(rz on qubits \[1\]\)"):
        qf.run(qf.Circuit(2).h(0).rz(0.3, 1).measure_all(), backend="stabilizer")
    with pytest.raises(CircuitTooLargeError):
        np.asarray(qf.simulate(qf.Circuit(30).h(0), backend="stabilizer"))
    assert backend.memory_estimate(qf.Circuit(1000)) >= 2 * 2000 * 2000 // 8


def test_sampler_and_estimator_on_the_stabilizer_backend():
    n = 40
    c = qf.Circuit(n).h(0)
    for q in range(n - 1):
        c.cx(q, q + 1)
    values = qf.Estimator(backend="stabilizer").run(c, qf.PauliSum.from_list([("Z" * n, 1.0), ("X" * n, 0.5),
                                                                              ("Z" + "I" * (n - 1), 2.0)])).values
    assert float(values) == pytest.approx(1.5)          # GHZ: <Z...Z> = <X...X> = 1, <Z_q> = 0
    counts = qf.Sampler(backend="stabilizer", seed=1).run(c.copy().measure_all(), shots=200).counts[()]
    assert set(counts) == {"0" * n, "1" * n}
