"""Gates on three or more qubits as one- and two-qubit gates.

Known gates use their textbook circuits (Toffoli: Nielsen & Chuang Fig. 4.9; Fredkin as CX·CCX·CX;
multi-controlled gates by Barenco et al., PRA 52, 3457 (1995), Lemma 7.9). Diagonal gates of any
size are products of ``Z``-parity phases, applied with CNOT ladders in Gray-code order
(Bullock & Markov, QIC 4, 27 (2004)). Any other unitary is split by the quantum Shannon
decomposition (Shende, Bullock, Markov, IEEE TCAD 25, 1000 (2006)) until two-qubit blocks remain.

>>> from qfusion.circuit import Circuit, circuit_unitary
>>> import numpy as np
>>> c = Circuit(4).mcx([0, 1, 2], 3)
>>> out = unroll(c)
>>> max(len(i.qubits) for i in out.instructions), np.allclose(circuit_unitary(out), circuit_unitary(c))
(2, True)
"""

from __future__ import annotations

import math

import numpy as np

from qfusion.circuit.circuit import Circuit, Instruction
from qfusion.circuit.gates import Gate, StandardGate, standard_gate
from qfusion.circuit.modifiers import BroadcastGate, CircuitGate, ControlledGate, InverseGate, UnitaryGate
from qfusion.errors import CircuitError
from qfusion.transpiler.one_qubit import zyz_angles

Op = tuple[Gate, tuple[int, ...]]
_S_H = standard_gate("s").matrix() @ standard_gate("h").matrix()


def unroll(circuit: Circuit) -> Circuit:
    """``circuit`` with every gate on three or more qubits (and every circuit gate) expanded.

    >>> from qfusion.circuit import Circuit
    >>> unroll(Circuit(3).ccx(0, 1, 2)).count_ops()
    {'h': 2, 'cx': 6, 'tdg': 3, 't': 4}
    """
    out = circuit.copy()
    out.instructions = []
    phase = [float(circuit.global_phase)]
    for inst in circuit.instructions:
        op = inst.operation
        if isinstance(op, BroadcastGate):  # a global pulse: its one-qubit parts, each under the condition
            out.instructions += [Instruction(gate, tuple(inst.qubits[j] for j in on), (), inst.condition)
                                 for gate, on in op.factors()]
            continue
        if not isinstance(op, Gate) or (op.num_qubits <= 2 and not isinstance(op, CircuitGate)):
            out.instructions.append(inst)
            continue
        if inst.condition is not None:
            raise CircuitError(f"cannot transpile the conditioned gate {op.name}; "
                               "conditions are only kept on one- and two-qubit gates")
        for gate, qubits in expand(op, inst.qubits, phase):
            out.append(gate, qubits)
    out.global_phase = phase[0]
    return out


def expand(gate: Gate, qubits: tuple[int, ...], phase: list[float]) -> list[Op]:
    """One- and two-qubit gates equal to ``gate`` on ``qubits``; adds any global phase to ``phase[0]``.

    >>> from qfusion.circuit.gates import standard_gate
    >>> phase = [0.0]
    >>> ops = expand(standard_gate("cswap"), (0, 1, 2), phase)
    >>> max(len(qubits) for _, qubits in ops)
    2
    """
    if gate.num_qubits <= 2 and not isinstance(gate, CircuitGate):
        return [(gate, tuple(qubits))]
    ops = _expand_once(gate, tuple(qubits), phase)
    result: list[Op] = []
    for g, q in ops:
        result += expand(g, q, phase)
    return result


def _expand_once(gate: Gate, qubits, phase) -> list[Op]:
    if isinstance(gate, CircuitGate):
        definition = gate.definition
        phase[0] += float(definition.global_phase)
        return [(inst.operation, tuple(qubits[q] for q in inst.qubits))
                for inst in definition.instructions if inst.operation.name != "barrier"]
    if isinstance(gate, InverseGate) and isinstance(gate.base, CircuitGate):
        return _expand_once(gate.base.inverse(), qubits, phase)
    if isinstance(gate, StandardGate) and gate.name == "ccx":
        return _toffoli(*qubits)
    if isinstance(gate, StandardGate) and gate.name == "cswap":
        c, a, b = qubits
        cx = standard_gate("cx")
        return [(cx, (b, a)), (standard_gate("ccx"), (c, a, b)), (cx, (b, a))]
    if isinstance(gate, StandardGate) and gate.name == "mcx":
        return _multi_controlled_x(qubits[:-1], qubits[-1], phase)
    if isinstance(gate, ControlledGate) and gate.base.num_qubits == 1:
        return _controlled_single(gate, qubits, phase)
    matrix = gate.matrix()
    if np.allclose(matrix, np.diag(np.diag(matrix)), atol=1e-12):
        return diagonal_gates(np.angle(np.diag(matrix)), qubits, phase)
    return shannon(matrix, qubits, phase)


def _toffoli(a, b, t) -> list[Op]:
    g = standard_gate
    return [(g("h"), (t,)), (g("cx"), (b, t)), (g("tdg"), (t,)), (g("cx"), (a, t)), (g("t"), (t,)),
            (g("cx"), (b, t)), (g("tdg"), (t,)), (g("cx"), (a, t)), (g("t"), (b,)), (g("t"), (t,)),
            (g("h"), (t,)), (g("cx"), (a, b)), (g("t"), (a,)), (g("tdg"), (b,)), (g("cx"), (a, b))]


def _multi_controlled_x(controls, target, phase) -> list[Op]:
    if len(controls) == 1:
        return [(standard_gate("cx"), (controls[0], target))]
    if len(controls) == 2:
        return _toffoli(controls[0], controls[1], target)
    qubits = tuple(controls) + (target,)
    phases = np.zeros(1 << len(qubits))
    phases[-1] = math.pi
    h = (standard_gate("h"), (target,))
    return [h, *diagonal_gates(phases, qubits, phase), h]


def _controlled_single(gate: ControlledGate, qubits, phase) -> list[Op]:
    """C^k(U) = P(α) on the controls · A · C^kX · B · C^kX · C with ABC = I (Barenco Lemma 5.1)."""
    k = gate.num_ctrl_qubits
    controls, target = qubits[:k], qubits[k]
    flips = [(standard_gate("x"), (controls[i],)) for i in range(k) if not (gate.ctrl_state >> i) & 1]
    unitary = gate.base.matrix()
    theta, phi, lam = zyz_angles(unitary)
    alpha = float(np.angle(unitary[0, 0] * unitary[1, 1] - unitary[0, 1] * unitary[1, 0])) / 2
    rz, ry = (lambda t: standard_gate("rz", t)), (lambda t: standard_gate("ry", t))
    mcx = standard_gate("mcx", num_qubits=k + 1)
    ops: list[Op] = list(flips)
    ops += [(rz((lam - phi) / 2), (target,)), (mcx, tuple(controls) + (target,)),
            (rz(-(phi + lam) / 2), (target,)), (ry(-theta / 2), (target,)),
            (mcx, tuple(controls) + (target,)), (ry(theta / 2), (target,)), (rz(phi), (target,))]
    if abs(alpha) > 1e-14:
        phases = np.zeros(1 << k)
        phases[-1] = alpha
        ops += diagonal_gates(phases, tuple(controls), phase) if k > 1 else [
            (standard_gate("p", alpha), (controls[0],))]
    return ops + flips


def diagonal_gates(phases: np.ndarray, qubits, phase) -> list[Op]:
    """``diag(exp(i phases))`` on ``qubits`` (little-endian) as CX ladders and RZ in Gray-code order.

    >>> import numpy as np
    >>> from qfusion.circuit import Circuit
    >>> from qfusion.circuit.unitary import circuit_unitary
    >>> phases, phase = np.array([0.0, 0.3, 0.5, 1.1]), [0.0]
    >>> c = Circuit(2)
    >>> for gate, qubits in diagonal_gates(phases, (0, 1), phase):
    ...     _ = c.append(gate, qubits)
    >>> bool(np.allclose(circuit_unitary(c) * np.exp(1j * phase[0]), np.diag(np.exp(1j * phases))))
    True
    """
    n = len(qubits)
    size = 1 << n
    signs = np.array([[(-1) ** bin(s & x).count("1") for x in range(size)] for s in range(size)])
    coefficients = signs @ np.asarray(phases, dtype=float) / size
    phase[0] += float(coefficients[0])
    ops: list[Op] = []
    cx = standard_gate("cx")
    for t in range(n):
        current = 0
        for i in range(1 << t):
            gray = i ^ (i >> 1)
            changed = gray ^ current
            if changed:
                ops.append((cx, (qubits[changed.bit_length() - 1], qubits[t])))
            current = gray
            angle = coefficients[(1 << t) | gray]
            if abs(angle) > 1e-14:
                ops.append((standard_gate("rz", -2 * angle), (qubits[t],)))
        if current:
            ops.append((cx, (qubits[current.bit_length() - 1], qubits[t])))
    return ops


def _multiplexed_unitary(top: np.ndarray, bottom: np.ndarray, qubits, phase) -> list[Op]:
    """``top ⊕ bottom`` selected by the last qubit, as V, a diagonal and W on the others."""
    from qfusion._optional import import_optional
    linalg = import_optional("scipy.linalg", "the quantum Shannon decomposition")
    schur, vectors = linalg.schur(top @ bottom.conj().T, output="complex")
    roots = np.sqrt(np.diag(schur))
    w = np.diag(roots) @ vectors.conj().T @ bottom
    lower = qubits[:-1]
    angles = np.angle(roots)
    diagonal = np.concatenate([angles, -angles])
    return [(UnitaryGate(w, atol=1e-6), lower), *diagonal_gates(diagonal, qubits, phase),
            (UnitaryGate(vectors, atol=1e-6), lower)]


def shannon(matrix: np.ndarray, qubits, phase) -> list[Op]:
    """Quantum Shannon decomposition of an ``n >= 3`` qubit unitary into smaller unitaries.

    >>> import numpy as np
    >>> from qfusion.circuit import Circuit
    >>> from qfusion.circuit.unitary import circuit_unitary
    >>> rng = np.random.default_rng(1)
    >>> u, phase = np.linalg.qr(rng.normal(size=(8, 8)) + 1j * rng.normal(size=(8, 8)))[0], [0.0]
    >>> c = Circuit(3)
    >>> for gate, qubits in shannon(u, (0, 1, 2), phase):
    ...     _ = c.append(gate, qubits)
    >>> bool(np.allclose(circuit_unitary(c) * np.exp(1j * phase[0]), u))
    True
    """
    from qfusion._optional import import_optional
    linalg = import_optional("scipy.linalg", "the quantum Shannon decomposition")
    half = matrix.shape[0] // 2
    (left_top, left_bottom), theta, (right_top, right_bottom) = linalg.cossin(
        matrix, p=half, q=half, separate=True)
    ops = _multiplexed_unitary(right_top, right_bottom, qubits, phase)
    # multiplexed Ry(2θ) on the last qubit = (SH) · multiplexed Rz(2θ) · (SH)†
    top = qubits[-1]
    ops.append((UnitaryGate(_S_H.conj().T), (top,)))
    ops += diagonal_gates(np.concatenate([-theta, theta]), qubits, phase)
    ops.append((UnitaryGate(_S_H), (top,)))
    return ops + _multiplexed_unitary(left_top, left_bottom, qubits, phase)
