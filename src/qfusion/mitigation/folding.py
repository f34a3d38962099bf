"""Noise scaling for zero-noise extrapolation: unitary folding, identity insertion, pulse stretching.

Folding replaces a circuit (or some of its gates) ``G`` by ``G G^dagger G``: the same unitary, about
three times the noise. As in Mitiq (Giurgica-Tiron et al., arXiv:2005.10921), a scale factor
``lambda >= 1`` is reached by ``(lambda - 1) // 2`` full folds of every gate plus one more fold of
``round(fraction * d / 2)`` of the ``d`` gates (``fraction = (lambda - 1) % 2``): the last gates for
global folding, the first / last / random ones for local folding. Measurements and barriers are
kept in place and never folded. :func:`insert_identities` folds only two-qubit gates (the fixed
identity insertion of He et al., PRA 102, 012426 (2020)); :func:`stretch_device` scales every
gate's duration and error instead (Kandala et al., Nature 567, 491 (2019)): on an emulated device
the gates last longer and the qubits idle longer, and the noise grows with the time.

>>> from qfusion.circuit import Circuit
>>> c = Circuit(2).h(0).cx(0, 1)
>>> fold_global(c, 3).count_ops()
{'h': 3, 'cx': 3}
>>> fold_gates_from_left(c, 2).count_ops()   # scale 2: the first of the two gates folded, 4 gates
{'h': 3, 'cx': 1}
>>> scale_achieved(c, fold_global(c, 5))
5.0
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from qfusion.circuit.gates import Barrier, Measure
from qfusion.errors import MitigationError
from qfusion.mitigation.native import gate_instructions, inverse_instruction, rebuild


def _check_scale(scale: float) -> float:
    scale = float(scale)
    if not math.isfinite(scale) or scale < 1:
        raise MitigationError(f"a noise scale factor must be a number >= 1, got {scale!r}")
    return scale


def _split(circuit):
    """``(body, tail)``: the instructions before the final measurements, and those measurements."""
    instructions = list(circuit.instructions)
    cut = len(instructions)
    while cut > 0 and isinstance(instructions[cut - 1].operation, (Measure, Barrier)):
        cut -= 1
    body, tail = instructions[:cut], instructions[cut:]
    for inst in body:
        if isinstance(inst.operation, Measure) or inst.condition is not None:
            raise MitigationError("folding needs a unitary circuit (measurements only at the end, no conditions)")
    return body, tail


def _fold_counts(scale: float, num_gates: int) -> tuple[int, int]:
    """Full folds of every gate, and how many gates get one more."""
    full, fraction = divmod(scale - 1, 2)
    return int(full), int(round(fraction * num_gates / 2))


def fold_global(circuit, scale: float):
    """``C (C^dagger C)^n`` followed by the fold of the last gates that reaches ``scale``.

    >>> from qfusion.circuit import Circuit
    >>> fold_global(Circuit(1).x(0).h(0), 2).count_ops()   # x h (h^dagger h): scale 2 on 2 gates
    {'x': 1, 'h': 3}
    """
    scale = _check_scale(scale)
    body, tail = _split(circuit)
    gates = [inst for inst in body if not isinstance(inst.operation, Barrier)]
    full, partial = _fold_counts(scale, len(gates))
    inverse = [inverse_instruction(inst) for inst in reversed(gates)]
    out = list(body)
    for _ in range(full):
        out += inverse + gates
    if partial:
        last = gates[len(gates) - partial:]
        out += [inverse_instruction(inst) for inst in reversed(last)] + last
    return rebuild(circuit, out + tail)


def _fold_local(circuit, scale: float, order: str, seed=None, exclude=()):
    scale = _check_scale(scale)
    body, tail = _split(circuit)
    exclude = set(exclude)
    foldable = [k for k, inst in enumerate(body) if k in set(gate_instructions(circuit))
                and inst.operation.name not in exclude
                and not (("single" in exclude and inst.operation.num_qubits == 1)
                         or ("double" in exclude and inst.operation.num_qubits == 2))]
    full, partial = _fold_counts(scale, len(foldable))
    if order == "left":
        extra = set(foldable[:partial])
    elif order == "right":
        extra = set(foldable[len(foldable) - partial:])
    else:
        rng = np.random.default_rng(seed)
        extra = set(rng.choice(foldable, size=partial, replace=False).tolist()) if partial else set()
    chosen = set(foldable)
    out = []
    for k, inst in enumerate(body):
        out.append(inst)
        if k in chosen:
            folds = full + (k in extra)
            out += [inverse_instruction(inst), inst] * folds
    return rebuild(circuit, out + tail)


def fold_gates_from_left(circuit, scale: float, *, exclude=()):
    """Fold every gate ``(scale - 1) // 2`` times and the first remaining ones once more.
    ``exclude``: gate names not to fold, or ``"single"`` / ``"double"`` for all one- / two-qubit gates.

    >>> from qfusion.circuit import Circuit
    >>> fold_gates_from_left(Circuit(1).x(0).h(0), 3).count_ops()
    {'x': 3, 'h': 3}
    """
    return _fold_local(circuit, scale, "left", exclude=exclude)


def fold_gates_from_right(circuit, scale: float, *, exclude=()):
    """As :func:`fold_gates_from_left`, the extra folds on the last gates.

    >>> from qfusion.circuit import Circuit
    >>> fold_gates_from_right(Circuit(2).h(0).cx(0, 1), 2).count_ops()  # the last gate folded once
    {'h': 1, 'cx': 3}
    """
    return _fold_local(circuit, scale, "right", exclude=exclude)


def fold_gates_at_random(circuit, scale: float, *, seed=None, exclude=()):
    """As :func:`fold_gates_from_left`, the extra folds on gates drawn at random (without repeats).

    >>> from qfusion.circuit import Circuit
    >>> folded = fold_gates_at_random(Circuit(1).x(0).y(0).z(0).h(0), 2, seed=1)
    >>> sum(folded.count_ops().values())  # two of the four gates folded: 4 + 2 * 2
    8
    """
    return _fold_local(circuit, scale, "random", seed=seed, exclude=exclude)


def insert_identities(circuit, scale: float):
    """Each two-qubit gate ``G`` becomes ``G (G^dagger G)^k``: noise scaled on the entanglers only
    (``scale`` counts two-qubit gates).

    >>> from qfusion.circuit import Circuit
    >>> insert_identities(Circuit(2).h(0).cx(0, 1), 3).count_ops()
    {'h': 1, 'cx': 3}
    """
    return _fold_local(circuit, scale, "left", exclude=("single",))


FOLDING = {"global": fold_global, "left": fold_gates_from_left, "right": fold_gates_from_right,
           "random": fold_gates_at_random, "identity": insert_identities}


def scale_achieved(original, folded, *, weights=None) -> float:
    """The noise scale that ``folded`` reached: its gate count over the original's (weighted by
    ``weights[name]``, e.g. gate errors, when given; virtual gates with weight 0 then do not count).

    >>> from qfusion.circuit import Circuit
    >>> c = Circuit(2).h(0).cx(0, 1)
    >>> scale_achieved(c, fold_gates_from_right(c, 2)), scale_achieved(c, fold_gates_from_right(c, 2), weights={"h": 0.0, "cx": 1.0})
    (2.0, 3.0)
    """
    def total(circuit):
        return sum((weights.get(inst.operation.name, 1.0) if weights else 1.0)
                   for k, inst in enumerate(circuit.instructions) if k in set(gate_instructions(circuit)))
    base = total(original)
    return float(total(folded) / base) if base else 1.0


def stretch_device(device, factor: float):
    """``device`` with every gate ``factor`` times longer and ``factor`` times more error-prone (the
    noise of a stretched pulse at constant noise rate); readout is unchanged.

    >>> from qfusion.devices import get
    >>> slow = stretch_device(get("trapped_ion"), 3)
    >>> round(slow.gate_duration("rzz", (0, 1)) / get("trapped_ion").gate_duration("rzz", (0, 1)), 6)
    3.0
    """
    factor = _check_scale(factor)
    gates = tuple(calibration if calibration.name == "measure" else
                  replace(calibration, duration=calibration.duration * factor,
                          error=min(calibration.error * factor, 0.75))
                  for calibration in device.gates)
    return replace(device, name=f"{device.name}", gates=gates, max_duration=device.max_duration * factor)
