"""Readout mitigation: exact inversion of known assignment matrices (noise-free checks), the
subspace (M3) method equal to the full one where both run, the projection against a closed-form
simplex projection, and real calibrations on the emulated superconducting device."""

import numpy as np
import pytest

import qfusion as qf
from qfusion.errors import MitigationError
from qfusion.mitigation import ReadoutMitigation, nearest_probability
from qfusion.mitigation.pipeline import Executor
from qfusion.mitigation.readout import Calibration, apply_tensored, mitigate_counts, solve_full, solve_subspace
from qfusion.noise import NoiseModel, readout_error


def per_qubit_matrices(k, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(k):
        p10, p01 = rng.uniform(0.01, 0.08, 2)
        out.append(np.array([[1 - p10, p01], [p10, 1 - p01]]))     # A[recorded, true]
    return np.array(out)


def full_matrix(per_qubit):
    out = np.array([[1.0]])
    for a in per_qubit:          # qubit 0 is the lowest bit: the last Kronecker factor
        out = np.kron(a, out)
    return out


def exact_counts(vector, k, shots=1.0):
    return {format(i, f"0{k}b"): shots * v for i, v in enumerate(vector) if v > 0}


def test_full_and_tensored_invert_a_known_assignment_exactly():
    k = 3
    a = per_qubit_matrices(k)
    true = np.random.default_rng(1).dirichlet(np.ones(2 ** k))
    recorded = full_matrix(a) @ true
    assert solve_full(full_matrix(a), recorded) == pytest.approx(true, abs=1e-12)
    inverses = np.array([np.linalg.inv(m) for m in a])
    assert apply_tensored(inverses, recorded) == pytest.approx(true, abs=1e-12)
    calibration = Calibration(tuple(range(k)), a, full_matrix(a), 0, 0)
    for mode in ("full", "tensored"):
        quasi = mitigate_counts(calibration, exact_counts(recorded, k), mode)
        assert [quasi.get(format(i, "03b"), 0.0) for i in range(8)] == pytest.approx(true, abs=1e-12)


def test_subspace_equals_full_where_both_run():
    k = 4
    a = per_qubit_matrices(k, seed=3)
    true = np.random.default_rng(2).dirichlet(np.ones(2 ** k))
    counts = exact_counts(full_matrix(a) @ true, k)
    quasi = solve_subspace(a, counts, distance=None)
    assert [quasi[format(i, "04b")] for i in range(16)] == pytest.approx(true, abs=1e-10)


def test_subspace_scales_to_a_hundred_and_twenty_qubits():
    k = 120
    rng = np.random.default_rng(5)
    a = per_qubit_matrices(k, seed=4)
    base = "".join(rng.choice(["0", "1"], k))
    counts = {base: 900}
    for _ in range(100):                            # single flips of the main string, as readout errors make
        flip = int(rng.integers(k))
        key = base[:flip] + ("1" if base[flip] == "0" else "0") + base[flip + 1:]
        counts[key] = counts.get(key, 0) + 1
    quasi = solve_subspace(a, counts, distance=2)
    assert sum(quasi.values()) == pytest.approx(1.0, abs=1e-9)
    assert quasi[base] > 900 / sum(counts.values())           # the flips are moved back to the main string
    identity = np.array([np.eye(2)] * k)
    unchanged = solve_subspace(identity, counts, distance=2)
    assert unchanged[base] == pytest.approx(900 / sum(counts.values()))


def simplex_projection(v):
    """Euclidean projection onto the probability simplex (Duchi et al., ICML 2008)."""
    u = np.sort(v)[::-1]
    css = np.cumsum(u)
    rho = np.nonzero(u * np.arange(1, len(v) + 1) > (css - 1))[0][-1]
    theta = (css[rho] - 1) / (rho + 1)
    return np.maximum(v - theta, 0)


def test_nearest_probability_is_the_simplex_projection():
    rng = np.random.default_rng(7)
    for _ in range(20):
        v = rng.normal(0.1, 0.2, 8)
        v /= v.sum()
        quasi = {format(i, "03b"): x for i, x in enumerate(v)}
        out = nearest_probability(quasi)
        assert [out[format(i, "03b")] for i in range(8)] == pytest.approx(simplex_projection(v), abs=1e-12)


def test_calibration_recovers_the_noise_model_and_is_cached():
    model = NoiseModel()
    model.add_readout_error(readout_error(p0_given1=0.1, p1_given0=0.04))
    mitigation = ReadoutMitigation("tensored")
    executor = Executor("density_matrix", shots=40000, seed=3, noise_model=model)
    calibration = mitigation.calibrate(executor, (0, 1), 2)
    assert calibration.per_qubit[0] == pytest.approx(np.array([[0.96, 0.1], [0.04, 0.9]]), abs=0.01)
    before = executor.circuits
    assert mitigation.calibrate(executor, (0, 1), 2) is calibration and executor.circuits == before
    assert mitigation.calibrate(executor, (1, 0), 2) is not calibration


def ghz(n):
    c = qf.Circuit(n).h(0)
    for q in range(n - 1):
        c.cx(q, q + 1)
    return c.measure_all()


def tvd(p: dict, q: dict) -> float:
    return 0.5 * sum(abs(p.get(k, 0) - q.get(k, 0)) for k in set(p) | set(q))


@pytest.mark.parametrize("mode", ["full", "tensored", "subspace"])
def test_readout_mitigation_cuts_the_distance_to_the_ideal_ghz_distribution(mode):
    n, shots = 4, 20000
    ideal = {"0" * n: 0.5, "1" * n: 0.5}
    backend = qf.backends.get("superconducting")
    tc = backend.transpile(ghz(n), seed=1)
    mitigation = ReadoutMitigation(mode, project=True)
    executor = Executor(backend, shots=shots, seed=2, counts_stage=[mitigation])
    raw = executor.run(tc, shots)
    mitigated = executor.counts(tc, shots)
    raw_tvd = tvd({k: v / shots for k, v in raw.items()}, ideal)
    mitigated_tvd = tvd({k: v / shots for k, v in mitigated.items()}, ideal)
    assert mitigated_tvd < raw_tvd / 2.5           # what is left is gate noise (and shot noise)


def test_bad_readout_arguments_are_refused():
    with pytest.raises(MitigationError, match="mode must be"):
        ReadoutMitigation("inverse")
    with pytest.raises(MitigationError, match="shots"):
        ReadoutMitigation(shots=1)
