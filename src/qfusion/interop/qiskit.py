"""Convert circuits to and from Qiskit (``qiskit.QuantumCircuit``, Qiskit 1.x and 2.x).

Both sides are little-endian (qubit ``i`` is bit ``i`` of an amplitude index), so a gate's
matrix and a circuit's unitary are the same arrays on both sides. Standard gates map by name;
Qiskit gates qfusion lacks map to an exact equivalent (``u1`` -> ``p``, ``cs`` -> ``cp(pi/2)``,
``ccz`` -> a controlled ``z``), else to a :class:`~qfusion.circuit.CircuitGate` of their definition,
else to a :class:`~qfusion.circuit.UnitaryGate` of their matrix. Registers, parameters (``+ - * / **``
and the usual functions), global phase, measurements, resets, barriers and ``if_test`` blocks
(as :class:`~qfusion.circuit.Condition`) are kept. Qiskit delays are dropped (they do not act on
the state).

>>> from qfusion.circuit import Circuit, Parameter
>>> c = Circuit(2).h(0).cx(0, 1).rz(Parameter("theta"), 1).measure_all()
>>> qc = to_qiskit(c)
>>> [inst.operation.name for inst in qc.data]
['h', 'cx', 'rz', 'measure', 'measure']
>>> from_qiskit(qc) == c
True
"""

from __future__ import annotations

import math
import re

import numpy as np

from qfusion._optional import import_optional
from qfusion.circuit.circuit import Circuit, Condition, Register
from qfusion.circuit.gates import STANDARD_GATES, Barrier, Gate, Measure, Reset, StandardGate
from qfusion.circuit.modifiers import CircuitGate, ControlledGate, InverseGate, PowerGate, UnitaryGate
from qfusion.circuit.parameter import Parameter, ParameterExpression, is_symbolic
from qfusion.errors import CircuitError, ParameterError
from qfusion.interop.expressions import parse_expression

# gates whose controlled version with one control is itself a standard gate ("c" + name)
_CONTROLLED_STANDARD = {"x", "y", "z", "h", "p", "rx", "ry", "rz", "swap"}
# largest gate whose matrix is taken when nothing better exists (a 2^k x 2^k array)
_MAX_MATRIX_QUBITS = 10


def _qiskit():
    return import_optional("qiskit", "Qiskit interop")


# -- qfusion -> qiskit ---------------------------------------------------------------------

def to_qiskit(circuit: Circuit):
    """A ``qiskit.QuantumCircuit`` equal to ``circuit``, with the same registers.

    Conditions become ``if_test`` blocks; gates without a Qiskit twin become controlled,
    inverse or ``UnitaryGate`` instructions, and circuits used as gates become custom gates.

    >>> import numpy as np
    >>> from qiskit.quantum_info import Operator
    >>> from qfusion.circuit import Circuit, circuit_unitary
    >>> c = Circuit(3).h(0).ccx(0, 1, 2).rzz(0.3, 1, 2)
    >>> np.allclose(Operator(to_qiskit(c)).data, circuit_unitary(c))
    True
    """
    qiskit = _qiskit()
    qregs = [qiskit.QuantumRegister(r.size, r.name) for r in circuit.qregs]
    cregs = [qiskit.ClassicalRegister(r.size, r.name) for r in circuit.cregs]
    params: dict[str, object] = {}
    qc = qiskit.QuantumCircuit(*qregs, *cregs, name=circuit.name,
                               global_phase=_param_to_qiskit(circuit.global_phase, params))
    for inst in circuit.instructions:
        op = inst.operation
        qubits = [qc.qubits[q] for q in inst.qubits]
        clbits = [qc.clbits[b] for b in inst.clbits]
        if isinstance(op, Measure):
            new = qiskit.circuit.library.Measure()
        elif isinstance(op, Reset):
            new = qiskit.circuit.library.Reset()
        elif isinstance(op, Barrier):
            new = qiskit.circuit.library.Barrier(op.num_qubits)
        elif isinstance(op, Gate):
            new = _gate_to_qiskit(op, params)
        else:
            raise CircuitError(f"cannot convert {op.name!r} to Qiskit: it is not a gate, measure, reset or barrier")
        if inst.condition is None:
            qc.append(new, qubits, clbits)
        else:
            with qc.if_test(_condition_to_qiskit(qc, inst.condition)):
                qc.append(new, qubits, clbits)
    return qc


def _gate_to_qiskit(gate: Gate, params: dict):
    qiskit = _qiskit()
    library = qiskit.circuit.library
    if isinstance(gate, StandardGate):
        if gate.name == "mcx":
            return library.MCXGate(gate.num_qubits - 1)
        cls = library.get_standard_gate_name_mapping()[gate.name].base_class
        return cls(*(_param_to_qiskit(p, params) for p in gate.params))
    if isinstance(gate, UnitaryGate):
        return library.UnitaryGate(gate.matrix(), label=gate.label)
    if isinstance(gate, ControlledGate):
        base = _gate_to_qiskit(gate.base, params)
        if isinstance(gate.base, CircuitGate) and base.name in library.get_standard_gate_name_mapping():
            base.name += "_circuit"  # Qiskit's control() picks its construction by the gate's name
        return base.control(gate.num_ctrl_qubits, ctrl_state=gate.ctrl_state, annotated=False)
    if isinstance(gate, InverseGate):
        return _gate_to_qiskit(gate.base, params).inverse()
    if isinstance(gate, CircuitGate):
        definition = to_qiskit(gate.definition)
        definition.name = gate.name
        return definition.to_gate()
    if not gate.is_parameterized:
        # a PowerGate (whose fractional powers Qiskit computes on another branch) or a foreign Gate
        return library.UnitaryGate(gate.matrix(), label=gate.name)
    if isinstance(gate, PowerGate) and not is_symbolic(gate.exponent) and float(gate.exponent).is_integer():
        base = _gate_to_qiskit(gate.base, params)
        return qiskit.circuit.AnnotatedOperation(base, [qiskit.circuit.PowerModifier(float(gate.exponent))])
    raise CircuitError(f"cannot convert {gate!r} to Qiskit while it has unbound parameters; bind them first")


def _condition_to_qiskit(qc, condition: Condition):
    bits = [qc.clbits[b] for b in condition.clbits]
    if len(bits) == 1:
        return (bits[0], condition.value)
    for register in qc.cregs:
        if list(register) == bits:
            return (register, condition.value)
    expr = _qiskit().circuit.classical.expr
    test = None
    for i, bit in enumerate(bits):
        term = bit if condition.value >> i & 1 else expr.logic_not(bit)
        test = term if test is None else expr.logic_and(test, term)
    return test


def _param_to_qiskit(value, params: dict):
    """A qfusion number or expression as a Qiskit one; ``params`` caches one Qiskit Parameter per name."""
    if not isinstance(value, ParameterExpression):
        return float(value)
    if isinstance(value, Parameter):
        if value.name not in params:
            params[value.name] = _qiskit().circuit.Parameter(value.name)
        return params[value.name]
    op, args = value._op, value._args
    if op == "fn":
        function, argument = args[0], _param_to_qiskit(args[1], params)
        if function == "sqrt":
            return argument ** 0.5
        return getattr(argument, {"ln": "log"}.get(function, function))()
    values = [_param_to_qiskit(a, params) for a in args]
    if op == "neg":
        return -values[0]
    left, right = values
    return {"+": lambda: left + right, "-": lambda: left - right, "*": lambda: left * right,
            "/": lambda: left / right, "**": lambda: left ** right}[op]()


# -- qiskit -> qfusion ---------------------------------------------------------------------

def from_qiskit(qc) -> Circuit:
    """A qfusion :class:`~qfusion.circuit.Circuit` equal to the ``qiskit.QuantumCircuit`` ``qc``.

    Raises :class:`~qfusion.errors.CircuitError` for what qfusion cannot express exactly
    (loops, ``switch``, classical variables, an ``else`` branch on a multi-bit condition).

    >>> from qiskit import QuantumCircuit
    >>> qc = QuantumCircuit(2, 1)
    >>> _ = qc.h(0); _ = qc.cs(0, 1); _ = qc.r(0.1, 0.2, 1); _ = qc.measure(1, 0)
    >>> c = from_qiskit(qc)
    >>> [(inst.name, inst.operation.params) for inst in c.instructions]  # doctest: +NORMALIZE_WHITESPACE
    [('h', ()), ('cp', (1.5707963267948966,)), ('u', (0.1, -1.3707963267948966, 1.3707963267948966)),
     ('measure', ())]
    """
    return _FromQiskit(qc).convert()


class _FromQiskit:
    def __init__(self, qc):
        self.qc = qc
        self.qiskit = _qiskit()
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
            pass
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
            self.append_block(circuit, true_body, qubits, clbits, _combine(outer, condition))
            self.append_block(circuit, false_body, qubits, clbits, _combine(outer, negated))
            return
        self.append_block(circuit, true_body, qubits, clbits, _combine(outer, condition))

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
        return Condition(tuple(bits), sum(v << i for i, v in enumerate(bits.values())))

    def expr_condition(self, node, bits: dict, expr):
        """Read ``bit``, ``!bit``, ``reg == value``, ``bit == value`` and ``&&`` of those into ``bits``."""
        def fail():
            raise CircuitError(f"cannot convert the Qiskit condition {node}: qfusion conditions are "
                               "'bits == value' (and conjunctions of them)")

        def require(index, value):
            if bits.setdefault(index, value) != value:
                raise CircuitError(f"the Qiskit condition {node} can never be true")

        def assign(var_node, value):
            target = var_node.var
            if isinstance(target, self.qiskit.circuit.Clbit):
                require(self.clbit_index[target], int(value))
            elif isinstance(target, self.qiskit.circuit.ClassicalRegister):
                for i, bit in enumerate(target):
                    require(self.clbit_index[bit], int(value) >> i & 1)
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
            return CircuitGate(_FromQiskit(op.definition).convert(), name=op.name)
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
        gate = _make_controlled(base, op.num_ctrl_qubits, op.ctrl_state)
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
                gate = _make_controlled(gate, modifier.num_ctrl_qubits, modifier.ctrl_state)
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


def _make_controlled(base: Gate, num_ctrl: int, ctrl_state) -> Gate:
    """``base`` controlled on ``num_ctrl`` qubits, as a standard gate when one is exactly that."""
    full = (1 << num_ctrl) - 1
    ctrl_state = full if ctrl_state is None else int(ctrl_state)
    if ctrl_state == full and isinstance(base, StandardGate):
        if base.name == "x":
            return StandardGate({1: "cx", 2: "ccx"}.get(num_ctrl, "mcx"), (), num_ctrl + 1)
        if num_ctrl == 1 and base.name in _CONTROLLED_STANDARD:
            return StandardGate("c" + base.name, base.params)
        if num_ctrl == 1 and base.name == "u":
            return StandardGate("cu", base.params + (0.0,))
    return ControlledGate(base, num_ctrl, ctrl_state)


def _combine(outer: Condition | None, inner: Condition) -> Condition:
    if outer is None:
        return inner
    bits = {b: outer.value >> i & 1 for i, b in enumerate(outer.clbits)}
    for i, b in enumerate(inner.clbits):
        if bits.setdefault(b, inner.value >> i & 1) != inner.value >> i & 1:
            raise CircuitError("nested Qiskit conditions that can never both hold are not supported")
    return Condition(tuple(bits), sum(v << i for i, v in enumerate(bits.values())))


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
