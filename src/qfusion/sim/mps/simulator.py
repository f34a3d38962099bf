"""The matrix-product-state simulator: lower, fuse, route by swaps, apply with truncated SVDs.

``max_bond_dimension`` caps every bond (None: exact, as large as the circuit needs) and
``truncation_threshold`` drops Schmidt values whose relative weight ``s**2 / sum(s**2)`` is below it.
Mid-circuit measurements, resets and conditions run shot by shot (through
:func:`qfusion.sim.program.walk`); a circuit whose measurements are all terminal is simulated once and
its shots are drawn by perfect sampling without collapsing the state.

>>> from qfusion.circuit import Circuit
>>> ghz = Circuit(60).h(0)
>>> for q in range(59):
...     _ = ghz.cx(q, q + 1)
>>> state = simulate(ghz)
>>> state.bond_dimensions[:3], round(state.expectation_value("Z" * 60), 12), abs(state.amplitude("1" * 60)) ** 2
((2, 2, 2), 1.0, 0.4999999999999999)
>>> counts, _, metadata = sample(ghz.measure_all(), shots=100, seed=1)
>>> sorted(counts.values()), metadata["fidelity_lower_bound"]
([47, 53], 1.0)
"""

from __future__ import annotations

import cmath
from dataclasses import dataclass, field

import numpy as np

from qfusion.circuit.circuit import Circuit
from qfusion.errors import CircuitError, CircuitTooLargeError
from qfusion.sim.memory import available_bytes, format_bytes
from qfusion.sim.mps.route import SegmentPlan, bond_bits, route
from qfusion.sim.mps.state import MPSState
from qfusion.sim.plan import (
    GateOp,
    MeasureOp,
    bind_params,
    check_shots,
    lower_instructions,
    terminal_measurements,
)
from qfusion.sim.program import Executor, bits_value, walk

_DTYPES = {"complex128": np.complex128, "complex64": np.complex64}


@dataclass(frozen=True)
class MPSOptions:
    """The approximation: ``max_bond_dimension`` (None: exact) and ``truncation_threshold``.

    >>> MPSOptions(max_bond_dimension=0)
    Traceback (most recent call last):
    ...
    qfusion.errors.CircuitError: max_bond_dimension must be a whole number >= 1 (or None: exact), got 0
    """
    max_bond_dimension: int | None = None
    truncation_threshold: float = 1e-16

    def __post_init__(self):
        chi = self.max_bond_dimension
        if chi is not None and (isinstance(chi, bool) or int(chi) != chi or chi < 1):
            raise CircuitError(f"max_bond_dimension must be a whole number >= 1 (or None: exact), got {chi!r}")
        threshold = self.truncation_threshold
        if not 0 <= threshold < 1:
            raise CircuitError(f"truncation_threshold must be in [0, 1), got {threshold!r}")


def resolve_dtype(dtype) -> type:
    """The complex dtype of the tensors (complex128 or complex64); anything else is refused.

    >>> resolve_dtype(np.complex64), resolve_dtype("complex128")
    (<class 'numpy.complex64'>, <class 'numpy.complex128'>)
    >>> resolve_dtype(np.float32)
    Traceback (most recent call last):
        ...
    qfusion.errors.CircuitError: dtype must be complex128 or complex64, got <class 'numpy.float32'>
    """
    key = dtype if isinstance(dtype, str) else np.dtype(dtype).name
    if key not in _DTYPES:
        raise CircuitError(f"dtype must be complex128 or complex64, got {dtype!r}")
    return _DTYPES[key]


@dataclass(frozen=True)
class MPSProgram:
    """A circuit lowered for the MPS: gate ops, and the measurements that can wait for the end.

    >>> program = lower(Circuit(3).h(0).cx(0, 2).measure_all())
    >>> program.terminal_measurements, len(program.ops)          # measurements taken out, gates stay
    (((0, 0), (1, 1), (2, 2)), 2)
    """
    num_qubits: int
    num_clbits: int
    ops: tuple
    global_phase: float
    terminal_measurements: tuple[tuple[int, int], ...] | None


def lower(circuit: Circuit, params=None) -> MPSProgram:
    """Bind ``params`` and lower ``circuit``; measurements that can all wait for the end are taken out.

    >>> program = lower(Circuit(1, 1).measure(0, 0).x(0))           # a gate after the measurement
    >>> program.terminal_measurements, [type(op).__name__ for op in program.ops]
    (None, ['MeasureOp', 'GateOp'])
    """
    circuit = bind_params(circuit, params)
    ops = lower_instructions(circuit, "the MPS simulator")
    terminal = terminal_measurements(ops)
    if terminal is not None:
        ops = [op for op in ops if not isinstance(op, MeasureOp)]
    return MPSProgram(circuit.num_qubits, circuit.num_clbits, tuple(ops), float(circuit.global_phase), terminal)


def circuit_bond_bits(circuit: Circuit, params=None) -> tuple[float, ...]:
    """log2 bounds of each bond's largest dimension for ``circuit`` run exactly (measurements ignored,
    which only lower it): what an exact MPS would need, from the routed plan.

    >>> ghz = Circuit(4).h(0).cx(0, 1).cx(1, 2).cx(2, 3)
    >>> circuit_bond_bits(ghz), circuit_bond_bits(Circuit(4).h(0).h(1))      # each bond at most 2, or 1
    ((1.0, 1.0, 1.0), (0.0, 0.0, 0.0))
    """
    program = lower(circuit, params) if params is not None or not circuit.is_parameterized else None
    ops = [op for op in (program.ops if program else ()) if isinstance(op, GateOp)]
    plan = route(ops, tuple(range(circuit.num_qubits)))
    return bond_bits(plan.steps, circuit.num_qubits)


# -- execution -----------------------------------------------------------------------------

def apply_plan(state: MPSState, plan: SegmentPlan) -> None:
    """Apply a routed :class:`~qfusion.sim.mps.route.SegmentPlan` to ``state`` (sites and layout).

    >>> from qfusion.sim.mps.route import route
    >>> from qfusion.sim.plan import lower as lower_gates
    >>> state = simulate(Circuit(2))
    >>> apply_plan(state, route(list(lower_gates(Circuit(2).h(0).cx(0, 1)).ops), tuple(state.layout)))
    >>> state.bond_dimensions                                          # now entangled: a bond of 2
    (2,)
    """
    for step in plan.steps:
        if step.width == 1:
            state.apply_one(step.start, step.matrix)
        else:
            state.apply_sites(step.start, step.width, step.matrix, step.center_left, step.block)
    state.layout = list(plan.layout)
    for qubit, site in enumerate(plan.layout):
        state.qubit_at[site] = qubit


@dataclass
class _Walker(Executor):
    """The MPS's hooks for :func:`qfusion.sim.program.walk`; segment plans are cached by position."""
    state: MPSState
    rng: np.random.Generator
    clbits: np.ndarray
    cache: dict = field(default_factory=dict)
    segment: list = field(default_factory=list)

    def run_segment(self, ops, key, keep_layout):
        if not ops:
            return
        layout = tuple(self.state.layout)
        cached = self.cache.get(key)
        if cached is None or cached[0] != layout:
            cached = (layout, route(ops, layout))
            if self.state.max_bond_dimension is None:
                check_exact_fits(cached[1], self.state)
            if key is not None:
                self.cache[key] = cached
        apply_plan(self.state, cached[1])

    def collapse(self, qubit: int, reset: bool) -> int:
        return self.state.measure(qubit, self.rng, reset)


def check_exact_fits(plan: SegmentPlan, state: MPSState) -> None:
    """Refuse (before running it) an uncapped plan whose bond bounds need more memory than is available:
    the tensors at the bounds plus the largest two-site block and its SVD, as the backend estimates.

    >>> from qfusion.sim.mps.route import route
    >>> from qfusion.sim.plan import lower as lower_gates
    >>> state = simulate(Circuit(3))
    >>> check_exact_fits(route(list(lower_gates(Circuit(3).h(0).cx(0, 2)).ops), (0, 1, 2)), state)   # small: fits
    """
    bits = bond_bits(plan.steps, state.num_qubits)
    if not bits or max(bits) < 12:  # bonds of at most 4096: a few GiB at most, checked by the allocator itself
        return
    bonds = [1.0] + [2.0 ** min(b, 1000) for b in bits] + [1.0]
    itemsize = np.dtype(state.dtype).itemsize
    needed = itemsize * (sum(bonds[k] * 2 * bonds[k + 1] for k in range(len(bonds) - 1))
                         + 3 * max(bonds[k] * 4 * bonds[k + 2] for k in range(len(bonds) - 2)))
    available = available_bytes()
    if needed > available:
        size = format_bytes(needed) if needed < 2.0 ** 70 else f"{needed:.2g} B"
        raise CircuitTooLargeError(
            f"an exact MPS of this circuit may need bond dimension up to 2^{max(bits):.0f} (the bound of its "
            f"routed gates), {size}; {format_bytes(available)} is available. Pass max_bond_dimension= "
            f"(e.g. 64; the result's metadata then reports the truncation error and a fidelity bound)")


def _start(program: MPSProgram, dtype, options: MPSOptions) -> MPSState:
    return MPSState.zeros(program.num_qubits, dtype, max_bond_dimension=options.max_bond_dimension,
                          truncation_threshold=options.truncation_threshold,
                          global_phase=cmath.exp(1j * program.global_phase))


def simulate(circuit: Circuit, params=None, *, dtype=np.complex128, seed=None,
             options: MPSOptions | None = None) -> MPSState:
    """The final :class:`MPSState` of ``circuit`` (mid-circuit measurements collapse at random, seeded).

    >>> state = simulate(Circuit(3).h(0).cx(0, 1).cx(1, 2))
    >>> state
    MPSState(3 qubits, max bond 2, truncation error 0, fidelity >= 1)
    """
    options = options or MPSOptions()
    dtype = resolve_dtype(dtype)
    program = lower(circuit, params)
    state = _start(program, dtype, options)
    walk(program.ops, _Walker(state, np.random.default_rng(seed), np.zeros(program.num_clbits, dtype=np.uint8)))
    return state


def sample(circuit: Circuit, shots: int, *, params=None, seed=None, dtype=np.complex128, memory: bool = False,
           options: MPSOptions | None = None):
    """``(counts, memory list or None, metadata)`` of ``shots`` shots of ``circuit``.

    >>> counts, memory, _ = sample(Circuit(3).h(0).cx(0, 1).cx(1, 2).measure_all(), 100, seed=1)
    >>> sorted(counts), sum(counts.values()), memory          # a GHZ state: only 000 and 111
    (['000', '111'], 100, None)
    """
    check_shots(shots)
    options = options or MPSOptions()
    dtype = resolve_dtype(dtype)
    program = lower(circuit, params)
    rng = np.random.default_rng(seed)
    if program.terminal_measurements is not None:
        state = _start(program, dtype, options)
        walk(program.ops, _Walker(state, rng, np.zeros(program.num_clbits, dtype=np.uint8)))
        outcomes = _terminal_outcomes(state, program, int(shots), rng)
        metadata = state.metadata
    else:
        outcomes, metadata = _shot_by_shot(program, int(shots), rng, dtype, options)
    width = program.num_clbits
    labels = [format(int(v), f"0{width}b") if width else "" for v in outcomes]
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    return dict(sorted(counts.items())), (labels if memory else None), metadata


def _terminal_outcomes(state: MPSState, program: MPSProgram, shots: int, rng) -> list[int]:
    if not program.terminal_measurements:
        return [0] * shots
    bits = state.sample_bits(shots, rng)
    outcomes = [0] * shots
    for qubit, clbit in program.terminal_measurements:
        column = bits[:, qubit]
        for shot in np.flatnonzero(column):
            outcomes[shot] |= 1 << clbit
        for shot in np.flatnonzero(column == 0):
            outcomes[shot] &= ~(1 << clbit)
    return outcomes


def _shot_by_shot(program: MPSProgram, shots: int, rng, dtype, options: MPSOptions):
    """Each shot walks from a copy of the state before the first non-unitary op; plans are shared."""
    first = next(i for i, op in enumerate(program.ops) if not isinstance(op, GateOp))
    base = _start(program, dtype, options)
    prefix = _Walker(base, rng, np.zeros(program.num_clbits, dtype=np.uint8))
    prefix.run_segment(list(program.ops[:first]), None, True)
    cache: dict = {}
    outcomes, worst = [], None
    for _ in range(shots):
        walker = _Walker(base.copy(), rng, np.zeros(program.num_clbits, dtype=np.uint8), cache)
        walk(program.ops, walker, first)
        outcomes.append(bits_value(walker.clbits))
        if worst is None or walker.state.fidelity_lower_bound < worst.fidelity_lower_bound:
            worst = walker.state
    metadata = dict(worst.metadata if worst is not None else {}, fidelity_note="the lowest over the shots")
    return outcomes, metadata
