"""The state-vector simulator: lower, fuse, schedule in cache-sized sweeps, execute.

>>> from qfusion.circuit import Circuit
>>> state = simulate(Circuit(2).h(0).cx(0, 1))
>>> state
StateVector(0.707107|00> + 0.707107|11>)
>>> counts, _ = sample(Circuit(2).h(0).cx(0, 1).measure_all(), shots=100, seed=7)
>>> sorted(counts) == ["00", "11"] and sum(counts.values()) == 100
True
"""

from __future__ import annotations

import cmath
from dataclasses import dataclass, field, replace

import numpy as np

from qfusion.circuit.circuit import Circuit
from qfusion.config import settings
from qfusion.sim.fusion import (
    MAX_DIAGONAL_QUBITS,
    MAX_FUSED_QUBITS,
    BitSwap,
    cached_steps,
    fuse,
    schedule,
)
from qfusion.sim.kernels import cpu_lanes, cpu_measure, cpu_sweep
from qfusion.sim.lanes import LaneSweep, lane_schedule
from qfusion.sim.memory import check_state_fits, fits
from qfusion.sim.plan import GateOp, Program, check_shots, has_runtime_classical, lower
from qfusion.sim.program import (
    Executor,
    PureBranchingExecutor,
    Shots,
    bits_value,
    counts_from_outcomes,
    place_bits,
    terminal_tail,
    walk,
    zero_outcomes,
)
from qfusion.sim.statevector_state import (
    DTYPES,
    REAL_DTYPES,
    StateVector,
    _to_logical,
    pauli_sum_expectation,
    resolve_dtype,
    sample_indices,
)

_PARALLEL_QUBITS = 14
__all__ = ["DTYPES", "SimulatorOptions", "StateVector", "StateVectorRun", "execute", "final_state", "new_run",
           "pauli_sum_expectation", "resolve_dtype", "sample", "sample_indices", "sample_program", "simulate"]


@dataclass(frozen=True)
class SimulatorOptions:
    """Tuning knobs; the defaults were chosen by the benchmarks in ``bench/``.

    States of at least ``lanes_from_qubits`` qubits run as gathered split-complex sweeps
    (:mod:`qfusion.sim.lanes`) over ``sweep_qubits`` bits at a time, each mixing at most
    ``sweep_mixed`` qubits (None: sized to the cache); smaller ones, or with ``lanes=False``,
    run in-place cache-blocked sweeps over chunks of ``2**local_qubits`` amplitudes.

    >>> from qfusion.circuit import Circuit
    >>> state = simulate(Circuit(3).h(0).cx(0, 2), options=SimulatorOptions(lanes=True, sweep_qubits=2))
    >>> np.round(np.asarray(state)[[0, 5]].real, 6)
    array([0.707107, 0.707107])
    """
    max_fused_qubits: int = MAX_FUSED_QUBITS
    max_diagonal_qubits: int = MAX_DIAGONAL_QUBITS
    local_qubits: int = 14
    num_threads: int | None = None
    lanes: bool | None = None
    lanes_from_qubits: int = 16
    sweep_qubits: int | None = None
    sweep_mixed: int | None = None

@dataclass
class StateVectorRun:
    """One state vector in flight: its data, the random state, the recorded bits and plan cache.

    The one run interface of the state vector: apply gates (:meth:`run_gates`), measure
    (:meth:`probability_one`, :meth:`project`), copy (:meth:`branch`, :meth:`fork`) and draw shots
    (:meth:`sample_indices`, :meth:`sample_keys`). Only these methods touch ``data``; the sampling
    of programs (:func:`sample_program`) is written once over them, and
    :mod:`qfusion.sim.gpu.statevector` subclasses this with device data and the CUDA kernels.

    >>> from qfusion.circuit import Circuit
    >>> program = lower(Circuit(1).x(0))
    >>> run = new_run(program, np.random.default_rng(0), np.complex128, SimulatorOptions())
    >>> execute(run, program)
    >>> run.probability_one(0)
    1.0
    """
    data: np.ndarray
    num_qubits: int
    rng: np.random.Generator
    clbits: np.ndarray
    options: SimulatorOptions
    layout: tuple[int, ...] = ()
    cache: dict = field(default_factory=dict)

    def __post_init__(self):
        if not self.layout:
            self.layout = tuple(range(self.num_qubits))

    def run_gates(self, ops: list[GateOp], key, keep_layout: bool) -> None:
        """Fuse, schedule and sweep ``ops`` (plans cached under ``key``; None: not kept).

        >>> from qfusion.circuit import Circuit
        >>> program = lower(Circuit(1).x(0))
        >>> run = new_run(program, np.random.default_rng(0), np.complex128, SimulatorOptions())
        >>> run.run_gates(list(program.ops), "all", keep_layout=False)
        >>> run.data.tolist()
        [0j, (1+0j)]
        """
        if not ops:
            return
        steps, layout = cached_steps(self.cache, key, self.layout, keep_layout, self._plan, ops)
        data = self.data
        real = REAL_DTYPES[data.dtype.type]
        sizes = [cpu_lanes.workspace_size(step.arrays[0], len(step.arrays[1])) for step in steps
                 if isinstance(step, LaneSweep)]
        workspace = np.empty(max(sizes), dtype=real) if sizes else None  # one for all sweeps: no page faults
        for step in steps:
            if isinstance(step, BitSwap):
                cpu_sweep.swap_bit_positions(data, step.first, step.second)
            elif isinstance(step, LaneSweep):
                cpu_lanes.sweep(data.view(real), *step.arrays, workspace=workspace)
            else:
                cpu_sweep.sweep(data, step.local_qubits, *step.arrays)
        self.layout = layout

    def _plan(self, ops: list[GateOp]) -> tuple[list, tuple[int, ...]]:
        options = self.options
        if options.lanes is not False and (options.lanes or self.num_qubits >= options.lanes_from_qubits):
            planned = lane_schedule(ops, self.num_qubits, self.layout, self.data.dtype, options.sweep_qubits,
                                    options.sweep_mixed, options.max_diagonal_qubits)
            if planned is not None:
                return planned
        fused = fuse(ops, options.max_fused_qubits, options.max_diagonal_qubits)
        plan = schedule(fused, self.num_qubits, min(self.num_qubits, options.local_qubits), self.data.dtype,
                        self.layout)
        return list(plan.steps), plan.layout

    def probability_one(self, qubit: int) -> float:
        """The probability that measuring ``qubit`` gives 1.

        >>> from qfusion.circuit import Circuit
        >>> program = lower(Circuit(2).h(0))
        >>> run = new_run(program, np.random.default_rng(5), np.complex128, SimulatorOptions())
        >>> execute(run, program)
        >>> round(run.probability_one(0), 12), run.probability_one(1)     # |+> on qubit 0, |0> on qubit 1
        (0.5, 0.0)
        """
        return min(max(cpu_measure.probability_of_one(self.data, self.layout[qubit]), 0.0), 1.0)

    def project(self, qubit: int, outcome: int, probability: float, reset: bool = False) -> None:
        """Collapse ``qubit`` onto ``outcome`` (which had ``probability``); then flip it to 0 when ``reset``.

        >>> from qfusion.circuit import Circuit
        >>> program = lower(Circuit(2).h(0))
        >>> run = new_run(program, np.random.default_rng(5), np.complex128, SimulatorOptions())
        >>> execute(run, program)
        >>> run.project(0, 1, probability=0.5)
        >>> run.data.round(6).tolist()                                     # |01>: qubit 0 is 1
        [0j, (1+0j), 0j, 0j]
        >>> run.project(0, 1, probability=1.0, reset=True)
        >>> run.data.round(6).tolist()                                     # reset: flipped back to |00>
        [(1+0j), 0j, 0j, 0j]
        """
        cpu_measure.collapse(self.data, self.layout[qubit], outcome, 1.0 / np.sqrt(probability), reset)

    def measure(self, qubit: int, reset: bool) -> int:
        """Draw ``qubit``'s outcome and collapse onto it (flipped to 0 when ``reset``); the outcome.

        >>> from qfusion.circuit import Circuit
        >>> program = lower(Circuit(1).h(0))
        >>> run = new_run(program, np.random.default_rng(3), np.complex128, SimulatorOptions())
        >>> execute(run, program)
        >>> outcome = run.measure(0, reset=False)
        >>> run.probability_one(0) == outcome
        True
        """
        p_one = self.probability_one(qubit)
        outcome = int(self.rng.random() < p_one)
        self.project(qubit, outcome, p_one if outcome else 1.0 - p_one, reset)
        return outcome

    def sample_indices(self, shots: int) -> np.ndarray:
        """``shots`` basis-state indices (qubit order) drawn from the state, in random order.

        >>> from qfusion.circuit import Circuit
        >>> program = lower(Circuit(2).h(0))
        >>> run = new_run(program, np.random.default_rng(5), np.complex128, SimulatorOptions())
        >>> execute(run, program)
        >>> indices = run.sample_indices(1000)
        >>> sorted(set(indices.tolist())), 400 < int((indices == 1).sum()) < 600
        ([0, 1], True)
        """
        return _to_logical(sample_indices(self.data, shots, self.rng), self.layout)

    def sample_keys(self, qubits: list[int], shots: int, memory: bool) -> tuple[np.ndarray, np.ndarray | None]:
        """``(keys, weights)``: per-shot keys whose bit j is the outcome of ``qubits[j]`` (``weights``
        None), or, where a run can bin them itself and no per-shot ``memory`` is wanted, the
        distinct keys and their counts.

        >>> from qfusion.circuit import Circuit
        >>> program = lower(Circuit(2).x(1))
        >>> run = new_run(program, np.random.default_rng(0), np.complex128, SimulatorOptions())
        >>> execute(run, program)
        >>> run.sample_keys([1], 3, memory=False)
        (array([1, 1, 1]), None)
        """
        physical = sample_indices(self.data, shots, self.rng)
        keys = np.zeros(shots, dtype=np.int64)
        for j, qubit in enumerate(qubits):
            keys |= ((physical >> self.layout[qubit]) & 1) << j
        return keys, None

    def branch(self) -> StateVectorRun:
        """An independent copy of the data sharing the random state, bits and plan cache (a branch of
        :func:`_sample_branches`, alive beside the others).

        >>> from qfusion.circuit import Circuit
        >>> program = lower(Circuit(1))
        >>> run = new_run(program, np.random.default_rng(0), np.complex128, SimulatorOptions())
        >>> copy = run.branch()
        >>> copy.data is run.data, copy.rng is run.rng
        (False, True)
        """
        return replace(self, data=self.data.copy())

    def fork(self) -> StateVectorRun:
        """A copy of the data with fresh bits for the next shot of :func:`_sample_shots` (the shots
        run one after another, so a run may reuse one buffer for all its forks).

        >>> from qfusion.circuit import Circuit
        >>> program = lower(Circuit(2, 2).h(0))
        >>> run = new_run(program, np.random.default_rng(5), np.complex128, SimulatorOptions())
        >>> execute(run, program)
        >>> run.clbits[:] = 1
        >>> shot = run.fork()
        >>> np.array_equal(shot.data, run.data), shot.data is run.data, shot.clbits.tolist()
        (True, False, [0, 0])
        """
        return replace(self, data=self.data.copy(), clbits=np.zeros_like(self.clbits))

    def branches_fit(self, shots: int) -> bool:
        """Whether the branches of ``shots`` shots fit beside the data.

        >>> from qfusion.circuit import Circuit
        >>> program = lower(Circuit(2).h(0))
        >>> run = new_run(program, np.random.default_rng(5), np.complex128, SimulatorOptions())
        >>> execute(run, program)
        >>> run.branches_fit(1000)                 # 2 qubits: any number of branches fits
        True
        """
        return _branches_fit(self.num_qubits, self.data.dtype, shots)

    def forks_fit(self) -> bool:
        """Whether the data a shot starts from can be kept beside a shot's copy.

        >>> from qfusion.circuit import Circuit
        >>> program = lower(Circuit(2).h(0))
        >>> run = new_run(program, np.random.default_rng(5), np.complex128, SimulatorOptions())
        >>> execute(run, program)
        >>> run.forks_fit()
        True
        """
        return fits(check_state_fits, self.num_qubits, self.data.dtype, copies=3)

    def scale(self, factor: complex) -> None:
        """Multiply the data by ``factor`` (a circuit's global phase).

        >>> from qfusion.circuit import Circuit
        >>> program = lower(Circuit(2).h(0))
        >>> run = new_run(program, np.random.default_rng(5), np.complex128, SimulatorOptions())
        >>> execute(run, program)
        >>> run.scale(1j)                            # a global phase
        >>> run.data.round(6).tolist()
        [0.707107j, 0.707107j, 0j, 0j]
        """
        self.data *= factor

    def state(self) -> StateVector:
        """The run's data as a :class:`StateVector` (in qubit order, whatever the layout).

        >>> from qfusion.circuit import Circuit
        >>> program = lower(Circuit(2).h(0))
        >>> run = new_run(program, np.random.default_rng(5), np.complex128, SimulatorOptions())
        >>> execute(run, program)
        >>> run.state()
        StateVector(0.707107|00> + 0.707107|01>)
        """
        return StateVector(self.data, self.num_qubits, self.layout)


class _Executor(Executor):
    """A run's hooks for :func:`qfusion.sim.program.walk`: cached sweeps, in-place collapse (bound
    methods, without a wrapper's frame: a shot of a small circuit is mostly this overhead)."""

    def __init__(self, run: StateVectorRun):
        self.run, self.clbits, self.rng, self.segment = run, run.clbits, run.rng, []
        self.run_segment = run.run_gates  # type: ignore[method-assign]  # bound: no wrapper frame per call
        self.collapse = run.measure  # type: ignore[method-assign]  # (the same, for the collapse of a shot)


class _Branch(PureBranchingExecutor, _Executor):
    """A run's hooks for many shots at once (:class:`~qfusion.sim.program.PureBranchingExecutor`):
    a branch is a copy of the run (on the device for a GPU run)."""

    def probability_one(self, qubit: int) -> float:
        return self.run.probability_one(qubit)

    def project(self, qubit: int, outcome: int, probability: float, reset: bool = False) -> None:
        self.run.project(qubit, outcome, probability, reset)

    def split(self, moving: np.ndarray) -> _Branch:
        branch = _Branch(self.run.branch())
        branch.start(self.shots, self.indices[moving], self.bits[moving])
        return branch

    def sample(self, count: int) -> np.ndarray:
        return self.run.sample_indices(count)


def execute(run: StateVectorRun, program: Program, start: int = 0) -> None:
    """Run ``program.ops[start:]`` on ``run``; gates between non-unitary ops go as one fused segment.

    >>> from qfusion.circuit import Circuit
    >>> program = lower(Circuit(1, 1).x(0).measure(0, 0).x(0))  # a terminal measurement would be deferred
    >>> run = new_run(program, np.random.default_rng(0), np.complex128, SimulatorOptions())
    >>> execute(run, program)
    >>> run.clbits.tolist()
    [1]
    """
    walk(program.ops, _Executor(run), start)


def final_state(run: StateVectorRun, program: Program):
    """Run ``program`` on ``run`` and return its state, with the global phase applied.

    >>> from qfusion.circuit import Circuit
    >>> program = lower(Circuit(1, global_phase=np.pi).x(0))
    >>> final_state(new_run(program, np.random.default_rng(0), np.complex128, SimulatorOptions()), program)
    StateVector(-1|1>)
    """
    execute(run, program)
    if program.global_phase:
        run.scale(cmath.exp(1j * program.global_phase))
    return run.state()


def _new_state(num_qubits: int, dtype) -> np.ndarray:
    check_state_fits(num_qubits, dtype)
    data = np.zeros(1 << num_qubits, dtype=dtype)
    data[0] = 1
    return data


def new_run(program: Program, rng, dtype, options: SimulatorOptions) -> StateVectorRun:
    """A CPU run of ``program`` from ``|0...0>``.

    >>> from qfusion.circuit import Circuit
    >>> new_run(lower(Circuit(2)), np.random.default_rng(0), np.complex64, SimulatorOptions()).data.dtype
    dtype('complex64')
    """
    return StateVectorRun(_new_state(program.num_qubits, dtype), program.num_qubits, rng,
                          np.zeros(program.num_clbits, dtype=np.uint8), options)


def _prepare(circuit: Circuit, params, dtype, options) -> tuple[Program, type, SimulatorOptions]:
    dtype = resolve_dtype(dtype)
    options = options or SimulatorOptions()
    threads = options.num_threads or settings().num_threads
    # below ~2^14 amplitudes a kernel finishes before threads would even wake: run on one
    _set_threads(threads if circuit.num_qubits >= _PARALLEL_QUBITS else 1)
    check_state_fits(circuit.num_qubits, dtype)
    return lower(circuit, params), dtype, options


def _set_threads(threads: int) -> None:
    import numba
    numba.set_num_threads(max(1, min(threads, numba.config.NUMBA_NUM_THREADS)))


def simulate(circuit: Circuit, params=None, *, dtype=np.complex128, seed=None,
             options: SimulatorOptions | None = None) -> StateVector:
    """The final state of ``circuit`` (mid-circuit measurements collapse at random, seeded).

    >>> from qfusion.circuit import Circuit
    >>> simulate(Circuit(1).x(0))
    StateVector(1|1>)
    """
    program, dtype, options = _prepare(circuit, params, dtype, options)
    return final_state(new_run(program, np.random.default_rng(seed), dtype, options), program)


def sample(circuit: Circuit, shots: int, *, params=None, seed=None, dtype=np.complex128,
           memory: bool = False, options: SimulatorOptions | None = None):
    """Run ``circuit`` for ``shots`` shots; returns ``(counts, memory list or None)`` (see :func:`sample_program`).

    >>> from qfusion.circuit import Circuit
    >>> sample(Circuit(1, 1).x(0).measure(0, 0), 3, memory=True)
    ({'1': 3}, ['1', '1', '1'])
    """
    check_shots(shots)
    program, dtype, options = _prepare(circuit, params, dtype, options)
    return sample_program(program, int(shots), lambda rng: new_run(program, rng, dtype, options),
                          np.random.default_rng(seed), memory)


def sample_program(program: Program, shots: int, make_run, rng, memory: bool):
    """``(counts, memory list or None)`` of a lowered program; ``make_run(rng)`` makes the
    ``|0...0>`` run it starts from (a :class:`StateVectorRun` here, a GPU run in
    :mod:`qfusion.sim.gpu.statevector`): the one place that decides how shots are drawn.

    When every measurement can be deferred to the end, the state is computed once and all shots
    are drawn from it. Otherwise the shots run together and the state is copied where their
    mid-circuit outcomes part (a tree of branches); when those copies do not fit, each shot runs
    from the first non-unitary op on.

    >>> from qfusion.circuit import Circuit
    >>> program = lower(Circuit(2).x(1).measure_all())
    >>> make_run = lambda rng: new_run(program, rng, np.complex128, SimulatorOptions())
    >>> sample_program(program, 5, make_run, np.random.default_rng(1), memory=False)
    ({'10': 5}, None)
    """
    run = make_run(rng)
    weights = None
    if program.terminal_measurements is not None:
        outcomes, weights = _sample_terminal(program, shots, run, memory)
    elif run.branches_fit(shots) and not has_runtime_classical(program.ops):
        outcomes = _sample_branches(program, shots, run)
    else:
        outcomes = _sample_shots(program, shots, run, make_run)
    return counts_from_outcomes(outcomes, program.num_clbits, memory, weights)


def _sample_terminal(program: Program, shots: int, run: StateVectorRun, memory: bool):
    execute(run, program)
    if not program.terminal_measurements:
        return zero_outcomes(shots, program.num_clbits), None
    last = {clbit: qubit for qubit, clbit in program.terminal_measurements}
    clbits = sorted(last)
    keys, weights = run.sample_keys([last[c] for c in clbits], shots, memory)
    outcomes = zero_outcomes(len(keys), program.num_clbits)
    for j, clbit in enumerate(clbits):
        outcomes = place_bits(outcomes, (keys >> j) & 1, clbit)
    return outcomes, weights


def _branches_fit(num_qubits: int, dtype, shots: int) -> bool:
    """Whether the state and one copy per level of splits fit (at most ``log2(shots)`` are alive)."""
    return fits(check_state_fits, num_qubits, dtype, copies=1 + shots.bit_length())


def _sample_branches(program: Program, shots: int, run: StateVectorRun) -> np.ndarray:
    """Every shot in one walk of ``program`` whose branches part where outcomes do; outcomes in the
    terminal tail are drawn from each branch's last state."""
    tree = Shots(program.ops, terminal_tail(program.ops), zero_outcomes(shots, program.num_clbits))
    root = _Branch(run)
    root.start(tree, np.arange(shots), np.zeros((shots, program.num_clbits), dtype=np.uint8))
    walk(program.ops, root)
    return tree.outcomes


def _sample_shots(program: Program, shots: int, base: StateVectorRun, make_run) -> np.ndarray:
    """Shots one by one from the first non-unitary op on, each from a copy of the state before it
    (from the start, when that copy does not fit)."""
    first = next(i for i, op in enumerate(program.ops) if not isinstance(op, GateOp))
    base.run_gates(list(program.ops[:first]), None, keep_layout=False)
    keep_copy = base.forks_fit()
    outcomes = zero_outcomes(shots, program.num_clbits)
    for shot in range(shots):
        if keep_copy:
            run = base.fork()
        else:
            run = make_run(base.rng)
            run.cache = base.cache
        execute(run, program, first if keep_copy else 0)
        outcomes[shot] = bits_value(run.clbits)
    return outcomes
