"""Adjoint differentiation: the value and every partial derivative of ``<psi(theta)|H|psi(theta)>``
from one forward and one backward sweep over the state vector.

Forward, the state ``phi`` runs through the circuit. Then ``lam = H phi``, and both walk back
gate by gate, side by side in one array of ``n + 1`` index bits, so every fixed run of gates
is one fused pass for the two. At a gate ``U(a) = exp(-i a/2 P)`` the partial is
``Im <lam|P|phi>``; at any other parameterised gate it is ``2 Re <lam|U'(a) U^dagger|phi>``.
Parameter expressions (``2*theta``, a parameter shared by many gates) go through the chain rule.
With ``backend="gpu"`` the same sweeps run on the device (:mod:`qfusion.sim.gpu.adjoint`):
the states stay there and only the gradient comes back.

>>> from qfusion.circuit import Circuit, Parameter
>>> from qfusion.observables import PauliSum
>>> t = Parameter("t")
>>> tape = AdjointTape(Circuit(1).rx(2 * t, 0))
>>> value, grad = tape.value_and_gradient(PauliSum.from_label("Z"), [0.3])
>>> round(value, 12), round(float(grad[0]), 12)  # cos(2t), -2 sin(2t)
(0.82533561491, -1.12928494679)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from qfusion.backends import get as get_backend
from qfusion.backends import names as backend_names
from qfusion.circuit import Circuit, StandardGate
from qfusion.errors import BackendError
from qfusion.observables import PauliSum, pauli_masks
from qfusion.primitives.circuits import inline, parameter_values, unitary_part
from qfusion.primitives.clifford_frame import Frame, clifford_images
from qfusion.primitives.expressions import value_and_partials
from qfusion.primitives.measurement import as_observable
from qfusion.sim.plan import gate_op

# gates exp(-i a/2 P) with P a Pauli string over the gate's qubits (first qubit rightmost)
PAULI_ROTATIONS = {"rx": "X", "ry": "Y", "rz": "Z", "rxx": "XX", "ryy": "YY", "rzz": "ZZ"}
_STEP = 1e-3  # of the 4-point stencil for other gates' derivative matrices (error ~ 1e-13)


class _Fixed:
    """A fixed run of gates: compiled for the forward sweep, and on first use for the backward one
    (their adjoints, on the two states side by side)."""

    __slots__ = ("ops", "forward", "_backward", "num_qubits", "steps")

    def __init__(self, ops, num_qubits: int, steps):
        self.ops, self.num_qubits, self.steps = ops, num_qubits, steps
        self.forward = steps.compile_gates(ops, num_qubits)
        self._backward = None

    @property
    def backward(self):
        if self._backward is None:
            self._backward = self.steps.compile_gates(self.ops, self.num_qubits + 1, inverse=True)
        return self._backward


@dataclass(frozen=True)
class _Rotation:
    x: int
    z: int
    phase: complex
    angle: object  # number or ParameterExpression


@dataclass(frozen=True)
class _General:
    gate: object
    qubits: tuple[int, ...]


def state_steps(backend):
    """The module of state-vector steps the sweeps run on, from a backend that declares
    ``capabilities.adjoint`` (:meth:`~qfusion.backends.Backend.adjoint_steps`): :mod:`qfusion.sim.adjoint`
    for ``"statevector"``, :mod:`qfusion.sim.gpu.adjoint` for ``"gpu"``.

    >>> state_steps("statevector").__name__
    'qfusion.sim.adjoint'
    """
    chosen = get_backend(backend)
    if not chosen.capabilities.adjoint:
        able = [name for name in backend_names() if _declares_adjoint(name)]
        raise BackendError(f"adjoint differentiation runs on a backend that declares it ({' or '.join(map(repr, able))}), "
                           f"not {chosen.name!r}; use method='parameter_shift' for other backends")
    return chosen.adjoint_steps()


def _declares_adjoint(name: str) -> bool:
    try:
        return get_backend(name).capabilities.adjoint
    except BackendError:
        return False


class AdjointTape:
    """A circuit prepared once for many value-and-gradient evaluations (fixed gates fused once).

    Final measurements and barriers are dropped; the gradient is with respect to
    ``circuit.parameters`` (sorted by name), the order :meth:`value_and_gradient` returns.
    ``backend`` (a name or a Backend) declares ``capabilities.adjoint``: ``"statevector"`` (CPU) or
    ``"gpu"`` (the states stay on the device).

    >>> from qfusion.circuit import Circuit, Parameter
    >>> from qfusion.observables import PauliSum
    >>> a, b = Parameter("a"), Parameter("b")
    >>> tape = AdjointTape(Circuit(2).ry(a, 0).cx(0, 1).rz(b, 1).measure_all())
    >>> tape.parameters, tape.num_qubits
    ((Parameter('a'), Parameter('b')), 2)
    """

    def __init__(self, circuit: Circuit, *, backend="statevector"):
        circuit = inline(unitary_part(circuit))
        self._sv = state_steps(backend)
        self.backend = backend
        # the state, H|state> and the two side by side while sweeping back
        self._sv.check_fits(circuit.num_qubits, copies=5)
        self.circuit = circuit
        self.num_qubits = circuit.num_qubits
        self.parameters = circuit.parameters
        self._index = {p.name: i for i, p in enumerate(self.parameters)}
        self._names = [p.name for p in self.parameters]
        self._final_frame, self._final_ops, self._final = None, [], None
        self._conjugated: dict = {}
        self._items = self._compile(circuit)

    def _compile(self, circuit: Circuit) -> list:
        """Items in time order. Fixed Clifford gates stay pending in a frame through which later
        Pauli rotations are conjugated (:mod:`.clifford_frame`); any other fixed gate ends the
        frame (the pending gates become one fused run), and so does a general parameterised gate."""
        items, pending = [], []
        n = self.num_qubits
        frame = Frame()
        in_frame = True  # every pending gate is Clifford, so rotations may be moved through them

        def flush():
            nonlocal frame, in_frame
            if pending:
                ops = _gate_ops(pending)
                items.append(_Fixed(ops, n, self._sv))
                pending.clear()
            frame, in_frame = Frame(), True

        for op, qubits in _gates(circuit):
            if not op.is_parameterized:
                pending.append((op, qubits))
                images = _images(op) if in_frame else None
                if images is None:
                    in_frame = False
                else:
                    frame.append(images, qubits)
                continue
            if isinstance(op, StandardGate) and op.name in PAULI_ROTATIONS:
                if not in_frame:
                    flush()
                x, z, phase = frame.conjugate(*pauli_masks(PAULI_ROTATIONS[op.name], qubits))
                items.append(_Rotation(x, z, phase, op.params[0]))
            else:
                flush()
                items.append(_General(op, qubits))
        if in_frame and pending:
            # a final Clifford C is folded into the observable (<H> = <C^dagger H C> before C)
            self._final_frame, self._final_ops = frame, list(pending)
        else:
            flush()
        return items

    # -- sweeps ---------------------------------------------------------------------------------
    def _forward(self, values: dict):
        sv = self._sv
        sv.set_threads(self.num_qubits + 1)
        state = sv.zero_state(self.num_qubits)
        for item in self._items:
            if isinstance(item, _Fixed):
                sv.apply_compiled(state, item.forward)
            elif isinstance(item, _Rotation):
                sv.pauli_rotate(state, item.x, item.z, item.phase, value_and_partials(item.angle, values)[0])
            else:
                sv.apply_matrix(state, item.gate.bind(values).matrix(), item.qubits, self.num_qubits)
        return state

    def state(self, params) -> np.ndarray:
        """The final state vector at ``params`` as a NumPy array (the circuit's global phase left out).

        >>> from qfusion.circuit import Circuit, Parameter
        >>> t = Parameter("t")
        >>> AdjointTape(Circuit(1).rx(t, 0)).state([np.pi]).round(6)
        array([0.+0.j, 0.-1.j])
        """
        state = self._forward(self._values(params))
        if self._final_ops:
            if self._final is None:
                self._final = self._sv.compile_gates(_gate_ops(self._final_ops), self.num_qubits)
            self._sv.apply_compiled(state, self._final)
        return self._sv.to_host(state)

    def _masks(self, observable: PauliSum):
        """The observable's masks, conjugated by the final Clifford frame when there is one."""
        observable = as_observable(observable, self.num_qubits)  # also refuses a size mismatch
        masks = observable.masks()
        if self._final_frame is None:
            return masks
        key = (masks[0].tobytes(), masks[1].tobytes(), masks[2].tobytes())
        if key not in self._conjugated:
            images = [self._final_frame.conjugate(int(x), int(z), complex(m)) for x, z, m in zip(*masks, strict=False)]
            self._conjugated[key] = (np.array([i[0] for i in images], dtype=np.uint64),
                                     np.array([i[1] for i in images], dtype=np.uint64),
                                     np.array([i[2] for i in images], dtype=np.complex128))
            if len(self._conjugated) > 64:
                self._conjugated.pop(next(iter(self._conjugated)))
        return self._conjugated[key]

    def expectation_value(self, observable: PauliSum, params) -> float:
        """``<H>`` at ``params`` from the forward sweep alone (no gradient).

        >>> from qfusion.circuit import Circuit, Parameter
        >>> from qfusion.observables import PauliSum
        >>> t = Parameter("t")
        >>> tape = AdjointTape(Circuit(1).ry(t, 0))
        >>> round(tape.expectation_value(PauliSum.from_label("X"), {"t": np.pi / 2}), 12)
        1.0
        """
        phi = self._forward(self._values(params))
        return float(self._sv.pauli_expectation(phi, *self._masks(observable)).real)

    def value_and_gradient(self, observable: PauliSum, params) -> tuple[float, np.ndarray]:
        """``(<H>, d<H>/d theta)`` at ``params`` (a sequence in :attr:`parameters` order, or a mapping).

        >>> from qfusion.circuit import Circuit, Parameter
        >>> from qfusion.observables import PauliSum
        >>> a, b = Parameter("a"), Parameter("b")
        >>> tape = AdjointTape(Circuit(2).ry(a, 0).ry(b, 1))
        >>> value, grad = tape.value_and_gradient(PauliSum.from_label("ZZ"), [0.3, 0.5])  # cos a cos b
        >>> round(value, 6), grad.round(6)  # (-sin a cos b, -cos a sin b)
        (0.838387, array([-0.259343, -0.458013]))
        """
        values = self._values(params)
        phi = self._forward(values)
        lam = self._sv.apply_pauli_sum(phi, *self._masks(observable))
        value = float(self._sv.pauli_overlap(phi, lam, 0, 0, 1.0).real)
        return value, self._backward(phi, lam, values)

    def vector_jacobian_product(self, observables, cotangent, params) -> tuple[np.ndarray, np.ndarray]:
        """``(values, sum_o cotangent[o] d<H_o>/d theta)``: one backward sweep for all observables.

        >>> from qfusion.circuit import Circuit, Parameter
        >>> from qfusion.observables import PauliSum
        >>> t = Parameter("t")
        >>> tape = AdjointTape(Circuit(1).ry(t, 0))
        >>> values, vjp = tape.vector_jacobian_product([PauliSum.from_label("Z"), PauliSum.from_label("X")], [1.0, 1.0], [0.4])
        >>> values.round(6), vjp.round(6)  # (cos t, sin t), -sin t + cos t
        (array([0.921061, 0.389418]), array([0.531643]))
        """
        values = self._values(params)
        phi = self._forward(values)
        expectations = np.empty(len(observables))
        weighted = []  # lam = sum_o cotangent[o] H_o phi: one Pauli sum of every weighted term, one pass
        for o, (observable, weight) in enumerate(zip(observables, np.asarray(cotangent, dtype=float), strict=False)):
            x, z, phased = self._masks(observable)
            expectations[o] = self._sv.pauli_expectation(phi, x, z, phased).real
            weighted.append((x, z, weight * np.asarray(phased)))
        terms = [np.concatenate(parts) for parts in zip(*weighted, strict=False)] if weighted else ([], [], [])
        lam = self._sv.apply_pauli_sum(phi, *terms)
        return expectations, self._backward(phi, lam, values)

    def _values(self, params) -> dict:
        if isinstance(params, Mapping):
            return parameter_values(self.circuit, params)
        flat = np.asarray(params, dtype=float).reshape(-1)
        if len(flat) != len(self._names):
            return parameter_values(self.circuit, params)  # raises the error that names the parameters
        return dict(zip(self._names, flat.tolist(), strict=False))

    def _backward(self, phi, lam, values: dict) -> np.ndarray:
        sv = self._sv
        dim = phi.shape[0]
        both, phi, lam = sv.side_by_side(phi, lam)
        grad = np.zeros(len(self.parameters))
        for item in reversed(self._items):
            if isinstance(item, _Fixed):
                sv.apply_compiled(both, item.backward)
            elif isinstance(item, _Rotation):
                angle, partials = value_and_partials(item.angle, values)
                if partials:
                    derivative = sv.pauli_overlap(lam, phi, item.x, item.z, item.phase).imag
                    for name, d in partials.items():
                        grad[self._index[name]] += derivative * d
                sv.pauli_rotate(both, item.x, item.z, item.phase, -angle)
            else:
                self._general_backward(item, both, dim, values, grad)
        return grad

    def _general_backward(self, item: _General, both, dim: int, values: dict, grad) -> None:
        sv = self._sv
        gate = item.gate
        unitary = gate.bind(values).matrix()
        for parameter in gate.parameters:
            derivative = _matrix_derivative(gate, values, parameter.name)
            ket = sv.copy(both[:dim])
            sv.apply_matrix(ket, derivative @ unitary.conj().T, item.qubits, self.num_qubits)
            grad[self._index[parameter.name]] += 2 * sv.pauli_overlap(both[dim:], ket, 0, 0, 1.0).real
        sv.apply_matrix(both, unitary.conj().T, item.qubits, self.num_qubits + 1)


def _gates(circuit: Circuit):
    """``(gate, qubits)`` in order, a product gate (a global pulse) as its one-qubit factors, as
    :func:`qfusion.sim.plan.gate_ops_of` lowers it: rotations and frames see each factor, and no
    wide matrix is built. A parameter shared by the factors gets every factor's partial."""
    for inst in circuit.instructions:
        factors = getattr(inst.operation, "factors", None)
        if factors is None:
            yield inst.operation, tuple(inst.qubits)
        else:
            for factor, on in factors():
                yield factor, tuple(inst.qubits[j] for j in on)


_IMAGES: dict = {}


def _images(op):
    """:func:`clifford_images` of a fixed gate, remembered by name and angles for standard gates."""
    if not isinstance(op, StandardGate) or op.num_qubits > 2:
        return clifford_images(op.matrix()) if op.num_qubits <= 2 else None
    key = (op.name, op.params)
    if key not in _IMAGES:
        _IMAGES[key] = clifford_images(op.matrix())
    return _IMAGES[key]


def _gate_ops(pending) -> list:
    return [gate_op(op.matrix(), qubits, op.kind) for op, qubits in pending]


def _matrix_derivative(gate, values: dict, name: str) -> np.ndarray:
    """``dU/d name`` by the 4-point central stencil (exact for polynomials of degree 4)."""
    def at(shift):
        shifted = dict(values)
        shifted[name] = values[name] + shift
        return gate.bind(shifted).matrix()
    h = _STEP
    return (at(-2 * h) - 8 * at(-h) + 8 * at(h) - at(2 * h)) / (12 * h)
