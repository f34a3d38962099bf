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
    """A ``qiskit.quantum_info.SparsePauliOp`` (``0 * I`` when there are no terms).

    >>> to_sparse_pauli_op(["ZZ", "XI"], [1.0, 0.5], 2)
    SparsePauliOp(['ZZ', 'XI'],
                  coeffs=[1. +0.j, 0.5+0.j])
    """
    quantum_info = import_optional("qiskit.quantum_info", "PauliSum.to_qiskit")
    if not labels:
        return quantum_info.SparsePauliOp(["I" * num_qubits], coeffs=[0.0])
    return quantum_info.SparsePauliOp(labels, coeffs=coeffs)


def qiskit_terms(operator) -> tuple[list[tuple[str, complex]], int]:
    """``(label, coeff)`` pairs and the qubit count of a ``SparsePauliOp``, a ``Pauli`` or a label.

    >>> from qiskit.quantum_info import SparsePauliOp
    >>> qiskit_terms(SparsePauliOp.from_list([("XZ", 2.0)]))
    ([('XZ', (2+0j))], 2)
    """
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


def to_qubit_operator(labels: list[str], coeffs, num_qubits: int):
    """An OpenFermion ``QubitOperator`` (qubit ``q`` is label character ``num_qubits - 1 - q``).

    >>> to_qubit_operator(["ZX"], [0.5], 2)           # X on qubit 0, Z on qubit 1
    0.5 [X0 Z1]
    """
    openfermion = import_optional("openfermion", "PauliSum.to_openfermion")
    operator = openfermion.QubitOperator()
    for label, coeff in zip(labels, coeffs, strict=False):
        term = tuple((q, label[num_qubits - 1 - q]) for q in range(num_qubits) if label[num_qubits - 1 - q] != "I")
        coeff = complex(coeff)
        operator += openfermion.QubitOperator(term, coeff.real if coeff.imag == 0 else coeff)
    return operator


def openfermion_terms(operator, num_qubits: int | None) -> tuple[list[tuple[str, complex]], int]:
    """``(label, coeff)`` pairs and the qubit count of an OpenFermion ``QubitOperator``.

    >>> from types import SimpleNamespace            # anything with OpenFermion's ``terms`` dict
    >>> openfermion_terms(SimpleNamespace(terms={((0, "X"), (2, "Z")): 0.5, (): 1.0}), None)
    ([('ZIX', (0.5+0j)), ('III', (1+0j))], 3)
    >>> openfermion_terms(SimpleNamespace(terms={((3, "Y"),): 1.0}), 2)
    Traceback (most recent call last):
        ...
    qfusion.errors.CircuitError: the QubitOperator acts on qubit 3, beyond num_qubits=2
    """
    terms = getattr(operator, "terms", None)
    if not isinstance(terms, dict):
        raise CircuitError(f"expected an openfermion.QubitOperator, got {type(operator).__name__}")
    highest = max((q for term in terms for q, _ in term), default=-1)
    if num_qubits is None:
        num_qubits = highest + 1
    elif highest >= num_qubits:
        raise CircuitError(f"the QubitOperator acts on qubit {highest}, beyond num_qubits={num_qubits}")
    pairs = []
    for term, coeff in terms.items():
        chars = ["I"] * num_qubits
        for q, pauli in term:
            chars[num_qubits - 1 - q] = pauli
        pairs.append(("".join(chars), complex(coeff)))
    return pairs, num_qubits
