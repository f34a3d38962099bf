"""Amplitude encoding: a sample of ``2**n`` real features as the amplitudes of an ``n``-qubit state.

The state-preparation circuit is Möttönen et al.'s (Quant. Inf. Comp. 5, 467, 2005) for real
vectors: a binary tree of uniformly controlled RY rotations, each decomposed into ``2**k`` RYs and
CXs by the Gray code. Its input parameters are the tree's angles, computed from each sample by
:meth:`AmplitudeEmbedding.input_columns`. On simulators, ``method="direct"`` loads the normalised
vectors as start states instead (no gates at all).

>>> import numpy as np
>>> fm = AmplitudeEmbedding(4, method="circuit")
>>> fm.circuit.count_ops()
{'ry': 3, 'cx': 2}
>>> from qfusion.qml.batched import BatchedCircuit
>>> x = np.array([[1.0, -2.0, 2.0, 4.0]])
>>> np.round(BatchedCircuit(fm.circuit).states(fm.input_columns(x)).real, 6)
array([[ 0.2, -0.4,  0.4,  0.8]])
"""

from __future__ import annotations

import numpy as np

from qfusion.circuit import Circuit
from qfusion.errors import DataError
from qfusion.qml.feature_maps import FeatureMap, parameter_vector


class AmplitudeEmbedding(FeatureMap):
    """PennyLane's ``AmplitudeEmbedding``: features padded with ``pad_with`` (when given) to ``2**n``
    and normalised (``normalize=True``; otherwise rows must have norm 1). ``method`` is
    ``"circuit"`` (the Möttönen state preparation) or ``"direct"`` (start states on simulators).

    >>> fm = AmplitudeEmbedding(3, pad_with=0.0)  # 3 features padded to 4 amplitudes on 2 qubits
    >>> fm.num_qubits, fm.amplitudes(np.array([[3.0, 0.0, 4.0]])).round(6)
    (2, array([[0.6, 0. , 0.8, 0. ]]))
    """

    _shown = ("num_qubits", "method")

    def __init__(self, feature_dimension: int, *, num_qubits: int | None = None, normalize: bool = True,
                 pad_with: float | None = None, method: str = "direct"):
        if not isinstance(feature_dimension, (int, np.integer)) or feature_dimension < 1:
            raise DataError(f"feature_dimension must be a whole number >= 1, got {feature_dimension!r}")
        n = max(1, int(np.ceil(np.log2(feature_dimension)))) if num_qubits is None else int(num_qubits)
        if feature_dimension > 2 ** n:
            raise DataError(f"{feature_dimension} features do not fit the amplitudes of {n} qubits")
        if feature_dimension < 2 ** n and pad_with is None:
            raise DataError(f"{feature_dimension} features on {n} qubits need pad_with=... to fill {2 ** n} amplitudes")
        if method not in ("direct", "circuit"):
            raise DataError(f"method must be 'direct' or 'circuit', got {method!r}")
        self.normalize, self.pad_with, self.method = normalize, pad_with, method
        angles = parameter_vector("theta", 2 ** n - 1)
        super().__init__(_preparation(n, angles), angles, feature_dimension=feature_dimension)

    @property
    def simulated_circuit(self) -> Circuit:
        """The circuit run after the amplitudes are loaded as start states (none of its own gates by default).


        >>> AmplitudeEmbedding(4).simulated_circuit.count_ops()
        {}
        """
        return Circuit(self.num_qubits) if self.method == "direct" else self.circuit

    def amplitudes(self, X) -> np.ndarray:
        """The padded, normalised rows of ``X``: ``(N, 2**num_qubits)``.

        >>> AmplitudeEmbedding(2).amplitudes(np.array([[1.0, 1.0], [0.0, 2.0]])).round(6)
        array([[0.707107, 0.707107],
               [0.      , 1.      ]])
        """
        X = self.check(X)
        dim = 2 ** self.num_qubits
        if X.shape[1] < dim and self.pad_with is not None:      # (without pad_with, check() gave dim columns)
            X = np.hstack([X, np.full((len(X), dim - X.shape[1]), float(self.pad_with))])
        norms = np.linalg.norm(X, axis=1)
        if np.any(norms == 0):
            raise DataError("amplitude encoding cannot load an all-zero sample")
        if not self.normalize and not np.allclose(norms, 1.0, atol=1e-10):
            raise DataError("samples must have norm 1 with normalize=False")
        return X / norms[:, None]

    def initial_states(self, X):
        """The amplitudes as start states (``None`` with ``method="circuit"``, where gates prepare them).


        >>> AmplitudeEmbedding(2).initial_states(np.array([[0.0, 1.0]])), AmplitudeEmbedding(2, method="circuit").initial_states(np.array([[0.0, 1.0]]))
        (array([[0.+0.j, 1.+0.j]]), None)
        """
        return self.amplitudes(X).astype(np.complex128) if self.method == "direct" else None

    def input_columns(self, X) -> dict[str, np.ndarray]:
        """The rotation angles that prepare each row (``method="circuit"``); none when the amplitudes are loaded directly.


        >>> sorted(AmplitudeEmbedding(2, method="circuit").input_columns(np.array([[0.0, 1.0]])))
        ['theta[0]']
        """
        if self.method == "direct":
            self.check(X)
            return {}
        return {p.name: v for p, v in zip(self.inputs, _gray_angles(self.amplitudes(X), self.num_qubits).T, strict=False)}

    def bind(self, x, weights=None) -> Circuit:
        """The circuit preparing ``x`` (with ``weights`` bound, when the map has any).


        >>> from qfusion.sim import simulate
        >>> c = AmplitudeEmbedding(2).bind(np.array([0.6, 0.8]))
        >>> np.asarray(simulate(c)).real.round(6)
        array([0.6, 0.8])
        """
        values = _gray_angles(self.amplitudes(np.asarray(x, dtype=float).reshape(1, -1)), self.num_qubits)[0]
        return self.circuit.bind({p.name: float(v) for p, v in zip(self.inputs, values, strict=False)})


def _levels(n: int):
    """``(target qubit, number of controls, offset of its angles)`` from the top qubit down."""
    offset = 0
    for k in range(n):
        yield n - 1 - k, k, offset
        offset += 2 ** k


def _preparation(n: int, angles) -> Circuit:
    circuit = Circuit(n, name="AmplitudeEmbedding")
    for target, k, offset in _levels(n):
        if k == 0:
            circuit.ry(angles[offset], target)
            continue
        for j in range(2 ** k):
            circuit.ry(angles[offset + j], target)
            changed = (k - 1) if j == 2 ** k - 1 else (((j + 1) & -(j + 1)).bit_length() - 1)
            circuit.cx(target + 1 + changed, target)
    return circuit


def _gray_angles(amplitudes: np.ndarray, n: int) -> np.ndarray:
    """The circuit's RY angles for every row: ``(N, 2**n - 1)``."""
    count = len(amplitudes)
    out = np.empty((count, 2 ** n - 1))
    for target, k, offset in _levels(n):
        blocks = amplitudes.reshape(count, 2 ** k, 2, 2 ** target)  # prefix (controls), target bit, rest
        if target == 0:
            zero, one = blocks[:, :, 0, 0], blocks[:, :, 1, 0]
        else:
            zero, one = np.linalg.norm(blocks[:, :, 0], axis=2), np.linalg.norm(blocks[:, :, 1], axis=2)
        alpha = 2 * np.arctan2(one, zero)  # alpha[:, p]: the rotation for control prefix p
        if k == 0:
            out[:, offset] = alpha[:, 0]
            continue
        g = np.arange(2 ** k) ^ (np.arange(2 ** k) >> 1)
        signs = 1 - 2 * (np.bitwise_count(np.arange(2 ** k)[:, None] & g[None, :]) & 1).astype(np.int64)
        out[:, offset:offset + 2 ** k] = alpha @ signs / 2 ** k
    return out
