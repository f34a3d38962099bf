"""All shots of a heralded circuit as one batch of trajectories (issue 12): the same distribution as
the exact mixture, over patterns of attempts, of each pattern's density matrix; progress on long runs."""

import dataclasses
import io
import itertools
import math

import numpy as np
import pytest

import qfusion as qf
from qfusion.backends import emulated
from qfusion.backends.emulated import EmulatedBackend, _compact
from qfusion.backends.heralded import asap_durations, heralded_positions, per_attempt_device
from qfusion.circuit import Circuit
from qfusion.devices import GateCalibration, PhotonicLinks, QubitCalibration, get
from qfusion.devices.noise import device_noise_model
from qfusion.sim import density_matrix
from qfusion.transpiler.scheduling import instruction_duration, schedule_circuit

ATTEMPT = 10e-9
SUCCESS = 0.6
SHOTS = 20000


def lossy_photonic() -> EmulatedBackend:
    """The photonic profile made noisy enough that every part of the model shows in 20000 shots:
    T1 = T2 = 150 ns (a spectator's wait for the attempts decays it) and a 10 MHz detuning (idle
    channels with a coherent part), 3 % loss per attempt, gate errors, asymmetric readout errors."""
    device = get("photonic")
    return EmulatedBackend(dataclasses.replace(
        device, name="photonic_lossy",
        gates=(GateCalibration("u", 1e-9, 0.01, erasure=0.002), GateCalibration("cz", ATTEMPT / SUCCESS, 0.03),
               GateCalibration("measure", 1e-9, 0.0)),
        qubits=(QubitCalibration(150e-9, 150e-9, (0.01, 0.03), detuning=10e6),) * device.num_qubits,
        photonics=PhotonicLinks(SUCCESS, ATTEMPT, 0.03)))


def circuit() -> Circuit:
    """Qubit 2 is excited first and waits, relaxing, for the first heralded gate's attempts."""
    return Circuit(3).x(2).h(0).cx(0, 1).cx(1, 2).measure_all()


def exact_distribution(backend, transpiled, max_attempts: int, repeats=None) -> dict:
    """Sum over patterns of attempts (each gate's ``K`` up to ``max_attempts``, geometric) of the
    pattern's probability times its circuit's outcome distribution from the density-matrix
    simulator, readout errors applied; ``repeats`` fixes one pattern instead."""
    device = backend.device
    positions = heralded_positions(transpiled.instructions, device)
    attempt_device = per_attempt_device(device)
    p = device.photonics.entangling_success_probability
    patterns = [tuple(repeats)] if repeats is not None else \
        itertools.product(range(1, max_attempts + 1), repeat=len(positions))
    total: dict = {}
    for pattern in patterns:
        weight = 1.0 if repeats is not None else math.prod(p * (1 - p) ** (k - 1) for k in pattern)
        compact, physical, durations = _compact(transpiled, attempt_device, True, dict(zip(positions, pattern, strict=True)))
        model = device_noise_model(attempt_device, physical)
        probabilities = density_matrix.simulate(compact, noise_model=model, durations=durations).probabilities()
        n = compact.num_qubits
        tensor = np.asarray(probabilities).reshape((2,) * n)
        for q in range(n):      # axis n - 1 - q is qubit q; assignment[recorded, true]
            error = model.readout_error(q)
            if error is not None:
                tensor = np.moveaxis(np.tensordot(error.assignment_matrix, tensor, axes=([1], [n - 1 - q])), 0, n - 1 - q)
        clbit_of = {inst.qubits[0]: inst.clbits[0] for inst in compact.instructions if inst.name == "measure"}
        for index, value in enumerate(tensor.reshape(-1)):
            bits = ["0"] * compact.num_clbits
            for q, c in clbit_of.items():
                bits[compact.num_clbits - 1 - c] = str((index >> q) & 1)
            key = "".join(bits)
            total[key] = total.get(key, 0.0) + weight * float(value)
    return total


def chi_square(counts: dict, expected: dict, shots: int) -> tuple[float, int]:
    """Pearson's statistic of ``counts`` against ``expected`` probabilities (bins with fewer than 5
    expected shots pooled) and its degrees of freedom."""
    norm = sum(expected.values())
    keys = sorted(expected, key=lambda k: -expected[k])
    bins, pooled = [], [0, 0.0]
    for key in keys:
        e = shots * expected[key] / norm
        if e >= 5:
            bins.append((counts.get(key, 0), e))
        else:
            pooled[0] += counts.get(key, 0)
            pooled[1] += e
    pooled[0] += sum(c for k, c in counts.items() if k not in expected)
    if pooled[1] > 0:
        bins.append(tuple(pooled))
    return sum((o - e) ** 2 / e for o, e in bins), len(bins) - 1


@pytest.fixture(scope="module")
def reference():
    backend = lossy_photonic()
    transpiled = backend.transpile(circuit(), seed=1)
    # tail of the truncation: 2 (1 - p)^12 = 3e-5 of the mass, far below what 20000 shots resolve
    return backend, transpiled, exact_distribution(backend, transpiled, 12)


@pytest.mark.slow
@pytest.mark.parametrize("method", ["trajectories", "density_matrix"])
def test_batched_trajectories_sample_the_exact_mixture_of_density_matrices(reference, method):
    scipy_stats = pytest.importorskip("scipy.stats")
    backend, transpiled, exact = reference
    assert len(heralded_positions(transpiled.instructions, backend.device)) == 2
    result = backend.run(transpiled, shots=SHOTS, seed=4, method=method)
    assert result.metadata.get("batched_trajectories", False) == (method == "trajectories")
    statistic, dof = chi_square(result.counts, exact, SHOTS)
    threshold = scipy_stats.chi2.ppf(0.999, dof)
    assert statistic < threshold, (statistic, threshold, result.counts, exact)
    # the test can tell: the spectator waiting for no repeated attempt is a different distribution
    no_repeats = exact_distribution(backend, transpiled, 1, repeats=(1, 1))
    assert chi_square(result.counts, no_repeats, SHOTS)[0] > 10 * threshold


def test_heralding_statistics_follow_the_success_probability():
    """The attempts' histogram is geometric with the device's success probability, and a shot keeps
    every photon of one heralded gate with E[(1 - l)^(2K)] = p q / (1 - (1 - p) q), q = (1 - l)^2."""
    device = get("photonic")
    p, loss = 0.4, 0.1
    backend = EmulatedBackend(dataclasses.replace(
        device, name="photonic_loss_only",
        gates=(GateCalibration("u", 1e-9, 0.0), GateCalibration("cz", ATTEMPT / p, 0.0),
               GateCalibration("measure", 1e-9, 0.0)),
        qubits=(QubitCalibration(1.0, 1.0, (0.0, 0.0)),) * device.num_qubits,
        photonics=PhotonicLinks(p, ATTEMPT, loss)))
    shots = 6000
    result = backend.run(Circuit(2).cz(0, 1).measure_all(), shots=shots, seed=12, method="trajectories")
    assert result.metadata["batched_trajectories"]
    histogram = result.metadata["heralded_attempts"]["histogram"]
    last = 8
    observed = [histogram.get(k, 0) for k in range(1, last)] + [sum(c for k, c in histogram.items() if k >= last)]
    expected = [p * (1 - p) ** (k - 1) for k in range(1, last)] + [(1 - p) ** (last - 1)]
    statistic = sum((o - shots * e) ** 2 / (shots * e) for o, e in zip(observed, expected, strict=True))
    assert statistic < 24.32   # 99.9 % quantile of chi-square with 7 degrees of freedom
    assert histogram.get(1, 0) / shots == pytest.approx(p, abs=4 * math.sqrt(p * (1 - p) / shots))
    kept = (1 - loss) ** 2
    lost = 1 - p * kept / (1 - (1 - p) * kept)
    erased = result.metadata["erasures"]["shots_with_erasure"] / shots
    assert abs(erased - lost) < 4 * math.sqrt(lost * (1 - lost) / shots), (erased, lost)


def test_shot_durations_are_the_device_schedule_of_each_pattern():
    device = get("photonic")
    transpiled = qf.transpile(circuit(), "photonic", seed=1)
    positions = heralded_positions(transpiled.instructions, device)
    calibrated = [instruction_duration(inst, device) for inst in transpiled.instructions]
    rows = []
    for pattern in np.random.default_rng(3).integers(1, 6, size=(20, len(positions))):
        taken = list(calibrated)
        for position, k in zip(positions, pattern, strict=True):
            taken[position] = int(k) * ATTEMPT
        rows.append(taken)
    expected = [schedule_circuit(transpiled, device, "asap", transpiled.moves, row).duration for row in rows]
    assert asap_durations(transpiled.instructions, device.num_qubits, np.array(rows)).tolist() == expected


def test_a_circuit_the_batch_cannot_run_falls_back_to_one_simulation_per_pattern():
    # qubit 0 is measured, then used again: its measurement cannot be deferred to the end
    c = Circuit(2, 2).h(0).cx(0, 1).measure(0, 0).cx(0, 1).measure(1, 1)
    result = qf.run(c, shots=30, backend="photonic", seed=2, method="trajectories")
    assert "batched_trajectories" not in result.metadata and sum(result.counts.values()) == 30
    assert result.counts.get("00", 0) + result.counts.get("01", 0) > 20   # cx twice: qubit 1 back to 0


def test_memory_is_per_shot_and_matches_the_counts():
    result = qf.run(circuit(), shots=200, backend="photonic", seed=6, memory=True, method="trajectories")
    assert result.metadata["batched_trajectories"] and len(result.memory) == 200
    assert {k: result.memory.count(k) for k in set(result.memory)} == result.counts


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("with_tqdm", [True, False])
def test_a_long_run_shows_its_progress(monkeypatch, with_tqdm):
    """A run past ``PROGRESS_DELAY`` s shows a bar on a terminal's stderr (here the delay is 0)."""
    if with_tqdm:
        pytest.importorskip("tqdm")
    else:
        import qfusion._optional
        real = qfusion._optional.available
        monkeypatch.setattr(qfusion._optional, "available", lambda name: name != "tqdm" and real(name))
    stream = _Terminal()
    monkeypatch.setattr(emulated, "PROGRESS_DELAY", 0.0)
    monkeypatch.setattr(emulated.sys, "stderr", stream)
    qf.run(circuit(), shots=50, backend="photonic", seed=1, method="trajectories")
    assert "photonic: shots" in stream.getvalue() and "50" in stream.getvalue()


def test_a_short_run_shows_nothing(monkeypatch):
    stream = _Terminal()
    monkeypatch.setattr(emulated.sys, "stderr", stream)
    qf.run(circuit(), shots=50, backend="photonic", seed=1, method="trajectories")
    assert stream.getvalue() == ""


def test_a_long_run_pattern_by_pattern_shows_its_progress_too(monkeypatch):
    stream = _Terminal()
    monkeypatch.setattr(emulated, "PROGRESS_DELAY", 0.0)
    monkeypatch.setattr(emulated, "BATCHED_TRAJECTORY_QUBITS", 0)   # as a circuit too wide for the batch
    monkeypatch.setattr(emulated.sys, "stderr", stream)
    result = qf.run(circuit(), shots=20, backend="photonic", seed=1, method="trajectories")
    assert "batched_trajectories" not in result.metadata
    assert "photonic: shot groups" in stream.getvalue()
