"""Random circuits shared by the simulator tests (CPU and GPU). NumPy and qfusion only: the GPU
tests import this module on a machine without qiskit."""

import numpy as np

import qfusion as qf
from qfusion.circuit import STANDARD_GATES, Circuit

_XY = np.kron([[0, 1], [1, 0]], [[0, -1j], [1j, 0]])  # X on qubit 1, Y on qubit 0


def random_unitary(rng, dim=2):
    q, r = np.linalg.qr(rng.normal(size=(dim, dim)) + 1j * rng.normal(size=(dim, dim)))
    return q * (np.diag(r) / abs(np.diag(r)))


def _qubits(rng, n, count):
    return [int(q) for q in rng.choice(n, count, replace=False)]


def _dense_unitary(c, n, rng):
    c.unitary(random_unitary(rng, 4), _qubits(rng, n, 2))


def _local_unitary(c, n, rng):
    c.unitary(_XY @ np.kron(random_unitary(rng), random_unitary(rng)), _qubits(rng, n, 2))


def _controlled_rotation(c, n, rng):
    gate = qf.circuit.standard_gate("ry", rng.uniform(-3, 3)).control(2, ctrl_state=int(rng.integers(4)))
    c.append(gate, _qubits(rng, n, 3))


def _power(c, n, rng):
    c.append(qf.circuit.standard_gate("sx").power(rng.uniform(-2, 2)), [int(rng.integers(n))])


def _multi_controlled(c, n, rng):
    qubits = _qubits(rng, n, 4)
    c.mcx(qubits[:3], qubits[3])


# name: (share of the steps, fewest qubits it needs, how to append one)
EXTRAS = {
    "unitary": (0.05, 2, _dense_unitary),            # a Haar-random two-qubit UnitaryGate
    "local_unitary": (0.05, 2, _local_unitary),      # a two-qubit UnitaryGate that is a product
    "controlled": (0.05, 3, _controlled_rotation),   # ry with two controls and a random ctrl_state
    "power": (0.03, 1, _power),                      # sx to a random real power
    "multi_controlled": (0.03, 4, _multi_controlled),  # mcx with three controls
}


def random_circuit(n, depth, rng, *, extras=tuple(EXTRAS)):
    """``depth`` random gates on ``n`` qubits: the whole standard gate set with random angles and,
    in a share of the steps, the gate kinds named in ``extras`` (keys of :data:`EXTRAS`, all by
    default). A step whose extra needs more qubits than ``n`` falls through to the next one."""
    unknown = set(extras) - set(EXTRAS)
    if unknown:
        raise ValueError(f"unknown extras {sorted(unknown)}; choose from {list(EXTRAS)}")
    names = [g for g, spec in STANDARD_GATES.items() if spec.num_qubits <= n]
    c = Circuit(n)
    for _ in range(depth):
        roll = rng.random()
        threshold = 0.0
        for extra in extras:
            share, fewest, append = EXTRAS[extra]
            threshold += share
            if roll < threshold and n >= fewest:
                append(c, n, rng)
                break
        else:
            spec = STANDARD_GATES[rng.choice(names)]
            c.append(spec.name, _qubits(rng, n, spec.num_qubits), [*rng.uniform(-np.pi, np.pi, spec.num_params)])
    return c
