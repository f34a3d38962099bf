"""Dynamical decoupling: pulse sequences that multiply to the identity in the idle windows of the
ALAP schedule that the transpiler computes (Viola, Knill & Lloyd, PRL 82, 2417 (1999)).

``"XX"`` (a spin echo), ``"XY4"`` (X Y X Y, robust to pulse errors) and ``"CPMG"`` (two ``Y``-phase
pi pulses; Carr-Purcell-Meiboom-Gill) are inserted on a qubit wherever it waits at least the
sequence's duration (its pulses' calibrated durations, times ``spacing`` slack) between two of
its instructions. The sequences multiply to the identity up to a global phase, so the circuit's
unitary is unchanged.

Note: the emulated devices model idle noise as Markovian relaxation (T1, T2) and start gates as
soon as their qubits are free; decoupling refocuses coherent and slow noise only, so there it
costs the pulses' own errors and gains nothing. It pays off on hardware with quasi-static
dephasing or ZZ crosstalk.

>>> from qfusion.circuit import Circuit
>>> from qfusion.transpiler import transpile
>>> tc = transpile(Circuit(3).h(0).cx(0, 1).cx(1, 2).measure_all(), "trapped_ion", seed=1)
>>> decoupled = decouple(tc, "XY4")
>>> decoupled.report.native_gate_counts["ry"] - tc.report.native_gate_counts["ry"]   # X Y X Y on qubit 0
4
"""

from __future__ import annotations

from qfusion.circuit.circuit import Instruction
from qfusion.circuit.gates import Barrier, standard_gate
from qfusion.errors import MitigationError
from qfusion.mitigation.native import is_native, rebuild
from qfusion.mitigation.technique import Technique
from qfusion.transpiler.scheduling import instruction_duration

SEQUENCES = {"XX": ("x", "x"), "XY4": ("x", "y", "x", "y"), "CPMG": ("y", "y")}


def idle_windows(circuit) -> list[tuple[int, int, float]]:
    """``(qubit, index of the next instruction, idle seconds)`` for every wait between two
    instructions of a qubit in the circuit's ALAP schedule.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.transpiler import transpile
    >>> tc = transpile(Circuit(2).h(0).cx(0, 1).h(1).measure_all(), "trapped_ion", seed=1)
    >>> all(seconds > 0 for _, _, seconds in idle_windows(tc))
    True
    """
    schedule = circuit.report.schedule
    device = circuit.device
    last_end: dict[int, float] = {}
    out = []
    for index, inst in enumerate(circuit.instructions):
        if isinstance(inst.operation, Barrier):
            continue
        start = schedule.start_times[index]
        for q in inst.qubits:
            if q in last_end and start - last_end[q] > 0:
                out.append((q, index, start - last_end[q]))
        for q in inst.qubits:
            last_end[q] = start + instruction_duration(inst, device)
    return out


def decouple(circuit, sequence: str = "XY4", *, spacing: float = 1.0):
    """``circuit`` (transpiled for a device) with ``sequence`` in each idle window long enough.

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
    insert: dict[int, list[Instruction]] = {}
    for qubit, index, idle in idle_windows(circuit):
        pulses = [Instruction(standard_gate(name), (qubit,)) for name in SEQUENCES[sequence]]
        native = rebuild(circuit, pulses).instructions
        needed = sum(instruction_duration(inst, device) for inst in native) * spacing
        if idle >= needed and needed > 0:
            insert.setdefault(index, []).extend(pulses)
    out = []
    for index, inst in enumerate(circuit.instructions):
        out += insert.get(index, [])
        out.append(inst)
    return rebuild(circuit, out)


class DynamicalDecoupling(Technique):
    """Insert ``sequence`` (``"XX"``, ``"XY4"``, ``"CPMG"``) into the idle windows of each measured circuit.

    >>> DynamicalDecoupling("CPMG").sequence, DynamicalDecoupling().level
    ('CPMG', 'counts')
    """
    order = 10

    def __init__(self, sequence: str = "XY4", *, spacing: float = 1.0):
        if sequence not in SEQUENCES:
            raise MitigationError(f"sequence must be one of {', '.join(SEQUENCES)}, got {sequence!r}")
        if not spacing >= 1:
            raise MitigationError(f"spacing must be >= 1 (slack over the pulses' duration), got {spacing!r}")
        self.sequence, self.spacing = sequence, float(spacing)

    def __repr__(self) -> str:
        return f"DynamicalDecoupling(sequence={self.sequence!r})"

    def check(self, executor) -> None:
        """Refuse a backend without a device schedule (decoupling fills its idle windows).


        >>> from qfusion.mitigation.pipeline import Executor
        >>> DynamicalDecoupling().check(Executor("statevector"))
        Traceback (most recent call last):
            ...
        qfusion.errors.MitigationError: dynamical decoupling needs an emulated device (its ALAP schedule); backend 'statevector' has none
        """
        if executor.device is None:
            raise MitigationError("dynamical decoupling needs an emulated device (its ALAP schedule); "
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
        return run(decouple(circuit, self.sequence, spacing=self.spacing), shots)
