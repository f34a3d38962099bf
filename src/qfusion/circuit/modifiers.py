"""Gates made from other gates: arbitrary unitaries, controlled, inverse and power gates,
and circuits wrapped as gates.

>>> import numpy as np
>>> from qfusion.circuit.gates import standard_gate
>>> cs = standard_gate("s").control(1)
>>> cs.kind
'diagonal'
>>> np.allclose(standard_gate("t").power(2).matrix(), standard_gate("s").matrix())
True
"""

from __future__ import annotations

from contextvars import ContextVar

import numpy as np

from qfusion.circuit.gates import Gate, controlled_matrix, matrix_kind
from qfusion.circuit.parameter import is_symbolic
from qfusion.errors import CircuitError


class UnitaryGate(Gate):
    """A gate given by its unitary matrix (little-endian over its qubits).

    >>> UnitaryGate(np.eye(2), label="my_id").num_qubits
    1
    """

    def __init__(self, matrix, label: str | None = None, atol: float = 1e-8):
        matrix = np.array(matrix, dtype=complex)
        dim = matrix.shape[0]
        if matrix.ndim != 2 or matrix.shape[1] != dim or dim < 2 or dim & (dim - 1):
            raise CircuitError(f"a unitary gate needs a square 2^n x 2^n matrix, got shape {matrix.shape}")
        if not np.allclose(matrix.conj().T @ matrix, np.eye(dim), atol=atol):
            raise CircuitError("the matrix of a unitary gate is not unitary (U^dagger U != I)")
        super().__init__("unitary", dim.bit_length() - 1, ())
        self._unitary = matrix
        self.label = label

    def _matrix(self, params):
        return self._unitary.copy()

    @property
    def kind(self) -> str:
        """The kind read from the matrix's structure.


        >>> UnitaryGate(np.diag([1, -1])).kind
        'diagonal'
        """
        return matrix_kind(self._unitary)

    def inverse(self) -> Gate:
        """The conjugate transpose, labelled ``<label>_dg``.


        >>> UnitaryGate(np.diag([1, 1j]), label="s").inverse().matrix()
        array([[1.-0.j, 0.-0.j],
               [0.-0.j, 0.-1.j]])
        """
        return UnitaryGate(self._unitary.conj().T, label=f"{self.label}_dg" if self.label else None)

    def __eq__(self, other):
        return type(other) is UnitaryGate and np.array_equal(other._unitary, self._unitary)

    def __hash__(self):
        return hash(("unitary", self.num_qubits))

    def __repr__(self):
        return f"UnitaryGate({self.num_qubits} qubits{', ' + repr(self.label) if self.label else ''})"


class ControlledGate(Gate):
    """``base`` controlled on ``num_ctrl_qubits`` qubits that come first in the qubit list.

    >>> from qfusion.circuit.gates import standard_gate
    >>> g = ControlledGate(standard_gate("z"), 1, ctrl_state=0)
    >>> g, g.num_qubits, np.diag(g.matrix()).real
    (ControlledGate(Gate('z'), 1, ctrl_state=0), 2, array([ 1.,  1., -1.,  1.]))
    """

    def __init__(self, base: Gate, num_ctrl_qubits: int = 1, ctrl_state: int | None = None):
        if num_ctrl_qubits < 1:
            raise CircuitError("a controlled gate needs at least one control qubit")
        full = (1 << num_ctrl_qubits) - 1
        ctrl_state = full if ctrl_state is None else int(ctrl_state)
        if not 0 <= ctrl_state <= full:
            raise CircuitError(f"ctrl_state {ctrl_state} does not fit {num_ctrl_qubits} control qubit(s)")
        super().__init__("c" + base.name, base.num_qubits + num_ctrl_qubits, base.params)
        self.base = base
        self.num_ctrl_qubits = num_ctrl_qubits
        self.ctrl_state = ctrl_state

    def _matrix(self, params):
        return controlled_matrix(self.base.matrix(), self.num_ctrl_qubits, self.ctrl_state)

    @property
    def kind(self) -> str:
        """Diagonal or permutation when the base gate is; dense otherwise.


        >>> from qfusion.circuit.gates import standard_gate
        >>> ControlledGate(standard_gate("x")).kind, ControlledGate(standard_gate("h")).kind
        ('permutation', 'dense')
        """
        base = self.base.kind
        return base if base in ("diagonal", "permutation") else "dense"

    def bind(self, values):
        """Bind the base gate's parameters; controls stay.


        >>> from qfusion.circuit import Parameter
        >>> from qfusion.circuit.gates import standard_gate
        >>> t = Parameter("t")
        >>> ControlledGate(standard_gate("ry", t), 2).bind({t: 0.5})
        ControlledGate(Gate('ry', 0.5), 2)
        """
        return ControlledGate(self.base.bind(values), self.num_ctrl_qubits, self.ctrl_state)

    def inverse(self):
        """The same controls on the base gate's inverse.


        >>> from qfusion.circuit.gates import standard_gate
        >>> ControlledGate(standard_gate("s")).inverse()
        ControlledGate(Gate('sdg'), 1)
        """
        return ControlledGate(self.base.inverse(), self.num_ctrl_qubits, self.ctrl_state)

    def control(self, num_ctrl_qubits=1, ctrl_state=None):
        """More controls, placed before the existing ones (one controlled gate, not nested).


        >>> from qfusion.circuit.gates import standard_gate
        >>> ControlledGate(standard_gate("x")).control(1)
        ControlledGate(Gate('x'), 2)
        """
        ctrl_state = (1 << num_ctrl_qubits) - 1 if ctrl_state is None else ctrl_state
        return ControlledGate(self.base, self.num_ctrl_qubits + num_ctrl_qubits,
                              ctrl_state | (self.ctrl_state << num_ctrl_qubits))

    def __eq__(self, other):
        return (type(other) is ControlledGate and other.base == self.base
                and other.num_ctrl_qubits == self.num_ctrl_qubits and other.ctrl_state == self.ctrl_state)

    def __hash__(self):
        return hash(("controlled", self.base, self.num_ctrl_qubits))

    def __repr__(self):
        state = "" if self.ctrl_state == (1 << self.num_ctrl_qubits) - 1 else f", ctrl_state={self.ctrl_state}"
        return f"ControlledGate({self.base!r}, {self.num_ctrl_qubits}{state})"


class InverseGate(Gate):
    """The adjoint of ``base`` (kept symbolic so parameters stay bindable).

    >>> from qfusion.circuit.gates import standard_gate
    >>> g = InverseGate(UnitaryGate(np.diag([1, 1j])))
    >>> g.name, np.diag(g.matrix())
    ('unitary_dg', array([1.-0.j, 0.-1.j]))
    """

    def __init__(self, base: Gate):
        super().__init__(base.name + "_dg", base.num_qubits, base.params)
        self.base = base

    def _matrix(self, params):
        return self.base.matrix().conj().T

    @property
    def kind(self):
        """The base gate's kind.


        >>> InverseGate(UnitaryGate(np.diag([1, 1j]))).kind
        'diagonal'
        """
        return self.base.kind

    def bind(self, values):
        """The inverse of the bound base gate.


        >>> from qfusion.circuit import Parameter
        >>> from qfusion.circuit.gates import standard_gate
        >>> t = Parameter("t")
        >>> InverseGate(standard_gate("rx", t)).bind({t: 0.5})
        InverseGate(Gate('rx', 0.5))
        """
        return InverseGate(self.base.bind(values))

    def inverse(self):
        """The base gate itself.


        >>> from qfusion.circuit.gates import standard_gate
        >>> InverseGate(standard_gate("h")).inverse()
        Gate('h')
        """
        return self.base

    def __eq__(self, other):
        return type(other) is InverseGate and other.base == self.base

    def __hash__(self):
        return hash(("inverse", self.base))

    def __repr__(self):
        return f"InverseGate({self.base!r})"


class PowerGate(Gate):
    """``base`` raised to a real power (principal branch of each eigenvalue's logarithm).

    >>> from qfusion.circuit.gates import standard_gate
    >>> np.allclose(PowerGate(standard_gate("z"), 0.5).matrix(), standard_gate("s").matrix())
    True
    """

    def __init__(self, base: Gate, exponent):
        super().__init__(base.name + "_pow", base.num_qubits, base.params)
        self.base = base
        self.exponent = exponent

    @property
    def is_parameterized(self) -> bool:
        """Whether the base gate or the exponent is still unbound.


        >>> from qfusion.circuit import Parameter
        >>> from qfusion.circuit.gates import standard_gate
        >>> PowerGate(standard_gate("x"), Parameter("k")).is_parameterized
        True
        """
        return self.base.is_parameterized or is_symbolic(self.exponent)

    @property
    def parameters(self) -> frozenset:
        """The base gate's free parameters and the exponent's.

        >>> from qfusion.circuit import Parameter
        >>> from qfusion.circuit.gates import standard_gate
        >>> sorted(p.name for p in PowerGate(standard_gate("rx", Parameter("t")), Parameter("k")).parameters)
        ['k', 't']
        """
        found = set(self.base.parameters)
        if is_symbolic(self.exponent):
            found |= self.exponent.parameters
        return frozenset(found)

    def _matrix(self, params):
        if is_symbolic(self.exponent):
            raise CircuitError(f"power exponent {self.exponent} is unbound")
        return matrix_power(self.base.matrix(), float(self.exponent))

    @property
    def kind(self):
        """Diagonal if the base is; a permutation to an integer power stays one; dense otherwise.


        >>> from qfusion.circuit.gates import standard_gate
        >>> PowerGate(standard_gate("x"), 2).kind, PowerGate(standard_gate("x"), 0.5).kind
        ('permutation', 'dense')
        """
        base = self.base.kind
        if base == "diagonal":
            return "diagonal"
        exponent = self.exponent
        if base == "permutation" and not is_symbolic(exponent) and float(exponent).is_integer():
            return "permutation"
        return "dense"

    def bind(self, values):
        """Bind the base gate's parameters and the exponent's.


        >>> from qfusion.circuit import Parameter
        >>> from qfusion.circuit.gates import standard_gate
        >>> k = Parameter("k")
        >>> PowerGate(standard_gate("x"), k).bind({k: 0.5})
        PowerGate(Gate('x'), 0.5)
        """
        exponent = self.exponent.bind(values) if is_symbolic(self.exponent) else self.exponent
        return PowerGate(self.base.bind(values), exponent)

    def inverse(self):
        """The base gate to the negated exponent.


        >>> from qfusion.circuit.gates import standard_gate
        >>> PowerGate(standard_gate("x"), 0.5).inverse()
        PowerGate(Gate('x'), -0.5)
        """
        return PowerGate(self.base, -self.exponent)

    def __eq__(self, other):
        return type(other) is PowerGate and other.base == self.base and other.exponent == self.exponent

    def __hash__(self):
        return hash(("power", self.base))

    def __repr__(self):
        return f"PowerGate({self.base!r}, {self.exponent})"


def matrix_power(matrix: np.ndarray, exponent: float) -> np.ndarray:
    """``matrix ** exponent`` for a unitary, through its eigendecomposition (exact for integers).

    >>> x = np.array([[0, 1], [1, 0]], dtype=complex)
    >>> np.round(matrix_power(x, 0.5), 6)
    array([[0.5+0.5j, 0.5-0.5j],
           [0.5-0.5j, 0.5+0.5j]])
    """
    if exponent.is_integer():
        k = int(exponent)
        base = matrix if k >= 0 else matrix.conj().T
        return np.linalg.matrix_power(base, abs(k))
    # A unitary is normal; a Schur-like decomposition via eigh of the Hermitian part is unstable for
    # degenerate spectra, so diagonalise and re-orthonormalise the eigenvectors with QR.
    values, vectors = np.linalg.eig(matrix)
    vectors, _ = np.linalg.qr(vectors)
    values = np.diag(vectors.conj().T @ matrix @ vectors)
    return vectors @ np.diag(np.exp(exponent * np.log(values))) @ vectors.conj().T


_BIND_MEMO: ContextVar[dict | None] = ContextVar("qfusion_bind_memo", default=None)


class CircuitGate(Gate):
    """A circuit of gates used as one gate (its *definition*); the matrix is the circuit's unitary.

    >>> from qfusion.circuit import Circuit
    >>> bell = CircuitGate(Circuit(2).h(0).cx(0, 1), name="bell")
    >>> bell, Circuit(3).gate(bell, 1, 2).count_ops()
    (CircuitGate('bell', 2 qubits), {'bell': 1})
    """

    def __init__(self, definition, name: str = "circuit"):
        if definition.num_clbits or any(not inst.operation.is_unitary and inst.operation.name != "barrier"
                                         for inst in definition.instructions):
            raise CircuitError("only a circuit of gates (no measure, reset or classical bits) can be a gate")
        super().__init__(name, definition.num_qubits, tuple(definition.parameters))
        self.definition = definition
        self._inverse: CircuitGate | None = None
        self._unitary: np.ndarray | None = None

    def _matrix(self, params):
        # memoised like inverse(): a bound gate's unitary never changes, and a sub-gate shared by
        # many definitions would otherwise be multiplied out once per path to it
        if self._unitary is None:
            from qfusion.circuit.unitary import circuit_unitary
            self._unitary = circuit_unitary(self.definition)
            self._unitary.setflags(write=False)
        return self._unitary

    def bind(self, values):
        # within one bind, each shared sub-gate is bound once (a gate DAG stays linear)
        """A gate over the definition with ``values`` bound.


        >>> from qfusion.circuit import Circuit, Parameter
        >>> t = Parameter("t")
        >>> g = CircuitGate(Circuit(1).rx(t, 0), name="rot")
        >>> g.bind({t: 0.5}).definition.instructions[0].operation
        Gate('rx', 0.5)
        """
        memo = _BIND_MEMO.get()
        token = _BIND_MEMO.set({}) if memo is None else None
        try:
            memo = _BIND_MEMO.get()
            if id(self) not in memo:
                memo[id(self)] = (self, CircuitGate(self.definition.bind(values, strict=False), self.name))
            return memo[id(self)][1]
        finally:
            if token is not None:
                _BIND_MEMO.reset(token)

    def inverse(self):
        # memoised: a sub-gate shared by many definitions (a gate DAG) is inverted once, not once
        # per path to it, which would be exponential in the nesting depth
        """A gate over the inverse circuit (memoised: the inverse's inverse is this gate).


        >>> from qfusion.circuit import Circuit
        >>> g = CircuitGate(Circuit(1).s(0).h(0), name="sh")
        >>> g.inverse(), g.inverse().inverse() is g
        (CircuitGate('sh_dg', 1 qubits), True)
        """
        if self._inverse is None:
            self._inverse = CircuitGate(self.definition.inverse(), self.name + "_dg")
            self._inverse._inverse = self
        return self._inverse

    def __eq__(self, other):
        return type(other) is CircuitGate and other.name == self.name and other.definition == self.definition

    def __hash__(self):
        return hash(("circuit", self.name))

    def __repr__(self):
        return f"CircuitGate({self.name!r}, {self.num_qubits} qubits)"


class BroadcastGate(Gate):
    """One-qubit ``base`` on each of ``num_qubits`` qubits at once, as one operation: a global pulse
    that rotates every atom of an array together. Its matrix is ``base (x) ... (x) base``; simulators
    apply it as its :meth:`factors`, so it costs ``num_qubits`` one-qubit gates, never a wide matrix.

    >>> from qfusion.circuit.gates import standard_gate
    >>> pulse = BroadcastGate(standard_gate("rx", 0.5), 3, name="global_rx")
    >>> pulse.name, pulse.num_qubits, pulse.params, [qubits for _, qubits in pulse.factors()]
    ('global_rx', 3, (0.5,), [(0,), (1,), (2,)])
    >>> np.allclose(pulse.matrix(), np.kron(np.kron(*[standard_gate("rx", 0.5).matrix()] * 2),
    ...                                     standard_gate("rx", 0.5).matrix()))
    True
    """

    def __init__(self, base: Gate, num_qubits: int, name: str | None = None):
        if base.num_qubits != 1 or num_qubits < 1:
            raise CircuitError(f"a broadcast gate repeats a one-qubit gate on at least one qubit, got "
                               f"{base.name} ({base.num_qubits} qubits) on {num_qubits}")
        super().__init__(name or "broadcast_" + base.name, num_qubits, base.params)
        self.base = base

    def factors(self) -> tuple:
        """``(one-qubit gate, (qubit index,))`` for each qubit: the product this gate is.

        >>> from qfusion.circuit.gates import standard_gate
        >>> BroadcastGate(standard_gate("h"), 2).factors()
        ((Gate('h'), (0,)), (Gate('h'), (1,)))
        """
        return tuple((self.base, (j,)) for j in range(self.num_qubits))

    def _matrix(self, params):
        single = self.base._matrix(params) if params else self.base.matrix()
        total = np.ones((1, 1), dtype=complex)
        for _ in range(self.num_qubits):
            total = np.kron(single, total)
        return total

    @property
    def kind(self) -> str:
        """The base gate's kind.


        >>> from qfusion.circuit.gates import standard_gate
        >>> BroadcastGate(standard_gate("rz", 0.1), 3).kind
        'diagonal'
        """
        return self.base.kind

    def bind(self, values):
        """The broadcast of the bound base gate.


        >>> from qfusion.circuit import Parameter
        >>> from qfusion.circuit.gates import standard_gate
        >>> t = Parameter("t")
        >>> BroadcastGate(standard_gate("rx", t), 2, name="pulse").bind({t: 0.5})
        BroadcastGate(Gate('rx', 0.5), 2, name='pulse')
        """
        return BroadcastGate(self.base.bind(values), self.num_qubits, self.name)

    def inverse(self):
        """The broadcast of the base gate's inverse, named ``<name>_dg``.


        >>> from qfusion.circuit.gates import standard_gate
        >>> BroadcastGate(standard_gate("s"), 2, name="pulse").inverse()
        BroadcastGate(Gate('sdg'), 2, name='pulse_dg')
        """
        return BroadcastGate(self.base.inverse(), self.num_qubits, self.name + "_dg")

    def __eq__(self, other):
        return (type(other) is BroadcastGate and other.name == self.name and other.base == self.base
                and other.num_qubits == self.num_qubits)

    def __hash__(self):
        return hash(("broadcast", self.name, self.num_qubits))

    def __repr__(self):
        return f"BroadcastGate({self.base!r}, {self.num_qubits}, name={self.name!r})"
