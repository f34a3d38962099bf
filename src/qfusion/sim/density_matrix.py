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
from typing import cast

import numpy as np

from qfusion.config import settings
from qfusion.errors import CircuitError
from qfusion.noise.channel import Channel
from qfusion.sim.density_ops import lower_segment
from qfusion.sim.density_state import DensityMatrix, sample_probabilities
from qfusion.sim.fusion import (
    MAX_DIAGONAL_QUBITS,
    MAX_FUSED_QUBITS,
    BitSwap,
    cached_steps,
    fuse,
    restore_layout,
    schedule,
)
from qfusion.sim.kernels import cpu_sweep
from qfusion.sim.lanes import pack
from qfusion.sim.memory import check_state_fits, fits
from qfusion.sim.noise_plan import ChannelOp, NoisyProgram, ReadoutOp, lower_noisy
from qfusion.sim.plan import ConditionalOp, MeasureOp, ResetOp, check_shots
from qfusion.sim.program import (
    BranchingExecutor,
    Executor,
    Shots,
    bits_value,
    counts_from_outcomes,
    place_bits,
    terminal_tail,
    walk,
    zero_outcomes,
)

_PARALLEL_QUBITS = 7  # 2n >= 14 index bits: threads pay off
DTYPES = {"complex128": np.float64, "complex64": np.float32}  # the Pauli components are real


@dataclass(frozen=True)
class DensityMatrixOptions:
    """Tuning knobs of the density-matrix simulator (sweeps over ``2**local_qubits`` entries).

    >>> from qfusion.circuit import Circuit
    >>> options = DensityMatrixOptions(local_qubits=4, num_threads=1)
    >>> simulate(Circuit(3).h(0).cx(0, 1).cx(1, 2), options=options).probabilities().round(6).tolist()
    [0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5]
    """
    max_fused_qubits: int = MAX_FUSED_QUBITS
    max_diagonal_qubits: int = MAX_DIAGONAL_QUBITS
    local_qubits: int = 18  # a row and a column bit per qubit: larger chunks than the state vector's
    num_threads: int | None = None


@dataclass
class DensityRun:
    """One density matrix in flight: its data, the random state, the recorded bits and plan cache.

    Only the methods touch ``data``; :mod:`qfusion.sim.gpu.density_matrix` subclasses this with
    device data and the CUDA kernels, and shares everything else here (the plan is the same).

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim.noise_plan import lower_noisy
    >>> ground = np.array([1.0, 0.0, 0.0, 1.0])            # |0><0|: Tr(I rho) = Tr(Z rho) = 1
    >>> run = DensityRun(ground, 1, np.random.default_rng(0), np.zeros(0, np.uint8), DensityMatrixOptions())
    >>> run.run_gates(list(lower_noisy(Circuit(1).x(0)).ops), None, keep_layout=False)
    >>> run.state().probabilities().tolist()
    [0.0, 1.0]
    """
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

    def run_gates(self, ops: list, key, keep_layout: bool) -> None:
        """Lower, fuse, schedule and sweep gates, channels and resets on the ``2n``-bit vector
        (plans cached under ``key``).

        >>> from qfusion.circuit import Circuit
        >>> from qfusion.sim.noise_plan import lower_noisy
        >>> ground = np.array([1.0, 0.0, 0.0, 1.0])            # |0><0|: Tr(I rho) = Tr(Z rho) = 1
        >>> run = DensityRun(ground, 1, np.random.default_rng(0), np.zeros(0, np.uint8), DensityMatrixOptions())
        >>> run.run_gates(list(lower_noisy(Circuit(1).h(0)).ops), "h", keep_layout=False)
        >>> run.data.round(6).tolist()                        # |+><+|: Tr(X rho) = 1
        [1.0, 1.0, 0.0, 0.0]
        """
        if not ops:
            if not keep_layout:
                self.restore()
            return
        steps, layout = cached_steps(self.cache, key, self.layout, keep_layout, self._plan, ops)
        for step in steps:
            if isinstance(step, BitSwap):
                cpu_sweep.swap_bit_positions(self.data, step.first, step.second)
            else:
                cpu_sweep.sweep(self.data, step.local_qubits, *step.arrays)
        self.layout = layout

    def _plan(self, ops: list) -> tuple[list, tuple[int, ...]]:
        """The sweeps of ``ops`` from the current layout, and the layout they leave."""
        bits = 2 * self.num_qubits
        ops = lower_segment(ops, self.num_qubits)
        fused = fuse(ops, self.options.max_fused_qubits, self.options.max_diagonal_qubits)
        widest = max((op.num_qubits for op in fused), default=0)  # every bit an op mixes must fit in a chunk
        local = min(bits, max(self.options.local_qubits, widest))
        if local < bits:  # light-cone order: gates on disjoint bits slide together into fewer sweeps
            fused = [op for packed in pack(fused, bits, local) for op in packed.ops]
        with warnings.catch_warnings():  # the transfer matrices are real; their complex zeros are dropped
            warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
            plan = schedule(fused, bits, local, self.data.dtype, self.layout)
        return list(plan.steps), plan.layout

    def restore(self) -> None:
        """Bring the index bits back to qubit order (sweeps may leave them permuted).

        >>> from qfusion.circuit import Circuit
        >>> from qfusion.sim.noise_plan import lower_noisy
        >>> ground = np.array([1.0, 0.0, 0.0, 1.0])            # |0><0|: Tr(I rho) = Tr(Z rho) = 1
        >>> run = DensityRun(ground, 1, np.random.default_rng(0), np.zeros(0, np.uint8), DensityMatrixOptions())
        >>> run.restore()
        >>> run.layout
        (0, 1)
        """
        for step in restore_layout(self.layout):
            cpu_sweep.swap_bit_positions(self.data, step.first, step.second)
        self.layout = tuple(range(2 * self.num_qubits))

    def state(self) -> DensityMatrix:
        """The data as a :class:`DensityMatrix` (no copy; the layout must be in qubit order).

        >>> from qfusion.circuit import Circuit
        >>> from qfusion.sim.noise_plan import lower_noisy
        >>> ground = np.array([1.0, 0.0, 0.0, 1.0])            # |0><0|: Tr(I rho) = Tr(Z rho) = 1
        >>> run = DensityRun(ground, 1, np.random.default_rng(0), np.zeros(0, np.uint8), DensityMatrixOptions())
        >>> run.state().expectation_value("Z")
        1.0
        """
        return DensityMatrix(self.data, self.num_qubits)

    def scale(self, factor: float) -> None:
        """Multiply the data by ``factor``.

        >>> from qfusion.circuit import Circuit
        >>> from qfusion.sim.noise_plan import lower_noisy
        >>> ground = np.array([1.0, 0.0, 0.0, 1.0])            # |0><0|: Tr(I rho) = Tr(Z rho) = 1
        >>> run = DensityRun(ground, 1, np.random.default_rng(0), np.zeros(0, np.uint8), DensityMatrixOptions())
        >>> run.scale(0.25)                                  # an unnormalised branch of a post-selection
        >>> run.state().trace()
        0.25
        """
        self.data *= factor

    def check_forks_fit(self) -> None:
        """Raise unless the shots' copies of the data fit beside it (one in use, one being freed).

        >>> from qfusion.circuit import Circuit
        >>> from qfusion.sim.noise_plan import lower_noisy
        >>> ground = np.array([1.0, 0.0, 0.0, 1.0])            # |0><0|: Tr(I rho) = Tr(Z rho) = 1
        >>> run = DensityRun(ground, 1, np.random.default_rng(0), np.zeros(0, np.uint8), DensityMatrixOptions())
        >>> run.check_forks_fit()                           # one qubit: nothing to refuse
        """
        check_state_fits(2 * self.num_qubits, self.data.dtype, copies=3, what="density matrix")

    def fork(self) -> DensityRun:
        """A copy of the data with fresh bits and erasures, sharing the random state and plan cache.

        >>> from qfusion.circuit import Circuit
        >>> from qfusion.sim.noise_plan import lower_noisy
        >>> ground = np.array([1.0, 0.0, 0.0, 1.0])            # |0><0|: Tr(I rho) = Tr(Z rho) = 1
        >>> run = DensityRun(ground, 1, np.random.default_rng(0), np.zeros(0, np.uint8), DensityMatrixOptions())
        >>> copy = run.fork()
        >>> copy.data is run.data, np.array_equal(copy.data, run.data), copy.cache is run.cache
        (False, True, True)
        """
        return type(self)(self.data.copy(), self.num_qubits, self.rng, np.zeros_like(self.clbits), self.options,
                          cache=self.cache)

    def branch(self) -> DensityRun:
        """A fork that stays valid beside other forks (a branch of :func:`_sample_branches`).

        >>> from qfusion.circuit import Circuit
        >>> from qfusion.sim.noise_plan import lower_noisy
        >>> ground = np.array([1.0, 0.0, 0.0, 1.0])            # |0><0|: Tr(I rho) = Tr(Z rho) = 1
        >>> run = DensityRun(ground, 1, np.random.default_rng(0), np.zeros(0, np.uint8), DensityMatrixOptions())
        >>> other = run.branch()
        >>> other.data[3] = -1.0                                # changing the branch leaves the run alone
        >>> float(run.data[3])
        1.0
        """
        return self.fork()

    def branches_fit(self, copies: int) -> bool:
        """Whether ``copies`` more density matrices fit beside this one.

        >>> from qfusion.circuit import Circuit
        >>> from qfusion.sim.noise_plan import lower_noisy
        >>> ground = np.array([1.0, 0.0, 0.0, 1.0])            # |0><0|: Tr(I rho) = Tr(Z rho) = 1
        >>> run = DensityRun(ground, 1, np.random.default_rng(0), np.zeros(0, np.uint8), DensityMatrixOptions())
        >>> run.branches_fit(16)
        True
        """
        return fits(check_state_fits, 2 * self.num_qubits, self.data.dtype, copies=1 + copies, what="density matrix")


def real_dtype(dtype) -> type:
    """The real dtype of the Pauli components for a complex ``dtype`` (complex128 -> float64).

    >>> real_dtype(np.complex64), real_dtype("complex128")
    (<class 'numpy.float32'>, <class 'numpy.float64'>)
    >>> real_dtype(np.float64)
    Traceback (most recent call last):
        ...
    qfusion.errors.CircuitError: dtype must be complex128 or complex64, got <class 'numpy.float64'>
    """
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


def _measure(run: DensityRun, qubit: int) -> int:
    """Measure with the layout in order: draw the outcome, then project."""
    p_one = _probability_one(run, qubit)
    outcome = int(run.rng.random() < p_one)
    _project(run, qubit, outcome, p_one if outcome else 1.0 - p_one)
    return outcome


def _probability_one(run: DensityRun, qubit: int) -> float:
    """P(1) = (Tr rho - Tr(Z_q rho)) / 2 / Tr rho, with the layout in order."""
    n = run.num_qubits
    trace, z = run.state().components([0, (1 << qubit) | (1 << (qubit + n))])
    return min(max((trace - z) / 2 / trace, 0.0), 1.0)


def _project(run: DensityRun, qubit: int, outcome: int, probability: float) -> None:
    """Project ``qubit`` onto ``outcome`` (which had ``probability``) and renormalise."""
    key = ("projector", qubit, outcome)
    if key not in _PROJECTORS:
        projector = np.zeros((2, 2))
        projector[outcome, outcome] = 1
        _PROJECTORS[key] = ChannelOp((qubit,), Channel((projector,), 1, "projector"))
    run.run_gates([_PROJECTORS[key]], key, keep_layout=False)
    run.scale(1 / probability)


_PROJECTORS: dict = {}
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


def _record_herald(run: DensityRun, op: ChannelOp) -> None:
    """Probability that the heralded Kraus operators fire here (state-dependent in general: the
    pending segment has then been applied, see :meth:`_Executor.channel`)."""
    herald, probability = _herald(op.channel)
    if probability is None:
        run.restore()
        probability = float(np.trace(herald @ run.state().reduced(op.qubits)).real)
    run.erasures.append((op.qubits, float(probability)))


class _Executor(Executor):
    """The density matrix's hooks for :func:`qfusion.sim.program.walk`: channels and resets join
    the fused segments (a reset is a channel here), readout errors wait for them, a conditioned op
    runs alone (a conditioned heralded channel records its herald first), and the layout ends in
    qubit order."""

    def __init__(self, run: DensityRun):
        self.run, self.clbits, self.rng, self.segment = run, run.clbits, run.rng, []

    def run_segment(self, ops: list, key, keep_layout: bool) -> None:
        self.run.run_gates(ops, key, keep_layout)

    def collapse(self, qubit: int, reset: bool) -> int:
        return _measure(self.run, qubit)

    def channel(self, index: int | tuple, op: ChannelOp) -> None:
        if op.channel.is_heralded:
            if _herald(op.channel)[1] is None:  # a state-dependent herald reads the state here
                self.run_segment(self.segment, ("segment", index), keep_layout=True)
                self.segment = []
            _record_herald(self.run, op)
        self.segment.append(op)

    def reset(self, index: int, op: ResetOp) -> None:
        self.segment.append(op)

    def readout(self, index: int, op: ReadoutOp) -> None:
        self.flush(index)
        super().readout(index, op)

    def conditioned(self, index: int, op) -> None:
        if isinstance(op, ChannelOp) and op.channel.is_heralded:  # the segment is flushed: read the state
            _record_herald(self.run, op)
        self.run_segment([op], ("conditional", index), keep_layout=False)

    def finish(self, end: int) -> None:
        self.run_segment(self.segment, ("segment", end), keep_layout=False)


def execute(run: DensityRun, program: NoisyProgram, start: int = 0) -> None:
    """Run ``program.ops[start:]``: gates and channels in fused segments, the rest one by one.

    >>> from qfusion.circuit import Circuit
    >>> program = lower_noisy(Circuit(1).x(0))
    >>> run = _new_run(program, np.random.default_rng(0), np.float64, DensityMatrixOptions())
    >>> execute(run, program)
    >>> run.state().expectation_value("Z")
    -1.0
    """
    walk(program.ops, _Executor(run), start)


class _Branch(BranchingExecutor, _Executor):
    """The density matrix's hooks for many shots at once (:class:`~qfusion.sim.program.BranchingExecutor`):
    a branch is a run of its own, and its expected erasures are those recorded on its way."""

    def probability_one(self, qubit: int) -> float:
        return _probability_one(self.run, qubit)

    def project(self, qubit: int, outcome: int, probability: float) -> None:
        _project(self.run, qubit, outcome, probability)

    def split(self, moving: np.ndarray) -> _Branch:
        run = self.run.branch()
        run.erasures = list(self.run.erasures)
        branch = _Branch(run)
        branch.start(self.shots, self.indices[moving], self.bits[moving])
        return branch

    def sample(self, count: int) -> np.ndarray:
        self.run.restore()
        return sample_probabilities(self.run.state().probabilities(), count, self.rng)


def _prepare(circuit, params, noise_model, durations, dtype, options):
    options = options or DensityMatrixOptions()
    dtype = real_dtype(dtype)
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


def metadata(run: DensityRun) -> dict:
    """What a simulation records beside the state: the expected erasures, when any channel heralds.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.sim.noise_plan import lower_noisy
    >>> ground = np.array([1.0, 0.0, 0.0, 1.0])            # |0><0|: Tr(I rho) = Tr(Z rho) = 1
    >>> run = DensityRun(ground, 1, np.random.default_rng(0), np.zeros(0, np.uint8), DensityMatrixOptions())
    >>> metadata(run)                                    # nothing heralded
    {}
    """
    return {"erasures": _erasure_metadata(run.erasures)} if run.erasures else {}


def simulate(circuit, params=None, *, noise_model=None, durations=None, dtype=np.complex128, seed=None,
             options: DensityMatrixOptions | None = None) -> DensityMatrix:
    """The final density matrix of ``circuit`` under ``noise_model`` (and channels in the circuit).

    Mid-circuit measurements collapse at random (seeded); readout errors change only the
    recorded bits, not the state.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.noise import NoiseModel, amplitude_damping
    >>> model = NoiseModel()
    >>> model.add_gate_error(amplitude_damping(0.2), ["x"])
    >>> simulate(Circuit(1).x(0), noise_model=model).probabilities().round(6).tolist()   # 20% decays back to |0>
    [0.2, 0.8]
    """
    program, dtype, options = _prepare(circuit, params, noise_model, durations, dtype, options)
    run = _new_run(program, np.random.default_rng(seed), dtype, options)
    execute(run, program)
    return DensityMatrix(run.data, program.num_qubits, metadata(run))


def _new_run(program: NoisyProgram, rng, dtype, options) -> DensityRun:
    return DensityRun(_new_density_matrix(program.num_qubits, dtype), program.num_qubits, rng,
                np.zeros(program.num_clbits, dtype=np.uint8), options)


def sample(circuit, shots: int, *, params=None, noise_model=None, durations=None, seed=None,
           dtype=np.complex128, memory: bool = False, options: DensityMatrixOptions | None = None):
    """``(counts, memory or None, metadata)`` for ``shots`` shots of ``circuit`` under ``noise_model``.

    With terminal measurements one density matrix gives every shot; otherwise the shots run
    together, the density matrix forking where their mid-circuit outcomes part.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.noise import NoiseModel, amplitude_damping
    >>> model = NoiseModel()
    >>> model.add_gate_error(amplitude_damping(0.2), ["x"])
    >>> counts, memory, _ = sample(Circuit(1).x(0).measure_all(), 1000, noise_model=model, seed=1)
    >>> 150 < counts["0"] < 250, memory
    (True, None)
    """
    check_shots(shots)
    program, dtype, options = _prepare(circuit, params, noise_model, durations, dtype, options)
    return sample_program(program, int(shots), lambda rng: _new_run(program, rng, dtype, options),
                          np.random.default_rng(seed), memory, branches=True)


def sample_program(program: NoisyProgram, shots: int, new_run, rng, memory: bool, branches: bool = False):
    """``(counts, memory or None, metadata)`` of a lowered program; ``new_run(rng)`` makes the
    ``|0><0|`` run it starts from (on the CPU here, on the device in :mod:`.gpu.density_matrix`).

    Mid-circuit measurements: with ``branches`` the shots run together and part where their outcomes do
    (:func:`_sample_branches`); otherwise, or when the copies that needs do not fit, one by one
    from the first measurement on.

    >>> from qfusion.circuit import Circuit
    >>> program = lower_noisy(Circuit(2).x(1).measure_all())
    >>> new_run = lambda rng: _new_run(program, rng, np.float64, DensityMatrixOptions())
    >>> sample_program(program, 5, new_run, np.random.default_rng(1), memory=False)
    ({'10': 5}, None, {})
    """
    run = new_run(rng)
    if program.terminal_measurements is not None:
        outcomes, erasures = _sample_terminal(program, shots, run)
    elif branches and run.branches_fit(shots.bit_length()):  # one copy per level of splits
        outcomes, erasures = _sample_branches(program, shots, run)
    else:
        outcomes, erasures = _sample_shots(program, shots, run)
    result, shot_memory = counts_from_outcomes(outcomes, program.num_clbits, memory)
    recorded = {"erasures": _erasure_metadata(erasures)} if erasures else {}
    return result, shot_memory, recorded


def _sample_terminal(program: NoisyProgram, shots: int, run: DensityRun):
    execute(run, program)
    outcomes = zero_outcomes(shots, program.num_clbits)
    if not program.terminal_measurements:
        return outcomes, run.erasures
    indices = sample_probabilities(run.state().probabilities(), shots, run.rng)
    readout = {op.clbit: op for op in program.readout_errors}
    for qubit, clbit in program.terminal_measurements:
        bit = (indices >> qubit) & 1
        if clbit in readout:
            bit = readout[clbit].error.apply_to_bits(bit, run.rng)
        outcomes = place_bits(outcomes, bit, clbit)
    return outcomes, run.erasures


def _sample_shots(program: NoisyProgram, shots: int, base: DensityRun):
    first = next(i for i, op in enumerate(program.ops) if isinstance(op, (MeasureOp, ConditionalOp, ReadoutOp)))
    prefix = NoisyProgram(program.num_qubits, program.num_clbits, program.ops[:first], None)
    execute(base, prefix)
    base.check_forks_fit()
    outcomes = zero_outcomes(shots, program.num_clbits)
    erasures = list(base.erasures)
    for shot in range(shots):
        run = base.fork()
        execute(run, program, first)
        if shot == 0:
            erasures += run.erasures  # the expected erasures of the first shot's branch
        outcomes[shot] = bits_value(run.clbits)
    return outcomes, erasures


def _sample_branches(program: NoisyProgram, shots: int, base: DensityRun):
    """Every shot at once: one walk of the program whose branches fork where outcomes differ, so
    a stretch of the program runs once per distinct branch instead of once per shot; outcomes in
    the terminal tail are drawn from each branch's last state."""
    tree = Shots(program.ops, terminal_tail(program.ops), zero_outcomes(shots, program.num_clbits))
    root = _Branch(base)
    root.start(tree, np.arange(shots), np.zeros((shots, program.num_clbits), dtype=np.uint8))
    walk(program.ops, root)
    first = cast(_Branch, tree.first)  # the branch of shot 0: the root or one split from it
    return tree.outcomes, first.run.erasures
