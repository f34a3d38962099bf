"""Issue 12: what used to be silently wrong or ignored now warns or fails with a message that
names the problem (unknown parameters, unknown options, misspelt backends, ignored noise, missing
measurements, memory hints that suggest only what exists)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import qfusion as qf
from qfusion.errors import BackendError, CircuitError, CircuitTooLargeError, ParameterError, QfusionWarning
from qfusion.noise import NoiseModel, Relaxation

THETA = qf.Parameter("theta")


def test_unknown_parameter_names_the_unknown_and_the_missing():
    c = qf.Circuit(1).rx(THETA, 0).measure_all()
    with pytest.raises(ParameterError, match=r"no parameter phi; its parameters are theta \(unbound: theta\)"):
        qf.run(c, shots=10, params={"phi": 0.1})
    with pytest.raises(ParameterError, match="no parameter phi"):
        qf.simulate(c.copy(), params={"phi": 0.1, "theta": 0.2})


def test_partly_bound_run_names_what_is_missing():
    c = qf.Circuit(1).rx(THETA, 0).ry(qf.Parameter("phi"), 0).measure_all()
    with pytest.raises(CircuitError, match=r"unbound parameters \(theta\).*params= leaves them unbound"):
        qf.run(c, shots=10, params={"phi": 0.1})


def test_nested_gates_still_bind_from_the_outer_mapping():
    inner = qf.Circuit(1).rx(THETA, 0)
    outer = qf.Circuit(1).append(inner.to_gate(), [0]).rz(qf.Parameter("phi"), 0)
    bound = outer.bind({"theta": 0.3, "phi": 0.2})
    assert not bound.is_parameterized


def test_misspelt_backend_gets_a_did_you_mean():
    with pytest.raises(BackendError, match=r"unknown backend 'statevectr' \(did you mean 'statevector'\?\)"):
        qf.run(qf.Circuit(1).measure_all(), backend="statevectr")


@pytest.mark.parametrize("backend", ["statevector", "density_matrix", "superconducting"])
def test_unknown_option_is_a_backend_error_naming_the_options(backend):
    with pytest.raises(BackendError) as info:
        qf.run(qf.Circuit(1).measure_all(), shots=4, backend=backend, optimisation_level=1)
    message = str(info.value)
    assert f"backend {backend!r} has no option 'optimisation_level'" in message and "its options are" in message
    if backend == "superconducting":
        assert "did you mean 'optimization_level'?" in message


def test_reference_refuses_a_noise_model():
    model = NoiseModel()
    c = qf.Circuit(1).x(0).measure_all()
    for call in (lambda: qf.run(c, backend="reference", noise_model=model),
                 lambda: qf.backends.get("reference").run(c, noise_model=model),
                 lambda: qf.simulate(qf.Circuit(1), backend="reference", noise_model=model)):
        with pytest.raises(BackendError, match="reference.*noise_model"):
            call()


@pytest.mark.parametrize("device", ["superconducting", "trapped_ion"])
def test_devices_refuse_noise_model_with_what_to_do(device):
    c = qf.Circuit(2).h(0).cx(0, 1).measure_all()
    for call in (lambda: qf.run(c, shots=10, backend=device, noise_model=NoiseModel()),
                 lambda: qf.backends.get(device).run(c, shots=10, noise_model=NoiseModel())):
        with pytest.raises(BackendError, match="own noise model.*backend='density_matrix'"):
            call()


def test_idle_noise_without_durations_warns_once():
    model = NoiseModel()
    model.add_idle_error(Relaxation(t1=50e-6, t2=40e-6))
    c = qf.Circuit(2).x(0).cx(0, 1).measure_all()
    with pytest.warns(QfusionWarning, match="idle errors, but no durations="):
        qf.run(c, shots=10, backend="density_matrix", noise_model=model, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        qf.run(c, shots=10, backend="density_matrix", noise_model=model, seed=1)
        qf.run(c, shots=10, backend="density_matrix", noise_model=model, seed=1, durations={"x": 1e-6})


def test_unmeasured_circuit_is_measured_with_a_warning_as_qiskits_sampler_needs():
    qiskit = pytest.importorskip("qiskit")
    from qiskit.quantum_info import Statevector
    bell = qf.Circuit(2).h(0).cx(0, 1).ry(0.4, 1)
    with pytest.warns(QfusionWarning, match="no measurements; measuring every qubit"):
        counts = qf.run(bell, shots=4000, seed=5).counts
    qc = qiskit.QuantumCircuit(2)
    qc.h(0)
    qc.cx(0, 1)
    qc.ry(0.4, 1)
    expected = Statevector(qc).probabilities_dict()
    assert set(counts) <= set(k for k, p in expected.items() if p > 1e-12) and "" not in counts
    for key, p in expected.items():
        assert abs(counts.get(key, 0) / 4000 - p) < 5 * np.sqrt(p * (1 - p) / 4000) + 1e-9


def test_clbits_without_measurement_warn():
    with pytest.warns(QfusionWarning, match="no measurement, so every shot reads all zeros"):
        qf.run(qf.Circuit(1, 1).x(0), shots=5)


def test_memory_hints_suggest_only_what_exists_and_fits(monkeypatch):
    import qfusion.sim.memory as memory
    monkeypatch.setattr(memory, "available_bytes", lambda: 8 * 2 ** 30)
    with pytest.raises(CircuitTooLargeError) as info:
        qf.simulate(qf.Circuit(60).h(0))
    message = str(info.value)
    assert "does not store" not in message and 'try dtype="complex64"' not in message
    assert "at most 29 qubits fit as complex128, 30 with dtype=\"complex64\"" in message
    with pytest.raises(CircuitTooLargeError, match='try dtype="complex64"'):
        qf.simulate(qf.Circuit(30).h(0))


def test_run_takes_a_list_of_circuits():
    circuits = [qf.Circuit(2).h(0).cx(0, 1).measure_all(), qf.Circuit(1).x(0).measure_all(),
                qf.Circuit(1).rx(THETA, 0).measure_all()]
    results = qf.run(circuits, shots=200, seed=3, params=[None, None, {"theta": np.pi}])
    assert isinstance(results, list) and len(results) == 3
    assert set(results[0].counts) == {"00", "11"} and results[1].counts == {"1": 200}
    assert results[2].counts == {"1": 200}
    again = qf.run(circuits, shots=200, seed=3, params=[None, None, {"theta": np.pi}])
    assert [r.counts for r in again] == [r.counts for r in results]
    with pytest.raises(BackendError, match="one per circuit"):
        qf.run(circuits, shots=10, params=[None])


def test_a_backend_that_cannot_run_here_says_so_before_running():
    from qfusion.backends import get
    gpu = get("gpu")
    reason = gpu.unavailable_reason()
    if reason is None:
        pytest.skip("this host can run the GPU backend")
    with pytest.raises(BackendError, match=r"backend 'gpu' cannot run here: .*backend='statevector' runs on the CPU"):
        qf.run(qf.Circuit(1).measure_all(), backend="gpu")
    import types

    from qfusion.cli.commands import backends
    listed = backends(types.SimpleNamespace(json=True))
    assert listed["unavailable"]["gpu"] == reason and "gpu" not in listed["available"]
    assert "statevector" in listed["available"]


def test_primitives_refuse_unknown_options_at_construction():
    with pytest.raises(BackendError, match="has no option 'foo'"):
        qf.Estimator(backend="statevector", foo=1)
    with pytest.raises(BackendError, match="has no option 'noise_modle'.*did you mean 'noise_model'"):
        qf.Sampler(backend="density_matrix", noise_modle=None)
    qf.Sampler(backend="density_matrix", noise_model=NoiseModel())  # a real option passes


def test_bad_seed_and_misspelt_device_are_named():
    from qfusion.devices.device import DeviceError
    with pytest.raises(BackendError, match="seed must be an integer"):
        qf.run(qf.Circuit(1).measure_all(), seed=1.5)
    with pytest.raises(DeviceError, match=r"unknown device 'superconductng' \(did you mean 'superconducting'\?\)"):
        qf.transpile(qf.Circuit(1), backend="superconductng")


def test_durations_without_idle_noise_warn():
    with pytest.warns(QfusionWarning, match="durations= has no effect.*no noise_model"):
        qf.run(qf.Circuit(1).x(0).measure_all(), shots=5, durations={"x": 1e-6})
    from qfusion.noise.channels import depolarizing
    model = NoiseModel()
    model.add_gate_error(depolarizing(0.01), ["x"])
    with pytest.warns(QfusionWarning, match="no idle errors"):
        qf.run(qf.Circuit(1).x(0).measure_all(), shots=5, backend="density_matrix", noise_model=model,
               durations={"x": 1e-6})


def test_primitives_take_parameter_values_by_name():
    qiskit = pytest.importorskip("qiskit")
    from qiskit.quantum_info import SparsePauliOp, Statevector
    a, b = qf.Parameter("a"), qf.Parameter("b")
    c = qf.Circuit(2).ry(a, 0).rx(b, 1).cx(0, 1)
    value = float(qf.Estimator().run(c, qf.PauliSum.from_label("ZZ"), {"b": 0.4, "a": 1.1}).values)
    qc = qiskit.QuantumCircuit(2)
    qc.ry(1.1, 0)
    qc.rx(0.4, 1)
    qc.cx(0, 1)
    assert value == pytest.approx(Statevector(qc).expectation_value(SparsePauliOp("ZZ")).real, abs=1e-12)
    with pytest.raises(ParameterError, match="no parameter s; its parameters are a, b"):
        qf.Estimator().run(c, qf.PauliSum.from_label("ZZ"), {"s": 0.1})
    with pytest.raises(CircuitError, match="parameter\\(s\\) b need values"):
        qf.Sampler().run(c.copy().measure_all(), params={"a": 0.1})


def test_a_device_asked_for_a_state_says_what_to_do():
    with pytest.raises(BackendError, match="does not return states; sample it with qfusion.run"):
        qf.simulate(qf.Circuit(1), backend="superconducting")


def test_unknown_option_of_qf_run_also_names_run_s_own_keywords():
    c = qf.Circuit(1).measure_all()
    with pytest.raises(BackendError) as info:
        qf.run([c, c], shots=4, max_worker=2)
    message = str(info.value)
    assert "has no option 'max_worker' (did you mean 'max_workers'?)" in message
    assert "qf.run itself takes shots, seed, params, memory, max_workers, executor" in message
    with pytest.raises(BackendError, match=r"'sed' \(did you mean 'seed'\?\).*qf.simulate itself takes params"):
        qf.simulate(qf.Circuit(1), sed=3)


def test_a_clifford_circuit_too_large_for_the_state_vector_is_pointed_at_the_stabilizer_backend():
    pytest.importorskip("stim")
    ghz = qf.Circuit(60).h(0)
    for q in range(59):
        ghz.cx(q, q + 1)
    with pytest.raises(CircuitTooLargeError, match=r'Clifford circuit: backend="stabilizer" runs it'):
        qf.run(ghz.copy().measure_all(), shots=10)
    with pytest.raises(CircuitTooLargeError, match=r'backend="stabilizer"'):
        qf.simulate(ghz, backend="density_matrix")
    counts = qf.run(ghz.copy().measure_all(), shots=200, backend="stabilizer", seed=1).counts
    assert set(counts) == {"0" * 60, "1" * 60}  # the GHZ state's two outcomes: the hint is true
    ghz.t(0)  # no longer Clifford: no such hint
    with pytest.raises(CircuitTooLargeError) as info:
        qf.simulate(ghz)
    assert "stabilizer" not in str(info.value)


def test_primitives_refuse_negative_shots_and_seeds_instead_of_taking_their_defaults():
    """``shots=-1`` was the primitives' "use my default" marker: Sampler().run(c, shots=-1) ran 1024 shots."""
    c = qf.Circuit(1).measure_all()
    with pytest.raises(CircuitError, match="shots must be None .* got -1"):
        qf.Sampler().run(c, shots=-1)
    with pytest.raises(CircuitError, match="got -1"):
        qf.Estimator(shots=100).run(qf.Circuit(1), "Z", shots=-1)
    for run in (lambda: qf.Sampler().run(c, shots=5, seed=-1),
                lambda: qf.Estimator(shots=100).run(qf.Circuit(1), "Z", seed=-1)):
        with pytest.raises(BackendError, match="seed must be a non-negative integer"):
            run()
    assert qf.Sampler(shots=7).run(c).counts.item() == {"0": 7}  # the primitive's own default still applies


def test_primitives_take_one_mitigation_technique_and_refuse_a_name():
    """``mitigation=qf.mitigation.ZNE()`` was "TypeError: 'ZNE' object is not iterable"; "zne" was iterated
    letter by letter ("got 'z'")."""
    zne = qf.mitigation.ZNE(scale_factors=[1, 3])
    assert qf.Estimator(backend="superconducting", shots=100, mitigation=zne).mitigation == [zne]
    readout = qf.mitigation.ReadoutMitigation()
    assert qf.Sampler(backend="superconducting", mitigation=readout).mitigation == [readout]
    assert qf.Estimator(mitigation=[readout, zne]).mitigation == [readout, zne]
    with pytest.raises(CircuitError, match="got the string 'zne': give objects such as qf.mitigation.ZNE"):
        qf.Estimator(mitigation="zne")
    with pytest.raises(CircuitError, match="takes error-mitigation techniques .* got 3"):
        qf.Sampler(mitigation=[3])


def test_a_kernel_with_a_misspelt_backend_fails_at_construction():
    pytest.importorskip("sklearn")
    with pytest.raises(BackendError, match=r"unknown backend 'statevectr' \(did you mean 'statevector'\?\)"):
        qf.qml.FidelityKernel(qf.qml.ZZFeatureMap(2), backend="statevectr")
