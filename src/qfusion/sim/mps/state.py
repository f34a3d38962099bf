"""A matrix-product state in mixed-canonical form, and the operations on it.

Site ``k`` holds a tensor of shape ``(left bond, 2, right bond)``; logical qubit ``q`` sits at site
``layout[q]`` (non-adjacent gates move qubits with swaps and the layout stays permuted). Sites left
of the orthogonality ``center`` are left-orthonormal, those right of it right-orthonormal, so the
squared singular values of a split are the Schmidt weights and a truncation's discarded weight is
exactly the squared distance it moves the (normalised) state.

>>> import numpy as np
>>> state = MPSState.zeros(2)
>>> h = np.array([[1, 1], [1, -1]]) / np.sqrt(2)
>>> cx = np.eye(4)[[0, 3, 2, 1]]  # little-endian over (0, 1): qubit 0 controls
>>> state.apply_one(0, h); state.apply_sites(0, 2, cx)
>>> np.round(state.to_vector(), 6)
array([0.707107+0.j, 0.      +0.j, 0.      +0.j, 0.707107+0.j])
>>> state.bond_dimensions, round(state.expectation_value("ZZ"), 12)
((2,), 1.0)
"""

from __future__ import annotations

import functools
import math

import numpy as np

from qfusion.errors import CircuitError
from qfusion.sim.kernels.cpu_mps import two_site_update
from qfusion.sim.memory import check_state_fits
from qfusion.sim.plan import expectation_result, pauli_terms

_PAULI = {"X": np.array([[0, 1], [1, 0]]), "Y": np.array([[0, -1j], [1j, 0]]), "Z": np.array([[1, 0], [0, -1]])}
_SAMPLE_BATCH = 4096


def _svd(matrix: np.ndarray):
    """NumPy's gesdd measured faster here than SciPy's (bench/bench_mps.py); gesvd if it fails to converge."""
    try:
        return np.linalg.svd(matrix, full_matrices=False)
    except np.linalg.LinAlgError:
        from qfusion._optional import import_optional
        return import_optional("scipy.linalg", "mps").svd(matrix, full_matrices=False, lapack_driver="gesvd", check_finite=False)


@functools.cache
def _compiled_update() -> bool:
    """Whether the compiled two-site update can run: numba's SVD calls LAPACK through SciPy."""
    from qfusion._optional import available
    return available("scipy")


def site_matrix(matrix: np.ndarray, k: int) -> np.ndarray:
    """A little-endian ``k``-qubit matrix (bit j = site j of the block) re-indexed so that the first
    site is the most significant bit, the order in which a block's tensor stores its sites.

    >>> cx = np.eye(4)[[0, 3, 2, 1]]  # little-endian: qubit 0 controls qubit 1
    >>> site_matrix(cx, 2).real.astype(int)  # the first site becomes the high bit
    array([[1, 0, 0, 0],
           [0, 1, 0, 0],
           [0, 0, 0, 1],
           [0, 0, 1, 0]])
    """
    if k == 1:
        return matrix
    axes = list(range(k - 1, -1, -1)) + list(range(2 * k - 1, k - 1, -1))
    return matrix.reshape((2,) * (2 * k)).transpose(axes).reshape(1 << k, 1 << k)


class MPSState:
    """The state a matrix-product-state simulation ends with (``qf.simulate(c, backend="mps")``).

    ``expectation_value``, ``sample`` (perfect sampling, the state is not collapsed) and
    ``amplitude`` work at any width; ``numpy.asarray(state)`` contracts the full vector (only when it
    fits in memory). ``metadata`` reports the bond dimensions reached, the accumulated truncation
    error (sum of discarded weights), the fidelity estimate prod(1 - eps_k) and a rigorous lower bound
    of the fidelity to the exact state: each truncation turns the state by the angle
    ``arccos(sqrt(1 - eps_k))``, unitaries keep angles, and angles add at most.

    >>> import qfusion as qf
    >>> ghz = qf.Circuit(30).h(0)
    >>> for q in range(29):
    ...     _ = ghz.cx(q, q + 1)
    >>> state = qf.simulate(ghz, backend="mps")
    >>> type(state).__name__, max(state.bond_dimensions), round(state.expectation_value("Z" * 30), 12)
    ('MPSState', 2, 1.0)
    """

    def __init__(self, tensors: list[np.ndarray], layout: tuple[int, ...] | None = None, center: int = 0,
                 max_bond_dimension: int | None = None, truncation_threshold: float = 1e-16,
                 global_phase: complex = 1.0):
        self.tensors = tensors
        self.num_qubits = len(tensors)
        self.layout = list(layout) if layout is not None else list(range(self.num_qubits))
        self.qubit_at = [0] * self.num_qubits
        for qubit, site in enumerate(self.layout):
            self.qubit_at[site] = qubit
        self.center = center
        self.max_bond_dimension = max_bond_dimension
        self.truncation_threshold = truncation_threshold
        self.global_phase = complex(global_phase)
        self.discarded: list[float] = []

    @classmethod
    def zeros(cls, num_qubits: int, dtype=np.complex128, **options) -> MPSState:
        """|0...0> as an MPS of bond dimension 1.

        >>> state = MPSState.zeros(3)
        >>> state.bond_dimensions, complex(state.to_vector()[0])
        ((1, 1), (1+0j))
        """
        tensors = []
        for _ in range(num_qubits):
            tensor = np.zeros((1, 2, 1), dtype=dtype)
            tensor[0, 0, 0] = 1
            tensors.append(tensor)
        return cls(tensors, **options)

    def copy(self) -> MPSState:
        """An independent copy (gates on it leave this state unchanged).


        >>> state = MPSState.zeros(1)
        >>> other = state.copy()
        >>> other.apply_one(0, np.array([[0, 1], [1, 0]]))
        >>> state.to_vector().real, other.to_vector().real
        (array([1., 0.]), array([0., 1.]))
        """
        twin = MPSState([t.copy() for t in self.tensors], tuple(self.layout), self.center, self.max_bond_dimension,
                        self.truncation_threshold, self.global_phase)
        twin.discarded = list(self.discarded)
        return twin

    @property
    def dtype(self):
        """The dtype of the tensors.


        >>> MPSState.zeros(2, dtype=np.complex64).dtype
        dtype('complex64')
        """
        return self.tensors[0].dtype

    @property
    def bond_dimensions(self) -> tuple[int, ...]:
        """The bond dimension between each pair of neighbouring sites.

        >>> MPSState.zeros(4).bond_dimensions
        (1, 1, 1)
        """
        return tuple(t.shape[2] for t in self.tensors[:-1])

    @property
    def truncation_error(self) -> float:
        """The sum of the discarded weights of every truncation (0: the state is exact).

        >>> MPSState.zeros(2).truncation_error
        0.0
        """
        return float(sum(self.discarded))

    @property
    def fidelity_estimate(self) -> float:
        """prod(1 - eps_k) over the truncations: the usual estimate of the fidelity to the exact state.

        >>> MPSState.zeros(2).fidelity_estimate
        1.0
        """
        return float(np.prod([1.0 - e for e in self.discarded])) if self.discarded else 1.0

    @property
    def fidelity_lower_bound(self) -> float:
        """cos^2 of the summed truncation angles: |<exact|mps>|^2 is never below it.

        >>> MPSState.zeros(2).fidelity_lower_bound
        1.0
        """
        angle = sum(math.acos(math.sqrt(max(0.0, 1.0 - e))) for e in self.discarded)
        return math.cos(angle) ** 2 if angle < math.pi / 2 else 0.0

    @property
    def nbytes(self) -> int:
        """The bytes the tensors take.


        >>> MPSState.zeros(3).nbytes  # three 1 x 2 x 1 complex128 tensors
        96
        """
        return int(sum(t.nbytes for t in self.tensors))

    @property
    def metadata(self) -> dict:
        """What a result reports about the approximation (as Aer's MPS method does).

        >>> sorted(MPSState.zeros(2).metadata)
        ['bond_dimension_reached', 'dtype', 'fidelity_estimate', 'fidelity_lower_bound', 'max_bond_dimension', 'memory_bytes', 'method', 'truncation_error', 'truncation_threshold', 'truncations']
        """
        bonds = self.bond_dimensions
        return {"method": "matrix_product_state", "max_bond_dimension": self.max_bond_dimension,
                "truncation_threshold": self.truncation_threshold, "bond_dimension_reached": max(bonds, default=1),
                "truncation_error": self.truncation_error, "truncations": len(self.discarded),
                "fidelity_estimate": self.fidelity_estimate, "fidelity_lower_bound": self.fidelity_lower_bound,
                "dtype": np.dtype(self.dtype).name, "memory_bytes": self.nbytes}

    # -- canonical form ---------------------------------------------------------------------

    def move_center(self, target: int) -> None:
        """QR-sweep the orthogonality center to site ``target``.

        >>> state = MPSState.zeros(3)
        >>> state.move_center(2)
        >>> round(float(np.linalg.norm(state.to_vector())), 12)
        1.0
        """
        tensors = self.tensors
        while self.center < target:
            c = self.center
            left, _, right = tensors[c].shape
            q, r = np.linalg.qr(tensors[c].reshape(left * 2, right))
            tensors[c] = q.reshape(left, 2, q.shape[1])
            following = tensors[c + 1]
            tensors[c + 1] = (r @ following.reshape(following.shape[0], -1)).reshape(r.shape[0], 2, following.shape[2])
            self.center += 1
        while self.center > target:
            c = self.center
            left, _, right = tensors[c].shape
            q, r = np.linalg.qr(tensors[c].reshape(left, 2 * right).T)
            tensors[c] = q.T.reshape(q.shape[1], 2, right)
            previous = tensors[c - 1]
            tensors[c - 1] = (previous.reshape(-1, previous.shape[2]) @ r.T).reshape(previous.shape[0], 2, r.shape[0])
            self.center -= 1

    # -- gates --------------------------------------------------------------------------------

    def apply_one(self, site: int, matrix: np.ndarray) -> None:
        """A one-qubit gate on ``site`` (keeps the canonical form).

        >>> state = MPSState.zeros(2)
        >>> state.apply_one(1, np.array([[0, 1], [1, 0]]))
        >>> state.to_vector().real  # |10>: qubit 1 flipped
        array([0., 0., 1., 0.])
        """
        tensor = self.tensors[site]
        self.tensors[site] = np.matmul(np.asarray(matrix, dtype=tensor.dtype), tensor)  # over the middle axis

    def apply_sites(self, start: int, k: int, matrix: np.ndarray, center_left: bool = False, block=None) -> None:
        """A ``k``-qubit gate on sites ``start .. start+k-1``, ``matrix`` little-endian over them
        (bit j = site ``start + j``); the block is split back by SVDs, truncated, and the center left
        on its last site (its first with ``center_left``, for two sites). ``block``: the matrix already in
        the block's site order (:func:`site_matrix`), as a plan keeps it.

        >>> state = MPSState.zeros(2)
        >>> state.apply_one(0, np.array([[1, 1], [1, -1]]) / np.sqrt(2))
        >>> state.apply_sites(0, 2, np.eye(4)[[0, 3, 2, 1]])  # cx, qubit 0 controls
        >>> state.bond_dimensions, state.to_vector().real.round(6)
        ((2,), array([0.707107, 0.      , 0.      , 0.707107]))
        """
        if k == 1:
            self.apply_one(start, matrix)
            return
        # anywhere inside the block will do: the sites outside it are orthonormal towards it
        self.move_center(min(max(self.center, start), start + k - 1))
        tensors = self.tensors
        first = tensors[start]
        left, right = first.shape[0], tensors[start + k - 1].shape[2]
        theta = first.reshape(left * 2, first.shape[2])
        for site in range(start + 1, start + k):
            tensor = tensors[site]
            theta = (theta @ tensor.reshape(tensor.shape[0], 2 * tensor.shape[2])).reshape(-1, tensor.shape[2])
        dim = 1 << k
        gate = block if block is not None else site_matrix(np.asarray(matrix), k)
        if gate.dtype != theta.dtype:
            gate = gate.astype(theta.dtype)
        theta = np.matmul(gate, theta.reshape(left, dim, right))  # (left, dim, right), gate on the middle axis
        if k == 2 and center_left:
            u, s, vh = _svd(theta.reshape(left * 2, 2 * right))
            keep = self._truncate(s)
            tensors[start] = (u[:, :keep] * s[:keep].astype(theta.dtype)).reshape(left, 2, keep)
            tensors[start + 1] = vh[:keep].reshape(keep, 2, right)
            self.center = start
            return
        for site in range(start, start + k - 1):
            rest = theta.size // (left * 2)
            u, s, vh = _svd(theta.reshape(left * 2, rest))
            keep = self._truncate(s)
            tensors[site] = u[:, :keep].reshape(left, 2, keep)
            theta = s[:keep, None].astype(theta.dtype) * vh[:keep]
            left = keep
        tensors[start + k - 1] = theta.reshape(left, 2, right)
        self.center = start + k - 1

    def apply_two(self, start: int, block: np.ndarray, center_left: bool = False, diagonal: bool = False) -> None:
        """:meth:`apply_sites` on sites ``start, start+1`` with the gate given in the block's site order
        (``block``, as :func:`site_matrix` makes it; ``diagonal``: only its diagonal is used): one
        compiled call (:func:`qfusion.sim.kernels.cpu_mps.two_site_update`) where SciPy is installed
        (numba's SVD needs it), else NumPy.

        >>> state = MPSState.zeros(2)
        >>> state.apply_one(0, np.array([[1, 1], [1, -1]]) / np.sqrt(2))
        >>> state.apply_two(0, site_matrix(np.eye(4)[[0, 3, 2, 1]], 2))  # cx, qubit 0 controls
        >>> state.bond_dimensions, state.to_vector().real.round(6)
        ((2,), array([0.707107, 0.      , 0.      , 0.707107]))
        """
        if not _compiled_update():
            self.apply_sites(start, 2, site_matrix(block, 2), center_left, block)  # site_matrix is its own inverse for 2
            return
        if self.center < start:
            self.move_center(start)
        elif self.center > start + 1:
            self.move_center(start + 1)
        tensors = self.tensors
        # a QR's factor reshaped may be a strided view; the kernel takes C-ordered tensors (no copy if they are)
        first, second = np.ascontiguousarray(tensors[start]), np.ascontiguousarray(tensors[start + 1])
        gate = block if block.dtype == first.dtype else block.astype(first.dtype)
        try:
            new_first, new_second, lost, total = two_site_update(
                first, second, gate, diagonal, self.max_bond_dimension or 0, self.truncation_threshold, center_left)
        except np.linalg.LinAlgError:  # gesdd did not converge: the NumPy path falls back to gesvd
            self.apply_sites(start, 2, site_matrix(block, 2), center_left, block)
            return
        if total == 0:
            raise CircuitError("the state has norm zero (a projection onto an impossible outcome)")
        if lost > 0:
            self.discarded.append(lost)
        tensors[start], tensors[start + 1] = new_first, new_second
        self.center = start if center_left else start + 1

    def _truncate(self, s: np.ndarray) -> int:
        """How many singular values to keep; records the discarded weight and renormalises ``s``."""
        weights = s * s
        total = float(weights.sum())
        if total == 0:
            raise CircuitError("the state has norm zero (a projection onto an impossible outcome)")
        keep = int(np.count_nonzero(weights > self.truncation_threshold * total)) or 1
        if self.max_bond_dimension is not None:
            keep = min(keep, self.max_bond_dimension)
        if keep < len(s):
            lost = float(weights[keep:].sum()) / total
            if lost > 0:
                self.discarded.append(lost)
            s[:keep] *= math.sqrt(total / float(weights[:keep].sum()))
        elif abs(total - 1.0) > 1e-12:
            s *= 1.0 / math.sqrt(total)
        return keep

    # -- measurement --------------------------------------------------------------------------

    def probability_one(self, qubit: int) -> float:
        """The probability that measuring ``qubit`` gives 1.


        >>> state = MPSState.zeros(2)
        >>> state.apply_one(0, np.array([[1, 1], [1, -1]]) / np.sqrt(2))
        >>> round(state.probability_one(0), 12), round(state.probability_one(1), 12)
        (0.5, 0.0)
        """
        site = self.layout[qubit]
        self.move_center(site)
        tensor = self.tensors[site]
        norm = float(np.vdot(tensor, tensor).real)
        return min(max(float(np.vdot(tensor[:, 1], tensor[:, 1]).real) / norm, 0.0), 1.0)

    def project(self, qubit: int, outcome: int, probability: float, reset: bool = False) -> None:
        """Collapse ``qubit`` onto ``outcome`` (then flip it to 0 when ``reset``), renormalised.

        >>> state = MPSState.zeros(1)
        >>> state.apply_one(0, np.array([[1, 1], [1, -1]]) / np.sqrt(2))
        >>> state.project(0, 1, 0.5)
        >>> state.to_vector().real.round(6)
        array([0., 1.])
        """
        site = self.layout[qubit]
        self.move_center(site)
        tensor = self.tensors[site]
        kept = np.zeros_like(tensor)
        kept[:, 0 if reset else outcome] = tensor[:, outcome] / math.sqrt(probability)
        self.tensors[site] = kept

    def measure(self, qubit: int, rng: np.random.Generator, reset: bool = False) -> int:
        """Measure ``qubit`` (drawing from ``rng``), collapse the state, and return the outcome.


        >>> state = MPSState.zeros(1)
        >>> state.apply_one(0, np.array([[0, 1], [1, 0]]))
        >>> state.measure(0, np.random.default_rng(0))
        1
        """
        p_one = self.probability_one(qubit)
        outcome = int(rng.random() < p_one)
        self.project(qubit, outcome, p_one if outcome else 1.0 - p_one, reset)
        return outcome

    def sample(self, shots: int, seed=None) -> np.ndarray:
        """``shots`` basis-state indices (bit i = qubit i) drawn exactly from the state, site by site
        from its conditional probabilities (perfect sampling); the state is left as it was.

        >>> import qfusion as qf
        >>> state = qf.simulate(qf.Circuit(2).x(1), backend="mps")
        >>> state.sample(3, seed=1).tolist()
        [2, 2, 2]
        """
        bits = self.sample_bits(int(shots), np.random.default_rng(seed))
        if self.num_qubits <= 62:
            return (bits.astype(np.int64) << np.arange(self.num_qubits, dtype=np.int64)).sum(axis=1)
        return np.array([sum(int(b) << q for q, b in enumerate(row)) for row in bits], dtype=object)

    def sample_bits(self, shots: int, rng: np.random.Generator) -> np.ndarray:
        """A ``(shots, num_qubits)`` array of sampled bits, column q = qubit q.

        >>> import qfusion as qf
        >>> state = qf.simulate(qf.Circuit(2).x(1), backend="mps")
        >>> state.sample_bits(2, np.random.default_rng(1)).tolist()
        [[0, 1], [0, 1]]
        """
        self.move_center(0)
        bits = np.zeros((shots, self.num_qubits), dtype=np.uint8)
        for first in range(0, shots, _SAMPLE_BATCH):
            count = min(_SAMPLE_BATCH, shots - first)
            env = np.ones((count, 1), dtype=self.dtype)
            for site, tensor in enumerate(self.tensors):
                left, _, right = tensor.shape
                branch = (env @ tensor.reshape(left, 2 * right)).reshape(count, 2, right)
                weights = np.einsum("bsr,bsr->bs", branch.conj(), branch).real
                totals = weights.sum(axis=1)
                ones = rng.random(count) * totals < weights[:, 1]
                chosen = branch[np.arange(count), ones.astype(np.intp)]
                env = chosen / np.sqrt(np.where(ones, weights[:, 1], weights[:, 0]))[:, None]
                bits[first:first + count, self.qubit_at[site]] = ones
        return bits

    # -- readout ------------------------------------------------------------------------------

    def amplitude(self, bitstring):
        """<bitstring|psi>: ``bitstring`` a string of 0/1 with the highest qubit first (as counts), or
        an integer index (bit i = qubit i); a list of them gives an array.

        >>> MPSState.zeros(3).amplitude("000"), MPSState.zeros(3).amplitude(1)
        ((1+0j), 0j)
        """
        if isinstance(bitstring, (list, tuple, np.ndarray)):
            return np.array([self.amplitude(b) for b in bitstring])
        bits = self._bits_of(bitstring)
        vector = np.ones(1, dtype=self.dtype)
        for site, tensor in enumerate(self.tensors):
            vector = vector @ tensor[:, bits[self.qubit_at[site]], :]
        return complex(vector[0]) * self.global_phase

    def _bits_of(self, bitstring) -> list[int]:
        n = self.num_qubits
        if isinstance(bitstring, str):
            if len(bitstring) != n or set(bitstring) - set("01"):
                raise CircuitError(f"bitstring {bitstring!r} must have {n} characters 0 or 1")
            return [int(c) for c in reversed(bitstring)]
        index = int(bitstring)
        if index < 0 or index >> n:
            raise CircuitError(f"basis index {bitstring} is out of range for {n} qubits")
        return [(index >> q) & 1 for q in range(n)]

    def expectation_value(self, observable) -> float:
        """<psi|O|psi> for a Pauli label (``"ZZI"``, rightmost is qubit 0), ``(label, coeff)`` pairs or a
        PauliSum; each term contracts only the sites between its support and the center.

        >>> import qfusion as qf
        >>> state = qf.simulate(qf.Circuit(2).h(0).cx(0, 1), backend="mps")
        >>> round(state.expectation_value("XX"), 12), round(state.expectation_value([("ZI", 0.5), ("IZ", 0.5)]), 12) + 0.0
        (1.0, 0.0)
        """
        terms = pauli_terms(observable, self.num_qubits)
        return expectation_result(sum(complex(coeff) * self._pauli_expectation(label) for label, coeff in terms))

    def _pauli_expectation(self, label: str) -> complex:
        ops = {self.layout[q]: _PAULI[c] for q, c in enumerate(reversed(label)) if c != "I"}
        if not ops:
            return 1.0
        lo, hi = min(min(ops), self.center), max(max(ops), self.center)
        env = np.eye(self.tensors[lo].shape[0], dtype=self.dtype)
        for site in range(lo, hi + 1):
            tensor = self.tensors[site]
            ket = np.tensordot(env, tensor, axes=([1], [0]))  # (a, t, d)
            if site in ops:
                ket = np.einsum("st,atd->asd", ops[site], ket)
            env = np.tensordot(tensor.conj(), ket, axes=([0, 1], [0, 1]))
        return complex(np.trace(env))

    def to_vector(self) -> np.ndarray:
        """The full state vector (bit i = qubit i); only for states that fit in memory.

        >>> import qfusion as qf
        >>> qf.simulate(qf.Circuit(2).x(0), backend="mps").to_vector().real
        array([0., 1., 0., 0.])
        """
        check_state_fits(self.num_qubits, self.dtype)
        theta = np.ones((1, 1), dtype=self.dtype)
        for tensor in self.tensors:  # axes: sites 0..k (most significant first), then the open bond
            theta = np.tensordot(theta, tensor, axes=([theta.ndim - 1], [0]))
        theta = theta.reshape((2,) * self.num_qubits) if self.num_qubits else theta.reshape(())
        # axis k is site k; the vector's most significant axis must be the highest qubit
        order = [self.layout[q] for q in range(self.num_qubits - 1, -1, -1)]
        return (theta.transpose(order).reshape(-1) * self.global_phase).astype(self.dtype)

    def __array__(self, dtype=None, copy=None):
        vector = self.to_vector()
        return vector if dtype is None else vector.astype(dtype)

    def __repr__(self) -> str:
        bonds = self.bond_dimensions
        return (f"MPSState({self.num_qubits} qubits, max bond {max(bonds, default=1)}, "
                f"truncation error {self.truncation_error:.3g}, fidelity >= {self.fidelity_lower_bound:.6g})")
