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

from dataclasses import dataclass

import numpy as np

from qfusion.circuit.circuit import Circuit
from qfusion.circuit.classical import RUNTIME_OPERATIONS, Store
from qfusion.circuit.gates import Barrier, Gate, Measure, Reset, matrix_kind
from qfusion.errors import CircuitError

_KIND_ATOL = 1e-15


@dataclass(frozen=True, eq=False)
class GateOp:
    """A unitary on ascending logical ``qubits``; ``matrix`` is little-endian over them."""
    qubits: tuple[int, ...]
    matrix: np.ndarray
    kind: str

    @property
    def num_qubits(self) -> int:
        return len(self.qubits)


@dataclass(frozen=True)
class MeasureOp:
    qubit: int
    clbit: int


@dataclass(frozen=True)
class ResetOp:
    qubit: int


@dataclass(frozen=True)
class ConditionalOp:
    clbits: tuple[int, ...]
    value: int
    op: GateOp | MeasureOp | ResetOp


@dataclass(frozen=True, eq=False)
class ClassicalOp:
    """A run-time classical instruction (:mod:`qfusion.circuit.classical`): ``operation`` with its
    bodies lowered to ``bodies`` (ops each); run per shot."""
    operation: object
    qubits: tuple[int, ...]
    bodies: tuple = ()


@dataclass(frozen=True)
class Program:
    """A lowered circuit: ``ops`` in order, and, when every measurement can be deferred,
    ``terminal_measurements`` as ``(qubit, clbit)`` pairs (then ``ops`` holds only gates)."""
    num_qubits: int
    num_clbits: int
    ops: tuple
    global_phase: float
    terminal_measurements: tuple[tuple[int, int], ...] | None

    @property
    def is_unitary(self) -> bool:
        return all(isinstance(op, GateOp) for op in self.ops)


def reorder_matrix(matrix: np.ndarray, qubits: tuple[int, ...]) -> tuple[tuple[int, ...], np.ndarray]:
    """Re-express ``matrix`` (little-endian over ``qubits``) over the same qubits sorted ascending."""
    order = sorted(range(len(qubits)), key=lambda j: qubits[j])
    if order == list(range(len(qubits))):
        return tuple(qubits), matrix
    index = np.arange(matrix.shape[0])
    old = np.zeros_like(index)
    for new_bit, old_bit in enumerate(order):
        old |= ((index >> new_bit) & 1) << old_bit
    return tuple(qubits[j] for j in order), matrix[np.ix_(old, old)]


def gate_op(matrix: np.ndarray, qubits: tuple[int, ...], kind: str | None = None) -> GateOp:
    """A :class:`GateOp` with qubits sorted and the kind found from the matrix when not given."""
    qubits, matrix = reorder_matrix(np.asarray(matrix, dtype=complex), tuple(qubits))
    if kind is None or kind == "dense":
        kind = matrix_kind(matrix, _KIND_ATOL)
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
    """``circuit`` with ``params`` bound; raise :class:`CircuitError` if it keeps free parameters."""
    if params is not None:
        circuit = circuit.bind(params)
    if circuit.is_parameterized:
        names = ", ".join(p.name for p in circuit.parameters)
        given = "" if params is None else " (params= leaves them unbound)"
        raise CircuitError(f"the circuit has unbound parameters ({names}){given}; pass params= with a value for each")
    return circuit


def check_shots(shots) -> None:
    """Raise :class:`CircuitError` unless ``shots`` is a positive whole number."""
    if isinstance(shots, (bool, np.bool_)) or int(shots) != shots or shots < 1:
        raise CircuitError(f"shots must be a positive integer, got {shots!r}")


def lower_instructions(circuit: Circuit, simulator: str, lower_other=None) -> list:
    """The ops of ``circuit``'s instructions in order, each conditioned as its instruction: gates,
    measurements and resets lowered here, any other operation by ``lower_other(instruction)`` (a
    list of ops, or None when ``simulator``, named in the error, cannot run it).

    >>> from qfusion.circuit import Circuit
    >>> [type(op).__name__ for op in lower_instructions(Circuit(1, 1).h(0).measure(0, 0).x(0).c_if(0, 1), "x")]
    ['GateOp', 'MeasureOp', 'ConditionalOp']
    """
    ops = []
    for inst in circuit.instructions if isinstance(circuit, Circuit) else circuit:
        op = inst.operation
        if isinstance(op, Barrier):
            continue
        if isinstance(op, Gate):
            lowered = gate_ops_of(op, inst.qubits)
        elif isinstance(op, Measure):
            lowered = [MeasureOp(inst.qubits[0], inst.clbits[0])]
        elif isinstance(op, Reset):
            lowered = [ResetOp(inst.qubits[0])]
        else:
            lowered = lower_other(inst) if lower_other is not None else None
            if lowered is None:
                why = (" (run-time classical computation on measured bits runs per shot on "
                       "backend='statevector')" if isinstance(op, RUNTIME_OPERATIONS) else "")
                raise CircuitError(f"{simulator} cannot run {op.name!r}{why}")
        if inst.condition is not None:
            lowered = [ConditionalOp(inst.condition.clbits, inst.condition.value, one) for one in lowered]
        ops += lowered
    return ops


def lower(circuit: Circuit, params=None) -> Program:
    """Bind ``params`` and lower ``circuit`` to a :class:`Program`."""
    circuit = bind_params(circuit, params)
    ops = lower_instructions(circuit, "the state-vector simulator", lower_runtime)
    phase = float(circuit.global_phase)
    terminal = terminal_measurements(ops)
    if terminal is not None:
        ops = [op for op in ops if not isinstance(op, MeasureOp)]
    return Program(circuit.num_qubits, circuit.num_clbits, tuple(ops), phase, terminal)


def lower_runtime(inst) -> list | None:
    """A run-time classical instruction as a :class:`ClassicalOp` (its bodies lowered too), for
    simulators that run shots one by one; None for any other operation."""
    op = inst.operation
    if not isinstance(op, RUNTIME_OPERATIONS):
        return None
    if isinstance(op, Store):
        return [ClassicalOp(op, ())]
    if not hasattr(op, "bodies"):     # a gate with run-time parameters
        return [ClassicalOp(op, inst.qubits)]
    bodies = tuple(tuple(lower_instructions(body, "the state-vector simulator", lower_runtime))
                   for body in op.bodies)
    return [ClassicalOp(op, inst.qubits, bodies)]


def has_runtime_classical(ops) -> bool:
    """Whether ``ops`` hold a :class:`ClassicalOp` (then shots run one by one)."""
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
