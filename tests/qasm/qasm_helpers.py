"""Random circuits and comparisons shared by the OpenQASM tests."""

from __future__ import annotations

import math

import numpy as np

from qfusion.circuit import (
    STANDARD_GATES,
    Circuit,
    CircuitGate,
    Condition,
    Parameter,
    Register,
    StandardGate,
    UnitaryGate,
)
from qfusion.errors import QasmError

ALL_GATES = list(STANDARD_GATES) + ["mcx"]


def standard_gate(rng: np.random.Generator, max_qubits: int, params=None) -> StandardGate:
    """A random standard gate (any of the library, mcx included) on at most ``max_qubits`` qubits."""
    names = [n for n in ALL_GATES if n == "mcx" or STANDARD_GATES[n].num_qubits <= max_qubits]
    if max_qubits < 2:
        names.remove("mcx")
    name = names[rng.integers(len(names))]
    if name == "mcx":
        return StandardGate("mcx", (), int(rng.integers(2, max_qubits + 1)))
    spec = STANDARD_GATES[name]
    values = []
    for _ in range(spec.num_params):
        if params and rng.random() < 0.5:
            p = params[rng.integers(len(params))]
            values.append(p if rng.random() < 0.5 else 2 * p - 0.5)
        else:
            values.append(float(rng.uniform(-2 * math.pi, 2 * math.pi)))
    return StandardGate(name, tuple(values))


def random_unitary(rng: np.random.Generator, num_qubits: int) -> np.ndarray:
    dim = 1 << num_qubits
    z = rng.normal(size=(dim, dim)) + 1j * rng.normal(size=(dim, dim))
    q, r = np.linalg.qr(z)
    return q * (np.diag(r) / np.abs(np.diag(r)))


def unitary_circuit(rng: np.random.Generator, num_qubits: int = 4, depth: int = 12,
                    global_phase: bool = True) -> Circuit:
    """Standard gates only, random qubits, random angles."""
    circuit = Circuit(num_qubits, global_phase=float(rng.uniform(-1, 1)) if global_phase else 0.0)
    for _ in range(depth):
        gate = standard_gate(rng, num_qubits)
        circuit.append(gate, [int(q) for q in rng.permutation(num_qubits)[:gate.num_qubits]])
    return circuit


def modified_gate(rng: np.random.Generator, max_qubits: int):
    """A controlled (with any control state), inverse, power, circuit or 1-qubit unitary gate."""
    kind = rng.integers(5)
    if kind == 0 and max_qubits >= 2:
        base = standard_gate(rng, max_qubits - 1)
        controls = int(rng.integers(1, max_qubits - base.num_qubits + 1))
        return base.control(controls, int(rng.integers(1 << controls)))
    if kind == 1:
        return standard_gate(rng, max_qubits).inverse()
    if kind == 2:
        return standard_gate(rng, max_qubits).power(float(rng.choice([0.5, -0.25, 1.5, 2.0])))
    if kind == 3:
        k = int(rng.integers(3))  # one definition per name, as round trips need
        inner = Circuit(2).h(0).cx(0, 1).rz(0.3 * k + 0.1, 1)
        gate = CircuitGate(inner, f"entangle{k}")
        if max_qubits >= 3 and rng.random() < 0.5:
            return gate.control(1)
        return gate if max_qubits >= 2 else UnitaryGate(random_unitary(rng, 1))
    return UnitaryGate(random_unitary(rng, 1))


def full_circuit(rng: np.random.Generator, version: int, depth: int = 14, parameters: bool = True) -> Circuit:
    """Several registers, measurements, resets, barriers, conditions; parameters in version 3."""
    qregs = [Register("q", int(rng.integers(1, 4))), Register("anc", int(rng.integers(1, 3)))]
    cregs = [Register("c", int(rng.integers(1, 4))), Register("flag", 1)]
    circuit = Circuit.from_registers(qregs, cregs)
    n, m = circuit.num_qubits, circuit.num_clbits
    params = [Parameter("theta"), Parameter("phi_1")] if parameters and version >= 3 else []
    if params:
        circuit.global_phase = params[0] / 2
    creg_bits = [tuple(range(0, cregs[0].size)), (cregs[0].size,)]
    for _ in range(depth):
        roll = rng.random()
        qubits = [int(q) for q in rng.permutation(n)]
        if roll < 0.1:
            circuit.measure(qubits[0], int(rng.integers(m)))
        elif roll < 0.15:
            circuit.reset(qubits[0])
        elif roll < 0.2:
            circuit.barrier(*qubits[:int(rng.integers(1, n + 1))])
        else:
            gate = standard_gate(rng, n, params)
            condition = None
            if rng.random() < 0.25:
                if version >= 3 and rng.random() < 0.5:
                    bits = tuple(int(b) for b in rng.permutation(m)[:int(rng.integers(1, m + 1))])
                else:
                    bits = creg_bits[int(rng.integers(2))]
                condition = Condition(bits, int(rng.integers(1 << len(bits))))
            circuit.append(gate, qubits[:gate.num_qubits], condition=condition)
    return circuit


def equal_up_to_phase(a: np.ndarray, b: np.ndarray, atol: float = 1e-8) -> bool:
    index = np.unravel_index(np.argmax(np.abs(b)), b.shape)
    if abs(a[index]) < 1e-12:
        return False
    ratio = a[index] / b[index]
    return abs(abs(ratio) - 1) < atol and np.allclose(a, b * ratio, atol=atol)


def assert_qasm_error(text: str, message: str, line: int | None = None, column: int | None = None, **kwargs):
    """``loads(text)`` raises a QasmError whose message contains ``message``, at ``line:column``."""
    from qfusion.qasm import loads
    try:
        loads(text, **kwargs)
    except QasmError as exc:
        assert message in exc.message, f"{exc.message!r} does not contain {message!r}"
        if line is not None:
            assert exc.line == line, f"line {exc.line} != {line} ({exc})"
        if column is not None:
            assert exc.column == column, f"column {exc.column} != {column} ({exc})"
        return exc
    raise AssertionError(f"no QasmError for {text!r}")
