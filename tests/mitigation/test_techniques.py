"""Each technique on circuits with known ideal values (state-vector values computed here), on the
emulated devices and on density-matrix backends with known noise; margins checked over seeds."""

import numpy as np
import pytest
from mitigation_circuits import ideal, mirror, qaoa_layer, tfim_trotter
from qiskit.quantum_info import Operator

import qfusion as qf
from qfusion.errors import MitigationError
from qfusion.interop.qiskit import to_qiskit
from qfusion.mitigation import CDR, PEC, ZNE, DynamicalDecoupling, PauliTwirling, ReadoutMitigation, decouple, twirl
from qfusion.mitigation.pipeline import Executor
from qfusion.noise import NoiseModel, depolarizing

DEVICES = ["superconducting", "trapped_ion", "neutral_atom", "photonic"]   # photonic: heralded shots in one batch


def errors_over_seeds(backend, circuit, observable, mitigation, seeds, shots, **options):
    target = ideal(circuit, observable)
    raw, mitigated = [], []
    for seed in seeds:
        executor = Executor(backend, shots=shots, seed=seed, **options)     # raw: no technique at all
        plain = executor.expectation(executor.prepare(circuit), qf.PauliSum.from_label(observable))
        result = qf.Estimator(backend=backend, shots=shots, seed=seed, mitigation=mitigation(),
                              **options).run(circuit, observable)
        raw.append(abs(plain.value - target))
        mitigated.append(abs(float(result.values) - target))
    return np.mean(raw), np.mean(mitigated)


@pytest.mark.slow
@pytest.mark.parametrize("device", DEVICES)
def test_zne_with_readout_mitigation_beats_the_raw_value_on_each_device(device):
    # margin: the mean error over seeds at most 60 % of the raw one (80 % on the trapped ions, whose gates
    # err ten times less: a deeper circuit and more shots there)
    steps, shots, margin = (6, 40000, 0.8) if device == "trapped_ion" else (3, 20000, 0.6)
    raw, mitigated = errors_over_seeds(device, tfim_trotter(steps=steps), "ZZI",
                                       lambda: [ReadoutMitigation(), ZNE([1, 2, 3], "linear")], (1, 2), shots)
    assert mitigated < margin * raw


@pytest.mark.parametrize("circuit,observable", [(mirror(), "ZZZ"), (qaoa_layer(), "ZZI")])
def test_zne_on_the_superconducting_device(circuit, observable):
    raw, mitigated = errors_over_seeds("superconducting", circuit, observable,
                                       lambda: [ReadoutMitigation(), ZNE([1, 3, 5], "richardson")], (3, 4), 40000,
                                       optimization_level=1)
    assert mitigated < 0.6 * raw


def test_stretching_the_schedule_on_the_superconducting_device():
    raw, mitigated = errors_over_seeds("superconducting", tfim_trotter(), "ZZI",
                                       lambda: [ReadoutMitigation(), ZNE([1, 1.5, 2], "linear", folding="stretch")],
                                       (5, 6), 40000)
    assert mitigated < 0.6 * raw


def depolarizing_model(p1=0.01, p2=0.04):
    model = NoiseModel()
    model.add_gate_error(depolarizing(p1, 1), ["h", "rx", "ry", "rz", "x", "y", "z", "s", "sdg"])
    model.add_gate_error(depolarizing(p2, 2), ["cx"])
    return model


def test_pec_is_unbiased_with_known_noise():
    c = qf.Circuit(2).rx(0.4, 0).cx(0, 1).cx(0, 1).cx(0, 1)       # ideal <ZZ> = 1
    target = ideal(c, "ZZ")
    model = depolarizing_model()
    result = qf.Estimator(backend="density_matrix", shots=4000, seed=11, noise_model=model,
                          mitigation=[PEC(num_samples=400)]).run(c, "ZZ")
    value, error = float(result.values), float(result.std_errors)
    raw, raw_error = float(result.metadata["raw_values"]), float(result.metadata["raw_std_errors"])
    assert abs(value - target) < 3 * error
    assert abs(raw - target) > 5 * raw_error                  # the noise is visible without PEC
    entry = result.metadata["mitigation"][0]
    # gamma of one depolarizing channel with f = 1 - p: (3 / f - 1) / 2 for one qubit, (15 / f - 7) / 8 for two
    expected = ((3 / 0.99 - 1) / 2) * ((15 / 0.96 - 7) / 8) ** 3
    assert entry.details["gamma"] == pytest.approx(expected)


def test_pec_with_twirling_and_readout_on_the_superconducting_device():
    raw, mitigated = errors_over_seeds("superconducting", qaoa_layer(), "ZZI",
                                       lambda: [ReadoutMitigation(), PauliTwirling(4), PEC(num_samples=200)],
                                       (7, 8), 20000)
    assert mitigated < 0.6 * raw


def test_cdr_undoes_depolarizing_noise():
    c = tfim_trotter(steps=3, dt=0.4)
    raw, mitigated = errors_over_seeds("density_matrix", c, "ZZI", lambda: [CDR(num_training=16, seed=1)], (1, 2),
                                       20000, noise_model=depolarizing_model(0.01, 0.08))
    assert mitigated < 0.6 * raw


@pytest.mark.parametrize("device", ["superconducting", "trapped_ion"])
def test_twirled_instances_keep_the_unitary(device):
    tc = qf.transpile(qaoa_layer(), device, seed=1)
    rng = np.random.default_rng(0)
    reference = Operator(to_qiskit(tc.on_active_qubits()))
    for _ in range(4):
        twirled = twirl(tc, rng)
        assert twirled.report.two_qubit_gates == tc.report.two_qubit_gates
        assert Operator(to_qiskit(twirled.on_active_qubits())).equiv(reference)


@pytest.mark.parametrize("sequence", ["XX", "XY4", "CPMG"])
def test_decoupling_fills_idle_windows_and_keeps_the_unitary(sequence):
    tc = qf.transpile(qf.Circuit(3).h(0).cx(0, 1).cx(1, 2).rx(0.3, 0), "trapped_ion", seed=1)
    out = decouple(tc, sequence)
    assert len(out.instructions) > len(tc.instructions)
    assert Operator(to_qiskit(out.on_active_qubits())).equiv(Operator(to_qiskit(tc.on_active_qubits())))
    assert out.report.duration == pytest.approx(tc.report.duration)     # only idle time is used


def test_the_public_api_reports_raw_values_costs_and_a_plot():
    est = qf.Estimator(backend="superconducting", shots=4000, seed=1,
                       mitigation=[qf.mitigation.ReadoutMitigation(),
                                   qf.mitigation.ZNE(scale_factors=[1, 3, 5], extrapolation="richardson")])
    c = qaoa_layer()
    result = est.run([c, c], ["ZZI", "IZZ"])
    assert result.values.shape == (2,) and result.metadata["raw_values"].shape == (2,)
    assert result.metadata["circuits_executed"] >= 2 * 3 and result.metadata["shots_executed"] >= 6 * 4000
    assert np.all(result.std_errors > 0)
    ax = result.plot()
    assert ax.get_xlabel() == "noise scale factor"


def test_bad_input_gives_clear_errors():
    with pytest.raises(MitigationError, match="known noise"):
        qf.Estimator(backend="statevector", shots=100, mitigation=[PEC()]).run(qf.Circuit(1).h(0), "X")
    with pytest.raises(MitigationError, match="emulated device"):
        qf.Estimator(backend="density_matrix", shots=100, mitigation=[DynamicalDecoupling()]).run(
            qf.Circuit(1).h(0), "X")
    with pytest.raises(MitigationError, match="at most one"):
        qf.Estimator(backend="density_matrix", shots=100, mitigation=[ZNE(), PEC()]).run(qf.Circuit(1).h(0), "X")
    with pytest.raises(qf.CircuitError, match="mitigation"):
        qf.Estimator(backend="density_matrix", mitigation=[object()])
    with pytest.raises(MitigationError, match="sequence"):
        DynamicalDecoupling("XYZ")


def test_richardson_matches_mitiq_where_importable():
    zne = pytest.importorskip("mitiq.zne")
    scales, values = [1.0, 2.0, 3.5], [0.81, 0.66, 0.49]
    theirs = zne.inference.RichardsonFactory.extrapolate(scales, values)
    assert qf.mitigation.extrapolate(scales, values, None, "richardson").value == pytest.approx(theirs)


def test_the_sampler_takes_readout_mitigation():
    ghz = qf.Circuit(3).h(0).cx(0, 1).cx(1, 2).measure_all()
    raw = qf.Sampler(backend="superconducting", shots=20000, seed=1).run(ghz)
    mitigated = qf.Sampler(backend="superconducting", shots=20000, seed=1,
                           mitigation=[ReadoutMitigation(project=True)]).run(ghz)
    ideal = {"000": 0.5, "111": 0.5}

    def tvd(p):
        return 0.5 * sum(abs(p.get(k, 0) - ideal.get(k, 0)) for k in set(p) | set(ideal))
    assert tvd(mitigated.probabilities[()]) < tvd(raw.probabilities[()]) / 2
    assert mitigated.metadata["circuits_executed"] == 1 + 8          # the run and the full calibration
    with pytest.raises(MitigationError, match="Estimator"):
        qf.Sampler(backend="superconducting", mitigation=[ZNE()]).run(ghz)


def test_techniques_round_trip_through_plain_data_and_the_job_service_takes_it():
    import json

    from qfusion.mitigation import from_dict
    from qfusion.service.server.jobspec import mitigation_spec
    techniques = [ReadoutMitigation("tensored", shots=500), ZNE([1, 2, 3], "linear", folding="random", seed=3),
                  PauliTwirling(4, seed=2), DynamicalDecoupling("CPMG", schedule="alap"),
                  PEC(50, noise="learned", depths=(0, 2, 4)), CDR(8, fraction_non_clifford=0.5)]
    data = json.loads(json.dumps([t.to_dict() for t in techniques]))
    assert [d["technique"] for d in data] == ["readout", "zne", "twirling", "dd", "pec", "cdr"]
    again = [from_dict(d) for d in data]
    assert [t.to_dict() for t in again] == data and [repr(t) for t in again] == [repr(t) for t in techniques]
    assert mitigation_spec(data) == data
    with pytest.raises(MitigationError, match="technique"):
        from_dict({"technique": "magic"})
    with pytest.raises(MitigationError, match="plain data"):
        PauliTwirling(seed=np.random.default_rng(1)).to_dict()
