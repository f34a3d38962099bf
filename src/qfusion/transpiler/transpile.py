"""``transpile``: a circuit made runnable on a device, with its layouts and a report.

The pipeline: expand gates on three or more qubits; translate to the device's native gates and
optimise (2q block re-synthesis with the fewest entanglers, commutation cancellation, 1q merging);
place and route (SABRE on fixed graphs, atom moves on neutral-atom arrays, nothing on all-to-all
machines); translate the SWAPs and optimise again; on atom arrays, make identical rotations of a
layer global pulses where cheaper; schedule. Everything random is drawn from
``seed``, so the same seed gives the same circuit.

>>> from qfusion.circuit import Circuit
>>> tc = transpile(Circuit(3).h(0).cx(0, 1).cx(1, 2).measure_all(), "trapped_ion", seed=1)
>>> tc.count_ops()["rzz"], tc.report.two_qubit_gates
(2, 2)
"""

from __future__ import annotations

import gc
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from qfusion.circuit.circuit import Circuit, Instruction
from qfusion.circuit.gates import Gate
from qfusion.errors import CircuitError
from qfusion.transpiler.atoms import AtomMove, route_by_moves
from qfusion.transpiler.decompose import unroll
from qfusion.transpiler.global_rotations import lower_global_rotations
from qfusion.transpiler.passes import Target, merge_single_qubit_runs, optimize, translate, two_qubit_count
from qfusion.transpiler.routing import route, sabre_layout
from qfusion.transpiler.scheduling import Schedule, schedule_circuit

_BASES = (("zsx", {"rz", "sx", "x"}), ("zyz", {"rz", "ry"}), ("zxz", {"rz", "rx"}), ("u", {"u"}))


@dataclass(frozen=True)
class TranspileReport:
    """What the device would do with the circuit.

    >>> report = transpile(Circuit(2).h(0).cx(0, 1), "trapped_ion", seed=1).report
    >>> report.device, report.two_qubit_gates, report.swaps
    ('trapped_ion', 1, 0)
    """
    device: str
    native_gate_counts: dict
    two_qubit_gates: int
    depth: int
    duration: float
    estimated_fidelity: float
    swaps: int
    moves: int
    initial_layout: tuple[int, ...]
    final_layout: tuple[int, ...]
    optimization_level: int
    seed: int | None
    time_taken: float
    schedule: Schedule = field(repr=False)

    def as_dict(self) -> dict:
        """The report as plain data (no schedule).

        >>> transpile(Circuit(1).h(0), "trapped_ion", seed=1).report.as_dict()["device"]
        'trapped_ion'
        """
        return {"device": self.device, "native_gate_counts": dict(self.native_gate_counts),
                "two_qubit_gates": self.two_qubit_gates, "depth": self.depth, "duration": self.duration,
                "estimated_fidelity": self.estimated_fidelity, "swaps": self.swaps, "moves": self.moves,
                "initial_layout": list(self.initial_layout), "final_layout": list(self.final_layout),
                "optimization_level": self.optimization_level, "seed": self.seed,
                "time_taken": self.time_taken}


class TranspiledCircuit(Circuit):
    """A circuit on a device's physical qubits; ``initial_layout[i]`` is where logical qubit ``i``
    starts and ``final_layout[i]`` where it ends. ``moves`` are neutral-atom moves.

    >>> tc = transpile(Circuit(3).h(0).cx(0, 2), "superconducting", seed=1)
    >>> len(tc.initial_layout), tc.num_qubits
    (3, 27)
    """

    initial_layout: tuple[int, ...]
    final_layout: tuple[int, ...]
    report: TranspileReport
    moves: tuple[AtomMove, ...]
    device = None

    def active_qubits(self) -> tuple[int, ...]:
        """The physical qubits the circuit touches or places a logical qubit on, in order.

        >>> transpile(Circuit(2).h(0).cx(0, 1), "trapped_ion", seed=1).active_qubits()
        (0, 1)
        """
        used = {q for inst in self.instructions for q in inst.qubits}
        return tuple(sorted(used | set(self.initial_layout)))

    def on_active_qubits(self) -> Circuit:
        """The same circuit on :meth:`active_qubits` only (qubit ``k`` is ``active_qubits()[k]``),
        so that a simulator does not carry the device's idle qubits.

        >>> from qfusion.circuit import Circuit
        >>> tc = transpile(Circuit(2).h(0).cx(0, 1).measure_all(), "superconducting", seed=1)
        >>> tc.num_qubits, tc.on_active_qubits().num_qubits
        (27, 2)
        """
        active = self.active_qubits()
        index = {p: k for k, p in enumerate(active)}
        small = Circuit(len(active), self.num_clbits, name=self.name, global_phase=self.global_phase)
        small._registers.cregs = self.cregs
        small.instructions = [Instruction(i.operation, tuple(index[q] for q in i.qubits), i.clbits, i.condition)
                              for i in self.instructions]
        return small


def target_of(device) -> Target:
    """The single-qubit basis and entangler of ``device``.

    >>> from qfusion.devices import get
    >>> target = target_of(get("trapped_ion"))
    >>> target.basis, target.entangler
    ('zyz', 'rzz')
    """
    native = set(device.native_gates)
    for basis, needed in _BASES:
        if needed <= native:
            return Target(basis, device.entangler, frozenset(native))
    raise CircuitError(f"device {device.name!r}: its single-qubit gates {sorted(native)} form no supported "
                       "basis (rz+sx+x, rz+ry, rz+rx or u)")


def _trials(level: int) -> int:
    return {0: 1, 1: 2, 2: 8, 3: 20}[level]


def transpile(circuit: Circuit, backend="superconducting", *, seed=None, optimization_level: int = 2,
              scheduling: str = "alap", initial_layout=None, trials: int | None = None) -> TranspiledCircuit:
    """``circuit`` in the native gates and connectivity of ``backend`` (a device name or a
    :class:`~qfusion.devices.Device`), with layouts and a :class:`TranspileReport`.

    ``optimization_level`` 0 translates and routes only; 1 also merges single-qubit gates; 2 and 3
    also elide SWAPs into the final layout, re-synthesise two-qubit blocks with the fewest
    entanglers and cancel commuting gates, and try more SABRE layouts (8 at level 2, 20 at level 3,
    or ``trials``). ``initial_layout[i]`` pins logical qubit ``i`` to a physical qubit. A list of
    circuits gives a list of transpiled circuits (each with the same options, as Qiskit's).

    >>> tc = transpile(Circuit(2).h(0).cx(0, 1), "trapped_ion", seed=1)
    >>> sorted(tc.report.native_gate_counts)
    ['ry', 'rz', 'rzz']
    """
    if isinstance(circuit, (list, tuple)):  # as Qiskit's transpile: a list in, a list out, one seed for all
        return [transpile(c, backend, seed=seed, optimization_level=optimization_level,
                          scheduling=scheduling, initial_layout=initial_layout, trials=trials) for c in circuit]
    if not isinstance(circuit, Circuit):
        origin = type(circuit).__module__.split(".")[0]
        hint = (f"convert it with qf.interop.from_{origin}(circuit)" if origin in ("qiskit", "cirq", "stim")
                else "parse OpenQASM text with qf.qasm.loads(text)" if isinstance(circuit, str)
                else "build one with qf.Circuit(num_qubits)")
        raise CircuitError(f"transpile takes a qfusion Circuit (or a list of them), got {type(circuit).__name__}: "
                           f"{hint}")
    # the passes make many small short-lived objects and no reference cycles: a full collection
    # of the whole heap (tens of ms with numba and qiskit loaded) in the middle buys nothing
    with _collector_paused():
        return _transpile(circuit, backend, seed, optimization_level, scheduling, initial_layout, trials)


@contextmanager
def _collector_paused():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check_layout(initial_layout, num_logical: int, device) -> tuple[int, ...]:
    """``initial_layout`` as a tuple, or a :class:`CircuitError` that says what is wrong with it:
    one distinct physical qubit of ``device`` per logical qubit.

    >>> from qfusion.devices import get as get_device
    >>> check_layout([1, 1], 2, get_device("trapped_ion"))
    Traceback (most recent call last):
    ...
    qfusion.errors.CircuitError: initial_layout places logical qubits 0 and 1 both on physical qubit 1; give each its own
    """
    if isinstance(initial_layout, (str, bytes)) or not hasattr(initial_layout, "__len__"):
        raise CircuitError(f"initial_layout must be a list of physical qubits, one per logical qubit, "
                           f"got {initial_layout!r}")
    layout = list(initial_layout)
    if len(layout) != num_logical:
        raise CircuitError(f"initial_layout has {len(layout)} entries for a circuit of {num_logical} qubits; "
                           "give one physical qubit per logical qubit")
    seen: dict[int, int] = {}
    for logical, physical in enumerate(layout):
        if isinstance(physical, (bool, np.bool_)) or not isinstance(physical, (int, np.integer)):
            raise CircuitError(f"initial_layout[{logical}] must be a physical qubit number, got {physical!r}")
        if not 0 <= physical < device.num_qubits:
            raise CircuitError(f"initial_layout[{logical}] = {physical} is not a qubit of device {device.name!r} "
                               f"(0 to {device.num_qubits - 1})")
        if int(physical) in seen:
            raise CircuitError(f"initial_layout places logical qubits {seen[int(physical)]} and {logical} both on "
                               f"physical qubit {physical}; give each its own")
        seen[int(physical)] = logical
    return tuple(int(p) for p in layout)


def _transpile(circuit, backend, seed, optimization_level, scheduling, initial_layout, trials):
    from qfusion.devices import get as get_device
    start = time.perf_counter()
    device = get_device(getattr(backend, "device", backend) if not isinstance(backend, str) else backend)
    if optimization_level not in (0, 1, 2, 3):
        raise CircuitError(f"optimization_level must be 0, 1, 2 or 3, got {optimization_level!r}")
    if circuit.num_qubits > device.num_qubits:
        raise CircuitError(f"the circuit has {circuit.num_qubits} qubits but device {device.name!r} has "
                           f"{device.num_qubits}")
    if circuit.is_parameterized:
        raise CircuitError("bind the circuit's parameters before transpiling (circuit.bind(values))")
    if initial_layout is not None:
        initial_layout = check_layout(initial_layout, circuit.num_qubits, device)
    target = target_of(device)
    unrolled = unroll(circuit)
    permutation = tuple(range(circuit.num_qubits))
    if optimization_level >= 2:
        unrolled.instructions, permutation = elide_swaps(unrolled.instructions, circuit.num_qubits)
    instructions, phase = translate(unrolled.instructions, target)
    phase += float(unrolled.global_phase)
    instructions, phase = _optimise(instructions, target, optimization_level, phase)
    instructions, swaps, initial, final, moves = _place(
        instructions, circuit.num_qubits, device, seed, trials or _trials(optimization_level), initial_layout)
    final = tuple(final[permutation[q]] for q in range(circuit.num_qubits))
    instructions, extra = translate(instructions, target)
    phase += extra
    instructions, phase = _optimise(instructions, target, optimization_level, phase)
    if device.atoms is not None and device.atoms.global_gates:
        loaded = set(initial) | {q for inst in instructions for q in inst.qubits}
        instructions, extra = lower_global_rotations(instructions, device, loaded)
        phase += extra
    if moves:
        # moves were planned on the pre-optimised list; re-plan on the final one
        moves, _ = route_by_moves(instructions, device)
    out = TranspiledCircuit(device.num_qubits, circuit.num_clbits, name=circuit.name, global_phase=phase)
    out._registers.cregs = circuit.cregs
    out.instructions = list(instructions)
    schedule = schedule_circuit(out, device, scheduling, moves)
    counts = out.count_ops()
    out.initial_layout = tuple(initial)
    out.final_layout = tuple(final)
    out.moves = tuple(moves)
    out.device = device
    out.report = TranspileReport(
        device=device.name, native_gate_counts={k: v for k, v in counts.items() if k in device.native_gates},
        two_qubit_gates=two_qubit_count(out.instructions), depth=out.depth(), duration=schedule.duration,
        estimated_fidelity=schedule.estimated_fidelity, swaps=swaps, moves=len(moves),
        initial_layout=out.initial_layout, final_layout=out.final_layout,
        optimization_level=optimization_level, seed=seed, time_taken=time.perf_counter() - start,
        schedule=schedule)
    return out


def elide_swaps(instructions, num_qubits: int):
    """Drop SWAP gates by relabelling the wires after them; returns the instructions and, for each
    logical qubit, the wire it ends on (the final layout absorbs the permutation).

    >>> from qfusion.circuit import Circuit
    >>> instructions, final = elide_swaps(Circuit(2).h(0).swap(0, 1).x(0).instructions, 2)
    >>> [(inst.name, inst.qubits) for inst in instructions], final
    ([('h', (0,)), ('x', (1,))], (1, 0))
    """
    wire = list(range(num_qubits))            # qubit of the original circuit -> wire that now holds it
    out = []
    for inst in instructions:
        if inst.operation.name == "swap" and isinstance(inst.operation, Gate) and inst.condition is None:
            a, b = inst.qubits
            wire[a], wire[b] = wire[b], wire[a]
            continue
        out.append(Instruction(inst.operation, tuple(wire[q] for q in inst.qubits), inst.clbits, inst.condition))
    return out, tuple(wire)


def _optimise(instructions, target, level, phase):
    if level == 0:
        return instructions, phase
    if level == 1:
        instructions, extra = merge_single_qubit_runs(instructions, target)
        return instructions, phase + extra
    instructions, extra = optimize(instructions, target)
    return instructions, phase + extra


def _place(instructions, num_logical, device, seed, trials, initial_layout):
    """``(routed instructions, swaps, initial layout, final layout, moves)``."""
    if device.is_all_to_all or device.atoms is not None:
        layout = tuple(initial_layout) if initial_layout is not None else tuple(range(num_logical))
        mapped = [Instruction(i.operation, tuple(layout[q] for q in i.qubits), i.clbits, i.condition)
                  for i in instructions]
        moves = route_by_moves(mapped, device)[0] if device.atoms is not None else ()
        return mapped, 0, layout, layout, moves
    if initial_layout is not None:
        routed = route(instructions, device.distance_matrix, device.num_qubits, tuple(initial_layout), seed)
    else:
        routed = sabre_layout(instructions, device.distance_matrix, num_logical, device.num_qubits,
                              seed=seed, trials=trials)
    return list(routed.instructions), routed.swaps, routed.initial_layout, routed.final_layout, ()


def check_native(circuit, device) -> None:
    """Raise :class:`CircuitError` unless every gate is native and every pair is coupled (or,
    for atom arrays, brought within the blockade radius by the circuit's moves).

    >>> from qfusion.devices import get
    >>> check_native(Circuit(2).h(0), get("trapped_ion"))
    Traceback (most recent call last):
    ...
    qfusion.errors.CircuitError: ...
    """
    moves = getattr(circuit, "moves", ())
    for index, inst in enumerate(circuit.instructions):
        op = inst.operation
        if isinstance(op, Gate) and op.name not in device.native_gates:
            raise CircuitError(f"instruction {index}: {op.name} is not native to {device.name!r}")
        if isinstance(op, Gate) and len(inst.qubits) == 2 and not device.atoms:
            if not device.allows(*inst.qubits):
                raise CircuitError(f"instruction {index}: qubits {inst.qubits} are not coupled on {device.name!r}")
    if device.atoms is not None:
        from qfusion.transpiler.atoms import check_moves
        check_moves(circuit.instructions, device, moves)
