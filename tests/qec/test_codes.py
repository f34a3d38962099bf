"""The code library against stim: detector error models term by term, determinism, distances."""

import pytest

import qfusion as qf
from qfusion.errors import CircuitError, NoiseError
from qfusion.interop import to_stim
from qfusion.qec.noise import CircuitNoise, code_capacity

stim = pytest.importorskip("stim")

# stim.Circuit.generated(after_clifford_depolarization=a, before_round_data_depolarization=b,
# before_measure_flip_probability=c, after_reset_flip_probability=e) is CircuitNoise(p1=a, p2=a, data=b, measure=c,
# reset=e): each parameter means the same stim instruction in the same place
STIM_NOISE = dict(after_clifford_depolarization=0.003, before_round_data_depolarization=0.002,
                  before_measure_flip_probability=0.004, after_reset_flip_probability=0.005)
OURS = CircuitNoise(p1=0.003, p2=0.003, data=0.002, measure=0.004, reset=0.005)


def error_terms(dem):
    """{detectors (by coordinates) and observables flipped: probability}, independent of numbering."""
    coords = dem.get_detector_coordinates()
    terms = {}
    for inst in dem.flattened():
        if inst.type == "error":
            key = frozenset(tuple(coords[t.val]) if t.is_relative_detector_id() else ("L", t.val)
                            for t in inst.targets_copy() if not t.is_separator())
            terms[key] = terms.get(key, 0.0) + inst.args_copy()[0]
    return terms


CASES = [("repetition_code:memory", lambda d, r: qf.qec.repetition_code(d, r, noise=OURS)),
         ("surface_code:rotated_memory_z", lambda d, r: qf.qec.surface_code(d, r, "Z", noise=OURS)),
         ("surface_code:rotated_memory_x", lambda d, r: qf.qec.surface_code(d, r, "X", noise=OURS)),
         ("surface_code:unrotated_memory_z", lambda d, r: qf.qec.surface_code(d, r, "Z", rotated=False, noise=OURS))]


@pytest.mark.parametrize("task,build", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("distance", [3, 5, 7])
def test_detector_error_models_equal_stims_term_by_term(task, build, distance):
    if "unrotated" in task and distance == 7:
        pytest.skip("d=7 unrotated adds time, not coverage")
    rounds = 3
    generated = stim.Circuit.generated(task, distance=distance, rounds=rounds, **STIM_NOISE)
    ours = to_stim(build(distance, rounds))
    assert ours.num_detectors == generated.num_detectors
    mine, theirs = error_terms(ours.detector_error_model()), error_terms(generated.detector_error_model())
    assert mine.keys() == theirs.keys()
    assert max(abs(mine[k] - theirs[k]) for k in mine) < 1e-12


BUILDERS = {"repetition": lambda b, n: qf.qec.repetition_code(5, 2, basis=b, noise=n),
            "rotated": lambda b, n: qf.qec.surface_code(3, 2, b, noise=n),
            "unrotated": lambda b, n: qf.qec.surface_code(3, 2, b, rotated=False, noise=n),
            "color": lambda b, n: qf.qec.color_code(5, 2, b, noise=n),
            "steane": lambda b, n: qf.qec.steane_code(2, b, noise=n),
            "shor": lambda b, n: qf.qec.shor_code(2, b, noise=n)}


@pytest.mark.parametrize("name", list(BUILDERS))
@pytest.mark.parametrize("basis", ["Z", "X"])
def test_noiseless_detectors_are_deterministic_and_distance_is_right(name, basis):
    if name == "repetition" and basis == "X":
        with pytest.raises(CircuitError, match="no X logical"):
            BUILDERS[name](basis, None)
        return
    circuit = to_stim(BUILDERS[name](basis, None))
    detectors, observables = circuit.compile_detector_sampler(seed=1).sample(64, separate_observables=True)
    assert not detectors.any() and not observables.any()
    # stim's own search for the smallest undetectable logical error under code-capacity noise
    noisy = to_stim(BUILDERS[name](basis, code_capacity(0.01)))
    expected = {"repetition": 5, "color": 5}.get(name, 3)
    found = noisy.search_for_undetectable_logical_errors(dont_explore_detection_event_sets_with_size_above=4,
                                                         dont_explore_edges_with_degree_above=9999,
                                                         dont_explore_edges_increasing_symptom_degree=False)
    assert len(found) == expected


def test_bad_input():
    for distance in (4, 1, 2, 0, 3.5, True):
        with pytest.raises(CircuitError, match="distance must be"):
            qf.qec.surface_code(distance, 3)
    with pytest.raises(CircuitError, match="distance must be"):
        qf.qec.repetition_code(1, 3)
    with pytest.raises(CircuitError, match="rounds must be"):
        qf.qec.surface_code(3, 0)
    for p in (-0.1, 1.5):
        with pytest.raises(NoiseError, match=r"\[0, 1\]"):
            qf.qec.noise.SD6(p)
    with pytest.raises(NoiseError):
        qf.qec.surface_code(3, 3, noise="sd6:abc")
    c = qf.Circuit(1, 1).measure(0, 0)
    with pytest.raises(CircuitError, match="does not exist"):
        c.detector([c.rec(-1), -2])


def test_device_noise_comes_from_the_profile():
    atoms = qf.devices.get("neutral_atom")
    noise = qf.qec.noise.device("neutral_atom")
    cz = atoms.calibration("cz", min(atoms.edges))
    assert noise.p2 == pytest.approx(cz.error * 5 / 4)    # depolarizing of the same average infidelity
    assert noise.erasure2 == cz.erasure and noise.durations["2q"] == cz.duration
    import math
    t = 1e-3
    idle = noise.idle_pauli(t, False)                     # twirled relaxation: closed form
    assert idle["X"] == pytest.approx((1 - math.exp(-t / noise.t1)) / 4)
    assert idle["Z"] == pytest.approx((1 - math.exp(-t / noise.t2)) / 2 - (1 - math.exp(-t / noise.t1)) / 4)
    circuit = to_stim(qf.qec.surface_code(3, 2, noise=noise))
    assert "HERALDED_ERASE(0.001)" in str(circuit) and "PAULI_CHANNEL_1" in str(circuit)
    photonic = to_stim(qf.qec.surface_code(3, 2, noise="device:photonic"))
    assert "HERALDED_ERASE(0.02)" in str(photonic)


@pytest.mark.parametrize("basis", ["Z", "X"])
def test_transversal_cnot_between_two_patches(basis):
    circuit = to_stim(qf.qec.transversal_cnot(3, 2, basis))
    detectors, observables = circuit.compile_detector_sampler(seed=2).sample(100, separate_observables=True)
    assert circuit.num_observables == 2 and not detectors.any() and not observables.any()
    noisy = to_stim(qf.qec.transversal_cnot(3, 2, basis, noise=code_capacity(0.01)))
    assert len(noisy.shortest_graphlike_error()) == 3          # the CNOT keeps the distance
    # an X flip on a control corner just before the CNOT is copied onto the target: one Z detector each
    c = qf.qec.transversal_cnot(3, 1, basis)
    flipped = c.copy()
    position = next(i for i, inst in enumerate(c.instructions) if inst.name == "cx" and inst.qubits == (0, 9))
    flip = qf.noise.bit_flip(1.0).to_operation()            # noise, so not part of stim's reference sample
    flipped.instructions.insert(position, qf.circuit.Instruction(flip, (0,)))
    events = to_stim(flipped).compile_detector_sampler(seed=1).sample(1)[0]
    assert events.sum() == 2
