"""Shot-based expectation values: measure each qubit-wise-commuting group in its own basis.

A group's strings agree on every qubit they touch, so one basis rotation (``h`` for X,
``sdg`` then ``h`` for Y) turns them all into Z strings, read off one set of shots as parities.
Each shot gives the group's value ``sum_t c_t (-1)**parity_t``; the estimate is the mean and
its standard error ``std / sqrt(shots)``; groups are independent, so their variances add.

>>> from qfusion.observables import PauliSum
>>> group = PauliSum.from_list([("XX", 1.0), ("IX", 0.5)])
>>> circuit, qubits = basis_circuit(group, 2)
>>> circuit.count_ops(), qubits
({'h': 2, 'measure': 2}, (0, 1))
>>> group_estimate(group, qubits, {"00": 60, "11": 40})  # XX = +1 always; IX = +1, -1
(1.1, 0.04923659639173309)
"""

from __future__ import annotations

import numbers

import numpy as np

from qfusion.circuit import Circuit
from qfusion.errors import CircuitError
from qfusion.observables import PauliSum


def as_observable(observable, num_qubits: int | None = None) -> PauliSum:
    """A :class:`PauliSum` from a PauliSum, a label, ``(label, coeff)`` pairs, a Qiskit
    ``SparsePauliOp`` or an OpenFermion ``QubitOperator`` (then ``num_qubits`` is needed).

    >>> as_observable("XZ"), as_observable([("ZI", 0.5), ("IZ", 0.5)]).num_qubits
    (PauliSum([('XZ', 1.0)], num_qubits=2), 2)
    """
    if isinstance(observable, PauliSum):
        out = observable
    elif isinstance(observable, str):
        out = PauliSum.from_label(observable)
    elif type(observable).__name__ == "QubitOperator":
        out = PauliSum.from_openfermion(observable, num_qubits)
    elif hasattr(observable, "to_list") and hasattr(observable, "num_qubits"):
        out = PauliSum.from_qiskit(observable)
    else:
        out = PauliSum.from_list(list(observable), num_qubits)
    if num_qubits is not None and out.num_qubits != num_qubits:
        raise CircuitError(f"the observable acts on {out.num_qubits} qubits but the circuit has {num_qubits}")
    return out


def is_observable(value) -> bool:
    """Whether ``value`` is one observable (not a batch of them).

    >>> is_observable("ZZ"), is_observable(["ZZ", "XX"]), is_observable([("ZZ", 1.0)])
    (True, False, True)
    """
    if isinstance(value, (PauliSum, str)) or type(value).__name__ == "QubitOperator":
        return True
    if hasattr(value, "to_list") and hasattr(value, "num_qubits"):
        return True
    return (isinstance(value, (list, tuple)) and len(value) > 0 and isinstance(value[0], tuple)
            and len(value[0]) == 2 and isinstance(value[0][0], str) and isinstance(value[0][1], numbers.Number))


def basis_circuit(group: PauliSum, num_qubits: int) -> tuple[Circuit, tuple[int, ...]]:
    """Rotations and measurements for one qubit-wise-commuting group: ``(circuit, measured qubits)``;
    clbit ``j`` holds qubit ``qubits[j]``.

    >>> circuit, qubits = basis_circuit(PauliSum.from_label("YIZ"), 3)
    >>> circuit.count_ops(), qubits  # Y: sdg then h; Z: measured as is
    ({'sdg': 1, 'h': 1, 'measure': 2}, (0, 2))
    """
    cover_x = int(np.bitwise_or.reduce(group.x_masks)) if len(group) else 0
    cover_z = int(np.bitwise_or.reduce(group.z_masks)) if len(group) else 0
    qubits = tuple(q for q in range(num_qubits) if ((cover_x | cover_z) >> q) & 1)
    circuit = Circuit(num_qubits, len(qubits))
    for q in qubits:
        if (cover_x >> q) & 1 and (cover_z >> q) & 1:
            circuit.sdg(q).h(q)
        elif (cover_x >> q) & 1:
            circuit.h(q)
    for j, q in enumerate(qubits):
        circuit.measure(q, j)
    return circuit, qubits


def group_estimate(group: PauliSum, qubits: tuple[int, ...], counts: dict[str, int]) -> tuple[float, float]:
    """``(mean, standard error)`` of a group's value from the counts of its basis circuit.

    >>> group_estimate(PauliSum.from_label("Z"), (0,), {"0": 75, "1": 25})
    (0.5, 0.08703882797784893)
    """
    keys = list(counts)
    outcomes = np.array([int(k, 2) if k else 0 for k in keys], dtype=np.int64)
    weights = np.array([counts[k] for k in keys], dtype=float)
    shots = weights.sum()
    support = group.x_masks | group.z_masks
    # measured qubit qubits[j] sits in clbit j: move each term's support onto clbit positions
    clbit_masks = np.zeros(len(support), dtype=np.int64)
    for j, q in enumerate(qubits):
        clbit_masks |= ((support >> np.uint64(q)) & np.uint64(1)).astype(np.int64) << j
    parity = _parity(outcomes[:, None] & clbit_masks[None, :])
    values = (1 - 2 * parity) @ group.coeffs.real
    mean = float(np.dot(weights, values) / shots)
    if shots < 2:
        return mean, float("inf")
    variance = float(np.dot(weights, (values - mean) ** 2) / (shots - 1))
    return mean, float(np.sqrt(variance / shots))


def _parity(values: np.ndarray) -> np.ndarray:
    """Parity of the set bits of each (non-negative) integer."""
    if hasattr(np, "bitwise_count"):
        return (np.bitwise_count(values) & 1).astype(float)
    out = np.zeros(values.shape, dtype=np.int64)  # pragma: no cover - NumPy 1.26
    while np.any(values):
        out ^= values & 1
        values = values >> 1
    return out.astype(float)
