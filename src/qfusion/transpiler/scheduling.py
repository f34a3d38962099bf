"""Scheduling: when each instruction runs, how long the circuit takes, how likely it succeeds.

ASAP starts every instruction as soon as its qubits are free; ALAP starts it as late as its
successors allow (so qubits sit in ``|0>`` longer instead of decohering after a gate). The
estimated success probability multiplies, over instructions, ``1 - error`` (a global pulse: once
per atom it rotates) and ``1 - erasure`` per qubit, over measurements ``1 - `` the mean assignment
error, and over each idle stretch ``t`` of a qubit the entanglement fidelity of thermal relaxation
``(1 + e^{-t/T1} + 2 e^{-t/T2}) / 4``.

>>> from qfusion.circuit import Circuit
>>> from qfusion.devices import get
>>> device = get("trapped_ion")
>>> schedule = schedule_circuit(Circuit(2, 2).rx(0.1, 0).rzz(0.3, 0, 1).measure(0, 0).measure(1, 1), device)
>>> round(schedule.duration * 1e6)
415
"""

from __future__ import annotations

from dataclasses import dataclass

from qfusion.circuit.gates import Barrier, Gate, Measure, Reset
from qfusion.circuit.modifiers import BroadcastGate
from qfusion.circuit.timing import Delay
from qfusion.errors import CircuitError
from qfusion.noise.channels import relaxation_fidelity


@dataclass(frozen=True)
class Schedule:
    """Start times (s) per instruction, the total duration, idle time per qubit and the estimates.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.devices import get
    >>> schedule = schedule_circuit(Circuit(1, 1).rx(0.5, 0).measure(0, 0), get("trapped_ion"))
    >>> schedule.method, len(schedule.start_times), 0 < schedule.estimated_fidelity < 1
    ('alap', 2, True)
    """
    start_times: tuple[float, ...]
    duration: float
    idle_times: tuple[float, ...]
    estimated_fidelity: float
    gate_fidelity: float
    readout_fidelity: float
    decoherence_fidelity: float
    erasure_probability: float
    method: str


def instruction_duration(inst, device) -> float:
    """How long ``inst`` takes on ``device`` (s): its gate calibration, the measurement time, 0 for a barrier.


    >>> from qfusion.circuit import Circuit
    >>> from qfusion.devices import get
    >>> device = get("superconducting")
    >>> barrier, rz = Circuit(1).barrier().rz(0.1, 0).instructions
    >>> instruction_duration(barrier, device), instruction_duration(rz, device)
    (0.0, 0.0)
    """
    op = inst.operation
    if isinstance(op, Delay):
        return op.seconds(getattr(device, "dt", None))
    if isinstance(op, Barrier):
        return 0.0
    if isinstance(op, Measure):
        return device.measure_duration
    if isinstance(op, Reset):
        return device.measure_duration
    if isinstance(op, Gate):
        return device.gate_duration(op.name, inst.qubits)
    return 0.0


def schedule_circuit(circuit, device, method: str = "alap", moves=(), durations=None) -> Schedule:
    """Schedule ``circuit`` (native gates on the device's physical qubits), with atom ``moves``.
    ``durations``, when given, replaces the calibrated duration of each instruction (one number per
    instruction: what one shot took, when heralded gates repeat a random number of times).

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.devices import get
    >>> device = get("trapped_ion")
    >>> c = Circuit(2).rx(0.1, 0).rx(0.1, 0).rx(0.1, 1)
    >>> alap = schedule_circuit(c, device)
    >>> asap = schedule_circuit(c, device, method="asap")
    >>> alap.duration == asap.duration, alap.start_times[2] > asap.start_times[2]  # qubit 1 waits as late as it can
    (True, True)
    """
    instructions = circuit.instructions if hasattr(circuit, "instructions") else list(circuit)
    n = device.num_qubits
    calibrations: dict = {}          # (name, qubits) -> calibration, looked up once per gate kind and place

    def calibration(op, qubits):
        key = (op.name, qubits)
        found = calibrations.get(key)
        if found is None:
            found = calibrations[key] = device.calibration(op.name, qubits)
        return found

    if durations is None:
        durations = [calibration(inst.operation, inst.qubits).duration if isinstance(inst.operation, Gate)
                     else instruction_duration(inst, device) for inst in instructions]
    elif len(durations) != len(instructions):
        raise CircuitError(f"{len(durations)} durations for {len(instructions)} instructions")
    moves_before: dict[int, list] = {}
    for move in moves:
        moves_before.setdefault(move.before, []).append(move)
    free = [0.0] * n
    starts = []
    busy = [0.0] * n
    first: list[float | None] = [None] * n
    for index, inst in enumerate(instructions):
        for move in moves_before.get(index, ()):
            begin = free[move.qubit]
            free[move.qubit] = begin + move.duration
        start = max((free[q] for q in inst.qubits), default=0.0)
        starts.append(start)
        for q in inst.qubits:
            if first[q] is None and not isinstance(inst.operation, Barrier):
                first[q] = start
            free[q] = start + durations[index]
            if not isinstance(inst.operation, Delay):   # a delay is idle time
                busy[q] += durations[index]
    total = max(free, default=0.0)
    if method == "alap":
        starts = _alap(instructions, durations, moves_before, total, n)
    elif method != "asap":
        raise CircuitError(f"scheduling method must be 'asap' or 'alap', got {method!r}")
    end: list[float] = [0.0] * n  # read only where first is set, and set with it
    first = [None] * n
    for index, inst in enumerate(instructions):
        if isinstance(inst.operation, Delay):
            for q in inst.qubits:
                end[q] = starts[index] + durations[index] if first[q] is not None else end[q]
            continue
        if isinstance(inst.operation, Barrier):
            continue
        for q in inst.qubits:
            first[q] = starts[index] if first[q] is None else first[q]
            end[q] = starts[index] + durations[index]
    for move in moves:
        busy[move.qubit] += move.duration
    idle = tuple(max(0.0, (end[q] - begun) - busy[q]) if (begun := first[q]) is not None else 0.0
                 for q in range(n))
    gate_fidelity = readout_fidelity = 1.0
    survival = 1.0
    for inst in instructions:
        op = inst.operation
        if isinstance(op, Measure):
            p01, p10 = device.qubits[inst.qubits[0]].readout_error
            readout_fidelity *= 1 - (p01 + p10) / 2
        elif isinstance(op, Gate):
            found = calibration(op, inst.qubits)
            # a global pulse (a broadcast gate) errs on each atom it rotates
            gate_fidelity *= (1 - found.error) ** (len(inst.qubits) if isinstance(op, BroadcastGate) else 1)
            survival *= (1 - found.erasure) ** len(inst.qubits)
    for _move in moves:
        survival *= 1 - device.atoms.loss_per_move
    decoherence = 1.0
    for q in range(n):
        if idle[q] > 0:
            qubit = device.qubits[q]
            decoherence *= relaxation_fidelity(idle[q], qubit.t1, qubit.t2)
    fidelity = gate_fidelity * readout_fidelity * decoherence * survival
    return Schedule(tuple(starts), total, idle, fidelity, gate_fidelity, readout_fidelity, decoherence,
                    1 - survival, method)


def _alap(instructions, durations, moves_before, total, n) -> list[float]:
    latest = [total] * n
    starts = [0.0] * len(instructions)
    for index in range(len(instructions) - 1, -1, -1):
        inst = instructions[index]
        finish = min((latest[q] for q in inst.qubits), default=total)
        starts[index] = finish - durations[index]
        for q in inst.qubits:
            latest[q] = starts[index]
        for move in moves_before.get(index, ()):
            latest[move.qubit] -= move.duration
    return starts
