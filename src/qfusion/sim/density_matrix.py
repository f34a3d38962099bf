"""The density-matrix simulator: exact noisy simulation of up to ~14 qubits.

The density matrix is held as its Pauli components, a real vector of ``4^n`` entries seen
as a ``2n``-qubit vector (see :mod:`qfusion.sim.density_ops`): every gate and channel is a
real transfer matrix on the bits of its qubits, fused and applied in cache-sized sweeps by
the state-vector kernels; expectation values of Pauli sums are look-ups.

>>> from qfusion.circuit import Circuit
>>> from qfusion.noise import NoiseModel, depolarizing
>>> model = NoiseModel()
>>> model.add_gate_error(depolarizing(0.1, 2), ["cx"])
>>> rho = simulate(Circuit(2).h(0).cx(0, 1), noise_model=model)
>>> round(rho.purity(), 4), round(rho.expectation_value("ZZ"), 4)
(0.8575, 0.9)
>>> counts, _, _ = sample(Circuit(2).h(0).cx(0, 1).measure_all(), 1000, noise_model=model, seed=2)
>>> sorted(counts)
['00', '01', '10', '11']
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from qfusion.config import settings
from qfusion.errors import CircuitError
from qfusion.noise.channel import Channel
from qfusion.sim.density_ops import lower_segment
from qfusion.sim.density_state import DensityMatrix, bitstrings, sample_probabilities
from qfusion.sim.fusion import MAX_DIAGONAL_QUBITS, MAX_FUSED_QUBITS, BitSwap, fuse, restore_layout, schedule
from qfusion.sim.kernels import cpu_sweep
from qfusion.sim.lanes import pack
from qfusion.sim.memory import check_state_fits
from qfusion.sim.noise_plan import ChannelOp, NoisyProgram, ReadoutOp, lower_noisy
from qfusion.sim.plan import ConditionalOp, GateOp, MeasureOp, ResetOp

_PARALLEL_QUBITS = 7  # 2n >= 14 index bits: threads pay off
DTYPES = {"complex128": np.float64, "complex64": np.float32}  # the Pauli components are real


@dataclass(frozen=True)
class DensityMatrixOptions:
    """Tuning knobs of the density-matrix simulator (sweeps over ``2**local_qubits`` entries)."""
    max_fused_qubits: int = MAX_FUSED_QUBITS
    max_diagonal_qubits: int = MAX_DIAGONAL_QUBITS
    local_qubits: int = 18  # a row and a column bit per qubit: larger chunks than the state vector's
    num_threads: int | None = None


@dataclass
class _Run:
    data: np.ndarray
    num_qubits: int
    rng: np.random.Generator
    clbits: np.ndarray
    options: DensityMatrixOptions
    layout: tuple[int, ...] = ()
    cache: dict = field(default_factory=dict)
    erasures: list = field(default_factory=list)

    def __post_init__(self):
        if not self.layout:
            self.layout = tuple(range(2 * self.num_qubits))


def _resolve_dtype(dtype) -> type:
    key = np.dtype(dtype).name if not isinstance(dtype, str) else dtype
    if key not in DTYPES:
        raise CircuitError(f"dtype must be complex128 or complex64, got {dtype!r}")
    return DTYPES[key]


def _new_density_matrix(num_qubits: int, dtype) -> np.ndarray:
    """``|0...0><0...0|``: Tr(P rho) = 1 for the Paulis made of I and Z, 0 for the others."""
    check_state_fits(2 * num_qubits, dtype, what="density matrix")
    data = np.zeros(1 << (2 * num_qubits), dtype=dtype)
    data[::(1 << num_qubits) + 1] = 1
    return data


def _set_threads(num_qubits: int, options: DensityMatrixOptions) -> None:
    import numba
    threads = options.num_threads or settings().num_threads
    threads = threads if num_qubits >= _PARALLEL_QUBITS else 1
    numba.set_num_threads(max(1, min(threads, numba.config.NUMBA_NUM_THREADS)))


def _run_gates(run: _Run, ops: list, key, keep_layout: bool) -> None:
    """Lower, fuse, schedule and sweep gates, channels and resets on the ``2n``-bit vector
    (plans cached under ``key``)."""
    if not ops:
        if not keep_layout:
            _restore(run)
        return
    bits = 2 * run.num_qubits
    cached = run.cache.get(key) if key is not None else None
    if cached is None or cached[0] != run.layout:
        ops = lower_segment(ops, run.num_qubits)
        fused = fuse(ops, run.options.max_fused_qubits, run.options.max_diagonal_qubits)
        widest = max(op.num_qubits for op in fused)  # every bit an op mixes must fit in a chunk
        local = min(bits, max(run.options.local_qubits, widest))
        if local < bits:  # light-cone order: gates on disjoint bits slide together into fewer sweeps
            fused = [op for packed in pack(fused, bits, local) for op in packed.ops]
        with warnings.catch_warnings():  # the transfer matrices are real; their complex zeros are dropped
            warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
            plan = schedule(fused, bits, local, run.data.dtype, run.layout)
        steps, layout = list(plan.steps), plan.layout
        if not keep_layout:
            steps += restore_layout(layout)
            layout = tuple(range(bits))
        cached = (run.layout, steps, layout)
        if key is not None:
            run.cache[key] = cached
    _, steps, layout = cached
    for step in steps:
        if isinstance(step, BitSwap):
            cpu_sweep.swap_bit_positions(run.data, step.first, step.second)
        else:
            cpu_sweep.sweep(run.data, step.local_qubits, *step.arrays)
    run.layout = layout


def _restore(run: _Run) -> None:
    for step in restore_layout(run.layout):
        cpu_sweep.swap_bit_positions(run.data, step.first, step.second)
    run.layout = tuple(range(2 * run.num_qubits))


_PROJECTORS: dict = {}


def _measure(run: _Run, qubit: int) -> int:
    """Measure with the layout in order: P(1) = (Tr rho - Tr(Z_q rho)) / 2, then project."""
    n = run.num_qubits
    z = float(run.data[(1 << qubit) | (1 << (qubit + n))])
    p_one = min(max((float(run.data[0]) - z) / 2 / float(run.data[0]), 0.0), 1.0)
    outcome = int(run.rng.random() < p_one)
    p = p_one if outcome else 1.0 - p_one
    key = ("projector", qubit, outcome)
    if key not in _PROJECTORS:
        projector = np.zeros((2, 2))
        projector[outcome, outcome] = 1
        _PROJECTORS[key] = ChannelOp((qubit,), Channel((projector,), 1, "projector"))
    _run_gates(run, [_PROJECTORS[key]], key, keep_layout=False)
    run.data *= 1 / p
    return outcome


_HERALDS: dict = {}


def _herald(channel: Channel) -> tuple[np.ndarray, float | None]:
    """``(sum of K^dagger K over the heralded K, its probability if the same for every state)``."""
    if channel.key not in _HERALDS:
        if len(_HERALDS) > 4096:
            _HERALDS.clear()
        herald = sum(channel.kraus[i].conj().T @ channel.kraus[i] for i in channel.heralded)
        scale = float(herald[0, 0].real)
        fixed = np.abs(herald - scale * np.eye(herald.shape[0])).max() < 1e-12
        _HERALDS[channel.key] = (herald, scale if fixed else None)
    return _HERALDS[channel.key]


def _record_herald(run: _Run, op: ChannelOp) -> None:
    """Probability that the heralded Kraus operators fire here (state-dependent in general: the
    pending segment has then been applied, see :func:`_execute`)."""
    herald, probability = _herald(op.channel)
    if probability is None:
        _restore(run)
        state = DensityMatrix(run.data, run.num_qubits)
        probability = float(np.trace(herald @ state.reduced(op.qubits)).real)
    run.erasures.append((op.qubits, float(probability)))


def _execute(run: _Run, program: NoisyProgram, start: int = 0) -> None:
    """Run ``program.ops[start:]``: gates and channels in fused segments, the rest one by one."""
    segment: list = []
    for index in range(start, len(program.ops)):
        op = program.ops[index]
        if isinstance(op, ChannelOp) and op.channel.is_heralded:
            if _herald(op.channel)[1] is None:  # a state-dependent herald reads the state here
                _run_gates(run, segment, ("segment", index), keep_layout=True)
                segment = []
            _record_herald(run, op)
        if isinstance(op, (GateOp, ChannelOp, ResetOp)):
            segment.append(op)
            continue
        _run_gates(run, segment, ("segment", index), keep_layout=False)
        segment = []
        if isinstance(op, ConditionalOp):
            value = sum(int(run.clbits[b]) << j for j, b in enumerate(op.clbits))
            if value != op.value:
                continue
            op = op.op
            if not isinstance(op, MeasureOp):
                _run_gates(run, [op], ("conditional", index), keep_layout=False)
                continue
        if isinstance(op, MeasureOp):
            run.clbits[op.clbit] = _measure(run, op.qubit)
        elif isinstance(op, ReadoutOp):
            bit = int(run.clbits[op.clbit])
            run.clbits[op.clbit] = int(op.error.apply_to_bits(np.array([bit]), run.rng)[0])
    _run_gates(run, segment, ("segment", len(program.ops)), keep_layout=False)


def _prepare(circuit, params, noise_model, durations, dtype, options):
    options = options or DensityMatrixOptions()
    dtype = _resolve_dtype(dtype)
    check_state_fits(2 * circuit.num_qubits, dtype, what="density matrix")
    _set_threads(circuit.num_qubits, options)
    return lower_noisy(circuit, params, noise_model, durations), dtype, options


def _erasure_metadata(erasures: list) -> dict:
    per_qubit: dict[int, float] = {}
    none = 1.0
    for qubits, p in erasures:
        for q in qubits:
            per_qubit[q] = per_qubit.get(q, 0.0) + p
        none *= 1 - p
    return {"expected_per_qubit": per_qubit, "probability_any": 1 - none, "events": len(erasures)}


def simulate(circuit, params=None, *, noise_model=None, durations=None, dtype=np.complex128, seed=None,
             options: DensityMatrixOptions | None = None) -> DensityMatrix:
    """The final density matrix of ``circuit`` under ``noise_model`` (and channels in the circuit).

    Mid-circuit measurements collapse at random (seeded); readout errors change only the
    recorded bits, not the state.
    """
    program, dtype, options = _prepare(circuit, params, noise_model, durations, dtype, options)
    run = _Run(_new_density_matrix(program.num_qubits, dtype), program.num_qubits, np.random.default_rng(seed),
               np.zeros(program.num_clbits, dtype=np.uint8), options)
    _execute(run, program)
    metadata = {"erasures": _erasure_metadata(run.erasures)} if run.erasures else {}
    return DensityMatrix(run.data, program.num_qubits, metadata)


def sample(circuit, shots: int, *, params=None, noise_model=None, durations=None, seed=None,
           dtype=np.complex128, memory: bool = False, options: DensityMatrixOptions | None = None):
    """``(counts, memory or None, metadata)`` for ``shots`` shots of ``circuit`` under ``noise_model``.

    With terminal measurements one density matrix gives every shot; otherwise the shots
    run one by one from the first measurement on.
    """
    if int(shots) != shots or shots < 1:
        raise CircuitError(f"shots must be a positive integer, got {shots!r}")
    program, dtype, options = _prepare(circuit, params, noise_model, durations, dtype, options)
    rng = np.random.default_rng(seed)
    if program.terminal_measurements is not None:
        outcomes, erasures = _sample_terminal(program, int(shots), rng, dtype, options)
    else:
        outcomes, erasures = _sample_shots(program, int(shots), rng, dtype, options)
    keys = bitstrings(outcomes, program.num_clbits)
    values, counts = np.unique(keys, return_counts=True)
    result = {str(v): int(c) for v, c in zip(values, counts)}
    metadata = {"erasures": _erasure_metadata(erasures)} if erasures else {}
    return result, ([str(k) for k in keys] if memory else None), metadata


def _sample_terminal(program: NoisyProgram, shots: int, rng, dtype, options):
    run = _Run(_new_density_matrix(program.num_qubits, dtype), program.num_qubits, rng,
               np.zeros(program.num_clbits, dtype=np.uint8), options)
    _execute(run, program)
    outcomes = np.zeros(shots, dtype=np.int64)
    if not program.terminal_measurements:
        return outcomes, run.erasures
    indices = sample_probabilities(DensityMatrix(run.data, program.num_qubits).probabilities(), shots, rng)
    readout = {op.clbit: op for op in program.readout_errors}
    for qubit, clbit in program.terminal_measurements:
        bit = (indices >> qubit) & 1
        if clbit in readout:
            bit = readout[clbit].error.apply_to_bits(bit, rng)
        outcomes = (outcomes & ~(1 << clbit)) | (bit << clbit)
    return outcomes, run.erasures


def _sample_shots(program: NoisyProgram, shots: int, rng, dtype, options):
    first = next(i for i, op in enumerate(program.ops) if isinstance(op, (MeasureOp, ConditionalOp, ReadoutOp)))
    base = _Run(_new_density_matrix(program.num_qubits, dtype), program.num_qubits, rng,
                np.zeros(program.num_clbits, dtype=np.uint8), options)
    prefix = NoisyProgram(program.num_qubits, program.num_clbits, program.ops[:first], None)
    _execute(base, prefix)
    check_state_fits(2 * program.num_qubits, dtype, copies=3, what="density matrix")
    outcomes = np.zeros(shots, dtype=np.int64)
    erasures = list(base.erasures)
    for shot in range(shots):
        run = _Run(base.data.copy(), program.num_qubits, rng, np.zeros(program.num_clbits, dtype=np.uint8),
                   options, cache=base.cache)
        _execute(run, program, first)
        if shot == 0:
            erasures += run.erasures  # the expected erasures of the first shot's branch
        outcomes[shot] = sum(int(b) << j for j, b in enumerate(run.clbits))
    return outcomes, erasures
