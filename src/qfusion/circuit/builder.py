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
    """Mixin: one method per standard gate, each appending it and returning ``self``."""

    def append(self, operation, qubits, clbits=(), condition=None):  # provided by Circuit
        raise NotImplementedError

    def _gate(self, name: str, qubits: Sequence[int], *params):
        return self.append(StandardGate(name, params), qubits)

    def gate(self, gate: Gate, *qubits: int):
        """Append any :class:`Gate` (unitary, controlled, a circuit as a gate, ...)."""
        return self.append(gate, qubits)

    def unitary(self, matrix, qubits: Sequence[int], label: str | None = None):
        """Append an arbitrary unitary matrix (little-endian over ``qubits``)."""
        from qfusion.circuit.modifiers import UnitaryGate
        return self.append(UnitaryGate(matrix, label), tuple(qubits))

    # one-qubit gates
    def id(self, q): return self._gate("id", (q,))
    def x(self, q): return self._gate("x", (q,))
    def y(self, q): return self._gate("y", (q,))
    def z(self, q): return self._gate("z", (q,))
    def h(self, q): return self._gate("h", (q,))
    def s(self, q): return self._gate("s", (q,))
    def sdg(self, q): return self._gate("sdg", (q,))
    def t(self, q): return self._gate("t", (q,))
    def tdg(self, q): return self._gate("tdg", (q,))
    def sx(self, q): return self._gate("sx", (q,))
    def sxdg(self, q): return self._gate("sxdg", (q,))
    def rx(self, theta, q): return self._gate("rx", (q,), theta)
    def ry(self, theta, q): return self._gate("ry", (q,), theta)
    def rz(self, theta, q): return self._gate("rz", (q,), theta)
    def p(self, lam, q): return self._gate("p", (q,), lam)
    def u(self, theta, phi, lam, q): return self._gate("u", (q,), theta, phi, lam)

    # two-qubit gates
    def cx(self, c, t): return self._gate("cx", (c, t))
    def cy(self, c, t): return self._gate("cy", (c, t))
    def cz(self, c, t): return self._gate("cz", (c, t))
    def ch(self, c, t): return self._gate("ch", (c, t))
    def cp(self, lam, c, t): return self._gate("cp", (c, t), lam)
    def crx(self, theta, c, t): return self._gate("crx", (c, t), theta)
    def cry(self, theta, c, t): return self._gate("cry", (c, t), theta)
    def crz(self, theta, c, t): return self._gate("crz", (c, t), theta)
    def cu(self, theta, phi, lam, gamma, c, t): return self._gate("cu", (c, t), theta, phi, lam, gamma)
    def swap(self, a, b): return self._gate("swap", (a, b))
    def iswap(self, a, b): return self._gate("iswap", (a, b))
    def ecr(self, a, b): return self._gate("ecr", (a, b))
    def rxx(self, theta, a, b): return self._gate("rxx", (a, b), theta)
    def ryy(self, theta, a, b): return self._gate("ryy", (a, b), theta)
    def rzz(self, theta, a, b): return self._gate("rzz", (a, b), theta)

    # three and more
    def ccx(self, c1, c2, t): return self._gate("ccx", (c1, c2, t))
    def cswap(self, c, a, b): return self._gate("cswap", (c, a, b))

    def mcx(self, controls: Sequence[int], target: int):
        """X on ``target`` controlled on every qubit of ``controls``."""
        controls = tuple(controls)
        return self.append(StandardGate("mcx", (), len(controls) + 1), controls + (target,))

    # aliases people expect from other SDKs
    cnot = cx
    toffoli = ccx
    fredkin = cswap
