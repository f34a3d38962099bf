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
import functools
from dataclasses import dataclass, field

import numpy as np

from qfusion.circuit.circuit import Circuit
from qfusion.config import settings
from qfusion.errors import CircuitError
from qfusion.sim.fusion import (MAX_DIAGONAL_QUBITS, MAX_FUSED_QUBITS, BitSwap, cached_steps, fuse, restore_layout,
                               schedule)
from qfusion.sim.kernels import cpu_lanes, cpu_measure, cpu_sweep
from qfusion.sim.lanes import LaneSweep, lane_schedule
from qfusion.sim.memory import check_state_fits, fits
from qfusion.sim.plan import GateOp, Program, check_shots, expectation_result, lower, pauli_terms
from qfusion.sim.program import Executor, PureBranchingExecutor, Shots, bits_value, terminal_tail, walk

_PARALLEL_QUBITS = 14
DTYPES = {"complex128": np.complex128, "complex64": np.complex64}
_REAL = {np.complex128: np.float64, np.complex64: np.float32}


@dataclass(frozen=True)
class SimulatorOptions:
    """Tuning knobs; the defaults were chosen by the benchmarks in ``bench/``.

    States of at least ``lanes_from_qubits`` qubits run as gathered split-complex sweeps
    (:mod:`qfusion.sim.lanes`) over ``sweep_qubits`` bits at a time, each mixing at most
    ``sweep_mixed`` qubits (None: sized to the cache); smaller ones, or with ``lanes=False``,
    run in-place cache-blocked sweeps over chunks of ``2**local_qubits`` amplitudes.
    """
    max_fused_qubits: int = MAX_FUSED_QUBITS
    max_diagonal_qubits: int = MAX_DIAGONAL_QUBITS
    local_qubits: int = 14
    num_threads: int | None = None
    lanes: bool | None = None
    lanes_from_qubits: int = 16
    sweep_qubits: int | None = None
    sweep_mixed: int | None = None


def resolve_dtype(dtype) -> type:
    """``np.complex128`` or ``np.complex64`` from a name or dtype."""
    key = np.dtype(dtype).name if not isinstance(dtype, str) else dtype
    if key not in DTYPES:
        raise CircuitError(f"dtype must be complex128 or complex64, got {dtype!r}")
    return DTYPES[key]


class StateVector:
    """A simulated state; ``numpy.asarray(state)`` is the complex vector (index bit i = qubit i).

    Internally qubits may sit at permuted bit positions (``layout``); sampling and expectation
    values read them where they are, and the vector is put in order only when asked for.
    """

    def __init__(self, data: np.ndarray, num_qubits: int, layout: tuple[int, ...] | None = None):
        self._data = data
        self.num_qubits = num_qubits
        self._layout = tuple(layout) if layout is not None else tuple(range(num_qubits))

    @property
    def dtype(self):
        return self._data.dtype

    @property
    def layout(self) -> tuple[int, ...]:
        return self._layout

    def _in_order(self) -> np.ndarray:
        if self._layout != tuple(range(self.num_qubits)):
            for step in restore_layout(self._layout):
                cpu_sweep.swap_bit_positions(self._data, step.first, step.second)
            self._layout = tuple(range(self.num_qubits))
        return self._data

    def __array__(self, dtype=None, copy=None):
        data = self._in_order()
        return data if dtype is None else data.astype(dtype)

    @property
    def data(self) -> np.ndarray:
        """The amplitudes in qubit order (no copy)."""
        return self._in_order()

    def probabilities(self) -> np.ndarray:
        """``|amplitude|**2`` for every basis state, in qubit order."""
        data = self._in_order()
        return data.real ** 2 + data.imag ** 2

    def sample(self, shots: int, seed=None) -> np.ndarray:
        """``shots`` basis-state indices (qubit order) drawn from the state, in random order."""
        rng = np.random.default_rng(seed)
        physical = sample_indices(self._data, shots, rng)
        return _to_logical(physical, self._layout)

    def expectation_value(self, observable) -> float:
        """<psi|O|psi> for a Pauli label (``"ZZI"``, rightmost is qubit 0), a list of
        ``(label, coeff)`` pairs, or an object with ``to_list()`` (a PauliSum); no copy of the state."""
        terms = pauli_terms(observable, self.num_qubits)
        return expectation_result(pauli_sum_expectation(self._data, terms, self._layout))

    def __repr__(self) -> str:
        probabilities = self.probabilities()
        order = np.argsort(probabilities)[::-1][:8]
        data = self._data
        terms = [f"{_fmt(data[i])}|{int(i):0{self.num_qubits}b}>" for i in sorted(order)
                 if probabilities[i] > 1e-12]
        more = " + ..." if np.count_nonzero(probabilities > 1e-12) > len(terms) else ""
        return f"StateVector({' + '.join(terms)}{more})"


def _fmt(z: complex) -> str:
    if abs(z.imag) < 1e-9:
        return f"{z.real:.6g}"
    if abs(z.real) < 1e-9:
        return f"{z.imag:.6g}j"
    return f"({z.real:.4g}{z.imag:+.4g}j)"


# -- execution -----------------------------------------------------------------------------

@dataclass
class _Run:
    """Mutable state of one execution."""
    data: np.ndarray
    num_qubits: int
    rng: np.random.Generator
    clbits: np.ndarray
    layout: tuple[int, ...]
    options: SimulatorOptions
    cache: dict = field(default_factory=dict)


def _local_qubits(num_qubits: int, options: SimulatorOptions) -> int:
    return min(num_qubits, options.local_qubits)


def _run_gates(run: _Run, ops: list[GateOp], key, keep_layout: bool) -> None:
    if not ops:
        return
    steps, layout = cached_steps(run.cache, key, run.layout, keep_layout, _plan_gates, run, ops)
    for step in steps:
        if isinstance(step, BitSwap):
            cpu_sweep.swap_bit_positions(run.data, step.first, step.second)
        elif isinstance(step, LaneSweep):
            cpu_lanes.sweep(run.data.view(_REAL[run.data.dtype.type]), *step.arrays)
        else:
            cpu_sweep.sweep(run.data, step.local_qubits, *step.arrays)
    run.layout = layout


def _plan_gates(run: _Run, ops: list[GateOp]) -> tuple[list, tuple[int, ...]]:
    options = run.options
    if options.lanes is not False and (options.lanes or run.num_qubits >= options.lanes_from_qubits):
        planned = lane_schedule(ops, run.num_qubits, run.layout, run.data.dtype, options.sweep_qubits,
                                options.sweep_mixed, options.max_diagonal_qubits)
        if planned is not None:
            return planned
    fused = fuse(ops, options.max_fused_qubits, options.max_diagonal_qubits)
    plan = schedule(fused, run.num_qubits, _local_qubits(run.num_qubits, options), run.data.dtype, run.layout)
    return list(plan.steps), plan.layout


def _probability_one(run: _Run, qubit: int) -> float:
    return min(max(cpu_measure.probability_of_one(run.data, run.layout[qubit]), 0.0), 1.0)


def _project(run: _Run, qubit: int, outcome: int, probability: float, reset: bool) -> None:
    cpu_measure.collapse(run.data, run.layout[qubit], outcome, 1.0 / np.sqrt(probability), reset)


def _measure(run: _Run, qubit: int, reset: bool) -> int:
    p_one = _probability_one(run, qubit)
    outcome = int(run.rng.random() < p_one)
    _project(run, qubit, outcome, p_one if outcome else 1.0 - p_one, reset)
    return outcome


class _Executor(Executor):
    """The state vector's hooks for :func:`qfusion.sim.program.walk`: cached sweeps, in-place collapse
    (bound to the run, without a method's frame: a shot of a small circuit is mostly this overhead)."""

    def __init__(self, run: _Run):
        self.clbits, self.rng, self.segment = run.clbits, run.rng, []
        self.run_segment = functools.partial(_run_gates, run)
        self.collapse = functools.partial(_measure, run)


class _Branch(PureBranchingExecutor, _Executor):
    """The state vector's hooks for many shots at once (:class:`~qfusion.sim.program.PureBranchingExecutor`)."""

    def __init__(self, run: _Run):
        super().__init__(run)
        self.run = run

    def probability_one(self, qubit: int) -> float:
        return _probability_one(self.run, qubit)

    def project(self, qubit: int, outcome: int, probability: float, reset: bool = False) -> None:
        _project(self.run, qubit, outcome, probability, reset)

    def split(self, moving: np.ndarray) -> "_Branch":
        run = self.run
        branch = _Branch(_Run(run.data.copy(), run.num_qubits, run.rng, run.clbits, run.layout, run.options,
                              run.cache))
        branch.start(self.shots, self.indices[moving], self.bits[moving])
        return branch

    def sample(self, count: int) -> np.ndarray:
        return _to_logical(sample_indices(self.run.data, count, self.rng), self.run.layout)


def _execute(run: _Run, program: Program, start: int = 0) -> None:
    """Run ``program.ops[start:]`` on ``run``; gates between non-unitary ops go as one fused segment."""
    walk(program.ops, _Executor(run), start)


def _new_state(num_qubits: int, dtype) -> np.ndarray:
    check_state_fits(num_qubits, dtype)
    data = np.zeros(1 << num_qubits, dtype=dtype)
    data[0] = 1
    return data


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
    """The final state of ``circuit`` (mid-circuit measurements collapse at random, seeded)."""
    program, dtype, options = _prepare(circuit, params, dtype, options)
    run = _Run(_new_state(program.num_qubits, dtype), program.num_qubits, np.random.default_rng(seed),
               np.zeros(program.num_clbits, dtype=np.uint8), tuple(range(program.num_qubits)), options)
    _execute(run, program)
    if program.global_phase:
        run.data *= cmath.exp(1j * program.global_phase)
    return StateVector(run.data, program.num_qubits, run.layout)


def sample(circuit: Circuit, shots: int, *, params=None, seed=None, dtype=np.complex128,
           memory: bool = False, options: SimulatorOptions | None = None):
    """Run ``circuit`` for ``shots`` shots; returns ``(counts, memory list or None)``.

    When every measurement can be deferred to the end, the state is computed once and
    all shots are drawn from it. Otherwise the shots run together and the state is copied
    where their mid-circuit outcomes part (a tree of branches); when those copies do not fit,
    each shot runs from the first non-unitary op on.
    """
    check_shots(shots)
    program, dtype, options = _prepare(circuit, params, dtype, options)
    rng = np.random.default_rng(seed)
    if program.terminal_measurements is not None:
        outcomes = _sample_terminal(program, int(shots), rng, dtype, options)
    elif _branches_fit(program.num_qubits, dtype, int(shots)):
        outcomes = _sample_branches(program, int(shots), rng, dtype, options)
    else:
        outcomes = _sample_shots(program, int(shots), rng, dtype, options)
    # count integer outcomes first and format each distinct one once (numeric order is the
    # order of the bitstrings, highest clbit first)
    values, inverse, counts = np.unique(outcomes, return_inverse=True, return_counts=True)
    labels = [format(int(v), f"0{program.num_clbits}b") if program.num_clbits else "" for v in values]
    result = {label: int(c) for label, c in zip(labels, counts)}
    return result, ([labels[i] for i in inverse.ravel()] if memory else None)


def _sample_terminal(program: Program, shots: int, rng, dtype, options) -> np.ndarray:
    run = _Run(_new_state(program.num_qubits, dtype), program.num_qubits, rng,
               np.zeros(program.num_clbits, dtype=np.uint8), tuple(range(program.num_qubits)), options)
    _execute(run, program)
    outcomes = np.zeros(shots, dtype=np.int64)
    if not program.terminal_measurements:
        return outcomes
    physical = sample_indices(run.data, shots, rng)
    for qubit, clbit in program.terminal_measurements:
        bit = (physical >> run.layout[qubit]) & 1
        outcomes = (outcomes & ~(1 << clbit)) | (bit << clbit)
    return outcomes


def _branches_fit(num_qubits: int, dtype, shots: int) -> bool:
    """Whether the state and one copy per level of splits fit (at most ``log2(shots)`` are alive)."""
    return fits(check_state_fits, num_qubits, dtype, copies=1 + shots.bit_length())


def _sample_branches(program: Program, shots: int, rng, dtype, options) -> np.ndarray:
    """Every shot in one walk of ``program`` whose branches part where outcomes do; outcomes in the
    terminal tail are drawn from each branch's last state."""
    tree = Shots(program.ops, terminal_tail(program.ops), np.zeros(shots, dtype=np.int64))
    run = _Run(_new_state(program.num_qubits, dtype), program.num_qubits, rng,
               np.zeros(program.num_clbits, dtype=np.uint8), tuple(range(program.num_qubits)), options)
    root = _Branch(run)
    root.start(tree, np.arange(shots), np.zeros((shots, program.num_clbits), dtype=np.uint8))
    walk(program.ops, root)
    return tree.outcomes


def _sample_shots(program: Program, shots: int, rng, dtype, options) -> np.ndarray:
    first = next(i for i, op in enumerate(program.ops) if not isinstance(op, GateOp))
    base = _Run(_new_state(program.num_qubits, dtype), program.num_qubits, rng,
                np.zeros(program.num_clbits, dtype=np.uint8), tuple(range(program.num_qubits)), options)
    _run_gates(base, list(program.ops[:first]), None, keep_layout=False)
    keep_copy = _fits_twice(program.num_qubits, dtype)
    initial = base.data.copy() if keep_copy else None
    outcomes = np.zeros(shots, dtype=np.int64)
    for shot in range(shots):
        data = initial.copy() if keep_copy else None
        if data is None:
            data = _new_state(program.num_qubits, dtype)
        run = _Run(data, program.num_qubits, rng, np.zeros(program.num_clbits, dtype=np.uint8),
                   tuple(range(program.num_qubits)), options, base.cache)
        if keep_copy:
            _execute(run, program, first)
        else:
            _execute(run, program)
        outcomes[shot] = bits_value(run.clbits)
    return outcomes


def _fits_twice(num_qubits: int, dtype) -> bool:
    return fits(check_state_fits, num_qubits, dtype, copies=3)


def _to_logical(physical: np.ndarray, layout: tuple[int, ...]) -> np.ndarray:
    if layout == tuple(range(len(layout))):
        return physical
    logical = np.zeros_like(physical)
    for qubit, position in enumerate(layout):
        logical |= ((physical >> position) & 1) << qubit
    return logical


def sample_indices(data: np.ndarray, shots: int, rng: np.random.Generator) -> np.ndarray:
    """``shots`` indices drawn with probability ``|data[i]|**2``, in random order; two passes, no copy."""
    num_blocks = min(256, len(data))
    norms = cpu_measure.block_norms(data, num_blocks)
    starts = np.concatenate(([0.0], np.cumsum(norms)))
    uniforms = np.sort(rng.random(shots)) * starts[-1]
    first = np.searchsorted(uniforms, starts[1:-1], side="left")
    first_uniform = np.concatenate(([0], first, [shots])).astype(np.int64)
    indices = cpu_measure.sample_sorted(data, num_blocks, starts[:-1].copy(), uniforms, first_uniform)
    rng.shuffle(indices)
    return indices


def pauli_sum_expectation(data: np.ndarray, terms, layout: tuple[int, ...]) -> complex:
    """sum_t c_t <psi|P_t|psi> with qubit q at bit ``layout[q]``; one pass per distinct X pattern."""
    grouped: dict[int, list[tuple[int, complex]]] = {}
    for label, coeff in terms:
        x = z = 0
        phase = 1.0 + 0.0j
        for q, char in enumerate(reversed(label)):
            bit = 1 << layout[q]
            if char in "XY":
                x |= bit
            if char in "ZY":
                z |= bit
            if char == "Y":
                phase *= 1j  # Y = i X Z
        grouped.setdefault(x, []).append((z, complex(coeff) * phase))
    x_masks = np.array(list(grouped), dtype=np.int64)
    starts = np.cumsum([0] + [len(v) for v in grouped.values()]).astype(np.int64)
    z_masks = np.array([z for v in grouped.values() for z, _ in v], dtype=np.int64)
    coeffs = np.array([c for v in grouped.values() for _, c in v], dtype=np.complex128)
    return complex(cpu_measure.pauli_expectations(data, x_masks, starts, z_masks, coeffs))
