"""Channels against qiskit-aer's: same parameters, same superoperators."""

import numpy as np
import pytest
from qiskit.quantum_info import Choi, Kraus, SuperOp
from qiskit_aer import noise as aer

from qfusion import noise
from qfusion.errors import NoiseError


def aer_superop(error):
    return SuperOp(error.to_quantumchannel()).data


CASES = [
    (lambda: noise.depolarizing(0.13), lambda: aer.depolarizing_error(0.13, 1)),
    (lambda: noise.depolarizing(0.07, 2), lambda: aer.depolarizing_error(0.07, 2)),
    (lambda: noise.depolarizing(4 / 3), lambda: aer.depolarizing_error(4 / 3, 1)),
    (lambda: noise.amplitude_damping(0.3), lambda: aer.amplitude_damping_error(0.3)),
    (lambda: noise.amplitude_damping(0.3, 0.2), lambda: aer.amplitude_damping_error(0.3, 0.2)),
    (lambda: noise.phase_damping(0.4), lambda: aer.phase_damping_error(0.4)),
    (lambda: noise.thermal_relaxation(50e-6, 30e-6, 2e-6), lambda: aer.thermal_relaxation_error(50e-6, 30e-6, 2e-6)),
    (lambda: noise.thermal_relaxation(50e-6, 90e-6, 3e-6, 0.1),
     lambda: aer.thermal_relaxation_error(50e-6, 90e-6, 3e-6, 0.1)),
    (lambda: noise.thermal_relaxation(20.0, 40.0, 5.0), lambda: aer.thermal_relaxation_error(20.0, 40.0, 5.0)),
    (lambda: noise.bit_flip(0.2), lambda: aer.pauli_error([("X", 0.2), ("I", 0.8)])),
    (lambda: noise.phase_flip(0.2), lambda: aer.pauli_error([("Z", 0.2), ("I", 0.8)])),
    (lambda: noise.pauli_channel({"XI": 0.1, "ZY": 0.05, "II": 0.85}),
     lambda: aer.pauli_error([("XI", 0.1), ("ZY", 0.05), ("II", 0.85)])),
    (lambda: noise.coherent_overrotation("y", 0.3),
     lambda: aer.coherent_unitary_error(np.array([[np.cos(0.15), -np.sin(0.15)], [np.sin(0.15), np.cos(0.15)]]))),
]


@pytest.mark.parametrize("ours, theirs", CASES)
def test_superoperator_matches_qiskit_aer(ours, theirs):
    channel = ours()
    np.testing.assert_allclose(channel.superoperator(), aer_superop(theirs()), atol=1e-12)
    np.testing.assert_allclose(channel.choi(), Choi(theirs().to_quantumchannel()).data, atol=1e-12)


@pytest.mark.parametrize("ours, theirs", CASES)
def test_round_trips_through_superoperator_and_choi(ours, theirs):
    channel = ours()
    again = noise.Channel.from_superoperator(channel.superoperator())
    np.testing.assert_allclose(again.superoperator(), channel.superoperator(), atol=1e-10)
    data = noise.Channel.from_dict(channel.to_dict())
    np.testing.assert_allclose(data.superoperator(), channel.superoperator(), atol=1e-12)


def test_kraus_matches_qiskit_kraus_superoperator():
    rng = np.random.default_rng(4)
    a = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
    q, _ = np.linalg.qr(rng.normal(size=(8, 8)) + 1j * rng.normal(size=(8, 8)))
    kraus = [q[2 * i:2 * i + 2, :2] for i in range(4)]  # an isometry cut into Kraus operators
    channel = noise.Channel.from_kraus(kraus)
    np.testing.assert_allclose(channel.superoperator(), SuperOp(Kraus(kraus)).data, atol=1e-12)
    rho = a @ a.conj().T
    rho = rho[:2, :2] / np.trace(rho[:2, :2])
    np.testing.assert_allclose(channel.apply(rho), sum(k @ rho @ k.conj().T for k in kraus), atol=1e-12)


def test_compose_and_tensor_follow_qiskit_conventions():
    a, b = noise.amplitude_damping(0.2), noise.phase_damping(0.3)
    qa, qb = SuperOp(Kraus(list(a.kraus))), SuperOp(Kraus(list(b.kraus)))
    np.testing.assert_allclose(a.compose(b).superoperator(), qa.compose(qb).data, atol=1e-12)
    np.testing.assert_allclose(a.tensor(b).superoperator(), qa.tensor(qb).data, atol=1e-12)
    np.testing.assert_allclose(a.expand(b).superoperator(), qa.expand(qb).data, atol=1e-12)
    p = noise.depolarizing(0.1).compose(noise.bit_flip(0.2))
    assert p.is_pauli
    np.testing.assert_allclose(p.superoperator(), (SuperOp(aer.depolarizing_error(0.1, 1).to_quantumchannel())
                                                   .compose(aer_superop(aer.pauli_error([("X", .2), ("I", .8)])))).data,
                               atol=1e-12)


def test_pauli_transfer_diagonal_is_the_ptm():
    channel = noise.pauli_channel({"IX": 0.1, "ZY": 0.2, "II": 0.7})
    labels = ["".join("IXYZ"[(i >> (2 * q)) & 3] for q in reversed(range(2))) for i in range(16)]
    for index, label in enumerate(labels):
        p = noise.pauli_matrix(label)
        expected = np.trace(p @ channel.apply(p)).real / 4
        assert abs(channel.pauli_transfer_diagonal()[index] - expected) < 1e-12


def test_erasure_is_heralded_and_mixes():
    channel = noise.erasure(0.3)
    rho = channel.apply(np.array([[1, 0], [0, 0]], dtype=complex))
    np.testing.assert_allclose(rho, [[0.85, 0], [0, 0.15]], atol=1e-12)
    flagged = sum(np.trace(channel.kraus[i].conj().T @ channel.kraus[i]).real / 2 for i in channel.heralded)
    assert abs(flagged - 0.3) < 1e-12
    reset = noise.erasure(0.3, action="reset").apply(np.array([[0, 0], [0, 1]], dtype=complex))
    np.testing.assert_allclose(reset, [[0.3, 0], [0, 0.7]], atol=1e-12)


@pytest.mark.parametrize("make, message", [
    (lambda: noise.depolarizing(1.5), "between 0 and"),
    (lambda: noise.thermal_relaxation(10, 25, 1), "exceeds 2\\*T1"),
    (lambda: noise.thermal_relaxation(-1, 1, 1), "positive"),
    (lambda: noise.Channel.from_kraus([np.eye(2), np.eye(2)]), "not trace preserving"),
    (lambda: noise.Channel.from_choi(np.diag([1.0, -0.1, 0.1, 1.0])), "not completely positive"),
    (lambda: noise.pauli_channel({"X": 0.5, "I": 0.4}), "add up to"),
    (lambda: noise.pauli_channel({"Q": 1.0}), "I, X, Y, Z"),
    (lambda: noise.Channel.from_unitary(np.ones((2, 2))), "not unitary"),
    (lambda: noise.readout_error(1.2, 0), "probability"),
    (lambda: noise.erasure(0.1, action="lose"), "action"),
])
def test_unphysical_channels_are_refused_with_clear_errors(make, message):
    with pytest.raises(NoiseError, match=message):
        make()


def test_readout_error_matches_qiskit_aer_and_samples():
    ours = noise.readout_error(p0_given1=0.1, p1_given0=0.05)
    theirs = aer.ReadoutError([[0.95, 0.05], [0.1, 0.9]])
    np.testing.assert_allclose(ours.probabilities, theirs.probabilities)
    bits = np.array([0] * 50000 + [1] * 50000)
    recorded = ours.apply_to_bits(bits, np.random.default_rng(1))
    assert abs(recorded[:50000].mean() - 0.05) < 0.005
    assert abs(1 - recorded[50000:].mean() - 0.1) < 0.006


@pytest.mark.parametrize("args", [(50.0, 30.0, 2.0, 0.0), (50.0, 50.0, 5.0, 0.2), (10.0, 4.0, 40.0, 0.1)])
def test_thermal_relaxation_mixture_is_the_same_channel(args):
    channel = noise.thermal_relaxation(*args)
    assert channel.mixture is not None
    rng = np.random.default_rng(3)
    a = rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2))
    rho = a @ a.conj().T
    rho /= np.trace(rho)
    total = np.zeros((2, 2), dtype=complex)
    for p, (kind, payload) in channel.mixture:
        if kind == "unitary":
            total += p * payload @ rho @ payload.conj().T
        else:
            total += p * np.trace(rho) * np.diag([1.0 - payload, payload])
    np.testing.assert_allclose(total, channel.apply(rho), atol=1e-12)
    assert abs(sum(p for p, _ in channel.mixture) - 1) < 1e-12
    assert noise.thermal_relaxation(10.0, 15.0, 1.0).mixture is None  # T2 > T1: no such mixture


def test_compositions_keep_few_kraus_operators_and_their_heralds():
    relax = noise.thermal_relaxation(50.0, 40.0, 2.0)
    channel = noise.depolarizing(0.05, 2).compose(relax.tensor(relax)).compose(
        noise.erasure(0.01).tensor(noise.erasure(0.02)))
    assert len(channel.kraus) <= 2 * 16
    theirs = SuperOp(aer.depolarizing_error(0.05, 2).to_quantumchannel()).compose(
        SuperOp(aer.thermal_relaxation_error(50.0, 40.0, 2.0).to_quantumchannel()).tensor(
            SuperOp(aer.thermal_relaxation_error(50.0, 40.0, 2.0).to_quantumchannel()))).compose(
        SuperOp(aer.depolarizing_error(0.01, 1).to_quantumchannel()).tensor(
            SuperOp(aer.depolarizing_error(0.02, 1).to_quantumchannel())))  # erasure to I/2 = depolarizing
    np.testing.assert_allclose(channel.superoperator(), theirs.data, atol=1e-12)
    flagged = sum(channel.kraus[i].conj().T @ channel.kraus[i] for i in channel.heralded)
    np.testing.assert_allclose(flagged, (1 - 0.99 * 0.98) * np.eye(4), atol=1e-12)


def test_composed_channels_remember_their_factors():
    relax = noise.thermal_relaxation(50.0, 40.0, 2.0)
    loss = noise.erasure(0.1)
    channel = noise.depolarizing(0.05, 2).compose(relax.tensor(noise.phase_damping(0.2))).compose(loss.tensor(loss))
    assert [(c.name, q) for c, q in channel.parts] == [
        ("depolarizing", (0, 1)), ("phase_damping", (0,)), ("thermal_relaxation", (1,)),
        ("erasure", (0,)), ("erasure", (1,))]
    rho = np.diag([0.1, 0.2, 0.3, 0.4]).astype(complex) + 0.05
    staged = rho
    for part, qubits in channel.parts:
        full = part
        if part.num_qubits == 1:  # embed on its qubit: tensor with the identity on the other
            identity = noise.Channel.from_kraus([np.eye(2)])
            full = identity.tensor(part) if qubits == (0,) else part.tensor(identity)
        staged = full.apply(staged)
    np.testing.assert_allclose(staged, channel.apply(rho), atol=1e-12)


@pytest.mark.parametrize("action", ["mixed", "reset"])
def test_erasure_mixture_is_the_same_channel(action):
    channel = noise.erasure(0.3, action=action)
    rho = np.array([[0.2, 0.1 + 0.2j], [0.1 - 0.2j, 0.8]])
    total = np.zeros((2, 2), dtype=complex)
    flagged = 0.0
    for p, (kind, payload) in channel.mixture:
        if kind in ("unitary", "erased"):
            total += p * payload @ rho @ payload.conj().T
        else:
            total += p * np.trace(rho) * np.diag([1.0 - payload, payload])
        flagged += p if kind.startswith("erased") else 0.0
    np.testing.assert_allclose(total, channel.apply(rho), atol=1e-12)
    assert abs(flagged - 0.3) < 1e-12
