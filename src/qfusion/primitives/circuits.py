"""Circuit preparation shared by the primitives: unitary parts, inlined definitions, parameter values.

>>> from qfusion.circuit import Circuit, Parameter
>>> t = Parameter("t")
>>> c = Circuit(2).rx(t, 0).cx(0, 1).measure_all()
>>> unitary_part(c).count_ops()
{'rx': 1, 'cx': 1}
>>> parameter_values(c, [0.5])
{'t': 0.5}
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from qfusion.circuit import Barrier, Circuit, CircuitGate, Gate, Measure
from qfusion.circuit.timing import Delay
from qfusion.errors import CircuitError


def unitary_part(circuit: Circuit) -> Circuit:
    """``circuit`` without barriers and final measurements (delays stay); anything else non-unitary is refused.

    A measurement counts as final when no later instruction touches its qubit.

    >>> unitary_part(Circuit(2).h(0).barrier().cx(0, 1).measure_all()).count_ops()
    {'h': 1, 'cx': 1}
    """
    out = Circuit(circuit.num_qubits, global_phase=circuit.global_phase, name=circuit.name)
    measured: set[int] = set()
    for inst in circuit.instructions:
        op = inst.operation
        if isinstance(op, Delay):                 # timing, kept for devices that decohere while idle
            out.append(op, inst.qubits)
            continue
        if isinstance(op, Barrier):
            continue
        if isinstance(op, Measure) and inst.condition is None:
            measured.add(inst.qubits[0])
            continue
        if not isinstance(op, Gate) or inst.condition is not None:
            raise CircuitError(f"{op.name} is not a unitary gate; expectation values and gradients need a "
                               f"circuit of gates (final measurements are dropped)")
        if measured.intersection(inst.qubits):
            raise CircuitError(f"{op.name} on qubit(s) {list(inst.qubits)} follows a measurement; expectation "
                               f"values need the measurements at the end")
        out.append(op, inst.qubits)
    return out


def inline(circuit: Circuit) -> Circuit:
    """Replace every :class:`CircuitGate` by its definition's gates (recursively).

    >>> from qfusion.circuit import CircuitGate
    >>> bell = CircuitGate(Circuit(2).h(0).cx(0, 1), name="bell")
    >>> inline(Circuit(3).gate(bell, 1, 2)).instructions
    [Instruction(Gate('h'), qubits=(1,)), Instruction(Gate('cx'), qubits=(1, 2))]
    """
    if not any(isinstance(inst.operation, CircuitGate) for inst in circuit.instructions):
        return circuit
    out = Circuit(circuit.num_qubits, global_phase=circuit.global_phase, name=circuit.name)
    _inline_into(out, circuit, list(range(circuit.num_qubits)))
    return out


def _inline_into(out: Circuit, circuit: Circuit, qubits: list[int]) -> None:
    for inst in circuit.instructions:
        op = inst.operation
        mapped = [qubits[q] for q in inst.qubits]
        if isinstance(op, CircuitGate):
            out.global_phase = out.global_phase + op.definition.global_phase
            _inline_into(out, op.definition, mapped)
        elif isinstance(op, Gate):
            out.append(op, mapped)


def parameter_values(circuit: Circuit, params) -> dict[str, float]:
    """``{name: value}`` from a mapping (Parameter or name keys) or a sequence in ``circuit.parameters`` order.

    >>> from qfusion.circuit import Parameter
    >>> c = Circuit(1).rx(Parameter("b"), 0).rz(Parameter("a"), 0)
    >>> parameter_values(c, [0.1, 0.2]), parameter_values(c, {"a": 1, "b": 2})
    ({'a': 0.1, 'b': 0.2}, {'a': 1.0, 'b': 2.0})
    """
    names = [p.name for p in circuit.parameters]
    if params is None:
        params = []
    if isinstance(params, Mapping):
        values = {(k.name if hasattr(k, "name") else str(k)): float(v) for k, v in params.items()}
        missing = [n for n in names if n not in values]
        if missing:
            raise CircuitError(f"no value for parameter(s) {', '.join(missing)}")
        return {n: values[n] for n in names}
    flat = np.asarray(params, dtype=float).reshape(-1)
    if len(flat) != len(names):
        raise CircuitError(f"the circuit has {len(names)} parameter(s) ({', '.join(names)}), got {len(flat)} "
                           f"value(s)")
    return dict(zip(names, flat.tolist(), strict=False))
