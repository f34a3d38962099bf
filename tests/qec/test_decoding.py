"""Logical error rates against stim + pymatching directly, published thresholds, BP-OSD, sinter."""

import math

import numpy as np
import pytest

import qfusion as qf
from qfusion.errors import QfusionError
from qfusion.qec.noise import CircuitNoise

stim = pytest.importorskip("stim")
pymatching = pytest.importorskip("pymatching")


def stim_pymatching_rate(circuit, shots, seed):
    """The reference: stim's sampler and pymatching, called directly."""
    dem = circuit.detector_error_model(decompose_errors=True)
    matching = pymatching.Matching.from_detector_error_model(dem)
    detectors, observables = circuit.compile_detector_sampler(seed=seed).sample(shots, separate_observables=True)
    predictions = matching.decode_batch(detectors)
    return np.any(predictions != observables, axis=1).mean()


def same_rate(a, b, shots):
    pooled = (a + b) / 2
    sigma = math.sqrt(2 * pooled * (1 - pooled) / shots)
    return abs(a - b) <= 4.5 * sigma + 1e-12


@pytest.mark.parametrize("task,distance", [("repetition_code:memory", 3), ("repetition_code:memory", 5),
                                           ("repetition_code:memory", 7), ("surface_code:rotated_memory_z", 3),
                                           ("surface_code:rotated_memory_z", 5)])
def test_logical_error_rate_equals_stims_generated_circuit(task, distance):
    p = 0.03 if task.startswith("repetition") else 0.008
    shots = 20_000
    generated = stim.Circuit.generated(task, distance=distance, rounds=distance, after_clifford_depolarization=p,
                                       before_round_data_depolarization=p, before_measure_flip_probability=p,
                                       after_reset_flip_probability=p)
    noise = CircuitNoise(p1=p, p2=p, data=p, measure=p, reset=p)
    build = qf.qec.repetition_code if task.startswith("repetition") else qf.qec.surface_code
    ours = qf.qec.logical_error_rate(build(distance, distance, noise=noise), shots=shots, seed=11)
    reference = stim_pymatching_rate(generated, shots, seed=12)
    assert ours.shots == shots and ours.ci_low <= ours.rate <= ours.ci_high
    assert 0 < reference and same_rate(ours.rate, reference, shots)


def test_code_capacity_threshold_of_the_rotated_surface_code_is_near_10_percent():
    """Bit-flip code capacity under MWPM: 10.3 % (Dennis et al. 2002; Wang, Harrington, Preskill 2003)."""
    def rate(d, p):
        circuit = qf.qec.surface_code(d, 1, noise=qf.qec.noise.code_capacity(p, "bit_flip"))
        return qf.qec.logical_error_rate(circuit, shots=20_000, seed=d).rate
    assert rate(5, 0.07) < rate(3, 0.07)        # below threshold a larger code is better
    assert rate(5, 0.14) > rate(3, 0.14)        # above it, worse


@pytest.mark.slow
def test_sd6_circuit_level_threshold_is_near_one_percent():
    """SD6 + MWPM: about 0.7 % per shot to 1 % per round (Gidney et al., Quantum 5, 605 (2021)); d = 3 and 5
    cross a little higher (finite size), so the small seeded check brackets 0.5 % .. 1.4 %, per round."""
    def rate(d, p):
        circuit = qf.qec.surface_code(d, d, noise=qf.qec.noise.SD6(p))
        return qf.qec.logical_error_rate(circuit, shots=20_000, seed=d).per_round(d)
    assert rate(5, 0.005) < rate(3, 0.005)
    assert rate(5, 0.014) > rate(3, 0.014)


def test_bposd_decodes_surface_and_color_codes():
    surface = qf.qec.surface_code(3, 3, noise="sd6:0.004")
    matching = qf.qec.logical_error_rate(surface, shots=4000, seed=3)
    bposd = qf.qec.logical_error_rate(surface, shots=4000, seed=3, decoder="bposd")
    assert bposd.decoder == "bposd" and 0.5 * matching.rate < bposd.rate < 2 * matching.rate + 0.01
    color = qf.interop.to_stim(qf.qec.color_code(3, 2, noise="sd6:0.002"))
    decoded = qf.qec.logical_error_rate(color, shots=3000, seed=4, decoder="bposd")
    _, observables = color.compile_detector_sampler(seed=4).sample(3000, separate_observables=True)
    assert decoded.rate < 0.5 * observables.mean()   # decoding removes most logical flips


@pytest.mark.slow
def test_bposd_on_a_noiseless_circuit_predicts_no_flip_as_matching_does():
    # the detector error model has no error mechanism; ldpc's BP-OSD segfaulted on its empty check matrix
    circuit = qf.qec.repetition_code(3, rounds=2)
    dem = qf.qec.statistics.detector_error_model(circuit)
    assert dem.num_errors == 0
    decoder = qf.qec.decoders.compile_decoder("bposd", dem)
    events = np.zeros((4, dem.num_detectors), dtype=bool)
    events[1, 0] = True   # a syndrome no error of the model explains still decodes, to no flip
    assert decoder.decode(events).tolist() == [[False]] * 4
    bposd = qf.qec.logical_error_rate(circuit, shots=500, seed=1, decoder="bposd")
    matching = qf.qec.logical_error_rate(circuit, shots=500, seed=1, decoder="pymatching")
    assert (bposd.errors, bposd.shots) == (matching.errors, matching.shots) == (0, 500)


@pytest.mark.parametrize("model", [
    "error(0.1) D0 L0",                                      # one mechanism
    "error(0.1) D0\nerror(0.2) D1 L0",                       # independent columns: none free for OSD
    "error(0.1) D0\nerror(0.1) D0 D1 L0\nerror(0.05) D2",
    "error(0.1) D0 L0\nerror(0.2) D0 D1\nerror(0.1) D1",    # one free column, fewer than osd_order
])
def test_bposd_equals_the_most_likely_error_on_small_models(model):
    # ldpc 2.4's OSD-CS read past its arrays (SIGSEGV) when osd_order exceeded the free columns; the
    # reference is the most likely error mechanism set explaining each syndrome, by exhaustive search
    import itertools

    import stim
    dem = stim.DetectorErrorModel(model)
    check, observables, priors = qf.qec.dem_matrices(dem)
    check, observables = check.toarray(), observables.toarray()
    decoder = qf.qec.BpOsdDecoder(osd_order=7).compile_decoder_for_dem(dem=dem)
    for syndrome in itertools.product([0, 1], repeat=dem.num_detectors):
        best, flip = -1.0, None
        for errors in itertools.product([0, 1], repeat=len(priors)):
            errors = np.array(errors)
            if np.array_equal(check @ errors % 2, syndrome):
                likelihood = float(np.prod(np.where(errors, priors, 1 - priors)))
                if likelihood > best:
                    best, flip = likelihood, (observables @ errors % 2).astype(bool).tolist()
        if flip is None:
            continue   # no error of the model gives this syndrome
        predicted = decoder.decode(np.array([syndrome], dtype=bool))[0].tolist()
        assert predicted == flip, (model, syndrome)


def test_workers_collect_with_sinter_and_max_errors_stops_early():
    circuit = qf.qec.repetition_code(3, 3, noise="sd6:0.05")
    early = qf.qec.logical_error_rate(circuit, shots=1_000_000, max_errors=50, seed=1)
    assert early.errors >= 50 and early.shots < 1_000_000
    parallel = qf.qec.logical_error_rate(circuit, shots=4000, workers=2)
    assert parallel.shots == 4000 and same_rate(parallel.rate, early.rate, 4000)


@pytest.mark.slow
def test_threshold_resumes_from_csv(tmp_path):
    path = tmp_path / "stats.csv"
    kwargs = dict(noise="bit_flip", rounds=1, shots=2000, max_errors=10_000, workers=1, progress=False, resume=path)
    first = qf.qec.threshold("surface", [3, 5], [0.05, 0.15], **kwargs)
    assert path.exists() and len(first.rows) == 4
    again = qf.qec.threshold("surface", [3, 5], [0.05, 0.15], **kwargs)
    assert [r.shots for r in again.rows] == [r.shots for r in first.rows]
    assert [r.errors for r in again.rows] == [r.errors for r in first.rows]   # read back, not resampled
    figure = qf.qec.plot_threshold(first)
    assert figure.axes[0].get_xscale() == "log"


def test_bad_input():
    circuit = qf.qec.repetition_code(3, 2, noise="sd6:0.01")
    with pytest.raises(QfusionError, match="unknown decoder"):
        qf.qec.logical_error_rate(circuit, decoder="unionfind")
    with pytest.raises(QfusionError, match="shots must be"):
        qf.qec.logical_error_rate(circuit, shots=0)
    with pytest.raises(QfusionError, match="needs a circuit with detectors"):
        qf.qec.logical_error_rate(qf.Circuit(1, 1).measure(0, 0))
    with pytest.raises(qf.errors.NoiseError):
        qf.qec.threshold("surface", [3], [1.5], progress=False)


@pytest.mark.slow
def test_threshold_on_a_dask_cluster_resumes_from_sinters_csv(tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    path = tmp_path / "stats.csv"
    kwargs = dict(noise="bit_flip", rounds=1, shots=2000, max_errors=10_000, progress=False, resume=path)
    first = qf.qec.threshold("surface", [3, 5], [0.05, 0.15], workers=1, **kwargs)     # sinter writes the CSV
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None) as client:
        again = qf.qec.threshold("surface", [3, 5], [0.05, 0.15], client=client, **kwargs)
        assert [r.errors for r in again.rows] == [r.errors for r in first.rows]       # nothing resampled
        more = qf.qec.threshold("surface", [3, 5], [0.05, 0.15], client=client,
                                **{**kwargs, "shots": 3000})
    assert [r.shots for r in more.rows] == [3000] * 4
    assert more.threshold is not None and 0.05 < more.threshold < 0.15
