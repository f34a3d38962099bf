"""All the shots of a heralded (repeat-until-success) circuit as one batch of trajectories.

Each shot of a photonic device draws its own number of attempts for every heralded gate
(:mod:`qfusion.backends.heralded`), so each shot runs its own noisy circuit: the failed attempts'
loss and relaxation on the gate's qubits, and longer idle stretches for the spectators, which
wait for them. Rather than building and simulating that circuit once per distinct pattern of
attempts, :func:`sample_heralded` walks one template of it for every shot at once
(:class:`qfusion.sim.batched_trajectories.TrajectoryBatch`): the failed-attempt step of heralded
gate ``g`` repeats for the shots that still need it, and the device's noise model is applied as
:meth:`qfusion.noise.NoiseModel.apply` applies it, with the ASAP schedule kept per shot, so each
idle stretch is the one that shot's circuit has. Each shot is thus a sample of exactly the
distribution the density matrix of its own pattern gives.

A template the batch cannot run (mid-circuit measurements that are read back, conditions, resets)
raises :class:`Unsupported`; the caller then simulates pattern by pattern.

>>> import qfusion as qf
>>> bell = qf.Circuit(2).h(0).cx(0, 1).measure_all()
>>> result = qf.run(bell, backend="photonic", shots=40, seed=1, method="trajectories")
>>> result.metadata["batched_trajectories"], result.counts.get("00", 0) + result.counts.get("11", 0) > 30
(True, True)
"""

from __future__ import annotations

import numpy as np

from qfusion.circuit.gates import Barrier, Gate, Measure
from qfusion.circuit.timing import Delay
from qfusion.noise.channel import NoiseOperation
from qfusion.noise.model import _last_measurements
from qfusion.noise.readout import ReadoutError
from qfusion.sim.batched_trajectories import TrajectoryBatch, batch_shots
from qfusion.sim.plan import gate_ops_of
from qfusion.sim.program import INT64_CLBITS, counts_from_outcomes

#: idle stretches shorter than this are no idle (as :meth:`NoiseModel.apply` has it)
_NO_IDLE = 1e-300


class Unsupported(Exception):  # noqa: N818 - a signal to fall back, never shown to a user
    """The template has something a batch of trajectories with deferred measurements cannot run."""


def sample_heralded(compact, durations, noise_model, attempts: np.ndarray, failed_attempt, rng, *,
                    memory: bool = False, progress=None):
    """``(counts, memory or None, metadata)`` for the shots whose attempt counts are the rows of
    ``attempts`` (``(shots, heralded gates)``).

    ``compact`` is the circuit on its active qubits with one failed attempt (the operation
    ``failed_attempt``, then its noise instructions) before each heralded gate, in the order of the
    columns of ``attempts``; ``durations`` its instruction durations; ``noise_model`` the device's
    (None: noiseless). ``progress(shots)`` is called after each batch.
    """
    steps = _steps(compact, failed_attempt, attempts.shape[1])
    if compact.num_clbits > INT64_CLBITS:
        raise Unsupported
    shots = len(attempts)
    outcomes = np.zeros(shots, dtype=np.int64)
    erased = np.zeros((shots, compact.num_qubits), dtype=bool)
    size = min(batch_shots(compact.num_qubits), 1024)
    for begin in range(0, shots, size):
        chunk = slice(begin, min(begin + size, shots))
        walker = _Walker(compact, durations, noise_model, attempts[chunk], rng)
        walker.run(steps)
        outcomes[chunk] = walker.outcomes()
        erased[chunk] = walker.batch.erased
        if progress is not None:
            progress(chunk.stop - chunk.start)
    counts, shot_memory = counts_from_outcomes(outcomes, compact.num_clbits, memory)
    metadata: dict = {"trajectories": shots}
    if erased.any():
        metadata["erasures"] = {"shots_with_erasure": int(erased.any(axis=1).sum()),
                                "shots_per_qubit": {int(q): int(c) for q, c in enumerate(erased.sum(axis=0)) if c}}
    return counts, shot_memory, metadata


def _steps(compact, failed_attempt, num_heralded: int) -> list:
    """The template as ``(instruction, None)`` and ``(instructions of one failed attempt, gate index)``."""
    steps: list = []
    gate = -1
    for inst in compact.instructions:
        if inst.operation is failed_attempt:
            gate += 1
            steps.append(([inst], gate))
        elif isinstance(inst.operation, NoiseOperation) and steps and steps[-1][1] is not None \
                and set(inst.qubits) <= set(steps[-1][0][0].qubits) and len(steps[-1][0]) <= len(steps[-1][0][0].qubits):
            steps[-1][0].append(inst)   # the failed attempt's loss and relaxation
        else:
            steps.append((inst, None))
    if gate + 1 != num_heralded:
        raise Unsupported
    return steps


class _Walker:
    """One batch of shots through the template: the state, and each shot's schedule (when each
    qubit is next free), as :meth:`NoiseModel.apply` keeps it for one circuit."""

    def __init__(self, compact, durations, noise_model, attempts, rng):
        self.attempts = attempts
        self.model = noise_model
        self.batch = TrajectoryBatch(compact.num_qubits, len(attempts), rng)
        self.rng = rng
        timed = noise_model is not None and noise_model.has_idle_errors and durations is not None
        self.duration_of = (lambda inst: float(durations(inst) or 0.0)) if timed else None
        self.free = np.zeros((len(attempts), compact.num_qubits))
        self.last_measure = _last_measurements(compact)
        self.num_qubits = compact.num_qubits
        self.measured: dict[int, tuple[int, ReadoutError | None]] = {}   # qubit -> (clbit, readout error)
        self._idle: dict = {}

    def run(self, steps) -> None:
        for step, gate in steps:
            if gate is None:
                self.instruction(step, None)
                continue
            failures = self.attempts[:, gate] - 1
            for repeat in range(1, int(failures.max(initial=0)) + 1):
                shots = np.flatnonzero(failures >= repeat)
                for inst in step:
                    self.instruction(inst, shots)
        if self.duration_of is not None:
            end = self.free.max(axis=1)
            for q in range(self.num_qubits):
                if self.last_measure.get(q) is None:
                    self.idle(q, end - self.free[:, q], None)

    def instruction(self, inst, shots) -> None:
        op = inst.operation
        qubits = tuple(inst.qubits)
        if inst.condition is not None:
            raise Unsupported
        if self.duration_of is not None:
            rows = slice(None) if shots is None else shots
            free = self.free[rows][:, list(qubits)] if qubits else np.zeros((self._count(shots), 0))
            start = free.max(axis=1, initial=0.0)
            for j, q in enumerate(qubits):
                self.idle(q, start - free[:, j], shots)
            length = op.seconds() if isinstance(op, Delay) else 0.0 if isinstance(op, Barrier) \
                else self.duration_of(inst)
            for q in qubits:
                self.free[rows, q] = start + length
        if isinstance(op, Delay) and self.model is not None and self.model.has_idle_errors:
            for q in qubits:
                self.idle(q, np.full(self._count(shots), op.seconds()), shots)
        if isinstance(op, Barrier):
            return
        if isinstance(op, NoiseOperation):
            self._touch(qubits)
            self.batch.channel(op.channel, qubits, shots)
            return
        channels = self.model.gate_errors(op.name, qubits) if self.model is not None else ()
        if isinstance(op, Measure):
            self._errors(channels, qubits, shots)
            self._measure(inst)
            return
        if not isinstance(op, Gate):
            raise Unsupported   # resets, run-time classical operations
        self._touch(qubits)
        for piece in gate_ops_of(op, qubits):
            self.batch.gate(piece.matrix, piece.qubits, shots)
        self._errors(channels, qubits, shots)

    def idle(self, qubit: int, lengths: np.ndarray, shots) -> None:
        """The idle error of ``qubit`` for each shot's own idle stretch ``lengths``."""
        values, inverse = np.unique(lengths, return_inverse=True)
        selected = np.arange(self._count(shots)) if shots is None else np.asarray(shots)
        for k, length in enumerate(values):
            if not length > _NO_IDLE:
                continue
            key = (qubit, float(length))
            if key not in self._idle:
                self._idle[key] = self.model.idle_error(qubit, float(length))
            channel = self._idle[key]
            if channel is None:
                continue
            self._touch((qubit,))
            self.batch.channel(channel, (qubit,), selected[inverse.reshape(-1) == k])

    def outcomes(self) -> np.ndarray:
        """Each shot's integer outcome (bit j = clbit j): the deferred measurements, read out."""
        basis = self.batch.sample()
        outcomes = np.zeros(len(basis), dtype=np.int64)
        for qubit, (clbit, error) in self.measured.items():
            bits = (basis >> qubit) & 1
            if error is not None:
                bits = error.apply_to_bits(bits, self.rng)
            outcomes = (outcomes & ~(1 << clbit)) | (bits.astype(np.int64) << clbit)
        return outcomes

    def _errors(self, channels, qubits, shots) -> None:
        for channel in channels:
            if channel.num_qubits == len(qubits):
                self.batch.channel(channel, qubits, shots)
            elif channel.num_qubits == 1:
                for q in qubits:
                    self.batch.channel(channel, (q,), shots)
            else:
                raise Unsupported   # NoiseModel.apply raises its own error for this

    def _measure(self, inst) -> None:
        qubit, clbit = inst.qubits[0], inst.clbits[0]
        if qubit in self.measured or clbit in {c for c, _ in self.measured.values()}:
            raise Unsupported   # measured twice, or a bit overwritten: not a deferred measurement
        error = self.model.readout_error(qubit) if self.model is not None else None
        self.measured[qubit] = (clbit, error)

    def _touch(self, qubits) -> None:
        if any(q in self.measured for q in qubits):
            raise Unsupported   # a qubit acted on after its measurement

    def _count(self, shots) -> int:
        return len(self.attempts) if shots is None else len(shots)
