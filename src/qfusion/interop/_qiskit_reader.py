"""Qiskit circuits read into qfusion ones; :func:`qfusion.interop.from_qiskit` is the front door.

>>> from qiskit import QuantumCircuit
>>> from qiskit.circuit.library import U1Gate
>>> qc = QuantumCircuit(1)
>>> _ = qc.append(U1Gate(0.5), [0])
>>> QiskitReader(qc).convert().instructions[0].operation
Gate('p', 0.5)
"""

from __future__ import annotations

import math
import re

import numpy as np

from qfusion._optional import import_optional
from qfusion.circuit.circuit import Circuit, Condition, Register
from qfusion.circuit.gates import STANDARD_GATES, Barrier, Gate, Measure, Reset, StandardGate
from qfusion.circuit.modifiers import CircuitGate, ControlledGate, UnitaryGate
from qfusion.circuit.parameter import Parameter, ParameterExpression
from qfusion.circuit.timing import Delay, Duration
from qfusion.errors import CircuitError, ParameterError
from qfusion.interop._common import and_conditions, bits_condition, make_controlled, require
from qfusion.interop.expressions import parse_expression

# largest gate whose matrix is taken when nothing better exists (a 2^k x 2^k array)
_MAX_MATRIX_QUBITS = 10


class QiskitReader:
    """Converts one QuantumCircuit; keeps the bit indices and a cache of converted expressions."""

    def __init__(self, qc):
        self.qc = qc
        self.qiskit = import_optional("qiskit", "Qiskit interop")
        self.qubit_index = {bit: i for i, bit in enumerate(qc.qubits)}
        self.clbit_index = {bit: i for i, bit in enumerate(qc.clbits)}
        self.params: dict = {}

    def convert(self) -> Circuit:
        qc = self.qc
        qregs = _registers(qc.qubits, qc.qregs) or ([Register("q", qc.num_qubits)] if qc.num_qubits else [])
        cregs = _registers(qc.clbits, qc.cregs) or ([Register("c", qc.num_clbits)] if qc.num_clbits else [])
        name = None if re.fullmatch(r"circuit-\d+", qc.name or "") else qc.name
        circuit = Circuit.from_registers(qregs, cregs, name=name, global_phase=_phase(self.param(qc.global_phase)))
        for inst in qc.data:
            self.append(circuit, inst.operation, [self.qubit_index[q] for q in inst.qubits],
                        [self.clbit_index[b] for b in inst.clbits], None)
        return circuit

    # -- instructions ----------------------------------------------------------------------
    def append(self, circuit: Circuit, op, qubits: list, clbits: list, condition: Condition | None):
        name = op.name
        if name == "measure":
            circuit.append(Measure(), qubits, clbits, condition)
        elif name == "reset":
            circuit.append(Reset(), qubits, (), condition)
        elif name == "barrier":
            circuit.append(Barrier(len(qubits)), qubits, (), condition)
        elif name == "delay":
            self.append_delay(circuit, op, qubits, condition)
        elif name == "global_phase":
            if condition is not None:
                raise CircuitError("a global phase under a condition is a relative phase; qfusion cannot express it")
            circuit.global_phase = circuit.global_phase + self.param(op.params[0])
        elif name == "if_else":
            self.append_if_else(circuit, op, qubits, clbits, condition)
        elif name == "box":
            self.append_block(circuit, op.blocks[0], qubits, clbits, condition)
        elif isinstance(op, (self.qiskit.circuit.Gate, self.qiskit.circuit.AnnotatedOperation)):
            circuit.append(self.gate(op), qubits, (), condition)
        elif getattr(op, "definition", None) is not None and name not in ("for_loop", "while_loop", "switch_case"):
            self.append_block(circuit, op.definition, qubits, clbits, condition)
        else:
            raise CircuitError(f"cannot convert the Qiskit instruction {name!r}: qfusion has no equivalent "
                               "(loops, switch and classical variables are not supported)")

    def append_block(self, circuit, block, qubits, clbits, condition):
        """Inline ``block`` (a QuantumCircuit whose bits map in order onto ``qubits`` and ``clbits``)."""
        if not _is_zero(block.global_phase):
            if condition is not None:
                raise CircuitError("a conditioned block with a global phase cannot be expressed in qfusion")
            circuit.global_phase = circuit.global_phase + self.param(block.global_phase)
        inner_q = {bit: qubits[i] for i, bit in enumerate(block.qubits)}
        inner_c = {bit: clbits[i] for i, bit in enumerate(block.clbits)}
        instructions = list(block.data)
        for k, inst in enumerate(instructions):
            inst_clbits = [inner_c[b] for b in inst.clbits]
            if condition is not None and k < len(instructions) - 1 and \
                    set(self.written(inst.operation, inst_clbits)) & set(condition.clbits):
                raise CircuitError("a conditioned block writes a bit of its own condition before its end; "
                                   "qfusion cannot express it as conditioned instructions")
            self.append(circuit, inst.operation, [inner_q[q] for q in inst.qubits], inst_clbits, condition)

    def append_delay(self, circuit: Circuit, op, qubits: list, condition: Condition | None):
        duration, unit = op.duration, op.unit
        if isinstance(duration, bool) or not isinstance(duration, (int, float)):
            return      # a parametrised delay: it leaves the state as it is, and qfusion has no symbolic duration
        if unit == "ps":
            duration, unit = duration * 1e-3, "ns"
        circuit.append(Delay(len(qubits), Duration(float(duration), unit)), qubits, (), condition)

    def append_if_else(self, circuit, op, qubits, clbits, outer: Condition | None):
        condition = self.condition(op.condition)
        true_body, false_body = op.blocks[0], (op.blocks[1] if len(op.blocks) > 1 else None)
        if false_body is not None and len(false_body.data):
            if len(condition.clbits) != 1:
                raise CircuitError("an else branch on a multi-bit condition cannot be expressed in qfusion; "
                                   "use one if_test per value")
            for block in op.blocks:
                written = {b for inst in block.data
                           for b in self.written(inst.operation, [clbits[block.find_bit(x).index] for x in inst.clbits])}
                if written & set(condition.clbits):
                    raise CircuitError("an if/else whose branches write the condition bit cannot be "
                                       "expressed in qfusion")
            negated = Condition(condition.clbits, 1 - condition.value)
            self.append_block(circuit, true_body, qubits, clbits, and_conditions(outer, condition))
            self.append_block(circuit, false_body, qubits, clbits, and_conditions(outer, negated))
            return
        self.append_block(circuit, true_body, qubits, clbits, and_conditions(outer, condition))

    def written(self, op, clbits) -> list:
        """The classical bits (outer indices) an instruction may write."""
        if op.name == "measure":
            return list(clbits)
        if op.name in ("if_else", "box"):
            found = []
            for block in op.blocks:
                for inst in block.data:
                    found += self.written(inst.operation, [clbits[block.find_bit(b).index] for b in inst.clbits])
            return found
        return [] if op.name in ("reset", "barrier", "delay") or not clbits else list(clbits)

    def condition(self, condition) -> Condition:
        classical = self.qiskit.circuit.classical
        bits: dict[int, int] = {}
        if isinstance(condition, tuple):
            target, value = condition
            if isinstance(target, self.qiskit.circuit.Clbit):
                bits[self.clbit_index[target]] = int(value)
            else:
                for i, bit in enumerate(target):
                    bits[self.clbit_index[bit]] = int(value) >> i & 1
        else:
            self.expr_condition(condition, bits, classical.expr)
        return bits_condition(bits)

    def expr_condition(self, node, bits: dict, expr):
        """Read ``bit``, ``!bit``, ``reg == value``, ``bit == value`` and ``&&`` of those into ``bits``."""
        def fail():
            raise CircuitError(f"cannot convert the Qiskit condition {node}: qfusion conditions are "
                               "'bits == value' (and conjunctions of them)")

        def assign(var_node, value):
            target = var_node.var
            if isinstance(target, self.qiskit.circuit.Clbit):
                require(bits, self.clbit_index[target], int(value), node)
            elif isinstance(target, self.qiskit.circuit.ClassicalRegister):
                for i, bit in enumerate(target):
                    require(bits, self.clbit_index[bit], int(value) >> i & 1, node)
            else:
                fail()

        if isinstance(node, expr.Var):
            assign(node, 1)
        elif isinstance(node, expr.Unary) and node.op == expr.Unary.Op.LOGIC_NOT and \
                isinstance(node.operand, expr.Var) and isinstance(node.operand.var, self.qiskit.circuit.Clbit):
            assign(node.operand, 0)
        elif isinstance(node, expr.Binary) and node.op == expr.Binary.Op.LOGIC_AND:
            self.expr_condition(node.left, bits, expr)
            self.expr_condition(node.right, bits, expr)
        elif isinstance(node, expr.Binary) and node.op == expr.Binary.Op.EQUAL:
            var, value = (node.left, node.right) if isinstance(node.left, expr.Var) else (node.right, node.left)
            if not (isinstance(var, expr.Var) and isinstance(value, expr.Value)):
                fail()
            assign(var, int(value.value))
        else:
            fail()

    # -- gates -----------------------------------------------------------------------------
    def gate(self, op) -> Gate:
        library = self.qiskit.circuit.library
        if isinstance(op, self.qiskit.circuit.AnnotatedOperation):
            return self.annotated(op)
        if isinstance(op, library.UnitaryGate):
            return UnitaryGate(op.to_matrix(), label=op.label)
        standard = self.standard(op)
        if standard is not None:
            return standard
        if isinstance(op, self.qiskit.circuit.ControlledGate):
            gate = self.controlled(op)
            if gate is not None:
                return gate
        if op.definition is not None:
            return CircuitGate(QiskitReader(op.definition).convert(), name=op.name)
        if not op.is_parameterized() and op.num_qubits <= _MAX_MATRIX_QUBITS:
            return UnitaryGate(self.qiskit.quantum_info.Operator(op).data, label=op.name)
        raise CircuitError(f"cannot convert the Qiskit gate {op.name!r}: it has no definition and "
                           "unbound parameters or too many qubits for a matrix")

    def standard(self, op) -> Gate | None:
        """The exact qfusion equivalent of a Qiskit library gate, or None."""
        library = self.qiskit.circuit.library
        name = op.name
        if name == "mcx" and op.base_class is library.MCXGate and _closed(op):
            return StandardGate("mcx", (), op.num_qubits)
        mapping = library.get_standard_gate_name_mapping()
        if name not in mapping or op.base_class is not mapping[name].base_class:
            return None
        params = [self.param(p) for p in op.params]
        if name in STANDARD_GATES:
            return StandardGate(name, params)
        alias = _ALIASES.get(name)
        return alias(*params) if alias else None

    def controlled(self, op) -> Gate | None:
        """A Qiskit ControlledGate as a qfusion one, checked against its matrix when it is bound."""
        if op.base_gate.name == "u" and len(op.params) == 4:  # CUGate's base drops its phase gamma
            theta, phi, lam, gamma = (self.param(p) for p in op.params)
            base = CircuitGate(Circuit(1, global_phase=gamma).u(theta, phi, lam, 0), name="u_phase")
        else:
            base = self.gate(op.base_gate)
        gate = make_controlled(base, op.num_ctrl_qubits, op.ctrl_state)
        if gate.num_qubits != op.num_qubits:  # e.g. MCMTGate: its base acts on each of several targets
            return None
        if op.is_parameterized() or op.num_qubits > _MAX_MATRIX_QUBITS:
            return gate
        if np.allclose(gate.matrix(), self.qiskit.quantum_info.Operator(op).data, atol=1e-10):
            return gate
        return None

    def annotated(self, op) -> Gate:
        modifiers = self.qiskit.circuit
        gate = self.gate(op.base_op)
        for modifier in op.modifiers:
            if isinstance(modifier, modifiers.InverseModifier):
                gate = gate.inverse()
            elif isinstance(modifier, modifiers.ControlModifier):
                gate = make_controlled(gate, modifier.num_ctrl_qubits, modifier.ctrl_state)
            elif isinstance(modifier, modifiers.PowerModifier):
                gate = gate.power(self.param(modifier.power))
            else:
                raise CircuitError(f"unknown Qiskit gate modifier {modifier!r}")
        return gate

    # -- parameters ------------------------------------------------------------------------
    def param(self, value):
        """A Qiskit number or ParameterExpression as a float or a qfusion expression (checked numerically)."""
        qiskit_expression = self.qiskit.circuit.ParameterExpression
        if not isinstance(value, qiskit_expression):
            if isinstance(value, complex) or np.iscomplexobj(value):
                raise ParameterError(f"complex gate parameter {value} is not supported")
            return float(value)
        if not value.parameters:
            number = complex(value.numeric())
            if abs(number.imag) > 1e-12:
                raise ParameterError(f"complex gate parameter {value} is not supported")
            return number.real
        if isinstance(value, self.qiskit.circuit.Parameter):
            return Parameter(value.name)
        key = str(value)
        if key not in self.params:
            self.params[key] = _checked(value, parse_expression(key, [p.name for p in value.parameters]))
        return self.params[key]


def _checked(qiskit_value, ours):
    """Compare a parsed expression with Qiskit's at two random points; raise if they differ."""
    rng = np.random.default_rng(7)
    for _ in range(2):
        point = {p: float(rng.uniform(0.5, 1.5)) for p in qiskit_value.parameters}
        try:
            expected = complex(qiskit_value.bind(point).numeric())
        except (ZeroDivisionError, ValueError, RuntimeError):
            continue
        got = ours.bind({p.name: v for p, v in point.items()}) if isinstance(ours, ParameterExpression) else ours
        if not math.isclose(float(got), expected.real, rel_tol=1e-9, abs_tol=1e-12) or abs(expected.imag) > 1e-12:
            raise ParameterError(f"cannot convert the Qiskit expression {qiskit_value} exactly")
    return ours


def _closed(op) -> bool:
    return op.ctrl_state == (1 << op.num_ctrl_qubits) - 1


def _registers(bits, registers) -> list[Register] | None:
    """The registers as qfusion registers when they split ``bits`` in order, else None."""
    flat = [bit for register in registers for bit in register]
    if flat != list(bits):
        return None
    return [Register(r.name, r.size) for r in registers]


def _phase(value):
    """A numeric phase in (-pi, pi] (Qiskit keeps [0, 2 pi)); expressions unchanged."""
    if isinstance(value, ParameterExpression):
        return value
    value = math.remainder(value, 2 * math.pi)
    return math.pi if value == -math.pi else value


def _is_zero(value) -> bool:
    try:
        return float(value) == 0.0
    except TypeError:
        return False


# Qiskit gates with an exact qfusion equivalent under another name; params -> Gate
_HALF_PI = math.pi / 2
_ALIASES = {
    "u1": lambda lam: StandardGate("p", (lam,)),
    "u2": lambda phi, lam: StandardGate("u", (_HALF_PI, phi, lam)),
    "u3": lambda theta, phi, lam: StandardGate("u", (theta, phi, lam)),
    "cu1": lambda lam: StandardGate("cp", (lam,)),
    "cu3": lambda theta, phi, lam: StandardGate("cu", (theta, phi, lam, 0.0)),
    "r": lambda theta, phi: StandardGate("u", (theta, phi - _HALF_PI, _HALF_PI - phi)),
    "cs": lambda: StandardGate("cp", (_HALF_PI,)),
    "csdg": lambda: StandardGate("cp", (-_HALF_PI,)),
    "ccz": lambda: ControlledGate(StandardGate("z"), 2),
    "csx": lambda: ControlledGate(StandardGate("sx"), 1),
    "c3sx": lambda: ControlledGate(StandardGate("sx"), 3),
}
