"""Sparse Pauli–Lindblad noise learned on the emulated device, against the device's known CZ channel, and
PEC with it against the ideal value."""

import numpy as np
import pytest
from mitigation_circuits import ideal

import qfusion as qf
from qfusion.devices.noise import gate_channel
from qfusion.errors import MitigationError
from qfusion.mitigation import PEC, PauliTwirling, ReadoutMitigation
from qfusion.mitigation.learning import (
    ANTICOMMUTE,
    LABELS,
    PauliLindbladModel,
    entangler_pairs,
    fit_rates,
    learn_entangler,
)
from qfusion.mitigation.pec import inverse_from_fidelities, inverse_pauli_representation, pauli_fidelities
from qfusion.mitigation.pipeline import Executor
from qfusion.noise import depolarizing, pauli_channel


def test_the_model_is_a_pauli_lindblad_channel():
    rates = np.random.default_rng(1).uniform(0, 2e-3, 15)
    model = PauliLindbladModel((0, 1), rates)
    # each generator is the channel (1 - w) rho + w P rho P with w = (1 - exp(-2 lambda)) / 2; their product
    channel = None
    for label, rate in zip(LABELS[1:], rates, strict=True):
        w = (1 - np.exp(-2 * rate)) / 2
        part = pauli_channel({"II": 1 - w, label: w})
        channel = part if channel is None else channel.compose(part)
    assert pauli_fidelities(channel) == pytest.approx(model.fidelities(), abs=1e-12)
    assert pauli_fidelities(model.channel()) == pytest.approx(model.fidelities(), abs=1e-12)
    assert fit_rates(model.fidelities()) == pytest.approx(rates, abs=1e-9)
    assert ANTICOMMUTE.shape == (16, 15) and ANTICOMMUTE[0].sum() == 0
    # the reversed pair swaps the letters: IX on (0, 1) is XI on (1, 0)
    assert model.fidelities_on((1, 0))[LABELS.index("XI")] == model.fidelities()[LABELS.index("IX")]
    q, gamma = inverse_from_fidelities(model.fidelities())
    q_channel, gamma_channel = inverse_pauli_representation(model.channel())
    assert q == pytest.approx(q_channel, abs=1e-12) and gamma == pytest.approx(gamma_channel)
    assert inverse_from_fidelities(pauli_fidelities(depolarizing(0.1)))[1] == pytest.approx(7 / 6)


def test_learned_fidelities_match_the_known_cz_channel():
    executor = Executor("superconducting", shots=4000, seed=1)
    prepared = executor.prepare(qf.Circuit(2).h(0).cx(0, 1))
    pair = entangler_pairs(prepared)[0]
    model = learn_entangler(executor, prepared, pair, shots=8000, seed=3)
    known = pauli_fidelities(gate_channel(executor.device, "cz", pair))
    difference = model.fidelities() - known
    # the learned layer is the twirled gate: CZ's channel and the twirling pulses' errors (2.5e-4 each)
    assert np.all(np.abs(difference) < 2.5e-3), difference
    assert np.mean(difference) < 0 and np.all(model.rates >= 0)
    assert executor.circuits == 9 * 5 * 4 and model.details["circuits"] == 180
    assert model.to_dict()["generators"][0] == "IX"


def test_pec_with_learned_noise_is_unbiased_on_the_superconducting_device():
    c = qf.Circuit(2).rx(0.4, 0)
    for _ in range(6):
        c.cx(0, 1).rx(0.1, 0).rx(-0.1, 0)
    c.rx(-0.4, 0)
    target = ideal(c, "ZZ")                                       # 1
    pec = PEC(400, noise="learned", seed=1, learning_shots=8000)
    result = qf.Estimator(backend="superconducting", shots=4000, seed=1, optimization_level=0,
                          mitigation=[pec, PauliTwirling(), ReadoutMitigation()]).run(c, "ZZ")
    value, error, raw = float(result.values), float(result.std_errors), float(result.metadata["raw_values"])
    assert abs(value - target) < 3 * error
    assert abs(value - target) < 0.4 * abs(raw - target)
    details = result.metadata["mitigation"][0].details
    assert details["noise"] == "learned" and len(details["learned"]) == 1 and details["gamma"] > 1
    # the pair is learned once per PEC object: a second estimate spends no learning circuits
    again = qf.Estimator(backend="superconducting", shots=4000, seed=2, optimization_level=0,
                         mitigation=[pec, PauliTwirling()]).run(c, "ZZ")
    assert again.metadata["mitigation"][0].circuits < result.metadata["mitigation"][0].circuits - 150


def test_learned_noise_bad_input():
    with pytest.raises(MitigationError, match="noise must be"):
        PEC(noise="guessed")
    with pytest.raises(MitigationError, match="Clifford entangler"):
        qf.Estimator(backend="trapped_ion", shots=100, mitigation=[PEC(noise="learned")]).run(qf.Circuit(1).h(0), "X")
    with pytest.raises(MitigationError, match="emulated device"):
        qf.Estimator(backend="density_matrix", shots=100, mitigation=[PEC(noise="learned")]).run(
            qf.Circuit(1).h(0), "X")
    executor = Executor("superconducting", shots=100, seed=1)
    prepared = executor.prepare(qf.Circuit(2).h(0).cx(0, 1))
    with pytest.raises(MitigationError, match="even"):
        learn_entangler(executor, prepared, entangler_pairs(prepared)[0], depths=(0, 3))
