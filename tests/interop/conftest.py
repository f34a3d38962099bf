"""Random circuits over qfusion's whole gate set, shared by the interop tests."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qfusion.circuit import (
    STANDARD_GATES,
    Circuit,
    CircuitGate,
    ControlledGate,
    InverseGate,
    PowerGate,
    StandardGate,
    UnitaryGate,
)


def random_unitary(rng: np.random.Generator, num_qubits: int) -> np.ndarray:
    dim = 1 << num_qubits
    z = rng.normal(size=(dim, dim)) + 1j * rng.normal(size=(dim, dim))
    q, r = np.linalg.qr(z)
    return q * (np.diag(r) / np.abs(np.diag(r)))


def random_standard_gate(rng: np.random.Generator, max_qubits: int, names=None) -> StandardGate:
    names = [n for n in (names or STANDARD_GATES) if STANDARD_GATES[n].num_qubits <= max_qubits]
    spec = STANDARD_GATES[names[rng.integers(len(names))]]
    return StandardGate(spec.name, tuple(rng.uniform(-math.pi, math.pi, spec.num_params)))


def random_gate(rng: np.random.Generator, max_qubits: int, modifiers: bool = True):
    """A standard gate, mostly; with ``modifiers`` also mcx, unitary, controlled, inverse, power and circuit gates."""
    kind = rng.integers(10) if modifiers else 0
    if kind <= 3 or max_qubits < 2:
        return random_standard_gate(rng, max_qubits)
    if kind == 4:
        return StandardGate("mcx", (), int(rng.integers(2, max_qubits + 1)))
    if kind == 5:
        return UnitaryGate(random_unitary(rng, int(rng.integers(1, min(max_qubits, 2) + 1))), label="U")
    if kind == 6:
        base = random_standard_gate(rng, max_qubits - 1)
        num_ctrl = int(rng.integers(1, max_qubits - base.num_qubits + 1))
        return ControlledGate(base, num_ctrl, int(rng.integers(1 << num_ctrl)))
    if kind == 7:
        return InverseGate(random_standard_gate(rng, max_qubits))
    if kind == 8:
        return PowerGate(random_standard_gate(rng, max_qubits), float(rng.uniform(-2, 2)))
    size = int(rng.integers(1, min(max_qubits, 3) + 1))
    return CircuitGate(random_circuit(rng, size, 3, modifiers=False), name="sub")


def random_circuit(rng: np.random.Generator, num_qubits: int, num_gates: int, modifiers: bool = True,
                   global_phase: bool = True) -> Circuit:
    circuit = Circuit(num_qubits, global_phase=float(rng.uniform(-math.pi, math.pi)) if global_phase else 0.0)
    for _ in range(num_gates):
        gate = random_gate(rng, num_qubits, modifiers)
        qubits = rng.permutation(num_qubits)[:gate.num_qubits]
        circuit.append(gate, [int(q) for q in qubits])
    return circuit


@pytest.fixture
def make_random_circuit():
    return random_circuit
