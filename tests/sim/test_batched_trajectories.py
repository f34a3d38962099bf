"""TrajectoryBatch: gates against Kronecker products built here, channels unravelled per shot
against sum_k K rho K^dagger, erasure flags against their probability."""

import numpy as np
import pytest

from qfusion.noise import amplitude_damping, depolarizing, erasure, thermal_relaxation
from qfusion.noise.channel import Channel
from qfusion.sim.batched_trajectories import TrajectoryBatch


def random_state(n, rng):
    psi = rng.normal(size=1 << n) + 1j * rng.normal(size=1 << n)
    return psi / np.linalg.norm(psi)


def random_unitary(d, rng):
    q, r = np.linalg.qr(rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d)))
    return q * (np.diag(r) / np.abs(np.diag(r)))


def embed(matrix, qubits, n):
    """``matrix`` (bit k = qubits[k]) on n qubits (index bit q = qubit q), built element by element."""
    full = np.zeros((1 << n, 1 << n), dtype=complex)
    for row in range(1 << n):
        for col in range(1 << n):
            rest = all((row >> q) & 1 == (col >> q) & 1 for q in range(n) if q not in qubits)
            if rest:
                i = sum(((row >> q) & 1) << k for k, q in enumerate(qubits))
                j = sum(((col >> q) & 1) << k for k, q in enumerate(qubits))
                full[row, col] = matrix[i, j]
    return full


@pytest.mark.parametrize("qubits", [(0,), (2,), (2, 0), (1, 3), (3, 1, 0)])
def test_a_gate_on_some_shots_is_the_embedded_matrix(qubits):
    rng = np.random.default_rng(len(qubits))
    n = 4
    batch = TrajectoryBatch(n, 3, rng)
    start = np.array([random_state(n, rng) for _ in range(3)])
    batch.state[:] = start
    u = random_unitary(1 << len(qubits), rng)
    batch.gate(u, qubits, shots=np.array([0, 2]))
    full = embed(u, qubits, n)
    assert np.allclose(batch.state[0], full @ start[0]) and np.allclose(batch.state[2], full @ start[2])
    assert np.allclose(batch.state[1], start[1])


@pytest.mark.parametrize("channel,qubits", [
    (amplitude_damping(0.4), (1,)),                                  # Kraus, picked by ||K psi||^2
    (thermal_relaxation(50e-9, 40e-9, 30e-9), (0,)),
    (depolarizing(0.3, 2), (2, 0)),                                  # Pauli, fixed probabilities
    (erasure(0.3), (2,)),                                            # mixture with erasure flags
    (amplitude_damping(0.3).compose(depolarizing(0.2)), (1,)),        # stages, each in its form
    (Channel.from_kraus([np.sqrt(0.7) * np.eye(4), np.sqrt(0.3) * np.kron([[0, 1], [1, 0]], [[1, 0], [0, -1]])]),
     (0, 2)),
])
def test_the_average_over_shots_is_the_channel_applied_to_the_density_matrix(channel, qubits):
    rng = np.random.default_rng(7)
    n, shots = 3, 20000
    psi = random_state(n, rng)
    batch = TrajectoryBatch(n, shots, rng)
    batch.state[:] = psi
    batch.channel(channel, qubits)
    assert np.allclose(np.linalg.norm(batch.state, axis=1), 1.0)
    empirical = np.einsum("si,sj->ij", batch.state, batch.state.conj()) / shots
    rho = np.outer(psi, psi.conj())
    exact = sum(embed(k, qubits, n) @ rho @ embed(k, qubits, n).conj().T for k in channel.kraus)
    assert np.abs(empirical - exact).max() < 5 / np.sqrt(shots), np.abs(empirical - exact).max()


def test_erasure_flags_are_raised_with_the_erasure_probability():
    rng = np.random.default_rng(2)
    shots, p = 20000, 0.25
    batch = TrajectoryBatch(2, shots, rng)
    batch.channel(erasure(p).tensor(erasure(p)), (0, 1))
    assert abs(batch.erased[:, 0].mean() - p) < 4 * np.sqrt(p * (1 - p) / shots)
    assert abs(batch.erased[:, 1].mean() - p) < 4 * np.sqrt(p * (1 - p) / shots)
    both = (batch.erased[:, 0] & batch.erased[:, 1]).mean()
    assert abs(both - p * p) < 4 * np.sqrt(p * p / shots)   # independent losses


def test_samples_follow_the_born_rule():
    rng = np.random.default_rng(5)
    psi = random_state(3, rng)
    batch = TrajectoryBatch(3, 40000, rng)
    batch.state[:] = psi
    counts = np.bincount(batch.sample(), minlength=8) / 40000
    assert np.abs(counts - np.abs(psi) ** 2).max() < 5 * np.sqrt(0.25 / 40000)
