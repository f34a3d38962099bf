"""Native circuits after a mitigation pass: translate new gates, re-plan moves, refresh the report.

Mitigation passes edit circuits that the transpiler already made native (folding adds inverses,
twirling and PEC add Paulis, decoupling adds pulses). :func:`rebuild` turns the edited list back
into a :class:`~qfusion.transpiler.TranspiledCircuit` for the same (or a stretched) device without
optimising it again, so nothing the pass added is cancelled.

>>> from qfusion.circuit import Circuit
>>> from qfusion.transpiler import transpile
>>> tc = transpile(Circuit(1).sx(0), "superconducting", seed=1)
>>> out = rebuild(tc, tc.instructions + [inverse_instruction(i) for i in tc.instructions[::-1]])
>>> sorted(out.count_ops().items())   # sx then sx^dagger = rz(pi) sx rz(pi), natively
[('rz', 2), ('sx', 2)]
"""

from __future__ import annotations

from dataclasses import replace

from qfusion.circuit.circuit import Circuit, Instruction
from qfusion.circuit.gates import Gate
from qfusion.circuit.modifiers import BroadcastGate
from qfusion.errors import MitigationError
from qfusion.transpiler.atoms import route_by_moves
from qfusion.transpiler.passes import translate, two_qubit_count
from qfusion.transpiler.scheduling import schedule_circuit
from qfusion.transpiler.transpile import TranspiledCircuit, target_of


def is_native(circuit) -> bool:
    """Whether ``circuit`` is a transpiled circuit that knows its device.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.transpiler import transpile
    >>> is_native(Circuit(1).x(0)), is_native(transpile(Circuit(1).x(0), "superconducting", seed=1))
    (False, True)
    """
    return isinstance(circuit, TranspiledCircuit) and circuit.device is not None


def inverse_instruction(inst: Instruction) -> Instruction:
    """The instruction that undoes ``inst`` (a unitary gate).

    >>> from qfusion.circuit import Circuit
    >>> inverse_instruction(Circuit(1).s(0).instructions[0])
    Instruction(Gate('sdg'), qubits=(0,))
    """
    if not isinstance(inst.operation, Gate):
        raise MitigationError(f"only a unitary gate can be inverted, got {inst.operation.name!r}")
    return Instruction(inst.operation.inverse(), inst.qubits, inst.clbits, inst.condition)


def rebuild(template, instructions, *, device=None, global_phase: float = 0.0, num_clbits: int | None = None):
    """``instructions`` as a circuit like ``template``: for a transpiled circuit, native again (new gates
    translated, atom moves re-planned, schedule and report refreshed) on ``device`` (default its own);
    for any other circuit, a plain copy with the instructions. ``global_phase`` is added; ``num_clbits``
    replaces the classical register by one of that size.

    >>> from qfusion.circuit import Circuit
    >>> c = Circuit(2).h(0).cx(0, 1)
    >>> rebuild(c, c.instructions[::-1]).instructions
    [Instruction(Gate('cx'), qubits=(0, 1)), Instruction(Gate('h'), qubits=(0,))]
    """
    if not is_native(template):
        out = _plain_copy(template, num_clbits)
        out.instructions = list(instructions)
        out.global_phase = float(out.global_phase) + global_phase
        return out
    device = device or template.device
    native, phase = _translate(list(instructions), device)
    moves = route_by_moves(native, device)[0] if template.moves else ()
    out = TranspiledCircuit(template.num_qubits, template.num_clbits if num_clbits is None else num_clbits,
                            name=template.name, global_phase=float(template.global_phase) + phase + global_phase)
    if num_clbits is None:
        out._registers.cregs = template.cregs
    out.instructions = native
    out.initial_layout = template.initial_layout
    out.final_layout = template.final_layout
    out.moves = tuple(moves)
    out.device = device
    schedule = schedule_circuit(out, device, "alap", out.moves)
    counts = out.count_ops()
    out.report = replace(template.report, device=device.name,
                         native_gate_counts={k: v for k, v in counts.items() if k in device.native_gates},
                         two_qubit_gates=two_qubit_count(native), depth=out.depth(), duration=schedule.duration,
                         estimated_fidelity=schedule.estimated_fidelity, moves=len(out.moves), schedule=schedule)
    return out


def _translate(instructions, device) -> tuple[list[Instruction], float]:
    """:func:`translate`, keeping the device's global pulses (broadcast gates of a native name) as they are."""
    target = target_of(device)
    out: list[Instruction] = []
    phase = 0.0
    run: list[Instruction] = []
    for inst in instructions + [None]:
        if inst is None or (isinstance(inst.operation, BroadcastGate) and inst.operation.name in target.native):
            done, extra = translate(run, target)
            out += done
            phase += extra
            run = []
            if inst is not None:
                out.append(inst)
        else:
            run.append(inst)
    return out, phase


def _plain_copy(circuit, num_clbits=None) -> Circuit:
    new = Circuit(circuit.num_qubits, circuit.num_clbits if num_clbits is None else num_clbits, name=circuit.name,
                  global_phase=circuit.global_phase)
    if num_clbits is None:
        new._registers.cregs = circuit.cregs
    return new


def gate_instructions(circuit) -> list[int]:
    """Positions of the unitary gates of ``circuit`` (no measurements, barriers or noise).

    >>> from qfusion.circuit import Circuit
    >>> gate_instructions(Circuit(1, 1).h(0).barrier().x(0).measure(0, 0))
    [0, 2]
    """
    return [k for k, inst in enumerate(circuit.instructions)
            if isinstance(inst.operation, Gate) and inst.condition is None]
