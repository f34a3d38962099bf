"""Data sets for QML: the ad hoc data of Havlíček et al. (Nature 567, 209, 2019), and scalers
that bring classical features into a feature map's range.

:func:`ad_hoc` follows qiskit-machine-learning's ``ad_hoc_data`` rule step for step (the same
random unitary ``V``, observable ``V^dagger Z^n V``, grid and draws from one NumPy generator), so
with the same seed it returns the same samples as ``ad_hoc_data`` with
``algorithm_globals.random_seed = seed``.

>>> x_train, y_train, x_test, y_test = ad_hoc(5, 2, n=2, gap=0.3, seed=1)
>>> x_train.shape, y_train.tolist()
((10, 2), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
"""

from __future__ import annotations

import itertools

import numpy as np

from qfusion._optional import import_optional
from qfusion.errors import DataError

_GRID_POINTS = {1: 5000, 2: 100, 3: 20}


def _z_diagonals(n: int) -> np.ndarray:
    """Diagonal of ``Z`` on qubit ``i`` as qiskit-machine-learning writes it (qubit 0 the highest bit)."""
    index = np.arange(2 ** n)
    return np.array([1 - 2 * ((index >> (n - 1 - i)) & 1) for i in range(n)], dtype=float)


def _exponent(x: np.ndarray, z: np.ndarray, pairs) -> np.ndarray:
    """``sum_i x_i Z_i + sum_(i,j) (pi - x_i)(pi - x_j) Z_i Z_j`` as diagonals, one row per sample."""
    out = x @ z
    for i, j in pairs:
        out = out + ((np.pi - x[:, i]) * (np.pi - x[:, j]))[:, None] * (z[i] * z[j])[None, :]
    return out


def _random_unitary(rng, dims: int) -> np.ndarray:
    a = rng.random((dims, dims)) + 1j * rng.random((dims, dims))
    eigenvalues, eigenvectors = np.linalg.eig(a.conj().T @ a)
    return eigenvectors[:, eigenvalues.argsort()[::-1]]


def ad_hoc(training_size: int, test_size: int, n: int = 2, gap: float = 0.3, *, seed=None,
           entanglement: str = "full", one_hot: bool = False):
    """``(x_train, y_train, x_test, y_test)``: ``training_size`` and ``test_size`` samples per
    class in ``[0, 2 pi)**n``, labelled by the sign of ``<Phi(x)|V^dagger Z^n V|Phi(x)>`` where it
    exceeds ``gap`` in magnitude (``|Phi(x)> = U(x) H U(x) H |0>``, the ZZ feature map's diagonal
    ``U``). Labels are 0 and 1 (``one_hot=True``: rows ``[1, 0]`` and ``[0, 1]``, as Qiskit's).
    Points lie on Qiskit's grid for ``n <= 3`` and are uniform above.

    >>> x_train, y_train, x_test, y_test = ad_hoc(4, 2, n=2, seed=0)
    >>> x_train.shape, x_test.shape, sorted(set(y_train.tolist()))
    ((8, 2), (4, 2), [0, 1])
    """
    for name, value in (("training_size", training_size), ("test_size", test_size)):
        if int(value) != value or value < 0:
            raise DataError(f"{name} must be a whole number >= 0, got {value!r}")
    if int(n) != n or n < 1:
        raise DataError(f"n must be a whole number >= 1, got {n!r}")
    if gap < 0:
        raise DataError(f"gap must be >= 0, got {gap!r}")
    if entanglement not in ("full", "linear", "circular"):
        raise DataError(f"entanglement must be 'full', 'linear' or 'circular', got {entanglement!r}")
    rng = np.random.default_rng(seed)
    dims = 2 ** n
    z = _z_diagonals(n)
    if entanglement == "full":
        pairs = list(itertools.combinations(range(n), 2))
    else:
        pairs = [(i, i + 1) for i in range(n - 1)] + ([(n - 1, 0)] if entanglement == "circular" else [])
    hadamard = np.ones((1, 1))
    for _ in range(n):
        hadamard = np.kron(hadamard, np.array([[1, 1], [1, -1]]) / np.sqrt(2))
    v = _random_unitary(rng, dims)
    observable = v.conj().T @ np.diag(np.sign(np.diag(hadamard))) @ v
    psi0 = np.ones(dims) / np.sqrt(dims)

    def labels(x):
        phases = np.exp(1j * _exponent(x, z, pairs))
        psi = phases * ((phases * psi0) @ hadamard.T)
        values = np.real(np.einsum("ni,ij,nj->n", psi.conj(), observable, psi))
        return (np.abs(values) > gap) * np.sign(values)

    total = training_size + test_size
    if n in _GRID_POINTS:
        a, b = _grid(rng, n, total, labels)
    else:
        a, b = _uniform(rng, n, total, labels)
    x_train = np.concatenate([a[:training_size], b[:training_size]])
    x_test = np.concatenate([a[training_size:], b[training_size:]])
    y_train = np.repeat([0, 1], training_size)
    y_test = np.repeat([0, 1], test_size)
    if one_hot:
        y_train, y_test = np.eye(2, dtype=int)[y_train], np.eye(2, dtype=int)[y_test]
    return x_train, y_train, x_test, y_test


def _grid(rng, n: int, total: int, labels):
    count = _GRID_POINTS[n]
    values = np.linspace(0, 2 * np.pi, count, endpoint=False)
    points = np.array(list(itertools.product(*[values] * n)))
    grid = labels(points).reshape((count,) * n)
    if not (grid == 1).any() or not (grid == -1).any():
        raise DataError("the gap leaves one class empty; choose a smaller gap")
    out = []
    for wanted in (1, -1):
        found: list[list[float]] = []
        while len(found) < total:
            draws = tuple(rng.choice(count) for _ in range(n))
            if grid[draws] == wanted:
                found.append([values[d] for d in draws])
        out.append(np.array(found).reshape(total, n))
    return out


def _uniform(rng, n: int, total: int, labels):
    a: list[np.ndarray] = []
    b: list[np.ndarray] = []
    for _ in range(10_000):
        if len(a) >= total and len(b) >= total:
            break
        x = rng.random((4 * total + 16, n)) * 2 * np.pi
        found = labels(x)
        a.extend(x[found == 1][: total - len(a)])
        b.extend(x[found == -1][: total - len(b)])
    else:
        raise DataError("could not draw enough samples of both classes; choose a smaller gap")
    return np.array(a).reshape(total, n), np.array(b).reshape(total, n)


# the input ranges that make each map's angles cover one period
_RANGES = {"ZZFeatureMap": (0.0, 2 * np.pi), "PauliFeatureMap": (0.0, 2 * np.pi), "ZFeatureMap": (0.0, 2 * np.pi),
           "AngleEmbedding": (0.0, np.pi), "IQPEmbedding": (0.0, np.pi), "DataReuploading": (-np.pi / 2, np.pi / 2)}


def feature_range(feature_map) -> tuple[float, float]:
    """The range a map's inputs are meant to span (``(0, pi)`` for angle encodings, ...).

    >>> from qfusion.qml.feature_maps import AngleEmbedding
    >>> feature_range(AngleEmbedding(2))
    (0.0, 3.141592653589793)
    """
    return _RANGES.get(type(feature_map).__name__, (0.0, np.pi))


def scaler(feature_map=None, *, feature_range_=None):
    """A scikit-learn ``MinMaxScaler`` onto :func:`feature_range` of ``feature_map`` (or onto
    ``feature_range_``), for a ``Pipeline`` in front of a quantum model.

    >>> from qfusion.qml.feature_maps import ZZFeatureMap
    >>> s = scaler(ZZFeatureMap(2)).fit([[0.0, 1.0], [2.0, 3.0]])
    >>> s.transform([[1.0, 2.0]]).round(6).tolist()
    [[3.141593, 3.141593]]
    """
    MinMaxScaler = import_optional("sklearn.preprocessing", "qfusion.qml's scalers").MinMaxScaler
    bounds = feature_range_ if feature_range_ is not None else (
        feature_range(feature_map) if feature_map is not None else (0.0, np.pi))
    return MinMaxScaler(feature_range=tuple(float(b) for b in bounds), clip=True)
