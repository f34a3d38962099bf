"""The photonic emulator (issue 12): with about one shot per pattern of heralded attempts it samples
each shot as a trajectory (the same distribution, a fraction of the cost); an explicit method stays."""

import pytest

import qfusion as qf


def ladder(n=4):
    c = qf.Circuit(n).h(0)
    for i in range(n - 1):
        c.cx(i, i + 1)
    for i in range(n - 1):
        c.cz(i, i + 1)
    return c.measure_all()


def test_automatic_method_picks_trajectories_when_patterns_are_many():
    result = qf.run(ladder(), shots=40, backend="photonic", seed=3)
    assert result.metadata["shot_groups"] * 4 > 40 and result.metadata["method"] == "trajectories"
    assert sum(result.counts.values()) == 40
    kept = qf.run(ladder(), shots=40, backend="photonic", seed=3, method="density_matrix")
    assert kept.metadata["method"] == "density_matrix"


def test_ghz_parity_survives_on_the_photonic_device():
    pytest.importorskip("qiskit")
    from qiskit.quantum_info import Statevector

    from qfusion.interop import to_qiskit
    c = qf.Circuit(3).h(0).cx(0, 1).cx(1, 2)
    ideal = Statevector(to_qiskit(c)).probabilities_dict()
    counts = qf.run(c.copy().measure_all(), shots=200, backend="photonic", seed=5).counts
    good = sum(counts.get(k, 0) for k, p in ideal.items() if p > 0.4)
    assert good / 200 > 0.7  # the ideal outcomes 000 and 111 dominate under the device's noise
