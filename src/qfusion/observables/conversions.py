"""Conversions between :class:`~qfusion.observables.PauliSum` terms and Qiskit's ``SparsePauliOp``.

Qiskit is imported lazily, only when a conversion runs.

>>> op = to_sparse_pauli_op(["XZ", "YY"], [1.0, 0.5], 2)
>>> qiskit_terms(op)
([('XZ', (1+0j)), ('YY', (0.5+0j))], 2)
"""

from __future__ import annotations

from qfusion._optional import import_optional
from qfusion.errors import CircuitError


def to_sparse_pauli_op(labels: list[str], coeffs, num_qubits: int):
    """A ``qiskit.quantum_info.SparsePauliOp`` (``0 * I`` when there are no terms)."""
    quantum_info = import_optional("qiskit.quantum_info", "PauliSum.to_qiskit")
    if not labels:
        return quantum_info.SparsePauliOp(["I" * num_qubits], coeffs=[0.0])
    return quantum_info.SparsePauliOp(labels, coeffs=coeffs)


def qiskit_terms(operator) -> tuple[list[tuple[str, complex]], int]:
    """``(label, coeff)`` pairs and the qubit count of a ``SparsePauliOp``, a ``Pauli`` or a label."""
    if not hasattr(operator, "to_list") or not hasattr(operator, "num_qubits"):
        quantum_info = import_optional("qiskit.quantum_info", "PauliSum.from_qiskit")
        try:
            operator = quantum_info.SparsePauliOp(operator)
        except Exception as exc:  # Qiskit raises its own QiskitError for anything it cannot read
            raise CircuitError(f"cannot read {type(operator).__name__} as a SparsePauliOp: {exc}") from exc
    try:
        pairs = [(str(label), complex(coeff)) for label, coeff in operator.to_list()]
    except TypeError as exc:
        raise CircuitError("the SparsePauliOp has parameterised coefficients; bind them first "
                           "(op.assign_parameters(values))") from exc
    return pairs, operator.num_qubits
