"""Readout (assignment-error) mitigation: calibrate on the backend, invert on the counts.

Calibration circuits prepare basis states on the measured qubits and record what the backend
reports. ``"full"`` runs all ``2^k`` states and inverts the whole assignment matrix (few qubits);
``"tensored"`` runs two (all 0, all 1) and takes one 2x2 matrix per qubit; ``"subspace"``
(the matrix-free method of M3, Nation et al., PRX Quantum 2, 040326 (2021)) solves the tensored
model only on the bitstrings that were observed, within a Hamming distance, which scales to
100+ qubits. Quasi-probabilities can be projected onto the nearest probability distribution
(Smolin, Gambetta and Smith, PRL 108, 070502 (2012)). Calibrations are cached per backend and
map of measured physical qubits.

>>> import numpy as np
>>> A = np.array([[0.9, 0.2], [0.1, 0.8]])          # A[recorded, true]
>>> true = np.array([0.25, 0.75])
>>> np.round(solve_full(A, A @ true), 12).tolist()
[0.25, 0.75]
>>> nearest_probability({"0": -0.1, "1": 1.1})
{'0': 0.0, '1': 1.0}
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qfusion.errors import MitigationError

MODES = ("auto", "full", "tensored", "subspace")
FULL_QUBITS = 5          # "auto" inverts the full matrix up to here
TENSORED_QUBITS = 12     # ... the tensored one on the whole space up to here, then the subspace method


@dataclass(frozen=True)
class Calibration:
    """Assignment data of ``qubits`` (clbit ``j`` reads physical qubit ``qubits[j]``): per-qubit
    ``A_j[recorded, true]`` (2x2) and, for ``"full"``, the whole ``A`` (``2^k x 2^k``).

    >>> cal = Calibration((0,), np.array([[[0.9, 0.2], [0.1, 0.8]]]), None, shots=1000, circuits=2)
    >>> round(cal.mean_assignment_error, 6)
    0.15
    """
    qubits: tuple[int, ...]
    per_qubit: np.ndarray
    full: np.ndarray | None
    shots: int
    circuits: int

    @property
    def mean_assignment_error(self) -> float:
        """The mean over qubits of ``(P(1|0) + P(0|1)) / 2``.


        >>> Calibration((0, 1), np.array([[[0.98, 0.04], [0.02, 0.96]]] * 2), None, shots=100, circuits=2).mean_assignment_error
        0.03
        """
        return float(np.mean((self.per_qubit[:, 1, 0] + self.per_qubit[:, 0, 1]) / 2))


def counts_vector(counts: dict, k: int) -> np.ndarray:
    """Counts as a probability vector over ``2^k`` outcomes (little-endian bitstrings).

    >>> counts_vector({"01": 30, "10": 10}, 2)
    array([0.  , 0.75, 0.25, 0.  ])
    """
    out = np.zeros(1 << k)
    total = sum(counts.values())
    for key, value in counts.items():
        out[int(key, 2) if key else 0] += value
    return out / total


def solve_full(matrix: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
    """Quasi-probabilities ``x`` with ``A x = p`` (least squares when ``A`` is singular).

    >>> confusion = np.array([[0.9, 0.2], [0.1, 0.8]])      # column j: what a prepared j reads as
    >>> solve_full(confusion, confusion @ np.array([0.25, 0.75])).round(6)
    array([0.25, 0.75])
    """
    try:
        return np.linalg.solve(matrix, probabilities)
    except np.linalg.LinAlgError:
        return np.linalg.lstsq(matrix, probabilities, rcond=None)[0]


def apply_tensored(inverses: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
    """``(A_{k-1}^-1 x ... x A_0^-1) p`` without building the matrix (one axis at a time).

    >>> inverse = np.linalg.inv(np.array([[0.9, 0.2], [0.1, 0.8]]))
    >>> apply_tensored(np.array([inverse, np.eye(2)]), np.array([0.55, 0.45, 0.0, 0.0])).round(6)
    array([0.5, 0.5, 0. , 0. ])
    """
    k = len(inverses)
    tensor = probabilities.reshape((2,) * k)          # axis 0 is the highest bit
    for j, inverse in enumerate(inverses):
        axis = k - 1 - j
        tensor = np.moveaxis(np.tensordot(inverse, tensor, axes=([1], [axis])), 0, axis)
    return tensor.reshape(-1)


def _bits(keys: list[str], k: int) -> np.ndarray:
    """Boolean matrix ``(len(keys), k)``: column ``j`` is clbit ``j``."""
    rows = np.frombuffer("".join(keys).encode(), dtype=np.uint8).reshape(len(keys), k) == ord("1")
    return rows[:, ::-1]


def solve_subspace(per_qubit: np.ndarray, counts: dict, distance: int | None = 3) -> dict[str, float]:
    """M3: solve the tensored assignment model restricted to the observed bitstrings (entries between
    strings farther apart than ``distance`` dropped; None keeps all), columns renormalised.

    >>> import numpy as np
    >>> A = np.array([[[0.95, 0.1], [0.05, 0.9]]] * 2)
    >>> out = solve_subspace(A, {"00": 470, "11": 430, "01": 50, "10": 50}, distance=None)
    >>> sorted(out), round(sum(out.values()), 9)
    (['00', '01', '10', '11'], 1.0)
    """
    keys = list(counts)
    k = per_qubit.shape[0]
    if any(len(key) != k for key in keys):
        raise MitigationError(f"the counts' bitstrings do not have the calibration's {k} bits")
    bits = _bits(keys, k).astype(float)
    total = float(sum(counts.values()))
    p = np.array([counts[key] for key in keys], dtype=float) / total
    logs = np.log(np.clip(per_qubit, 1e-300, None))          # logs[j, recorded, true]
    zero, one = 1 - bits, bits
    size = len(keys)
    linear = _scipy_linalg()
    if size <= 4096:
        log_matrix = (zero * logs[:, 0, 0]) @ zero.T + (zero * logs[:, 0, 1]) @ one.T \
            + (one * logs[:, 1, 0]) @ zero.T + (one * logs[:, 1, 1]) @ one.T
        matrix = np.exp(log_matrix)
        if distance is not None:
            hamming = zero @ one.T + one @ zero.T
            matrix[hamming > distance + 0.5] = 0.0
        matrix /= matrix.sum(axis=0, keepdims=True)
        x = linear.solve(matrix, p)
    else:
        x = _solve_sparse(zero, one, logs, p, distance)
    return {key: float(value) for key, value in zip(keys, x, strict=True)}


def _solve_sparse(zero, one, logs, p, distance):
    sparse = _scipy_sparse()
    rows, cols, data = [], [], []
    for start in range(0, len(p), 512):
        block = slice(start, start + 512)
        log_matrix = (zero[block] * logs[:, 0, 0]) @ zero.T + (zero[block] * logs[:, 0, 1]) @ one.T \
            + (one[block] * logs[:, 1, 0]) @ zero.T + (one[block] * logs[:, 1, 1]) @ one.T
        hamming = zero[block] @ one.T + one[block] @ zero.T
        r, c = np.nonzero(hamming <= (distance if distance is not None else len(p)) + 0.5)
        rows.append(r + start)
        cols.append(c)
        data.append(np.exp(log_matrix[r, c]))
    matrix = sparse.csc_matrix((np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))),
                               shape=(len(p), len(p)))
    norms = np.asarray(matrix.sum(axis=0)).reshape(-1)
    matrix = matrix @ sparse.diags(1 / norms)
    diagonal = matrix.diagonal()
    from qfusion._optional import import_optional
    solvers = import_optional("scipy.sparse.linalg", "the subspace readout mitigation")
    x, info = solvers.gmres(matrix, p, M=sparse.diags(1 / diagonal), rtol=1e-8, atol=1e-12, maxiter=200)
    if info != 0:
        raise MitigationError("the subspace readout solve did not converge; lower distance= or use more shots")
    return x


def _scipy_linalg():
    from qfusion._optional import import_optional
    return import_optional("scipy.linalg", "readout mitigation")


def _scipy_sparse():
    from qfusion._optional import import_optional
    return import_optional("scipy.sparse", "the subspace readout mitigation")


def nearest_probability(quasi: dict[str, float]) -> dict[str, float]:
    """The probability distribution nearest (in 2-norm) to a quasi-distribution that sums to 1
    (Smolin, Gambetta and Smith's algorithm).

    >>> {k: round(v, 6) for k, v in nearest_probability({"00": 0.6, "01": 0.5, "10": -0.1}).items()}
    {'10': 0.0, '01': 0.45, '00': 0.55}
    """
    keys = sorted(quasi, key=lambda key: quasi[key])
    values = np.array([quasi[key] for key in keys], dtype=float)
    total = float(values.sum())
    if total <= 0:
        raise MitigationError("the quasi-probabilities sum to zero or less; no distribution is near them")
    values /= total
    out = np.zeros(len(values))
    accumulator = 0.0
    i = 0
    n = len(values)
    while i < n and values[i] + accumulator / (n - i) < 0:
        accumulator += values[i]
        i += 1
    out[i:] = values[i:] + accumulator / (n - i)
    return {key: float(value) for key, value in zip(keys, out, strict=True)}


def mitigate_counts(calibration: Calibration, counts: dict, mode: str, distance: int | None = 3) -> dict:
    """Quasi-probabilities over bitstrings from raw ``counts`` with ``calibration``.

    >>> cal = Calibration((0,), np.array([[[0.9, 0.2], [0.1, 0.8]]]), None, shots=1000, circuits=2)
    >>> {k: round(v, 6) for k, v in mitigate_counts(cal, {"0": 550, "1": 450}, "tensored").items()}
    {'0': 0.5, '1': 0.5}
    """
    k = len(calibration.qubits)
    if mode == "auto":
        mode = "full" if calibration.full is not None else ("tensored" if k <= TENSORED_QUBITS else "subspace")
    if mode == "subspace":
        return solve_subspace(calibration.per_qubit, counts, distance)
    p = counts_vector(counts, k)
    if mode == "full":
        if calibration.full is None:
            raise MitigationError("this calibration has no full assignment matrix; calibrate with mode='full'")
        x = solve_full(calibration.full, p)
    else:
        x = apply_tensored(np.array([np.linalg.inv(a) for a in calibration.per_qubit]), p)
    return {format(i, f"0{k}b"): float(v) for i, v in enumerate(x) if abs(v) > 1e-15}
