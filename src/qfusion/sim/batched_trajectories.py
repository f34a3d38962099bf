"""Quantum trajectories of many shots at once: one state vector per shot, in one array.

Where every shot runs a slightly different noisy circuit (the heralded gates of a photonic device
take a different number of attempts in each shot), the shots cannot share one plan; but a small
state fits many times in memory, so :class:`TrajectoryBatch` keeps ``(shots, 2^n)`` amplitudes and
applies each gate or channel to all the shots it concerns with one NumPy call. A channel is
unravelled per shot as in :mod:`qfusion.sim.trajectories`: a unitary applies as it is, a Pauli
channel or a fixed-probability mixture picks an operator per shot without looking at the state,
and a general channel picks Kraus operator ``K`` with probability ``||K psi||^2``. Each shot's
outcome is then a sample of the density-matrix distribution of its own circuit.

>>> import numpy as np
>>> from qfusion.noise import amplitude_damping
>>> batch = TrajectoryBatch(1, 2000, np.random.default_rng(3))
>>> batch.gate(np.array([[0, 1], [1, 0]]), (0,))
>>> batch.channel(amplitude_damping(0.5), (0,))
>>> 900 < int(batch.sample().sum()) < 1100
True
"""

from __future__ import annotations

import numpy as np

from qfusion.noise.channel import Channel, pauli_matrix

#: amplitudes one batch holds (shots x 2^n), so that a 16-Kraus channel's branches stay in memory
BATCH_AMPLITUDES = 1 << 18


def batch_shots(num_qubits: int) -> int:
    """How many shots of ``num_qubits`` qubits one :class:`TrajectoryBatch` should hold.

    >>> batch_shots(6), batch_shots(20)
    (4096, 1)
    """
    return max(1, BATCH_AMPLITUDES >> int(num_qubits))


class TrajectoryBatch:
    """``shots`` trajectories of ``num_qubits`` qubits from ``|0...0>``; ``erased[s, q]`` records
    whether an erasure was heralded on qubit ``q`` in shot ``s``. Every method takes ``shots``,
    the indices of the shots it applies to (all when None).

    >>> import numpy as np
    >>> batch = TrajectoryBatch(2, 4, np.random.default_rng(1))
    >>> batch.gate(np.array([[1, 1], [1, -1]]) / np.sqrt(2), (0,), shots=np.array([1, 3]))
    >>> np.round(np.abs(batch.state[:, :2]) ** 2, 3).tolist()
    [[1.0, 0.0], [0.5, 0.5], [1.0, 0.0], [0.5, 0.5]]
    """

    def __init__(self, num_qubits: int, shots: int, rng, dtype=np.complex128):
        self.num_qubits = int(num_qubits)
        self.shots = int(shots)
        self.rng = rng
        self.state = np.zeros((self.shots, 1 << self.num_qubits), dtype=dtype)
        self.state[:, 0] = 1
        self.erased = np.zeros((self.shots, self.num_qubits), dtype=bool)
        self._tables: dict = {}

    def gate(self, matrix, qubits, shots=None) -> None:
        """Apply ``matrix`` (little-endian over ``qubits``: qubit ``qubits[k]`` is bit k) to the shots."""
        self._update(shots, lambda view: np.matmul(np.asarray(matrix, dtype=self.state.dtype), view), qubits)

    def channel(self, channel: Channel, qubits, shots=None) -> None:
        """Unravel ``channel`` on ``qubits`` (channel qubit k is ``qubits[k]``): one operator per shot."""
        qubits = tuple(qubits)
        for part, on in channel.parts:
            self._part(part, tuple(qubits[j] for j in on), shots)

    def sample(self, shots=None) -> np.ndarray:
        """One computational-basis outcome per shot (bit ``q`` of the integer is qubit ``q``).

        >>> import numpy as np
        >>> TrajectoryBatch(3, 2, np.random.default_rng(0)).sample().tolist()
        [0, 0]
        """
        state = self.state if shots is None else self.state[shots]
        cumulative = np.cumsum(np.abs(state) ** 2, axis=1)
        u = self.rng.random(len(state)) * cumulative[:, -1]
        return np.minimum((cumulative <= u[:, None]).sum(axis=1), state.shape[1] - 1)

    # -- channels ---------------------------------------------------------------------------
    def _part(self, channel: Channel, qubits: tuple[int, ...], shots) -> None:
        if channel.is_unitary:
            self.gate(channel.kraus[0], qubits, shots)
            return
        fixed = self._fixed_probabilities(channel)
        if fixed is None:
            self._kraus(channel, qubits, shots)
            return
        cumulative, matrices, heralded, identity = fixed
        count = self.shots if shots is None else len(shots)
        picks = np.minimum(np.searchsorted(cumulative, self.rng.random(count) * cumulative[-1], side="right"),
                           len(cumulative) - 1)
        selected = np.arange(count) if shots is None else np.asarray(shots)
        if heralded.any():
            flagged = selected[heralded[picks]]
            self.erased[np.ix_(flagged, list(qubits))] = True
        moving = ~identity[picks]
        if moving.any():  # most shots pick the identity: leave them alone
            chosen = matrices[picks[moving]]
            self._update(selected[moving], lambda view: np.matmul(chosen[:, None], view), qubits)

    def _fixed_probabilities(self, channel: Channel):
        """``(cumulative probabilities, unitaries, heralded?, identity?)`` of a channel that can be
        sampled without the state (a Pauli channel or a mixture of unitaries), else None."""
        key = ("fixed", id(channel))
        if key in self._tables:
            return self._tables[key][1]
        found = None
        if channel.mixture is not None and all(kind in ("unitary", "erased") for _, (kind, _) in channel.mixture):
            probabilities = [p for p, _ in channel.mixture]
            matrices = [np.asarray(payload, dtype=complex) for _, (_, payload) in channel.mixture]
            heralded = [kind == "erased" for _, (kind, _) in channel.mixture]
        elif channel.is_pauli and not channel.heralded:
            probabilities = [p for _, p in channel.pauli]
            matrices = [pauli_matrix(label) for label, _ in channel.pauli]
            heralded = [False] * len(probabilities)
        else:
            probabilities = []
        if probabilities:
            stack = np.array(matrices, dtype=complex)
            dim = stack.shape[1]
            identity = np.array([np.array_equal(m, np.eye(dim)) for m in stack])
            found = (np.cumsum(probabilities), stack, np.array(heralded), identity)
        self._tables[key] = (channel, found)  # the channel is kept alive so that its id stays its own
        return found

    def _kraus(self, channel: Channel, qubits: tuple[int, ...], shots) -> None:
        key = ("kraus", id(channel))
        if key not in self._tables:
            kraus = np.array(channel.kraus, dtype=self.state.dtype)
            # ||K psi||^2 = sum_lj (K^dagger K)_lj R_lj, R the (unnormalised) reduced density matrix, transposed
            effects = np.array([k.conj().T @ k for k in kraus]).reshape(len(kraus), -1)
            heralded = np.array([i in channel.heralded for i in range(len(kraus))])
            self._tables[key] = (channel, (kraus, effects, heralded))
        kraus, effects, heralded = self._tables[key][1]
        selected = np.arange(self.shots) if shots is None else np.asarray(shots)

        def pick(view):
            count = len(view)
            columns = np.swapaxes(view, 1, 2).reshape(count, view.shape[2], -1)
            reduced = np.matmul(columns.conj(), np.swapaxes(columns, 1, 2)).reshape(count, -1)
            weights = np.maximum((reduced @ effects.T).real, 0.0)
            cumulative = np.cumsum(weights, axis=1)
            u = self.rng.random(count) * cumulative[:, -1]
            picks = np.minimum((cumulative <= u[:, None]).sum(axis=1), len(kraus) - 1)
            if heralded.any():
                flagged = selected[heralded[picks]]
                self.erased[np.ix_(flagged, list(qubits))] = True
            norms = np.sqrt(np.maximum(weights[np.arange(count), picks], 1e-300))
            return np.matmul(kraus[picks][:, None], view) / norms[:, None, None, None]
        self._update(shots, pick, qubits)

    # -- the one way amplitudes change ------------------------------------------------------
    def _update(self, shots, function, qubits) -> None:
        """``state[shots]`` as ``(shots, A, 2^k, C)``, the target qubits' index (little-endian over
        ``qubits``) on axis 2, replaced by ``function`` of it (which returns the same shape)."""
        n, qubits = self.num_qubits, tuple(qubits)
        state = self.state if shots is None else self.state[shots]
        count = len(state)
        if count == 0:
            return
        if len(qubits) == 1:   # a view: the qubit's bit splits the index into high and low parts
            q = qubits[0]
            result = function(state.reshape(count, 1 << (n - 1 - q), 2, 1 << q)).reshape(count, -1)
        else:
            # axis 1 + (n - 1 - q) of the (count, 2, ..., 2) view is qubit q; the matrix's high bit is qubits[-1]
            targets = [1 + n - 1 - q for q in reversed(qubits)]
            order = [0, *(a for a in range(1, n + 1) if a not in targets), *targets]
            moved = state.reshape((count,) + (2,) * n).transpose(order).reshape(count, -1, 1 << len(qubits), 1)
            result = function(moved).reshape((count,) + (2,) * n).transpose(np.argsort(order)).reshape(count, -1)
        if shots is None:
            self.state = np.ascontiguousarray(result)
        else:
            self.state[shots] = result
