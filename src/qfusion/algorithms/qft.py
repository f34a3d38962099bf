"""The quantum Fourier transform and its inverse.

``qft(n)`` maps ``|j>`` to ``2**(-n/2) sum_k exp(2 pi i j k / 2**n) |k>`` with ``j`` and ``k``
read little-endian (qubit 0 is the least significant bit), the convention of Qiskit's ``QFTGate``.

>>> import numpy as np
>>> from qfusion.circuit import circuit_unitary
>>> n = 3
>>> dft = np.exp(2j * np.pi * np.outer(range(2 ** n), range(2 ** n)) / 2 ** n) / np.sqrt(2 ** n)
>>> bool(np.allclose(circuit_unitary(qft(n)), dft))
True
>>> bool(np.allclose(circuit_unitary(inverse_qft(n)), dft.conj().T))
True
"""

from __future__ import annotations

import math

from qfusion.circuit import Circuit
from qfusion.errors import CircuitError


def qft(num_qubits: int, *, do_swaps: bool = True, approximation_degree: int = 0, inverse: bool = False,
        name: str | None = None) -> Circuit:
    """The QFT on ``num_qubits`` qubits (``inverse=True``: its inverse).

    ``approximation_degree=d`` drops the ``d`` smallest controlled-phase rotations of each
    qubit (angles below ``pi / 2**(n - 1 - d)``), as in the approximate QFT. Without swaps
    the output comes bit-reversed (qubit ``q`` holds what qubit ``n - 1 - q`` would).

    >>> import numpy as np
    >>> from qfusion.circuit.unitary import circuit_unitary
    >>> n = 3
    >>> dft = np.exp(2j * np.pi * np.outer(range(2 ** n), range(2 ** n)) / 2 ** n) / np.sqrt(2 ** n)
    >>> np.allclose(circuit_unitary(qft(n)), dft)
    True
    """
    if int(num_qubits) != num_qubits or num_qubits < 1:
        raise CircuitError(f"the QFT needs a positive number of qubits, got {num_qubits!r}")
    if approximation_degree < 0:
        raise CircuitError(f"approximation_degree must be >= 0, got {approximation_degree}")
    n = int(num_qubits)
    circuit = Circuit(n, name=name or ("iqft" if inverse else "qft"))
    for target in reversed(range(n)):
        circuit.h(target)
        for control in reversed(range(target)):
            distance = target - control
            if distance < n - approximation_degree:
                circuit.cp(math.pi / 2 ** distance, control, target)
    if do_swaps:
        for q in range(n // 2):
            circuit.swap(q, n - 1 - q)
    return circuit.inverse() if inverse else circuit


def inverse_qft(num_qubits: int, *, do_swaps: bool = True, approximation_degree: int = 0) -> Circuit:
    """The inverse QFT (``qft(..., inverse=True)``).

    >>> import numpy as np
    >>> from qfusion.circuit.unitary import circuit_unitary
    >>> np.allclose(circuit_unitary(inverse_qft(3)) @ circuit_unitary(qft(3)), np.eye(8))
    True
    """
    return qft(num_qubits, do_swaps=do_swaps, approximation_degree=approximation_degree, inverse=True)
