"""Feature maps (data embeddings): parameterised circuits whose input parameters take a sample's
features and whose weight parameters (if any) are trained.

Every map has ``circuit`` (a :class:`~qfusion.circuit.Circuit` over the parameters ``x[i]`` and,
for trainable maps, ``w[j]``), ``inputs`` and ``weights`` (those parameters, in order),
``input_columns(X)`` (the values the inputs take for the rows of ``X``) and ``bind(x)``.
:class:`ZZFeatureMap` and :class:`PauliFeatureMap` are Qiskit's maps gate for gate (Havlíček et
al., Nature 567, 209, 2019); :class:`AngleEmbedding` and :class:`IQPEmbedding` are PennyLane's
templates; :class:`AmplitudeEmbedding` loads a normalised vector (a state-preparation circuit,
or directly into simulators); :class:`DataReuploading` (Pérez-Salinas et al., Quantum 4, 226,
2020) interleaves trainable rotations with the data.

>>> fm = ZZFeatureMap(2, reps=1)
>>> fm
ZZFeatureMap(feature_dimension=2, reps=1, entanglement='full')
>>> fm.circuit.count_ops()
{'h': 2, 'p': 3, 'cx': 2}
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from qfusion.circuit import Circuit, Parameter
from qfusion.errors import DataError
from qfusion.qml.entanglement import pairs
from qfusion.qml.validation import check_features


def parameter_vector(name: str, length: int) -> tuple[Parameter, ...]:
    """``(name[0], ..., name[length-1])``.

    >>> [p.name for p in parameter_vector("x", 2)]
    ['x[0]', 'x[1]']
    """
    return tuple(Parameter(f"{name}[{i}]") for i in range(length))


class FeatureMap:
    """A data embedding: the circuit, its input and weight parameters, and how data fill the inputs.

    >>> from qfusion.circuit import Circuit
    >>> x = parameter_vector("x", 1)
    >>> fm = FeatureMap(Circuit(1).ry(x[0], 0), inputs=x)
    >>> fm.num_qubits, fm.feature_dimension, fm.num_weights
    (1, 1, 0)
    """

    #: the keyword options shown by ``repr`` (subclasses list theirs)
    _shown: tuple[str, ...] = ()

    def __init__(self, circuit: Circuit, inputs, weights=(), feature_dimension: int | None = None):
        self.circuit = circuit
        self.inputs = tuple(inputs)
        self.weights = tuple(weights)
        self.feature_dimension = len(self.inputs) if feature_dimension is None else feature_dimension

    @property
    def num_qubits(self) -> int:
        """The circuit's qubits.


        >>> ZZFeatureMap(3).num_qubits
        3
        """
        return self.circuit.num_qubits

    @property
    def num_weights(self) -> int:
        """How many trainable weights the map has (0 for a fixed embedding).


        >>> ZZFeatureMap(2).num_weights, DataReuploading(2, reps=1).num_weights
        (0, 6)
        """
        return len(self.weights)

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={getattr(self, k)!r}" for k in ("feature_dimension", *self._shown))
        return f"{type(self).__name__}({shown})"

    def check(self, X) -> np.ndarray:
        """``X`` as a finite float array of shape ``(N, feature_dimension)``, or :class:`DataError`.

        >>> ZZFeatureMap(2).check([[0.1, 0.2]])
        array([[0.1, 0.2]])
        """
        return check_features(X, self.feature_dimension, type(self).__name__)

    def input_columns(self, X) -> dict[str, np.ndarray]:
        """``{input name: values}`` for the rows of ``X`` (the features themselves, for most maps).

        >>> {k: v.tolist() for k, v in ZFeatureMap(2).input_columns(np.array([[0.1, 0.2], [0.3, 0.4]])).items()}
        {'x[0]': [0.1, 0.3], 'x[1]': [0.2, 0.4]}
        """
        X = self.check(X)
        return {p.name: X[:, i] for i, p in enumerate(self.inputs)}

    def initial_states(self, X):
        """Start states loaded directly (``None``: ``|0...0>``).

        >>> ZZFeatureMap(2).initial_states(np.zeros((1, 2))) is None
        True
        """
        return None

    @property
    def simulated_circuit(self) -> Circuit:
        """The circuit simulators run after :meth:`initial_states` (the whole :attr:`circuit` here).

        >>> fm = ZZFeatureMap(2)
        >>> fm.simulated_circuit is fm.circuit
        True
        """
        return self.circuit

    def columns(self, X, weights=None) -> dict[str, np.ndarray]:
        """Every parameter's values for the rows of ``X``: inputs from the data, weights repeated.

        >>> sorted(AngleEmbedding(2).columns(np.array([[0.1, 0.2]])))
        ['x[0]', 'x[1]']
        """
        columns = self.input_columns(X)
        columns.update(self.weight_columns(weights, len(np.asarray(X))))
        return columns

    def states(self, X, weights=None) -> np.ndarray:
        """The embedded states of the rows of ``X``, ``(N, 2**num_qubits)``, all in one batched pass.

        >>> import numpy as np
        >>> np.round(AngleEmbedding(1, rotation="Y").states([[np.pi]]).real, 6)
        array([[0., 1.]])
        """
        from qfusion.qml.batched import BatchedCircuit
        plan = getattr(self, "_plan", None)
        if plan is None:
            plan = self._plan = BatchedCircuit(self.simulated_circuit)
        return plan.states(self.columns(X, weights), initial=self.initial_states(X))

    def weight_columns(self, weights, count: int) -> dict[str, np.ndarray]:
        """The weight values (a vector of :attr:`num_weights`) repeated for ``count`` rows.

        >>> fm = DataReuploading(1, reps=1)
        >>> columns = fm.weight_columns(np.arange(fm.num_weights, dtype=float), 2)
        >>> len(columns) == fm.num_weights, next(iter(columns.values())).shape
        (True, (2,))
        """
        weights = np.asarray(weights if weights is not None else np.zeros(0), dtype=float).reshape(-1)
        if len(weights) != self.num_weights:
            raise DataError(f"{type(self).__name__} has {self.num_weights} weights, got {len(weights)}")
        return {p.name: np.full(count, v) for p, v in zip(self.weights, weights, strict=False)}

    def bind(self, x, weights=None) -> Circuit:
        """The circuit with one sample's features (and the weights) bound.

        >>> AngleEmbedding(2).bind([0.1, 0.2]).is_parameterized
        False
        """
        columns = self.input_columns(np.asarray(x, dtype=float).reshape(1, -1))
        values = {k: float(v[0]) for k, v in columns.items()}
        values.update({k: float(v[0]) for k, v in self.weight_columns(weights, 1).items()})
        return self.circuit.bind(values)

    def initial_weights(self, seed=None) -> np.ndarray:
        """Random starting weights, uniform in ``[0, 2 pi)``.

        >>> weights = DataReuploading(2, reps=1).initial_weights(seed=0)
        >>> weights.shape
        (6,)
        """
        return np.random.default_rng(seed).uniform(0, 2 * np.pi, self.num_weights)


class PauliFeatureMap(FeatureMap):
    """Qiskit's Pauli feature map: per repetition, Hadamards, then ``exp(i alpha phi_S(x) P_S)`` for
    every Pauli word and every qubit set the entanglement gives (``phi_S = x_i`` for one qubit,
    ``prod (pi - x_i)`` otherwise), gate for gate as :func:`qiskit.circuit.library.pauli_feature_map`.

    >>> PauliFeatureMap(2, reps=1, paulis=("Z", "XX")).circuit.count_ops()
    {'h': 6, 'p': 3, 'cx': 2}
    """

    _shown: tuple[str, ...] = ("reps", "entanglement", "paulis")

    def __init__(self, feature_dimension: int, reps: int = 2, entanglement="full", alpha: float = 2.0,
                 paulis=("Z", "ZZ")):
        _check_count(feature_dimension, "feature_dimension")
        _check_count(reps, "reps")
        self.reps, self.entanglement, self.alpha, self.paulis = reps, entanglement, float(alpha), tuple(paulis)
        x = parameter_vector("x", feature_dimension)
        circuit = Circuit(feature_dimension, name=type(self).__name__)
        for _ in range(reps):
            for q in range(feature_dimension):
                circuit.h(q)
            for word in self.paulis:
                for qubits in pairs(feature_dimension, len(word), entanglement):
                    _pauli_evolution(circuit, word, qubits, self.alpha * _data_map([x[q] for q in qubits]))
        super().__init__(circuit, x)


class ZZFeatureMap(PauliFeatureMap):
    """The ZZ feature map of Havlíček et al., the same circuit as Qiskit's ``ZZFeatureMap``:
    ``reps`` times Hadamards, ``P(2 x_i)`` and ``exp(i 2 (pi - x_i)(pi - x_j) Z_i Z_j)`` per pair.

    >>> ZZFeatureMap(3, entanglement="linear").circuit.count_ops()["cx"]
    8
    """

    _shown = ("reps", "entanglement")

    def __init__(self, feature_dimension: int, reps: int = 2, entanglement="full", alpha: float = 2.0):
        super().__init__(feature_dimension, reps=reps, entanglement=entanglement, alpha=alpha, paulis=("Z", "ZZ"))


class ZFeatureMap(PauliFeatureMap):
    """Qiskit's first-order map: Hadamards and ``P(2 x_i)`` per repetition.

    >>> ZFeatureMap(2, reps=1).circuit.count_ops()
    {'h': 2, 'p': 2}
    """

    _shown = ("reps",)

    def __init__(self, feature_dimension: int, reps: int = 2, alpha: float = 2.0):
        super().__init__(feature_dimension, reps=reps, entanglement="full", alpha=alpha, paulis=("Z",))


class AngleEmbedding(FeatureMap):
    """PennyLane's ``AngleEmbedding``: ``R_rotation(x_i)`` on qubit ``i`` (``rotation`` X, Y or Z),
    repeated ``reps`` times; ``num_qubits`` may exceed the features (the rest stay ``|0>``).

    >>> AngleEmbedding(3, rotation="Y").circuit.count_ops()
    {'ry': 3}
    """

    _shown = ("rotation", "reps")

    def __init__(self, feature_dimension: int, rotation: str = "X", num_qubits: int | None = None, reps: int = 1):
        _check_count(feature_dimension, "feature_dimension")
        _check_count(reps, "reps")
        if rotation not in ("X", "Y", "Z"):
            raise DataError(f"rotation must be 'X', 'Y' or 'Z', got {rotation!r}")
        num_qubits = feature_dimension if num_qubits is None else num_qubits
        if num_qubits < feature_dimension:
            raise DataError(f"{feature_dimension} features need at least as many qubits, got {num_qubits}")
        self.rotation, self.reps = rotation, reps
        x = parameter_vector("x", feature_dimension)
        circuit = Circuit(num_qubits, name="AngleEmbedding")
        for _ in range(reps):
            for q, xq in enumerate(x):
                getattr(circuit, "r" + rotation.lower())(xq, q)
        super().__init__(circuit, x)


class IQPEmbedding(FeatureMap):
    """PennyLane's ``IQPEmbedding``: per repetition Hadamards, ``RZ(x_i)``, and ``RZZ(x_i x_j)``
    (PennyLane's ``MultiRZ``) on every pair of ``pattern`` (default: all pairs in order).

    >>> IQPEmbedding(3, reps=2).circuit.count_ops()
    {'h': 6, 'rz': 6, 'rzz': 6}
    """

    _shown = ("reps",)

    def __init__(self, feature_dimension: int, reps: int = 1, pattern=None):
        _check_count(feature_dimension, "feature_dimension")
        _check_count(reps, "reps")
        self.reps = reps
        self.pattern = list(itertools.combinations(range(feature_dimension), 2)) if pattern is None else \
            [tuple(p) for p in pattern]
        x = parameter_vector("x", feature_dimension)
        circuit = Circuit(feature_dimension, name="IQPEmbedding")
        for _ in range(reps):
            for q in range(feature_dimension):
                circuit.h(q)
            for q in range(feature_dimension):
                circuit.rz(x[q], q)
            for a, b in self.pattern:
                circuit.rzz(x[a] * x[b], a, b)
        super().__init__(circuit, x)


class DataReuploading(FeatureMap):
    """Data re-uploading: ``reps`` layers of ``RY(w x_q + b) RZ(c)`` on every qubit followed by a
    ring of CZs (``entanglement`` as for :class:`PauliFeatureMap`); the weights ``w, b, c`` are trained.

    >>> fm = DataReuploading(2, reps=2)
    >>> fm.num_weights, fm.circuit.count_ops()
    (12, {'ry': 4, 'rz': 4, 'cz': 2})
    """

    _shown = ("num_qubits", "reps", "entanglement")

    def __init__(self, feature_dimension: int, num_qubits: int | None = None, reps: int = 3,
                 entanglement="linear"):
        _check_count(feature_dimension, "feature_dimension")
        _check_count(reps, "reps")
        n = feature_dimension if num_qubits is None else num_qubits
        _check_count(n, "num_qubits")
        self.reps, self.entanglement = reps, entanglement
        x = parameter_vector("x", feature_dimension)
        w = parameter_vector("w", 3 * n * reps)
        circuit = Circuit(n, name="DataReuploading")
        for layer in range(reps):
            for q in range(n):
                scale, bias, phase = w[3 * (layer * n + q):3 * (layer * n + q) + 3]
                circuit.ry(scale * x[q % feature_dimension] + bias, q)
                circuit.rz(phase, q)
            for a, b in pairs(n, 2, entanglement) if n > 1 else ():
                circuit.cz(a, b)
        super().__init__(circuit, x, w, feature_dimension)

    def initial_weights(self, seed=None) -> np.ndarray:
        """Scales near 1, biases and phases small (a map close to plain angle encoding).

        >>> DataReuploading(1, reps=1).initial_weights(seed=1).round(3)
        array([1.035, 0.082, 0.033])
        """
        rng = np.random.default_rng(seed)
        weights = rng.normal(0, 0.1, self.num_weights)
        weights[0::3] += 1.0
        return weights


def _pauli_evolution(circuit: Circuit, word: str, qubits, angle) -> None:
    """Qiskit's ``PauliFeatureMap.pauli_evolution``: basis change, CX chain, ``P(angle)``, undone."""
    def basis(inverse: bool):
        for pauli, q in zip(reversed(word), qubits, strict=False):
            if pauli == "X":
                circuit.h(q)
            elif pauli == "Y":
                circuit.rx(-math.pi / 2 if inverse else math.pi / 2, q)
    indices = [q for p, q in zip(reversed(word), qubits, strict=False) if p != "I"]  # Qiskit's labels: first qubit rightmost
    if not indices:
        return
    basis(False)
    for a, b in zip(indices, indices[1:], strict=False):
        circuit.cx(a, b)
    circuit.p(angle, indices[-1])
    for a, b in reversed(list(zip(indices, indices[1:], strict=False))):
        circuit.cx(a, b)
    basis(True)


def _data_map(xs):
    if len(xs) == 1:
        return xs[0]
    out = math.pi - xs[0]
    for x in xs[1:]:
        out = out * (math.pi - x)
    return out


def _check_count(value, name: str) -> None:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
        raise DataError(f"{name} must be a whole number >= 1, got {value!r}")
