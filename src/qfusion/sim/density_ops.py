"""Gates and channels on a density matrix, as gates on a vector of twice as many qubits.

A density matrix ``rho`` on ``n`` qubits is stored row-major: entry ``rho[r, c]`` at index
``r * 2^n + c``. Seen as a ``2n``-qubit vector, bit ``q`` is qubit ``q`` of the column
index and bit ``q + n`` qubit ``q`` of the row index. Then

* a gate ``U`` on qubits ``Q`` is ``U`` on the row bits ``Q + n`` and ``conj(U)`` on the
  column bits ``Q``: two gates of the state-vector kind, fused and cache-blocked by the
  state-vector machinery (:mod:`qfusion.sim.fusion`), diagonals and permutations kept;
* a channel on one qubit is its ``4 x 4`` superoperator on bits ``(q, q + n)``, which fuses
  with the gates on that qubit;
* a Pauli channel on several qubits is diagonal in the Pauli basis: a change of basis per
  qubit on ``(q, q + n)``, one diagonal over all ``2k`` bits, the change back — so it costs
  ``k`` small gates each way instead of a dense ``4^k x 4^k`` superoperator;
* any other channel is its dense superoperator on the ``2k`` bits.

>>> import numpy as np
>>> from qfusion.sim.plan import gate_op
>>> ops = gate_ops(gate_op(np.array([[0, 1], [1, 0]]), (0,)), num_qubits=2)
>>> [op.qubits for op in ops]
[(2,), (0,)]
"""

from __future__ import annotations

import numpy as np

from qfusion.circuit.gates import matrix_kind
from qfusion.circuit.unitary import apply_matrix
from qfusion.noise.channel import Channel, PAULI_MATRICES
from qfusion.sim.plan import GateOp, gate_op, reorder_matrix

_PAULIS = [PAULI_MATRICES[c] for c in "IXYZ"]
# local index c + 2 r over bits (q, q + n) <-> Pauli component t_P = Tr(P rho) = sum P[c, r] rho[r, c]
_TO_PAULI = np.array([[p[c, r] for r in range(2) for c in range(2)] for p in _PAULIS])
_FROM_PAULI = np.linalg.inv(_TO_PAULI)
_FROM_PAULI[np.abs(_FROM_PAULI) < 1e-15] = 0


def gate_ops(op: GateOp, num_qubits: int) -> list[GateOp]:
    """``U rho U^dagger`` as ``U`` on the row bits and ``conj(U)`` on the column bits.

    A permutation on two or more qubits becomes one permutation of all ``2k`` bits: a single
    cheap index shuffle instead of two small gates run as dense ones.
    """
    rows = tuple(q + num_qubits for q in op.qubits)
    if op.kind == "permutation" and op.num_qubits >= 2:
        return [GateOp(op.qubits + rows, np.kron(op.matrix, op.matrix.conj()), "permutation")]
    return [GateOp(rows, op.matrix, op.kind), GateOp(op.qubits, op.matrix.conj(), op.kind)]


def lower_segment(ops, num_qubits: int) -> list[GateOp]:
    """Gates, channels and resets of one segment as gates on the ``2n``-bit vector.

    A gate followed by a Pauli channel on the same qubits is applied in the Pauli basis when
    the gate maps Paulis to Paulis there (Clifford gates: ``cx``, ``cz``, ``swap``...): the
    gate and the channel become one signed permutation between the changes of basis, which
    themselves fuse with the one-qubit gates and channels around them.
    """
    out: list[GateOp] = []
    index = 0
    while index < len(ops):
        op = ops[index]
        following = ops[index + 1] if index + 1 < len(ops) else None
        if isinstance(op, GateOp) and op.num_qubits >= 2 and getattr(following, "channel", None) is not None \
                and following.channel.is_pauli and tuple(sorted(following.qubits)) == op.qubits:
            combined = _clifford_with_pauli(op, following.channel, following.qubits, num_qubits)
            if combined is not None:
                out += combined
                index += 2
                continue
        if isinstance(op, GateOp):
            out += gate_ops(op, num_qubits)
        elif hasattr(op, "channel"):
            out += channel_ops(op.channel, op.qubits, num_qubits)
        else:
            out += reset_ops(op.qubit, num_qubits)
        index += 1
    return out


def _pauli_basis_change(k: int, matrix: np.ndarray) -> np.ndarray:
    """``matrix`` (4x4 on bits (j, j + k)) applied on every pair j of a ``2k``-bit local index."""
    total = np.eye(1 << (2 * k), dtype=complex)
    for j in range(k):
        total = apply_matrix(total, matrix, [j, j + k], 2 * k)
    return total


def _clifford_with_pauli(op: GateOp, channel: Channel, qubits, num_qubits: int) -> list[GateOp] | None:
    k = op.num_qubits
    to_pauli = _pauli_basis_change(k, _TO_PAULI)
    from_pauli = _pauli_basis_change(k, _FROM_PAULI)
    transfer = to_pauli @ np.kron(op.matrix, op.matrix.conj()) @ from_pauli
    transfer[np.abs(transfer) < 1e-12] = 0
    if matrix_kind(transfer) == "dense":
        return None
    diagonal, bits = _pauli_diagonal(channel, tuple(qubits), num_qubits)
    combined = diagonal[:, None] * transfer
    ops = [GateOp((q, q + num_qubits), _TO_PAULI.astype(complex), "dense") for q in op.qubits]
    ops.append(GateOp(bits, combined, matrix_kind(combined)))
    ops += [GateOp((q, q + num_qubits), _FROM_PAULI.astype(complex), "dense") for q in op.qubits]
    return ops


def superoperator(channel: Channel, qubits) -> tuple[tuple[int, ...], np.ndarray]:
    """The channel's superoperator for row-major storage, over its qubits sorted ascending.

    Local index ``c + 2^k r`` (``c``, ``r``: the column and row bits of the sorted qubits);
    ``vec(K rho K^dagger) = (K (x) conj(K)) vec(rho)`` for row-major ``vec``.
    """
    sorted_qubits = tuple(sorted(qubits))
    kraus = [reorder_matrix(k, tuple(qubits))[1] for k in channel.kraus]
    return sorted_qubits, sum(np.kron(k, k.conj()) for k in kraus)


def channel_ops(channel: Channel, qubits, num_qubits: int) -> list[GateOp]:
    """The channel on the ``2n``-bit vector as gates of the state-vector kinds."""
    qubits = tuple(qubits)
    if channel.is_unitary:
        return gate_ops(gate_op(channel.kraus[0], qubits), num_qubits)
    if channel.is_pauli and channel.num_qubits >= 2:
        return _pauli_ops(channel, qubits, num_qubits)
    sorted_qubits, matrix = superoperator(channel, qubits)
    bits = sorted_qubits + tuple(q + num_qubits for q in sorted_qubits)
    return [gate_op(matrix, bits)]


def _pauli_ops(channel: Channel, qubits: tuple[int, ...], num_qubits: int) -> list[GateOp]:
    diagonal, bits = _pauli_diagonal(channel, qubits, num_qubits)
    sorted_qubits = sorted(qubits)
    ops = [GateOp((q, q + num_qubits), _TO_PAULI.astype(complex), "dense") for q in sorted_qubits]
    ops.append(GateOp(bits, np.diag(diagonal), "diagonal"))
    ops += [GateOp((q, q + num_qubits), _FROM_PAULI.astype(complex), "dense") for q in sorted_qubits]
    return ops


def _pauli_diagonal(channel: Channel, qubits: tuple[int, ...], num_qubits: int):
    """The channel's factor per Pauli basis state, over bits (sorted columns, then their rows)."""
    factors = channel.pauli_transfer_diagonal()  # digit j: Pauli on channel qubit j
    k = len(qubits)
    order = sorted(range(k), key=lambda j: qubits[j])
    sorted_qubits = [qubits[j] for j in order]
    # bits of the diagonal, ascending: columns of the sorted qubits, then their rows
    bits = tuple(sorted_qubits) + tuple(q + num_qubits for q in sorted_qubits)
    index = np.arange(1 << (2 * k))
    pauli_index = np.zeros_like(index)
    for position, j in enumerate(order):  # sorted position -> channel qubit j
        digit = ((index >> position) & 1) | (((index >> (position + k)) & 1) << 1)
        pauli_index |= digit << (2 * j)
    return factors[pauli_index].astype(complex), bits


def reset_ops(qubit: int, num_qubits: int) -> list[GateOp]:
    """Reset of one qubit: ``rho -> |0><0| Tr_q(rho)``, a permutation-free dense superoperator."""
    matrix = np.zeros((4, 4), dtype=complex)
    matrix[0, 0] = matrix[0, 3] = 1  # rho[0,0] <- rho[0,0] + rho[1,1]; everything else -> 0
    return [GateOp((qubit, qubit + num_qubits), matrix, "dense")]
