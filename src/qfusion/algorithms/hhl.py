"""HHL (Harrow, Hassidim, Lloyd): the state ``|x> ~ A^-1 |b>`` of a small Hermitian system.

Phase estimation of ``U = exp(i A t)`` writes each eigenvalue into a clock register; a rotation
of one ancilla, controlled on the clock, multiplies each eigencomponent by ``C / lambda``;
uncomputing the phase estimation and keeping the runs where the ancilla reads 1 leaves
``A^-1 |b>``. ``U`` is the exact matrix exponential (small systems; no Trotterisation).
The evolution time is chosen so that ``max |lambda|`` falls on a clock value, and the clock
is read as a signed number when ``A`` has negative eigenvalues.

>>> import numpy as np
>>> result = hhl([[1, -1 / 3], [-1 / 3, 1]], [1, 0])
>>> round(result.fidelity, 6), np.round(result.solution_vector.real, 6)
(1.0, array([1.125, 0.375]))
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from qfusion.algorithms.phase_estimation import phase_estimation_circuit
from qfusion.backends import get as get_backend
from qfusion.circuit import Circuit, UnitaryGate, standard_gate
from qfusion.errors import CircuitError


@dataclass(frozen=True)
class HHLResult:
    """The normalised solution state, its fidelity with NumPy's solution, the probability of the
    post-selection, the solution rescaled to ``x`` itself, and the circuit.

    >>> result = hhl([[2, 0], [0, 1]], [1, 1])
    >>> round(result.fidelity, 6), result.classical_solution, result.circuit.num_qubits > 2
    (1.0, array([0.4472136 +0.j, 0.89442719+0.j]), True)
    """
    solution: np.ndarray
    fidelity: float
    success_probability: float
    solution_vector: np.ndarray
    classical_solution: np.ndarray
    circuit: Circuit

    @property
    def overlap(self) -> float:
        """``|<x_numpy|x>|`` (the square root of the fidelity).

        >>> round(hhl([[1, 0], [0, 2]], [1, 1]).overlap, 6)
        1.0
        """
        return float(np.sqrt(self.fidelity))


def state_preparation(vector) -> Circuit:
    """A circuit whose first column is ``vector / |vector|`` (a unitary completed by QR).

    >>> import numpy as np
    >>> from qfusion.sim import simulate
    >>> np.round(np.asarray(simulate(state_preparation([3, 0, 0, 4]))), 6)
    array([0.6+0.j, 0. +0.j, 0. +0.j, 0.8+0.j])
    """
    b = np.asarray(vector, dtype=complex)
    b = b / np.linalg.norm(b)
    dim = len(b)
    basis = np.eye(dim, dtype=complex)
    basis[:, 0] = b
    q, r = np.linalg.qr(basis)
    q[:, 0] *= b[0] / q[0, 0] if abs(q[0, 0]) > 1e-12 else np.vdot(q[:, 0], b)
    num_qubits = dim.bit_length() - 1
    return Circuit(num_qubits).unitary(q, list(range(num_qubits)), label="prep_b")


def hhl_circuit(matrix, vector, num_clock_qubits: int | None = None) -> tuple[Circuit, dict]:
    """The HHL circuit (clock qubits first, then the system, then the ancilla) and its constants.

    >>> circuit, constants = hhl_circuit([[1, 0], [0, 2]], [1, 0], num_clock_qubits=3)
    >>> circuit.num_qubits, sorted(constants)
    (5, ['ancilla', 'clock', 'constant', 'evolution_time', 'system'])
    """
    a = np.asarray(matrix, dtype=complex)
    dim = a.shape[0]
    if a.shape != (dim, dim) or dim < 2 or dim & (dim - 1):
        raise CircuitError(f"HHL needs a 2^n x 2^n matrix, got shape {a.shape}")
    if not np.allclose(a, a.conj().T, atol=1e-10):
        raise CircuitError("HHL needs a Hermitian matrix (embed A as [[0, A], [A^dagger, 0]] otherwise)")
    if len(vector) != dim:
        raise CircuitError(f"the right-hand side has {len(vector)} entries, the matrix {dim} rows")
    eigenvalues, eigenvectors = np.linalg.eigh(a)
    largest, smallest = np.max(np.abs(eigenvalues)), np.min(np.abs(eigenvalues))
    if smallest < 1e-12 * max(largest, 1e-300):
        raise CircuitError("the matrix is singular; HHL needs an invertible matrix")
    signed = bool(np.any(eigenvalues < 0))
    if num_clock_qubits is None:
        num_clock_qubits = max(3, math.ceil(math.log2(largest / smallest)) + 2 + signed)
    t = int(num_clock_qubits)
    top = 2 ** (t - 1 - signed)  # clock value of the largest |eigenvalue|
    evolution_time = 2 * math.pi * top / (largest * 2 ** t)
    unitary = (eigenvectors * np.exp(1j * eigenvalues * evolution_time)) @ eigenvectors.conj().T
    system = dim.bit_length() - 1
    clock, target, ancilla = list(range(t)), list(range(t, t + system)), t + system
    qpe = phase_estimation_circuit(UnitaryGate(unitary, label="exp(iAt)"), t, measure=False)
    circuit = Circuit(t + system + 1, name="hhl")
    circuit = circuit.compose(state_preparation(vector), qubits=target)
    circuit = circuit.compose(qpe, qubits=clock + target)
    scale = largest / top  # eigenvalue per clock step
    constant = scale  # the smallest eigenvalue a clock value can show
    # one uniformly controlled RY: clock value k rotates the ancilla by 2 arcsin(C / lambda_k)
    rotations = np.eye(2 ** (t + 1), dtype=complex)
    for k in range(1, 2 ** t):
        value = (k - 2 ** t if signed and k >= 2 ** (t - 1) else k) * scale
        angle = 2 * math.asin(max(-1.0, min(1.0, constant / value)))
        rows = [k, k + 2 ** t]
        rotations[np.ix_(rows, rows)] = standard_gate("ry", angle).matrix()
    circuit.unitary(rotations, clock + [ancilla], label="eigenvalue_inversion")
    circuit = circuit.compose(qpe.inverse(), qubits=clock + target)
    return circuit, {"clock": clock, "system": target, "ancilla": ancilla, "constant": constant,
                     "evolution_time": evolution_time}


def hhl(matrix, vector, *, num_clock_qubits: int | None = None, backend="statevector") -> HHLResult:
    """Solve ``A x = b`` for the state ``|x>``; the fidelity is ``|<x_numpy|x>|**2``.

    >>> import numpy as np
    >>> result = hhl([[2, 1], [1, 2]], [1, 0])
    >>> round(result.fidelity, 4), np.round(result.solution_vector.real, 4)  # close to x = [2, -1] / 3 with few clock qubits
    (0.9999, array([ 0.6485, -0.3151]))
    """
    circuit, info = hhl_circuit(matrix, vector, num_clock_qubits)
    state = np.asarray(get_backend(backend).simulate(circuit))
    if state.ndim != 1:
        raise CircuitError(f"HHL post-selects amplitudes and needs a state-vector backend, not {backend!r}")
    system = info["system"]
    index = np.arange(2 ** len(system))
    full = (1 << info["ancilla"]) | sum(((index >> j) & 1) << q for j, q in enumerate(system))
    kept = state[full]  # ancilla 1, clock 0
    probability = float(np.vdot(kept, kept).real)
    if probability < 1e-14:
        raise CircuitError("the post-selection never succeeds; use more clock qubits")
    b = np.asarray(vector, dtype=complex)
    solution = kept / math.sqrt(probability)
    classical = np.linalg.solve(np.asarray(matrix, dtype=complex), b)
    classical_state = classical / np.linalg.norm(classical)
    fidelity = float(abs(np.vdot(classical_state, solution)) ** 2)
    rescaled = kept / info["constant"] * np.linalg.norm(b)
    return HHLResult(solution, fidelity, probability, rescaled, classical_state, circuit)
