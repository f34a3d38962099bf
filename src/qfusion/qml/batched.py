"""One circuit, many parameter sets: every state a row of one ``(N, 2**n)`` array.

QML evaluates one parameterised circuit at every sample of a data set. :class:`BatchedCircuit`
lowers the circuit once into a plan of steps (fixed gates as matrices, permutations as index
gathers, diagonals as phase rows, parameterised gates as per-row matrices from their angle
columns), then runs the plan on all rows at once: a kernel's ``N`` states cost one pass of the plan,
never ``N`` separate simulations. The same plan runs backwards for adjoint gradients of
expectation values (:meth:`vjp`) and forwards with tangents for state Jacobians (:meth:`jacobian`).
Qubit ``i`` is bit ``i`` of a row's index (little-endian, as everywhere in qfusion).

>>> import numpy as np
>>> from qfusion.circuit import Circuit, Parameter
>>> t = Parameter("t")
>>> plan = BatchedCircuit(Circuit(2).ry(t, 0).cx(0, 1))
>>> states = plan.states({"t": np.array([0.0, np.pi])})
>>> np.round(states.real, 6)
array([[1., 0., 0., 0.],
       [0., 0., 0., 1.]])
>>> values, grads = plan.vjp({"t": np.array([0.3])}, ["ZI"], np.ones((1, 1)))
>>> round(float(values[0, 0]), 6), round(float(grads["t"][0]), 6)  # cos t, -sin t
(0.955336, -0.29552)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from qfusion.circuit import Circuit, Gate, Operation, StandardGate
from qfusion.errors import CircuitError
from qfusion.observables import PauliSum
from qfusion.primitives.circuits import inline, unitary_part
from qfusion.primitives.expressions import columns_and_partials
from qfusion.sim.memory import check_state_fits

_STEP = 1e-3  # 4-point stencil for derivative matrices (error ~1e-13 on trigonometric entries)


def _rotation(pauli: np.ndarray):
    def matrices(t):
        c, s = np.cos(t / 2), np.sin(t / 2)
        return c[:, None, None] * np.eye(len(pauli)) - 1j * s[:, None, None] * pauli
    return matrices


_X = np.array([[0, 1], [1, 0]], dtype=complex)
_Y = np.array([[0, -1j], [1j, 0]])
_Z = np.diag([1.0, -1.0]).astype(complex)


def _phase(t):
    out = np.zeros((len(t), 2, 2), dtype=complex)
    out[:, 0, 0], out[:, 1, 1] = 1, np.exp(1j * t)
    return out


def _u(t, p, lam):
    c, s = np.cos(t / 2), np.sin(t / 2)
    out = np.empty((len(t), 2, 2), dtype=complex)
    out[:, 0, 0], out[:, 0, 1] = c, -np.exp(1j * lam) * s
    out[:, 1, 0], out[:, 1, 1] = np.exp(1j * p) * s, np.exp(1j * (p + lam)) * c
    return out


def _controlled(base):
    def matrices(*angles):
        inner = base(*angles)
        out = np.zeros((len(inner), 4, 4), dtype=complex)
        out[:, 0, 0] = out[:, 2, 2] = 1
        out[:, 1::2, 1::2] = inner  # control is the first (low) bit
        return out
    return matrices


# vectorised matrices of the standard parameterised gates: arrays of angles -> (N, d, d)
_BATCHED = {
    "rx": _rotation(_X), "ry": _rotation(_Y), "rz": _rotation(_Z), "p": _phase, "u": _u,
    "rxx": _rotation(np.kron(_X, _X)), "ryy": _rotation(np.kron(_Y, _Y)), "rzz": _rotation(np.kron(_Z, _Z)),
    "cp": _controlled(_phase), "crx": _controlled(_rotation(_X)), "cry": _controlled(_rotation(_Y)),
    "crz": _controlled(_rotation(_Z)),
}


def _matrices(gate: Gate, angles: list[np.ndarray]) -> np.ndarray:
    if isinstance(gate, StandardGate) and gate.name in _BATCHED:
        return _BATCHED[gate.name](*angles)
    return np.stack([gate._with_params(tuple(float(a[r]) for a in angles)).matrix()
                     for r in range(len(angles[0]))])


@dataclass(frozen=True, eq=False)
class _Fixed:
    qubits: tuple[int, ...]
    matrix: Any  # (d, d) dense, (d,) diagonal, or (source indices, phases or None) of a permutation
    kind: str  # "dense", "diagonal" or "permutation"


@dataclass(frozen=True, eq=False)
class _Parameterised:
    gate: Gate
    qubits: tuple[int, ...]
    diagonal: bool


class BatchedCircuit:
    """A circuit lowered once and run on many parameter sets at once (rows of one array).

    Parameter values come as *columns*: ``{parameter name: array of N values}`` (or an ``(N, P)``
    array in :attr:`parameters` order). The circuit's global phase is left out.

    >>> from qfusion.circuit import Circuit, Parameter
    >>> plan = BatchedCircuit(Circuit(1).rx(Parameter("t"), 0))
    >>> (np.abs(plan.states(np.array([[0.0], [np.pi / 2], [np.pi]]))) ** 2).round(6)
    array([[1. , 0. ],
           [0.5, 0.5],
           [0. , 1. ]])
    """

    def __init__(self, circuit: Circuit):
        circuit = inline(unitary_part(circuit))
        self.circuit = circuit
        self.num_qubits = circuit.num_qubits
        self.parameters = circuit.parameters
        self._steps = [self._step(inst.operation, tuple(inst.qubits)) for inst in circuit.instructions]
        self._inverses = [_inverse(s) if isinstance(s, _Fixed) else None for s in self._steps]

    def __repr__(self) -> str:
        return (f"BatchedCircuit(num_qubits={self.num_qubits}, steps={len(self._steps)}, "
                f"parameters={len(self.parameters)})")

    def _step(self, op: Operation, qubits):
        if not isinstance(op, Gate):        # unitary_part left gates only
            raise CircuitError(f"a batched circuit applies gates only, got {op.name!r}")
        if op.is_parameterized:
            kind = op.kind if isinstance(op, StandardGate) else "dense"
            return _Parameterised(op, qubits, kind == "diagonal")
        matrix = op.matrix()
        kind = op.kind if isinstance(op, StandardGate) else "dense"
        if kind == "diagonal":
            return _Fixed(qubits, np.diagonal(matrix).copy(), "diagonal")
        if kind == "permutation":
            return _Fixed(qubits, _permutation(matrix, qubits, self.num_qubits), "permutation")
        return _Fixed(qubits, matrix, "dense")

    # -- parameter columns ---------------------------------------------------------------------
    def columns(self, params) -> tuple[dict[str, np.ndarray], int]:
        """``(columns, N)`` from a mapping of name -> values or an ``(N, P)`` array.

        >>> from qfusion.circuit import Circuit, Parameter
        >>> plan = BatchedCircuit(Circuit(1).rx(Parameter("a"), 0).rz(Parameter("b"), 0))
        >>> columns, count = plan.columns(np.array([[0.1, 0.2], [0.3, 0.4]]))
        >>> {name: values.tolist() for name, values in columns.items()}, count
        ({'a': [0.1, 0.3], 'b': [0.2, 0.4]}, 2)
        """
        if isinstance(params, Mapping):
            columns = {(k.name if hasattr(k, "name") else str(k)): np.asarray(v, dtype=float).reshape(-1)
                       for k, v in params.items()}
        else:
            array = np.asarray(params, dtype=float)
            if array.ndim != 2 or array.shape[1] != len(self.parameters):
                raise CircuitError(f"expected parameter values of shape (N, {len(self.parameters)}), "
                                   f"got {array.shape}")
            columns = {p.name: array[:, j] for j, p in enumerate(self.parameters)}
            if not columns:
                return columns, array.shape[0]
        missing = [p.name for p in self.parameters if p.name not in columns]
        if missing:
            raise CircuitError(f"no values for parameter(s) {', '.join(missing)}")
        sizes = {len(v) for v in columns.values()}
        if len(sizes) > 1:
            raise CircuitError(f"every parameter needs the same number of values, got {sorted(sizes)}")
        return columns, (sizes.pop() if sizes else 1)

    def _angles(self, step: _Parameterised, columns, count, partials: bool):
        return [columns_and_partials(p, columns, count, partials) for p in step.gate.params]

    # -- forward ---------------------------------------------------------------------------------
    def states(self, params=None, *, initial: np.ndarray | None = None) -> np.ndarray:
        """The final states, shape ``(N, 2**num_qubits)`` complex128 (``initial``: ``(N, 2**n)`` start states).

        >>> from qfusion.circuit import Circuit, Parameter
        >>> plan = BatchedCircuit(Circuit(1).ry(Parameter("t"), 0))
        >>> plan.states({"t": np.array([np.pi])}, initial=np.array([[0.0, 1.0]])).real.round(6)  # ry(pi)|1> = -|0>
        array([[-1.,  0.]])
        """
        columns, count = self.columns(params if params is not None else {})
        count = len(initial) if initial is not None and not columns else count
        state = self._initial(count, initial)
        for step in self._steps:
            state = self._apply_step(state, step, columns, count)
        return state

    def _initial(self, count: int, initial) -> np.ndarray:
        # the rows, a copy per gate and the adjoint's second array: refuse before allocating
        check_state_fits(self.num_qubits, np.complex128, copies=4 * max(count, 1),
                         what=f"{count} batched states (pass fewer samples at a time)")
        dim = 1 << self.num_qubits
        if initial is None:
            state = np.zeros((count, dim), dtype=np.complex128)
            state[:, 0] = 1
            return state
        state = np.array(initial, dtype=np.complex128)
        if state.shape != (count, dim):
            raise CircuitError(f"initial states must have shape ({count}, {dim}), got {state.shape}")
        return state

    def _apply_step(self, state, step, columns, count):
        if isinstance(step, _Fixed):
            return _apply_fixed(state, step, self.num_qubits)
        angles = [a for a, _ in self._angles(step, columns, count, False)]
        return _apply(state, _matrices(step.gate, angles), step.qubits, self.num_qubits, step.diagonal)

    # -- adjoint ---------------------------------------------------------------------------------
    def vjp(self, params, observables: Sequence, cotangent, *, wrt=None,
            initial=None) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """``(values (N, O), {name: (N,) sum_o cotangent[:, o] d<H_o>/d name})``, one backward sweep.

        ``observables`` are :class:`~qfusion.observables.PauliSum` s or labels; every parameter
        (or those named in ``wrt``) gets its per-row gradient, inputs and weights alike.

        >>> from qfusion.circuit import Circuit, Parameter
        >>> from qfusion.observables import PauliSum
        >>> plan = BatchedCircuit(Circuit(1).ry(Parameter("t"), 0))
        >>> values, grads = plan.vjp({"t": np.array([0.0, np.pi / 2])}, [PauliSum.from_label("Z")], np.ones((2, 1)))
        >>> values.round(6), grads["t"].round(6) + 0.0  # cos t, -sin t
        (array([[1.],
               [0.]]), array([ 0., -1.]))
        """
        terms = [_as_terms(o, self.num_qubits) for o in observables]

        def adjoint(phi):
            images = [_pauli_apply(phi, t) for t in terms]
            values = np.stack([np.einsum("ni,ni->n", phi.conj(), h).real for h in images], axis=1)
            weights = np.broadcast_to(np.asarray(cotangent, dtype=float), values.shape)
            return values, sum(weights[:, o, None] * images[o] for o in range(len(terms)))
        return self.gradient(params, adjoint, wrt=wrt, initial=initial)

    def gradient(self, params, adjoint, *, wrt=None, initial=None):
        """``(result, {name: (N,) d f / d name})`` for a real function ``f`` of the final states
        (summed over rows): ``adjoint(states)`` returns ``(result, lam)`` with
        ``lam = d f / d conj(state)`` (``H psi`` for ``f = <psi|H|psi>``,
        ``d_b psi_b`` for ``f = sum_b d_b |psi_b|**2``).

        >>> from qfusion.circuit import Circuit, Parameter
        >>> plan = BatchedCircuit(Circuit(1).ry(Parameter("t"), 0))
        >>> def population_of_one(states):  # f = sum |psi_1|^2 = sum sin^2(t/2); lambda = df/d(conj psi)
        ...     lam = np.zeros_like(states)
        ...     lam[:, 1] = states[:, 1]
        ...     return float(np.sum(np.abs(states[:, 1]) ** 2)), lam
        >>> result, grads = plan.gradient({"t": np.array([np.pi / 2])}, population_of_one)
        >>> round(result, 6), grads["t"].round(6)  # sin^2(t/2), sin(t)/2
        (0.5, array([0.5]))
        """
        columns, count = self.columns(params)
        count = len(initial) if initial is not None and not columns else count
        keep = None if wrt is None else {w.name if hasattr(w, "name") else str(w) for w in wrt}
        matrices, phi = [], self._initial(count, initial)
        for step in self._steps:
            if isinstance(step, _Fixed):
                phi = _apply_fixed(phi, step, self.num_qubits)
                matrices.append(None)
            else:
                angles = self._angles(step, columns, count, True)
                if keep is not None:
                    angles = [(a, {k: v for k, v in d.items() if k in keep}) for a, d in angles]
                m = _matrices(step.gate, [a for a, _ in angles])
                matrices.append((m, angles))
                phi = _apply(phi, m, step.qubits, self.num_qubits, step.diagonal)
        result, lam = adjoint(phi)
        grads = {name: np.zeros(count) for name in columns if keep is None or name in keep}
        for step, inverse_step, stored in zip(reversed(self._steps), reversed(self._inverses), reversed(matrices), strict=False):
            if stored is None:
                phi = _apply_fixed(phi, inverse_step, self.num_qubits)
                lam = _apply_fixed(lam, inverse_step, self.num_qubits)
                continue
            m, angles = stored
            inverse = _dagger(m, step.diagonal)
            phi = _apply(phi, inverse, step.qubits, self.num_qubits, step.diagonal)
            for slot, (_, partials) in enumerate(angles):
                if not partials:
                    continue
                derivative = self._derivative(step, angles, slot)
                moved = _apply(phi, derivative, step.qubits, self.num_qubits, step.diagonal)
                g = 2 * np.einsum("ni,ni->n", lam.conj(), moved).real
                for name, d in partials.items():
                    grads[name] += g * d
            lam = _apply(lam, inverse, step.qubits, self.num_qubits, step.diagonal)
        return result, grads

    def _derivative(self, step: _Parameterised, angles, slot: int) -> np.ndarray:
        values = [a for a, _ in angles]

        def at(shift):
            shifted = list(values)
            shifted[slot] = values[slot] + shift
            m = _matrices(step.gate, shifted)
            return np.diagonal(m, axis1=1, axis2=2) if step.diagonal else m
        h = _STEP
        return (at(-2 * h) - 8 * at(-h) + 8 * at(h) - at(2 * h)) / (12 * h)

    # -- forward tangents ------------------------------------------------------------------------
    def jacobian(self, params, wrt: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """``(states (N, D), d states / d wrt (N, K, D))`` by forward-mode sweeps (one tangent per name).

        >>> from qfusion.circuit import Circuit, Parameter
        >>> plan = BatchedCircuit(Circuit(1).ry(Parameter("t"), 0))
        >>> states, tangents = plan.jacobian({"t": np.array([0.0])}, ["t"])
        >>> states.real.round(6), tangents.real.round(6) + 0.0  # d/dt (cos t/2, sin t/2) = (0, 1/2) at 0
        (array([[1., 0.]]), array([[[0. , 0.5]]]))
        """
        columns, count = self.columns(params)
        wrt = [w.name if hasattr(w, "name") else str(w) for w in wrt]
        n, dim, k = self.num_qubits, 1 << self.num_qubits, len(wrt)
        phi = self._initial(count, None)
        tangents: np.ndarray = np.zeros((count * k, dim), dtype=np.complex128)
        for step in self._steps:
            if isinstance(step, _Fixed):
                phi = _apply_fixed(phi, step, n)
                tangents = _apply_fixed(tangents, step, n) if k else tangents
                continue
            angles = self._angles(step, columns, count, True)
            m = _matrices(step.gate, [a for a, _ in angles])
            stored = m if step.diagonal is False else np.diagonal(m, axis1=1, axis2=2)
            if k:
                tangents = _apply(tangents, np.repeat(stored, k, axis=0), step.qubits, n, step.diagonal)
                tangents = tangents.reshape(count, k, dim)
                for slot, (_, partials) in enumerate(angles):
                    used = [(j, partials[name]) for j, name in enumerate(wrt) if name in partials]
                    if used:
                        moved = _apply(phi, self._derivative(step, angles, slot), step.qubits, n, step.diagonal)
                        for j, d in used:
                            tangents[:, j] += d[:, None] * moved
                tangents = tangents.reshape(count * k, dim)
            phi = _apply(phi, stored, step.qubits, n, step.diagonal)
        return phi, tangents.reshape(count, k, dim)


# -- array steps -------------------------------------------------------------------------------
def _permutation(matrix: np.ndarray, qubits, num_qubits: int) -> tuple[np.ndarray, np.ndarray | None]:
    """``(source index, phase)`` of every amplitude after a permutation gate: out[i] = phase[i] * in[source[i]]."""
    index = np.arange(1 << num_qubits)
    local = np.zeros_like(index)
    for j, q in enumerate(qubits):
        local |= ((index >> q) & 1) << j
    columns = np.argmax(np.abs(matrix) > 0.5, axis=1)  # row r has its one entry in column columns[r]
    source = index.copy()
    for j, q in enumerate(qubits):
        source &= ~(1 << q)
        source |= ((columns[local] >> j) & 1) << q
    phase = matrix[local, columns[local]]
    return source, None if np.all(phase == 1) else phase


def _apply_fixed(state, step: _Fixed, num_qubits: int):
    if step.kind == "permutation":
        source, phase = step.matrix
        out = state[:, source]
        if phase is not None:
            out *= phase
        return out
    return _apply(state, step.matrix, step.qubits, num_qubits, step.kind == "diagonal")


def _inverse(step: _Fixed) -> _Fixed:
    if step.kind == "permutation":
        source, phase = step.matrix
        order = np.argsort(source)  # in[j] = out[order[j]] / phase[order[j]]
        return _Fixed(step.qubits, (order, None if phase is None else phase.conj()[order]), "permutation")
    if step.kind == "diagonal":
        return _Fixed(step.qubits, step.matrix.conj(), "diagonal")
    return _Fixed(step.qubits, step.matrix.conj().T, "dense")


def _dagger(m: np.ndarray, diagonal: bool) -> np.ndarray:
    if diagonal:
        return np.diagonal(m, axis1=1, axis2=2).conj() if m.ndim == 3 else m.conj()
    return np.conj(np.swapaxes(m, -1, -2))


def _apply(state: np.ndarray, matrix: np.ndarray, qubits, num_qubits: int, diagonal: bool) -> np.ndarray:
    """A new ``state`` (B, 2**n) with a k-qubit matrix (``(d, d)`` or per row ``(B, d, d)``; their
    diagonals ``(d,)`` / ``(B, d)`` when ``diagonal``) applied; matrix index bit j is ``qubits[j]``."""
    batch, k = state.shape[0], len(qubits)
    if diagonal:
        if matrix.ndim == 3:
            matrix = np.diagonal(matrix, axis1=1, axis2=2)
        return state * _diagonal_rows(matrix, qubits, num_qubits)
    if k == 1:
        q = qubits[0]
        view = state.reshape(batch, -1, 2, 1 << q)
        out = np.empty_like(view)
        m = matrix if matrix.ndim == 2 else matrix[:, None, :, :, None]
        if matrix.ndim == 2:
            out[:, :, 0] = m[0, 0] * view[:, :, 0] + m[0, 1] * view[:, :, 1]
            out[:, :, 1] = m[1, 0] * view[:, :, 0] + m[1, 1] * view[:, :, 1]
        else:
            out[:, :, 0] = m[:, :, 0, 0] * view[:, :, 0] + m[:, :, 0, 1] * view[:, :, 1]
            out[:, :, 1] = m[:, :, 1, 0] * view[:, :, 0] + m[:, :, 1, 1] * view[:, :, 1]
        return out.reshape(batch, -1)
    tensor = state.reshape((batch,) + (2,) * num_qubits)
    axes = [1 + num_qubits - 1 - q for q in reversed(qubits)]  # highest matrix bit first
    moved = np.moveaxis(tensor, axes, list(range(num_qubits + 1 - k, num_qubits + 1)))
    shape = moved.shape
    flat = moved.reshape(batch, -1, 1 << k)
    flat = flat @ matrix.T if matrix.ndim == 2 else np.matmul(flat, np.swapaxes(matrix, 1, 2))
    back = np.moveaxis(flat.reshape(shape), list(range(num_qubits + 1 - k, num_qubits + 1)), axes)
    return np.ascontiguousarray(back).reshape(batch, -1)


def _diagonal_rows(diagonal: np.ndarray, qubits, num_qubits: int) -> np.ndarray:
    """The diagonal as an array that broadcasts against ``(B, 2**n)``: entry ``i`` is
    ``diagonal[local(i)]``, local(i) the bits of ``i`` on ``qubits``."""
    index = np.arange(1 << num_qubits)
    local = np.zeros_like(index)
    for j, q in enumerate(qubits):
        local |= ((index >> q) & 1) << j
    return diagonal[..., local] if diagonal.ndim == 2 else diagonal[local][None, :]


def _as_terms(observable, num_qubits: int):
    if isinstance(observable, str):
        observable = PauliSum.from_label(observable)
    if not isinstance(observable, PauliSum):
        raise CircuitError(f"observables are PauliSums or Pauli labels, got {type(observable).__name__}")
    if observable.num_qubits != num_qubits:
        raise CircuitError(f"an observable on {observable.num_qubits} qubits for a circuit of {num_qubits}")
    x, z, m = observable.masks()
    return x.astype(np.int64), z.astype(np.int64), m


def _pauli_apply(state: np.ndarray, terms) -> np.ndarray:
    """``H`` applied to every row: ``(H psi)[i ^ x] += m (-1)^popcount(i & z) psi[i]`` per term."""
    index = np.arange(state.shape[1])
    out = np.zeros_like(state)
    for x, z, m in zip(*terms, strict=False):
        signs = 1 - 2 * (np.bitwise_count((index & z).astype(np.uint64)) & 1).astype(np.int64)
        out[:, index ^ x] += (m * signs)[None, :] * state
    return out
