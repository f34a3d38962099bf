"""Fluent gate methods shared by :class:`~qfusion.circuit.Circuit`.

Parameters come first and qubits last, as in Qiskit: ``c.rx(theta, 0)``,
``c.cp(lam, control, target)``, ``c.u(theta, phi, lam, 0)``.

>>> from qfusion.circuit import Circuit
>>> Circuit(3).h(0).cx(0, 1).ccx(0, 1, 2).rzz(0.3, 1, 2).count_ops()
{'h': 1, 'cx': 1, 'ccx': 1, 'rzz': 1}
"""

from __future__ import annotations

from collections.abc import Sequence

from qfusion.circuit.gates import Gate, StandardGate


class GateBuilder:
    """Mixin: one method per standard gate, each appending it and returning ``self``.

    >>> from qfusion.circuit import Circuit
    >>> Circuit(2).h(0).cnot(0, 1).count_ops()
    {'h': 1, 'cx': 1}
    """

    def append(self, operation, qubits, clbits=(), condition=None):  # provided by Circuit
        """Append ``operation`` on ``qubits`` (and ``clbits``, under ``condition``); :class:`Circuit` provides it.


        >>> from qfusion.circuit import Circuit
        >>> from qfusion.circuit.gates import standard_gate
        >>> Circuit(1).append(standard_gate("rx", 0.5), (0,)).instructions[0]
        Instruction(Gate('rx', 0.5), qubits=(0,))
        """
        raise NotImplementedError

    def _gate(self, name: str, qubits: Sequence[int], *params):
        return self.append(StandardGate(name, params), qubits)

    def gate(self, gate: Gate, *qubits: int):
        """Append any :class:`Gate` (unitary, controlled, a circuit as a gate, ...).

        >>> from qfusion.circuit import Circuit
        >>> from qfusion.circuit.gates import standard_gate
        >>> Circuit(2).gate(standard_gate("h").control(1), 0, 1).instructions[0]
        Instruction(ControlledGate(Gate('h'), 1), qubits=(0, 1))
        """
        return self.append(gate, qubits)

    def unitary(self, matrix, qubits: Sequence[int], label: str | None = None):
        """Append an arbitrary unitary matrix (little-endian over ``qubits``).

        >>> import numpy as np
        >>> from qfusion.circuit import Circuit
        >>> Circuit(1).unitary(np.array([[0, 1], [1, 0]]), [0], label="flip").instructions[0]
        Instruction(UnitaryGate(1 qubits, 'flip'), qubits=(0,))
        """
        from qfusion.circuit.modifiers import UnitaryGate
        return self.append(UnitaryGate(matrix, label), tuple(qubits))

    # one-qubit gates
    def id(self, q):
        """The identity on ``q`` (kept, so it can carry noise or timing).

        >>> from qfusion.circuit import Circuit
        >>> Circuit(1).id(0).instructions[0]
        Instruction(Gate('id'), qubits=(0,))
        """
        return self._gate("id", (q,))

    def x(self, q):
        """Pauli X (bit flip) on ``q``.

        >>> from qfusion.circuit import Circuit
        >>> Circuit(1).x(0).instructions[0]
        Instruction(Gate('x'), qubits=(0,))
        """
        return self._gate("x", (q,))

    def y(self, q):
        """Pauli Y on ``q``.

        >>> from qfusion.circuit import Circuit
        >>> Circuit(1).y(0).instructions[0]
        Instruction(Gate('y'), qubits=(0,))
        """
        return self._gate("y", (q,))

    def z(self, q):
        """Pauli Z (phase flip) on ``q``.

        >>> from qfusion.circuit import Circuit
        >>> Circuit(1).z(0).instructions[0]
        Instruction(Gate('z'), qubits=(0,))
        """
        return self._gate("z", (q,))

    def h(self, q):
        """Hadamard on ``q``.

        >>> from qfusion.circuit import Circuit
        >>> Circuit(1).h(0).instructions[0]
        Instruction(Gate('h'), qubits=(0,))
        """
        return self._gate("h", (q,))

    def s(self, q):
        """S = sqrt(Z) on ``q``.

        >>> from qfusion.circuit import Circuit
        >>> Circuit(1).s(0).instructions[0]
        Instruction(Gate('s'), qubits=(0,))
        """
        return self._gate("s", (q,))

    def sdg(self, q):
        """S-dagger (the inverse of S) on ``q``.

        >>> from qfusion.circuit import Circuit
        >>> Circuit(1).sdg(0).instructions[0]
        Instruction(Gate('sdg'), qubits=(0,))
        """
        return self._gate("sdg", (q,))

    def t(self, q):
        """T = sqrt(S) on ``q``.

        >>> from qfusion.circuit import Circuit
        >>> Circuit(1).t(0).instructions[0]
        Instruction(Gate('t'), qubits=(0,))
        """
        return self._gate("t", (q,))

    def tdg(self, q):
        """T-dagger (the inverse of T) on ``q``.

        >>> from qfusion.circuit import Circuit
        >>> Circuit(1).tdg(0).instructions[0]
        Instruction(Gate('tdg'), qubits=(0,))
        """
        return self._gate("tdg", (q,))

    def sx(self, q):
        """sqrt(X) on ``q``.

        >>> from qfusion.circuit import Circuit
        >>> Circuit(1).sx(0).instructions[0]
        Instruction(Gate('sx'), qubits=(0,))
        """
        return self._gate("sx", (q,))

    def sxdg(self, q):
        """The inverse of sqrt(X) on ``q``.

        >>> from qfusion.circuit import Circuit
        >>> Circuit(1).sxdg(0).instructions[0]
        Instruction(Gate('sxdg'), qubits=(0,))
        """
        return self._gate("sxdg", (q,))

    def rx(self, theta, q):
        """Rotation exp(-i theta X / 2) on ``q``.

        >>> from qfusion.circuit import Circuit
        >>> Circuit(1).rx(0.5, 0).instructions[0]
        Instruction(Gate('rx', 0.5), qubits=(0,))
        """
        return self._gate("rx", (q,), theta)

    def ry(self, theta, q):
        """Rotation exp(-i theta Y / 2) on ``q``.

        >>> from qfusion.circuit import Circuit
        >>> Circuit(1).ry(0.5, 0).instructions[0]
        Instruction(Gate('ry', 0.5), qubits=(0,))
        """
        return self._gate("ry", (q,), theta)

    def rz(self, theta, q):
        """Rotation exp(-i theta Z / 2) on ``q``.

        >>> from qfusion.circuit import Circuit
        >>> Circuit(1).rz(0.5, 0).instructions[0]
        Instruction(Gate('rz', 0.5), qubits=(0,))
        """
        return self._gate("rz", (q,), theta)

    def p(self, lam, q):
        """Phase diag(1, e^{i lam}) on ``q``.

        >>> from qfusion.circuit import Circuit
        >>> Circuit(1).p(0.125, 0).instructions[0]
        Instruction(Gate('p', 0.125), qubits=(0,))
        """
        return self._gate("p", (q,), lam)

    def u(self, theta, phi, lam, q):
        """The general one-qubit gate U(theta, phi, lam), as OpenQASM 3 defines it, on ``q``.

        >>> from qfusion.circuit import Circuit
        >>> Circuit(1).u(0.5, 0.25, 0.125, 0).instructions[0]
        Instruction(Gate('u', 0.5, 0.25, 0.125), qubits=(0,))
        """
        return self._gate("u", (q,), theta, phi, lam)

    # two-qubit gates
    def cx(self, c, t):
        """CNOT: X on ``t`` when ``c`` is 1.

        >>> from qfusion.circuit import Circuit
        >>> Circuit(2).cx(0, 1).instructions[0]
        Instruction(Gate('cx'), qubits=(0, 1))
        """
        return self._gate("cx", (c, t))

    def cy(self, c, t):
        """Controlled Y: Y on ``t`` when ``c`` is 1.

        >>> from qfusion.circuit import Circuit
        >>> Circuit(2).cy(0, 1).instructions[0]
        Instruction(Gate('cy'), qubits=(0, 1))
        """
        return self._gate("cy", (c, t))

    def cz(self, c, t):
        """Controlled Z (symmetric in its two qubits).

        >>> from qfusion.circuit import Circuit
        >>> Circuit(2).cz(0, 1).instructions[0]
        Instruction(Gate('cz'), qubits=(0, 1))
        """
        return self._gate("cz", (c, t))

    def ch(self, c, t):
        """Controlled Hadamard: H on ``t`` when ``c`` is 1.

        >>> from qfusion.circuit import Circuit
        >>> Circuit(2).ch(0, 1).instructions[0]
        Instruction(Gate('ch'), qubits=(0, 1))
        """
        return self._gate("ch", (c, t))

    def cp(self, lam, c, t):
        """Controlled phase: e^{i lam} when both qubits are 1.

        >>> from qfusion.circuit import Circuit
        >>> Circuit(2).cp(0.125, 0, 1).instructions[0]
        Instruction(Gate('cp', 0.125), qubits=(0, 1))
        """
        return self._gate("cp", (c, t), lam)

    def crx(self, theta, c, t):
        """Controlled RX(theta) on ``t``.

        >>> from qfusion.circuit import Circuit
        >>> Circuit(2).crx(0.5, 0, 1).instructions[0]
        Instruction(Gate('crx', 0.5), qubits=(0, 1))
        """
        return self._gate("crx", (c, t), theta)

    def cry(self, theta, c, t):
        """Controlled RY(theta) on ``t``.

        >>> from qfusion.circuit import Circuit
        >>> Circuit(2).cry(0.5, 0, 1).instructions[0]
        Instruction(Gate('cry', 0.5), qubits=(0, 1))
        """
        return self._gate("cry", (c, t), theta)

    def crz(self, theta, c, t):
        """Controlled RZ(theta) on ``t``.

        >>> from qfusion.circuit import Circuit
        >>> Circuit(2).crz(0.5, 0, 1).instructions[0]
        Instruction(Gate('crz', 0.5), qubits=(0, 1))
        """
        return self._gate("crz", (c, t), theta)

    def cu(self, theta, phi, lam, gamma, c, t):
        """Controlled U(theta, phi, lam) with an extra phase gamma on the controlled part.

        >>> from qfusion.circuit import Circuit
        >>> Circuit(2).cu(0.5, 0.25, 0.125, 0.0, 0, 1).instructions[0]
        Instruction(Gate('cu', 0.5, 0.25, 0.125, 0), qubits=(0, 1))
        """
        return self._gate("cu", (c, t), theta, phi, lam, gamma)

    def swap(self, a, b):
        """Exchange qubits ``a`` and ``b``.

        >>> from qfusion.circuit import Circuit
        >>> Circuit(2).swap(0, 1).instructions[0]
        Instruction(Gate('swap'), qubits=(0, 1))
        """
        return self._gate("swap", (a, b))

    def iswap(self, a, b):
        """iSWAP: swap ``a`` and ``b``, with a phase i on the swapped states.

        >>> from qfusion.circuit import Circuit
        >>> Circuit(2).iswap(0, 1).instructions[0]
        Instruction(Gate('iswap'), qubits=(0, 1))
        """
        return self._gate("iswap", (a, b))

    def ecr(self, a, b):
        """The echoed cross-resonance gate (IBM's native two-qubit gate).

        >>> from qfusion.circuit import Circuit
        >>> Circuit(2).ecr(0, 1).instructions[0]
        Instruction(Gate('ecr'), qubits=(0, 1))
        """
        return self._gate("ecr", (a, b))

    def rxx(self, theta, a, b):
        """exp(-i theta X X / 2) on ``a`` and ``b``.

        >>> from qfusion.circuit import Circuit
        >>> Circuit(2).rxx(0.5, 0, 1).instructions[0]
        Instruction(Gate('rxx', 0.5), qubits=(0, 1))
        """
        return self._gate("rxx", (a, b), theta)

    def ryy(self, theta, a, b):
        """exp(-i theta Y Y / 2) on ``a`` and ``b``.

        >>> from qfusion.circuit import Circuit
        >>> Circuit(2).ryy(0.5, 0, 1).instructions[0]
        Instruction(Gate('ryy', 0.5), qubits=(0, 1))
        """
        return self._gate("ryy", (a, b), theta)

    def rzz(self, theta, a, b):
        """exp(-i theta Z Z / 2) on ``a`` and ``b``.

        >>> from qfusion.circuit import Circuit
        >>> Circuit(2).rzz(0.5, 0, 1).instructions[0]
        Instruction(Gate('rzz', 0.5), qubits=(0, 1))
        """
        return self._gate("rzz", (a, b), theta)

    # three and more
    def ccx(self, c1, c2, t):
        """Toffoli: X on ``t`` when ``c1`` and ``c2`` are both 1.

        >>> from qfusion.circuit import Circuit
        >>> Circuit(3).ccx(0, 1, 2).instructions[0]
        Instruction(Gate('ccx'), qubits=(0, 1, 2))
        """
        return self._gate("ccx", (c1, c2, t))

    def cswap(self, c, a, b):
        """Fredkin: swap ``a`` and ``b`` when ``c`` is 1.

        >>> from qfusion.circuit import Circuit
        >>> Circuit(3).cswap(0, 1, 2).instructions[0]
        Instruction(Gate('cswap'), qubits=(0, 1, 2))
        """
        return self._gate("cswap", (c, a, b))


    def mcx(self, controls: Sequence[int], target: int):
        """X on ``target`` controlled on every qubit of ``controls``.

        >>> from qfusion.circuit import Circuit
        >>> c = Circuit(4).mcx([0, 1, 2], 3)
        >>> c.instructions[0].qubits, c.instructions[0].operation.num_qubits
        ((0, 1, 2, 3), 4)
        """
        controls = tuple(controls)
        return self.append(StandardGate("mcx", (), len(controls) + 1), controls + (target,))

    # aliases people expect from other SDKs
    cnot = cx
    toffoli = ccx
    fredkin = cswap
