"""Readout mitigation as a technique: calibrate the measured qubits on the backend, then invert.

>>> from qfusion.circuit import Circuit
>>> from qfusion.noise import NoiseModel, readout_error
>>> model = NoiseModel()
>>> model.add_readout_error(readout_error(p0_given1=0.08, p1_given0=0.03))
>>> mitigation = ReadoutMitigation()
>>> from qfusion.mitigation.pipeline import Executor
>>> executor = Executor("density_matrix", shots=20000, seed=2, counts_stage=[mitigation], noise_model=model)
>>> quasi = executor.counts(Circuit(2, 2).x(0).measure(0, 0).measure(1, 1), 20000)
>>> round(quasi["01"] / 20000, 2), executor.circuits   # 4 calibration circuits + 1
(1.0, 5)
"""

from __future__ import annotations

import numpy as np

from qfusion.circuit import Circuit
from qfusion.errors import MitigationError
from qfusion.mitigation.pipeline import measured_qubits
from qfusion.mitigation.readout import FULL_QUBITS, MODES, Calibration, mitigate_counts, nearest_probability
from qfusion.mitigation.technique import Technique


class ReadoutMitigation(Technique):
    """Assignment-matrix inversion; ``mode`` one of ``"auto"``, ``"full"``, ``"tensored"``,
    ``"subspace"``; ``shots`` per calibration circuit (default: the estimate's); ``distance``: the
    subspace method's Hamming cut-off; ``project=True`` returns the nearest probability distribution
    instead of quasi-probabilities.

    >>> ReadoutMitigation("tensored").mode, ReadoutMitigation().level
    ('tensored', 'counts')
    """
    stage_order = 30

    def __init__(self, mode: str = "auto", *, shots: int | None = None, distance: int | None = 3,
                 project: bool = False):
        if mode not in MODES:
            raise MitigationError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        if shots is not None and (int(shots) != shots or shots < 2):
            raise MitigationError(f"calibration shots must be an integer >= 2, got {shots!r}")
        self.mode, self.calibration_shots, self.distance, self.project = mode, shots, distance, project
        self._cache: dict = {}

    def __repr__(self) -> str:
        return f"ReadoutMitigation(mode={self.mode!r})"

    def calibrate(self, executor, qubits: tuple[int, ...], num_qubits: int) -> Calibration:
        """The calibration of measured ``qubits`` (physical on a device), from the cache or the backend.

        >>> from qfusion.mitigation.pipeline import Executor
        >>> executor = Executor("statevector", shots=100, seed=1)
        >>> cal = ReadoutMitigation("tensored").calibrate(executor, (0,), 1)
        >>> cal.qubits, cal.mean_assignment_error  # a perfect readout
        ((0,), 0.0)
        """
        key = (executor.backend.name, getattr(executor.device, "gates", None) and id(executor.device),
               tuple(qubits), self.mode)
        if key in self._cache:
            return self._cache[key]
        k = len(qubits)
        full = self.mode == "full" or (self.mode == "auto" and k <= FULL_QUBITS)
        if self.mode == "full" and k > 14:
            raise MitigationError(f"a full assignment matrix of {k} qubits needs 2^{k} circuits; use mode='tensored'")
        shots = self.calibration_shots or executor.shots
        states = list(range(1 << k)) if full else [0, (1 << k) - 1]
        columns = {}
        for state in states:
            circuit = _preparation(state, qubits, num_qubits, executor)
            columns[state] = _vector(executor.run(circuit, shots), k)
        per_qubit = np.zeros((k, 2, 2))
        for j in range(k):
            for true in (0, 1):
                rows = [s for s in states if (s >> j) & 1 == true]
                marginal = np.mean([_marginal(columns[s], j, k) for s in rows], axis=0)
                per_qubit[j, :, true] = marginal
        matrix = np.stack([columns[s] for s in states], axis=1) if full else None
        calibration = Calibration(tuple(qubits), per_qubit, matrix, shots, len(states))
        self._cache[key] = calibration
        return calibration

    def run_counts(self, executor, circuit, shots, run):
        """The counts of ``circuit`` (through ``run``) corrected by the calibration of its measured qubits.


        >>> from qfusion.circuit import Circuit
        >>> from qfusion.mitigation.pipeline import Executor
        >>> executor = Executor("statevector", shots=100, seed=1)
        >>> ReadoutMitigation().run_counts(executor, Circuit(1, 1).x(0).measure(0, 0), 100, executor.run)
        {'1': 100.0}
        """
        qubits = measured_qubits(circuit)
        calibration = self.calibrate(executor, qubits, circuit.num_qubits)
        raw = run(circuit, shots)
        mode = self.mode if self.mode != "auto" or calibration.full is not None else "auto"
        quasi = mitigate_counts(calibration, raw, mode, self.distance)
        if self.project:
            quasi = nearest_probability(quasi)
        total = sum(quasi.values())
        return {key: value * shots / total for key, value in quasi.items()}


def _preparation(state: int, qubits, num_qubits: int, executor):
    """Basis state ``state`` (bit ``j`` on ``qubits[j]``) measured into clbits ``0..k-1``."""
    k = len(qubits)
    if executor.device is not None and hasattr(executor.backend, "transpile"):
        logical = Circuit(k, k)
        for j in range(k):
            if (state >> j) & 1:
                logical.x(j)
        for j in range(k):
            logical.measure(j, j)
        return executor.backend.transpile(logical, seed=0, optimization_level=1, initial_layout=list(qubits))
    circuit = Circuit(num_qubits, k)
    for j, q in enumerate(qubits):
        if (state >> j) & 1:
            circuit.x(q)
    for j, q in enumerate(qubits):
        circuit.measure(q, j)
    return circuit


def _vector(counts: dict, k: int) -> np.ndarray:
    out = np.zeros(1 << k)
    for key, value in counts.items():
        out[int(key, 2)] += value
    return out / out.sum()


def _marginal(vector: np.ndarray, j: int, k: int) -> np.ndarray:
    bits = (np.arange(1 << k) >> j) & 1
    return np.array([vector[bits == 0].sum(), vector[bits == 1].sum()])


