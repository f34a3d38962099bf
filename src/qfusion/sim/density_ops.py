"""Gates and channels on a density matrix held in the Pauli basis: real vectors, real matrices.

A density matrix on ``n`` qubits is stored as its Pauli components ``t_P = Tr(P rho)``, a
real vector of ``4^n`` entries. Qubit ``q``'s Pauli (I, X, Y, Z = 0..3) is the two-bit
digit at index bits ``(q, q + n)`` (bit ``q`` is the digit's low bit). Seen as a ``2n``-qubit
vector, every gate and channel becomes a real matrix on the bits of its qubits — its
Pauli transfer matrix — and runs through the state-vector sweeps
(:mod:`qfusion.sim.fusion`, :mod:`qfusion.sim.kernels.cpu_sweep`) on ``float64`` data:

* a one-qubit gate or channel is a real ``4 x 4`` matrix on ``(q, q + n)``, and neighbouring
  ones fuse into one (a quarter of the flops of the complex ``4 x 4`` superoperator, half the memory);
* a Clifford gate (``cx``, ``cz``, ``swap``, ``ecr``...) is a signed permutation of Paulis;
* a Pauli channel is diagonal;
* a two-qubit diagonal gate (``rzz``, ``cp``, ``crz``...) is a ZZ rotation between two ``cx``
  plus one-qubit Z rotations, so it stays cheap;
* anything else is its dense transfer matrix on the ``2k`` bits.

>>> import numpy as np
>>> from qfusion.sim.plan import gate_op
>>> [op.kind for op in gate_ops(gate_op(np.eye(4)[[0, 3, 2, 1]], (0, 1)), num_qubits=2)]
['permutation']
"""

from __future__ import annotations

import numpy as np

from qfusion.circuit.gates import matrix_kind
from qfusion.circuit.unitary import apply_matrix
from qfusion.noise.channel import PAULI_MATRICES, Channel
from qfusion.sim.plan import GateOp, reorder_matrix

_PAULIS = [PAULI_MATRICES[c] for c in "IXYZ"]
# row-major local index c + 2 r over bits (q, q + n)  ->  t_P = Tr(P rho) = sum P[c, r] rho[r, c]
TO_PAULI = np.array([[p[c, r] for r in range(2) for c in range(2)] for p in _PAULIS])
FROM_PAULI = np.linalg.inv(TO_PAULI)
_CX = np.eye(4)[[0, 3, 2, 1]]  # control = qubit 0 of the pair
_ATOL = 1e-12


def _basis_change(k: int, matrix: np.ndarray) -> np.ndarray:
    """``matrix`` (4x4 on bits (j, j + k)) on every pair j of a ``2k``-bit local index."""
    total = np.eye(1 << (2 * k), dtype=complex)
    for j in range(k):
        total = apply_matrix(total, matrix, [j, j + k], 2 * k)
    return total


_TRANSFORMS: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def transfer_matrix(superoperator: np.ndarray, k: int) -> np.ndarray:
    """The real Pauli transfer matrix of a row-major superoperator over ``2k`` bits (columns, then rows).

    >>> from qfusion.noise import amplitude_damping
    >>> _, matrix = superoperator(amplitude_damping(0.36), (0,))
    >>> transfer_matrix(matrix, 1).round(6)          # X, Y shrink by sqrt(1 - 0.36); Z -> 0.36 I + 0.64 Z
    array([[1.  , 0.  , 0.  , 0.  ],
           [0.  , 0.8 , 0.  , 0.  ],
           [0.  , 0.  , 0.8 , 0.  ],
           [0.36, 0.  , 0.  , 0.64]])
    """
    if k not in _TRANSFORMS:
        _TRANSFORMS[k] = (_basis_change(k, TO_PAULI), _basis_change(k, FROM_PAULI))
    to_pauli, from_pauli = _TRANSFORMS[k]
    matrix = (to_pauli @ superoperator @ from_pauli).real
    matrix[np.abs(matrix) < _ATOL] = 0.0
    return matrix


def _op(qubits: tuple[int, ...], superoperator: np.ndarray, num_qubits: int) -> GateOp:
    k = len(qubits)
    matrix = transfer_matrix(superoperator, k)
    bits = tuple(qubits) + tuple(q + num_qubits for q in qubits)
    return GateOp(bits, matrix.astype(complex), matrix_kind(matrix))


_CACHE_SIZE = 4096
_GATE_OPS: dict = {}
_CHANNEL_OPS: dict = {}


def _cached(table: dict, key, build) -> tuple[GateOp, ...]:
    """``table[key]``, built once; a full table starts over (a bound on memory, not an LRU)."""
    ops = table.get(key)
    if ops is None:
        if len(table) >= _CACHE_SIZE:
            table.clear()
        ops = table[key] = tuple(build())
    return ops


def gate_ops(op: GateOp, num_qubits: int) -> list[GateOp]:
    """``U rho U^dagger`` on the Pauli vector (``op.qubits`` ascending, as the plan gives them).

    The transfer matrices are built once per distinct unitary and placement: the thousands of
    ``sx`` or ``rzz(pi/2)`` of a benchmarking run share one.

    >>> from qfusion.sim.plan import gate_op
    >>> x = gate_op(np.array([[0, 1], [1, 0]]), (0,))
    >>> gate_ops(x, 1)[0] is gate_ops(gate_op(np.array([[0, 1], [1, 0]]), (0,)), 1)[0]
    True
    """
    key = (np.ascontiguousarray(op.matrix, dtype=complex).tobytes(), op.kind, op.qubits, num_qubits)
    return list(_cached(_GATE_OPS, key, lambda: _lower_gate(op, num_qubits)))


def _lower_gate(op: GateOp, num_qubits: int) -> list[GateOp]:
    if op.num_qubits == 2 and op.kind == "diagonal":
        return _diagonal_pair(op, num_qubits)
    return [_op(op.qubits, np.kron(op.matrix, op.matrix.conj()), num_qubits)]


def _diagonal_pair(op: GateOp, num_qubits: int) -> list[GateOp]:
    """``diag(e^{i phi})`` on two qubits as ``exp(-i/2 (a Z0 + b Z1 + c Z0 Z1))`` up to phase:
    Z rotations on each qubit, and the ZZ rotation as ``cx . rz . cx``."""
    phases = np.angle(np.diag(op.matrix))
    signs = np.array([[1, 1, 1, 1], [1, -1, 1, -1], [1, 1, -1, -1], [1, -1, -1, 1]])  # I, Z0, Z1, Z0Z1
    _, a, b, c = (signs @ phases) / 4 * -2  # phi_s = -1/2 (a z0 + b z1 + c z0 z1) + const
    low, high = op.qubits
    ops = [_op((low,), _rz_super(a), num_qubits), _op((high,), _rz_super(b), num_qubits)]
    if abs(c) > _ATOL:
        cx = _op((low, high), np.kron(_CX, _CX), num_qubits)
        ops += [cx, _op((high,), _rz_super(c), num_qubits), cx]
    return ops


def _rz_super(angle: float) -> np.ndarray:
    u = np.diag([np.exp(-0.5j * angle), np.exp(0.5j * angle)])
    return np.kron(u, u.conj())


def superoperator(channel: Channel, qubits) -> tuple[tuple[int, ...], np.ndarray]:
    """The channel's row-major superoperator ``sum K (x) conj(K)`` over its qubits sorted ascending.

    >>> from qfusion.noise import depolarizing
    >>> qubits, matrix = superoperator(depolarizing(0.3, 1), (0,))
    >>> qubits, matrix.shape, np.diag(transfer_matrix(matrix, 1)).round(6).tolist()
    ((0,), (4, 4), [1.0, 0.7, 0.7, 0.7])
    """
    sorted_qubits = tuple(sorted(qubits))
    kraus = [reorder_matrix(k, tuple(qubits))[1] for k in channel.kraus]
    size = 4 ** len(sorted_qubits)
    return sorted_qubits, sum((np.kron(k, k.conj()) for k in kraus), np.zeros((size, size), dtype=complex))


def channel_ops(channel: Channel, qubits, num_qubits: int) -> list[GateOp]:
    """A channel on the Pauli vector: its transfer matrix on the bits of its qubits, computed once
    per channel value (:attr:`Channel.key`) and placement, so that equal channels built apart
    (idle relaxation of equal stretches, the same calibration on every qubit) share it.

    >>> from qfusion.noise import thermal_relaxation
    >>> a = channel_ops(thermal_relaxation(1.0, 0.5, 0.1), (0,), 1)[0]
    >>> a is channel_ops(thermal_relaxation(1.0, 0.5, 0.1), (0,), 1)[0]
    True
    """
    qubits = tuple(qubits)
    return list(_cached(_CHANNEL_OPS, (channel.key, qubits, num_qubits),
                        lambda: _lower_channel(channel, qubits, num_qubits)))


def _lower_channel(channel: Channel, qubits, num_qubits: int) -> list[GateOp]:
    sorted_qubits, matrix = superoperator(channel, qubits)
    if channel.is_unitary and channel.num_qubits == 2:
        unitary = reorder_matrix(channel.kraus[0], tuple(qubits))[1]
        if matrix_kind(unitary, _ATOL) == "diagonal":
            return _diagonal_pair(GateOp(sorted_qubits, unitary, "diagonal"), num_qubits)
    return [_op(sorted_qubits, matrix, num_qubits)]


def reset_ops(qubit: int, num_qubits: int) -> list[GateOp]:
    """Reset of one qubit: ``rho -> |0><0| Tr_q(rho)``.

    >>> [op] = reset_ops(0, num_qubits=1)
    >>> op.qubits, op.matrix.real.tolist()           # Tr(Z rho') = Tr(rho): every state goes to |0><0|
    ((0, 1), [[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0]])
    """
    matrix = np.zeros((4, 4), dtype=complex)
    matrix[0, 0] = matrix[0, 3] = 1  # rho[0,0] <- rho[0,0] + rho[1,1]; everything else -> 0
    return [_op((qubit,), matrix, num_qubits)]


def lower_segment(ops, num_qubits: int) -> list[GateOp]:
    """Gates, channels and resets of one segment as real ops on the Pauli vector.

    Consecutive ops on the same bits become one (a gate and the Pauli channel after it: a
    signed permutation times a diagonal is one scaled permutation).

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.noise import NoiseModel, depolarizing
    >>> from qfusion.sim.noise_plan import lower_noisy
    >>> model = NoiseModel()
    >>> model.add_gate_error(depolarizing(0.1, 2), ["cx"])
    >>> ops = list(lower_noisy(Circuit(2).cx(0, 1), noise_model=model).ops)
    >>> [type(op).__name__ for op in ops], [(op.qubits, op.kind) for op in lower_segment(ops, 2)]
    (['GateOp', 'ChannelOp'], [((0, 1, 2, 3), 'permutation')])
    """
    out: list[GateOp] = []
    for op in ops:
        if isinstance(op, GateOp):
            lowered = gate_ops(op, num_qubits)
        elif hasattr(op, "channel"):
            lowered = channel_ops(op.channel, op.qubits, num_qubits)
        else:
            lowered = reset_ops(op.qubit, num_qubits)
        for new in lowered:
            if out and out[-1].qubits == new.qubits and new.num_qubits > 2:
                matrix = new.matrix @ out[-1].matrix
                out[-1] = GateOp(new.qubits, matrix, matrix_kind(matrix.real))
            else:
                out.append(new)
    return out
