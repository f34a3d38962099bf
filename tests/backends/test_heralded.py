"""Photonic heralded gates repeated until success: attempts per shot, their cost, their durations."""

import dataclasses

import numpy as np
import pytest

import qfusion as qf
from qfusion.backends.emulated import EmulatedBackend
from qfusion.backends.heralded import sample_attempts
from qfusion.circuit import Circuit
from qfusion.devices import GateCalibration, PhotonicLinks, QubitCalibration, get

ATTEMPT = 10e-9


def photonic(success: float, loss: float, t1: float) -> EmulatedBackend:
    """The photonic profile with only the costs a test looks at: exact gates and readout."""
    device = get("photonic")
    return EmulatedBackend(dataclasses.replace(
        device, name="photonic_test",
        gates=(GateCalibration("u", 1e-9, 0.0), GateCalibration("cz", ATTEMPT / success, 0.0),
               GateCalibration("measure", 1e-9, 0.0)),
        qubits=(QubitCalibration(t1, t1, (0.0, 0.0)),) * device.num_qubits,
        photonics=PhotonicLinks(success, ATTEMPT, loss)))


def chi_square_against_geometric(histogram: dict, p: float, last: int = 6) -> float:
    """Pearson's statistic of attempt counts against P(K = k) = p (1 - p)^(k - 1), bins 1..last-1, >= last."""
    total = sum(histogram.values())
    observed = [histogram.get(k, 0) for k in range(1, last)] + [sum(c for k, c in histogram.items() if k >= last)]
    probabilities = [p * (1 - p) ** (k - 1) for k in range(1, last)] + [(1 - p) ** (last - 1)]
    return sum((o - total * q) ** 2 / (total * q) for o, q in zip(observed, probabilities, strict=False))


CHI2_5_DOF_999 = 20.52  # 99.9 % quantile of chi-square with 5 degrees of freedom


def test_sampled_attempts_follow_the_geometric_distribution():
    attempts = sample_attempts(3, 20000, 0.75, np.random.default_rng(11))
    values, counts = np.unique(attempts, return_counts=True)
    histogram = dict(zip(values.tolist(), counts.tolist(), strict=False))
    assert chi_square_against_geometric(histogram, 0.75) < CHI2_5_DOF_999
    assert chi_square_against_geometric(histogram, 0.7) > 10 * CHI2_5_DOF_999   # the test can tell
    assert abs(attempts.mean() - 1 / 0.75) < 4 * np.sqrt(0.25) / 0.75 / np.sqrt(attempts.size)


def test_run_samples_attempts_per_shot_and_durations_follow_them():
    backend = photonic(0.75, 0.0, 1.0)
    result = backend.run(Circuit(2).cz(0, 1).measure_all(), shots=20000, seed=5)
    attempts = result.metadata["heralded_attempts"]
    assert attempts["gates_per_shot"] == 1 and sum(attempts["histogram"].values()) == 20000
    assert chi_square_against_geometric(attempts["histogram"], 0.75) < CHI2_5_DOF_999
    durations = result.metadata["duration_distribution"]
    # the circuit is the gate alone: each shot lasts its attempts (then the measurement)
    measure = backend.device.measure_duration
    assert durations["mean"] == pytest.approx(attempts["mean"] * ATTEMPT + measure, rel=1e-9)
    assert durations["min"] == pytest.approx(ATTEMPT + measure) and durations["p50"] == pytest.approx(ATTEMPT + measure)
    assert durations["max"] == pytest.approx(max(attempts["histogram"]) * ATTEMPT + measure)
    assert durations["expected"] == result.metadata["duration"] == pytest.approx(ATTEMPT / 0.75 + measure)
    assert abs(durations["mean"] - durations["expected"]) < 4 * ATTEMPT * np.sqrt(0.25) / 0.75 / np.sqrt(20000)


def test_relaxation_during_every_attempt_averages_over_the_attempts():
    """|1> decays for 1 ns (u) and 10 ns per attempt: P(1) = e^{-1/100} E[e^{-K/10}], not the decay
    over the mean duration e^{-(1 + 10/p)/100} (0.709 here, more than 7 sigma away)."""
    p, t1 = 0.3, 100e-9
    result = photonic(p, 0.0, t1).run(Circuit(2).x(0).cz(0, 1).measure_all(), shots=20000, seed=2)
    measured = sum(c for bits, c in result.counts.items() if bits[-1] == "1") / 20000
    decay = np.exp(-ATTEMPT / t1)
    expected = np.exp(-1e-9 / t1) * p * decay / (1 - (1 - p) * decay)
    assert abs(measured - expected) < 4 * np.sqrt(expected * (1 - expected) / 20000), (measured, expected)


@pytest.mark.parametrize("method", ["trajectories", "density_matrix"])
def test_photon_loss_in_every_attempt(method):
    """Loss l per photon per attempt: a shot keeps both photons with E[(1 - l)^(2K)]."""
    p, loss = 0.3, 0.2
    result = photonic(p, loss, 1.0).run(Circuit(2).cz(0, 1).measure_all(), shots=4000, seed=8, method=method)
    kept = (1 - loss) ** 2
    expected = 1 - p * kept / (1 - (1 - p) * kept)
    erasures = result.metadata["erasures"]
    erased = erasures["shots_with_erasure"] / 4000 if method == "trajectories" else erasures["probability_any"]
    assert abs(erased - expected) < 4 * np.sqrt(expected * (1 - expected) / 4000), (erased, expected)


def test_profile_run_reports_the_distribution_and_keeps_the_bell_state():
    result = qf.run(Circuit(2).h(0).cx(0, 1).measure_all(), backend="photonic", shots=2000, seed=3)
    assert result.counts.get("00", 0) + result.counts.get("11", 0) > 1850
    durations = result.metadata["duration_distribution"]
    assert durations["min"] <= durations["p50"] <= durations["p90"] <= durations["p99"] <= durations["max"]
    assert durations["max"] > durations["expected"] > durations["min"]
    memory = qf.run(Circuit(2).h(0).cx(0, 1).measure_all(), backend="photonic", shots=50, seed=3, memory=True)
    assert len(memory.memory) == 50 and sorted(set(memory.memory)) <= sorted(memory.counts)
