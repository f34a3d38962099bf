"""Global rotations on atom arrays: one laser pulse that rotates every loaded atom at once.

Atom arrays drive single-qubit rotations with a global beam (all atoms, one pulse) or with
addressed beams (one atom, slower and noisier; Xia et al., PRL 114, 100503 (2015)). After the
circuit is in native gates, :func:`lower_global_rotations` looks at each layer (instructions that
could run at the same time) and at each set ``S`` of identical rotations ``R(θ)`` (``rx`` or
``ry``, same angle) in it, and picks the cheapest of:

* the local gates as they are;
* when ``S`` is every loaded atom, one global pulse ``global_R(θ)``;
* otherwise the echo ``global_R(θ/2) · Z(rest) · global_R(θ/2) · Z(rest)``: on an atom outside
  ``S`` it is ``Z R(θ/2) Z R(θ/2) = R(-θ/2) R(θ/2) = 1`` (``rz(π) = -iZ``, so a phase of π per such
  atom goes into the global phase), on the atoms of ``S`` it is ``R(θ)``.

The cost of an option is the sum of its calibrated gate errors (a global pulse errs on every
loaded atom) plus, for every loaded atom, the relaxation infidelity of waiting for its duration;
what :func:`~qfusion.transpiler.scheduling.schedule_circuit` then estimates is the same model.

>>> from qfusion.circuit import Circuit
>>> from qfusion.devices import get
>>> device = get("neutral_atom")
>>> layer = Circuit(24).ry(0.5, 0).ry(0.5, 1).ry(0.5, 2).cz(0, 1).instructions
>>> lowered, phase = lower_global_rotations(layer, device, loaded=(0, 1, 2))
>>> [(inst.name, inst.qubits) for inst in lowered], phase
([('global_ry', (0, 1, 2)), ('cz', (0, 1))], 0.0)
"""

from __future__ import annotations

import math

from qfusion.circuit.circuit import Instruction
from qfusion.circuit.gates import Gate, standard_gate
from qfusion.circuit.modifiers import BroadcastGate
from qfusion.noise.channels import relaxation_fidelity

_PREFIX = "global_"
_ANGLE_DIGITS = 12


def global_gate(device, local_name: str, angle: float, num_atoms: int) -> BroadcastGate:
    """The device's global pulse ``global_<local_name>(angle)`` on ``num_atoms`` atoms.

    >>> from qfusion.devices import get
    >>> global_gate(get("neutral_atom"), "ry", 0.5, 4).name
    'global_ry'
    """
    return BroadcastGate(standard_gate(local_name, float(angle)), num_atoms, name=_PREFIX + local_name)


def _layers(instructions) -> list[int]:
    """The ASAP layer of each instruction over its qubits, classical bits and condition bits."""
    qubit_level: dict[int, int] = {}
    clbit_level: dict[int, int] = {}
    layers = []
    for inst in instructions:
        clbits = tuple(inst.clbits) + (tuple(inst.condition.clbits) if inst.condition is not None else ())
        level = 1 + max([qubit_level.get(q, -1) for q in inst.qubits] + [clbit_level.get(c, -1) for c in clbits])
        for q in inst.qubits:
            qubit_level[q] = level
        for c in clbits:
            clbit_level[c] = level
        layers.append(level)
    return layers


def _wait_cost(device, atoms, duration: float) -> float:
    return sum(1 - relaxation_fidelity(duration, device.qubits[q].t1, device.qubits[q].t2) for q in atoms)


def _options(device, name: str, targets: frozenset, loaded: tuple[int, ...]) -> dict[str, float]:
    """``{option: cost}`` for rotating ``targets`` (of the ``loaded`` atoms) by one ``name`` angle."""
    local = [device.calibration(name, (q,)) for q in sorted(targets)]
    options = {"local": sum(c.error for c in local) + _wait_cost(device, loaded, max(c.duration for c in local))}
    pulse = [device.calibration(_PREFIX + name, (q,)) for q in loaded]
    pulse_error, pulse_time = sum(c.error for c in pulse), max(c.duration for c in pulse)
    if targets == frozenset(loaded):
        options["global"] = pulse_error + _wait_cost(device, loaded, pulse_time)
    elif "rz" in device.native_gates:
        rest = [device.calibration("rz", (q,)) for q in loaded if q not in targets]
        z_time = max(c.duration for c in rest)
        options["echo"] = 2 * pulse_error + 2 * sum(c.error for c in rest) + \
            _wait_cost(device, loaded, 2 * pulse_time + 2 * z_time)
    return options


def _rotation_key(inst: Instruction, rotations: set, loaded: set):
    op = inst.operation
    if (isinstance(op, Gate) and inst.condition is None and op.name in rotations and len(inst.qubits) == 1
            and inst.qubits[0] in loaded and not op.is_parameterized):
        return op.name, round(math.remainder(float(op.params[0]), 4 * math.pi), _ANGLE_DIGITS)
    return None


def lower_global_rotations(instructions, device, loaded) -> tuple[list[Instruction], float]:
    """``(instructions, extra global phase)``: identical rotations of a layer made global pulses where
    that is cheaper (see the module docstring). ``loaded`` are the atoms the circuit holds; a global
    pulse acts on all of them. The result is in layer order, which keeps every qubit's and classical
    bit's order of operations.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.devices import get
    >>> device = get("neutral_atom")
    >>> every_atom = Circuit(24).ry(0.5, 0).ry(0.5, 1).ry(0.5, 2).instructions
    >>> [(inst.name, inst.qubits) for inst in lower_global_rotations(every_atom, device, loaded=(0, 1, 2))[0]]
    [('global_ry', (0, 1, 2))]
    >>> one_atom = Circuit(24).ry(0.5, 0).instructions        # a global pulse would rotate the others too
    >>> [(inst.name, inst.qubits) for inst in lower_global_rotations(one_atom, device, loaded=(0, 1, 2))[0]]
    [('ry', (0,))]
    """
    atoms = device.atoms
    rotations = {g[len(_PREFIX):] for g in (atoms.global_gates if atoms is not None else ())
                 if g.startswith(_PREFIX) and g in device.native_gates}
    instructions = list(instructions)
    loaded = tuple(sorted(set(loaded)))
    if not rotations or not loaded:
        return instructions, 0.0
    layers = _layers(instructions)
    by_layer: dict[int, list[int]] = {}
    for index, level in enumerate(layers):
        by_layer.setdefault(level, []).append(index)
    loaded_set = set(loaded)
    out: list[Instruction] = []
    phase = 0.0
    for level in sorted(by_layer):
        groups: dict[tuple, list[int]] = {}
        for index in by_layer[level]:
            key = _rotation_key(instructions[index], rotations, loaded_set)
            if key is not None:
                groups.setdefault(key, []).append(index)
        replaced: set[int] = set()
        for (name, _), members in groups.items():
            targets = frozenset(instructions[i].qubits[0] for i in members)
            options = _options(device, name, targets, loaded)
            choice = min(options, key=options.__getitem__)
            if choice == "local":
                continue
            angle = float(instructions[members[0]].operation.params[0])
            replaced.update(members)
            if choice == "global":
                out.append(Instruction(global_gate(device, name, angle, len(loaded)), loaded))
                continue
            rest = [q for q in loaded if q not in targets]
            half = Instruction(global_gate(device, name, angle / 2, len(loaded)), loaded)
            flips = [Instruction(standard_gate("rz", math.pi), (q,)) for q in rest]
            out += [half, *flips, half, *flips]
            phase += math.pi * len(rest)
        out += [instructions[i] for i in by_layer[level] if i not in replaced]
    return out, phase
