"""Quantum trajectories (Monte-Carlo wave functions) on the state-vector simulator.

Each shot evolves one state vector. A Pauli or unitary channel picks one of its
operators with its fixed probability, and the pick joins the fused gates around it (so a
trajectory without errors costs what a noiseless run costs, and reuses its cached plan).
A general channel (amplitude damping, thermal relaxation...) picks Kraus operator ``K``
with probability ``||K psi||^2`` from the reduced density matrix of its qubits, one pass
over the state. The average over shots is the density-matrix result, for circuits far
too wide for a density matrix.

>>> from qfusion.circuit import Circuit
>>> from qfusion.noise import NoiseModel, amplitude_damping
>>> model = NoiseModel()
>>> model.add_gate_error(amplitude_damping(0.5), ["x"])
>>> counts, _, _ = sample(Circuit(1).x(0).measure_all(), 1000, noise_model=model, seed=3)
>>> 420 < counts["1"] < 580
True
"""

from __future__ import annotations

import bisect
import itertools
import math

import numpy as np

from qfusion.config import settings
from qfusion.noise.channel import pauli_matrix
from qfusion.sim.kernels import cpu_density_reduce
from qfusion.sim.memory import check_state_fits
from qfusion.sim.noise_plan import ChannelOp, NoisyProgram, lower_noisy
from qfusion.sim.plan import GateOp, check_shots, gate_op
from qfusion.sim.program import Executor, bits_value, counts_from_outcomes, walk, zero_outcomes
from qfusion.sim.statevector import SimulatorOptions, StateVector, StateVectorRun, _set_threads, resolve_dtype

_PARALLEL_QUBITS = 14


class _Trajectory(Executor):
    """One shot: the state, its classical bits, what was erased, and the pending fused segment,
    with the hooks of :func:`qfusion.sim.program.walk` (the layout stays permuted all along)."""

    def __init__(self, program: NoisyProgram, rng, dtype, options, cache, tables: dict):
        data = np.zeros(1 << program.num_qubits, dtype=dtype)
        data[0] = 1
        self.run = StateVectorRun(data, program.num_qubits, rng, np.zeros(program.num_clbits, dtype=np.uint8),
                                  options, cache=cache)
        self.rng = rng
        self.clbits = self.run.clbits
        self.tables = tables
        self.segment: list[GateOp] = []
        self.start: int | tuple = 0
        self.choices: list = []
        self.norm = 1.0  # squared norm of the (unnormalised) state
        self.erasures: list[tuple[int, ...]] = []

    def run_segment(self, ops: list[GateOp], key, keep_layout: bool) -> None:
        self.run.run_gates(ops, key, keep_layout=True)

    def collapse(self, qubit: int, reset: bool) -> int:
        return self.run.measure(qubit, reset)

    def flush(self, index: int | tuple) -> None:
        self._run_pending(_after(index))
        self.normalise()

    def finish(self, end: int) -> None:
        self._run_pending(end)

    def conditioned(self, index: int, op) -> None:
        super().conditioned(index, op)
        if isinstance(op, ChannelOp):  # a conditioned gate's noise: picked and applied here
            self.flush(index)

    def _run_pending(self, end: int | tuple) -> None:
        """Run the segment gathered since op ``start`` (its plan is cached by where it ends and
        which operators the channels in it picked)."""
        self.run.run_gates(self.segment, ("trajectory", self.start, end, tuple(self.choices)), keep_layout=True)
        self.segment, self.choices, self.start = [], [], end

    def normalise(self) -> None:
        if abs(self.norm - 1.0) > 1e-13:
            self.run.data *= 1.0 / math.sqrt(self.norm)
            self.norm = 1.0

    def channel(self, index: int | tuple, op: ChannelOp) -> None:
        channel, tables = op.channel, self.tables
        if channel.is_unitary:
            self.segment.append(_gate(tables, ("unitary", id(channel), op.qubits), channel.kraus[0], op.qubits))
            return
        if channel.mixture is not None:
            self._mixture(index, op, channel.mixture)
            return
        if channel.is_pauli and channel.pauli is not None:
            pick = _pick(tables, channel, self.rng)
            label = channel.pauli[pick][0]
            if set(label) != {"I"}:
                self.segment.append(_gate(tables, ("pauli", label, op.qubits), pauli_matrix(label), op.qubits))
                self.choices.append((index, pick))
            return
        self._run_pending(index)
        positions = np.array([self.run.layout[q] for q in op.qubits], dtype=np.int64)
        reduce = cpu_density_reduce.reduced_density_matrix if self.run.num_qubits >= _PARALLEL_QUBITS \
            else cpu_density_reduce.reduced_density_matrix_serial
        reduced = reduce(self.run.data, positions)
        key = ("effects", id(channel), op.qubits)
        if key not in tables:  # K^dagger K, transposed, over the qubits as the kernel orders them
            tables[key] = np.array([(k.conj().T @ k).T for k in channel.kraus])
        weights = np.maximum((tables[key] * reduced).sum(axis=(1, 2)).real, 0.0)
        cumulative = np.cumsum(weights)
        pick = min(int(np.searchsorted(cumulative, self.rng.random() * cumulative[-1], side="right")),
                   len(weights) - 1)
        # the state stays unnormalised until a measurement needs it: K psi has squared norm weights[pick]
        self.norm = float(weights[pick])
        if pick in channel.heralded:
            self.erasures.append(op.qubits)
        self.segment.append(_gate(tables, ("kraus", id(channel), pick, op.qubits), channel.kraus[pick], op.qubits))
        self.choices.append((index, pick))
        if self.norm < 1e-200:
            self._run_pending(_after(index))
            self.norm = float(np.vdot(self.run.data, self.run.data).real)
            self.normalise()

    def _mixture(self, index: int | tuple, op: ChannelOp, mixture: tuple) -> None:
        """A fixed-probability pick (``mixture``, the channel's): a unitary joins the segment, a reset
        measures (rarely)."""
        tables = self.tables
        pick = _pick(tables, op.channel, self.rng)
        kind, payload = mixture[pick][1]
        if kind.startswith("erased"):
            self.erasures.append(op.qubits)
            kind = kind.replace("erased_", "").replace("erased", "unitary")
        if kind == "unitary":
            identity = tables.get(("identity", id(op.channel), pick))
            if identity is None:
                identity = tables[("identity", id(op.channel), pick)] = np.array_equal(payload, np.eye(len(payload)))
            if not identity:
                self.segment.append(_gate(tables, ("mixture", id(op.channel), pick, op.qubits), payload, op.qubits))
                self.choices.append((index, pick))
            return
        self._run_pending(index)
        self.normalise()
        self.collapse(op.qubits[0], reset=True)
        if payload == 1:
            self.segment.append(_gate(tables, ("x", op.qubits), np.array([[0, 1], [1, 0]]), op.qubits))
            self.choices.append((index, pick))


def _after(index: int | tuple) -> int | tuple:
    """The position after ``index`` (``(body key, i)`` inside a run-time body: ``(body key, i + 1)``)."""
    return index + 1 if isinstance(index, int) else (index[0], index[1] + 1)


def _pick(tables: dict, channel, rng) -> int:
    """An index into the channel's mixture (or Pauli list) drawn with its fixed probabilities."""
    key = ("cumulative", id(channel))
    cumulative = tables.get(key)
    if cumulative is None:
        probabilities = [p for p, _ in channel.mixture] if channel.mixture is not None else \
            [p for _, p in channel.pauli]
        cumulative = tables[key] = list(itertools.accumulate(probabilities))
    return min(bisect.bisect_right(cumulative, rng.random() * cumulative[-1]), len(cumulative) - 1)


def _gate(tables: dict, key, matrix: np.ndarray, qubits) -> GateOp:
    if key not in tables:
        tables[key] = gate_op(matrix, tuple(qubits))
    return tables[key]


def _prepare(circuit, params, noise_model, durations, dtype, options):
    dtype = resolve_dtype(dtype)
    options = options or SimulatorOptions()
    threads = options.num_threads or settings().num_threads
    _set_threads(threads if circuit.num_qubits >= _PARALLEL_QUBITS else 1)
    check_state_fits(circuit.num_qubits, dtype)
    return lower_noisy(circuit, params, noise_model, durations), dtype, options


def simulate(circuit, params=None, *, noise_model=None, durations=None, dtype=np.complex128, seed=None,
             options: SimulatorOptions | None = None) -> StateVector:
    """One trajectory's final (normalised) state vector.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.noise import NoiseModel, amplitude_damping
    >>> model = NoiseModel()
    >>> model.add_gate_error(amplitude_damping(1.0), ["x"])       # always decays: the trajectory ends in |0>
    >>> simulate(Circuit(1).x(0), noise_model=model, seed=3)
    StateVector(1|0>)
    """
    program, dtype, options = _prepare(circuit, params, noise_model, durations, dtype, options)
    trajectory = _Trajectory(program, np.random.default_rng(seed), dtype, options, {}, {})
    walk(program.ops, trajectory)
    trajectory.normalise()
    return StateVector(trajectory.run.data, program.num_qubits, trajectory.run.layout)


def sample(circuit, shots: int, *, params=None, noise_model=None, durations=None, seed=None,
           dtype=np.complex128, memory: bool = False, options: SimulatorOptions | None = None):
    """``(counts, memory or None, metadata)`` from ``shots`` trajectories (one shot each).

    ``metadata["erasures"]`` counts the shots in which an erasure was heralded, per qubit.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.noise import NoiseModel, amplitude_damping
    >>> model = NoiseModel()
    >>> model.add_gate_error(amplitude_damping(0.2), ["x"])
    >>> counts, _, _ = sample(Circuit(1).x(0).measure_all(), 1000, noise_model=model, seed=3)
    >>> sum(counts.values()), 150 < counts["0"] < 250
    (1000, True)
    """
    check_shots(shots)
    program, dtype, options = _prepare(circuit, params, noise_model, durations, dtype, options)
    rng = np.random.default_rng(seed)
    cache: dict = {}
    tables: dict = {}
    outcomes = zero_outcomes(int(shots), program.num_clbits)
    erased_shots = 0
    per_qubit: dict[int, int] = {}
    readout = {op.clbit: op for op in program.readout_errors}
    for shot in range(int(shots)):
        if len(cache) > 4096:  # many distinct error patterns: keep the plans' memory bounded
            cache.clear()
        trajectory = _Trajectory(program, rng, dtype, options, cache, tables)
        walk(program.ops, trajectory)
        value = bits_value(trajectory.clbits)
        if program.terminal_measurements:
            physical = int(cpu_density_reduce.sample_one(trajectory.run.data, rng.random() * trajectory.norm))
            for qubit, clbit in program.terminal_measurements:
                bit = (physical >> trajectory.run.layout[qubit]) & 1
                if clbit in readout:
                    bit = int(readout[clbit].error.apply_to_bits(np.array([bit]), rng)[0])
                value = (value & ~(1 << clbit)) | (bit << clbit)
        outcomes[shot] = value
        if trajectory.erasures:
            erased_shots += 1
            for q in {q for qubits in trajectory.erasures for q in qubits}:
                per_qubit[q] = per_qubit.get(q, 0) + 1
    result, shot_memory = counts_from_outcomes(outcomes, program.num_clbits, memory)
    metadata: dict[str, object] = {"trajectories": int(shots)}
    if erased_shots:
        metadata["erasures"] = {"shots_with_erasure": erased_shots, "shots_per_qubit": per_qubit}
    return result, shot_memory, metadata
