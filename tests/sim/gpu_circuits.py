"""Circuits shared by the GPU tests (the CUDA-simulator cases and the real-GPU suite)."""

import numpy as np

import qfusion as qf
from qfusion.circuit import Circuit, Parameter, STANDARD_GATES


def random_unitary(rng, dim=2):
    q, r = np.linalg.qr(rng.normal(size=(dim, dim)) + 1j * rng.normal(size=(dim, dim)))
    return q * (np.diag(r) / abs(np.diag(r)))


def random_circuit(n, depth, rng):
    """Random circuit over the standard gates plus unitary, controlled and multi-controlled gates."""
    names = [g for g, spec in STANDARD_GATES.items() if spec.num_qubits <= n]
    c = Circuit(n)
    for _ in range(depth):
        roll = rng.random()
        if roll < 0.05 and n >= 2:
            c.unitary(random_unitary(rng, 4), [int(q) for q in rng.choice(n, 2, replace=False)])
        elif roll < 0.10 and n >= 3:
            gate = qf.circuit.standard_gate("ry", rng.uniform(-3, 3)).control(2, ctrl_state=int(rng.integers(4)))
            c.append(gate, [int(q) for q in rng.choice(n, 3, replace=False)])
        elif roll < 0.13 and n >= 4:
            qubits = [int(q) for q in rng.choice(n, 4, replace=False)]
            c.mcx(qubits[:3], qubits[3])
        else:
            spec = STANDARD_GATES[rng.choice(names)]
            qubits = [int(q) for q in rng.choice(n, spec.num_qubits, replace=False)]
            c._gate(spec.name, qubits, *rng.uniform(-np.pi, np.pi, spec.num_params))
    return c


def qaoa_ring(n, layers=1):
    """QAOA for MaxCut on a ring: parameters gamma_j, beta_j (sorted by name: b0.., g0..)."""
    c = Circuit(n)
    for q in range(n):
        c.h(q)
    for j in range(layers):
        gamma, beta = Parameter(f"g{j}"), Parameter(f"b{j}")
        for q in range(n):
            c.rzz(gamma, q, (q + 1) % n)
        for q in range(n):
            c.rx(beta, q)
    return c
