"""Random circuits and unitary comparison for transpiler tests (plain NumPy, no qfusion simulator)."""

from types import SimpleNamespace

import numpy as np
import pytest

from qfusion.circuit import Circuit, circuit_unitary

ONE = ["h", "x", "y", "z", "s", "t", "sx", "sdg", "tdg"]
ROTATIONS = ["rx", "ry", "rz", "p"]
TWO = ["cx", "cz", "swap", "cp", "rzz", "crx", "iswap", "ecr", "ch", "cy", "rxx", "ryy"]


def random_circuit(num_qubits: int, size: int, rng: np.random.Generator) -> Circuit:
    circuit = Circuit(num_qubits)
    for _ in range(size):
        r = rng.random()
        if r < 0.3 or num_qubits == 1:
            if rng.random() < 0.5:
                circuit.append(str(rng.choice(ONE)), (int(rng.integers(num_qubits)),))
            else:
                circuit.append(str(rng.choice(ROTATIONS)), (int(rng.integers(num_qubits)),), [float(rng.uniform(-3, 3))])
        elif r < 0.88 or num_qubits == 2:
            a, b = (int(x) for x in rng.choice(num_qubits, 2, replace=False))
            name = str(rng.choice(TWO))
            params = (float(rng.uniform(-3, 3)),) if name in ("cp", "rzz", "crx", "rxx", "ryy") else ()
            circuit.append(name, (a, b), [*params])
        else:
            a, b, c = (int(x) for x in rng.choice(num_qubits, 3, replace=False))
            circuit.append(str(rng.choice(["ccx", "cswap"])), (a, b, c))
    return circuit


def logical_unitary(transpiled, num_logical: int) -> np.ndarray:
    """The transpiled circuit's action on the logical qubits: columns from the initial layout,
    rows read at the final layout, unused physical qubits in |0>."""
    used = sorted(set(transpiled.initial_layout) | {q for i in transpiled.instructions for q in i.qubits})
    index = {p: k for k, p in enumerate(used)}
    small = Circuit(len(used), global_phase=transpiled.global_phase)
    for inst in transpiled.instructions:
        small.append(inst.operation, [index[q] for q in inst.qubits])
    unitary = circuit_unitary(small)

    def embed(layout, x):
        return sum(((x >> i) & 1) << index[layout[i]] for i in range(num_logical))
    columns = [embed(transpiled.initial_layout, x) for x in range(1 << num_logical)]
    rows = [embed(transpiled.final_layout, x) for x in range(1 << num_logical)]
    return unitary[np.ix_(rows, columns)]


def equal_up_to_phase(a: np.ndarray, b: np.ndarray, atol: float = 1e-6) -> bool:
    k = np.argmax(np.abs(b))
    phase = a.flat[k] / b.flat[k]
    return abs(abs(phase) - 1) < atol and np.allclose(a, phase * b, atol=atol)


@pytest.fixture
def circuits():
    """The helpers above, for tests in this folder."""
    return SimpleNamespace(random_circuit=random_circuit, logical_unitary=logical_unitary,
                           equal_up_to_phase=equal_up_to_phase)
