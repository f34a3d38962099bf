"""Hardware-efficient ansätze: layers of single-qubit rotations and entangling CNOTs.

>>> c = hardware_efficient_ansatz(3, reps=2)
>>> c.num_qubits, len(c.parameters), c.count_ops()
(3, 18, {'ry': 9, 'rz': 9, 'cx': 4})
"""

from __future__ import annotations

from qfusion.circuit import Circuit, Parameter
from qfusion.errors import CircuitError

ROTATIONS = ("rx", "ry", "rz")
ENTANGLEMENTS = ("linear", "circular", "full")


def _pairs(num_qubits: int, entanglement: str) -> list[tuple[int, int]]:
    if entanglement == "linear":
        return [(q, q + 1) for q in range(num_qubits - 1)]
    if entanglement == "circular":
        wrap = [(num_qubits - 1, 0)] if num_qubits > 2 else []  # first, as in Qiskit
        return wrap + [(q, q + 1) for q in range(num_qubits - 1)]
    if entanglement == "full":
        return [(a, b) for a in range(num_qubits) for b in range(a + 1, num_qubits)]
    raise CircuitError(f"unknown entanglement {entanglement!r}; choose one of {', '.join(ENTANGLEMENTS)}")


def hardware_efficient_ansatz(num_qubits: int, reps: int = 1, *, rotations=("ry", "rz"),
                              entanglement: str = "linear", initial_state: Circuit | None = None,
                              parameter_prefix: str = "h") -> Circuit:
    """``initial_state`` (or nothing), then ``reps`` times [a rotation layer, a CNOT layer], then a
    final rotation layer (Qiskit's ``EfficientSU2`` shape). Parameters are named ``h000, h001, ...``
    so ``circuit.parameters`` keeps the order in which they are applied.

    >>> hardware_efficient_ansatz(2, reps=1, rotations=("ry",)).count_ops()
    {'ry': 4, 'cx': 1}
    """
    if int(num_qubits) < 1 or int(reps) < 0:
        raise CircuitError(f"a hardware-efficient ansatz needs num_qubits >= 1 and reps >= 0, "
                           f"got {num_qubits} and {reps}")
    rotations = (rotations,) if isinstance(rotations, str) else tuple(rotations)
    unknown = [r for r in rotations if r not in ROTATIONS]
    if unknown or not rotations:
        raise CircuitError(f"rotations are chosen from {', '.join(ROTATIONS)}, got {list(rotations)}")
    pairs = _pairs(int(num_qubits), entanglement)
    if initial_state is not None:
        if initial_state.num_qubits != num_qubits:
            raise CircuitError(f"the initial state has {initial_state.num_qubits} qubits, the ansatz {num_qubits}")
        circuit = initial_state.copy(name="hardware_efficient")
    else:
        circuit = Circuit(int(num_qubits), name="hardware_efficient")
    count = (int(reps) + 1) * len(rotations) * int(num_qubits)
    width = len(str(count - 1))
    index = 0
    for layer in range(int(reps) + 1):
        for rotation in rotations:
            for q in range(int(num_qubits)):
                getattr(circuit, rotation)(Parameter(f"{parameter_prefix}{index:0{width}d}"), q)
                index += 1
        if layer < reps:
            for a, b in pairs:
                circuit.cx(a, b)
    return circuit
