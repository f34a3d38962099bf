"""The variational classifiers and regressor (see :mod:`qfusion.qml.variational` for the training).

>>> import numpy as np
>>> X = np.linspace(0, 1, 8).reshape(-1, 1)
>>> from qfusion.qml.feature_maps import AngleEmbedding
>>> model = QNNRegressor(AngleEmbedding(1, rotation="Y"), maxiter=150, random_state=0).fit(X, X[:, 0] ** 2)
>>> bool(model.score(X, X[:, 0] ** 2) > 0.9)
True
"""

from __future__ import annotations

import numpy as np

from qfusion.errors import DataError
from qfusion.qml.variational import _base, _Variational


class _Classifier(_base.ClassifierMixin, _Variational):
    def fit(self, X, y):
        X, y = self._fit_checks(X, y, classifier=True)
        self.classes_, encoded = np.unique(y, return_inverse=True)
        self._check_classes()
        self._train(X, encoded)
        return self

    def _check_classes(self) -> None:
        pass

    def predict(self, X):
        probabilities = self.predict_proba(X)  # checks that the model is fitted first
        return self.classes_[np.argmax(probabilities, axis=1)]


class VQC(_Classifier):
    """A variational quantum classifier: class probabilities from the measured bitstrings (their
    parity for two classes, the index modulo the number of classes otherwise), cross-entropy loss.
    ``feature_map=None``: the ZZ feature map with ``reps=1``; ``ansatz=None``: ``RealAmplitudes``.

    >>> X = np.array([[0.1, 0.2], [0.2, 0.1], [2.9, 3.0], [3.0, 2.8]])
    >>> model = VQC(maxiter=60, random_state=0).fit(X, ["a", "a", "b", "b"])
    >>> model.classes_.tolist(), model.predict(X).tolist()
    (['a', 'b'], ['a', 'a', 'b', 'b'])
    """

    def _check_classes(self) -> None:
        if len(self.classes_) > 2 ** self.circuit_.num_qubits:
            raise DataError(f"{len(self.classes_)} classes do not fit {self.circuit_.num_qubits} qubits' outcomes")

    def _groups(self) -> np.ndarray:
        index = np.arange(2 ** self.circuit_.num_qubits)
        if len(self.classes_) == 2:
            return np.bitwise_count(index) & 1
        return index % len(self.classes_)

    def _loss_and_gradient(self, X, targets, weights, initial):
        groups = self._groups()
        count = len(X)

        def adjoint(phi):
            probabilities = np.abs(phi) ** 2
            classes = np.zeros((count, len(self.classes_)))
            np.add.at(classes.T, groups, probabilities.T)
            chosen = np.maximum(classes[np.arange(count), targets], 1e-12)
            loss = -np.mean(np.log(chosen))
            weight = np.where(groups[None, :] == targets[:, None], -1.0 / (count * chosen[:, None]), 0.0)
            return loss, weight * phi
        columns = self._columns(X, weights)
        loss, grads = self._plan.gradient(columns, adjoint, wrt=self.weight_names_, initial=initial)
        return loss, np.array([grads[n].sum() for n in self.weight_names_])

    def predict_proba(self, X):
        """Class probabilities, one row per sample (columns in ``classes_`` order).


        >>> X = np.array([[0.1, 0.2], [3.0, 2.8]])
        >>> model = VQC(maxiter=30, random_state=0).fit(X, [0, 1])
        >>> proba = model.predict_proba(X)
        >>> proba.shape, bool(np.allclose(proba.sum(axis=1), 1.0))
        ((2, 2), True)
        """
        X = self._predict_checks(X)
        states = self._plan.states(self._columns(X, self.weights_), initial=self.feature_map_.initial_states(X))
        probabilities = np.zeros((len(X), len(self.classes_)))
        np.add.at(probabilities.T, self._groups(), (np.abs(states) ** 2).T)
        return probabilities


def _z(qubit: int, num_qubits: int) -> str:
    return "I" * (num_qubits - 1 - qubit) + "Z" + "I" * qubit


class QNNClassifier(_Classifier):
    """A quantum neural network classifier: logits ``a_c <O_c> + b_c`` (``observables``, default
    ``Z`` on qubit ``c mod n`` for class ``c``), softmax cross-entropy; ``a, b`` train with the weights.

    >>> from qfusion.qml.feature_maps import AngleEmbedding
    >>> X = np.array([[0.1], [0.2], [2.9], [3.0]])
    >>> model = QNNClassifier(AngleEmbedding(1, rotation="Y"), reps=1, maxiter=80, random_state=0).fit(X, [0, 0, 1, 1])
    >>> model.predict(X).tolist()
    [0, 0, 1, 1]
    """

    def __init__(self, feature_map=None, ansatz=None, *, observables=None, reps: int = 2, optimizer: str = "adam",
                 maxiter: int = 100, learning_rate: float = 0.1, verbose: bool = False, callback=None,
                 random_state=None, initial_point=None):
        super().__init__(feature_map, ansatz, reps=reps, optimizer=optimizer, maxiter=maxiter,
                         learning_rate=learning_rate, verbose=verbose, callback=callback,
                         random_state=random_state, initial_point=initial_point)
        self.observables = observables

    def _check_classes(self) -> None:
        n = self.circuit_.num_qubits
        self.observables_ = [_z(c % n, n) for c in range(len(self.classes_))] if self.observables is None \
            else list(self.observables)
        if len(self.observables_) != len(self.classes_):
            raise DataError(f"{len(self.classes_)} classes need as many observables, got {len(self.observables_)}")

    def _build(self, num_features: int) -> None:
        super()._build(num_features)

    def _num_extra(self) -> int:
        return 2 * len(self.observables_) if hasattr(self, "observables_") else 0

    def _extra_initial(self) -> np.ndarray:
        return np.concatenate([np.ones(len(self.observables_)) * 2.0, np.zeros(len(self.observables_))])

    def _logits(self, values, extra):
        c = len(self.observables_)
        return values * extra[:c] + extra[c:]

    def _loss_and_gradient(self, X, targets, weights, initial):
        q, c, count = len(self.weight_names_), len(self.observables_), len(X)
        values, _ = self._expectations(X, weights, self.observables_, initial=initial)
        logits = self._logits(values, weights[q:])
        probabilities = _softmax(logits)
        loss = -np.mean(np.log(np.maximum(probabilities[np.arange(count), targets], 1e-300)))
        d_logits = (probabilities - np.eye(c)[targets]) / count
        _, grad = self._expectations(X, weights, self.observables_, d_logits * weights[q:q + c], initial)
        return loss, np.concatenate([grad, np.sum(d_logits * values, 0), np.sum(d_logits, 0)])

    def predict_proba(self, X):
        """The softmax of the logits, one row per sample.


        >>> from qfusion.qml.feature_maps import AngleEmbedding
        >>> X = np.array([[0.1], [3.0]])
        >>> model = QNNClassifier(AngleEmbedding(1, rotation="Y"), reps=1, maxiter=20, random_state=0).fit(X, [0, 1])
        >>> bool(np.allclose(model.predict_proba(X).sum(axis=1), 1.0))
        True
        """
        X = self._predict_checks(X)
        values, _ = self._expectations(X, self.weights_, self.observables_,
                                       initial=self.feature_map_.initial_states(X))
        return _softmax(self._logits(values, self.weights_[len(self.weight_names_):]))


class QNNRegressor(_base.RegressorMixin, _Variational):
    """A quantum neural network regressor: ``a <O> + b`` (``observable`` default ``Z`` on qubit 0),
    mean squared error; ``a, b`` train with the weights.

    >>> from qfusion.qml.feature_maps import AngleEmbedding
    >>> X = np.linspace(0, np.pi, 6).reshape(-1, 1)
    >>> model = QNNRegressor(AngleEmbedding(1, rotation="Y"), reps=1, maxiter=100, random_state=0).fit(X, np.cos(X[:, 0]))
    >>> bool(model.score(X, np.cos(X[:, 0])) > 0.9)
    True
    """

    def __init__(self, feature_map=None, ansatz=None, *, observable=None, reps: int = 2, optimizer: str = "adam",
                 maxiter: int = 100, learning_rate: float = 0.1, verbose: bool = False, callback=None,
                 random_state=None, initial_point=None):
        super().__init__(feature_map, ansatz, reps=reps, optimizer=optimizer, maxiter=maxiter,
                         learning_rate=learning_rate, verbose=verbose, callback=callback,
                         random_state=random_state, initial_point=initial_point)
        self.observable = observable

    def fit(self, X, y):
        """Train the weights and the output's scale and offset on ``(X, y)``; returns the model.


        >>> from qfusion.qml.feature_maps import AngleEmbedding
        >>> model = QNNRegressor(AngleEmbedding(1), reps=1, maxiter=5, random_state=0)
        >>> model.fit(np.array([[0.0], [1.0]]), [0.0, 1.0]) is model
        True
        """
        X, y = self._fit_checks(X, y, classifier=False)
        n = self.circuit_.num_qubits
        self.observable_ = _z(0, n) if self.observable is None else self.observable
        self._train(X, np.asarray(y, dtype=float))
        return self

    def _num_extra(self) -> int:
        return 2

    def _extra_initial(self) -> np.ndarray:
        return np.array([1.0, 0.0])

    def _loss_and_gradient(self, X, targets, weights, initial):
        q = len(self.weight_names_)
        scale, bias = weights[q], weights[q + 1]
        values, _ = self._expectations(X, weights, [self.observable_], initial=initial)
        residual = scale * values[:, 0] + bias - targets
        loss = float(np.mean(residual ** 2))
        d_out = 2 * residual / len(X)
        _, grad = self._expectations(X, weights, [self.observable_], (d_out * scale)[:, None], initial)
        return loss, np.concatenate([grad, [np.sum(d_out * values[:, 0]), np.sum(d_out)]])

    def predict(self, X):
        """``a <O> + b`` for the rows of ``X``.


        >>> from qfusion.qml.feature_maps import AngleEmbedding
        >>> model = QNNRegressor(AngleEmbedding(1), reps=1, maxiter=5, random_state=0).fit(np.array([[0.0], [1.0]]), [0.0, 1.0])
        >>> model.predict(np.array([[0.5], [0.7], [0.9]])).shape
        (3,)
        """
        X = self._predict_checks(X)
        values, _ = self._expectations(X, self.weights_, [self.observable_],
                                       initial=self.feature_map_.initial_states(X))
        q = len(self.weight_names_)
        return self.weights_[q] * values[:, 0] + self.weights_[q + 1]


def _softmax(logits):
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)
