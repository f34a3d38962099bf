"""Pauli twirling of the device's native entangler: random Paulis around each two-qubit gate.

For a gate ``U`` and a two-qubit Pauli ``P`` with ``U P U^dagger = c Q`` (``Q`` a Pauli, ``|c| = 1``),
``Q^dagger U P = c U``: the pair (``P`` before, ``Q`` after) leaves the circuit unchanged and, averaged
over the pairs, turns the gate's noise into a Pauli channel (Wallman & Emerson, PRA 94, 052325
(2016)). For a Clifford entangler (CZ) all 16 Paulis qualify; for ``rzz(theta)`` at a general angle,
the 8 that commute with ``ZZ``. The shots are split over ``num_twirls`` random instances.

>>> import numpy as np
>>> from qfusion.circuit.gates import standard_gate
>>> len(twirl_set(standard_gate("cz"))), len(twirl_set(standard_gate("rzz", 0.3)))
(16, 8)
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from qfusion.circuit.circuit import Instruction
from qfusion.circuit.gates import Gate, standard_gate
from qfusion.errors import MitigationError
from qfusion.mitigation.native import is_native, rebuild
from qfusion.mitigation.technique import Technique

_PAULI = {"I": np.eye(2), "X": np.array([[0, 1], [1, 0]]), "Y": np.array([[0, -1j], [1j, 0]]),
          "Z": np.diag([1.0, -1.0])}
_LABELS = [a + b for a in "IXYZ" for b in "IXYZ"]      # label[0] on the gate's second qubit, as matrices kron


def _matrix(label: str) -> np.ndarray:
    return np.kron(_PAULI[label[0]], _PAULI[label[1]])


@lru_cache(maxsize=256)
def _twirl_set(name: str, params: tuple, matrix_bytes: bytes) -> tuple:
    u = np.frombuffer(matrix_bytes, dtype=complex).reshape(4, 4)
    pairs = []
    for before in _LABELS:
        image = u @ _matrix(before) @ u.conj().T
        for after in _LABELS:
            overlap = np.trace(_matrix(after).conj().T @ image) / 4
            if abs(abs(overlap) - 1) < 1e-9:
                pairs.append((before, after, complex(overlap)))
                break
    return tuple(pairs)


def twirl_set(gate: Gate) -> tuple:
    """``(P, Q, c)`` triples with ``U P U^dagger = c Q`` (labels: character 0 on the gate's second qubit).

    >>> from qfusion.circuit.gates import standard_gate
    >>> twirl_set(standard_gate("cx"))[:3]
    (('II', 'II', (1+0j)), ('IX', 'XX', (1+0j)), ('IY', 'XY', (1+0j)))
    """
    matrix = np.ascontiguousarray(gate.matrix(), dtype=complex)
    return _twirl_set(gate.name, tuple(gate.float_params()), matrix.tobytes())


def _pauli_gates(label: str, qubits) -> list[Instruction]:
    out = []
    for char, qubit in zip(label, (qubits[1], qubits[0]), strict=True):
        if char != "I":
            out.append(Instruction(standard_gate(char.lower()), (qubit,)))
    return out


def twirl(circuit, rng, gates=None):
    """One random twirl of the two-qubit gates of ``circuit`` named in ``gates`` (default: the device's
    entangler on a native circuit, else every two-qubit gate); the unitary is unchanged.

    >>> from qfusion.circuit import Circuit
    >>> from qfusion.circuit.unitary import circuit_unitary
    >>> c = Circuit(2).h(0).cx(0, 1)
    >>> twirled = twirl(c, np.random.default_rng(1))
    >>> bool(np.allclose(circuit_unitary(twirled), circuit_unitary(c)))  # same unitary, Paulis around the cx
    True
    """
    names = set(gates) if gates is not None else ({circuit.device.entangler} if is_native(circuit) else None)
    out = []
    phase = 0.0
    for inst in circuit.instructions:
        op = inst.operation
        if isinstance(op, Gate) and op.num_qubits == 2 and inst.condition is None and (names is None or op.name in names):
            pairs = twirl_set(op)
            before, after, c = pairs[int(rng.integers(len(pairs)))]
            out += _pauli_gates(before, inst.qubits) + [inst] + _pauli_gates(after, inst.qubits)
            phase += float(np.angle(c))
        else:
            out.append(inst)
    return rebuild(circuit, out, global_phase=phase)


class PauliTwirling(Technique):
    """Twirl the native entangler over ``num_twirls`` random instances sharing the shots
    (``gates``: other two-qubit gate names to twirl instead).

    >>> PauliTwirling(num_twirls=4, seed=1).num_twirls, PauliTwirling().level
    (4, 'counts')
    """
    stage_order = 20

    def __init__(self, num_twirls: int = 8, *, gates=None, seed=None):
        if int(num_twirls) != num_twirls or num_twirls < 1:
            raise MitigationError(f"num_twirls must be a positive integer, got {num_twirls!r}")
        self.num_twirls, self.gates, self.seed = int(num_twirls), gates, seed

    def __repr__(self) -> str:
        return f"PauliTwirling(num_twirls={self.num_twirls})"

    def run_counts(self, executor, circuit, shots, run):
        """The counts of ``num_twirls`` twirled copies of ``circuit`` (through ``run``), the shots split among them.


        >>> from qfusion.circuit import Circuit
        >>> from qfusion.mitigation.pipeline import Executor
        >>> executor = Executor("statevector", shots=100, seed=1)
        >>> counts = PauliTwirling(num_twirls=4, seed=1).run_counts(executor, Circuit(2, 2).x(0).cx(0, 1).measure(0, 0).measure(1, 1), 100, executor.run)
        >>> counts
        {'11': 100.0}
        """
        rng = np.random.default_rng(self.seed if self.seed is not None else executor.next_seed())
        instances = min(self.num_twirls, int(shots))
        share = [shots // instances + (k < shots % instances) for k in range(instances)]
        total: dict = {}
        for part in share:
            for key, value in run(twirl(circuit, rng, self.gates), part).items():
                total[key] = total.get(key, 0.0) + value
        return total
