"""Gates: what each one is, its matrix, and its kind (dense, diagonal or permutation).

Matrices follow the little-endian convention of Qiskit: bit ``k`` of a matrix
index is the ``k``-th qubit the gate is applied to. So ``cx`` (control first) maps
``|c=1, t=0>`` (index 1) to ``|c=1, t=1>`` (index 3).

The *kind* tells the simulator which kernel can apply a gate: ``"diagonal"``
(a phase per basis state), ``"permutation"`` (a permutation of basis states with a
phase each: x, cx, swap, iswap, ccx, ...) or ``"dense"``.

>>> g = standard_gate("rz", 0.5)
>>> g.kind, g.num_qubits
('diagonal', 1)
>>> np.round(standard_gate("cx").matrix().real).astype(int)
array([[1, 0, 0, 0],
       [0, 0, 0, 1],
       [0, 0, 1, 0],
       [0, 1, 0, 0]])
"""

from __future__ import annotations

import cmath
import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from qfusion.circuit.parameter import ParameterExpression, bind_value, is_symbolic
from qfusion.errors import CircuitError, ParameterError

SQRT1_2 = 1 / math.sqrt(2)


class Operation:
    """Anything an instruction applies: a gate, a measurement, a reset, a barrier.

    >>> from qfusion.circuit import Circuit
    >>> [type(inst.operation).__name__ for inst in Circuit(1, 1).h(0).measure(0, 0).instructions]
    ['StandardGate', 'Measure']
    """

    name: str = "operation"
    num_qubits: int = 0
    params: tuple = ()

    @property
    def is_unitary(self) -> bool:
        """Whether the operation is a gate (measurements, resets and barriers are not).


        >>> Measure().is_unitary
        False
        """
        return False


class Gate(Operation):
    """A unitary operation on ``num_qubits`` qubits with real ``params``.

    Subclasses provide :meth:`_matrix` (the matrix for bound float params) and may
    override :attr:`kind`, :meth:`inverse` and :meth:`power`.

    >>> g = standard_gate("ry", 0.5)
    >>> g.name, g.num_qubits, g.params
    ('ry', 1, (0.5,))
    """

    def __init__(self, name: str, num_qubits: int, params: tuple = ()):
        self.name = name
        self.num_qubits = num_qubits
        self.params = tuple(params)

    @property
    def is_unitary(self) -> bool:
        """Always true for a gate.


        >>> standard_gate("h").is_unitary
        True
        """
        return True

    @property
    def is_parameterized(self) -> bool:
        """Whether a parameter is still unbound.

        >>> from qfusion.circuit import Parameter
        >>> standard_gate("rx", Parameter("t")).is_parameterized, standard_gate("rx", 0.5).is_parameterized
        (True, False)
        """
        return any(is_symbolic(p) for p in self.params)

    @property
    def parameters(self) -> frozenset:
        """The free parameters of the gate's params.


        >>> from qfusion.circuit import Parameter
        >>> a, b = Parameter("a"), Parameter("b")
        >>> sorted(p.name for p in standard_gate("u", a, 2 * b, 0.5).parameters)
        ['a', 'b']
        """
        found: set = set()
        for p in self.params:
            if isinstance(p, ParameterExpression):
                found |= p.parameters
        return frozenset(found)

    def float_params(self) -> tuple[float, ...]:
        """The params as floats; a :class:`~qfusion.errors.ParameterError` if one is unbound.


        >>> standard_gate("u", 1, 0.5, 0).float_params()
        (1.0, 0.5, 0.0)
        """
        try:
            return tuple(float(p) for p in self.params)
        except ParameterError as exc:
            raise ParameterError(f"gate {self.name}: {exc}") from None

    def matrix(self) -> np.ndarray:
        """The gate's unitary as a ``2**n x 2**n`` complex128 array (parameters must be bound).

        >>> standard_gate("x").matrix()
        array([[0.+0.j, 1.+0.j],
               [1.+0.j, 0.+0.j]])
        """
        return self._matrix(self.float_params())

    def _matrix(self, params: tuple[float, ...]) -> np.ndarray:
        raise NotImplementedError

    @property
    def kind(self) -> str:
        """``"diagonal"``, ``"permutation"`` or ``"dense"``, from the matrix's structure.

        >>> standard_gate("rz", 0.1).kind, standard_gate("cx").kind, standard_gate("h").kind
        ('diagonal', 'permutation', 'dense')
        """
        return matrix_kind(self.matrix())

    def bind(self, values: Mapping) -> Gate:
        """A copy with parameters substituted from ``values``.

        >>> from qfusion.circuit import Parameter
        >>> t = Parameter("t")
        >>> standard_gate("rx", 2 * t).bind({t: 0.25})
        Gate('rx', 0.5)
        """
        if not self.is_parameterized:
            return self
        return self._with_params(tuple(bind_value(p, values) for p in self.params))

    def _with_params(self, params: tuple) -> Gate:
        raise NotImplementedError

    def inverse(self) -> Gate:
        """The adjoint gate (an :class:`~qfusion.circuit.modifiers.InverseGate` unless a subclass knows better).


        >>> import numpy as np
        >>> from qfusion.circuit.modifiers import UnitaryGate
        >>> g = UnitaryGate(np.diag([1, 1j]))
        >>> np.allclose(g.inverse().matrix() @ g.matrix(), np.eye(2))
        True
        """
        from qfusion.circuit.modifiers import InverseGate
        return InverseGate(self)

    def power(self, exponent: float) -> Gate:
        """This gate raised to ``exponent`` (a :class:`~qfusion.circuit.modifiers.PowerGate` unless a subclass knows better).


        >>> import numpy as np
        >>> np.allclose(standard_gate("x").power(0.5).matrix(), standard_gate("sx").matrix())
        True
        """
        from qfusion.circuit.modifiers import PowerGate
        return PowerGate(self, exponent)

    def control(self, num_ctrl_qubits: int = 1, ctrl_state: int | None = None) -> Gate:
        """This gate controlled on ``num_ctrl_qubits`` qubits placed *before* its own qubits.

        ``ctrl_state`` (little-endian over the controls) selects the control values; default all ones.

        >>> import numpy as np
        >>> ccx = standard_gate("x").control(2)  # controls are qubits 0 and 1, the target qubit 2
        >>> int(np.flatnonzero(ccx.matrix()[:, 0b011])[0])  # |011> -> |111>
        7
        >>> standard_gate("x").control(2, ctrl_state=0b01).num_qubits
        3
        """
        from qfusion.circuit.modifiers import ControlledGate
        return ControlledGate(self, num_ctrl_qubits, ctrl_state)

    def __eq__(self, other) -> bool:
        return (type(other) is type(self) and other.name == self.name
                and other.num_qubits == self.num_qubits and _params_equal(self.params, other.params))

    def __hash__(self) -> int:
        return hash((self.name, self.num_qubits))

    def __repr__(self) -> str:
        if not self.params:
            return f"Gate({self.name!r})"
        return f"Gate({self.name!r}, {', '.join(_param_str(p) for p in self.params)})"


def _param_str(p) -> str:
    return str(p) if isinstance(p, ParameterExpression) else f"{p:.6g}"


def _params_equal(a: tuple, b: tuple) -> bool:
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=False):
        if is_symbolic(x) or is_symbolic(y):
            if not (is_symbolic(x) and is_symbolic(y) and x == y):
                return False
        elif float(x) != float(y):
            return False
    return True


# -- the standard gate library ------------------------------------------------------------

@dataclass(frozen=True)
class GateSpec:
    """How a standard gate is defined: its name, qubit count, parameter count and matrix function.


    >>> STANDARD_GATES["cp"].num_qubits, STANDARD_GATES["cp"].num_params
    (2, 1)
    """
    name: str
    num_qubits: int
    num_params: int
    matrix: Callable[..., np.ndarray]
    kind: str
    inverse: Callable[[tuple], tuple[str, tuple]] | None = None  # params -> (name, params)


def _diag(*phases) -> np.ndarray:
    if len(phases) == 2:  # the common case, without np.diag's overhead
        return np.array([[phases[0], 0], [0, phases[1]]], dtype=complex)
    return np.diag(np.array(phases, dtype=complex))


def _rx(t):
    c, s = math.cos(t / 2), math.sin(t / 2)
    return np.array([[c, -1j * s], [-1j * s, c]], dtype=complex)


def _ry(t):
    c, s = math.cos(t / 2), math.sin(t / 2)
    return np.array([[c, -s], [s, c]], dtype=complex)


def _rz(t):
    phase = cmath.exp(0.5j * t)
    return np.array([[phase.conjugate(), 0], [0, phase]], dtype=complex)


def _u(t, p, lam):
    c, s = math.cos(t / 2), math.sin(t / 2)
    return np.array([[c, -cmath.exp(1j * lam) * s],
                     [cmath.exp(1j * p) * s, cmath.exp(1j * (p + lam)) * c]])


def controlled_matrix(base: np.ndarray, num_ctrl: int, ctrl_state: int | None = None) -> np.ndarray:
    """The matrix of ``base`` controlled on ``num_ctrl`` qubits that come first (low bits).

    >>> controlled_matrix(standard_gate("x").matrix(), 1).real.astype(int)
    array([[1, 0, 0, 0],
           [0, 0, 0, 1],
           [0, 0, 1, 0],
           [0, 1, 0, 0]])
    """
    ctrl_state = (1 << num_ctrl) - 1 if ctrl_state is None else ctrl_state
    dim_c, dim_b = 1 << num_ctrl, base.shape[0]
    out = np.eye(dim_c * dim_b, dtype=complex)
    rows = ctrl_state + (np.arange(dim_b) << num_ctrl)
    out[np.ix_(rows, rows)] = base
    return out


def _rzz(t):
    phase = cmath.exp(0.5j * t)
    low = phase.conjugate()
    return np.array([[low, 0, 0, 0], [0, phase, 0, 0], [0, 0, phase, 0], [0, 0, 0, low]], dtype=complex)


def _rxx(t):
    # cos(t/2) I - i sin(t/2) X(x)X in closed form: built once per gate, so no kron (a Trotter step has n of them)
    c, s = math.cos(t / 2), -1j * math.sin(t / 2)
    return np.array([[c, 0, 0, s], [0, c, s, 0], [0, s, c, 0], [s, 0, 0, c]], dtype=complex)


def _ryy(t):
    c, s = math.cos(t / 2), 1j * math.sin(t / 2)  # Y(x)Y is -1 on the anti-diagonal's corners, +1 inside
    return np.array([[c, 0, 0, s], [0, c, -s, 0], [0, -s, c, 0], [s, 0, 0, c]], dtype=complex)


_X = np.array([[0, 1], [1, 0]], dtype=complex)
_Y = np.array([[0, -1j], [1j, 0]])
_Z = np.diag([1, -1]).astype(complex)
_H = SQRT1_2 * np.array([[1, 1], [1, -1]], dtype=complex)
_SX = 0.5 * np.array([[1 + 1j, 1 - 1j], [1 - 1j, 1 + 1j]])


def _neg(name):
    return lambda ps: (name, tuple(-p for p in ps))


def _same(name):
    return lambda ps: (name, ps)


def _spec(name, n, k, matrix, kind, inverse=None):
    return GateSpec(name, n, k, matrix, kind, inverse if inverse is not None else _same(name))


_SPECS = [
    _spec("id", 1, 0, lambda: np.eye(2, dtype=complex), "diagonal"),
    _spec("x", 1, 0, lambda: _X.copy(), "permutation"),
    _spec("y", 1, 0, lambda: _Y.copy(), "permutation"),
    _spec("z", 1, 0, lambda: _Z.copy(), "diagonal"),
    _spec("h", 1, 0, lambda: _H.copy(), "dense"),
    _spec("s", 1, 0, lambda: _diag(1, 1j), "diagonal", _same("sdg")),
    _spec("sdg", 1, 0, lambda: _diag(1, -1j), "diagonal", _same("s")),
    _spec("t", 1, 0, lambda: _diag(1, cmath.exp(0.25j * math.pi)), "diagonal", _same("tdg")),
    _spec("tdg", 1, 0, lambda: _diag(1, cmath.exp(-0.25j * math.pi)), "diagonal", _same("t")),
    _spec("sx", 1, 0, lambda: _SX.copy(), "dense", _same("sxdg")),
    _spec("sxdg", 1, 0, lambda: _SX.conj().T.copy(), "dense", _same("sx")),
    _spec("rx", 1, 1, _rx, "dense", _neg("rx")),
    _spec("ry", 1, 1, _ry, "dense", _neg("ry")),
    _spec("rz", 1, 1, _rz, "diagonal", _neg("rz")),
    _spec("p", 1, 1, lambda lam: _diag(1, cmath.exp(1j * lam)), "diagonal", _neg("p")),
    _spec("u", 1, 3, _u, "dense", lambda ps: ("u", (-ps[0], -ps[2], -ps[1]))),
    _spec("cx", 2, 0, lambda: controlled_matrix(_X, 1), "permutation"),
    _spec("cy", 2, 0, lambda: controlled_matrix(_Y, 1), "permutation"),
    _spec("cz", 2, 0, lambda: controlled_matrix(_Z, 1), "diagonal"),
    _spec("ch", 2, 0, lambda: controlled_matrix(_H, 1), "dense"),
    _spec("cp", 2, 1, lambda lam: _diag(1, 1, 1, cmath.exp(1j * lam)), "diagonal", _neg("cp")),
    _spec("crx", 2, 1, lambda t: controlled_matrix(_rx(t), 1), "dense", _neg("crx")),
    _spec("cry", 2, 1, lambda t: controlled_matrix(_ry(t), 1), "dense", _neg("cry")),
    _spec("crz", 2, 1, lambda t: controlled_matrix(_rz(t), 1), "diagonal", _neg("crz")),
    _spec("cu", 2, 4, lambda t, p, lam, g: controlled_matrix(cmath.exp(1j * g) * _u(t, p, lam), 1),
          "dense", lambda ps: ("cu", (-ps[0], -ps[2], -ps[1], -ps[3]))),
    _spec("swap", 2, 0, lambda: np.eye(4, dtype=complex)[[0, 2, 1, 3]], "permutation"),
    _spec("iswap", 2, 0, lambda: np.array([[1, 0, 0, 0], [0, 0, 1j, 0], [0, 1j, 0, 0], [0, 0, 0, 1]]),
          "permutation", lambda ps: None),
    _spec("ecr", 2, 0, lambda: SQRT1_2 * np.array(
        [[0, 1, 0, 1j], [1, 0, -1j, 0], [0, 1j, 0, 1], [-1j, 0, 1, 0]]), "dense"),
    _spec("rxx", 2, 1, _rxx, "dense", _neg("rxx")),
    _spec("ryy", 2, 1, _ryy, "dense", _neg("ryy")),
    _spec("rzz", 2, 1, _rzz, "diagonal", _neg("rzz")),
    _spec("ccx", 3, 0, lambda: controlled_matrix(_X, 2), "permutation"),
    _spec("cswap", 3, 0, lambda: controlled_matrix(np.eye(4, dtype=complex)[[0, 2, 1, 3]], 1),
          "permutation"),
]
STANDARD_GATES: dict[str, GateSpec] = {spec.name: spec for spec in _SPECS}



@functools.cache
def _fixed_matrix(name: str) -> np.ndarray:
    matrix = np.asarray(STANDARD_GATES[name].matrix(), dtype=complex)
    matrix.flags.writeable = False
    return matrix


# exponent multiplies the angle: g(t)**k == g(k t)
_ROTATIONS = {"rx", "ry", "rz", "p", "cp", "crx", "cry", "crz", "rxx", "ryy", "rzz"}


class StandardGate(Gate):
    """A gate of the standard library (``h``, ``cx``, ``rz``, ...), or ``mcx`` with any number of controls.

    >>> StandardGate("cx"), StandardGate("mcx", (), 4).num_qubits
    (Gate('cx'), 4)
    """

    def __init__(self, name: str, params: tuple = (), num_qubits: int | None = None):
        if name == "mcx":
            if num_qubits is None or num_qubits < 2:
                raise CircuitError("mcx needs at least one control and a target")
            super().__init__(name, num_qubits, ())
            return
        spec = STANDARD_GATES.get(name)
        if spec is None:
            raise CircuitError(f"unknown gate {name!r}; standard gates are: {', '.join(STANDARD_GATES)}, mcx")
        if len(params) != spec.num_params:
            raise CircuitError(f"gate {name} takes {spec.num_params} parameter(s), got {len(params)}")
        for p in params:
            if not isinstance(p, (int, float, ParameterExpression, np.floating, np.integer)):
                raise CircuitError(f"gate {name}: parameter {p!r} is not a number or a Parameter")
        super().__init__(name, spec.num_qubits,
                         tuple(p if isinstance(p, ParameterExpression) else float(p) for p in params))

    def _matrix(self, params):
        if self.name == "mcx":
            return controlled_matrix(_X, self.num_qubits - 1)
        if not params:  # a fixed gate: built once, a fresh copy for each caller
            return _fixed_matrix(self.name).copy()
        return np.asarray(STANDARD_GATES[self.name].matrix(*params), dtype=complex)

    @property
    def kind(self) -> str:
        """The kind from the standard library's table, without building the matrix.


        >>> StandardGate("cz").kind
        'diagonal'
        """
        return "permutation" if self.name == "mcx" else STANDARD_GATES[self.name].kind

    def _with_params(self, params):
        return StandardGate(self.name, params, self.num_qubits)

    def inverse(self) -> Gate:
        """The inverse as a standard gate where there is one (``s`` -> ``sdg``, ``rx(t)`` -> ``rx(-t)``).


        >>> StandardGate("s").inverse(), StandardGate("rx", (0.5,)).inverse()
        (Gate('sdg'), Gate('rx', -0.5))
        """
        if self.name == "mcx":
            return self
        result = STANDARD_GATES[self.name].inverse(self.params)  # type: ignore[misc]
        if result is None:
            return super().inverse()
        return StandardGate(result[0], result[1])

    def power(self, exponent: float) -> Gate:
        """A rotation's power is the rotation by a multiple of its angle; other gates fall back to :meth:`Gate.power`.


        >>> StandardGate("rz", (0.5,)).power(3)
        Gate('rz', 1.5)
        """
        if self.name in _ROTATIONS and not is_symbolic(exponent):
            return StandardGate(self.name, (self.params[0] * exponent,))
        return super().power(exponent)


def standard_gate(name: str, *params, num_qubits: int | None = None) -> StandardGate:
    """The standard gate ``name`` with ``params``; ``num_qubits`` only for ``mcx``.

    >>> standard_gate("rx", 0.25)
    Gate('rx', 0.25)
    """
    return StandardGate(name, params, num_qubits)


def matrix_kind(matrix: np.ndarray, atol: float = 0.0) -> str:
    """Classify a unitary: ``"diagonal"``, ``"permutation"`` (one non-zero per row and column) or ``"dense"``.

    >>> import numpy as np
    >>> matrix_kind(np.diag([1, 1j])), matrix_kind(np.array([[0, 1], [1, 0]])), matrix_kind(np.ones((2, 2)))
    ('diagonal', 'permutation', 'dense')
    """
    if matrix.shape == (2, 2):  # one-qubit gates, most of a circuit's: four scalars, not five array passes
        a, b, c, d = (abs(x) > atol for x in matrix.ravel().tolist())
        return "diagonal" if a and d and not (b or c) else "permutation" if b and c and not (a or d) else "dense"
    nonzero = np.abs(matrix) > atol
    if np.count_nonzero(nonzero) != matrix.shape[0]:
        return "dense"
    if np.all(nonzero == np.eye(matrix.shape[0], dtype=bool)):
        return "diagonal"
    if np.all(nonzero.sum(axis=0) == 1) and np.all(nonzero.sum(axis=1) == 1):
        return "permutation"
    return "dense"


# -- non-unitary operations ----------------------------------------------------------------

class Measure(Operation):
    """Measure one qubit in the Z basis into one classical bit.

    >>> from qfusion.circuit import Circuit
    >>> Circuit(1, 1).measure(0, 0).instructions[0]
    Instruction(Measure(), qubits=(0,), clbits=(0,))
    """
    name = "measure"
    num_qubits = 1

    def __eq__(self, other):
        return type(other) is Measure

    def __hash__(self):
        return hash("measure")

    def __repr__(self):
        return "Measure()"


class Reset(Operation):
    """Reset one qubit to ``|0>``.

    >>> from qfusion.circuit import Circuit
    >>> Circuit(1).reset(0).instructions[0]
    Instruction(Reset(), qubits=(0,))
    """
    name = "reset"
    num_qubits = 1

    def __eq__(self, other):
        return type(other) is Reset

    def __hash__(self):
        return hash("reset")

    def __repr__(self):
        return "Reset()"


class Barrier(Operation):
    """A scheduling barrier over some qubits; no effect on the state.

    >>> from qfusion.circuit import Circuit
    >>> Circuit(3).barrier().instructions[0]
    Instruction(Barrier(3), qubits=(0, 1, 2))
    """
    name = "barrier"

    def __init__(self, num_qubits: int):
        self.num_qubits = num_qubits

    def __eq__(self, other):
        return type(other) is Barrier and other.num_qubits == self.num_qubits

    def __hash__(self):
        return hash(("barrier", self.num_qubits))

    def __repr__(self):
        return f"Barrier({self.num_qubits})"
