"""Quantum trajectories against the density-matrix simulator: same distributions within statistics."""

import numpy as np
import pytest

import qfusion as qf
from qfusion import noise
from qfusion.circuit import Circuit
from qfusion.sim import density_matrix, trajectories


def chi_square_ok(counts, probabilities, shots, num_bits):
    """Pearson chi-square over outcomes with expected count >= 5 (others pooled), at p ~ 1e-4."""
    expected = probabilities * shots
    observed = np.array([counts.get(format(i, f"0{num_bits}b"), 0) for i in range(len(probabilities))])
    big = expected >= 5
    e = np.append(expected[big], expected[~big].sum())
    o = np.append(observed[big], observed[~big].sum())
    keep = e > 0
    statistic = float(((o[keep] - e[keep]) ** 2 / e[keep]).sum())
    dof = max(int(keep.sum()) - 1, 1)
    # Wilson-Hilferty: chi2 quantile at 1 - 1e-4 is ~ dof (1 - 2/(9 dof) + 3.72 sqrt(2/(9 dof)))^3
    bound = dof * (1 - 2 / (9 * dof) + 3.72 * np.sqrt(2 / (9 * dof))) ** 3
    return statistic < bound, statistic, bound


def model():
    m = noise.NoiseModel()
    m.add_gate_error(noise.depolarizing(0.05), ["h", "sx", "x"])
    m.add_gate_error(noise.thermal_relaxation(20.0, 15.0, 1.0, 0.05), ["h", "sx", "x", "rz"])
    m.add_gate_error(noise.depolarizing(0.08, 2), ["cx"])
    m.add_gate_error(noise.amplitude_damping(0.05), ["cx"])
    m.add_gate_error(noise.coherent_overrotation("z", 0.1), ["rz"])
    m.add_readout_error(noise.readout_error(0.04, 0.02))
    return m


def test_trajectories_match_density_matrix_counts():
    rng = np.random.default_rng(7)
    c = Circuit(4)
    for layer in range(3):
        for q in range(4):
            c.sx(q).rz(float(rng.uniform(-3, 3)), q)
        for q in range(layer % 2, 3, 2):
            c.cx(q, q + 1)
    c.h(0)
    c.measure_all()
    m = model()
    shots = 3000
    counts = qf.run(c, shots=shots, seed=1, backend="statevector", noise_model=m).counts
    exact, _, _ = density_matrix.sample(c, 200000, noise_model=m, seed=2)
    probabilities = np.array([exact.get(format(i, "04b"), 0) for i in range(16)]) / 200000
    ok, statistic, bound = chi_square_ok(counts, probabilities, shots, 4)
    assert ok, (statistic, bound)
    tv = 0.5 * sum(abs(counts.get(format(i, "04b"), 0) / shots - probabilities[i]) for i in range(16))
    assert tv < 0.06


def test_trajectory_states_average_to_the_density_matrix():
    c = Circuit(3).h(0).cx(0, 1).rz(0.3, 1).sx(2).cx(1, 2)
    m = model()
    rho = np.asarray(density_matrix.simulate(c, noise_model=m))
    average = np.zeros_like(rho)
    count = 600
    for seed in range(count):
        psi = np.asarray(trajectories.simulate(c, noise_model=m, seed=seed))
        assert abs(np.vdot(psi, psi) - 1) < 1e-12
        average += np.outer(psi, psi.conj())
    average /= count
    # each entry is a mean of bounded terms: 5 sigma of 1/sqrt(count) bounds the error
    assert np.abs(average - rho).max() < 5 / np.sqrt(count)


def test_mid_circuit_measurement_reset_and_erasure():
    c = Circuit(2, 2).h(0)
    c.append(noise.erasure(0.25).to_operation(), [1])
    c.measure(0, 0).x(1).c_if(0, 1).reset(0).measure(1, 1)
    result = qf.run(c, shots=2000, seed=4, backend="statevector")
    exact, _, meta = density_matrix.sample(c, 20000, seed=3)
    probabilities = np.array([exact.get(format(i, "02b"), 0) for i in range(4)]) / 20000
    ok, statistic, bound = chi_square_ok(result.counts, probabilities, 2000, 2)
    assert ok, (statistic, bound)
    erased = result.metadata["erasures"]["shots_with_erasure"]
    assert abs(erased / 2000 - 0.25) < 0.04
    assert abs(meta["erasures"]["probability_any"] - 0.25) < 1e-12


@pytest.mark.slow
def test_wide_circuit_runs_by_trajectories():
    n = 22  # a density matrix would need 256 TiB
    c = Circuit(n).h(0)
    for q in range(n - 1):
        c.cx(q, q + 1)
    c.measure_all()
    m = noise.NoiseModel()
    m.add_gate_error(noise.bit_flip(0.01), ["cx"])
    counts = qf.run(c, shots=40, seed=5, backend="statevector", noise_model=m).counts
    clean = sum(counts.get(k, 0) for k in ("0" * n, "1" * n))
    # no error in 21 flips with probability 0.99^21 = 0.81
    assert 20 <= clean <= 40


def test_noise_on_conditioned_gates_applies_only_when_they_run():
    m = noise.NoiseModel()
    m.add_gate_error(noise.amplitude_damping(0.4), ["x"])
    m.add_gate_error(noise.bit_flip(0.3), ["y"])
    c = Circuit(2, 2).h(0).measure(0, 0).x(1).c_if(0, 1).y(1).c_if(0, 0).measure(1, 1)
    counts = qf.run(c, shots=3000, seed=8, backend="statevector", noise_model=m).counts
    # clbit 0 = 1: x then damping -> qubit 1 reads 1 w.p. 0.6; clbit 0 = 0: y then flip -> 1 w.p. 0.7
    exact = {"11": 0.5 * 0.6, "01": 0.5 * 0.4, "10": 0.5 * 0.7, "00": 0.5 * 0.3}
    probabilities = np.array([exact[format(i, "02b")] for i in range(4)])
    ok, statistic, bound = chi_square_ok(counts, probabilities, 3000, 2)
    assert ok, (statistic, bound)
    dm_counts = qf.run(c, shots=3000, seed=9, backend="density_matrix", noise_model=m).counts
    ok, statistic, bound = chi_square_ok(dm_counts, probabilities, 3000, 2)
    assert ok, (statistic, bound)
