"""Quantum kernels: the fidelity kernel ``|<phi(x)|phi(y)>|**2`` and the projected kernel of Huang
et al. (Nat. Commun. 12, 2631, 2021).

On exact backends the Gram matrix of ``N`` samples comes from ``N`` states simulated in one
batched pass (:meth:`FeatureMap.states`) and one matrix product, ``K = |Psi Phi^dagger|**2``;
never ``N**2`` circuits. With ``shots`` (or a backend without exact states: an emulated device)
each entry is a compute-uncompute circuit ``U(y)^dagger U(x)`` measured in the all-zero outcome,
and :attr:`FidelityKernel.num_circuits` reports how many ran.

>>> import numpy as np
>>> from qfusion.qml.feature_maps import ZZFeatureMap
>>> kernel = FidelityKernel(ZZFeatureMap(2, reps=1))
>>> K = kernel.evaluate(np.array([[0.1, 0.2], [0.4, 0.3]]))
>>> K.shape, bool(np.allclose(np.diag(K), 1.0)), bool(np.allclose(K, K.T))
((2, 2), True, True)
"""

from __future__ import annotations

import numpy as np

from qfusion.backends import get as get_backend
from qfusion.circuit import Circuit
from qfusion.errors import DataError


class QuantumKernel:
    """What both kernels share: the feature map, its weights, the backend and shots.

    >>> from qfusion.qml.feature_maps import ZFeatureMap
    >>> kernel = FidelityKernel(ZFeatureMap(2), shots=None)
    >>> kernel.exact, kernel.states(np.zeros((3, 2))).shape
    (True, (3, 4))
    """

    def __init__(self, feature_map, *, backend="statevector", shots: int | None = None, seed=None, weights=None,
                 executor=None):
        if executor is not None and not hasattr(executor, "map"):
            raise DataError(f"executor= takes an object with map(fn, items) (concurrent.futures, qf.hpc.Cluster), "
                            f"got {executor!r}")
        self.executor = executor  # where the samples' states are simulated, in chunks (None: here)
        if not hasattr(feature_map, "circuit") or not hasattr(feature_map, "input_columns"):
            raise DataError(f"feature_map must be a qfusion.qml feature map, got {type(feature_map).__name__}")
        if shots is not None and (int(shots) != shots or shots < 1):
            raise DataError(f"shots must be None (exact) or a positive integer, got {shots!r}")
        self.feature_map = feature_map
        if isinstance(backend, str):
            get_backend(backend)  # a misspelt name fails here ("did you mean"), not at the first evaluate
        self.backend = backend
        self.shots = shots
        self.seed = seed
        self.weights = feature_map.initial_weights(seed) if weights is None and feature_map.num_weights else weights
        self.num_circuits = 0  # circuits the last evaluation ran (0 on the exact path)
        self.total_circuits = 0  # over every evaluation

    def __repr__(self) -> str:
        shots = "" if self.shots is None else f", shots={self.shots}"
        return f"{type(self).__name__}({self.feature_map!r}, backend={self.backend!r}{shots})"

    @property
    def exact(self) -> bool:
        """Whether entries come from simulated states (no shots, a backend with exact states).

        >>> from qfusion.qml.feature_maps import ZFeatureMap
        >>> FidelityKernel(ZFeatureMap(1)).exact, FidelityKernel(ZFeatureMap(1), shots=100).exact
        (True, False)
        """
        return self.shots is None and get_backend(self.backend).capabilities.exact

    def states(self, X) -> np.ndarray:
        """The feature map's states of the rows of ``X``: here in one batch, or with ``executor=`` in
        chunks of rows on it (a Dask cluster through ``qf.hpc.Cluster``), in order.

        >>> from qfusion.qml.feature_maps import AngleEmbedding
        >>> FidelityKernel(AngleEmbedding(1, rotation="Y")).states(np.array([[np.pi]])).real.round(6)
        array([[0., 1.]])
        """
        if self.executor is None or len(X) < 2:
            return self.feature_map.states(X, self.weights)
        X = np.asarray(X)
        chunks = np.array_split(X, min(len(X), 16))
        parts = self.executor.map(_states_of_rows, [(self.feature_map, self.weights, c) for c in chunks])
        return np.concatenate(list(parts))

    def evaluate(self, X, Y=None) -> np.ndarray:
        """The kernel matrix ``K[i, j] = k(X[i], Y[j])`` (``Y=None``: ``Y = X``); each kernel defines its own.

        >>> from qfusion.qml.feature_maps import AngleEmbedding
        >>> QuantumKernel(AngleEmbedding(1)).evaluate([[0.0]])
        Traceback (most recent call last):
            ...
        NotImplementedError: QuantumKernel is the shared base; use FidelityKernel or ProjectedKernel
        """
        raise NotImplementedError(f"{type(self).__name__} is the shared base; use FidelityKernel or ProjectedKernel")

    def __call__(self, X, Y=None) -> np.ndarray:
        return self.evaluate(X, Y)


def _states_of_rows(job) -> np.ndarray:
    feature_map, weights, rows = job
    return feature_map.states(rows, weights)


class FidelityKernel(QuantumKernel):
    """``K(x, y) = |<phi(x)|phi(y)>|**2`` for ``feature_map`` on ``backend``.

    >>> from qfusion.qml.feature_maps import AngleEmbedding
    >>> kernel = FidelityKernel(AngleEmbedding(1, rotation="Y"))
    >>> kernel.evaluate(np.array([[0.0], [np.pi / 2]])).round(6)  # |<0|ry(pi/2)|0>|^2 = 1/2
    array([[1. , 0.5],
           [0.5, 1. ]])
    """

    def evaluate(self, X, Y=None) -> np.ndarray:
        """The kernel matrix between the rows of ``X`` and ``Y`` (``Y=None``: the symmetric Gram
        matrix of ``X``, ones on the diagonal, half the circuits with shots).

        >>> from qfusion.qml.feature_maps import AngleEmbedding
        >>> k = FidelityKernel(AngleEmbedding(1))
        >>> round(float(k.evaluate([[0.0]], [[np.pi / 2]])[0, 0]), 6)  # cos^2(pi/4)
        0.5
        """
        X = self.feature_map.check(X)
        Y = None if Y is None else self.feature_map.check(Y)
        if self.exact:
            self.num_circuits = 0
            sx = self.states(X)
            sy = sx if Y is None else self.states(Y)
            K = np.abs(sx.conj() @ sy.T) ** 2
            if Y is None:
                K = 0.5 * (K + K.T)
                np.fill_diagonal(K, 1.0)
            return K
        return self._sampled(X, Y)

    def _sampled(self, X, Y) -> np.ndarray:
        backend = get_backend(self.backend)
        rng = np.random.default_rng(self.seed)
        bound_x = [self.feature_map.bind(x, self.weights) for x in X]
        bound_y = bound_x if Y is None else [self.feature_map.bind(y, self.weights) for y in Y]
        K = np.ones((len(X), len(bound_y)))
        n = self.feature_map.num_qubits
        zero = "0" * n
        count = 0
        for i, cx in enumerate(bound_x):
            for j, cy in enumerate(bound_y):
                if Y is None and j <= i:
                    continue
                circuit = Circuit(n).compose(cx).compose(cy.inverse()).measure_all()
                shots = 1024 if self.shots is None else self.shots
                counts = backend.run(circuit, shots=shots, seed=int(rng.integers(2 ** 31))).counts
                K[i, j] = counts.get(zero, 0) / shots
                count += 1
        if Y is None:
            K = np.triu(K, 1) + np.triu(K, 1).T + np.eye(len(X))
        self.num_circuits = count
        self.total_circuits += count
        return K

    def align(self, X, y, *, maxiter: int = 50, learning_rate: float = 0.1, callback=None, verbose: bool = False):
        """Train the feature map's weights to maximise the kernel-target alignment
        ``<K, Y>_F / (||K||_F ||Y||_F)``, ``Y_ij = +1`` for equal labels and ``-1`` otherwise, by
        Adam on exact gradients (forward-mode state Jacobians). Returns the alignment history.

        >>> from qfusion.qml.feature_maps import DataReuploading
        >>> X = np.array([[0.1, 0.2], [0.2, 0.1], [2.0, 2.5], [2.4, 2.1]])
        >>> kernel = FidelityKernel(DataReuploading(2, reps=1), seed=1)
        >>> history = kernel.align(X, [0, 0, 1, 1], maxiter=20)
        >>> bool(history[-1] > history[0])
        True
        """
        from qfusion.primitives import adam
        from qfusion.qml.batched import BatchedCircuit
        fm = self.feature_map
        if not fm.num_weights:
            raise DataError(f"{type(fm).__name__} has no trainable weights to align")
        X = fm.check(X)
        y = np.asarray(y).reshape(-1)
        if len(y) != len(X):
            raise DataError(f"X has {len(X)} samples but y has {len(y)} labels")
        if len(np.unique(y)) < 2:
            raise DataError("kernel-target alignment needs at least two classes in y")
        target = np.where(y[:, None] == y[None, :], 1.0, -1.0)
        plan = BatchedCircuit(fm.simulated_circuit)
        names = [p.name for p in fm.weights]
        initial = fm.initial_states(X)
        history = []

        def loss(weights):
            columns = fm.columns(X, weights)
            if initial is not None:
                raise DataError("alignment needs a feature map simulated from |0>, not a direct state load")
            psi, jac = plan.jacobian(columns, names)
            value, grad = _alignment_and_gradient(psi, jac, target)
            history.append(value)
            if verbose:
                print(f"iteration {len(history):4d}  alignment {value:.6f}")
            return -value, -grad

        result = adam(loss, np.asarray(self.weights, dtype=float), jac=True, learning_rate=learning_rate,
                      maxiter=maxiter, callback=callback)
        self.weights = result.x
        return history

    def nystroem(self, X, n_components: int, *, seed=None) -> Nystroem:
        """A Nyström approximation ``K ~ F F^T`` from ``n_components`` landmark samples of ``X``.

        >>> from qfusion.qml.feature_maps import ZZFeatureMap
        >>> X = np.random.default_rng(0).uniform(0, 1, (6, 2))
        >>> kernel = FidelityKernel(ZZFeatureMap(2))
        >>> features = kernel.nystroem(X, 6, seed=0).transform(X)
        >>> bool(np.allclose(features @ features.T, kernel.evaluate(X), atol=1e-8))
        True
        """
        X = self.feature_map.check(X)
        if not 1 <= n_components <= len(X):
            raise DataError(f"n_components must be between 1 and {len(X)}, got {n_components}")
        chosen = np.sort(np.random.default_rng(seed).choice(len(X), n_components, replace=False))
        return Nystroem(self, X[chosen])


class Nystroem:
    """Features ``F(x) = K(x, L) K(L, L)^{-1/2}`` for landmarks ``L`` (pseudo-inverse root).

    >>> from qfusion.qml.feature_maps import ZFeatureMap
    >>> kernel = FidelityKernel(ZFeatureMap(2))
    >>> X = np.array([[0.1, 0.2], [0.5, 0.3], [0.9, 0.7]])
    >>> features = Nystroem(kernel, landmarks=X).transform(X)
    >>> bool(np.allclose(features @ features.T, kernel.evaluate(X)))  # exact on the landmarks
    True
    """

    def __init__(self, kernel: QuantumKernel, landmarks: np.ndarray):
        self.kernel, self.landmarks = kernel, landmarks
        values, vectors = np.linalg.eigh(kernel.evaluate(landmarks))
        keep = values > 1e-12 * max(values.max(), 1e-300)
        self._root = vectors[:, keep] / np.sqrt(values[keep])

    def transform(self, X) -> np.ndarray:
        """The features ``F(x)`` of the rows of ``X``: ``F(X) F(Y)^T`` approximates ``K(X, Y)``.


        >>> from qfusion.qml.feature_maps import ZFeatureMap
        >>> kernel = FidelityKernel(ZFeatureMap(2))
        >>> Nystroem(kernel, landmarks=np.array([[0.1, 0.2], [0.5, 0.3]])).transform(np.zeros((4, 2))).shape
        (4, 2)
        """
        return self.kernel.evaluate(X, self.landmarks) @ self._root


def _alignment_and_gradient(psi: np.ndarray, jac: np.ndarray, target: np.ndarray):
    overlaps = psi.conj() @ psi.T                     # s_ij = <psi_i|psi_j>
    K = np.abs(overlaps) ** 2
    inner, norm_k, norm_t = np.sum(K * target), np.linalg.norm(K), np.linalg.norm(target)
    value = inner / (norm_k * norm_t)
    grad = np.empty(jac.shape[1])
    for k in range(jac.shape[1]):
        d_overlap = jac[:, k].conj() @ psi.T + psi.conj() @ jac[:, k].T
        dK = 2 * np.real(overlaps.conj() * d_overlap)
        grad[k] = (np.sum(dK * target) / norm_k - inner * np.sum(K * dK) / norm_k ** 3) / norm_t
    return value, grad


class ProjectedKernel(QuantumKernel):
    """Huang et al.'s projected quantum kernel
    ``K(x, y) = exp(-gamma sum_q ||rho_q(x) - rho_q(y)||_F**2)`` over one-qubit reduced density
    matrices; with ``shots``, each ``rho_q`` from measured ``<X_q>, <Y_q>, <Z_q>``.

    >>> from qfusion.qml.feature_maps import AngleEmbedding
    >>> k = ProjectedKernel(AngleEmbedding(1, rotation="Y"), gamma=1.0)
    >>> round(float(k.evaluate([[0.0]], [[np.pi]])[0, 0]), 6)  # ||[[1,0],[0,0]] - [[0,0],[0,1]]||^2 = 2
    0.135335
    """

    def __init__(self, feature_map, *, gamma: float = 1.0, backend="statevector", shots: int | None = None,
                 seed=None, weights=None, executor=None):
        super().__init__(feature_map, backend=backend, shots=shots, seed=seed, weights=weights, executor=executor)
        if not gamma > 0:
            raise DataError(f"gamma must be positive, got {gamma!r}")
        self.gamma = float(gamma)

    def bloch_vectors(self, X) -> np.ndarray:
        """``(N, num_qubits, 3)``: ``<X_q>, <Y_q>, <Z_q>`` of every sample's state.

        >>> from qfusion.qml.feature_maps import AngleEmbedding
        >>> ProjectedKernel(AngleEmbedding(1, rotation="Y")).bloch_vectors(np.array([[np.pi / 2]])).round(6) + 0.0  # along +X
        array([[[1., 0., 0.]]])
        """
        X = self.feature_map.check(X)
        if self.exact:
            return _bloch_from_states(self.states(X), self.feature_map.num_qubits)
        return self._sampled_bloch(X)

    def _sampled_bloch(self, X) -> np.ndarray:
        from qfusion.observables import PauliSum
        from qfusion.primitives import Estimator
        n = self.feature_map.num_qubits
        labels = [("I" * (n - 1 - q)) + p + ("I" * q) for q in range(n) for p in "XYZ"]
        estimator = Estimator(self.backend, shots=self.shots, seed=self.seed)
        out = np.empty((len(X), n * 3))
        circuits = 0
        for i, x in enumerate(X):
            result = estimator.run(self.feature_map.bind(x, self.weights), [PauliSum.from_label(lb) for lb in labels])
            out[i] = result.values
            circuits += result.metadata.get("circuits_executed", 0)
        self.num_circuits = circuits
        self.total_circuits += circuits
        return out.reshape(len(X), n, 3)

    def evaluate(self, X, Y=None) -> np.ndarray:
        """The kernel matrix (``Y=None``: the Gram matrix of ``X``).

        >>> from qfusion.qml.feature_maps import AngleEmbedding
        >>> K = ProjectedKernel(AngleEmbedding(1, rotation="Y"), gamma=1.0).evaluate(np.array([[0.0], [np.pi]]))
        >>> K.round(6)  # exp(-gamma |(0,0,1) - (0,0,-1)|^2) = exp(-4) off the diagonal
        array([[1.      , 0.135335],
               [0.135335, 1.      ]])
        """
        bx = self.bloch_vectors(X).reshape(len(np.asarray(X)), -1)
        by = bx if Y is None else self.bloch_vectors(Y).reshape(len(np.asarray(Y)), -1)
        # ||rho - sigma||_F^2 = |r - s|^2 / 2 for rho = (I + r.sigma)/2
        distances = (np.sum(bx ** 2, 1)[:, None] + np.sum(by ** 2, 1)[None, :] - 2 * bx @ by.T) / 2
        return np.exp(-self.gamma * np.maximum(distances, 0.0))


def reduced_density_matrices(states: np.ndarray, num_qubits: int) -> np.ndarray:
    """One-qubit reduced density matrices ``(N, num_qubits, 2, 2)`` of rows of state vectors.

    >>> bell = np.array([[1, 0, 0, 1]]) / np.sqrt(2)
    >>> np.round(reduced_density_matrices(bell, 2)[0, 0].real, 6)
    array([[0.5, 0. ],
           [0. , 0.5]])
    """
    count = len(states)
    out = np.empty((count, num_qubits, 2, 2), dtype=np.complex128)
    for q in range(num_qubits):
        view = np.asarray(states).reshape(count, -1, 2, 1 << q)
        out[:, q] = np.einsum("nai b,naj b->nij".replace(" ", ""), view, view.conj())
    return out


def _bloch_from_states(states: np.ndarray, num_qubits: int) -> np.ndarray:
    rho = reduced_density_matrices(states, num_qubits)
    return np.stack([2 * rho[..., 0, 1].real, -2 * rho[..., 0, 1].imag,
                     (rho[..., 0, 0] - rho[..., 1, 1]).real], axis=-1)
