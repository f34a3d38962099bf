"""Random circuits for the conformance kit: the standard gates, or only Clifford ones.

>>> import numpy as np
>>> c = random_circuit(3, 10, np.random.default_rng(0))
>>> c.num_qubits, len(c.instructions)
(3, 10)
>>> {inst.operation.name for inst in random_circuit(2, 20, np.random.default_rng(1), clifford=True).instructions} <= set(
...     CLIFFORD_GATES) | {"cx", "cz", "swap"}
True
"""

from __future__ import annotations

import numpy as np

from qfusion.circuit import Circuit, Parameter

CLIFFORD_GATES = ("h", "s", "sdg", "x", "y", "z")
ROTATIONS = ("rx", "ry", "rz")
TWO_QUBIT_GATES = ("cx", "cz", "swap")


def random_circuit(num_qubits: int, depth: int, rng: np.random.Generator, *, clifford: bool = False) -> Circuit:
    """``depth`` gates drawn at random (one- and two-qubit; rotations by random angles unless ``clifford``).

    >>> import numpy as np
    >>> random_circuit(2, 5, np.random.default_rng(3)).num_qubits
    2
    """
    circuit = Circuit(num_qubits)
    one_qubit = CLIFFORD_GATES if clifford else CLIFFORD_GATES + ("t",) + ROTATIONS
    for _ in range(depth):
        if num_qubits > 1 and rng.random() < 0.4:
            a, b = (int(q) for q in rng.choice(num_qubits, 2, replace=False))
            getattr(circuit, str(rng.choice(TWO_QUBIT_GATES)))(a, b)
            continue
        name, qubit = str(rng.choice(one_qubit)), int(rng.integers(num_qubits))
        if name in ROTATIONS:
            getattr(circuit, name)(float(rng.uniform(-np.pi, np.pi)), qubit)
        else:
            getattr(circuit, name)(qubit)
    return circuit


def parameterized_circuit(num_qubits: int, *, clifford: bool = False) -> tuple[Circuit, list[Parameter]]:
    """A layer of ``ry(theta_q)`` then a CX chain and ``rz(phi)``; with ``clifford`` the angles the
    checks bind are multiples of pi/2, so the bound circuit stays Clifford.

    >>> circuit, parameters = parameterized_circuit(2)
    >>> [p.name for p in parameters]
    ['phi', 'theta0', 'theta1']
    """
    thetas = [Parameter(f"theta{q}") for q in range(num_qubits)]
    phi = Parameter("phi")
    circuit = Circuit(num_qubits)
    for q, theta in enumerate(thetas):
        circuit.ry(theta, q)
    for q in range(num_qubits - 1):
        circuit.cx(q, q + 1)
    circuit.rz(phi, num_qubits - 1)
    return circuit, list(circuit.parameters)
