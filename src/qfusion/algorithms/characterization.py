"""Characterisation experiments that run on any backend: randomized benchmarking and quantum volume.

Randomized benchmarking (Magesan, Gambetta, Emerson, PRL 106, 180504 (2011)) runs sequences of
``m`` random Cliffords followed by the inverse of their product; the probability of returning
to ``|0...0>`` decays as ``A α^m + B`` and the error per Clifford is ``(d - 1)(1 - α) / d``.
Cliffords are separated by barriers so that a transpiler compiles each one on its own.
Quantum volume (Cross et al., PRA 100, 032328 (2019)) runs square circuits of random SU(4)
layers and passes at width ``n`` when the heavy-output probability is above 2/3 with two sigma.

>>> result = randomized_benchmarking("statevector", num_qubits=1, lengths=(1, 10, 20), num_sequences=2,
...                                  shots=100, seed=1)
>>> result.survival_probabilities
((1.0, 1.0), (1.0, 1.0), (1.0, 1.0))
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from qfusion.circuit.circuit import Circuit
from qfusion.circuit.gates import standard_gate
from qfusion.circuit.unitary import apply_matrix
from qfusion.errors import QfusionError

_GENERATORS: dict[int, list[tuple[str, tuple[int, ...]]]] = {1: [("h", (0,)), ("s", (0,))],
               2: [("h", (0,)), ("h", (1,)), ("s", (0,)), ("s", (1,)), ("cx", (0, 1))]}
_GROUP_SIZE = {1: 24, 2: 11520}


def _key(unitary: np.ndarray) -> bytes:
    flat = unitary.ravel()
    first = flat[np.argmax(np.abs(flat) > 1e-6)]
    normalised = np.round(unitary * (abs(first) / first), 5)
    return (normalised + (0.0 + 0.0j)).tobytes()


@lru_cache(maxsize=2)
def clifford_group(num_qubits: int) -> tuple[tuple, ...]:
    """Every Clifford on 1 or 2 qubits as ``(unitary, gates)``, ``gates`` a shortest word in H, S, CX.

    >>> len(clifford_group(1))
    24
    """
    if num_qubits not in _GENERATORS:
        raise QfusionError(f"randomized benchmarking is for 1 or 2 qubits, got {num_qubits}")
    generators = [(name, qubits, standard_gate(name).matrix()) for name, qubits in _GENERATORS[num_qubits]]
    identity = np.eye(2 ** num_qubits, dtype=complex)
    elements: dict[bytes, tuple[np.ndarray, tuple]] = {_key(identity): (identity, ())}
    frontier: list[tuple[np.ndarray, tuple]] = [(identity, ())]
    while frontier:
        nxt = []
        for unitary, word in frontier:
            for name, qubits, matrix in generators:
                product = apply_matrix(unitary, matrix, qubits, num_qubits)
                key = _key(product)
                if key not in elements:
                    elements[key] = (product, word + ((name, qubits),))
                    nxt.append(elements[key])
        frontier = nxt
    if len(elements) != _GROUP_SIZE[num_qubits]:
        raise QfusionError("the Clifford group came out with the wrong size")
    return tuple(elements.values())


@lru_cache(maxsize=2)
def _index(num_qubits: int) -> dict:
    return {_key(u): i for i, (u, _) in enumerate(clifford_group(num_qubits))}


def rb_circuit(num_qubits: int, length: int, rng: np.random.Generator) -> Circuit:
    """``length`` random Cliffords and the inverse of their product, barriers between, measured.

    >>> c = rb_circuit(1, 5, np.random.default_rng(1))
    >>> c.num_qubits, c.count_ops()["barrier"], c.count_ops()["measure"]
    (1, 5, 1)
    """
    group = clifford_group(num_qubits)
    circuit = Circuit(num_qubits)
    total = np.eye(2 ** num_qubits, dtype=complex)
    for choice in rng.integers(len(group), size=length):
        unitary, word = group[int(choice)]
        for name, qubits in word:
            circuit.append(name, qubits)
        circuit.barrier()
        total = unitary @ total
    inverse_unitary, inverse_word = group[_index(num_qubits)[_key(total.conj().T)]]
    for name, qubits in inverse_word:
        circuit.append(name, qubits)
    return circuit.measure_all()


@dataclass(frozen=True)
class RBResult:
    """Survival probabilities per length and sequence, the fit ``A α^m + B`` and the error per Clifford.

    >>> result = randomized_benchmarking(num_qubits=1, lengths=(1, 10, 20), num_sequences=2, shots=50, seed=2)
    >>> result.lengths, result.survival_probabilities, round(result.error_per_clifford, 6)
    ((1, 10, 20), ((1.0, 1.0), (1.0, 1.0), (1.0, 1.0)), 0.0)
    """
    num_qubits: int
    lengths: tuple[int, ...]
    survival_probabilities: tuple[tuple[float, ...], ...]
    alpha: float
    alpha_stderr: float
    amplitude: float
    offset: float
    error_per_clifford: float
    gates_per_clifford: dict


def fit_decay(lengths, survival, num_qubits: int, fix_offset: bool = True) -> tuple[float, float, float, float]:
    """``(alpha, alpha_stderr, A, B)`` of a least-squares fit of ``A alpha^m + B`` to the mean survival.

    With ``fix_offset`` the asymptote ``B`` is held at ``1/2^n`` (the fully depolarised value), which
    keeps the fit well posed when the sequences only reach the start of the decay.

    >>> lengths = [1, 10, 50]
    >>> survival = [[0.5 + 0.5 * 0.99 ** m] for m in lengths]  # A = B = 1/2, alpha = 0.99
    >>> alpha, stderr, amplitude, offset = fit_decay(lengths, survival, 1)
    >>> round(alpha, 6), round(amplitude, 6), offset
    (0.99, 0.5, 0.5)
    """
    from qfusion._optional import import_optional
    optimize = import_optional("scipy.optimize", "fitting randomized-benchmarking decays")
    lengths = np.asarray(lengths, dtype=float)
    mean = np.asarray([np.mean(s) for s in survival])
    offset = 1 / 2 ** num_qubits
    guess_alpha = np.clip(((mean[-1] - offset) / max(mean[0] - offset, 1e-9)) ** (
        1 / max(lengths[-1] - lengths[0], 1)), 1e-6, 1 - 1e-9)
    if fix_offset:
        params, covariance = optimize.curve_fit(
            lambda m, a, alpha: a * alpha ** m + offset, lengths, mean,
            p0=(max(mean[0] - offset, 0.1), guess_alpha), bounds=([0, 0], [1, 1]), maxfev=20000)
        (amplitude, alpha), b = params, offset
    else:
        params, covariance = optimize.curve_fit(
            lambda m, a, alpha, b: a * alpha ** m + b, lengths, mean,
            p0=(max(mean[0] - offset, 0.1), guess_alpha, offset), bounds=([0, 0, 0], [1, 1, 1]), maxfev=20000)
        amplitude, alpha, b = params
    stderr = float(np.sqrt(covariance[1, 1])) if np.all(np.isfinite(covariance)) else float("nan")
    return float(alpha), stderr, float(amplitude), float(b)


def randomized_benchmarking(backend="statevector", *, num_qubits: int = 1, lengths=(1, 10, 50, 100, 200),
                            num_sequences: int = 10, shots: int = 1000, seed=None,
                            run_options: dict | None = None, fix_offset: bool = True) -> RBResult:
    """Clifford RB of 1 or 2 qubits on ``backend``; ``run_options`` go to ``qfusion.run``
    (for example ``{"initial_layout": (3,)}`` to pick a device qubit).

    >>> result = randomized_benchmarking("statevector", lengths=(1, 8), num_sequences=2, shots=200, seed=3)
    >>> result.error_per_clifford < 1e-9
    True
    """
    from qfusion.backends import run
    rng = np.random.default_rng(seed)
    survival = []
    counts_per_clifford: dict[str, float] = {}
    cliffords = 0
    for length in lengths:
        row = []
        for _ in range(num_sequences):
            circuit = rb_circuit(num_qubits, int(length), rng)
            result = run(circuit, shots=shots, backend=backend, seed=int(rng.integers(2 ** 31)),
                         **(run_options or {}))
            row.append(result.counts.get("0" * num_qubits, 0) / shots)
            for name, count in result.metadata.get("native_gate_counts", {}).items():
                counts_per_clifford[name] = counts_per_clifford.get(name, 0.0) + count
            cliffords += int(length) + 1
        survival.append(tuple(row))
    alpha, stderr, amplitude, offset = fit_decay(lengths, survival, num_qubits, fix_offset)
    d = 2 ** num_qubits
    return RBResult(num_qubits, tuple(int(m) for m in lengths), tuple(survival), alpha, stderr, amplitude,
                    offset, (d - 1) * (1 - alpha) / d,
                    {name: count / cliffords for name, count in counts_per_clifford.items()})


# -- quantum volume ----------------------------------------------------------------------------

def _haar_su4(rng: np.random.Generator) -> np.ndarray:
    z = (rng.standard_normal((4, 4)) + 1j * rng.standard_normal((4, 4))) / np.sqrt(2)
    q, r = np.linalg.qr(z)
    return q * (np.diag(r) / np.abs(np.diag(r)))


def quantum_volume_circuit(num_qubits: int, rng: np.random.Generator) -> Circuit:
    """A model circuit of ``num_qubits`` layers: a random pairing, then a Haar SU(4) on each pair.

    >>> c = quantum_volume_circuit(4, np.random.default_rng(0))
    >>> c.num_qubits, sum(c.count_ops().values())  # 4 layers of 2 pairs
    (4, 8)
    """
    circuit = Circuit(num_qubits)
    for _ in range(num_qubits):
        order = rng.permutation(num_qubits)
        for k in range(num_qubits // 2):
            circuit.unitary(_haar_su4(rng), [int(order[2 * k]), int(order[2 * k + 1])])
    return circuit


@dataclass(frozen=True)
class QuantumVolumeResult:
    """Heavy-output probability per trial, its mean, the two-sigma lower bound and the verdict.

    >>> result = QuantumVolumeResult(2, (0.85, 0.8), 0.825, 0.7, True)
    >>> result.passed, result.quantum_volume
    (True, 4)
    """
    num_qubits: int
    heavy_output_probabilities: tuple[float, ...]
    mean: float
    lower_bound: float
    passed: bool

    @property
    def quantum_volume(self) -> int:
        """``2**num_qubits`` if this width passed, else 1 (this width says nothing more).

        >>> QuantumVolumeResult(3, (0.6,), 0.6, 0.5, False).quantum_volume
        1
        """
        return 2 ** self.num_qubits if self.passed else 1


def quantum_volume(backend="statevector", *, num_qubits: int = 3, trials: int = 20, shots: int = 500,
                   seed=None, run_options: dict | None = None) -> QuantumVolumeResult:
    """The quantum-volume test at width ``num_qubits`` on ``backend``.

    >>> quantum_volume("statevector", num_qubits=3, trials=12, shots=300, seed=4).passed
    True
    """
    from qfusion.backends import run
    from qfusion.circuit.unitary import circuit_unitary
    rng = np.random.default_rng(seed)
    heavy = []
    for _ in range(trials):
        circuit = quantum_volume_circuit(num_qubits, rng)
        ideal = np.abs(circuit_unitary(circuit)[:, 0]) ** 2
        heavy_set = {format(i, f"0{num_qubits}b") for i in np.flatnonzero(ideal > np.median(ideal))}
        result = run(circuit.measure_all(), shots=shots, backend=backend, seed=int(rng.integers(2 ** 31)),
                     **(run_options or {}))
        heavy.append(sum(c for bits, c in result.counts.items() if bits in heavy_set) / shots)
    mean = float(np.mean(heavy))
    sigma = float(np.sqrt(mean * (1 - mean) / trials))
    return QuantumVolumeResult(num_qubits, tuple(heavy), mean, mean - 2 * sigma, mean - 2 * sigma > 2 / 3)
