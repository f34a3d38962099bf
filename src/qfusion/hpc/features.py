"""What the cost model reads from a circuit: its size, its gates, how Clifford and how entangling it is.

The entanglement bound is that of a matrix-product state of the circuit in qubit order (gates on
distant qubits routed by swaps, :func:`qfusion.sim.mps.circuit_bond_bits`): the log2 of the largest
Schmidt rank any cut can reach, at most ``n // 2``.

>>> from qfusion.circuit import Circuit
>>> ghz = Circuit(100).h(0)
>>> for q in range(99):
...     _ = ghz.cx(q, q + 1)
>>> f = circuit_features(ghz)
>>> f.num_qubits, f.two_qubit_gates, f.clifford_fraction, f.max_cut_bits, f.noisy
(100, 99, 1.0, 1.0, False)
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from qfusion.circuit.circuit import Circuit
from qfusion.circuit.gates import Barrier, Gate, Measure, Reset
from qfusion.errors import CircuitError
from qfusion.noise.channel import NoiseOperation
from qfusion.sim.fusion import fuse
from qfusion.sim.mps.route import bond_bits, route
from qfusion.sim.plan import GateOp, gate_ops_of

_PAULIS = [np.array([[0, 1], [1, 0]]), np.array([[1, 0], [0, -1]])]
_CLIFFORD_CACHE: dict = {}


@dataclass(frozen=True)
class CircuitFeatures:
    """A circuit's numbers that decide what runs it best (noise already applied when a model is given).

    >>> from qfusion.circuit import Circuit
    >>> f = circuit_features(Circuit(2).h(0).t(0).cx(0, 1))
    >>> f.num_qubits, f.gates, f.two_qubit_gates, round(f.clifford_fraction, 3), f.is_clifford
    (2, 3, 1, 0.667, False)
    """
    num_qubits: int
    depth: int
    gates: int
    two_qubit_gates: int
    fused_gates: int
    clifford_fraction: float
    channels: int
    mid_circuit: bool
    max_cut_bits: float | None = None   # None: not computed (``route_mps=False``)
    cut_bits: tuple = ()   # log2 bound of each bond of an exact MPS in qubit order
    mps_work: tuple = ()   # (left bits, right bits, width) of each multi-site op of the routed MPS plan

    @property
    def noisy(self) -> bool:
        """Whether the circuit carries noise channels.


        >>> from qfusion.circuit import Circuit
        >>> circuit_features(Circuit(1).h(0)).noisy
        False
        """
        return self.channels > 0

    @property
    def is_clifford(self) -> bool:
        """Whether every gate is a Clifford gate (the stabilizer backend can run it).


        >>> from qfusion.circuit import Circuit
        >>> circuit_features(Circuit(2).h(0).cx(0, 1)).is_clifford, circuit_features(Circuit(1).t(0)).is_clifford
        (True, False)
        """
        return self.clifford_fraction == 1.0


def is_clifford_matrix(matrix: np.ndarray) -> bool:
    """Whether the unitary maps every Pauli to a Pauli (up to phase): checked on X and Z of each qubit.

    >>> is_clifford_matrix(np.array([[1, 1], [1, -1]]) / np.sqrt(2)), is_clifford_matrix(np.diag([1, np.exp(0.25j)]))
    (True, False)
    """
    matrix = np.asarray(matrix, dtype=complex)
    key = matrix.tobytes()
    if key in _CLIFFORD_CACHE:
        return _CLIFFORD_CACHE[key]
    k = int(round(np.log2(matrix.shape[0])))
    result = True
    for q in range(k):
        for pauli in _PAULIS:
            image = matrix @ _embed(pauli, q, k) @ matrix.conj().T
            if not _is_pauli(image, k):
                result = False
                break
        if not result:
            break
    _CLIFFORD_CACHE[key] = result
    return result


def _embed(pauli: np.ndarray, qubit: int, k: int) -> np.ndarray:
    out = np.eye(1)
    for j in range(k - 1, -1, -1):
        out = np.kron(out, pauli if j == qubit else np.eye(2))
    return out


def _is_pauli(matrix: np.ndarray, k: int) -> bool:
    """Whether ``matrix`` is a phase times X^x Z^z: one unit entry per column on the XOR pattern ``x``,
    and the entries, divided by the first, the signs ``(-1)**popcount(z & column)``."""
    dim = matrix.shape[0]
    columns = np.arange(dim)
    rows = np.argmax(np.abs(matrix), axis=0)
    flips = rows ^ columns
    if np.any(flips != flips[0]):
        return False
    values = matrix[rows, columns]
    if not np.allclose(np.abs(values), 1, atol=1e-9) or not np.allclose(np.abs(matrix).sum(axis=0), 1, atol=1e-9):
        return False
    signs = values / values[0]
    z = sum(1 << j for j in range(k) if signs[1 << j].real < 0)
    expected = np.array([(-1) ** bin(z & c).count("1") for c in columns])
    return bool(np.allclose(signs, expected, atol=1e-9))


def circuit_features(circuit: Circuit, noise_model=None, *, route_mps: bool = True) -> CircuitFeatures:
    """The :class:`CircuitFeatures` of ``circuit`` (bound: no free parameters) under ``noise_model``;
    ``route_mps=False`` leaves out the MPS bounds (a swap-network plan, the costly part on wide circuits).

    >>> from qfusion.circuit import Circuit
    >>> f = circuit_features(Circuit(3, 1).h(0).measure(0, 0).cx(1, 2))
    >>> f.mid_circuit, f.depth, f.max_cut_bits
    (False, 2, 1.0)
    """
    if circuit.is_parameterized:
        raise CircuitError("the circuit has unbound parameters; bind them before planning (pass params=)")
    if noise_model is not None:
        circuit = noise_model.apply(circuit)
    ops: list[GateOp] = []
    gates = two = clifford = channels = 0
    mid = False
    measured: set[int] = set()
    for inst in circuit.instructions:
        op = inst.operation
        if isinstance(op, Barrier):
            continue
        if isinstance(op, NoiseOperation):
            channels += 1
            continue
        if isinstance(op, Measure):
            measured.add(inst.qubits[0])
            continue
        if isinstance(op, Reset) or inst.condition is not None or measured.intersection(inst.qubits):
            mid = True
        if isinstance(op, Gate):
            gates += 1
            two += len(inst.qubits) >= 2
            clifford += len(inst.qubits) <= 3 and is_clifford_matrix(op.matrix())
            ops += gate_ops_of(op, inst.qubits)
    n = circuit.num_qubits
    features = CircuitFeatures(n, circuit.depth(), gates, two, len(fuse(ops)) if n <= 40 else gates,
                               clifford / gates if gates else 1.0, channels, mid)
    return with_mps_bounds(features, ops) if route_mps else features


def with_mps_bounds(features: CircuitFeatures, ops: list[GateOp]) -> CircuitFeatures:
    """``features`` with the bond bounds and per-op work of an exact MPS of ``ops`` (routed by swaps).

    >>> from qfusion.circuit import Circuit
    >>> c = Circuit(3).h(0).cx(0, 1).cx(1, 2)
    >>> bounded = with_mps_bounds(circuit_features(c, route_mps=False), gate_ops(c))
    >>> bounded.max_cut_bits, bounded.cut_bits
    (1.0, (1.0, 1.0))
    """
    n = features.num_qubits
    work: list = []
    bits = bond_bits(route(ops, tuple(range(n))).steps, n,
                     record=lambda step, left, right: work.append((left, right, step.width)))
    return replace(features, max_cut_bits=max(bits, default=0.0), cut_bits=tuple(bits), mps_work=tuple(work))


def gate_ops(circuit: Circuit, noise_model=None) -> list[GateOp]:
    """The circuit's gates as GateOps (noise, measurements and conditions left out).

    >>> from qfusion.circuit import Circuit
    >>> len(gate_ops(Circuit(2, 2).h(0).cx(0, 1).measure(0, 0)))
    2
    """
    ops: list[GateOp] = []
    for inst in circuit.instructions:
        if isinstance(inst.operation, Gate) and not isinstance(inst.operation, NoiseOperation):
            ops += gate_ops_of(inst.operation, inst.qubits)
    return ops
