"""Lowering: a circuit becomes a frozen program of plain ops on logical qubits.

Every gate is reduced to one of three forms (matrix on ascending qubits, the kind decides
the kernel): dense, diagonal, permutation. A circuit whose measurements can all be
deferred to the end is marked so, and its shots are sampled from one final state.

>>> from qfusion.circuit import Circuit
>>> program = lower(Circuit(2).h(0).cx(0, 1).measure_all())
>>> [op.kind for op in program.ops], program.terminal_measurements
(['dense', 'permutation'], ((0, 0), (1, 1)))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qfusion.circuit.circuit import Circuit, Instruction
from qfusion.circuit.classical import RUNTIME_OPERATIONS, DynamicGate, Store
from qfusion.circuit.gates import Barrier, Gate, Measure, Reset, StandardGate, matrix_kind
from qfusion.errors import CircuitError

_KIND_ATOL = 1e-15


@dataclass(frozen=True, eq=False)
class GateOp:
    """A unitary on ascending logical ``qubits``; ``matrix`` is little-endian over them.

    >>> op = gate_op(np.eye(4)[[0, 3, 2, 1]], (1, 0))         # CX with control 1, target 0, as written
    >>> op.qubits, op.kind                                     # now over ascending qubits
    ((0, 1), 'permutation')
    """
    qubits: tuple[int, ...]
    matrix: np.ndarray
    kind: str

    @property
    def num_qubits(self) -> int:
        """How many qubits the matrix acts on.

        >>> gate_op(np.eye(8), (4, 0, 2)).num_qubits
        3
        """
        return len(self.qubits)


@dataclass(frozen=True)
class MeasureOp:
    """Measure ``qubit`` into ``clbit`` (mid-circuit: it stays among the ops).

    >>> from qfusion.circuit import Circuit
    >>> lower(Circuit(2, 2).measure(1, 0).x(1)).ops[0]         # not terminal: a gate follows on qubit 1
    MeasureOp(qubit=1, clbit=0)
    """
    qubit: int
    clbit: int


@dataclass(frozen=True)
class ResetOp:
    """Reset ``qubit`` to ``|0>``.

    >>> from qfusion.circuit import Circuit
    >>> lower(Circuit(1).h(0).reset(0)).ops[-1]
    ResetOp(qubit=0)
    """
    qubit: int


@dataclass(frozen=True)
class ConditionalOp:
    """``op`` applied only when ``clbits`` (read little-endian) equal ``value``.

    >>> from qfusion.circuit import Circuit
    >>> op = lower(Circuit(2, 1).h(0).measure(0, 0).x(1).c_if(0, 1)).ops[-1]
    >>> op.clbits, op.value, op.op.qubits
    ((0,), 1, (1,))
    """
    clbits: tuple[int, ...]
    value: int
    op: GateOp | MeasureOp | ResetOp


@dataclass(frozen=True, eq=False)
class ClassicalOp:
    """A run-time classical instruction (:mod:`qfusion.circuit.classical`): ``operation`` with its
    bodies lowered to ``bodies`` (ops each); run per shot.

    >>> from qfusion.qasm import loads
    >>> c = loads('OPENQASM 3.0; include "stdgates.inc"; qubit q; bit b; b = measure q; while (b == 0) { h q; b = measure q; }')
    >>> [type(op).__name__ for op in lower(c).ops], len(lower(c).ops[1].bodies[0])
    (['MeasureOp', 'ClassicalOp'], 2)
    """
    operation: object
    qubits: tuple[int, ...]
    bodies: tuple = ()


@dataclass(frozen=True)
class Program:
    """A lowered circuit: ``ops`` in order, and, when every measurement can be deferred,
    ``terminal_measurements`` as ``(qubit, clbit)`` pairs (then ``ops`` holds only gates).

    >>> from qfusion.circuit import Circuit
    >>> program = lower(Circuit(2, 2).h(0).measure(0, 0).x(0).measure(0, 1))
    >>> program.terminal_measurements, [type(op).__name__ for op in program.ops]    # mid-circuit: shot by shot
    (None, ['GateOp', 'MeasureOp', 'GateOp', 'MeasureOp'])
    """
    num_qubits: int
    num_clbits: int
    ops: tuple
    global_phase: float
    terminal_measurements: tuple[tuple[int, int], ...] | None

    @property
    def is_unitary(self) -> bool:
        """Whether every op is a gate (no measurement, reset or classical op left).

        >>> from qfusion.circuit import Circuit
        >>> lower(Circuit(2).h(0).cx(0, 1)).is_unitary, lower(Circuit(1).h(0).reset(0)).is_unitary
        (True, False)
        """
        return all(isinstance(op, GateOp) for op in self.ops)


def reorder_matrix(matrix: np.ndarray, qubits: tuple[int, ...]) -> tuple[tuple[int, ...], np.ndarray]:
    """Re-express ``matrix`` (little-endian over ``qubits``) over the same qubits sorted ascending.

    >>> cx_from_1 = np.eye(4)[[0, 3, 2, 1]]           # over (1, 0): control qubit 1, target qubit 0
    >>> qubits, matrix = reorder_matrix(cx_from_1, (1, 0))
    >>> qubits, matrix.astype(int).tolist()          # the same gate over (0, 1)
    ((0, 1), [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]])
    """
    if len(qubits) == 1 or all(a < b for a, b in zip(qubits[:-1], qubits[1:], strict=True)):  # most gates: nothing to do
        return tuple(qubits), matrix
    order = sorted(range(len(qubits)), key=lambda j: qubits[j])
    if order == list(range(len(qubits))):
        return tuple(qubits), matrix
    index = np.arange(matrix.shape[0])
    old = np.zeros_like(index)
    for new_bit, old_bit in enumerate(order):
        old |= ((index >> new_bit) & 1) << old_bit
    return tuple(qubits[j] for j in order), matrix[np.ix_(old, old)]


def _kind_of_2x2(matrix: np.ndarray) -> str:
    """:func:`~qfusion.circuit.gates.matrix_kind` of a 2 x 2 matrix on Python scalars (a few times faster
    than the array version for the one-qubit gates that make up most circuits)."""
    a, b, c, d = (abs(x) > _KIND_ATOL for x in matrix.ravel().tolist())
    if b or c:
        return "permutation" if not a and not d and b and c else "dense"
    return "diagonal" if a and d else "dense"


def gate_op(matrix: np.ndarray, qubits: tuple[int, ...], kind: str | None = None) -> GateOp:
    """A :class:`GateOp` with qubits sorted and the kind found from the matrix when not given.

    >>> gate_op(np.diag([1, 1j]), (3,)).kind, gate_op(np.eye(2)[[1, 0]], (0,)).kind, gate_op(np.ones((2, 2)) / np.sqrt(2), (0,)).kind
    ('diagonal', 'permutation', 'dense')
    """
    qubits, matrix = reorder_matrix(np.asarray(matrix, dtype=complex), tuple(qubits))
    if kind is None or kind == "dense":
        kind = _kind_of_2x2(matrix) if matrix.shape == (2, 2) else matrix_kind(matrix, _KIND_ATOL)
        if kind != "dense":  # rounding noise (a circuit's computed unitary) off the structure
            matrix = np.where(np.abs(matrix) > _KIND_ATOL, matrix, 0)
    return GateOp(qubits, matrix, kind)


def gate_ops_of(gate, qubits) -> list[GateOp]:
    """``gate`` on ``qubits`` as GateOps: one, or one per factor of a product gate (a global pulse on
    every atom is that many one-qubit ops, not one wide matrix).

    >>> from qfusion.circuit import BroadcastGate, standard_gate
    >>> [op.qubits for op in gate_ops_of(BroadcastGate(standard_gate("x"), 3), (4, 2, 0))]
    [(4,), (2,), (0,)]
    """
    factors = getattr(gate, "factors", None)
    if factors is None:
        return [gate_op(gate.matrix(), qubits, gate.kind)]
    return [gate_op(factor.matrix(), tuple(qubits[j] for j in on), factor.kind) for factor, on in factors()]


def bind_params(circuit: Circuit, params) -> Circuit:
    """``circuit`` with ``params`` bound; raise :class:`CircuitError` if it keeps free parameters.

    >>> from qfusion.circuit import Circuit, Parameter
    >>> t = Parameter("t")
    >>> bind_params(Circuit(1).rx(t, 0), {t: 0.5}).instructions
    [Instruction(Gate('rx', 0.5), qubits=(0,))]
    >>> bind_params(Circuit(1).rx(t, 0), None)
    Traceback (most recent call last):
        ...
    qfusion.errors.CircuitError: the circuit has unbound parameters (t); pass params= with a value for each
    """
    if params is not None:
        circuit = circuit.bind(params)
    if circuit.is_parameterized:
        names = ", ".join(p.name for p in circuit.parameters)
        given = "" if params is None else " (params= leaves them unbound)"
        raise CircuitError(f"the circuit has unbound parameters ({names}){given}; pass params= with a value for each")
    return circuit


def check_shots(shots) -> None:
    """Raise :class:`CircuitError` unless ``shots`` is a positive whole number.

    >>> check_shots(1000)
    >>> check_shots(0.5)
    Traceback (most recent call last):
        ...
    qfusion.errors.CircuitError: shots must be a positive integer, got 0.5
    """
    if isinstance(shots, (bool, np.bool_)) or int(shots) != shots or shots < 1:
        raise CircuitError(f"shots must be a positive integer, got {shots!r}")


def lower_instructions(circuit: Circuit | Sequence[Instruction], simulator: str, lower_other=None) -> list:
    """The ops of ``circuit``'s instructions in order, each conditioned as its instruction: gates,
    measurements and resets lowered here, any other operation by ``lower_other(instruction)`` (a
    list of ops, or None when ``simulator``, named in the error, cannot run it).

    >>> from qfusion.circuit import Circuit
    >>> [type(op).__name__ for op in lower_instructions(Circuit(1, 1).h(0).measure(0, 0).x(0).c_if(0, 1), "x")]
    ['GateOp', 'MeasureOp', 'ConditionalOp']
    """
    ops: list = []
    # a standard gate's ops depend on its name, bound params and qubits alone; large circuits
    # repeat these few (the 171k gates of hwb12 are 282 distinct ones), and GateOps are frozen
    standard: dict = {}
    for inst in circuit.instructions if isinstance(circuit, Circuit) else circuit:
        op = inst.operation
        lowered: list
        if isinstance(op, Barrier):
            continue
        if type(op) is StandardGate and not op.is_parameterized:
            key = (op.name, op.params, op.num_qubits, inst.qubits)
            found = standard.get(key)
            if found is None:
                found = standard[key] = gate_ops_of(op, inst.qubits)
            lowered = found
        elif isinstance(op, Gate):
            lowered = gate_ops_of(op, inst.qubits)
        elif isinstance(op, Measure):
            lowered = [MeasureOp(inst.qubits[0], inst.clbits[0])]
        elif isinstance(op, Reset):
            lowered = [ResetOp(inst.qubits[0])]
        else:
            other = lower_other(inst) if lower_other is not None else None
            if other is None:
                why = (" (run-time classical computation on measured bits runs per shot on "
                       "backend='statevector')" if isinstance(op, RUNTIME_OPERATIONS) else "")
                raise CircuitError(f"{simulator} cannot run {op.name!r}{why}")
            lowered = other
        if inst.condition is not None:
            lowered = [ConditionalOp(inst.condition.clbits, inst.condition.value, one) for one in lowered]
        ops += lowered
    return ops


def lower(circuit: Circuit, params=None) -> Program:
    """Bind ``params`` and lower ``circuit`` to a :class:`Program`.

    >>> from qfusion.circuit import Circuit, Parameter
    >>> program = lower(Circuit(1, 1).rx(Parameter("t"), 0).measure(0, 0), {"t": np.pi})
    >>> program.num_qubits, program.terminal_measurements, program.ops[0].matrix.round(6).tolist()
    (1, ((0, 0),), [[0j, -1j], [-1j, 0j]])
    """
    circuit = bind_params(circuit, params)
    ops = lower_instructions(circuit, "the state-vector simulator", lower_runtime)
    phase = float(circuit.global_phase)
    terminal = terminal_measurements(ops)
    if terminal is not None:
        ops = [op for op in ops if not isinstance(op, MeasureOp)]
    return Program(circuit.num_qubits, circuit.num_clbits, tuple(ops), phase, terminal)


def lower_runtime(inst) -> list | None:
    """A run-time classical instruction as a :class:`ClassicalOp` (its bodies lowered too), for
    simulators that run shots one by one; None for any other operation.

    >>> from qfusion.qasm import loads
    >>> c = loads('OPENQASM 3.0; include "stdgates.inc"; qubit q; bit b; b = measure q; while (b == 0) { h q; b = measure q; }')
    >>> lower_runtime(c.instructions[0]) is None, lower_runtime(c.instructions[1])[0].qubits
    (True, (0,))
    """
    op = inst.operation
    if not isinstance(op, RUNTIME_OPERATIONS):
        return None
    if isinstance(op, Store):
        return [ClassicalOp(op, ())]
    if isinstance(op, DynamicGate):     # a gate with run-time parameters
        return [ClassicalOp(op, inst.qubits)]
    bodies = tuple(tuple(lower_instructions(body, "the state-vector simulator", lower_runtime))
                   for body in op.bodies)
    return [ClassicalOp(op, inst.qubits, bodies)]


def has_runtime_classical(ops) -> bool:
    """Whether ``ops`` hold a :class:`ClassicalOp` (then shots run one by one).

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.circuit.classical import Bits, Store
    >>> plain = Circuit(1, 1).h(0).measure(0, 0)
    >>> has_runtime_classical(lower(plain).ops), has_runtime_classical(lower(plain.copy().append(Store((0,), Bits((0,))), [])).ops)
    (False, True)
    """
    return any(type(op) is ClassicalOp or (type(op) is ConditionalOp and type(op.op) is ClassicalOp)
               for op in ops)


def terminal_measurements(ops, classical: tuple[type, ...] = (), resets: bool = False
                          ) -> tuple[tuple[int, int], ...] | None:
    """The measurements as (qubit, clbit) if none is followed by anything touching its qubit,
    and nothing is conditioned or reset; else None (shots must then run one by one).

    The noisy programs relax this: ops of the ``classical`` types (readout errors) may follow a
    measurement, since they change only the recorded bit, in the order bits were written (so a
    clbit written twice is then not terminal); with ``resets``, a reset of a qubit not measured
    yet stays among the ops.

    >>> flip = lambda q: gate_op(np.eye(2)[[1, 0]], (q,))
    >>> terminal_measurements([MeasureOp(0, 0), flip(1)]), terminal_measurements([MeasureOp(0, 0), flip(0)])
    (((0, 0),), None)
    """
    measured: set[int] = set()
    measured_clbits: set[int] = set()
    pairs = []
    for op in ops:
        if isinstance(op, (ConditionalOp, ClassicalOp)):
            return None
        if isinstance(op, ResetOp):
            if not resets or op.qubit in measured:
                return None
            continue
        if isinstance(op, MeasureOp):
            if classical and op.clbit in measured_clbits:
                return None
            measured.add(op.qubit)
            measured_clbits.add(op.clbit)
            pairs.append((op.qubit, op.clbit))
        elif isinstance(op, classical):
            continue
        elif measured.intersection(op.qubits):
            return None
    return tuple(pairs)


def pauli_terms(observable, num_qubits: int) -> list[tuple[str, complex]]:
    """``(label, coeff)`` pairs from a Pauli label, a list of pairs, a dict label -> coefficient, or
    anything with ``to_list()`` (a PauliSum), each label checked against ``num_qubits``.

    >>> pauli_terms("ZI", 2), pauli_terms({"ZZ": 0.5, "XI": 1.0}, 2)
    ([('ZI', 1.0)], [('ZZ', 0.5), ('XI', 1.0)])
    """
    terms: list[tuple[str, complex]]
    if isinstance(observable, str):
        terms = [(observable, 1.0)]
    elif hasattr(observable, "to_list"):
        terms = list(observable.to_list())
    elif isinstance(observable, dict):
        terms = list(observable.items())
    else:
        try:
            terms = list(observable)
        except TypeError:
            raise CircuitError(f"an observable is a Pauli label, (label, coefficient) pairs, a dict or a PauliSum; "
                               f"got {type(observable).__name__}") from None
    for term in terms:
        if isinstance(term, str):
            raise CircuitError(f"a list of labels ({term!r}, ...) is not one observable: give (label, coefficient) "
                               "pairs to sum them, or take each label's value on its own")
        if not isinstance(term, (tuple, list)) or len(term) != 2 or not isinstance(term[0], str):
            raise CircuitError(f"an observable's terms are (label, coefficient) pairs; got {term!r}")
    for label, _ in terms:
        if len(label) != num_qubits or set(label) - set("IXYZ"):
            raise CircuitError(f"Pauli label {label!r} must have {num_qubits} characters from I, X, Y, Z")
    return terms


def expectation_result(value: complex):
    """An expectation value as a float when its imaginary part is rounding noise, else complex.

    >>> expectation_result(0.5 + 1e-17j), expectation_result(0.5j)
    (0.5, 0.5j)
    """
    return value.real if abs(value.imag) < 1e-12 * max(1.0, abs(value.real)) else value


def marginal_probabilities(probabilities: np.ndarray, num_qubits: int, qubits=None) -> np.ndarray:
    """``probabilities`` (every basis state, bit i = qubit i) summed down to ``qubits``; index bit k
    of the result is ``qubits[k]`` (as Qiskit's ``Statevector.probabilities(qargs)``). None: all.

    >>> marginal_probabilities(np.array([0.1, 0.2, 0.3, 0.4]), 2, [1]).round(12).tolist()
    [0.3, 0.7]
    >>> marginal_probabilities(np.array([0.1, 0.2, 0.3, 0.4]), 2, [1, 0]).round(12).tolist()
    [0.1, 0.3, 0.2, 0.4]
    """
    if qubits is None:
        return probabilities
    if isinstance(qubits, (int, np.integer)):
        qubits = [qubits]
    try:
        chosen = [int(q) for q in qubits]
    except (TypeError, ValueError):
        raise CircuitError(f"qubits must be a list of qubit indices, got {qubits!r}") from None
    if any(q < 0 or q >= num_qubits for q in chosen) or len(set(chosen)) != len(chosen):
        raise CircuitError(f"qubits must be distinct indices in 0..{num_qubits - 1}, got {list(qubits)!r}")
    tensor = np.asarray(probabilities).reshape((2,) * num_qubits)  # axis j is qubit num_qubits-1-j
    axes = [num_qubits - 1 - q for q in chosen]
    rest = tuple(a for a in range(num_qubits) if a not in axes)
    summed = tensor.sum(axis=rest) if rest else tensor
    kept = sorted(axes)  # the axes left, in their order; put qubits[-1] first (the highest bit)
    order = [kept.index(a) for a in reversed(axes)]
    return np.ascontiguousarray(np.transpose(summed, order)).reshape(-1)
