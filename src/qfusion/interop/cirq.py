"""Convert circuits to and from Cirq (``cirq.Circuit``).

**Qubits.** qfusion qubit ``i`` is ``cirq.LineQubit(i)`` in :func:`to_cirq`. :func:`from_cirq`
numbers Cirq's qubits in sorted order (``LineQubit`` by ``x``, ``GridQubit`` by row then column)
unless ``qubit_order`` is given. Cirq orders amplitudes *big-endian* (its first qubit is the most
significant bit) where qfusion is little-endian, so ``cirq.unitary`` of a converted circuit is
``circuit_unitary`` with the qubit order reversed (:func:`reverse_qubit_order`); gate matrices
are reordered the same way.

**Measurement keys.** :func:`to_cirq` measures classical bit ``i`` of register ``c`` under the key
``"c[i]"``. :func:`from_cirq` makes registers from keys in order of first appearance: a key
``"name[i]"`` is bit ``i`` of a register ``name``; any other key is a register of that name with
one bit per qubit it measures (the first measured qubit is bit 0). Conditions are ``KeyCondition``
(a one-bit key is 1) or ``SympyCondition`` (``Eq(key, value)`` and ``And`` of those; a key's value
is read big-endian, as Cirq does).

Barriers have no Cirq equivalent and are dropped, as are Cirq's ``WaitGate``.

>>> from qfusion.circuit import Circuit
>>> print(to_cirq(Circuit(2).h(0).cx(0, 1).measure_all()))
0: ───H───@───M('c[0]')───
          │
1: ───────X───M('c[1]')───
"""

from __future__ import annotations

import cmath
import math
import re
from collections.abc import Sequence

from qfusion._optional import import_optional
from qfusion.circuit.circuit import Circuit, Condition, Register
from qfusion.circuit.gates import Barrier, Gate, Measure, Reset, StandardGate
from qfusion.circuit.modifiers import CircuitGate, ControlledGate, InverseGate, PowerGate, UnitaryGate
from qfusion.circuit.parameter import is_symbolic
from qfusion.errors import CircuitError
from qfusion.interop import _sympy
from qfusion.interop._cirq_gates import from_cirq_gate, is_zero, reverse_qubit_order, with_phase
from qfusion.interop._common import and_conditions, bits_condition, make_controlled, require

__all__ = ["from_cirq", "reverse_qubit_order", "to_cirq"]

_MAX_MATRIX_QUBITS = 10


def _cirq():
    return import_optional("cirq", "Cirq interop")


def _sympy_module():
    return import_optional("sympy", "Cirq interop")


# -- qfusion -> cirq -----------------------------------------------------------------------

def to_cirq(circuit: Circuit, qubits: Sequence | None = None):
    """A ``cirq.Circuit`` equal to ``circuit``; qubit ``i`` becomes ``qubits[i]`` (default ``LineQubit(i)``).

    Cirq's circuit only knows the qubits its operations touch: pass ``qubit_order`` to
    ``unitary()`` or ``final_state_vector()`` to keep idle qubits.

    >>> import numpy as np
    >>> import cirq
    >>> from qfusion.circuit import Circuit, circuit_unitary
    >>> c = Circuit(3).h(0).cx(0, 2).rzz(0.4, 1, 2).u(0.1, 0.2, 0.3, 1)
    >>> u = to_cirq(c).unitary(qubit_order=cirq.LineQubit.range(3))
    >>> np.allclose(reverse_qubit_order(u), circuit_unitary(c))
    True
    """
    _check_ours(circuit, "to_cirq")
    cirq = _cirq()
    qubits = list(qubits) if qubits is not None else cirq.LineQubit.range(circuit.num_qubits)
    if len(qubits) != circuit.num_qubits:
        raise CircuitError(f"to_cirq needs {circuit.num_qubits} qubits, got {len(qubits)}")
    keys = [f"{register.name}[{i}]" for register in circuit.cregs for i in range(register.size)]
    ops = [] if is_zero(circuit.global_phase) else [_global_phase_op(circuit.global_phase)]
    for inst in circuit.instructions:
        op = inst.operation
        targets = [qubits[q] for q in inst.qubits]
        if isinstance(op, Measure):
            new = [cirq.measure(targets[0], key=keys[inst.clbits[0]])]
        elif isinstance(op, Reset):
            new = [cirq.ResetChannel().on(targets[0])]
        elif isinstance(op, Barrier):
            continue
        elif isinstance(op, Gate):
            new = _gate_ops(op, targets)
        else:
            raise CircuitError(f"cannot convert {op.name!r} to Cirq")
        if inst.condition is not None:
            condition = _condition_to_cirq(inst.condition, keys)
            new = [item.with_classical_controls(condition) for item in new]
        ops.extend(new)
    return cirq.Circuit(ops)


def _condition_to_cirq(condition: Condition, keys: list[str]):
    if len(condition.clbits) == 1 and condition.value == 1:
        return keys[condition.clbits[0]]
    sympy = _sympy_module()
    terms = [sympy.Eq(sympy.Symbol(keys[b]), condition.value >> i & 1) for i, b in enumerate(condition.clbits)]
    return _cirq().SympyCondition(terms[0] if len(terms) == 1 else sympy.And(*terms))


def _global_phase_op(phase):
    cirq = _cirq()
    if is_symbolic(phase):
        sympy = _sympy_module()
        return cirq.GlobalPhaseGate(sympy.exp(sympy.I * _sympy.to_sympy(phase))).on()
    return cirq.GlobalPhaseGate(cmath.exp(1j * float(phase))).on()


def _turns(angle):
    """An angle in radians as a Cirq exponent (half turns)."""
    if is_symbolic(angle):
        return _sympy.to_sympy(angle) / _sympy_module().pi
    return float(angle) / math.pi


def _gate_ops(gate: Gate, targets) -> list:
    """Cirq operations on ``targets`` (in the gate's qubit order) equal to ``gate``."""
    cirq = _cirq()
    if isinstance(gate, StandardGate):
        return _standard_ops(gate, targets)
    if isinstance(gate, UnitaryGate):
        return [cirq.MatrixGate(reverse_qubit_order(gate.matrix()), name=gate.label).on(*targets)]
    if isinstance(gate, ControlledGate):
        k = gate.num_ctrl_qubits
        values = [gate.ctrl_state >> i & 1 for i in range(k)]
        return [_single(_gate_ops(gate.base, targets[k:])).controlled_by(*targets[:k], control_values=values)]
    if isinstance(gate, InverseGate):
        return list(cirq.inverse(_gate_ops(gate.base, targets)))
    if isinstance(gate, CircuitGate):
        return [cirq.CircuitOperation(to_cirq(gate.definition, targets).freeze())]
    if not gate.is_parameterized:
        return [cirq.MatrixGate(reverse_qubit_order(gate.matrix()), name=gate.name).on(*targets)]
    if isinstance(gate, PowerGate) and not is_symbolic(gate.exponent) and float(gate.exponent).is_integer():
        return [cirq.pow(_single(_gate_ops(gate.base, targets)), int(gate.exponent))]
    raise CircuitError(f"cannot convert {gate!r} to Cirq while it has unbound parameters; bind them first")


def _single(ops: list):
    """One operation for a list of them (a CircuitOperation when there are several)."""
    if len(ops) == 1:
        return ops[0]
    cirq = _cirq()
    return cirq.CircuitOperation(cirq.FrozenCircuit(ops))


def _standard_ops(gate: StandardGate, targets) -> list:
    cirq = _cirq()
    name, params = gate.name, gate.params
    fixed = {
        "id": cirq.I, "x": cirq.X, "y": cirq.Y, "z": cirq.Z, "h": cirq.H, "s": cirq.S, "sdg": cirq.S ** -1,
        "t": cirq.T, "tdg": cirq.T ** -1, "sx": cirq.X ** 0.5, "sxdg": cirq.X ** -0.5,
        "cx": cirq.CNOT, "cy": cirq.ControlledGate(cirq.Y), "cz": cirq.CZ, "ch": cirq.ControlledGate(cirq.H),
        "swap": cirq.SWAP, "iswap": cirq.ISWAP, "ccx": cirq.CCX, "cswap": cirq.CSWAP,
    }
    if name in fixed:
        return [fixed[name].on(*targets)]
    if name == "mcx":
        return [cirq.X.controlled(len(targets) - 1).on(*targets)]
    if name == "ecr":
        return [cirq.MatrixGate(reverse_qubit_order(gate.matrix()), name="ECR").on(*targets)]
    if name in ("u", "cu"):
        # u(theta, phi, lam) = exp(-i theta / 2) PhasedXZ(x=theta/pi, z=(phi+lam)/pi, a=1/2 - lam/pi)
        theta, phi, lam = params[:3]
        phase = -theta / 2 + (params[3] if name == "cu" else 0.0)
        ops = [cirq.PhasedXZGate(x_exponent=_turns(theta), z_exponent=_turns(phi + lam),
                                 axis_phase_exponent=0.5 - _turns(lam)).on(targets[-1])]
        if not is_zero(phase):
            ops.append(_global_phase_op(phase))
        return ops if name == "u" else [_single(ops).controlled_by(targets[0])]
    if name in ("crx", "cry", "crz"):
        return [_standard_ops(StandardGate(name[1:], params), targets[1:])[0].controlled_by(targets[0])]
    turns = _turns(params[0])
    rotation = {
        "rx": cirq.XPowGate, "ry": cirq.YPowGate, "rz": cirq.ZPowGate,
        "rxx": cirq.XXPowGate, "ryy": cirq.YYPowGate, "rzz": cirq.ZZPowGate,
    }
    if name in rotation:  # exp(-i theta P / 2) is P**(theta/pi) with global shift -1/2
        return [rotation[name](exponent=turns, global_shift=-0.5).on(*targets)]
    return [{"p": cirq.ZPowGate, "cp": cirq.CZPowGate}[name](exponent=turns).on(*targets)]


# -- cirq -> qfusion -----------------------------------------------------------------------

def from_cirq(circuit, qubit_order=None) -> Circuit:
    """A qfusion :class:`~qfusion.circuit.Circuit` equal to the ``cirq.Circuit`` ``circuit``.

    ``qubit_order`` (a list of qubits or a ``cirq.QubitOrder``) numbers the qubits; by default
    they are sorted. Measurement keys become classical registers (see the module notes).

    >>> import cirq
    >>> a, b = cirq.LineQubit.range(2)
    >>> c = from_cirq(cirq.Circuit(cirq.H(a), cirq.CNOT(a, b), cirq.rz(0.5).on(b), cirq.measure(a, b, key="m")))
    >>> [(inst.name, inst.qubits, inst.clbits) for inst in c.instructions]
    [('h', (0,), ()), ('cx', (0, 1), ()), ('rz', (1,), ()), ('measure', (0,), (0,)), ('measure', (1,), (1,))]
    >>> c.cregs
    [Register(name='m', size=2)]
    """
    if not hasattr(circuit, "all_qubits"):
        raise CircuitError(f"from_cirq takes a cirq.Circuit, got {type(circuit).__name__}")
    return _FromCirq(circuit, qubit_order).convert()


_INDEXED_KEY = re.compile(r"^(.*)\[(\d+)\]$")


class _FromCirq:
    def __init__(self, circuit, qubit_order):
        self.cirq = _cirq()
        self.circuit = circuit
        order = self.cirq.QubitOrder.as_qubit_order(
            self.cirq.QubitOrder.DEFAULT if qubit_order is None else qubit_order)
        self.qubits = list(order.order_for(circuit.all_qubits()))
        self.qubit_index = {q: i for i, q in enumerate(self.qubits)}
        self.registers, self.key_bits = self._measurement_keys()

    def _measurement_keys(self):
        """Registers from measurement keys, and each key's clbits (first measured qubit first)."""
        sizes: dict[str, int] = {}
        places: dict[str, tuple[str, list[int]]] = {}
        for op in self.circuit.all_operations():
            for key, count in self._measurements(op):
                match = _INDEXED_KEY.match(key)
                register, positions = (match.group(1), [int(match.group(2))]) if match and count == 1 \
                    else (key, list(range(count)))
                if places.setdefault(key, (register, positions)) != (register, positions):
                    raise CircuitError(f"measurement key {key!r} is used for different numbers of qubits")
                sizes[register] = max(sizes.get(register, 0), max(positions) + 1)
        registers, start = [], {}
        for name, size in sizes.items():
            start[name] = sum(r.size for r in registers)
            registers.append(Register(name, size))
        key_bits = {key: [start[reg] + p for p in positions] for key, (reg, positions) in places.items()}
        return registers, key_bits

    def _measurements(self, op) -> list[tuple[str, int]]:
        cirq = self.cirq
        op = op.untagged
        if isinstance(op, cirq.ClassicallyControlledOperation):
            op = op.without_classical_controls().untagged
        if isinstance(op.gate, cirq.MeasurementGate):
            return [(str(op.gate.mkey), len(op.qubits))]
        if isinstance(op, cirq.CircuitOperation):
            return [m for sub in cirq.decompose_once(op) for m in self._measurements(sub)]
        return []

    def convert(self) -> Circuit:
        out = Circuit.from_registers([Register("q", len(self.qubits))] if self.qubits else [], self.registers)
        for op in self.circuit.all_operations():
            self.append(out, op, None)
        return out

    def append(self, out: Circuit, op, condition: Condition | None):
        cirq = self.cirq
        op = op.untagged
        if isinstance(op, cirq.ClassicallyControlledOperation):
            inner = self.condition(op.classical_controls)
            self.append(out, op.without_classical_controls(), and_conditions(condition, inner))
            return
        gate = op.gate
        qubits = [self.qubit_index[q] for q in op.qubits]
        if isinstance(gate, cirq.MeasurementGate):
            self.measure(out, gate, qubits, condition)
        elif isinstance(gate, cirq.ResetChannel):
            out.append(Reset(), qubits, (), condition)
        elif isinstance(gate, cirq.IdentityGate):
            for q in qubits:
                out.append(StandardGate("id"), (q,), (), condition)
        elif isinstance(gate, cirq.WaitGate):
            pass
        elif isinstance(op, cirq.CircuitOperation):
            for sub in self.decompose(op):
                self.append(out, sub, condition)
        elif isinstance(gate, cirq.GlobalPhaseGate):
            if condition is not None:
                raise CircuitError("a global phase under a condition cannot be expressed in qfusion")
            out.global_phase = out.global_phase + _sympy.phase_of(gate.coefficient)
        else:
            converted, phase = self.gate(op)
            if converted is None:  # symbolic and unknown: inline its decomposition
                for sub in self.decompose(op):
                    self.append(out, sub, condition)
                return
            if condition is None:
                out.global_phase = out.global_phase + phase if not is_zero(phase) else out.global_phase
            else:
                converted = with_phase(converted, phase, str(gate))
            out.append(converted, qubits, (), condition)

    def decompose(self, op) -> list:
        ops = self.cirq.decompose_once(op, default=None)
        if ops is None:
            raise CircuitError(f"cannot convert the Cirq operation {op}: no unitary, no decomposition")
        return list(ops)

    def measure(self, out: Circuit, gate, qubits, condition):
        if gate.confusion_map:
            raise CircuitError("Cirq measurements with a confusion map have no qfusion equivalent")
        bits = self.key_bits[str(gate.mkey)]
        for qubit, bit, flip in zip(qubits, bits, gate.full_invert_mask(), strict=False):
            # an inverted record is a measurement of the flipped qubit, flipped back afterwards
            if flip:
                out.append(StandardGate("x"), (qubit,), (), condition)
            out.append(Measure(), (qubit,), (bit,), condition)
            if flip:
                out.append(StandardGate("x"), (qubit,), (), condition)

    def condition(self, conditions) -> Condition:
        bits: dict[int, int] = {}
        for item in conditions:
            if isinstance(item, self.cirq.KeyCondition):
                key_bits = self.key_bits.get(str(item.key))
                if key_bits is None or len(key_bits) != 1:
                    raise CircuitError(f"the Cirq condition {item} tests whether a multi-bit or unmeasured "
                                       "key is non-zero, which qfusion cannot express")
                require(bits, key_bits[0], 1, item)
            elif isinstance(item, self.cirq.SympyCondition):
                for key, value in _sympy.equalities(item.expr):
                    key_bits = self.key_bits.get(key)
                    if key_bits is None or not 0 <= value < 1 << len(key_bits):
                        raise CircuitError(f"the Cirq condition {item} refers to an unknown key or value")
                    for j, bit in enumerate(key_bits):  # a key's value is big-endian
                        require(bits, bit, value >> (len(key_bits) - 1 - j) & 1, item)
            else:
                raise CircuitError(f"cannot convert the Cirq condition {item}")
        return bits_condition(bits)

    def gate(self, op):
        """``(gate, phase)`` with ``exp(i phase) * gate`` equal to the operation, or ``(None, 0)``."""
        cirq = self.cirq
        if isinstance(op, cirq.ControlledOperation):
            sub = op.sub_operation.untagged
            base, phase = self.gate(sub)
            if base is None:
                base, phase = self.opaque(sub), 0.0
            return self.controlled(base, phase, op.control_values, str(sub.gate)), 0.0
        gate = op.gate
        if isinstance(gate, cirq.ControlledGate):
            sub = gate.sub_gate.on(*op.qubits[gate.num_controls():])
            base, phase = self.gate(sub)
            if base is None:
                base, phase = self.opaque(sub), 0.0
            return self.controlled(base, phase, gate.control_values, str(gate.sub_gate)), 0.0
        converted = from_cirq_gate(gate)
        if converted[0] is None and not cirq.is_parameterized(op) and cirq.has_unitary(op) \
                and len(op.qubits) <= _MAX_MATRIX_QUBITS:
            return UnitaryGate(reverse_qubit_order(cirq.unitary(op)), label=str(gate)), 0.0
        return converted

    def opaque(self, op) -> Gate:
        """A symbolic operation with no equivalent, as a gate made of its decomposition."""
        inner = _FromCirq(self.cirq.Circuit(self.decompose(op)), list(op.qubits)).convert()
        return CircuitGate(inner, name=str(op.gate))

    def controlled(self, base: Gate, phase, control_values, label: str) -> Gate:
        values = [tuple(v) for v in control_values]
        if any(len(v) != 1 or v[0] not in (0, 1) for v in values):
            raise CircuitError(f"Cirq control values {control_values} are not one 0 or 1 per control")
        state = sum(v[0] << i for i, v in enumerate(values))
        return make_controlled(with_phase(base, phase, label), len(values), state)


def _check_ours(circuit, what: str) -> None:
    if not isinstance(circuit, Circuit):
        raise CircuitError(f"{what} takes a qfusion Circuit, got {type(circuit).__name__}")

