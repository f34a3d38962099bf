"""Dynamical decoupling: pulse sequences that multiply to the identity, spread over the idle windows
of a device circuit's schedule (Viola, Knill & Lloyd, PRL 82, 2417 (1999)).

``"XX"`` (a spin echo), ``"XY4"`` (X Y X Y, robust to pulse errors) and ``"CPMG"`` (two ``Y``-phase
pi pulses; Carr-Purcell-Meiboom-Gill) go on a qubit wherever it waits at least the sequence's
duration (its pulses' calibrated durations, times ``spacing`` slack) between two of its
instructions. The ``k`` pulses are spread evenly with delays (:class:`~qfusion.circuit.timing.Delay`):
``tau/2, P1, tau, P2, ..., Pk, tau/2``, so that a qubit's coherent Z error (a detuning,
:attr:`qfusion.devices.QubitCalibration.detuning`) turns one way before each pulse and back after
it, and cancels over the window. The sequences multiply to the identity up to a global phase, so
the circuit's unitary is unchanged.

The windows come from the schedule the emulated devices run, ``"asap"`` (every instruction as soon
as its qubits are free); ``schedule="alap"`` uses the transpiler's as-late-as-possible schedule
instead, and then pads every other wait with a delay so the device runs that schedule.

Markovian relaxation (T1, T2) is not refocused: on a device without detuning decoupling costs its
pulses' errors and gains nothing. :meth:`qfusion.devices.Device.with_detuning` and
``qfusion.devices.profiles.superconducting(coherent_idle=True)`` give the devices a coherent idle error.

>>> from qfusion.circuit import Circuit
>>> from qfusion.transpiler import transpile
>>> tc = transpile(Circuit(3).h(0).cx(0, 1).cx(1, 2).measure_all(), "trapped_ion", seed=1)
>>> decoupled = decouple(tc, "XY4")
>>> decoupled.report.native_gate_counts["ry"] - tc.report.native_gate_counts["ry"]   # X Y X Y on a waiting qubit
4
>>> round(decoupled.report.duration, 9) == round(tc.report.duration, 9)   # only idle time is used
True
"""

from __future__ import annotations

from qfusion.circuit.circuit import Instruction
from qfusion.circuit.gates import Barrier, standard_gate
from qfusion.circuit.timing import Delay
from qfusion.errors import MitigationError
from qfusion.mitigation.native import is_native, rebuild
from qfusion.mitigation.technique import Technique
from qfusion.transpiler.passes import translate
from qfusion.transpiler.scheduling import instruction_duration, schedule_circuit
from qfusion.transpiler.transpile import target_of

SEQUENCES = {"XX": ("x", "x"), "XY4": ("x", "y", "x", "y"), "CPMG": ("y", "y")}
SCHEDULES = ("asap", "alap")


def idle_windows(circuit, schedule: str = "asap") -> list[tuple[int, int, float]]:
    """``(qubit, index of the next instruction, idle seconds)`` for every wait between two
    instructions of a qubit in the circuit's ``schedule`` (``"asap"`` or ``"alap"``); delays
    already in the circuit count as idle time.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.transpiler import transpile
    >>> tc = transpile(Circuit(2).h(0).cx(0, 1).h(1).measure_all(), "trapped_ion", seed=1)
    >>> all(seconds > 0 for _, _, seconds in idle_windows(tc))
    True
    """
    return [(q, index, idle) for q, index, idle, leading in _waits(circuit, schedule) if not leading]


def _waits(circuit, schedule: str) -> list[tuple[int, int, float, bool]]:
    """Every wait of a qubit before one of its instructions: ``(qubit, index, seconds, leading)``,
    ``leading`` when nothing came before it on that qubit."""
    if schedule not in SCHEDULES:
        raise MitigationError(f"schedule must be 'asap' or 'alap', got {schedule!r}")
    device = circuit.device
    starts = schedule_circuit(circuit, device, schedule, circuit.moves).start_times
    moved: dict[tuple[int, int], float] = {}
    for move in circuit.moves:
        moved[(move.qubit, move.before)] = moved.get((move.qubit, move.before), 0.0) + move.duration
    last_end: dict[int, float] = {}
    out = []
    for index, inst in enumerate(circuit.instructions):
        if isinstance(inst.operation, Barrier):       # delays included: their time is idle
            continue
        start = starts[index]
        for q in inst.qubits:
            # an atom that moves before this instruction is busy moving for that long
            idle = start - last_end.get(q, 0.0) - moved.get((q, index), 0.0)
            if idle > 1e-15:
                out.append((q, index, idle, q not in last_end))
        for q in inst.qubits:
            last_end[q] = start + instruction_duration(inst, device)
    return out


def _pulse_durations(device, qubit: int, sequence: str) -> list[float]:
    """The calibrated duration of each pulse of ``sequence`` on ``qubit``, as its native gates."""
    target = target_of(device)
    out = []
    for name in SEQUENCES[sequence]:
        native, _ = translate([Instruction(standard_gate(name), (qubit,))], target)
        out.append(sum(instruction_duration(inst, device) for inst in native))
    return out


def _spread(qubit: int, names, durations, window: float) -> list[Instruction]:
    """``tau/2, P1, tau, ..., Pk, tau/2`` filling ``window`` seconds exactly."""
    tau = (window - sum(durations)) / len(names)
    out: list[Instruction] = []
    for k, name in enumerate(names):
        gap = tau / 2 if k == 0 else tau
        if gap > 0:
            out.append(Instruction(Delay(1, gap), (qubit,)))
        out.append(Instruction(standard_gate(name), (qubit,)))
    if tau / 2 > 0:
        out.append(Instruction(Delay(1, tau / 2), (qubit,)))
    return out


def decouple(circuit, sequence: str = "XY4", *, spacing: float = 1.0, schedule: str = "asap"):
    """``circuit`` (transpiled for a device) with ``sequence`` spread over each idle window long enough
    (see the module docstring); the circuit's duration is unchanged.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.transpiler import transpile
    >>> tc = transpile(Circuit(2).h(0).cx(0, 1).measure_all(), "trapped_ion", seed=1)
    >>> decouple(tc, "XX").num_qubits == tc.num_qubits
    True
    """
    if sequence not in SEQUENCES:
        raise MitigationError(f"sequence must be one of {', '.join(SEQUENCES)}, got {sequence!r}")
    if not is_native(circuit):
        raise MitigationError("dynamical decoupling needs a circuit transpiled for a device (its schedule)")
    device = circuit.device
    names = SEQUENCES[sequence]
    # the circuit's own delays followed by an instruction on each of their qubits lie in the windows
    # below, which are filled whole (pulses and delays, or one delay): they are dropped
    inner = _inner_delays(circuit.instructions)
    pad = schedule == "alap" or bool(inner)
    pulses: dict[int, list[float]] = {}
    insert: dict[int, list[Instruction]] = {}
    for qubit, index, idle, leading in _waits(circuit, schedule):
        durations = pulses.get(qubit)
        if durations is None:
            durations = pulses[qubit] = _pulse_durations(device, qubit, sequence)
        needed = sum(durations) * spacing
        if not leading and idle >= needed and needed > 0:
            insert.setdefault(index, []).extend(_spread(qubit, names, durations, idle))
        elif pad:
            # the device starts gates as soon as their qubits are free: hold this one to its scheduled time
            insert.setdefault(index, []).append(Instruction(Delay(1, idle), (qubit,)))
    if not insert:
        return circuit
    out = []
    for index, inst in enumerate(circuit.instructions):
        out += insert.get(index, [])
        if index not in inner:
            out.append(inst)
    return rebuild(circuit, out)


def _inner_delays(instructions) -> set[int]:
    """Positions of the delays each of whose qubits has a later instruction (not a barrier)."""
    later: set[int] = set()
    inner = set()
    for index in range(len(instructions) - 1, -1, -1):
        inst = instructions[index]
        if isinstance(inst.operation, Delay):
            if all(q in later for q in inst.qubits):
                inner.add(index)
        elif not isinstance(inst.operation, Barrier):
            later.update(inst.qubits)
    return inner


class DynamicalDecoupling(Technique):
    """Spread ``sequence`` (``"XX"``, ``"XY4"``, ``"CPMG"``) over the idle windows of each measured
    circuit, in the ``schedule`` the device runs (``"asap"``, the emulators') or ``"alap"``.

    >>> DynamicalDecoupling("CPMG").sequence, DynamicalDecoupling().level
    ('CPMG', 'counts')
    """
    stage_order = 10

    def __init__(self, sequence: str = "XY4", *, spacing: float = 1.0, schedule: str = "asap"):
        if sequence not in SEQUENCES:
            raise MitigationError(f"sequence must be one of {', '.join(SEQUENCES)}, got {sequence!r}")
        if not spacing >= 1:
            raise MitigationError(f"spacing must be >= 1 (slack over the pulses' duration), got {spacing!r}")
        if schedule not in SCHEDULES:
            raise MitigationError(f"schedule must be 'asap' or 'alap', got {schedule!r}")
        self.sequence, self.spacing, self.schedule = sequence, float(spacing), schedule

    def __repr__(self) -> str:
        return f"DynamicalDecoupling(sequence={self.sequence!r}, schedule={self.schedule!r})"

    def check(self, executor) -> None:
        """Refuse a backend without a device schedule (decoupling fills its idle windows).


        >>> from qfusion.mitigation.pipeline import Executor
        >>> DynamicalDecoupling().check(Executor("statevector"))
        Traceback (most recent call last):
            ...
        qfusion.errors.MitigationError: dynamical decoupling needs an emulated device (its schedule); backend 'statevector' has none
        """
        if executor.device is None:
            raise MitigationError("dynamical decoupling needs an emulated device (its schedule); "
                                  f"backend {executor.backend.name!r} has none")

    def run_counts(self, executor, circuit, shots, run):
        """The counts of ``circuit`` decoupled, through the rest of the counts stage (``run``).


        >>> from qfusion.circuit import Circuit
        >>> from qfusion.mitigation.pipeline import Executor
        >>> executor = Executor("trapped_ion", shots=100, seed=1)
        >>> from qfusion.transpiler import transpile
        >>> circuit = transpile(Circuit(2, 2).x(0).cx(0, 1).h(1).measure(0, 0).measure(1, 1), "trapped_ion", seed=1)
        >>> counts = DynamicalDecoupling().run_counts(executor, circuit, 100, executor.run)
        >>> sum(counts.values())
        100
        """
        return run(decouple(circuit, self.sequence, spacing=self.spacing, schedule=self.schedule), shots)
