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

from qfusion._optional import import_optional
from qfusion.circuit.circuit import Circuit, Condition
from qfusion.circuit.gates import Barrier, Gate, Measure, Reset, StandardGate
from qfusion.circuit.modifiers import CircuitGate, ControlledGate, InverseGate, PowerGate, UnitaryGate
from qfusion.circuit.parameter import Parameter, ParameterExpression, is_symbolic
from qfusion.circuit.timing import Delay, Duration
from qfusion.errors import CircuitError


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
    if not isinstance(circuit, Circuit):
        raise CircuitError(f"to_qiskit takes a qfusion Circuit, got {type(circuit).__name__}")
    return _to_qiskit(circuit, _vector_elements(circuit))


def _vector_elements(circuit: Circuit) -> dict:
    """Qiskit ``ParameterVector`` elements for the parameters named ``name[i]``, so that Qiskit
    orders them by index as ``circuit.parameters`` does (plain Parameters would sort as strings)."""
    from qfusion.circuit.parameter import _ELEMENT_NAME
    vectors: dict[str, list] = {}
    for parameter in circuit.parameters:
        match = _ELEMENT_NAME.match(parameter.name)
        if match is not None:
            vectors.setdefault(match.group(1), []).append((int(match.group(2)), parameter.name))
    params = {}
    for base, elements in vectors.items():
        vector = _qiskit().circuit.ParameterVector(base, max(i for i, _ in elements) + 1)
        params.update({name: vector[i] for i, name in elements})
    return params


def _to_qiskit(circuit: Circuit, params: dict):
    """``to_qiskit`` sharing ``params`` (one Qiskit Parameter per name) with the circuits it nests."""
    qiskit = _qiskit()
    qregs = [qiskit.QuantumRegister(r.size, r.name) for r in circuit.qregs]
    cregs = [qiskit.ClassicalRegister(r.size, r.name) for r in circuit.cregs]
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
        elif isinstance(op, Delay):     # Qiskit's delays are on one qubit each
            for qubit in qubits[:-1]:
                _append_to_qiskit(qc, _delay_to_qiskit(qiskit, op), [qubit], [], inst.condition)
            qubits, new = qubits[-1:], _delay_to_qiskit(qiskit, op)
        elif isinstance(op, Barrier):
            new = qiskit.circuit.library.Barrier(op.num_qubits)
        elif isinstance(op, Gate):
            new = _gate_to_qiskit(op, params)
        else:
            raise CircuitError(f"cannot convert {op.name!r} to Qiskit: it is not a gate, measure, reset or barrier")
        _append_to_qiskit(qc, new, qubits, clbits, inst.condition)
    return qc


def _append_to_qiskit(qc, new, qubits, clbits, condition) -> None:
    if condition is None:
        qc.append(new, qubits, clbits)
    else:
        with qc.if_test(_condition_to_qiskit(qc, condition)):
            qc.append(new, qubits, clbits)


def _delay_to_qiskit(qiskit, op: Delay):
    duration = op.duration
    if not isinstance(duration, Duration):
        raise CircuitError(f"to_qiskit needs delays of known length; {duration} depends on "
                           f"{', '.join(str(symbol) for _, symbol in duration.terms)} (schedule the circuit first)")
    if duration.unit == "dt":
        if duration.value != int(duration.value):
            raise CircuitError(f"Qiskit needs a whole number of dt for a delay, got {duration}")
        return qiskit.circuit.Delay(int(duration.value), "dt")
    return qiskit.circuit.Delay(duration.value, "us" if duration.unit == "µs" else duration.unit)


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
        definition = _to_qiskit(gate.definition, params)
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
    from qfusion.interop._qiskit_reader import QiskitReader
    if not (hasattr(qc, "data") and hasattr(qc, "qubits") and hasattr(qc, "clbits")):
        hint = " (parse OpenQASM text with qf.qasm.loads)" if isinstance(qc, str) else ""
        raise CircuitError(f"from_qiskit takes a qiskit.QuantumCircuit, got {type(qc).__name__}{hint}")
    return QiskitReader(qc).convert()
