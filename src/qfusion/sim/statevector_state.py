"""A simulated state vector (:class:`StateVector`) and what reads it: sampling and Pauli expectation values.

The simulator (:mod:`qfusion.sim.statevector`) leaves its qubits at permuted bit positions
(``layout``); reading happens where they are, and the vector is put in qubit order only when asked.

>>> state = StateVector(np.array([0, 1, 0, 0], dtype=complex), 2)
>>> state, state.sample(2, seed=0).tolist()
(StateVector(1|01>), [1, 1])
"""

from __future__ import annotations

import numpy as np

from qfusion.errors import CircuitError
from qfusion.observables import pauli_masks
from qfusion.sim.fusion import restore_layout
from qfusion.sim.kernels import cpu_measure, cpu_sweep
from qfusion.sim.plan import expectation_result, marginal_probabilities, pauli_terms

DTYPES = {"complex128": np.complex128, "complex64": np.complex64}
REAL_DTYPES = {np.complex128: np.float64, np.complex64: np.float32}  # the split-complex view of the lanes


def resolve_dtype(dtype) -> type:
    """``np.complex128`` or ``np.complex64`` from a name or dtype.

    >>> resolve_dtype("complex64"), resolve_dtype(np.complex128)
    (<class 'numpy.complex64'>, <class 'numpy.complex128'>)
    """
    key = np.dtype(dtype).name if not isinstance(dtype, str) else dtype
    if key not in DTYPES:
        raise CircuitError(f"dtype must be complex128 or complex64, got {dtype!r}")
    return DTYPES[key]

class StateVector:
    """A simulated state; ``numpy.asarray(state)`` is the complex vector (index bit i = qubit i).

    Internally qubits may sit at permuted bit positions (``layout``); sampling and expectation
    values read them where they are, and the vector is put in order only when asked for.

    >>> from qfusion.circuit import Circuit

    >>> from qfusion.sim.statevector import simulate
    >>> state = simulate(Circuit(2).x(1))
    >>> np.asarray(state).tolist(), state.num_qubits
    ([0j, 0j, (1+0j), 0j], 2)
    """

    def __init__(self, data: np.ndarray, num_qubits: int, layout: tuple[int, ...] | None = None):
        self._data = data
        self.num_qubits = num_qubits
        self._layout = tuple(layout) if layout is not None else tuple(range(num_qubits))

    @property
    def dtype(self):
        """The amplitudes' dtype.

        >>> from qfusion.circuit import Circuit

        >>> from qfusion.sim.statevector import simulate
        >>> simulate(Circuit(1), dtype="complex64").dtype
        dtype('complex64')
        """
        return self._data.dtype

    @property
    def layout(self) -> tuple[int, ...]:
        """The bit position each qubit sits at (the identity once the vector is put in order).

        >>> from qfusion.circuit import Circuit

        >>> from qfusion.sim.statevector import simulate
        >>> simulate(Circuit(2).h(0)).layout
        (0, 1)
        """
        return self._layout

    def _in_order(self) -> np.ndarray:
        if self._layout != tuple(range(self.num_qubits)):
            for step in restore_layout(self._layout):
                cpu_sweep.swap_bit_positions(self._data, step.first, step.second)
            self._layout = tuple(range(self.num_qubits))
        return self._data

    def __array__(self, dtype=None, copy=None):
        data = self._in_order()
        return data if dtype is None else data.astype(dtype)

    @property
    def data(self) -> np.ndarray:
        """The amplitudes in qubit order (no copy).

        >>> from qfusion.circuit import Circuit

        >>> from qfusion.sim.statevector import simulate
        >>> simulate(Circuit(1).x(0)).data.tolist()
        [0j, (1+0j)]
        """
        return self._in_order()

    def probabilities(self, qubits=None) -> np.ndarray:
        """``|amplitude|**2`` for every basis state, in qubit order; with ``qubits``, the marginal
        over them (index bit k is ``qubits[k]``, as Qiskit's ``probabilities(qargs)``).

        >>> from qfusion.circuit import Circuit

        >>> from qfusion.sim.statevector import simulate
        >>> np.round(simulate(Circuit(1).h(0)).probabilities(), 6).tolist()
        [0.5, 0.5]
        >>> np.round(simulate(Circuit(2).h(0).x(1)).probabilities([1]), 6).tolist()
        [0.0, 1.0]
        """
        data = self._in_order()
        return marginal_probabilities(data.real ** 2 + data.imag ** 2, self.num_qubits, qubits)

    def sample(self, shots: int, seed=None) -> np.ndarray:
        """``shots`` basis-state indices (qubit order) drawn from the state, in random order.

        >>> from qfusion.circuit import Circuit

        >>> from qfusion.sim.statevector import simulate
        >>> simulate(Circuit(2).x(1)).sample(3, seed=1).tolist()
        [2, 2, 2]
        """
        rng = np.random.default_rng(seed)
        physical = sample_indices(self._data, shots, rng)
        return _to_logical(physical, self._layout)

    def expectation_value(self, observable) -> float:
        """<psi|O|psi> for a Pauli label (``"ZZI"``, rightmost is qubit 0), a list of
        ``(label, coeff)`` pairs, or an object with ``to_list()`` (a PauliSum); no copy of the state.

        >>> from qfusion.circuit import Circuit

        >>> from qfusion.sim.statevector import simulate
        >>> state = simulate(Circuit(2).h(0).cx(0, 1))
        >>> round(state.expectation_value("ZZ"), 12), round(state.expectation_value([("XX", 0.5), ("ZI", 1.0)]), 12)
        (1.0, 0.5)
        """
        terms = pauli_terms(observable, self.num_qubits)
        return expectation_result(pauli_sum_expectation(self._data, terms, self._layout))

    def __repr__(self) -> str:
        probabilities = self.probabilities()
        order = np.argsort(probabilities)[::-1][:8]
        data = self._data
        terms = [f"{_fmt(data[i])}|{int(i):0{self.num_qubits}b}>" for i in sorted(order)
                 if probabilities[i] > 1e-12]
        more = " + ..." if np.count_nonzero(probabilities > 1e-12) > len(terms) else ""
        return f"StateVector({' + '.join(terms)}{more})"


def _fmt(z: complex) -> str:
    if abs(z.imag) < 1e-9:
        return f"{z.real:.6g}"
    if abs(z.real) < 1e-9:
        return f"{z.imag:.6g}j"
    return f"({z.real:.4g}{z.imag:+.4g}j)"


# -- execution -----------------------------------------------------------------------------
def _to_logical(physical: np.ndarray, layout: tuple[int, ...]) -> np.ndarray:
    if layout == tuple(range(len(layout))):
        return physical
    logical = np.zeros_like(physical)
    for qubit, position in enumerate(layout):
        logical |= ((physical >> position) & 1) << qubit
    return logical


def sample_indices(data: np.ndarray, shots: int, rng: np.random.Generator) -> np.ndarray:
    """``shots`` indices drawn with probability ``|data[i]|**2``, in random order; two passes, no copy.

    >>> sample_indices(np.array([0, 1, 0, 0], dtype=complex), 4, np.random.default_rng(0)).tolist()
    [1, 1, 1, 1]
    """
    num_blocks = min(256, len(data))
    norms = cpu_measure.block_norms(data, num_blocks)
    starts = np.concatenate(([0.0], np.cumsum(norms)))
    uniforms = np.sort(rng.random(shots)) * starts[-1]
    first = np.searchsorted(uniforms, starts[1:-1], side="left")
    first_uniform = np.concatenate(([0], first, [shots])).astype(np.int64)
    indices = cpu_measure.sample_sorted(data, num_blocks, starts[:-1].copy(), uniforms, first_uniform)
    rng.shuffle(indices)
    return indices


def pauli_sum_expectation(data: np.ndarray, terms, layout: tuple[int, ...]) -> complex:
    """sum_t c_t <psi|P_t|psi> with qubit q at bit ``layout[q]``; one pass per distinct X pattern.

    >>> plus = np.array([1, 1], dtype=complex) / np.sqrt(2)
    >>> round(pauli_sum_expectation(plus, [("X", 1.0), ("Z", 0.5)], (0,)).real, 12)
    1.0
    """
    grouped: dict[int, list[tuple[int, complex]]] = {}
    positions = tuple(reversed(layout))
    for label, coeff in terms:
        x, z, phase = pauli_masks(label, positions)
        grouped.setdefault(x, []).append((z, complex(coeff) * phase))
    x_masks = np.array(list(grouped), dtype=np.int64)
    starts = np.cumsum([0] + [len(v) for v in grouped.values()]).astype(np.int64)
    z_masks = np.array([z for v in grouped.values() for z, _ in v], dtype=np.int64)
    coeffs = np.array([c for v in grouped.values() for _, c in v], dtype=np.complex128)
    return complex(cpu_measure.pauli_expectations(data, x_masks, starts, z_masks, coeffs))
